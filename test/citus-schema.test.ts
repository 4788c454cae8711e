import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/database';

/**
 * OPS-2: the schema can be distributed by workspace_id on Citus. Citus needs every primary key and
 * unique constraint of a distributed table to include the distribution column, and foreign keys
 * between distributed tables to include it on both sides (co-location); a distributed table may
 * point at a reference table (copied to every node). We hold ourselves to the stricter rule that
 * workspace_id LEADS each key, which is also what makes per-workspace index scans cheap.
 *
 * Tables without workspace_id are named here, each with what it would be on Citus and why.
 */
const notTenant: Record<string, { citus: 'distributed by id' | 'reference' | 'local'; why: string }> = {
  workspaces: { citus: 'distributed by id', why: 'the tenant itself: its id is every other table’s workspace_id, so it is co-located with them' },
  users: { citus: 'reference', why: 'a person may belong to many workspaces; small, read on every request' },
  sessions: { citus: 'reference', why: 'a sign-in belongs to a user, not a workspace (the active workspace is chosen per request)' },
  auth_tokens: { citus: 'reference', why: 'sign-in codes and reset links of users, before any workspace is chosen' },
  recovery_codes: { citus: 'reference', why: 'a user’s two-factor recovery codes' },
  rate_limit_buckets: { citus: 'local', why: 'short-lived counters keyed by IP or email, swept hourly; not tenant data' },
  policy_versions: { citus: 'reference', why: 'the installation’s privacy policy versions (PRIV-7), the same for every workspace' },
  privacy_account_exports: { citus: 'reference', why: 'a person’s own data exports (PRIV-2), across all their workspaces; few rows per person' },
  policy_acknowledgements: { citus: 'reference', why: 'a person’s acknowledgements of policy versions, not a workspace’s' },
  billing_events: { citus: 'local', why: 'payment providers’ event ids already applied (BILL-2, INT-5): arrive before the workspace is known, checked once per webhook; no personal data' },
  mail_outbox: { citus: 'local', why: 'every outgoing mail, sign-in codes included, often before any workspace; write-heavy, so kept on the coordinator rather than copied to every node (its nullable workspace_id only scopes erasure and purges, PRIV-3)' },
};

let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: await createTestDatabase() });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

interface Key {
  table: string;
  kind: 'p' | 'u' | 'f' | 'i';
  name: string;
  columns: string[];
  references: string | null;
  refColumns: string[];
}

async function tables(): Promise<{ name: string; tenant: boolean }[]> {
  const { rows } = await client.query<{ name: string; tenant: boolean }>(`
    SELECT c.relname AS name,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped) AS tenant
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY 1`);
  // A local table may carry a workspace_id to scope deletes by (mail_outbox) without being distributed by it.
  return rows.map((r) => ({ ...r, tenant: r.tenant && notTenant[r.name]?.citus !== 'local' }));
}

/** Primary keys, unique constraints, foreign keys, and unique indexes that are not constraints. */
async function keys(): Promise<Key[]> {
  const cols = (rel: string, nums: string) =>
    `(SELECT coalesce(array_agg(a.attname::text ORDER BY k.ord), '{}') FROM unnest(${nums}) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;
  const { rows } = await client.query<Key>(`
    SELECT cl.relname AS table, co.contype AS kind, co.conname AS name, ${cols('co.conrelid', 'co.conkey')} AS columns,
           (SELECT relname FROM pg_class WHERE oid = co.confrelid) AS "references", ${cols('co.confrelid', 'co.confkey')} AS "refColumns"
      FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE n.nspname = 'public' AND co.contype IN ('p', 'u', 'f')
    UNION ALL
    SELECT t.relname, 'i', i.relname, ${cols('ix.indrelid', 'ix.indkey::int2[]')}, NULL, '{}'
      FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public' AND ix.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = ix.indexrelid)
     ORDER BY 1, 2, 3`);
  return rows;
}

describe('distributable by workspace', () => {
  it('OPS-2 every table either has workspace_id or is named, with a reason, as a reference or local table', async () => {
    const all = await tables();
    expect(all.filter((t) => t.tenant).length).toBeGreaterThan(20);
    const unnamed = all.filter((t) => !t.tenant && !notTenant[t.name]).map((t) => t.name);
    expect(unnamed, 'tables without workspace_id that are not in the allow-list').toEqual([]);
    // The list does not go stale: every table it names exists and has no workspace_id.
    const stale = Object.keys(notTenant).filter((name) => !all.some((t) => t.name === name && !t.tenant));
    expect(stale, 'allow-list entries that are no table without workspace_id').toEqual([]);
  });

  it('OPS-2 every tenant table’s primary key, unique keys and foreign keys lead with workspace_id (Citus-distributable)', async () => {
    const all = await tables();
    const tenant = new Set(all.filter((t) => t.tenant).map((t) => t.name));
    const distributed = (name: string) => tenant.has(name) || notTenant[name]?.citus === 'distributed by id';
    const problems: string[] = [];
    const found = await keys();
    for (const t of tenant) if (!found.some((k) => k.table === t && k.kind === 'p')) problems.push(`${t}: no primary key`);
    for (const k of found) {
      if (tenant.has(k.table)) {
        if (k.kind === 'f') {
          if (distributed(k.references!)) {
            // Between distributed tables: both sides start with the distribution column.
            const target = k.references === 'workspaces' ? 'id' : 'workspace_id';
            if (k.columns[0] !== 'workspace_id' || k.refColumns[0] !== target) problems.push(`${k.table}.${k.name}: foreign key (${k.columns}) → ${k.references}(${k.refColumns}) does not lead with workspace_id`);
          } else if (notTenant[k.references!]?.citus !== 'reference') {
            problems.push(`${k.table}.${k.name}: points at ${k.references}, which is neither distributed nor a reference table`);
          }
        } else if (k.columns[0] !== 'workspace_id') {
          problems.push(`${k.table}.${k.name}: ${{ p: 'primary key', u: 'unique key', i: 'unique index' }[k.kind]} (${k.columns}) does not lead with workspace_id`);
        }
      } else if (notTenant[k.table] && notTenant[k.table]!.citus !== 'distributed by id' && k.kind === 'f' && distributed(k.references!)) {
        // Citus refuses a foreign key from a reference or coordinator-local table to a distributed one.
        problems.push(`${k.table}.${k.name}: ${notTenant[k.table]!.citus} table points at distributed ${k.references}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
