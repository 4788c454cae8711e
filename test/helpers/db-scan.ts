import { expect } from 'vitest';
import type { TestServer } from './server';

/**
 * PRIV-3: every text-like column of every table in every schema, from the catalogue — not a list
 * of tables — that contains the needle (case-insensitive). Erasure and purge tests assert `[]`.
 */
export async function scanDatabase(server: TestServer, needle: string): Promise<string[]> {
  const pool = server.services.database.systemPool;
  const { rows: columns } = await pool.query<{ table_schema: string; table_name: string; column_name: string }>(`
    SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.data_type IN ('text', 'character varying', 'character', 'USER-DEFINED', 'ARRAY', 'jsonb', 'json')`);
  expect(columns.length).toBeGreaterThan(200);
  const hits: string[] = [];
  for (const c of columns) {
    const id = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${id(c.table_schema)}.${id(c.table_name)} WHERE ${id(c.column_name)}::text ILIKE $1`, [`%${needle}%`]);
    if (rows[0]!.n > 0) hits.push(`${c.table_schema}.${c.table_name}.${c.column_name}`);
  }
  return hits;
}
