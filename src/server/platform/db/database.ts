import { sql } from 'drizzle-orm';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { APP_ROLE } from './migrate';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or a transaction in progress: what a query needs. */
export type Queryable = Db | Tx;

export interface Database {
  /** Queries as the application role: row-level security applies. */
  db: Db;
  pool: pg.Pool;
  /**
   * Queries as the owner, bypassing row-level security. Only for work that by nature spans
   * workspaces: looking up an invitation by its token, sweeping jobs, the operator CLI.
   */
  system: Db;
  systemPool: pg.Pool;
  ownerUrl: string;
  close(): Promise<void>;
}

// Timestamps and bigints come back as JS values the app expects.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDatabase(options: { ownerUrl: string; appUrl?: string; poolSize: number }): Database {
  const pool = new pg.Pool(
    options.appUrl
      ? { connectionString: options.appUrl, max: options.poolSize }
      : // Same credentials, but every connection starts as the application role.
        { connectionString: options.ownerUrl, max: options.poolSize, options: `-c role=${APP_ROLE}` },
  );
  const systemPool = new pg.Pool({ connectionString: options.ownerUrl, max: Math.max(2, Math.ceil(options.poolSize / 4)) });
  // A connection dropped by the server must not crash the process; the pool replaces it.
  for (const p of [pool, systemPool]) {
    p.on('error', () => {});
    p.on('connect', (client) => client.on('error', () => {}));
  }
  return {
    db: drizzle(pool, { schema }),
    pool,
    system: drizzle(systemPool, { schema }),
    systemPool,
    ownerUrl: options.ownerUrl,
    async close() {
      await Promise.all([pool.end(), systemPool.end()]);
    },
  };
}

/** Sets the row-level-security scope for the rest of the transaction. */
export async function setScope(tx: Tx, scope: { workspaceId?: string | null; userId?: string | null }): Promise<void> {
  await tx.execute(
    sql`SELECT set_config('kestrel.workspace_id', ${scope.workspaceId ?? ''}, true), set_config('kestrel.user_id', ${scope.userId ?? ''}, true)`,
  );
}
