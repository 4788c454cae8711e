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
}
const stageNamed = (stages: Stage[], name: string) => stages.find((s) => s.name === name)!;

describe('pipelines and deals', () => {
  it('CRM-3 a workspace starts with a Sales pipeline of ordered stages, made once even when asked for at the same time', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? staff : owner).client.get(api(owner, '/pipelines'))));
    for (const res of answers) expect(res.statusCode).toBe(200);
    const { pipelines } = answers[0]!.json();
    expect(pipelines).toHaveLength(1);
    expect(pipelines[0].name).toBe('Sales');
    expect(pipelines[0].stages.map((s: Stage) => [s.name, s.probability, s.kind])).toEqual([
      ['Lead-in', 10, 'open'],
      ['Qualified', 25, 'open'],
      ['Proposal', 50, 'open'],
      ['Negotiation', 75, 'open'],
      ['Won', 100, 'won'],
      ['Lost', 0, 'lost'],
    ]);
    for (const res of answers) expect(res.json().pipelines.map((p: { id: string }) => p.id)).toEqual([pipelines[0].id]);
  });

  it('CRM-3 deals in several pipelines carry amount, currency, expected close, probability and owner; moving to won or lost closes them, lost with a reason', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const company = (await owner.client.post(api(owner, '/companies'), { name: 'Umbrella', domain: 'umbrella.test' })).json();
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Alice', emails: ['alice@umbrella.test'], companyId: company.id })).json();

    // A deal with no pipeline named starts in the first stage of the default pipeline.
    const created = await staff.client.post(api(owner, '/deals'), {
      name: 'Umbrella renewal',
      amount: 12000.5,
      expectedCloseDate: '2026-03-31',
      contactId: contact.id,
      companyId: company.id,
    });
    expect(created.statusCode).toBe(201);
    const deal = created.json();
    expect(deal).toMatchObject({
      name: 'Umbrella renewal',
      amount: '12000.50',
      currency: 'USD',
      expectedCloseDate: '2026-03-31',
      probability: 10,
      ownerUserId: staff.userId,
      status: 'open',
      closedAt: null,
      stage: { name: 'Lead-in', kind: 'open' },
      contact: { id: contact.id, firstName: 'Alice', email: 'alice@umbrella.test' },
      company: { id: company.id, name: 'Umbrella' },
      version: 1,
    });
    const sales = (await staff.client.get(api(owner, '/pipelines'))).json().pipelines[0];
    expect(deal.pipelineId).toBe(sales.id);

    const toProposal = await staff.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: stageNamed(sales.stages, 'Proposal').id, version: 1 });
    expect(toProposal.json()).toMatchObject({ stage: { name: 'Proposal' }, probability: 50, status: 'open', version: 2 });

    const lostNoReason = await staff.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: stageNamed(sales.stages, 'Lost').id, version: 2 });
    expect(lostNoReason.statusCode).toBe(400);
    expect(Object.keys(lostNoReason.json().error.details.fields)).toEqual(['lostReason']);
    const lost = await staff.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: stageNamed(sales.stages, 'Lost').id, version: 2, lostReason: 'Went with a competitor' });
    expect(lost.json()).toMatchObject({ status: 'lost', lostReason: 'Went with a competitor', probability: 0, version: 3 });
    expect(lost.json().closedAt).toEqual(expect.any(String));

    const won = await staff.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: stageNamed(sales.stages, 'Won').id, version: 3 });
    expect(won.json()).toMatchObject({ status: 'won', lostReason: null, probability: 100 });
    const reopened = await staff.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: stageNamed(sales.stages, 'Negotiation').id, version: 4 });
    expect(reopened.json()).toMatchObject({ status: 'open', closedAt: null });
    const stale = await staff.client.post(api(owner, `/deals/${deal.id}/move`), { stageId: stageNamed(sales.stages, 'Won').id, version: 4 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({ code: 'version_conflict', details: { current: { version: 5, stage: { name: 'Negotiation' } } } });

    // A second pipeline, made by a manager, in its own stage order and currency.
    expect((await staff.client.post(api(owner, '/pipelines'), { name: 'Partners', stages: [{ name: 'Intro' }] })).statusCode).toBe(403);
    const partners = await owner.client.post(api(owner, '/pipelines'), {
      name: 'Partners',
      stages: [{ name: 'Intro', probability: 5 }, { name: 'Pilot', probability: 40 }, { name: 'Signed', probability: 100, kind: 'won' }],
    });
    expect(partners.statusCode).toBe(201);
    expect(partners.json().stages.map((s: Stage & { position: number }) => [s.name, s.position])).toEqual([['Intro', 0], ['Pilot', 1], ['Signed', 2]]);
    expect((await owner.client.post(api(owner, '/pipelines'), { name: 'Partners', stages: [{ name: 'x' }] })).statusCode).toBe(409);
    const listed = (await staff.client.get(api(owner, '/pipelines'))).json().pipelines;
    expect(listed.map((p: { name: string }) => p.name)).toEqual(['Sales', 'Partners']);

    const pilot = stageNamed(partners.json().stages, 'Pilot');
    const partnerDeal = await staff.client.post(api(owner, '/deals'), { name: 'Reseller', pipelineId: partners.json().id, stageId: pilot.id, amount: '999.9', currency: 'eur', probability: 33 });
    expect(partnerDeal.json()).toMatchObject({ pipelineId: partners.json().id, stage: { name: 'Pilot' }, amount: '999.90', currency: 'EUR', probability: 33 });
    const mismatch = await staff.client.post(api(owner, '/deals'), { name: 'X', pipelineId: sales.id, stageId: pilot.id });
    expect(Object.keys(mismatch.json().error.details.fields)).toEqual(['stageId']);

    const byPipeline = (await staff.client.get(api(owner, `/deals?pipelineId=${partners.json().id}`))).json().items;
    expect(byPipeline.map((d: { name: string }) => d.name)).toEqual(['Reseller']);
    expect((await staff.client.get(api(owner, '/deals?status=open&q=umb'))).json().items.map((d: { id: string }) => d.id)).toEqual([deal.id]);
    expect((await staff.client.get(api(owner, `/deals?contactId=${contact.id}`))).json().items).toHaveLength(1);
  });

  it('CRM-3 a deal created straight into a lost stage needs the reason; edits keep the reason on lost deals only', async () => {
    const owner = await ownerWithWorkspace(server);
    const sales = (await owner.client.get(api(owner, '/pipelines'))).json().pipelines[0];
    const lostStage = stageNamed(sales.stages, 'Lost');
    expect((await owner.client.post(api(owner, '/deals'), { name: 'Gone', stageId: lostStage.id })).statusCode).toBe(400);
    const gone = (await owner.client.post(api(owner, '/deals'), { name: 'Gone', stageId: lostStage.id, lostReason: 'Budget' })).json();
    expect(gone).toMatchObject({ status: 'lost', lostReason: 'Budget' });
    const cleared = await owner.client.patch(api(owner, `/deals/${gone.id}`), { lostReason: null, version: 1 });
    expect(Object.keys(cleared.json().error.details.fields)).toEqual(['lostReason']);
    const open = (await owner.client.post(api(owner, '/deals'), { name: 'Open' })).json();
    const reasonOnOpen = await owner.client.patch(api(owner, `/deals/${open.id}`), { lostReason: 'x', version: 1 });
    expect(reasonOnOpen.statusCode).toBe(400);
    const renamed = await owner.client.patch(api(owner, `/deals/${open.id}`), { name: 'Open deal', amount: null, version: 1 });
    expect(renamed.json()).toMatchObject({ name: 'Open deal', amount: null, version: 2 });
  });

  it('CRM-3 bad input: amounts, dates, probabilities and unknown fields are refused naming the field', async () => {
    const owner = await ownerWithWorkspace(server);
    const res = await owner.client.post(api(owner, '/deals'), { name: 'X', amount: '12.345', expectedCloseDate: '31/03/2026', probability: 120, currency: 'dollars', status: 'won' });
    expect(res.statusCode).toBe(400);
    const fields = Object.keys(res.json().error.details.fields);
    for (const f of ['amount', 'expectedCloseDate', 'probability', 'currency']) expect(fields).toContain(f);
    expect(JSON.stringify(res.json().error.details.fields)).toContain('status');
    const badMove = await owner.client.post(api(owner, '/deals/01900000-0000-7000-8000-000000000000/move'), { stageId: '01900000-0000-7000-8000-000000000000', version: 1 });
    expect(badMove.statusCode).toBe(404);
    const noStages = await owner.client.post(api(owner, '/pipelines'), { name: 'Empty', stages: [] });
    expect(noStages.json().error.details.fields).toHaveProperty('stages');
  });

  it('CRM-3 WS-4 deleting a contact keeps its deals; deleting a deal is for managers and audited', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const contact = (await staff.client.post(api(owner, '/contacts'), { firstName: 'Zed' })).json();
    const deal = (await staff.client.post(api(owner, '/deals'), { name: 'Zed deal', contactId: contact.id })).json();
    expect((await owner.client.delete(api(owner, `/contacts/${contact.id}`))).statusCode).toBe(204);
    expect((await staff.client.get(api(owner, `/deals/${deal.id}`))).json()).toMatchObject({ contactId: null, contact: null, version: 2 });
    expect((await staff.client.delete(api(owner, `/deals/${deal.id}`))).statusCode).toBe(403);
    expect((await owner.client.delete(api(owner, `/deals/${deal.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, '/audit?action=deal.deleted'))).json().entries).toMatchObject([{ targetId: deal.id, details: { name: 'Zed deal' } }]);
  });
});
