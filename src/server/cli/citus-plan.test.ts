import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/helpers/database';
import { runCli } from '../cli';
import { SecretBox } from '../platform/crypto/secret-box';

const env = {
  NODE_ENV: 'test',
  DATABASE_POOL_SIZE: '2',
  KESTREL_SECRET_KEYS: SecretBox.generateSpec('cp1'),
  KESTREL_SESSION_SECRET: 'citus-plan-test-session-secret-long-enough-0123',
};

async function citusPlan(url: string, ...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(['citus-plan', ...args], {
    env: { ...env, DATABASE_URL: url, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-cp-')) },
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

/** The lines of one section of the printout, from its title to the blank line after it. */
function section(out: string, title: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(title));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

describe('kestrel citus-plan', () => {
  it('OPS-2 OPS-3 prints each table’s place on Citus from the live schema, the co-located groups, nothing blocking, and the statements', async () => {
    const url = await createTestDatabase();
    const { code, out, err } = await citusPlan(url, '--sql');
    expect(err).toBe('');
    expect(code).toBe(0);
    const distributed = section(out, 'Distributed by workspace_id');
    expect(distributed).toEqual(expect.arrayContaining(['contacts', 'deals', 'activities', 'memberships']));
    expect(distributed).not.toContain('users');
    expect(section(out, 'Distributed by id')).toEqual([expect.stringMatching(/^workspaces — /)]);
    expect(section(out, 'Reference')).toEqual(expect.arrayContaining([expect.stringMatching(/^users — /), expect.stringMatching(/^sessions — /)]));
    expect(section(out, 'Local')).toEqual(expect.arrayContaining([expect.stringMatching(/^mail_outbox — /), expect.stringMatching(/^rate_limit_buckets — /)]));
    // Every table of the database is placed exactly once.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
    await client.end();
    const placed = ['Distributed by workspace_id', 'Distributed by id', 'Reference', 'Local'].flatMap((t) => section(out, t));
    expect(placed).toHaveLength(rows[0]!.n);
    // Groups of tables joined by foreign keys: the tenant's is the first and biggest; together they hold every distributed table once.
    const groups = section(out, 'Co-located groups');
    expect(groups[0]).toMatch(/^1\. \d+ tables: .*\bworkspaces\b/);
    const grouped = groups.flatMap((g) => g.replace(/^\d+\. \d+ tables: /, '').split(', '));
    expect(grouped.sort()).toEqual([...distributed, 'workspaces'].sort());
    expect(out).toContain('Blocks distribution: nothing');
    expect(out).toContain("SELECT create_reference_table('users');");
    expect(out).toContain("SELECT create_distributed_table('contacts', 'workspace_id', colocate_with => 'workspaces');");
    expect(out.indexOf("create_distributed_table('workspaces', 'id')")).toBeLessThan(out.indexOf("create_distributed_table('contacts'"));
  });

  it('OPS-2 names what blocks distribution: a key not led by workspace_id, a tenant table pointing at a local one, a reference table pointing at tenant data, an unnamed table; exit 1', async () => {
    const url = await createTestDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`
      CREATE TABLE plan_lookup (id int PRIMARY KEY);
      CREATE TABLE plan_codes (
        workspace_id uuid NOT NULL REFERENCES workspaces(id),
        id uuid NOT NULL,
        code text NOT NULL,
        lookup_id int REFERENCES plan_lookup(id),
        PRIMARY KEY (workspace_id, id),
        CONSTRAINT plan_codes_code_unique UNIQUE (code)
      );
      ALTER TABLE users ADD COLUMN plan_contact_workspace uuid REFERENCES workspaces(id);`);
    await client.end();
    const { code, out, err } = await citusPlan(url);
    expect(code).toBe(1);
    expect(err).toMatch(/4 things block distribution/);
    const blockers = section(out, 'Blocks distribution');
    expect(blockers).toEqual(
      expect.arrayContaining([
        'plan_lookup: has no workspace_id and is not named as a reference or local table',
        'plan_codes.plan_codes_code_unique: unique key (code) does not lead with workspace_id',
        expect.stringMatching(/^plan_codes\.\S+: points at plan_lookup, which is neither distributed nor a reference table/),
        expect.stringMatching(/^users\.\S+: reference table points at distributed workspaces$/),
      ]),
    );
    expect(blockers).toHaveLength(4);
    expect(section(out, 'Not placed')).toEqual([expect.stringMatching(/^plan_lookup — /)]);
  });
});
