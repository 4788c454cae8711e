import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
interface Stage {
  id: string;
  name: string;
  kind: string;
  probability: number;
  position: number;
}
const names = (p: { stages: Stage[] }) => p.stages.map((s) => s.name);

describe('pipeline and stage settings', () => {
  it('CRM-3 a manager renames a pipeline, adds, renames, reorders and removes stages; staff may not', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const sales = (await owner.client.get(api(owner, '/pipelines'))).json().pipelines[0];

    const renamed = await owner.client.patch(api(owner, `/pipelines/${sales.id}`), { name: 'New business' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().name).toBe('New business');

    const added = await owner.client.post(api(owner, `/pipelines/${sales.id}/stages`), { name: 'Demo', probability: 40, position: 2 });
    expect(added.statusCode).toBe(201);
    expect(names(added.json())).toEqual(['Lead-in', 'Qualified', 'Demo', 'Proposal', 'Negotiation', 'Won', 'Lost']);
    expect(added.json().stages.map((s: Stage) => s.position)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const demo = added.json().stages.find((s: Stage) => s.name === 'Demo');
    expect(demo).toMatchObject({ probability: 40, kind: 'open' });

    const changed = await owner.client.patch(api(owner, `/pipelines/${sales.id}/stages/${demo.id}`), { name: 'Product demo', probability: 45 });
    expect(changed.json().stages.find((s: Stage) => s.id === demo.id)).toMatchObject({ name: 'Product demo', probability: 45 });

    const order = [...changed.json().stages].reverse().map((s: Stage) => s.id);
    const reordered = await owner.client.request('PUT', api(owner, `/pipelines/${sales.id}/stage-order`), { stageIds: order });
    expect(reordered.statusCode).toBe(200);
    expect(reordered.json().stages.map((s: Stage) => s.id)).toEqual(order);
    // A list that leaves a stage out (say, one added meanwhile) is refused and changes nothing.
    const partial = await owner.client.request('PUT', api(owner, `/pipelines/${sales.id}/stage-order`), { stageIds: order.slice(1) });
    expect(partial.statusCode).toBe(400);
    expect(Object.keys(partial.json().error.details.fields)).toEqual(['stageIds']);

    const removed = await owner.client.delete(api(owner, `/pipelines/${sales.id}/stages/${demo.id}`));
    expect(removed.statusCode).toBe(200);
    expect(names(removed.json())).not.toContain('Product demo');
    expect(removed.json().stages.map((s: Stage) => s.position)).toEqual([0, 1, 2, 3, 4, 5]);

    // Staff work deals but do not reshape the pipeline.
    expect((await staff.client.patch(api(owner, `/pipelines/${sales.id}`), { name: 'Mine' })).statusCode).toBe(403);
    expect((await staff.client.post(api(owner, `/pipelines/${sales.id}/stages`), { name: 'Mine' })).statusCode).toBe(403);

    // Bad input names the field.
    const bad = await owner.client.post(api(owner, `/pipelines/${sales.id}/stages`), { name: ' ', probability: 140 });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.details.fields).sort()).toEqual(['name', 'probability']);
    // Pipeline names stay unique.
    await owner.client.post(api(owner, '/pipelines'), { name: 'Renewals', stages: [{ name: 'Due' }] });
    const clash = await owner.client.patch(api(owner, `/pipelines/${sales.id}`), { name: 'Renewals' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.details.fields).toEqual({ name: 'Already taken.' });
  });

  it('CRM-3 a stage holding deals keeps its kind and cannot be removed, so no deal is closed or orphaned behind anyone’s back', async () => {
    const owner = await ownerWithWorkspace(server);
    const sales = (await owner.client.get(api(owner, '/pipelines'))).json().pipelines[0];
    const qualified = sales.stages.find((s: Stage) => s.name === 'Qualified');
    const deal = await owner.client.post(api(owner, '/deals'), { name: 'Pump service', stageId: qualified.id });
    expect(deal.statusCode).toBe(201);

    const toWon = await owner.client.patch(api(owner, `/pipelines/${sales.id}/stages/${qualified.id}`), { kind: 'won' });
    expect(toWon.statusCode).toBe(409);
    expect(toWon.json().error).toMatchObject({ code: 'stage_in_use', details: { deals: 1 } });
    const del = await owner.client.delete(api(owner, `/pipelines/${sales.id}/stages/${qualified.id}`));
    expect(del.statusCode).toBe(409);
    expect((await owner.client.get(api(owner, `/deals/${deal.json().id}`))).json()).toMatchObject({ status: 'open', stage: { id: qualified.id } });
    // Renaming and probability are fine with deals inside.
    expect((await owner.client.patch(api(owner, `/pipelines/${sales.id}/stages/${qualified.id}`), { name: 'Qualified lead', probability: 30 })).statusCode).toBe(200);

    // The last stage of a pipeline stays.
    const solo = (await owner.client.post(api(owner, '/pipelines'), { name: 'Solo', stages: [{ name: 'Only' }] })).json();
    const last = await owner.client.delete(api(owner, `/pipelines/${solo.id}/stages/${solo.stages[0].id}`));
    expect(last.statusCode).toBe(409);
    expect(last.json().error.code).toBe('last_stage');
  });

  it('CRM-3 board totals count deals and sum amounts per stage and currency', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const sales = (await owner.client.get(api(owner, '/pipelines'))).json().pipelines[0];
    const [lead, qualified] = sales.stages as Stage[];
    await owner.client.post(api(owner, '/deals'), { name: 'A', amount: '100.10', stageId: lead!.id });
    await owner.client.post(api(owner, '/deals'), { name: 'B', amount: 200, stageId: lead!.id });
    await owner.client.post(api(owner, '/deals'), { name: 'C', amount: 50, currency: 'EUR', stageId: lead!.id });
    await owner.client.post(api(owner, '/deals'), { name: 'D', stageId: qualified!.id });
    const res = await staff.client.get(api(owner, `/pipelines/${sales.id}/totals`));
    expect(res.statusCode).toBe(200);
    const byStage = new Map(res.json().stages.map((s: { stageId: string }) => [s.stageId, s]));
    expect(byStage.get(lead!.id)).toEqual({
      stageId: lead!.id,
      count: 3,
      totals: [
        { currency: 'EUR', amount: '50.00' },
        { currency: 'USD', amount: '300.10' },
      ],
    });
    expect(byStage.get(qualified!.id)).toEqual({ stageId: qualified!.id, count: 1, totals: [{ currency: 'USD', amount: '0' }] });
    expect(res.json().stages).toHaveLength(sales.stages.length);
  });
});

