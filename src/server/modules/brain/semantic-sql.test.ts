import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../platform/paths';
import { nearestRecordsSql, type EmbeddedType } from './semantic';

/**
 * AI-3: the vector SQL on real PostgreSQL with pgvector — PGlite (PostgreSQL compiled to WASM)
 * with its pgvector extension, since the embedded PostgreSQL of the other tests has none. The
 * tables come from the real migrations, not from a copy.
 */

const migrations = path.join(repoRoot, 'db/migrations');
const migration = (name: string) => readFileSync(path.join(migrations, name), 'utf8');

const A = '01900000-0000-7000-8000-0000000000aa';
const B = '01900000-0000-7000-8000-0000000000bb';
const MODEL = 'text-embedding-3-small';
const id = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

let db: PGlite;
let vectorBefore: unknown[];
const dialect = new PgDialect();

async function run<T>(query: SQL): Promise<T[]> {
  const { sql, params } = dialect.sqlToQuery(query);
  return (await db.query<T>(sql, params)).rows;
}

const nearest = (ws: string, model: string, q: number[], types: EmbeddedType[], limit: number) =>
  run<{ type: EmbeddedType; id: string; distance: number }>(nearestRecordsSql(ws, model, q, types, limit));

async function insert(ws: string, type: EmbeddedType, recordId: string, embedding: number[], model = MODEL) {
  await db.query(`INSERT INTO record_embeddings (workspace_id, record_type, record_id, model, content_hash, embedding) VALUES ($1, $2, $3, $4, 'h', $5::real[])`, [ws, type, recordId, model, `{${embedding.join(',')}}`]);
}

/** What pgvector's `<=>` should give: 1 − cos θ. */
const cosineDistance = (a: number[], b: number[]) => {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  return 1 - dot / (Math.hypot(...a) * Math.hypot(...b));
};

beforeAll(async () => {
  db = await PGlite.create({ extensions: { vector } });
  vectorBefore = (await db.query(`SELECT extname FROM pg_extension WHERE extname = 'vector'`)).rows;
  await db.exec(migration('20261124152701_vector_extension.sql'));
  // Just what record_embeddings' migration refers to, so that every statement of it runs unchanged.
  await db.exec(`CREATE TABLE workspaces (id uuid PRIMARY KEY); CREATE TABLE ai_providers (workspace_id uuid PRIMARY KEY)`);
  for (const statement of migration('20261124152646_record_embeddings.sql').split('--> statement-breakpoint')) await db.exec(statement);
  await db.query(`INSERT INTO workspaces (id) VALUES ($1), ($2)`, [A, B]);
}, 300_000);

afterAll(() => db?.close());

beforeEach(() => db.exec(`DELETE FROM record_embeddings`));

