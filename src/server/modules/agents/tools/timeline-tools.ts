import { sql } from 'drizzle-orm';
import { withTenant } from '../../../platform/db/tenant';
import { redactPii } from '../../ai/record-context';
import { loadVisibility, visibleRecords } from '../../crm';
import { companies, contacts, deals } from '../../crm/crm.schema';
import { defineTool } from '../runtime/tool';
import { searchTimelineSpec } from '../tool-specs';

interface Hit extends Record<string, unknown> {
  kind: string;
  subject: string | null;
  snippet: string | null;
  occurred_at: Date | string;
  record_type: 'contacts' | 'companies' | 'deals';
  record_id: string;
  label: string | null;
}

const tables = { contacts, companies, deals } as const;

/**
 * AI-3: full-text search over what was written on timelines (notes, calls, emails, meetings,
 * tasks), with the records each item sits on — how the brain finds "since the demo". Items on a
 * restricted contact's timeline, and records the member may not see, are left out (AI-6).
 */
export const searchTimeline = defineTool({
  ...searchTimelineSpec,
  changes: false,
  async run(input, env) {
    const hits = await withTenant(env.services.database.db, env.ctx, async (tx) => {
      const visibility = await loadVisibility(tx, env.ctx);
      // The record tables are joined under their own names: visibility conditions refer to them so.
      const visible = (type: keyof typeof tables) => visibleRecords(visibility, type) ?? sql`true`;
      const doc = sql`to_tsvector('english', coalesce(a.subject, '') || ' ' || coalesce(a.body_text, ''))`;
      const query = sql`websearch_to_tsquery('english', ${input.query})`;
      return (
        await tx.execute<Hit>(sql`
          SELECT a.kind, a.subject, ts_headline('english', coalesce(a.body_text, ''), ${query}, 'MaxWords=30, MinWords=10, StartSel="", StopSel=""') AS snippet,
            a.occurred_at, l.record_type, l.record_id,
            coalesce(deals.name, companies.name, nullif(trim(coalesce(contacts.first_name, '') || ' ' || coalesce(contacts.last_name, '')), ''), contacts.email) AS label
          FROM activities a
          JOIN activity_links l ON l.workspace_id = a.workspace_id AND l.activity_id = a.id
          LEFT JOIN deals ON l.record_type = 'deals' AND deals.workspace_id = l.workspace_id AND deals.id = l.record_id AND ${visible('deals')}
          LEFT JOIN companies ON l.record_type = 'companies' AND companies.workspace_id = l.workspace_id AND companies.id = l.record_id AND ${visible('companies')}
          LEFT JOIN contacts ON l.record_type = 'contacts' AND contacts.workspace_id = l.workspace_id AND contacts.id = l.record_id AND NOT contacts.restricted AND ${visible('contacts')}
          WHERE a.workspace_id = ${env.ctx.workspaceId} AND ${doc} @@ ${query}
            ${input.kind ? sql`AND a.kind = ${input.kind}` : sql``}
            ${input.withinDays ? sql`AND a.occurred_at > now() - make_interval(days => ${input.withinDays})` : sql``}
            AND coalesce(deals.id, companies.id, contacts.id) IS NOT NULL
            AND a.id NOT IN (SELECT r.activity_id FROM contacts rc JOIN activity_links r ON r.workspace_id = rc.workspace_id AND r.record_type = 'contacts' AND r.record_id = rc.id
              WHERE rc.workspace_id = ${env.ctx.workspaceId} AND rc.restricted)
          ORDER BY a.occurred_at DESC
          LIMIT ${input.limit}`)
      ).rows;
    });
    const free = (s: string) => (env.redact ? redactPii(s) : s);
    const lines = hits.map((h) => {
      const label = h.label ?? '(no name)';
      env.records.add(h.record_type, h.record_id, label);
      const day = new Date(h.occurred_at).toISOString().slice(0, 10);
      return `[${h.record_type}/${h.record_id}] ${label} — ${day} ${h.kind}${h.subject ? ` "${free(h.subject)}"` : ''}${h.snippet ? `: ${free(h.snippet)}` : ''}`;
    });
    return { output: lines.length ? lines.join('\n') : 'No timeline items match.', summary: `"${input.query}": ${lines.length} items` };
  },
});