describe('tag settings and the summary', () => {
  it('CRM-5 a manager renames, recolours and deletes a tag; records lose it and the deletion is audited', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const vip = (await owner.client.post(api(owner, '/tags'), { name: 'VIP' })).json();
    await owner.client.post(api(owner, '/tags'), { name: 'Cold' });
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Vera' })).json();
    await owner.client.post(api(owner, `/contacts/${contact.id}/tags`), { tagId: vip.id });

    const renamed = await owner.client.patch(api(owner, `/tags/${vip.id}`), { name: 'Key account', color: '#aa2288' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: vip.id, name: 'Key account', color: '#aa2288' });
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().tags).toEqual([{ id: vip.id, name: 'Key account', color: '#aa2288' }]);
    // Case does not make a new name.
    const clash = await owner.client.patch(api(owner, `/tags/${vip.id}`), { name: 'cold' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.details.fields).toEqual({ name: 'Already taken.' });
    const badColour = await owner.client.patch(api(owner, `/tags/${vip.id}`), { color: 'pink' });
    expect(badColour.statusCode).toBe(400);
    expect(Object.keys(badColour.json().error.details.fields)).toEqual(['color']);

    expect((await staff.client.delete(api(owner, `/tags/${vip.id}`))).statusCode).toBe(403);
    expect((await owner.client.delete(api(owner, `/tags/${vip.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, `/contacts/${contact.id}`))).json().tags).toEqual([]);
    expect((await owner.client.delete(api(owner, `/tags/${vip.id}`))).statusCode).toBe(404);
    const audit = (await owner.client.get(api(owner, '/audit?limit=50'))).json().entries;
    expect(audit.find((e: { action: string }) => e.action === 'tag.deleted')).toMatchObject({ targetId: vip.id, details: { name: 'Key account', records: 1 } });
  });

  it('CRM-1 CRM-2 CRM-3 the summary counts contacts, companies and open deals of this workspace only', async () => {
    const owner = await ownerWithWorkspace(server);
    const other = await ownerWithWorkspace(server, 'Other Co');
    await owner.client.post(api(owner, '/contacts'), { firstName: 'Ann' });
    await owner.client.post(api(owner, '/contacts'), { firstName: 'Bob' });
    await owner.client.post(api(owner, '/companies'), { name: 'Initech' });
    const won = (await owner.client.get(api(owner, '/pipelines'))).json().pipelines[0].stages.find((s: Stage) => s.kind === 'won');
    await owner.client.post(api(owner, '/deals'), { name: 'Open one' });
    await owner.client.post(api(owner, '/deals'), { name: 'Won one', stageId: won.id });
    await other.client.post(api(other, '/contacts'), { firstName: 'Zed' });
    const res = await owner.client.get(api(owner, '/crm/summary'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ contacts: { count: 2, capped: false }, companies: { count: 1, capped: false }, openDeals: { count: 1, capped: false } });
  });
});
