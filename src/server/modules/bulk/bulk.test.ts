import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, type TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;

/** Starts a bulk operation and polls it until its job has finished. */
async function runBulk(o: Owner, client: TestClient, body: object) {
  const res = await client.post(api(o, '/bulk-operations'), body);
  if (res.statusCode !== 202) return { res, op: null };
  let op = res.json();
  const seen = new Set<number>([op.done]);
  for (let i = 0; i < 300 && (op.status === 'queued' || op.status === 'running'); i++) {
    await new Promise((r) => setTimeout(r, 100));
    op = (await client.get(api(o, `/bulk-operations/${op.id}`))).json();
    seen.add(op.done);
  }
  return { res, op, seen };
}

async function contactsOf(o: Owner, n: number, extra: (i: number) => object = () => ({})) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await o.client.post(api(o, '/contacts'), { firstName: `P${i}`, ...extra(i) })).json().id);
  return ids;
}

const get = async (o: Owner, path: string) => (await o.client.get(api(o, path))).json();

describe('bulk actions', () => {
  it('CRM-9 tag, untag, assign and change lifecycle on a selection, as a job whose progress reaches done; audited once each', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const ids = await contactsOf(owner, 4);
    const tag = (await owner.client.post(api(owner, '/tags'), { name: 'Hot' })).json();

    const tagged = await runBulk(owner, owner.client, { object: 'contacts', action: { kind: 'tag', tagId: tag.id }, selection: { kind: 'ids', ids: ids.slice(0, 3) } });
    expect(tagged.res.statusCode).toBe(202);
    expect(tagged.op).toMatchObject({ status: 'done', total: 3, done: 3, failed: 0, object: 'contacts', selectionKind: 'ids' });
    for (const [i, id] of ids.entries()) expect((await get(owner, `/contacts/${id}`)).tags.map((t: { name: string }) => t.name)).toEqual(i < 3 ? ['Hot'] : []);

    const assigned = await runBulk(owner, owner.client, { object: 'contacts', action: { kind: 'assign', ownerUserId: staff.userId }, selection: { kind: 'ids', ids } });
    expect(assigned.op).toMatchObject({ status: 'done', total: 4, done: 4 });
    const first = await get(owner, `/contacts/${ids[0]}`);
    // A bulk change is a new version: an edit opened before it gets a 409 instead of overwriting.
    expect(first).toMatchObject({ ownerUserId: staff.userId, version: 2 });

    const lifecycle = await runBulk(owner, staff.client, { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'customer' }, selection: { kind: 'ids', ids: ids.slice(1) } });
    expect(lifecycle.op).toMatchObject({ status: 'done', total: 3, done: 3 });
    expect((await get(owner, `/contacts/${ids[0]}`)).lifecycle).toBe('lead');
    expect((await get(owner, `/contacts/${ids[3]}`)).lifecycle).toBe('customer');

    const untagged = await runBulk(owner, owner.client, { object: 'contacts', action: { kind: 'untag', tagId: tag.id }, selection: { kind: 'ids', ids } });
    expect(untagged.op).toMatchObject({ status: 'done', total: 4, done: 4 });
    expect((await get(owner, `/contacts/${ids[0]}`)).tags).toEqual([]);

    const audit = (await get(owner, '/audit?limit=100')).entries.filter((e: { action: string }) => e.action.startsWith('bulk.'));
    expect(audit.map((e: { action: string }) => e.action).sort()).toEqual(['bulk.assign', 'bulk.lifecycle', 'bulk.tag', 'bulk.untag']);
    expect(audit.find((e: { action: string }) => e.action === 'bulk.assign')).toMatchObject({
      actorUserId: owner.userId,
      targetType: 'bulk_operation',
      targetId: assigned.op.id,
      details: { object: 'contacts', total: 4, action: { kind: 'assign', ownerUserId: staff.userId }, selection: { kind: 'ids', count: 4 } },
    });
    const listed = (await get(owner, '/bulk-operations')).operations;
    expect(listed).toHaveLength(4);
  });

  it('CRM-9 a bulk change over a whole filtered view changes exactly the records the filter matches', async () => {
    const owner = await ownerWithWorkspace(server);
    const ids = await contactsOf(owner, 6, (i) => ({ city: i % 2 === 0 ? 'Austin' : 'Boston', postalCode: i < 3 ? '94107' : '10001' }));
    const view = {
      object: 'contacts',
      filter: {
        match: 'all',
        conditions: [
          { field: 'city', op: 'eq', value: 'Austin' },
          { field: 'postalCode', op: 'starts_with', value: '94' },
        ],
      },
    };
    const run = await runBulk(owner, owner.client, { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'prospect' }, selection: { kind: 'view', view } });
    expect(run.res.statusCode).toBe(202);
    expect(run.op).toMatchObject({ status: 'done', total: 2, done: 2, selectionKind: 'view' });
    const lifecycles = await Promise.all(ids.map(async (id) => (await get(owner, `/contacts/${id}`)).lifecycle));
    expect(lifecycles).toEqual(['prospect', 'lead', 'prospect', 'lead', 'lead', 'lead']);

    // A filter on an unknown field is refused before anything is recorded.
    const bad = await owner.client.post(api(owner, '/bulk-operations'), { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'customer' }, selection: { kind: 'view', view: { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'nope', op: 'eq', value: 1 }] } } } });
    expect(bad.statusCode).toBe(400);
    const wrongObject = await owner.client.post(api(owner, '/bulk-operations'), { object: 'deals', action: { kind: 'delete' }, selection: { kind: 'view', view } });
    expect(wrongObject.statusCode).toBe(400);
    expect((await get(owner, '/bulk-operations')).operations).toHaveLength(1);
  });

  it('CRM-9 changing the stage of deals in bulk follows the won/lost rules; a lost stage needs a reason', async () => {
    const owner = await ownerWithWorkspace(server);
    const { pipelines } = await get(owner, '/pipelines');
    const stages = pipelines[0].stages as { id: string; kind: string; name: string }[];
    const won = stages.find((s) => s.kind === 'won')!;
    const lost = stages.find((s) => s.kind === 'lost')!;
    const proposal = stages.find((s) => s.name === 'Proposal')!;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await owner.client.post(api(owner, '/deals'), { name: `D${i}`, amount: 100 })).json().id);

    const noReason = await owner.client.post(api(owner, '/bulk-operations'), { object: 'deals', action: { kind: 'stage', stageId: lost.id }, selection: { kind: 'ids', ids } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.fields['action.lostReason']).toBeDefined();
    expect((await owner.client.post(api(owner, '/bulk-operations'), { object: 'contacts', action: { kind: 'stage', stageId: won.id }, selection: { kind: 'ids', ids } })).statusCode).toBe(400);
    expect((await owner.client.post(api(owner, '/bulk-operations'), { object: 'deals', action: { kind: 'lifecycle', lifecycle: 'customer' }, selection: { kind: 'ids', ids } })).statusCode).toBe(400);

    expect((await runBulk(owner, owner.client, { object: 'deals', action: { kind: 'stage', stageId: won.id }, selection: { kind: 'ids', ids: ids.slice(0, 2) } })).op).toMatchObject({ status: 'done', done: 2 });
    const wonDeal = await get(owner, `/deals/${ids[0]}`);
    expect(wonDeal).toMatchObject({ status: 'won', stageId: won.id, probability: 100, lostReason: null });
    expect(wonDeal.closedAt).not.toBeNull();

    expect((await runBulk(owner, owner.client, { object: 'deals', action: { kind: 'stage', stageId: lost.id, lostReason: 'Budget cut' }, selection: { kind: 'ids', ids: ids.slice(1) } })).op).toMatchObject({ status: 'done', done: 2 });
    expect(await get(owner, `/deals/${ids[1]}`)).toMatchObject({ status: 'lost', lostReason: 'Budget cut' });
    expect(await get(owner, `/deals/${ids[2]}`)).toMatchObject({ status: 'lost', lostReason: 'Budget cut' });

    expect((await runBulk(owner, owner.client, { object: 'deals', action: { kind: 'stage', stageId: proposal.id }, selection: { kind: 'ids', ids } })).op).toMatchObject({ status: 'done', done: 3 });
    expect(await get(owner, `/deals/${ids[1]}`)).toMatchObject({ status: 'open', stageId: proposal.id, closedAt: null, lostReason: null, probability: 50 });
  });

  it('CRM-9 WS-2 bulk delete is for owners and admins; clients change nothing; deleted contacts leave their deals', async () => {
    const owner = await ownerWithWorkspace(server);
    const admin = await addMember(server, owner, 'admin');
    const staff = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    const ids = await contactsOf(owner, 3);
    const deal = (await owner.client.post(api(owner, '/deals'), { name: 'Keep me', contactId: ids[0] })).json();
    const body = { object: 'contacts', action: { kind: 'delete' }, selection: { kind: 'ids', ids } };

    expect((await staff.client.post(api(owner, '/bulk-operations'), body)).statusCode).toBe(403);
    expect((await client.client.post(api(owner, '/bulk-operations'), body)).statusCode).toBe(403);
    expect((await client.client.post(api(owner, '/bulk-operations'), { ...body, action: { kind: 'lifecycle', lifecycle: 'customer' } })).statusCode).toBe(403);
    expect((await get(owner, '/contacts')).items).toHaveLength(3);

    const run = await runBulk(owner, admin.client, { ...body, selection: { kind: 'ids', ids: ids.slice(0, 2) } });
    expect(run.op).toMatchObject({ status: 'done', total: 2, done: 2 });
    expect((await get(owner, '/contacts')).items.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
    expect(await get(owner, `/deals/${deal.id}`)).toMatchObject({ contactId: null, name: 'Keep me' });
    const audit = (await get(owner, '/audit?action=bulk.delete')).entries;
    expect(audit).toMatchObject([{ actorUserId: admin.userId, details: { object: 'contacts', total: 2 } }]);
  });

  it('CRM-9 WS-3 another workspace\'s ids are left untouched, and staff limited to their own records change only those', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const other = await ownerWithWorkspace(server);
    const [foreign] = await contactsOf(other, 1);
    const mine = (await staff.client.post(api(owner, '/contacts'), { firstName: 'Mine' })).json().id;
    const theirs = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Theirs' })).json().id;

    const cross = await runBulk(owner, owner.client, { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'churned' }, selection: { kind: 'ids', ids: [theirs, foreign] } });
    expect(cross.op).toMatchObject({ status: 'done', total: 1, done: 1 });
    expect((await get(other, `/contacts/${foreign}`)).lifecycle).toBe('lead');
    expect((await get(owner, `/contacts/${theirs}`)).lifecycle).toBe('churned');

    await owner.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: true });
    const restricted = await runBulk(owner, staff.client, { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'customer' }, selection: { kind: 'ids', ids: [mine, theirs] } });
    expect(restricted.op).toMatchObject({ status: 'done', total: 1, done: 1 });
    expect((await get(owner, `/contacts/${mine}`)).lifecycle).toBe('customer');
    expect((await get(owner, `/contacts/${theirs}`)).lifecycle).toBe('churned');
    const viewRun = await runBulk(owner, staff.client, { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'prospect' }, selection: { kind: 'view', view: { object: 'contacts' } } });
    expect(viewRun.op).toMatchObject({ status: 'done', total: 1 });
    expect((await get(owner, `/contacts/${theirs}`)).lifecycle).toBe('churned');

    // Another workspace's operation is not found.
    expect((await other.client.get(api(other, `/bulk-operations/${cross.op.id}`))).statusCode).toBe(404);
    expect((await other.client.get(api(owner, `/bulk-operations/${cross.op.id}`))).statusCode).toBe(404);
  });

  it('CRM-9 a large selection is worked through in batches with progress persisted along the way', async () => {
    const owner = await ownerWithWorkspace(server);
    const { sql } = await import('drizzle-orm');
    const { withTenant } = await import('../../platform/db/tenant');
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) =>
      tx.execute(sql`INSERT INTO contacts (workspace_id, id, first_name, city) SELECT ${owner.workspaceId}, gen_random_uuid(), 'B' || g, 'Austin' FROM generate_series(1, 1200) g`),
    );
    const run = await runBulk(owner, owner.client, { object: 'contacts', action: { kind: 'lifecycle', lifecycle: 'customer' }, selection: { kind: 'view', view: { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'city', op: 'eq', value: 'Austin' }] } } } });
    expect(run.op).toMatchObject({ status: 'done', total: 1200, done: 1200, failed: 0 });
    const left = await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) => tx.execute(sql`SELECT count(*)::int AS n FROM contacts WHERE lifecycle <> 'customer'`));
    expect(left.rows[0]).toEqual({ n: 0 });
  });
});
