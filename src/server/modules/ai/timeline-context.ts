import { sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import type { RecordType } from '../crm/crm.contract';
import { redactPii } from './record-context';

export interface TimelineContext {
  /** One line per item, newest first. */
  text: string;
  /** Items included, and how many the record has in all. */
  included: number;
  total: number;
}

interface ItemRow extends Record<string, unknown> {
  kind: string;
  subject: string | null;
  body_text: string | null;
  occurred_at: Date | string;
  call_outcome: string | null;
  email_direction: string | null;
  task_due_at: Date | string | null;
  completed_at: Date | string | null;
}

const day = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 10) : null);
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * AI-6: the recent part of a record's timeline for a prompt — the newest `limit` items, each
 * body cut short, and none that also sits on a restricted contact's timeline (what was said
 * to or about that person stays out of every request). The total tells the model there is more.
 */
export async function buildTimelineContext(
  tx: Tx,
  ctx: Pick<WorkspaceContext, 'workspaceId'>,
  record: { type: RecordType; id: string },
  options: { limit: number; bodyChars: number; redact: boolean },
): Promise<TimelineContext> {
  // Items also on a restricted contact's timeline: found from the (few) restricted contacts, so
  // the check costs the same for a record with 5 items or 5,000.
  const hidden = sql`(SELECT r.activity_id FROM contacts c
    JOIN activity_links r ON r.workspace_id = c.workspace_id AND r.record_type = 'contacts' AND r.record_id = c.id
    WHERE c.workspace_id = ${ctx.workspaceId} AND c.restricted)`;
  const rows = await tx.execute<ItemRow>(sql`
    SELECT a.kind, a.subject, a.body_text, a.occurred_at, a.call_outcome, a.email_direction, a.task_due_at, a.completed_at
    FROM activity_links l
    JOIN activities a ON a.workspace_id = l.workspace_id AND a.id = l.activity_id
    WHERE l.workspace_id = ${ctx.workspaceId} AND l.record_type = ${record.type} AND l.record_id = ${record.id} AND l.activity_id NOT IN ${hidden}
    ORDER BY l.occurred_at DESC, l.activity_id DESC
    LIMIT ${options.limit}`);
  const [count] = (
    await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM activity_links l
      WHERE l.workspace_id = ${ctx.workspaceId} AND l.record_type = ${record.type} AND l.record_id = ${record.id} AND l.activity_id NOT IN ${hidden}`)
  ).rows;
  const free = (s: string) => (options.redact ? redactPii(s) : s);
  const lines = rows.rows.map((r) => {
    const facts = [
      r.kind === 'call' && r.call_outcome ? `outcome: ${r.call_outcome.replaceAll('_', ' ')}` : null,
      r.kind === 'email' && r.email_direction ? r.email_direction : null,
      r.kind === 'task' ? (r.completed_at ? `done ${day(r.completed_at)}` : r.task_due_at ? `due ${day(r.task_due_at)}` : 'open') : null,
    ].filter(Boolean);
    const subject = r.subject ? ` "${clip(free(r.subject), 200)}"` : '';
    const body = r.body_text ? ` — ${clip(free(r.body_text.replace(/\s+/g, ' ').trim()), options.bodyChars)}` : '';
    return `- ${day(r.occurred_at)} ${r.kind}${subject}${facts.length ? ` (${facts.join(', ')})` : ''}${body}`;
  });
  return { text: lines.join('\n'), included: rows.rows.length, total: count?.n ?? 0 };
}
