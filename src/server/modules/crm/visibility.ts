import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { forbidden, notFound } from '../../platform/http/errors';
import { crmSettings, recordShares } from '../rules/rules.schema';
import type { RecordType } from './crm.contract';
import { companies, contacts, deals } from './crm.schema';

/**
 * Roles (issue scope 8): which contacts, companies and deals a member may see.
 * - `all`: owners and admins always; staff unless the workspace restricts them.
 * - `own`: staff in a workspace with "staff see only records they own" on.
 * - `shared`: clients, who see only what was shared with them, read-only.
 */
export type Visibility =
  | { kind: 'all'; workspaceId: string; userId: string | null; role: WorkspaceContext['role'] }
  | { kind: 'own'; workspaceId: string; userId: string; role: WorkspaceContext['role'] }
  | { kind: 'shared'; workspaceId: string; userId: string; role: WorkspaceContext['role'] };

const tables = { contacts, companies, deals } as const;

/** Whether staff of the workspace are limited to the records they own. */
export async function staffOwnRecordsOnly(tx: Tx, workspaceId: string): Promise<boolean> {
  const [row] = await tx.select({ on: crmSettings.staffOwnRecordsOnly }).from(crmSettings).where(eq(crmSettings.workspaceId, workspaceId));
  return row?.on ?? false;
}

export async function loadVisibility(tx: Tx, ctx: WorkspaceContext): Promise<Visibility> {
  const base = { workspaceId: ctx.workspaceId, role: ctx.role };
  if (ctx.role === 'owner' || ctx.role === 'admin') return { kind: 'all', ...base, userId: ctx.userId };
  // A context without a user (a system job acting as staff or client) sees nothing it was not given.
  const userId = ctx.userId ?? '00000000-0000-0000-0000-000000000000';
  if (ctx.role === 'client') return { kind: 'shared', ...base, userId };
  return (await staffOwnRecordsOnly(tx, ctx.workspaceId)) ? { kind: 'own', ...base, userId } : { kind: 'all', ...base, userId: ctx.userId };
}

/**
 * The condition a row of `table` must meet to be visible, for the WHERE of a query on that
 * table (referenced by its own name, not an alias). `undefined` means no restriction.
 */
export function visibleRecords(v: Visibility, table: RecordType): SQL | undefined {
  const t = tables[table];
  if (v.kind === 'all') return undefined;
  if (v.kind === 'own') return eq(t.ownerUserId, v.userId);
  return sql`EXISTS (SELECT 1 FROM ${recordShares} WHERE ${recordShares.workspaceId} = ${t.workspaceId} AND ${recordShares.recordType} = ${table} AND ${recordShares.recordId} = ${t.id} AND ${recordShares.userId} = ${v.userId})`;
}

/** Writes are for the team: a client may read what is shared with them and nothing more. */
export function assertCanWrite(v: Visibility): void {
  if (v.kind === 'shared') throw forbidden('Shared records are read-only for clients.');
}

/** `where` narrowed to what the member may see. */
export function withVisibility(v: Visibility, table: RecordType, where: SQL | undefined): SQL | undefined {
  const visible = visibleRecords(v, table);
  return visible ? and(where, visible) : where;
}

/** Removes the shares of a deleted record (they have no foreign key to it). */
export async function dropShares(tx: Tx, workspaceId: string, recordType: RecordType, recordIds: string[] | string): Promise<void> {
  const ids = [recordIds].flat();
  if (!ids.length) return;
  await tx
    .delete(recordShares)
    .where(and(eq(recordShares.workspaceId, workspaceId), eq(recordShares.recordType, recordType), inArray(recordShares.recordId, ids)));
}

/** Whether the member may see one record (it exists in the workspace and passes their filter). */
export async function canSeeRecord(tx: Tx, ctx: WorkspaceContext, table: RecordType, id: string, v?: Visibility): Promise<boolean> {
  const vis = v ?? (await loadVisibility(tx, ctx));
  const t = tables[table];
  const [row] = await tx
    .select({ id: t.id })
    .from(t)
    .where(withVisibility(vis, table, and(eq(t.workspaceId, ctx.workspaceId), eq(t.id, id))));
  return !!row;
}

const labels: Record<RecordType, string> = { contacts: 'Contact', companies: 'Company', deals: 'Deal' };

/**
 * For use cases on one record: a record the member may not see does not exist for them (404);
 * a client may look but not change (403).
 */
export async function assertRecordAccess(tx: Tx, ctx: WorkspaceContext, table: RecordType, id: string, mode: 'read' | 'write'): Promise<void> {
  const v = await loadVisibility(tx, ctx);
  if (v.kind !== 'all' && !(await canSeeRecord(tx, ctx, table, id, v))) throw notFound(labels[table]);
  if (mode === 'write') assertCanWrite(v);
}
