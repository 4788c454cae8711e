import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, badRequest } from '../../../platform/http/errors';
import { memberProfile } from '../../accounts';
import { contactPhonesForCall, normalisePhone } from '../../crm';
import type { DncEntry } from './calls.contract';
import { doNotCall } from './calls.schema';

type Row = typeof doNotCall.$inferSelect;

export const presentDncEntry = (r: Row, addedByName: string | null = null): DncEntry => ({
  number: r.number,
  source: r.source,
  reason: r.reason,
  contactId: r.contactId,
  importId: r.importId,
  addedBy: r.addedBy,
  addedByName,
  createdAt: r.createdAt.toISOString(),
});

async function nameOf(tx: Tx, userId: string | null): Promise<string | null> {
  return (await memberProfile(tx, userId))?.name ?? null;
}

/**
 * Puts numbers on the list at once. A number already there keeps its first entry (its source and
 * time are the record of when it was first asked for), and is returned as it stands.
 */
export async function insertDoNotCall(
  tx: Tx,
  ctx: WorkspaceContext,
  numbers: string[],
  entry: { source: Row['source']; reason: string | null; contactId?: string | null },
): Promise<DncEntry[]> {
  if (!numbers.length) return [];
  await tx
    .insert(doNotCall)
    .values(numbers.map((number) => ({ workspaceId: ctx.workspaceId, number, source: entry.source, reason: entry.reason, contactId: entry.contactId ?? null, addedBy: ctx.userId })))
    .onConflictDoNothing();
  const rows = await tx
    .select()
    .from(doNotCall)
    .where(and(eq(doNotCall.workspaceId, ctx.workspaceId), sql`${doNotCall.number} = ANY(${sql.param(numbers)}::text[])`));
  const name = await nameOf(tx, ctx.userId);
  return rows.map((r) => presentDncEntry(r, r.addedBy === ctx.userId ? name : null));
}

/** CALL-2: a number added by hand, normalised to E.164 with the workspace's country as default. */
export async function addToDoNotCall(db: Db, ctx: WorkspaceContext, input: { number: string; reason?: string | null | undefined }): Promise<DncEntry> {
  return withTenant(db, ctx, async (tx) => {
    const number = await normalisePhone(tx, ctx, input.number);
    if (!number) throw badRequest('validation_failed', 'Not a valid phone number; include the country code, like +1 512 555 0100.', { fields: { number: 'Not a valid phone number.' }, in: 'body' });
    const [entry] = await insertDoNotCall(tx, ctx, [number], { source: 'manual', reason: input.reason ?? null });
    return entry!;
  });
}

/** CALL-2: a contact said "don't call me": every number of theirs is on the list from this moment. */
export async function markContactDoNotCall(tx: Tx, ctx: WorkspaceContext, contactId: string, reason: string | null): Promise<DncEntry[]> {
  const row = await contactPhonesForCall(tx, ctx, contactId);
  const numbers = [...new Set([row?.phone, ...(row?.phones ?? [])].filter((n): n is string => !!n))];
  if (!numbers.length) throw new AppError('no_phone_number', 409, 'This contact has no phone number to put on the do-not-call list.');
  return insertDoNotCall(tx, ctx, numbers, { source: 'contact_request', reason: reason ?? 'Asked not to be called', contactId });
}

export async function markContactDoNotCallNow(db: Db, ctx: WorkspaceContext, contactId: string, reason: string | null): Promise<DncEntry[]> {
  return withTenant(db, ctx, (tx) => markContactDoNotCall(tx, ctx, contactId, reason));
}
