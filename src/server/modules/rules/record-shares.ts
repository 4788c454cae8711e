import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { users } from '../accounts/accounts.schema';
import { recordAudit } from '../audit';
import type { RecordType } from '../crm/crm.contract';
import { companies, contacts, deals } from '../crm/crm.schema';
import { FieldErrors } from '../../platform/http/field-errors';
import { memberRole } from '../workspaces';
import type { RecordShare } from './rules.contract';
import { recordShares } from './rules.schema';

const tables = { contacts, companies, deals } as const;
const labels: Record<RecordType, string> = { contacts: 'Contact', companies: 'Company', deals: 'Deal' };
const auditTarget: Record<RecordType, string> = { contacts: 'contact', companies: 'company', deals: 'deal' };

async function requireRecord(tx: Tx, ctx: WorkspaceContext, recordType: RecordType, recordId: string): Promise<void> {
  const t = tables[recordType];
  const [row] = await tx.select({ id: t.id }).from(t).where(and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, recordId)));
  if (!row) throw notFound(labels[recordType]);
}

async function sharesOf(tx: Tx, ctx: WorkspaceContext, recordType: RecordType, recordId: string): Promise<RecordShare[]> {
  const rows = await tx
    .select({ userId: recordShares.userId, name: users.name, email: users.email, sharedAt: recordShares.createdAt })
    .from(recordShares)
    .innerJoin(users, eq(users.id, recordShares.userId))
    .where(and(eq(recordShares.workspaceId, ctx.workspaceId), eq(recordShares.recordType, recordType), eq(recordShares.recordId, recordId)))
    .orderBy(asc(users.email));
  return rows.map((r) => ({ ...r, email: String(r.email), sharedAt: r.sharedAt.toISOString() }));
}

/** Roles: the client members a record is shared with. */
export async function listRecordShares(db: Db, ctx: WorkspaceContext, recordType: RecordType, recordId: string): Promise<RecordShare[]> {
  return withTenant(db, ctx, async (tx) => {
    await requireRecord(tx, ctx, recordType, recordId);
    return sharesOf(tx, ctx, recordType, recordId);
  });
}

/** Roles: shows a record to a client member, read-only (again is fine). Only clients are shared with: the team already sees records. */
export async function shareRecord(db: Db, ctx: WorkspaceContext, recordType: RecordType, recordId: string, userId: string): Promise<RecordShare[]> {
  return withTenant(db, ctx, async (tx) => {
    await requireRecord(tx, ctx, recordType, recordId);
    const role = await memberRole(tx, ctx.workspaceId, userId);
    const errors = new FieldErrors();
    if (role !== 'client') errors.add('userId', 'Not a client member of this workspace.');
    errors.throwIfAny();
    const inserted = await tx
      .insert(recordShares)
      .values({ workspaceId: ctx.workspaceId, recordType, recordId, userId, sharedBy: ctx.userId })
      .onConflictDoNothing()
      .returning({ userId: recordShares.userId });
    if (inserted.length) await recordAudit(tx, ctx, { action: 'record.shared', targetType: auditTarget[recordType], targetId: recordId, details: { userId } });
    return sharesOf(tx, ctx, recordType, recordId);
  });
}

/** Roles: stops showing a record to a client member (already not shared is fine). */
export async function unshareRecord(db: Db, ctx: WorkspaceContext, recordType: RecordType, recordId: string, userId: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    await requireRecord(tx, ctx, recordType, recordId);
    const removed = await tx
      .delete(recordShares)
      .where(and(eq(recordShares.workspaceId, ctx.workspaceId), eq(recordShares.recordType, recordType), eq(recordShares.recordId, recordId), eq(recordShares.userId, userId)))
      .returning({ userId: recordShares.userId });
    if (removed.length) await recordAudit(tx, ctx, { action: 'record.unshared', targetType: auditTarget[recordType], targetId: recordId, details: { userId } });
  });
}
