import { and, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { dataEntries } from '../../platform/data/all';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, conflict } from '../../platform/http/errors';
import { defineJob } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import { revokeWorkspaceConnections } from '../integrations';
import { workspaces } from '../workspaces/workspaces.schema';

const DAY = 86_400_000;

export interface WorkspaceClosure {
  closed: boolean;
  closedAt: string | null;
  purgeAfter: string | null;
  /** What survives the purge, in words (BILL-5). */
  kept: string[];
}

/** The tables the law keeps after a workspace is purged, and why (BILL-5; GST records). */
export const retainedAfterPurge = () => dataEntries().filter((e) => e.erase.kind === 'retained');
const keptInWords = () => [...new Set(retainedAfterPurge().map((e) => (e.erase.kind === 'retained' ? e.erase.reason : '')))];

function describe(row: { closedAt: Date | null; purgeAfter: Date | null }): WorkspaceClosure {
  return { closed: row.closedAt !== null, closedAt: row.closedAt?.toISOString() ?? null, purgeAfter: row.purgeAfter?.toISOString() ?? null, kept: keptInWords() };
}

export async function getClosure(db: Db, ctx: WorkspaceContext): Promise<WorkspaceClosure> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select({ closedAt: workspaces.closedAt, purgeAfter: workspaces.purgeAfter }).from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
    return describe(row!);
  });
}

/**
 * PRIV-3, PRIV-4: the owner closes the workspace, typing its name to confirm. It is suspended at
 * once (every route but its status and reopening answers 423) and purged when the grace period
 * (WORKSPACE_GRACE_DAYS, 30 at most) ends, unless an owner reopens it first.
 */
export async function closeWorkspace(services: Services, ctx: WorkspaceContext, confirmName: string): Promise<WorkspaceClosure> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId)).for('update');
    if (row!.closedAt) throw conflict('workspace_already_closed', 'This workspace is already closed.');
    if (confirmName.trim() !== row!.name.trim()) throw badRequest('confirmation_mismatch', `Type the workspace's name, ${row!.name}, exactly to close it.`);
    const closedAt = new Date();
    const purgeAfter = new Date(closedAt.getTime() + services.config.WORKSPACE_GRACE_DAYS * DAY);
    await tx.update(workspaces).set({ closedAt, purgeAfter, updatedAt: closedAt }).where(eq(workspaces.id, ctx.workspaceId));
    await recordAudit(tx, ctx, { action: 'workspace.closed', targetType: 'workspace', targetId: ctx.workspaceId, details: { purgeAfter: purgeAfter.toISOString() } });
    return describe({ closedAt, purgeAfter });
  });
}

/** PRIV-3: within the grace period an owner reopens the workspace; everything is as it was. */
export async function reopenWorkspace(db: Db, ctx: WorkspaceContext): Promise<WorkspaceClosure> {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId)).for('update');
    if (!row!.closedAt) throw conflict('workspace_not_closed', 'This workspace is open.');
    await tx.update(workspaces).set({ closedAt: null, purgeAfter: null, updatedAt: new Date() }).where(eq(workspaces.id, ctx.workspaceId));
    await recordAudit(tx, ctx, { action: 'workspace.reopened', targetType: 'workspace', targetId: ctx.workspaceId });
    return describe({ closedAt: null, purgeAfter: null });
  });
}

/**
 * PRIV-3, PRIV-4: the hard purge of one closed workspace. Every registry table's rows go, except
 * those the law keeps (billing records, tax invoices); when some are kept the workspace row stays
 * as a nameless stub they can point at, else it is deleted too. Tables are emptied in passes: a
 * delete that a foreign key still blocks is retried after the tables that point at it are empty.
 */
export async function purgeWorkspace(system: Db, workspaceId: string): Promise<{ tables: number; rows: number; kept: boolean }> {
  return system.transaction(async (tx) => {
    const { rows: present } = await tx.execute<{ table_name: string }>(
      sql`SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'workspace_id'`,
    );
    const withWorkspaceColumn = new Set(present.map((r) => r.table_name));
    const retained = new Set(retainedAfterPurge().map((e) => e.table));
    let pending = dataEntries()
      .filter((e) => !retained.has(e.table) && e.table !== 'workspaces' && withWorkspaceColumn.has(e.table))
      .map((e) => e.table);
    let rows = 0;
    const tables = pending.length;
    while (pending.length) {
      const blocked: string[] = [];
      for (const table of pending) {
        try {
          await tx.execute(sql`SAVEPOINT purge_table`);
          const r = await tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE workspace_id = ${workspaceId}`);
          await tx.execute(sql`RELEASE SAVEPOINT purge_table`);
          rows += r.rowCount ?? 0;
        } catch (err) {
          if ((err as { cause?: { code?: string }; code?: string }).cause?.code !== '23503' && (err as { code?: string }).code !== '23503') throw err;
          await tx.execute(sql`ROLLBACK TO SAVEPOINT purge_table`);
          blocked.push(table);
        }
      }
      if (blocked.length === pending.length) throw new Error(`Workspace purge: foreign keys block ${blocked.join(', ')}`);
      pending = blocked;
    }
    // Rate-limit counters keyed by the workspace (its public forms) go too.
    await tx.execute(sql`DELETE FROM rate_limit_buckets WHERE key LIKE ${`%${workspaceId}%`}`);
    let kept = false;
    for (const table of retained) {
      if (!withWorkspaceColumn.has(table)) continue;
      const r = await tx.execute(sql`SELECT 1 FROM ${sql.identifier(table)} WHERE workspace_id = ${workspaceId} LIMIT 1`);
      if (r.rows.length) kept = true;
    }
    if (kept) {
      // A stub the kept records point at: the business's legal identifiers stay, as tax records need.
      await tx
        .update(workspaces)
        .set({ name: 'Closed workspace', addressLine1: null, addressLine2: null, city: null, postalCode: null, mailingAddress: null, category: null, territory: { zipCodes: [], cities: [], states: [] }, updatedAt: new Date() })
        .where(eq(workspaces.id, workspaceId));
    } else {
      await tx.delete(workspaces).where(eq(workspaces.id, workspaceId));
    }
    return { tables, rows, kept };
  });
}

/** PRIV-3, PRIV-4: closed workspaces whose grace period is over, purged. */
export async function purgeClosedWorkspaces(services: Services, now = new Date()): Promise<number> {
  const { system } = services.database;
  const due = await system
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(and(isNotNull(workspaces.closedAt), lte(workspaces.purgeAfter, now)));
  let purged = 0;
  for (const { id } of due) {
    // PRIV-3: its calendar and mailbox grants end at the provider too: wiped and revoked first, so a
    // purge that fails and is retried leaves no token behind that was never revoked.
    await revokeWorkspaceConnections(services, id);
    const result = await purgeWorkspace(system, id);
    if (result.kept) await system.update(workspaces).set({ purgeAfter: null }).where(eq(workspaces.id, id));
    services.logger.info({ workspaceId: id, ...result }, 'closed workspace purged');
    purged++;
  }
  return purged;
}

export const workspacePurgeJob = defineJob({
  name: 'privacy_workspace_purge',
  version: 1,
  payload: z.object({}),
  cron: '29 * * * *',
  async run(_payload, services) {
    await purgeClosedWorkspaces(services);
  },
});

