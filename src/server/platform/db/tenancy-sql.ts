import { sql } from 'drizzle-orm';
import { pgPolicy, uuid, type PgColumn } from 'drizzle-orm/pg-core';

/**
 * The workspace and user a transaction acts for, as set by `withTenant`.
 * Unset settings read as NULL, and NULL matches no row: a query that forgot to
 * set a workspace sees nothing rather than everything.
 */
export const currentWorkspace = sql`nullif(current_setting('kestrel.workspace_id', true), '')::uuid`;
export const currentUser = sql`nullif(current_setting('kestrel.user_id', true), '')::uuid`;

/** The leading column of every tenant table. */
export const workspaceIdColumn = () => uuid('workspace_id').notNull();

/** Row-level security for a tenant table: rows of the current workspace only, for reads and writes. */
export function tenantPolicy(workspaceId: PgColumn) {
  return pgPolicy('tenant_isolation', {
    as: 'permissive',
    for: 'all',
    using: sql`${workspaceId} = ${currentWorkspace}`,
    withCheck: sql`${workspaceId} = ${currentWorkspace}`,
  });
}
