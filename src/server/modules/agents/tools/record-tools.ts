import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { withTenant } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import { buildRecordContext } from '../../ai/record-context';
import { buildTimelineContext } from '../../ai/timeline-context';
import { contacts, deals, pipelines, pipelineStages } from '../../crm/crm.schema';
import { canSeeRecord } from '../../crm';
import { queryView } from '../../views/query-view';
import { searchRecords } from '../../views/search-records';
import { type FilterCondition, type FilterGroup, type ViewRow } from '../../views/views.contract';
import { findRecordsSpec, getRecordSpec, pipelineSummarySpec, searchRecordsSpec } from '../tool-specs';
import { defineTool, type ToolEnv } from '../runtime/tool';

const recordType = z.enum(['contacts', 'companies', 'deals']);
export type RecordKind = z.infer<typeof recordType>;

/** The columns an agent reads of each object: enough to reason about, no free-text custom data. */
const columns: Record<RecordKind, string[]> = {
  contacts: ['name', 'title', 'company', 'email', 'phone', 'city', 'state', 'country', 'lifecycle', 'owner', 'lastActivityAt', 'tags'],
  companies: ['name', 'domain', 'industry', 'size', 'city', 'state', 'country', 'owner', 'lastActivityAt', 'tags'],
  deals: ['name', 'stage', 'status', 'amount', 'currency', 'expectedCloseDate', 'probability', 'contact', 'company', 'owner', 'lostReason', 'lastActivityAt', 'createdAt'],
};
const pii = new Set(['email', 'phone']);

type Cell = ViewRow['cells'][string];
function cellText(cell: Cell): string | null {
  if (cell === null || cell === '' || (Array.isArray(cell) && cell.length === 0)) return null;
  if (Array.isArray(cell)) return cell.map((c) => (typeof c === 'string' ? c : c.name)).join(', ');
  if (typeof cell === 'object') return cell.label;
  return String(cell);
}

/** Restricted contacts named in other rows' cells (a deal's contact) lose their name too (AI-6). */
async function restrictedAmong(env: ToolEnv, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await withTenant(env.services.database.db, env.ctx, (tx) =>
    tx.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.workspaceId, env.ctx.workspaceId), inArray(contacts.id, ids), eq(contacts.restricted, true))),
  );
  return new Set(rows.map((r) => r.id));
}

export const findRecords = defineTool({
  ...findRecordsSpec,
  changes: false,
  async run(input, env) {
    return listRecords(env, input.object, { match: input.match, conditions: input.conditions as FilterCondition[] }, input.sort, input.limit);
  },
});

/** Rows of a filtered list as prompt lines, each record remembered for citing; restricted contacts never included (AI-6). */
export async function listRecords(env: ToolEnv, object: RecordKind, userFilter: FilterGroup, sort: { field: string; direction: 'asc' | 'desc' } | undefined, limit: number) {
  const filter: FilterGroup = object === 'contacts' ? { match: 'all', conditions: [userFilter, { field: 'restricted', op: 'is_false' }] } : userFilter;
  const page = await queryView(env.services.database.db, env.ctx, {
    view: { object, columns: columns[object], filter, ...(sort ? { sort } : {}) },
    limit,
    withTotal: true,
  });
  const refIds = page.rows.flatMap((r) => (object === 'deals' && r.cells.contact && typeof r.cells.contact === 'object' && !Array.isArray(r.cells.contact) ? [r.cells.contact.id] : []));
  const hidden = await restrictedAmong(env, refIds);
  const lines = page.rows.map((row) => {
    const name = cellText(row.cells.name ?? null) ?? '(no name)';
    env.records.add(object, row.id, name);
    const facts = columns[object]
      .filter((key) => key !== 'name')
      .map((key) => {
        const cell = row.cells[key] ?? null;
        if (key === 'contact' && cell && typeof cell === 'object' && !Array.isArray(cell) && hidden.has(cell.id)) return null;
        const text = cellText(cell);
        if (text === null) return key === 'lastActivityAt' ? 'last activity: never' : null;
        return `${key}: ${env.redact && pii.has(key) ? '[redacted]' : text}`;
      })
      .filter(Boolean);
    return `[${object}/${row.id}] ${name} — ${facts.join('; ')}`;
  });
  const total = page.total ? `${page.total.exact ? '' : 'about '}${page.total.count}` : String(lines.length);
  const output = lines.length ? `${total} match; showing ${lines.length}:\n${lines.join('\n')}` : 'No records match.';
  return { output, summary: `${object}: ${total} match` };
}

export const getRecord = defineTool({
  ...getRecordSpec,
  changes: false,
  async run(input, env) {
    return readRecord(env, input.type, input.id, 25);
  },
});

