import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusPlan, notTenant } from '../src/server/platform/db/citus-plan';
import { createTestDatabase } from './helpers/database';

/**
 * OPS-2: the schema can be distributed by workspace_id on Citus. The checks live in
 * src/server/platform/db/citus-plan.ts (read from the live catalog), which `kestrel citus-plan`
 * prints; tables without workspace_id are named there, each with what it would be on Citus and why.
 */
let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: await createTestDatabase() });
  await client.connect();
});
afterAll(async () => {
  await client.end();
});

describe('distributable by workspace', () => {
  it('OPS-2 every table either has workspace_id or is named, with a reason, as a reference or local table', async () => {
    const plan = await citusPlan(client);
    expect(plan.tables.filter((t) => t.distribution === 'distributed by workspace_id').length).toBeGreaterThan(20);
    expect(plan.tables.filter((t) => t.distribution === null).map((t) => t.name), 'tables without workspace_id that are not in the allow-list').toEqual([]);
    // The list does not go stale: every table it names exists and has no tenant workspace_id.
    const stale = Object.keys(notTenant).filter((name) => plan.tables.find((t) => t.name === name)?.distribution !== notTenant[name]!.citus);
    expect(stale, 'allow-list entries that are no table without workspace_id').toEqual([]);
  });

  it('OPS-2 every tenant table’s primary key, unique keys and foreign keys lead with workspace_id (Citus-distributable)', async () => {
    const plan = await citusPlan(client);
    expect(plan.blockers).toEqual([]);
    // The biggest co-located group (tables joined by foreign keys) is the tenant table's; every
    // distributed table is in exactly one group.
    expect(plan.colocated[0]).toContain('workspaces');
    const distributed = plan.tables.filter((t) => t.distribution?.startsWith('distributed')).map((t) => t.name).sort();
    expect(plan.colocated.flat().sort()).toEqual(distributed);
  });
});
