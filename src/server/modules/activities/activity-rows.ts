import { and, eq, inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, forbidden } from '../../platform/http/errors';
import { userNames } from '../accounts';
import type { RecordType } from '../crm/crm.contract';
import { companies, contacts, deals } from '../crm/crm.schema';
import type { FieldErrors } from '../../platform/http/field-errors';
import { loadVisibility, visibleRecords, type Visibility } from '../crm';
import { memberRole } from '../workspaces';
import type { Activity, LinkedRecord, RecordLink } from './activities.contract';
import { activities, activityLinks } from './activities.schema';

/** What the activity use cases share: rows, links, presentation, permissions and cursors. */

export type ActivityRow = typeof activities.$inferSelect;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const recordTables = { contacts, companies, deals } as const;

export async function findActivityRow(tx: Tx, ctx: WorkspaceContext, id: string, opts: { lock?: boolean } = {}): Promise<ActivityRow | undefined> {
  const query = tx.select().from(activities).where(and(eq(activities.workspaceId, ctx.workspaceId), eq(activities.id, id)));
  const [row] = opts.lock ? await query.for('update') : await query;
  return row;
}

/** Managers may change or delete anyone's item; others only what they wrote (or, for a task, were given). */
export function assertMayChange(ctx: WorkspaceContext, row: ActivityRow, action: 'change' | 'delete'): void {
  if (ctx.role === 'owner' || ctx.role === 'admin') return;
  if (ctx.userId && row.authorUserId === ctx.userId) return;
  if (action === 'change' && row.kind === 'task' && ctx.userId && row.assigneeUserId === ctx.userId) return;
  throw forbidden(action === 'delete' ? 'Only the author or an owner or admin can delete this.' : 'Only the author or an owner or admin can change this.', 'not_author');
}

// ---------------------------------------------------------------- records and links

/** The name a record is shown by, as SQL over its table. */
const labelOf: Record<RecordType, SQL<string>> = {
  contacts: sql<string>`coalesce(nullif(trim(coalesce(${contacts.firstName}, '') || ' ' || coalesce(${contacts.lastName}, '')), ''), ${contacts.email}, ${contacts.phone}, 'Unnamed contact')`,
  companies: sql<string>`${companies.name}`,
  deals: sql<string>`${deals.name}`,
};

/** Ids of `ids` that exist in the workspace and that the member may see, with their labels. */
export async function visibleRecordLabels(tx: Tx, ctx: WorkspaceContext, v: Visibility, recordType: RecordType, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (!wanted.length) return new Map();
  const t = recordTables[recordType];
  const rows = await tx
    .select({ id: t.id, label: labelOf[recordType] })
    .from(t)
    .where(and(eq(t.workspaceId, ctx.workspaceId), inArray(t.id, wanted), visibleRecords(v, recordType)));
  return new Map(rows.map((r) => [r.id, r.label]));
}

/** Whether one record exists in the workspace and is visible to the member: the timeline's 404. */
export async function recordIsVisible(tx: Tx, ctx: WorkspaceContext, recordType: RecordType, recordId: string): Promise<boolean> {
  const v = await loadVisibility(tx, ctx);
  return (await visibleRecordLabels(tx, ctx, v, recordType, [recordId])).has(recordId);
}

export interface ResolvedLink {
  recordType: RecordType;
  recordId: string;
  inferred: boolean;
}

const singular: Record<RecordType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

/**
 * Checks that each linked record exists in this workspace (and is visible to the member),
 * then adds the companies of linked contacts and deals, so that a call with a contact shows on
 * the contact's company too. A missing record is a field error: `links.2.recordId`.
 */
