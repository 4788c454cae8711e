import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import pg from 'pg';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What drizzle's own `db.transaction` builds a transaction from (drizzle-orm/node-postgres/session.js). */
interface RootSession {
  client: unknown;
  dialect: ConstructorParameters<typeof NodePgSession>[1];
  schema: ConstructorParameters<typeof NodePgSession>[2];
  options: ConstructorParameters<typeof NodePgSession>[3];
}

/**
 * Runs `fn` in one transaction scoped to the context's workspace: row-level security shows
 * and accepts only that workspace's rows. Everything `fn` writes commits together or not at all.
 *
 * Issue 14: `BEGIN` and the scope go to PostgreSQL in one round trip (a simple-protocol query of
 * two statements) instead of two. The ids are written into that text only when they are UUIDs,
 * checked here, so nothing a caller sends can change the statement; anything else takes drizzle's
 * own path, with the scope as bound parameters, and fails or succeeds exactly as before.
 */
export function withTenant<T>(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, fn: (tx: Tx) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  return withTenantReading<never, T>(db, ctx, null, (tx) => fn(tx), options);
}

/**
 * A first read of the transaction, sent in the same round trip as BEGIN and the scope (issue 14).
 * `text` gets the workspace id only after it has passed the UUID check and must build the
 * statement from nothing else but fixed text and values checked the same way; `fallback` reads
 * the same rows through drizzle when the scope cannot be written into the text. Row-level
 * security applies to both: the read runs after the scope is set, in the same transaction.
 */
export interface FirstRead<R> {
  text: (workspaceId: string) => string;
  fallback: (tx: Tx) => Promise<R[]>;
  /**
   * The same read as a statement prepared once per connection (issue 14): `statement` is its
   * parameterised text, fixed for its `name`; `args` writes its arguments as literals, from the
   * checked workspace id and fixed text only, as `text` does. Without it, `text` is sent.
   */
  prepared?: { name: string; statement: string; args: (workspaceId: string) => string };
}

/*
 * Issue 14: the opening of a tenant transaction is a simple-protocol text (several statements in
 * one round trip), and PostgreSQL parses, rewrites (row-level security) and plans every statement
 * of such a text each time it is sent: under a contacts-page load pg_stat_statements showed the
 * scope's `set_config` and the field catalog's read planned on every page (19 and 88 µs of
 * planning against 8 and 12 µs of execution). On each connection they are now PREPAREd once, in
 * the round trip of their first use, and the opening EXECUTEs them: same statements, same scope,
 * same transaction, planned once per connection. A prepared statement outlives a rollback, so a
 * connection whose opening failed after preparing is not reused (its record of what it prepared
 * could be wrong); pg's own named statements are a separate set of names (`k<n>`).
 */
const preparedOn = new WeakMap<object, Set<string>>();
const SCOPE = { name: 'kestrel_scope', statement: `SELECT set_config('kestrel.workspace_id', $1, true), set_config('kestrel.user_id', $2, true)` };

/** The opening's statements after BEGIN on `client`: PREPAREs it still needs, then the EXECUTEs. */
function preparedOpening(client: object, scope: { workspaceId: string; userId: string }, read: FirstRead<unknown>['prepared'] | null): { text: string; names: string[] } {
  const done = preparedOn.get(client);
  const wanted = read ? [SCOPE, read] : [SCOPE];
  const missing = wanted.filter((s) => !done?.has(s.name));
  const prepare = missing.map((s) => `PREPARE ${s.name} AS ${s.statement}; `).join('');
  const execute = `EXECUTE ${SCOPE.name}('${scope.workspaceId}', '${scope.userId}')${read ? `; EXECUTE ${read.name}(${read.args(scope.workspaceId)})` : ''}`;
  return { text: prepare + execute, names: missing.map((s) => s.name) };
}