describe('vector SQL on pgvector', () => {
  it('AI-3 the vector migration installs pgvector where the database offers it', async () => {
    expect(vectorBefore).toEqual([]);
    expect((await db.query(`SELECT name FROM pg_available_extensions WHERE name = 'vector'`)).rows).toHaveLength(1);
    expect((await db.query(`SELECT extname FROM pg_extension WHERE extname = 'vector'`)).rows).toEqual([{ extname: 'vector' }]);
    // Running it again (a re-run migration, a database that already had it) changes nothing.
    await db.exec(migration('20261124152701_vector_extension.sql'));
    expect((await db.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'vector'`)).rows).toEqual([{ n: 1 }]);
    // The table from the real migration: real[] embeddings, row-level security on.
    expect((await db.query(`SELECT relrowsecurity FROM pg_class WHERE relname = 'record_embeddings'`)).rows).toEqual([{ relrowsecurity: true }]);
    expect((await db.query(`SELECT udt_name FROM information_schema.columns WHERE table_name = 'record_embeddings' AND column_name = 'embedding'`)).rows).toEqual([{ udt_name: '_float4' }]);
  });

  it('AI-3 nearest records come first by cosine distance', async () => {
    const vectors: [number, number[]][] = [
      [1, [0, 1, 0]],
      [2, [0.6, 0.8, 0]],
      [3, [1, 0.1, 0]],
      [4, [-1, 0, 0]],
      [5, [0.2, 0.2, 0.9]],
    ];
    for (const [n, v] of vectors) await insert(A, 'contacts', id(n), v);
    const q = [0.9, 0.3, 0.1];

    const rows = await nearest(A, MODEL, q, ['contacts'], 10);

    const expected = vectors.map(([n, v]) => ({ id: id(n), distance: cosineDistance(v, q) })).sort((a, b) => a.distance - b.distance);
    expect(rows.map((r) => r.id)).toEqual(expected.map((e) => e.id));
    rows.forEach((r, i) => {
      expect(r.type).toBe('contacts');
      expect(Number(r.distance)).toBeCloseTo(expected[i]!.distance, 5);
    });
    expect(rows.at(-1)!.id).toBe(id(4));
  });

  it('AI-3 only the given workspace, model and types are searched, and the limit is honoured', async () => {
    const q = [1, 0, 0];
    await insert(A, 'contacts', id(1), [0.5, 0.5, 0]);
    await insert(A, 'companies', id(2), [0.7, 0.3, 0]);
    await insert(A, 'deals', id(3), [1, 0, 0]);
    await insert(A, 'companies', id(4), [1, 0, 0], 'another-embedding-model');
    await insert(B, 'contacts', id(5), [1, 0, 0]);
    await insert(B, 'companies', id(6), [1, 0.01, 0]);

    expect((await nearest(A, MODEL, q, ['contacts', 'companies'], 10)).map((r) => `${r.type}/${r.id}`)).toEqual([`companies/${id(2)}`, `contacts/${id(1)}`]);
    expect((await nearest(A, MODEL, q, ['contacts', 'companies', 'deals'], 10)).map((r) => r.id)).toEqual([id(3), id(2), id(1)]);
    expect((await nearest(A, MODEL, q, ['deals'], 10)).map((r) => r.id)).toEqual([id(3)]);
    expect((await nearest(A, 'another-embedding-model', q, ['contacts', 'companies', 'deals'], 10)).map((r) => r.id)).toEqual([id(4)]);
    expect((await nearest(B, MODEL, q, ['contacts', 'companies', 'deals'], 10)).map((r) => r.id)).toEqual([id(5), id(6)]);
    expect((await nearest(A, MODEL, q, ['contacts', 'companies', 'deals'], 2)).map((r) => r.id)).toEqual([id(3), id(2)]);
    expect(await nearest(A, MODEL, q, ['contacts', 'companies', 'deals'], 0)).toEqual([]);
  });

  it('AI-3 records at the same distance come in record id order', async () => {
    // Same direction, different lengths: cosine distance 0 for all of them.
    for (const [n, v] of [
      [9, [3, 0, 0]],
      [2, [1, 0, 0]],
      [7, [0.5, 0, 0]],
      [4, [2, 0, 0]],
    ] as const) {
      await insert(A, n % 2 ? 'contacts' : 'deals', id(n), [...v]);
    }
    await insert(A, 'contacts', id(1), [0, 1, 0]);

    const rows = await nearest(A, MODEL, [1, 0, 0], ['contacts', 'deals'], 10);

    expect(rows.map((r) => r.id)).toEqual([id(2), id(4), id(7), id(9), id(1)]);
    expect(rows.slice(0, 4).every((r) => Math.abs(Number(r.distance)) < 1e-6)).toBe(true);
  });

  it('AI-3 a stored zero vector has no direction and is left out rather than ranked with a NaN distance', async () => {
    await insert(A, 'contacts', id(1), [0, 0, 0]);
    await insert(A, 'contacts', id(2), [0, 1, 0]);
    const rows = await nearest(A, MODEL, [1, 0, 0], ['contacts'], 10);
    expect(rows.map((r) => r.id)).toEqual([id(2)]);
    expect(Number(rows[0]!.distance)).toBeCloseTo(1, 6);
  });

  it('AI-3 a query vector of the wrong dimension fails with PostgreSQL\'s "different vector dimensions" error, not an empty answer', async () => {
    await insert(A, 'contacts', id(1), [1, 0, 0]);
    // E.g. the embedding model was changed under the same name: the cast to vector checks every row.
    const failure = await nearest(A, MODEL, [1, 0], ['contacts'], 10).then(
      () => null,
      (error: { message: string; code?: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure!.message).toBe('different vector dimensions 3 and 2');
    expect(failure!.code).toBe('22000');
    // Rows filtered out before the distance is computed are not checked: another workspace's size does not matter.
    await insert(B, 'contacts', id(2), [1, 0]);
    expect((await nearest(A, MODEL, [1, 0, 0], ['contacts'], 10)).map((r) => r.id)).toEqual([id(1)]);
  });

  it('AI-3 drizzle renders the list of types as one parameter each', () => {
    const { sql, params } = dialect.sqlToQuery(nearestRecordsSql(A, MODEL, [0.25, -1, 3e-7], ['contacts', 'deals'], 5));
    expect(sql).toMatch(/e\.record_type IN \(\$4, \$5\)/);
    expect(params).toEqual(['[0.25,-1,3e-7]', A, MODEL, 'contacts', 'deals', 5]);
    expect(dialect.sqlToQuery(nearestRecordsSql(A, MODEL, [1], ['companies'], 5)).sql).toMatch(/e\.record_type IN \(\$4\)/);
  });

  it('AI-3 row-level security keeps another workspace\'s embeddings out, whatever workspace the query names', async () => {
    await insert(A, 'contacts', id(1), [1, 0, 0]);
    await insert(B, 'contacts', id(2), [1, 0, 0]);
    // PGlite's own user is a superuser, which row-level security does not apply to; the app's role is not.
    await db.exec(`DO $$ BEGIN CREATE ROLE kestrel_app NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$; GRANT SELECT ON record_embeddings TO kestrel_app`);
    await db.exec(`BEGIN; SET LOCAL ROLE kestrel_app; SELECT set_config('kestrel.workspace_id', '${A}', true)`);
    try {
      expect((await nearest(A, MODEL, [1, 0, 0], ['contacts'], 10)).map((r) => r.id)).toEqual([id(1)]);
      expect(await nearest(B, MODEL, [1, 0, 0], ['contacts'], 10)).toEqual([]);
    } finally {
      await db.exec(`ROLLBACK`);
    }
  });
});
