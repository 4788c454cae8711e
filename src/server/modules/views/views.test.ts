import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE } from '../../platform/db/migrate';
import { addMember, ownerWithWorkspace, type TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;

async function make(client: TestClient, o: Owner, path: string, body: unknown) {
  const res = await client.post(api(o, path), body);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json();
}

async function query(client: TestClient, o: Owner, view: unknown, extra: Record<string, unknown> = {}) {
  return client.post(api(o, '/views/query'), { view, ...extra });
}

/** A workspace with custom fields, tags and four contacts that differ in each. */
async function crmWorkspace() {
  const owner = await ownerWithWorkspace(server);
  await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'industry', label: 'Industry', type: 'select', options: ['retail', 'health'] });
  await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'budget', label: 'Budget', type: 'number' });
  await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'vip', label: 'VIP', type: 'checkbox' });
  await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'channels', label: 'Channels', type: 'multi_select', options: ['email', 'phone', 'sms'] });
  const hot = await make(owner.client, owner, '/tags', { name: 'hot' });
  const cold = await make(owner.client, owner, '/tags', { name: 'cold' });
  const c = async (body: Record<string, unknown>, tagIds: string[] = []) => {
    const contact = await make(owner.client, owner, '/contacts', body);
    for (const tagId of tagIds) await make(owner.client, owner, `/contacts/${contact.id}/tags`, { tagId });
    return contact.id as string;
  };
  const ids = {
    ada: await c({ firstName: 'Ada', lastName: 'Ames', lifecycle: 'lead', custom: { industry: 'retail', budget: 100, vip: true, channels: ['email'] } }, [hot.id]),
    bo: await c({ firstName: 'Bo', lastName: 'Berg', lifecycle: 'customer', custom: { industry: 'health', budget: 5000, channels: ['phone', 'sms'] } }, [cold.id]),
    cy: await c({ firstName: 'Cy', lastName: 'Cole', lifecycle: 'lead', custom: { industry: 'health', budget: 50 } }, [hot.id, cold.id]),
    di: await c({ firstName: 'Di', lastName: 'Dunn', lifecycle: 'prospect', custom: { industry: 'retail' } }),
  };
  return { owner, ids, tags: { hot: hot.id as string, cold: cold.id as string } };
}

const idsOf = (res: { json(): { rows: { id: string }[] } }) => res.json().rows.map((r) => r.id).sort();

