import { Column, SQL, Subquery, fillPlaceholders, is } from 'drizzle-orm';

/*
 * Issue 14: drizzle maps every row of a SELECT by asking, for every column of every row, what kind
 * of field it is (`is(field, Column)`, then SQL, then Subquery: a walk up the class chain each
 * time). On a page of 50 rows with a dozen labelled columns that walk was 14 % of the Node CPU of
 * `POST …/views/query` (profiled with --cpu-prof under autocannon). selectRows runs the same
 * prepared query (same text, same parameters, same type parsers, same connection and transaction)
 * and finds each column's decoder once per query instead of once per row.
 */

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** What drizzle's node-postgres prepared query holds (drizzle-orm/node-postgres/session.js). */
interface PreparedSelect {
  client?: { query(config: unknown, values: unknown[]): Promise<{ rows: unknown[][] }> };
  queryConfig?: { rowMode?: string };
  params?: unknown[];
  fields?: { path: string[]; field: unknown }[];
}

/** drizzle keeps a SQL fragment's decoder (`mapWith`) on an internal field. */
const decoderOfSql = (s: SQL) => (s as unknown as { decoder: Decoder }).decoder;

function decoderOf(field: unknown): Decoder {
  if (is(field, Column)) return field;
  if (is(field, SQL)) return decoderOfSql(field);
  if (is(field, Subquery)) return decoderOfSql((field as unknown as { _: { sql: SQL } })._.sql);
  return decoderOfSql((field as SQL.Aliased).sql);
}

/**
 * The rows of a drizzle SELECT with a flat selection (`{ id: t.id, c0: sql`…`.as('c0') }`),
 * exactly as awaiting the query would give them. A nested selection (joins selected as objects)
 * takes drizzle's own path.
 */
export async function selectRows<T>(query: { prepare(name?: string): unknown; execute(): Promise<T[]> }): Promise<T[]> {
  const prepared = query.prepare() as PreparedSelect;
  const { client, queryConfig, fields } = prepared;
  if (!client || queryConfig?.rowMode !== 'array' || !fields || fields.some((f) => f.path.length !== 1)) return query.execute();
  const { rows } = await client.query(queryConfig, fillPlaceholders(prepared.params ?? [], {}));
  return decodeRows<T>(rows, fields.map((f) => f.path[0]!), fields.map((f) => decoderOf(f.field)));
}

/**
 * A flat SELECT built once and run many times: its text, its parameters (drizzle placeholders
 * among them, filled per run) and each column's decoder. Issue 14: building the SQL of a contacts
 * page (drizzle walking a dozen labelled columns' SQL objects) was ~9 % of the page's Node CPU.
 * Holds no connection: `runSelect` runs it on the transaction it is given.
 */
export interface SelectPlan {
  config: object;
  params: unknown[];
  keys: string[];
  decoders: Decoder[];
}

/** The plan of a drizzle SELECT with a flat selection, or null (a nested selection): then run the query itself. */
export function planSelect(query: { prepare(name?: string): unknown }): SelectPlan | null {
  const prepared = query.prepare() as PreparedSelect;
  const { queryConfig, fields } = prepared;
  if (!queryConfig || queryConfig.rowMode !== 'array' || !fields || fields.some((f) => f.path.length !== 1)) return null;
  return { config: queryConfig, params: prepared.params ?? [], keys: fields.map((f) => f.path[0]!), decoders: fields.map((f) => decoderOf(f.field)) };
}

/** Runs a plan on `tx`'s connection, placeholders filled from `values`; rows as selectRows gives them. */
export async function runSelect<T>(tx: object, plan: SelectPlan, values: Record<string, unknown>): Promise<T[]> {
  const client = (tx as { session?: { client?: PreparedSelect['client'] } }).session?.client;
  if (!client) throw new Error('runSelect: not a node-postgres transaction');
  const { rows } = await client.query(plan.config, fillPlaceholders(plan.params, values));
  return decodeRows<T>(rows, plan.keys, plan.decoders);
}

/** Array-mode rows as objects keyed by their selection's names, each column through its decoder (null stays null). */
function decodeRows<T>(rows: unknown[][], keys: string[], decoders: Decoder[]): T[] {
  const width = keys.length;
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) {
      const value = row[i];
      out[keys[i]!] = value === null ? null : decoders[i]!.mapFromDriverValue(value);
    }
    return out as T;
  });
}