export async function resolveLinks(tx: Tx, ctx: WorkspaceContext, links: RecordLink[], errors: FieldErrors): Promise<ResolvedLink[]> {
  const v = await loadVisibility(tx, ctx);
  const out = new Map<string, ResolvedLink>();
  const key = (type: string, id: string) => `${type}:${id}`;
  for (const recordType of ['contacts', 'companies', 'deals'] as const) {
    const ids = links.filter((l) => l.recordType === recordType).map((l) => l.recordId);
    const found = await visibleRecordLabels(tx, ctx, v, recordType, ids);
    links.forEach((l, i) => {
      if (l.recordType !== recordType) return;
      if (!found.has(l.recordId)) errors.add(`links.${i}.recordId`, `No such ${singular[recordType]} in this workspace.`);
      else out.set(key(recordType, l.recordId), { recordType, recordId: l.recordId, inferred: false });
    });
  }
  const contactIds = [...out.values()].filter((l) => l.recordType === 'contacts').map((l) => l.recordId);
  const dealIds = [...out.values()].filter((l) => l.recordType === 'deals').map((l) => l.recordId);
  const owners = await Promise.all([
    contactIds.length ? tx.select({ companyId: contacts.companyId }).from(contacts).where(and(eq(contacts.workspaceId, ctx.workspaceId), inArray(contacts.id, contactIds))) : [],
    dealIds.length ? tx.select({ companyId: deals.companyId }).from(deals).where(and(eq(deals.workspaceId, ctx.workspaceId), inArray(deals.id, dealIds))) : [],
  ]);
  for (const { companyId } of owners.flat()) {
    if (companyId && !out.has(key('companies', companyId))) out.set(key('companies', companyId), { recordType: 'companies', recordId: companyId, inferred: true });
  }
  return [...out.values()];
}

/** Replaces an activity's links. */
export async function writeLinks(tx: Tx, ctx: WorkspaceContext, row: ActivityRow, links: ResolvedLink[]): Promise<void> {
  await tx.delete(activityLinks).where(and(eq(activityLinks.workspaceId, ctx.workspaceId), eq(activityLinks.activityId, row.id)));
  if (!links.length) return;
  await tx.insert(activityLinks).values(links.map((l) => ({ workspaceId: ctx.workspaceId, activityId: row.id, recordType: l.recordType, recordId: l.recordId, occurredAt: row.occurredAt, kind: row.kind, inferred: l.inferred })));
}

/** Timeline order lives on the links too; keep it in step when the time of an item changes. */
export async function syncLinkTimes(tx: Tx, ctx: WorkspaceContext, row: ActivityRow): Promise<void> {
  await tx
    .update(activityLinks)
    .set({ occurredAt: row.occurredAt })
    .where(and(eq(activityLinks.workspaceId, ctx.workspaceId), eq(activityLinks.activityId, row.id)));
}

/** A task's assignee must be a team member of this workspace (a client cannot be given tasks). */
export async function checkAssignee(tx: Tx, ctx: WorkspaceContext, userId: string | null | undefined, errors: FieldErrors): Promise<void> {
  if (!userId) return;
  const role = await memberRole(tx, ctx.workspaceId, userId);
  if (!role || role === 'client') errors.add('assigneeUserId', 'Not a team member of this workspace.');
}

// ---------------------------------------------------------------- presentation

/** Display names of the people on the rows, by user id, when the caller read them with the rows. */
export type PeopleNames = Map<string, string>;

/**
 * Rows as the API shows them: with linked records (labelled) and author and assignee names.
 * Issue 14: the links and the labels of their records (each under the member's visibility) in
 * one statement, and the names in a second only when the caller did not read them with the rows.
 */
export async function presentActivities(tx: Tx, ctx: WorkspaceContext, rows: ActivityRow[], knownNames?: PeopleNames): Promise<Activity[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const v = await loadVisibility(tx, ctx);
  const joined = (t: (typeof recordTables)[RecordType], type: RecordType) =>
    and(eq(activityLinks.recordType, type), eq(t.workspaceId, activityLinks.workspaceId), eq(t.id, activityLinks.recordId), visibleRecords(v, type));
  const linkRows = await tx
    .select({
      activityId: activityLinks.activityId,
      recordType: activityLinks.recordType,
      recordId: activityLinks.recordId,
      inferred: activityLinks.inferred,
      // A record that is gone or not visible to the member has no label, as before.
      label: sql<string | null>`CASE WHEN ${contacts.id} IS NOT NULL THEN ${labelOf.contacts} WHEN ${companies.id} IS NOT NULL THEN ${labelOf.companies} WHEN ${deals.id} IS NOT NULL THEN ${labelOf.deals} END`,
    })
    .from(activityLinks)
    .leftJoin(contacts, joined(contacts, 'contacts'))
    .leftJoin(companies, joined(companies, 'companies'))
    .leftJoin(deals, joined(deals, 'deals'))
    .where(and(eq(activityLinks.workspaceId, ctx.workspaceId), inArray(activityLinks.activityId, ids)));
  const linksById = new Map<string, LinkedRecord[]>(ids.map((id) => [id, []]));
  for (const l of linkRows) linksById.get(l.activityId)?.push({ recordType: l.recordType, recordId: l.recordId, inferred: l.inferred, label: l.label ?? null });
  const typeOrder = { contacts: 0, deals: 1, companies: 2 };
  for (const list of linksById.values()) list.sort((a, b) => Number(a.inferred) - Number(b.inferred) || typeOrder[a.recordType] - typeOrder[b.recordType]);

  const peopleIds = [...new Set(rows.flatMap((r) => [r.authorUserId, r.assigneeUserId]).filter((id): id is string => !!id))];
  const names = knownNames ?? (await userNames(tx, peopleIds));
  const person = (id: string | null) => (id ? { id, name: names.get(id) ?? 'Former member' } : null);

  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    body: r.body,
    bodyText: r.bodyText,
    occurredAt: iso(r.occurredAt)!,
    callOutcome: r.callOutcome,
    callDurationSeconds: r.callDurationSeconds,
    callScript: r.callScriptId ? { id: r.callScriptId, name: r.callScriptName ?? '' } : null,
    emailDirection: r.emailDirection,
    emailFrom: r.emailFrom,
    emailTo: r.emailTo,
    meetingStartsAt: iso(r.meetingStartsAt),
    meetingEndsAt: iso(r.meetingEndsAt),
    meetingLocation: r.meetingLocation,
    taskDueAt: iso(r.taskDueAt),
    assignee: person(r.assigneeUserId),
    completedAt: iso(r.completedAt),
    reminderAt: iso(r.reminderAt),
    reminderSentAt: iso(r.reminderSentAt),
    author: person(r.authorUserId),
    links: linksById.get(r.id) ?? [],
    version: r.version,
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  }));
}