/** withTenant, with `read`'s rows handed to `fn`. */
export function withTenantReading<R, T>(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, read: FirstRead<R> | null, fn: (tx: Tx, rows: R[]) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  const root = db._.session as unknown as RootSession;
  const literal = UUID.test(ctx.workspaceId) && (ctx.userId === null || ctx.userId === undefined || UUID.test(ctx.userId));
  const noWait = options.waitForDisk === false ? 'SET LOCAL synchronous_commit = off; ' : '';
  const { before } = options;
  if (!literal || !(root.client instanceof pg.Pool)) {
    return (async () => {
      if (before) before.check((await db.execute(sql.raw(before.text))).rows);
      return db.transaction(async (tx) => {
        if (noWait) await tx.execute(sql.raw(noWait));
        await setScope(tx, ctx);
        return fn(tx, read ? await read.fallback(tx) : []);
      });
    })();
  }
  const start = `${before ? `BEGIN; ${before.text}; COMMIT; ` : ''}BEGIN; ${noWait}`;
  const scope = { workspaceId: ctx.workspaceId, userId: ctx.userId ?? '' };
  const opening = (client: object) => {
    if (read && !read.prepared) return { text: `${start}SELECT set_config('kestrel.workspace_id', '${scope.workspaceId}', true), set_config('kestrel.user_id', '${scope.userId}', true); ${read.text(ctx.workspaceId)}`, names: [] };
    const { text, names } = preparedOpening(client, scope, read?.prepared ?? null);
    return { text: start + text, names };
  };
  return scopedTransaction(root, root.client, opening, (tx, results) => {
    // A refusal rolls back the transaction just opened; the statement before it stays committed.
    if (before) before.check(results[1]?.rows ?? []);
    return fn(tx, read ? (results.at(-1)?.rows as R[]) : []);
  });
}

/**
 * Issue 14: a read on its own, in one round trip: the scope and `read` sent as one simple-protocol
 * text of two statements, which PostgreSQL runs as one implicit transaction (no BEGIN: there is
 * none to commit or roll back). The scope is set with is_local = true, so it ends with that
 * transaction whatever happens, as `withTenant`'s does at its COMMIT; row-level security applies
 * to the read as in any tenant transaction. The same UUID check as `withTenantReading`; anything
 * else reads through `read.fallback` in a `withTenant` transaction.
 */
export async function readInTenant<R>(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, read: FirstRead<R>): Promise<R[]> {
  const root = db._.session as unknown as RootSession;
  const literal = UUID.test(ctx.workspaceId) && (ctx.userId === null || ctx.userId === undefined || UUID.test(ctx.userId));
  if (!literal || !(root.client instanceof pg.Pool)) return withTenant(db, ctx, (tx) => read.fallback(tx));
  const text = `SELECT set_config('kestrel.workspace_id', '${ctx.workspaceId}', true), set_config('kestrel.user_id', '${ctx.userId ?? ''}', true); ${read.text(ctx.workspaceId)}`;
  const answer = (await root.client.query(text)) as unknown as pg.QueryResult[];
  return answer[1]!.rows as R[];
}

export interface TenantOptions {
  /**
   * false: the commit does not wait for the disk (synchronous_commit off, for this transaction
   * only). For records whose loss in a database crash costs at most the last fraction of a
   * second of history, never consistency: AI call records, agent tool audit entries.
   */
  waitForDisk?: boolean;
  /**
   * Issue 15: one statement committed in a transaction of its own before this one, sent in the
   * same round trip as BEGIN (the widget's rate-limit hits). `text` must be built only from fixed
   * text and escaped literals; `check` gets its rows before `fn` runs, and a throw from it rolls
   * the tenant transaction back (the statement before stays committed, as it would alone).
   */
  before?: { text: string; check: (rows: unknown[]) => void };
}

/** Notifications (channel, payload) a transaction asked to send once it has committed, see {@link notifyAfterCommit}. */
const afterCommit = new WeakMap<object, [channel: string, payload: string][]>();

/**
 * Issue 15: queues a NOTIFY to be sent right after `tx` commits, in a transaction of its own whose
 * commit does not wait for the disk; false when `tx` cannot (a savepoint, or a transaction not
 * opened by {@link withTenant}): the caller then notifies inside it.
 *
 * Why: PostgreSQL serializes the commits of all transactions that NOTIFY on one lock, held
 * through the commit's WAL flush, so with the notification inside the message's transaction
 * every message commit on the database waited for the ones before it to reach the disk, one at
 * a time (under 1,000 chatting visitors: seconds). The data's own commit still waits for the
 * disk; only the notification, which is not durable anyway, does not. Listeners hear of a change
 * only once it has committed, as before; notifications of one transaction keep their order.
 */
export function notifyAfterCommit(tx: object, channel: string, payload: string): boolean {
  const pending = afterCommit.get(tx);
  if (!pending) return false;
  pending.push([channel, payload]);
  return true;
}

