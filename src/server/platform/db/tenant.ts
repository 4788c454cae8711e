import type { Role } from '../../modules/workspaces/workspaces.schema';
import { setScope, type Db, type Tx } from './database';

/** Who a use case acts for. Every tenant use case takes one. */
export interface WorkspaceContext {
  workspaceId: string;
  userId: string | null;
  role: Role;
  /** For the audit log. */
  actorLabel?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

/**
 * Runs `fn` in one transaction scoped to the context's workspace: row-level security shows
 * and accepts only that workspace's rows. Everything `fn` writes commits together or not at all.
 */
export function withTenant<T>(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await setScope(tx, ctx);
    return fn(tx);
  });
}
