import { eq, sql, type SQL } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { setScope, type Db, type Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { memberships } from '../workspaces/workspaces.schema';
import { auditLog } from './audit.schema';

export interface AuditEvent {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** WS-4: appends to the audit log of the context's workspace, inside the caller's transaction. */
export async function recordAudit(tx: Tx, ctx: WorkspaceContext, event: AuditEvent): Promise<void> {
  await tx.insert(auditLog).values({
    workspaceId: ctx.workspaceId,
    actorUserId: ctx.userId,
    actorLabel: ctx.actorLabel ?? null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    ip: ctx.ip ?? null,
    userAgent: ctx.userAgent?.slice(0, 500) ?? null,
    details: event.details ?? {},
  });
}

/**
 * WS-4: one audit entry on its own, in one round trip (issue 14; decision 023): through
 * kestrel_record_audit, whose statement is its own transaction with the workspace scope set for
 * that transaction only and row-level security checking the row as in `recordAudit`.
 * `waitForDisk: false` for entries whose loss in a database crash costs at most the last fraction
 * of a second of history (an agent's tool calls).
 */
export async function recordAuditAlone(db: Db, ctx: WorkspaceContext, event: AuditEvent, options: { waitForDisk?: boolean } = {}): Promise<void> {
  await db.execute(sql`SELECT ${auditStatement(ctx, event, options)}`);
}

/**
 * The expression `recordAuditAlone` sends: for a statement sent on its own, alone or with other
 * such expressions in the same SELECT (an agent step's call record and its tool calls' entries,
 * issue 14), so that the statement is its transaction (decision 023).
 */
export function auditStatement(ctx: WorkspaceContext, event: AuditEvent, options: { waitForDisk?: boolean } = {}): SQL {
  return sql`kestrel_record_audit(${ctx.workspaceId}::uuid, ${uuidv7()}::uuid, ${ctx.userId ?? null}::uuid, ${ctx.actorLabel ?? null}, ${event.action},
    ${event.targetType ?? null}, ${event.targetId ?? null}, ${ctx.ip ?? null}, ${ctx.userAgent?.slice(0, 500) ?? null}, ${JSON.stringify(event.details ?? {})}::jsonb,
    ${options.waitForDisk !== false})`;
}

/**
 * Account events (sign-ins, failed sign-ins, password resets) belong to a person, not a
 * workspace; each workspace the person belongs to sees them in its audit log.
 */
export async function recordAccountAudit(
  db: Db | Tx,
  user: { id: string; email: string },
  meta: { ip?: string | null; userAgent?: string | null },
  event: AuditEvent,
): Promise<void> {
  const run = async (tx: Tx) => {
    await setScope(tx, { userId: user.id });
    const rows = await tx.select({ workspaceId: memberships.workspaceId, role: memberships.role }).from(memberships).where(eq(memberships.userId, user.id));
    for (const row of rows) {
      await setScope(tx, { workspaceId: row.workspaceId, userId: user.id });
      await recordAudit(tx, { workspaceId: row.workspaceId, userId: user.id, role: row.role, actorLabel: user.email, ...meta }, { targetType: 'user', targetId: user.id, ...event });
    }
    await setScope(tx, {});
  };
  // A transaction in progress is reused (the event commits with the change); otherwise one is opened.
  if ('rollback' in db) await run(db);
  else await db.transaction(run);
}
