import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startFakePdl, type FakePdl } from '../../../../test/fakes/pdl';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { withTenant } from '../../platform/db/tenant';
import { runModel } from '../ai/run-model';
import { grantCredits } from './credits';

const plans = { plans: [{ id: 'tiny', name: 'Tiny', priceMinor: 0, currency: 'USD', limits: { seats: 5, contacts: 100, ai_runs: 10 } }] };
const PDL_KEY = 'pdl-billing-key-0123456789';

let server: TestServer;
let ai: FakeAi;
let pdl: FakePdl;
beforeAll(async () => {
  ai = await startFakeAi();
  pdl = await startFakePdl(PDL_KEY);
  server = await startTestServer({ BILLING_ENABLED: 'true', BILLING_PLANS: JSON.stringify(plans), AI_PROVIDER: 'openai_compatible', AI_BASE_URL: ai.baseUrl, AI_MODEL: 'local-llama', AI_MAX_ATTEMPTS: '1' });
}, 120_000);

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const ctxOf = (o: Owner) => ({ workspaceId: o.workspaceId, userId: o.userId, role: 'owner' as const });
const credits = async (o: Owner) => (await o.client.get(`/api/workspaces/${o.workspaceId}/billing`)).json().credits.total;
const aiRunsUsed = async (o: Owner) => Number((await server.services.database.systemPool.query(`SELECT coalesce(sum(used), 0) AS n FROM billing_counters WHERE workspace_id = $1 AND metric = 'ai_runs'`, [o.workspaceId])).rows[0].n);
const entries = async (o: Owner, refType: string) =>
  (await server.services.database.systemPool.query<{ kind: string; amount: number; ref_id: string }>(`SELECT kind, amount, ref_id FROM credit_entries WHERE workspace_id = $1 AND ref_type = $2 AND account IN ('free', 'paid') ORDER BY created_at, kind`, [o.workspaceId, refType])).rows;
const call = (o: Owner) => runModel(server.services, ctxOf(o), { feature: 'test', messages: [{ role: 'user', content: 'Say OK.' }] });

describe('BILL-3 charging what was done', () => {
  it('BILL-3 BILL-1 an AI call the provider fails costs nothing: neither the month’s AI run nor a credit', async () => {
    const o = await ownerWithWorkspace(server, 'Failing AI Co');
    await call(o);
    expect(await aiRunsUsed(o)).toBe(1);
    ai.failNext(500);
    await expect(call(o)).rejects.toMatchObject({ statusCode: 502 });
    expect(await aiRunsUsed(o)).toBe(1);

    for (let i = 1; i < 10; i++) await call(o);
    expect(await aiRunsUsed(o)).toBe(10);
    await withTenant(server.services.database.db, ctxOf(o), (tx) => grantCredits(tx, o.workspaceId, 5));
    ai.failNext(500);
    await expect(call(o)).rejects.toMatchObject({ statusCode: 502 });
    expect(await credits(o)).toBe(5);
    expect((await entries(o, 'ai_call')).map((e) => [e.kind, Number(e.amount)])).toEqual([['consumption', -1], ['correction', 1]]);
    await call(o);
    expect(await credits(o)).toBe(4);
    // Spent per person and day counts only what was kept.
    const ledger = (await o.client.get(`/api/workspaces/${o.workspaceId}/billing/ledger`)).json();
    expect(ledger.spentByDay.filter((d: { refType: string }) => d.refType === 'ai_call').reduce((s: number, d: { credits: number }) => s + d.credits, 0)).toBe(1);
  }, 60_000);

  it('BILL-3 AI-2 a Hunter enrichment that finds the person costs one credit recorded with the contact; no match costs nothing; with no credits nothing is looked up', async () => {
    const o = await ownerWithWorkspace(server, 'Enrich Billing Co');
    const api = (p: string) => `/api/workspaces/${o.workspaceId}${p}`;
    expect((await o.client.request('PUT', api('/data-provider'), { kind: 'people_data_labs', apiKey: PDL_KEY, baseUrl: pdl.url })).statusCode).toBe(200);
    const contact = async (email: string) => (await o.client.post(api('/contacts'), { firstName: email.split('@')[0], emails: [email] })).json().id as string;
    const hunt = async (id: string) => {
      ai.reply({ toolCalls: [{ name: 'enrich_contact', input: { contactId: id } }] }, { toolCalls: [{ name: 'finish', input: { summary: 'done', findings: [] } }] });
      const res = await o.client.post(api('/agents/hunter/runs'), { task: 'enrich', subject: { type: 'contacts', id } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    // The agent's model calls use the plan's AI runs; only the look-ups spend credits here.
    await withTenant(server.services.database.db, ctxOf(o), (tx) => grantCredits(tx, o.workspaceId, 1));
    pdl.people.set('dana@billing.test', { likelihood: 8, data: { full_name: 'Dana Reyes', job_title: 'VP Operations' } });
    const dana = await contact('dana@billing.test');
    expect(await hunt(dana)).toMatchObject({ status: 'succeeded' });
    expect(await entries(o, 'enrichment')).toEqual([{ kind: 'consumption', amount: -1, ref_id: dana }]);
    expect(await credits(o)).toBe(0);

    // No credits left: the look-up is not made and the agent is told why.
    const before = pdl.requests.length;
    const ola = await contact('ola@billing.test');
    await hunt(ola);
    expect(pdl.requests.length).toBe(before);
    expect(ai.requests.at(-1)!.raw).toContain('This needs 1 credit');

    // No match: the reserved credit comes back.
    await withTenant(server.services.database.db, ctxOf(o), (tx) => grantCredits(tx, o.workspaceId, 1));
    await hunt(ola);
    expect(pdl.requests.length).toBe(before + 1);
    expect((await entries(o, 'enrichment')).filter((e) => e.ref_id === ola).map((e) => [e.kind, Number(e.amount)])).toEqual([['consumption', -1], ['correction', 1]]);
    expect(await credits(o)).toBe(1);
  }, 90_000);
});
