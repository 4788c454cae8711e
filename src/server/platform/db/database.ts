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
  pool.on('connect', (client) => nameStatements(client));
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

/*
 * Issue 14: every parameterised statement the application role sends is a named (prepared)
 * statement on its connection. PostgreSQL then parses, rewrites (row-level security is applied
 * there) and plans a statement once per connection instead of on every execution, and the
 * statement's text crosses the socket once. Measured on the contacts page, parsing and planning
 * were most of PostgreSQL's CPU per request.
 *
 * Names come from one table of texts for the process, so the same text always has the same
 * name (pg refuses a name reused for another text). Both are bounded: a connection names at most
 * MAX_PER_CONNECTION statements (each holds memory in its backend), the process at most
 * MAX_TEXTS texts; past either, statements go unnamed, as before. Only statements with
 * parameters are named: a statement without any is often a one-off (DDL, maintenance).
 */
const MAX_PER_CONNECTION = 250;
const MAX_TEXTS = 5_000;
const statementNames = new Map<string, string>();

interface QueryConfigLike {
  text?: unknown;
  submit?: unknown;
  name?: unknown;
  values?: unknown;
}

function nameStatements(client: pg.PoolClient): void {
  const named = new Set<string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    // Plain query configs only: a Query or Cursor object (streamed exports) is left as it is.
    if (config !== null && typeof config === 'object' && !(config as QueryConfigLike).name && typeof (config as QueryConfigLike).text === 'string' && typeof (config as { submit?: unknown }).submit !== 'function') {
      const c = config as QueryConfigLike & { text: string };
      const params = Array.isArray(values) ? values : c.values;
      if (Array.isArray(params) && params.length > 0) {
        let name = statementNames.get(c.text);
        if (name === undefined && statementNames.size < MAX_TEXTS) {
          name = `k${statementNames.size + 1}`;
          statementNames.set(c.text, name);
        }
        if (name !== undefined && (named.has(name) || named.size < MAX_PER_CONNECTION)) {
          named.add(name);
          return query({ ...c, name }, values, callback);
        }
      }
    }
    return query(config, values, callback);
  };
}