/** EXPLAIN of a statement ($1 = the workspace) after a fresh ANALYZE, as the app role runs it: row-level security shapes the plan. */
async function planAsApp(workspaceId: string, statement: string): Promise<string> {
  await server.services.database.systemPool.query('ANALYZE contacts');
  const client = new pg.Client({ connectionString: server.services.database.ownerUrl, options: `-c role=${APP_ROLE}` });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('kestrel.workspace_id', $1, true)`, [workspaceId]);
    const { rows } = await client.query(`EXPLAIN ${statement}`, [workspaceId]);
    await client.query('ROLLBACK');
    return rows.map((r) => r['QUERY PLAN'] as string).join('\n');
  } finally {
    await client.end();
  }
}

describe('views: filters (CRM-6)', () => {
  it('CRM-6 a view filters with AND/OR groups over built-in, custom and tag fields and returns the chosen columns', async () => {
    const { owner, ids, tags } = await crmWorkspace();
    // (lead OR industry = retail) AND tagged hot → Ada (lead, retail, hot) and Cy (lead, hot); Di is retail but not hot.
    const res = await query(owner.client, owner, {
      object: 'contacts',
      columns: ['name', 'lifecycle', 'custom.industry', 'custom.budget', 'tags'],
      filter: {
        match: 'all',
        conditions: [
          { match: 'any', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }, { field: 'custom.industry', op: 'eq', value: 'retail' }] },
          { field: 'tags', op: 'has_any', value: [tags.hot] },
        ],
      },
      sort: { field: 'lastName', direction: 'asc' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page.rows.map((r: { id: string }) => r.id)).toEqual([ids.ada, ids.cy]);
    expect(page.columns.map((c: { key: string }) => c.key)).toEqual(['name', 'lifecycle', 'custom.industry', 'custom.budget', 'tags']);
    expect(page.rows[0].cells).toMatchObject({ name: 'Ada Ames', lifecycle: 'lead', 'custom.industry': 'retail', 'custom.budget': 100, tags: [{ name: 'hot' }] });

    const check = async (filter: unknown, expected: string[]) => {
      const r = await query(owner.client, owner, { object: 'contacts', filter });
      expect(r.statusCode, r.body).toBe(200);
      expect(idsOf(r), JSON.stringify(filter)).toEqual([...expected].sort());
    };
    await check({ match: 'all', conditions: [{ field: 'custom.budget', op: 'gt', value: 60 }] }, [ids.ada, ids.bo]);
    await check({ match: 'all', conditions: [{ field: 'custom.budget', op: 'is_empty' }] }, [ids.di]);
    await check({ match: 'all', conditions: [{ field: 'custom.vip', op: 'is_true' }] }, [ids.ada]);
    await check({ match: 'all', conditions: [{ field: 'custom.vip', op: 'is_false' }, { field: 'lifecycle', op: 'in', value: ['lead', 'customer'] }] }, [ids.bo, ids.cy]);
    await check({ match: 'all', conditions: [{ field: 'tags', op: 'has_all', value: [tags.hot, tags.cold] }] }, [ids.cy]);
    await check({ match: 'all', conditions: [{ field: 'tags', op: 'has_none', value: [tags.hot] }] }, [ids.bo, ids.di]);
    await check({ match: 'all', conditions: [{ field: 'tags', op: 'is_empty' }] }, [ids.di]);
    await check({ match: 'any', conditions: [{ field: 'firstName', op: 'eq', value: 'ADA' }, { field: 'lastName', op: 'contains', value: 'unn' }] }, [ids.ada, ids.di]);
    await check({ match: 'all', conditions: [{ field: 'custom.industry', op: 'neq', value: 'retail' }, { field: 'lifecycle', op: 'neq', value: 'customer' }] }, [ids.cy]);
    await check({ match: 'all', conditions: [{ field: 'custom.industry', op: 'in', value: ['health'] }] }, [ids.bo, ids.cy]);
    await check({ match: 'all', conditions: [{ field: 'custom.channels', op: 'has_any', value: ['sms', 'email'] }] }, [ids.ada, ids.bo]);
    await check({ match: 'all', conditions: [{ field: 'custom.channels', op: 'has_all', value: ['phone', 'sms'] }] }, [ids.bo]);
    await check({ match: 'all', conditions: [{ field: 'custom.channels', op: 'has_none', value: ['phone'] }] }, [ids.ada, ids.cy, ids.di]);
  });

  it('CRM-6 a zip-code prefix is a range on the postal code index under row-level security, as the app role runs it', async () => {
    const { owner } = await crmWorkspace();
    await server.services.database.systemPool.query(
      `INSERT INTO contacts (workspace_id, id, first_name, postal_code, created_at) SELECT $1, gen_random_uuid(), 'Filler ' || g, (10000 + g)::text, now() FROM generate_series(1, 3000) g`,
      [owner.workspaceId],
    );
    // What compile-view makes of { field: 'postalCode', op: 'starts_with', value: '94' }.
    const plan = await planAsApp(owner.workspaceId, `SELECT id FROM contacts WHERE workspace_id = $1 AND (postal_code COLLATE "C" >= '94' AND postal_code COLLATE "C" < '95')`);
    expect(plan, plan).toMatch(/contacts_postal_code_idx/);
    expect(plan, plan).toMatch(/Index Cond: \(\(workspace_id = .*postal_code.*>= '94'/);
  });

  it('CRM-6 a custom-field condition is an index condition under row-level security, as the app role runs it', async () => {
    const { owner } = await crmWorkspace();
    // Enough rows that a rare value is worth its index: 3,000 in health, two in retail.
    await server.services.database.systemPool.query(
      `INSERT INTO contacts (workspace_id, id, first_name, custom, created_at) SELECT $1, gen_random_uuid(), 'Filler ' || g, '{"industry":"health"}', now() FROM generate_series(1, 3000) g`,
      [owner.workspaceId],
    );
    const plan = await planAsApp(owner.workspaceId, `SELECT id FROM contacts WHERE workspace_id = $1 AND custom @> '{"industry":"retail"}'`);
    expect(plan, plan).toMatch(/Bitmap Index Scan on contacts_custom_idx/);
    expect(plan).toMatch(/Index Cond: \(custom @>/);
  });

  it('CRM-6 owner "me", a zip code prefix and "not contacted for 14 days" combine in one view', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const c = (body: Record<string, unknown>) => make(owner.client, owner, '/contacts', body).then((r) => r.id as string);
    const quiet = await c({ firstName: 'Quiet', postalCode: '94107' });
    const recent = await c({ firstName: 'Recent', postalCode: '94110' });
    const longAgo = await c({ firstName: 'Long', postalCode: '94016' });
    await c({ firstName: 'Elsewhere', postalCode: '10001' });
    await c({ firstName: 'Next door', postalCode: '95014' });
    await c({ firstName: 'Below', postalCode: '93999' });
    await c({ firstName: 'Theirs', postalCode: '94107', ownerUserId: staff.userId });
    const note = (id: string, daysAgo: number) =>
      make(owner.client, owner, '/activities', { kind: 'note', body: '<p>Called</p>', occurredAt: new Date(Date.now() - daysAgo * 86_400_000).toISOString(), links: [{ recordType: 'contacts', recordId: id }] });
    await note(recent, 2);
    await note(longAgo, 40);
    const view = {
      object: 'contacts',
      columns: ['name', 'postalCode', 'lastActivityAt'],
      filter: {
        match: 'all',
        conditions: [
          { field: 'owner', op: 'eq', value: 'me' },
          { field: 'postalCode', op: 'starts_with', value: '94' },
          { field: 'lastActivityAt', op: 'older_than_days', value: 14 },
        ],
      },
    };
    const res = await query(owner.client, owner, view);
    expect(res.statusCode, res.body).toBe(200);
    expect(idsOf(res)).toEqual([quiet, longAgo].sort());
    const long = res.json().rows.find((r: { id: string }) => r.id === longAgo);
    expect(Date.now() - Date.parse(long.cells.lastActivityAt)).toBeGreaterThan(39 * 86_400_000);
    // "me" is whoever asks.
    const theirs = await query(staff.client, owner, view);
    expect(theirs.json().rows.map((r: { cells: { name: string } }) => r.cells.name)).toEqual(['Theirs']);
  });

  it('CRM-6 an unknown field, a wrong operator or a value of the wrong type is a 400 that names the field and its path', async () => {
    const { owner } = await crmWorkspace();
    const bad = async (view: unknown) => {
      const res = await query(owner.client, owner, view);
      expect(res.statusCode, res.body).toBe(400);
      return res.json().error.details.fields as Record<string, string>;
    };
    expect(await bad({ object: 'contacts', filter: { match: 'all', conditions: [{ field: 'custom.nope', op: 'eq', value: 'x' }] } })).toEqual({
      'view.filter.conditions.0.field': expect.stringContaining('custom.nope'),
    });
    const wrongType = await bad({ object: 'contacts', filter: { match: 'any', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }, { match: 'all', conditions: [{ field: 'custom.budget', op: 'gt', value: 'lots' }] }] } });
    expect(wrongType).toEqual({ 'view.filter.conditions.1.conditions.0.value': expect.stringContaining('custom.budget') });
    expect(await bad({ object: 'contacts', filter: { match: 'all', conditions: [{ field: 'custom.industry', op: 'eq', value: 'mining' }] } })).toEqual({
      'view.filter.conditions.0.value': expect.stringContaining('mining'),
    });
    expect(Object.keys(await bad({ object: 'contacts', filter: { match: 'all', conditions: [{ field: 'tags', op: 'gt', value: 3 }] } }))).toEqual(['view.filter.conditions.0.op']);
    expect(Object.keys(await bad({ object: 'contacts', sort: { field: 'height', direction: 'asc' } }))).toEqual(['view.sort.field']);
    expect(Object.keys(await bad({ object: 'contacts', columns: ['name', 'shoeSize'] }))).toEqual(['view.columns.1']);
    expect(Object.keys(await bad({ object: 'deals', filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] } }))).toEqual(['view.filter.conditions.0.field']);
    // Structure is checked by the schema: an unknown operator is a 400 too.
    const op = await query(owner.client, owner, { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'name', op: 'sounds_like', value: 'x' }] } });
    expect(op.statusCode).toBe(400);
    expect(Object.keys(op.json().error.details.fields).join()).toContain('view.filter.conditions.0');
    // A cursor that this server did not hand out.
    const cursor = await query(owner.client, owner, { object: 'contacts' }, { cursor: 'not-a-cursor' });
    expect(cursor.statusCode).toBe(400);
  });
});

describe('views: sort, paging and groups (CRM-6)', () => {
  it('CRM-6 sorting with cursor paging returns every row exactly once, in order, with empty values last', async () => {
    const owner = await ownerWithWorkspace(server);
    const lastNames = ['Stone', null, 'avery', 'Stone', 'Berg', null, 'stone', 'Cole', 'Avery', 'Zed', null, 'Berg', 'Mills', 'Stone', 'Kent', null, 'Lane'];
    const created: { id: string; lastName: string | null }[] = [];
    for (const [i, lastName] of lastNames.entries()) {
      const body = lastName ? { firstName: `P${i}`, lastName } : { firstName: `P${i}` };
      created.push({ id: (await make(owner.client, owner, '/contacts', body)).id, lastName });
    }
    const byKey = (dir: 1 | -1) => (a: (typeof created)[number], b: (typeof created)[number]) => {
      if (a.lastName === null || b.lastName === null) return a.lastName === b.lastName ? dir * a.id.localeCompare(b.id) : a.lastName === null ? 1 : -1;
      const x = a.lastName.toLowerCase();
      const y = b.lastName.toLowerCase();
      return x === y ? dir * a.id.localeCompare(b.id) : dir * (x < y ? -1 : 1);
    };
    for (const [direction, dir] of [['asc', 1], ['desc', -1]] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await query(owner.client, owner, { object: 'contacts', columns: ['lastName'], sort: { field: 'lastName', direction } }, { limit: 4, ...(cursor ? { cursor } : {}) });
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json();
        expect(page.rows.length).toBeLessThanOrEqual(4);
        seen.push(...page.rows.map((r: { id: string }) => r.id));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 20);
      expect(new Set(seen).size, 'no duplicates').toBe(seen.length);
      expect(seen, `order ${direction}`).toEqual([...created].sort(byKey(dir)).map((c) => c.id));
    }
    // Default sort: newest first, across pages of 5.
    const first = (await query(owner.client, owner, { object: 'contacts' }, { limit: 5, withTotal: true })).json();
    const second = (await query(owner.client, owner, { object: 'contacts' }, { limit: 5, cursor: first.nextCursor })).json();
    expect([...first.rows, ...second.rows].map((r: { id: string }) => r.id)).toEqual(created.map((c) => c.id).reverse().slice(0, 10));
    expect(first.total).toEqual({ count: lastNames.length, exact: true });
    // The whole view on its first page (issue 14: counted from the page, not asked of PostgreSQL):
    // by a nullable sort (rows without a phone come from the second segment), and filtered.
    const whole = (await query(owner.client, owner, { object: 'contacts', columns: ['lastName'], sort: { field: 'phone', direction: 'asc' } }, { limit: 50, withTotal: true })).json();
    expect(whole.nextCursor).toBeNull();
    expect(whole.rows).toHaveLength(lastNames.length);
    expect(whole.total).toEqual({ count: lastNames.length, exact: true });
    // Text equality ignores case: 'Stone' and 'stone'.
    const filter = { match: 'all', conditions: [{ field: 'lastName', op: 'eq', value: 'Stone' }] };
    const filtered = (await query(owner.client, owner, { object: 'contacts', columns: ['lastName'], filter }, { limit: 50, withTotal: true })).json();
    expect(filtered.total).toEqual({ count: lastNames.filter((n) => n?.toLowerCase() === 'stone').length, exact: true });
    expect(filtered.rows).toHaveLength(filtered.total.count);
  });

  it('CRM-6 group counts count the filtered rows per value, with owner names and tags', async () => {
    const { owner, tags } = await crmWorkspace();
    const groups = async (groupBy: string, filter?: unknown) => {
      const res = await owner.client.post(api(owner, '/views/groups'), { view: { object: 'contacts', groupBy, ...(filter ? { filter } : {}) } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().groups as { value: unknown; label: string; count: number }[];
    };
    expect(await groups('lifecycle')).toEqual([
      { value: 'lead', label: 'lead', count: 2 },
      { value: 'customer', label: 'customer', count: 1 },
      { value: 'prospect', label: 'prospect', count: 1 },
    ]);
    expect(await groups('custom.industry', { match: 'all', conditions: [{ field: 'lifecycle', op: 'neq', value: 'customer' }] })).toEqual([
      { value: 'retail', label: 'retail', count: 2 },
      { value: 'health', label: 'health', count: 1 },
    ]);
    expect(await groups('owner')).toEqual([{ value: owner.userId, label: 'Olive Owner', count: 4 }]);
    expect(await groups('tags')).toEqual([
      { value: tags.cold, label: 'cold', count: 2 },
      { value: tags.hot, label: 'hot', count: 2 },
    ]);
    const notGroupable = await owner.client.post(api(owner, '/views/groups'), { view: { object: 'contacts', groupBy: 'email' } });
    expect(notGroupable.statusCode).toBe(400);
    expect(notGroupable.json().error.details.fields).toEqual({ 'view.groupBy': expect.stringContaining('email') });
  });
});

describe('views: roles (CRM-6)', () => {
  it('CRM-6 a view shows only what the member may see: staff limited to their own records, clients to shared ones', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    const mine = (await make(owner.client, owner, '/contacts', { firstName: 'Owned by owner' })).id;
    const theirs = (await make(owner.client, owner, '/contacts', { firstName: 'Owned by staff', ownerUserId: staff.userId })).id;
    const all = { object: 'contacts' };
    expect(idsOf(await query(staff.client, owner, all))).toEqual([mine, theirs].sort());
    expect((await owner.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: true })).statusCode).toBe(200);
    expect(idsOf(await query(staff.client, owner, all))).toEqual([theirs]);
    expect(idsOf(await query(owner.client, owner, all))).toEqual([mine, theirs].sort());
    expect(idsOf(await query(client.client, owner, all))).toEqual([]);
    await make(owner.client, owner, `/contacts/${mine}/shares`, { userId: client.userId });
    expect(idsOf(await query(client.client, owner, all))).toEqual([mine]);
  });
});

describe('views: a page built once per shape (CRM-6, issue 14)', () => {
  it('CRM-6 TEN-1 issue 14: the same view asked again follows a changed custom field, the asking member and the workspace', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const c = (body: Record<string, unknown>) => make(owner.client, owner, '/contacts', body).then((r) => r.id as string);
    const field = await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'rank', label: 'Rank', type: 'number' });
    const nine = await c({ firstName: 'Nine', custom: { rank: 9 } });
    const ten = await c({ firstName: 'Ten', custom: { rank: 10 }, ownerUserId: staff.userId });
    const byRank = { object: 'contacts', columns: ['name', 'custom.rank'], sort: { field: 'custom.rank', direction: 'asc' } };
    const order = async (client: TestClient, o: Owner) => ((await query(client, o, byRank)).json().rows as { id: string }[]).map((r) => r.id);
    expect(await order(owner.client, owner)).toEqual([nine, ten]);
    expect(await order(owner.client, owner)).toEqual([nine, ten]);
    // The same key, now text: "10" sorts before "9". A page kept from the number's catalog would not.
    expect((await owner.client.request('DELETE', api(owner, `/custom-fields/${field.id}`))).statusCode).toBe(204);
    await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'rank', label: 'Rank', type: 'text' });
    const nineText = await c({ firstName: 'Nine as text', custom: { rank: '9' } });
    const tenText = await c({ firstName: 'Ten as text', custom: { rank: '10' } });
    // The deleted field's values went with it: those two come last, without a rank.
    expect((await order(owner.client, owner)).slice(0, 2)).toEqual([tenText, nineText]);
    // Owner "me": the same view body names another member's records when another member asks.
    const mine = { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'owner', op: 'eq', value: 'me' }] } };
    expect(idsOf(await query(owner.client, owner, mine))).toEqual([nine, nineText, tenText].sort());
    expect(idsOf(await query(staff.client, owner, mine))).toEqual([ten]);
    // Another workspace asking the same views sees its own rows only.
    const other = await ownerWithWorkspace(server);
    const theirs = (await make(other.client, other, '/contacts', { firstName: 'Other' })).id as string;
    expect(idsOf(await query(other.client, other, mine))).toEqual([theirs]);
    expect(idsOf(await query(owner.client, owner, mine))).toEqual([nine, nineText, tenText].sort());
  });
});

describe('saved views (CRM-6)', () => {
  it('CRM-6 a personal view is seen only by its creator; a shared one by the team, changed only by its creator or a manager', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const admin = await addMember(server, owner, 'admin');
    const definition = { object: 'contacts', columns: ['name', 'email'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] }, sort: { field: 'lastName', direction: 'asc' } };

    const personal = await owner.client.post(api(owner, '/views'), { name: 'My leads', definition });
    expect(personal.statusCode, personal.body).toBe(201);
    expect(personal.json()).toMatchObject({ name: 'My leads', shared: false, canEdit: true, object: 'contacts', definition });
    const shared = (await make(owner.client, owner, '/views', { name: 'Team leads', shared: true, definition })).id;

    const staffList = (await staff.client.get(api(owner, '/views?object=contacts'))).json().views;
    expect(staffList.map((v: { name: string; canEdit: boolean }) => [v.name, v.canEdit])).toEqual([['Team leads', false]]);
    // Another member's personal view does not exist for them.
    expect((await staff.client.patch(api(owner, `/views/${personal.json().id}`), { name: 'Mine now' })).statusCode).toBe(404);
    expect((await staff.client.delete(api(owner, `/views/${personal.json().id}`))).statusCode).toBe(404);
    // Staff cannot change a shared view they did not make; an admin can.
    const refused = await staff.client.patch(api(owner, `/views/${shared}`), { name: 'Renamed' });
    expect(refused.statusCode).toBe(403);
    expect((await staff.client.delete(api(owner, `/views/${shared}`))).statusCode).toBe(403);
    const renamed = await admin.client.patch(api(owner, `/views/${shared}`), { name: 'Hot team leads', definition: { ...definition, columns: ['name'] } });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Hot team leads', canEdit: true, definition: { columns: ['name'] } });

    // Staff make and share their own, and may change it.
    const staffView = (await make(staff.client, owner, '/views', { name: 'Staff view', shared: true, definition })).id;
    expect((await staff.client.patch(api(owner, `/views/${staffView}`), { shared: false })).statusCode).toBe(200);
    expect((await owner.client.get(api(owner, '/views'))).json().views.map((v: { name: string }) => v.name)).toEqual(['Hot team leads', 'My leads']);

    // Names are unique per creator and object; the same name is fine for someone else.
    const dup = await owner.client.post(api(owner, '/views'), { name: 'My leads', definition });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().error.details.fields).toEqual({ name: expect.any(String) });
    expect((await staff.client.post(api(owner, '/views'), { name: 'My leads', definition })).statusCode).toBe(201);
    // The definition is checked against the workspace's fields.
    const unknown = await owner.client.post(api(owner, '/views'), { name: 'Broken', definition: { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'custom.ghost', op: 'is_empty' }] } } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.fields).toEqual({ 'definition.filter.conditions.0.field': expect.stringContaining('custom.ghost') });

    expect((await owner.client.delete(api(owner, `/views/${personal.json().id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, '/views'))).json().views.map((v: { name: string }) => v.name)).toEqual(['Hot team leads']);
  });

  it('CRM-6 the fields of a view include custom fields typed by their definition, with their operators', async () => {
    const { owner } = await crmWorkspace();
    const res = await owner.client.get(api(owner, '/views/fields?object=contacts'));
    expect(res.statusCode).toBe(200);
    const fields = res.json().fields as { key: string; kind: string; ops: string[]; options?: string[] }[];
    expect(fields.find((f) => f.key === 'custom.industry')).toMatchObject({ kind: 'enum', options: ['retail', 'health'], ops: expect.arrayContaining(['eq', 'in']) });
    expect(fields.find((f) => f.key === 'custom.budget')).toMatchObject({ kind: 'number', ops: expect.arrayContaining(['gt', 'between']) });
    expect(fields.find((f) => f.key === 'tags')).toMatchObject({ kind: 'tags', ops: ['has_any', 'has_all', 'has_none', 'is_empty', 'is_not_empty'] });
    expect(fields.find((f) => f.key === 'lastActivityAt')).toMatchObject({ ops: expect.arrayContaining(['older_than_days']) });
  });
});
