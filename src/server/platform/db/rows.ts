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
  const keys = fields.map((f) => f.path[0]!);
  const decoders = fields.map((f) => decoderOf(f.field));
  const { rows } = await client.query(queryConfig, fillPlaceholders(prepared.params ?? [], {}));
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