/**
 * Issue 15: the COMMIT and the notifications in one round trip. PostgreSQL runs the statements of
 * one query text in order and stops at the first error, so nothing is sent unless the COMMIT
 * succeeded, and the data's commit has waited for the disk before the notifying transaction begins.
 */
function commitThenNotify(client: pg.PoolClient, pending: [string, string][]): string {
  const calls = pending.map(([channel, payload]) => `pg_notify(${client.escapeLiteral(channel)}, ${client.escapeLiteral(payload)})`).join(', ');
  return `COMMIT; BEGIN; SET LOCAL synchronous_commit = off; SELECT ${calls}; COMMIT`;
}

/**
 * drizzle's transaction object, as `db.transaction` makes it, except that its relational query
 * builders (`tx.query.<table>`: one object per table of the schema, some hundred and fifty) are
 * built on first use instead of with every transaction. Issue 14: building them was 2.4 % of the
 * Node CPU of a contacts page (profiled under autocannon); nothing in the request path uses them.
 */
function transactionOn(root: RootSession, session: ConstructorParameters<typeof NodePgTransaction>[1]): Tx {
  const tx = new NodePgTransaction(root.dialect, session, undefined);
  const schema = root.schema;
  if (!schema) return tx as unknown as Tx;
  // What the constructor sets from the schema, but the builders: savepoints (`tx.transaction`) pass it on.
  Object.assign(tx, { schema });
  Object.assign(tx._, { schema: schema.schema, fullSchema: schema.fullSchema, tableNamesMap: schema.tableNamesMap });
  Object.defineProperty(tx, 'query', {
    configurable: true,
    enumerable: true,
    get() {
      const { query } = new NodePgTransaction(root.dialect, session, schema);
      Object.defineProperty(tx, 'query', { value: query, configurable: true, enumerable: true, writable: true });
      return query;
    },
  });
  return tx as unknown as Tx;
}

/** drizzle's transaction (commit, rollback on any error, savepoints inside) with our opening statement. */
async function scopedTransaction<T>(root: RootSession, pool: pg.Pool, openingOn: (client: object) => { text: string; names: string[] }, fn: (tx: Tx, results: pg.QueryResult[]) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const { text: opening, names } = openingOn(client);
  const session = new NodePgSession(client, root.dialect, root.schema, root.options);
  const tx = transactionOn(root, session);
  const pending: [string, string][] = [];
  afterCommit.set(tx, pending);
  let broken: Error | undefined;
  try {
    let results: pg.QueryResult[];
    try {
      // A text of several statements answers with one result for each.
      const answer = (await client.query(opening)) as pg.QueryResult | pg.QueryResult[];
      results = Array.isArray(answer) ? answer : [answer];
      if (names.length) {
        const done = preparedOn.get(client) ?? new Set<string>();
        for (const name of names) done.add(name);
        preparedOn.set(client, done);
      }
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      // Some of its PREPAREs may have run: this connection's record of them is not to be trusted.
      if (names.length && !broken) broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
    let result: T;
    try {
      result = await fn(tx, results);
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    }
    if (!pending.length) {
      await client.query('COMMIT').catch((e: Error) => {
        broken = e;
        throw e;
      });
      return result;
    }
    const failed = await client.query(commitThenNotify(client, pending)).then(
      () => null,
      (e: Error) => e,
    );
    if (failed) {
      broken = failed;
      // pg answers the error before it has read the server's ready-for-query that follows it, so
      // the client's transaction status may still be the one from before the COMMIT. One more
      // statement, sent after that message, tells: inside the notifying transaction (its block
      // failed) it is refused — the data's COMMIT before it succeeded; after a failed COMMIT there
      // is no transaction, and it runs.
      const inFailedBlock = await client.query('SELECT 1').then(
        () => false,
        () => true,
      );
      // A notification that could not be sent is reported and the connection not reused; listeners
      // catch up with the subject's next event (a message event names the message before it, so a
      // visitor stream reads what it missed). Otherwise the COMMIT failed, and so does the call.
      if (!inFailedBlock) throw failed;
      process.emitWarning(`NOTIFY after commit failed: ${failed.message}`);
    }
    return result;
  } finally {
    // A connection that failed to commit or roll back is not handed to the next request.
    client.release(broken);
  }
}