export async function presentActivity(tx: Tx, ctx: WorkspaceContext, row: ActivityRow): Promise<Activity> {
  return (await presentActivities(tx, ctx, [row]))[0]!;
}

// ---------------------------------------------------------------- keyset cursors

/**
 * A page ends at (time, id); the next page starts strictly after it in (time desc, id desc)
 * order. Times are written with millisecond precision (JS dates), so the ISO string is exact.
 */
export function encodeCursor(at: Date | null, id: string): string {
  return Buffer.from(`${at ? at.toISOString() : ''}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date | null; id: string } {
  const raw = Buffer.from(cursor, 'base64url').toString();
  const [at, id] = raw.split('|');
  const date = at ? new Date(at) : null;
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || (date && Number.isNaN(date.getTime()))) {
    throw badRequest('validation_failed', 'Some fields are not valid (querystring).', { fields: { cursor: 'Not a cursor from a previous page.' }, in: 'querystring' });
  }
  return { at: date, id };
}

/** Rows after the cursor: `desc` for the timeline (newest first), `asc` for tasks (soonest due first; no due date last). */
export function afterCursor(timeCol: SQL | AnyColumn, idCol: AnyColumn, cursor: { at: Date | null; id: string }, order: 'asc' | 'desc'): SQL {
  const at = sql`coalesce(${cursor.at ? cursor.at.toISOString() : null}::timestamptz, 'infinity'::timestamptz)`;
  return order === 'desc' ? sql`(${timeCol}, ${idCol}) < (${at}, ${cursor.id}::uuid)` : sql`(${timeCol}, ${idCol}) > (${at}, ${cursor.id}::uuid)`;
}

/**
 * For the CRM delete use cases, in their transaction: removes the timeline links of deleted
 * records (links have no foreign key to them), and the items that were linked to nothing else —
 * a deleted contact's notes and calls go with it; a meeting also on a deal stays on the deal.
 */
export async function dropActivityLinks(tx: Tx, workspaceId: string, recordType: RecordType, recordIds: string[] | string): Promise<void> {
  const ids = [recordIds].flat();
  if (!ids.length) return;
  const dropped = await tx
    .delete(activityLinks)
    .where(and(eq(activityLinks.workspaceId, workspaceId), eq(activityLinks.recordType, recordType), inArray(activityLinks.recordId, ids)))
    .returning({ activityId: activityLinks.activityId });
  const touched = [...new Set(dropped.map((d) => d.activityId))];
  for (let i = 0; i < touched.length; i += 5000) {
    const chunk = touched.slice(i, i + 5000);
    await tx
      .delete(activities)
      .where(
        and(
          eq(activities.workspaceId, workspaceId),
          inArray(activities.id, chunk),
          sql`NOT EXISTS (SELECT 1 FROM ${activityLinks} WHERE ${activityLinks.workspaceId} = ${activities.workspaceId} AND ${activityLinks.activityId} = ${activities.id})`,
        ),
      );
  }
}