/** A record and its recent timeline as prompt text; what Closer starts from on a deal. */
export async function readRecord(env: ToolEnv, type: RecordKind, id: string, timelineItems: number): Promise<{ output: string; summary: string }> {
  const { db } = env.services.database;
  const visible = await withTenant(db, env.ctx, (tx) => canSeeRecord(tx, env.ctx, type, id));
  if (!visible) return { output: `No ${type.slice(0, -1)} with id ${id} here.`, summary: `${type}/${id}: not found` };
  const refs = [{ type, id }];
  if (type === 'deals') {
    const [deal] = await withTenant(db, env.ctx, (tx) => tx.select({ contactId: deals.contactId, companyId: deals.companyId }).from(deals).where(and(eq(deals.workspaceId, env.ctx.workspaceId), eq(deals.id, id))));
    if (deal?.contactId) refs.push({ type: 'contacts', id: deal.contactId });
    if (deal?.companyId) refs.push({ type: 'companies', id: deal.companyId });
  } else if (type === 'contacts') {
    // AI-7: a person is written to as someone at their company.
    const [contact] = await withTenant(db, env.ctx, (tx) => tx.select({ companyId: contacts.companyId }).from(contacts).where(and(eq(contacts.workspaceId, env.ctx.workspaceId), eq(contacts.id, id))));
    if (contact?.companyId) refs.push({ type: 'companies', id: contact.companyId });
  }
  const context = await buildRecordContext(db, env.ctx, refs);
  if (!context.refs.some((r) => r.type === type && r.id === id)) return { output: `The ${type.slice(0, -1)} ${id} cannot be shared with the assistant (restricted).`, summary: `${type}/${id}: restricted` };
  for (const r of context.labelled) env.records.add(r.type, r.id, r.label);
  const timeline = await withTenant(db, env.ctx, (tx) => buildTimelineContext(tx, env.ctx, { type, id }, { limit: timelineItems, bodyChars: 400, redact: env.redact }));
  const more = timeline.total > timeline.included ? ` (newest ${timeline.included} of ${timeline.total})` : '';
  const output = `${context.text}\n\nTimeline${more}:\n${timeline.text || '(nothing yet)'}`;
  const label = context.labelled.find((r) => r.type === type && r.id === id)?.label ?? id;
  return { output, summary: `${label}: ${timeline.total} timeline items` };
}

export const searchRecordsTool = defineTool({
  ...searchRecordsSpec,
  changes: false,
  async run(input, env) {
    const hits = await searchRecords(env.services.database.db, env.ctx, { q: input.query, types: input.types, limit: 10 });
    const hidden = await restrictedAmong(env, hits.filter((h) => h.type === 'contacts').map((h) => h.id));
    const shown = hits.filter((h) => !(h.type === 'contacts' && hidden.has(h.id)));
    for (const h of shown) env.records.add(h.type, h.id, h.title);
    const lines = shown.map((h) => `[${h.type}/${h.id}] ${h.title}${h.subtitle && !env.redact ? ` — ${h.subtitle}` : ''}`);
    return { output: lines.length ? lines.join('\n') : 'Nothing found.', summary: `"${input.query}": ${lines.length} found` };
  },
});

interface StageRow extends Record<string, unknown> {
  pipeline_id: string;
  pipeline: string;
  stage_id: string;
  stage: string;
  kind: string;
  probability: number;
  open_deals: number;
  open_amount: string | null;
  won_90: number;
  won_amount_90: string | null;
  lost_90: number;
  avg_age_days: number | null;
}

export const pipelineSummary = defineTool({
  ...pipelineSummarySpec,
  changes: false,
  async run(_input, env) {
    const rows = await withTenant(env.services.database.db, env.ctx, async (tx) =>
      (
        await tx.execute<StageRow>(sql`
          SELECT p.id AS pipeline_id, p.name AS pipeline, s.id AS stage_id, s.name AS stage, s.kind, s.probability,
            count(d.id) FILTER (WHERE d.status = 'open')::int AS open_deals,
            sum(d.amount) FILTER (WHERE d.status = 'open')::text AS open_amount,
            count(d.id) FILTER (WHERE d.status = 'won' AND d.closed_at > now() - interval '90 days')::int AS won_90,
            sum(d.amount) FILTER (WHERE d.status = 'won' AND d.closed_at > now() - interval '90 days')::text AS won_amount_90,
            count(d.id) FILTER (WHERE d.status = 'lost' AND d.closed_at > now() - interval '90 days')::int AS lost_90,
            round(avg(extract(epoch FROM now() - d.created_at) / 86400) FILTER (WHERE d.status = 'open'))::int AS avg_age_days
          FROM ${pipelines} p
          JOIN ${pipelineStages} s ON s.workspace_id = p.workspace_id AND s.pipeline_id = p.id
          LEFT JOIN ${deals} d ON d.workspace_id = s.workspace_id AND d.stage_id = s.id
          WHERE p.workspace_id = ${env.ctx.workspaceId}
          GROUP BY p.id, p.name, p.position, s.id, s.name, s.kind, s.probability, s.position
          ORDER BY p.position, s.position`)
      ).rows,
    );
    if (rows.length === 0) return { output: 'No pipelines yet.', summary: 'no pipelines' };
    const lines: string[] = [];
    let current = '';
    for (const r of rows) {
      if (r.pipeline_id !== current) {
        current = r.pipeline_id;
        lines.push(`Pipeline "${r.pipeline}" (id ${r.pipeline_id}):`);
      }
      lines.push(
        `- stage "${r.stage}" (stage id ${r.stage_id}, ${r.kind}, probability ${r.probability}%): ${r.open_deals} open worth ${r.open_amount ?? 0}` +
          `${r.avg_age_days !== null ? `, average age ${r.avg_age_days} days` : ''}; last 90 days won ${r.won_90} (${r.won_amount_90 ?? 0}), lost ${r.lost_90}`,
      );
    }
    return { output: lines.join('\n'), summary: `${rows.length} stages` };
  },
});

/** Turns a view-validation error into words the model can act on. */
export function describeToolError(error: unknown): string {
  if (error instanceof AppError) {
    const fields = (error.details as { fields?: Record<string, string> } | undefined)?.fields;
    return `${error.message}${fields ? ` ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ')}` : ''}`;
  }
  return 'The tool failed unexpectedly.';
}
