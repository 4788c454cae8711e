import type pg from 'pg';

/**
 * OPS-2: how the live schema would be laid out on Citus, read from the catalog (not from a list of
 * tables kept by hand), and what stops it. Used by `kestrel citus-plan` and by
 * test/citus-schema.test.ts, so the operator's answer and the test's are the same check.
 *
 * Citus needs every primary key and unique constraint of a distributed table to include the
 * distribution column, and foreign keys between distributed tables to include it on both sides
 * (co-location); a distributed table may point at a reference table (copied to every node), but a
 * reference or coordinator-local table may not point at a distributed one. We hold ourselves to the
 * stricter rule that workspace_id LEADS each key, which is also what makes per-workspace index
 * scans cheap.
 */
export type Distribution = 'distributed by workspace_id' | 'distributed by id' | 'reference' | 'local';

/** Tables without a tenant workspace_id, each with what it would be on Citus and why. */
export const notTenant: Record<string, { citus: Exclude<Distribution, 'distributed by workspace_id'>; why: string }> = {
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

export interface SchemaKey {
  table: string;
  /** p primary key, u unique constraint, f foreign key, i unique index that is no constraint. */
  kind: 'p' | 'u' | 'f' | 'i';
  name: string;
  columns: string[];
  references: string | null;
  refColumns: string[];
}

export interface PlannedTable {
  name: string;
  /** null: a table without workspace_id that `notTenant` does not name — itself a blocker. */
  distribution: Distribution | null;
  why: string;
}

export interface CitusPlan {
  tables: PlannedTable[];
  /**
   * Distributed tables joined by foreign keys, each group one connected set: Citus must co-locate
   * every table of a group (same shard count and placement), so each is created
   * `colocate_with => 'workspaces'`.
   */
  colocated: string[][];
  /** What stops distribution, one sentence each; empty when the schema can be distributed. */
  blockers: string[];
  /** The statements that would distribute it, in an order Citus accepts. */
  statements: string[];
}

async function readTables(client: pg.ClientBase): Promise<{ name: string; hasWorkspaceId: boolean }[]> {
  const { rows } = await client.query<{ name: string; hasWorkspaceId: boolean }>(`
    SELECT c.relname AS name,
           EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'workspace_id' AND NOT a.attisdropped) AS "hasWorkspaceId"
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY 1`);
  return rows;
}

/** Primary keys, unique constraints, foreign keys, and unique indexes that are not constraints, of the `public` schema. */
export async function readKeys(client: pg.ClientBase): Promise<SchemaKey[]> {
  const cols = (rel: string, nums: string) =>
    `(SELECT coalesce(array_agg(a.attname::text ORDER BY k.ord), '{}') FROM unnest(${nums}) WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;
  const { rows } = await client.query<SchemaKey>(`
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

const keyKind = { p: 'primary key', u: 'unique key', i: 'unique index', f: 'foreign key' } as const;

/** Reads the live schema at `client` and answers the plan. */
export async function citusPlan(client: pg.ClientBase, named: typeof notTenant = notTenant): Promise<CitusPlan> {
  const found = await readTables(client);
  const tables: PlannedTable[] = found.map(({ name, hasWorkspaceId }) => {
    const entry = named[name];
    // A local table may carry a workspace_id to scope deletes by (mail_outbox) without being distributed by it.
    if (hasWorkspaceId && entry?.citus !== 'local') return { name, distribution: 'distributed by workspace_id', why: 'tenant data: every row belongs to one workspace' };
    if (entry) return { name, distribution: entry.citus, why: entry.why };
    return { name, distribution: null, why: 'has no workspace_id and is not named as a reference or local table' };
  });
  const of = new Map(tables.map((t) => [t.name, t.distribution]));
  const distributed = (name: string) => of.get(name) === 'distributed by workspace_id' || of.get(name) === 'distributed by id';
  const blockers: string[] = [];
  for (const t of tables) if (t.distribution === null) blockers.push(`${t.name}: ${t.why}`);
  for (const name of Object.keys(named)) {
    if (!found.some((t) => t.name === name)) blockers.push(`${name}: named as ${named[name]!.citus} but no such table exists (the list is stale)`);
  }
  const keys = await readKeys(client);
  for (const t of tables) {
    if (t.distribution === 'distributed by workspace_id' && !keys.some((k) => k.table === t.name && k.kind === 'p')) blockers.push(`${t.name}: no primary key`);
  }
  const edges: [string, string][] = [];
  for (const k of keys) {
    const from = of.get(k.table);
    if (from === 'distributed by workspace_id') {
      if (k.kind === 'f') {
        if (distributed(k.references!)) {
          // Between distributed tables: both sides start with the distribution column.
          const target = k.references === 'workspaces' ? 'id' : 'workspace_id';
          if (k.columns[0] !== 'workspace_id' || k.refColumns[0] !== target) blockers.push(`${k.table}.${k.name}: foreign key (${k.columns.join(', ')}) → ${k.references}(${k.refColumns.join(', ')}) does not lead with workspace_id`);
          else edges.push([k.table, k.references!]);
        } else if (of.get(k.references!) !== 'reference') {
          blockers.push(`${k.table}.${k.name}: points at ${k.references}, which is neither distributed nor a reference table (${of.get(k.references!) ?? 'unnamed'})`);
        }
      } else if (k.columns[0] !== 'workspace_id') {
        blockers.push(`${k.table}.${k.name}: ${keyKind[k.kind]} (${k.columns.join(', ')}) does not lead with workspace_id`);
      }
    } else if ((from === 'reference' || from === 'local') && k.kind === 'f' && distributed(k.references!)) {
      // Citus refuses a foreign key from a reference or coordinator-local table to a distributed one.
      blockers.push(`${k.table}.${k.name}: ${from} table points at distributed ${k.references}`);
    }
  }

  // Co-location groups: connected sets of distributed tables over foreign keys (union-find).
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const t of tables) if (distributed(t.name)) parent.set(t.name, t.name);
  for (const [a, b] of edges) parent.set(root(a), root(b));
  const groups = new Map<string, string[]>();
  for (const name of parent.keys()) groups.set(root(name), [...(groups.get(root(name)) ?? []), name]);
  const colocated = [...groups.values()].map((g) => g.sort()).sort((a, b) => b.length - a.length || a[0]!.localeCompare(b[0]!));

  const statements = [
    ...tables.filter((t) => t.distribution === 'reference').map((t) => `SELECT create_reference_table('${t.name}');`),
    ...(of.get('workspaces') === 'distributed by id' ? [`SELECT create_distributed_table('workspaces', 'id');`] : []),
    ...tables.filter((t) => t.distribution === 'distributed by workspace_id').map((t) => `SELECT create_distributed_table('${t.name}', 'workspace_id', colocate_with => 'workspaces');`),
  ];
  return { tables, colocated, blockers, statements };
}

/** The plan as the CLI prints it. */
export function formatCitusPlan(plan: CitusPlan, withStatements = false): string {
  const by = (d: Distribution | null) => plan.tables.filter((t) => t.distribution === d);
  const section = (title: string, list: PlannedTable[], reasons: boolean) =>
    list.length ? [`${title} (${list.length}):`, ...list.map((t) => (reasons ? `  ${t.name} — ${t.why}` : `  ${t.name}`)), ''] : [];
  const lines = [
    ...section('Distributed by workspace_id', by('distributed by workspace_id'), false),
    ...section('Distributed by id (the tenant)', by('distributed by id'), true),
    ...section('Reference (copied to every node)', by('reference'), true),
    ...section('Local (kept on the coordinator)', by('local'), true),
    ...section('Not placed', by(null), true),
    `Co-located groups (${plan.colocated.length}; tables joined by foreign keys must share shards, and every one is created colocate_with => 'workspaces', so all form one Citus co-location group):`,
    ...plan.colocated.map((g, i) => `  ${i + 1}. ${g.length} tables: ${g.join(', ')}`),
    '',
    plan.blockers.length ? `Blocks distribution (${plan.blockers.length}):` : 'Blocks distribution: nothing — every tenant table’s keys lead with workspace_id.',
    ...plan.blockers.map((b) => `  ${b}`),
  ];
  if (withStatements) lines.push('', 'Statements (run on the Citus coordinator after `CREATE EXTENSION citus` and adding workers):', ...plan.statements.map((s) => `  ${s}`));
  return lines.join('\n');
}
