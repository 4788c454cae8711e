import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startFakePdl, type FakePdl } from '../../../../test/fakes/pdl';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let fake: FakeAi;
let pdl: FakePdl;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let admin: Member;
let staff: Member;
let client: Member;
let other: Owner;

const PDL_KEY = 'pdl-live-key-0123456789-abcd';
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', input: { summary, findings: [] } }] });
const enrich = (contactId: string) => ({ toolCalls: [{ name: 'enrich_contact', input: { contactId } }] });
const toolNames = (i: number) => fake.requests[i]!.body.tools.map((t: { function: { name: string } }) => t.function.name);

async function setProvider(o: { client: Owner['client'] }, ws: { workspaceId: string }, body: Record<string, unknown> = {}) {
  return o.client.request('PUT', api(ws, '/data-provider'), { kind: 'people_data_labs', apiKey: PDL_KEY, baseUrl: pdl.url, ...body });
}

async function contact(o: Owner, body: Record<string, unknown>): Promise<string> {
  const res = await o.client.post(api(o, '/contacts'), body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

beforeAll(async () => {
  fake = await startFakeAi();
  pdl = await startFakePdl(PDL_KEY);
  server = await startTestServer({ AI_RETRY_BASE_MS: '5' });
  owner = await ownerWithWorkspace(server, 'Enrich Co');
  admin = await addMember(server, owner, 'admin');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  other = await ownerWithWorkspace(server, 'Other Enrich Co');
  for (const o of [owner, other]) {
    const res = await o.client.request('PUT', api(o, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-enrich-test-0123456789', baseUrl: fake.baseUrl });
    expect(res.statusCode, res.body).toBe(200);
  }
}, 300_000);

beforeEach(() => {
  fake.reset();
  pdl.reset();
});

describe('data provider settings', () => {
  it('AI-2 the data-provider key is sealed at rest, never returned or audited; only owners and admins manage it; another workspace cannot see it', async () => {
    for (const who of [staff, client]) {
      expect((await setProvider(who, owner)).statusCode).toBe(403);
      expect((await who.client.get(api(owner, '/data-provider'))).statusCode).toBe(403);
    }
    expect((await owner.client.get(api(owner, '/data-provider'))).json()).toEqual({ provider: null });
    const missingKey = await owner.client.request('PUT', api(owner, '/data-provider'), { kind: 'people_data_labs' });
    expect(missingKey.statusCode).toBe(400);
    expect(missingKey.json().error.details.fields.apiKey).toBeTruthy();

    const saved = await setProvider(owner, owner);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ kind: 'people_data_labs', baseUrl: pdl.url, apiKeySet: true, apiKeyLast4: 'abcd' });
    const read = await admin.client.get(api(owner, '/data-provider'));
    for (const body of [saved.body, read.body]) expect(body).not.toContain(PDL_KEY);

    const { rows } = await server.services.database.system.execute<{ api_key_sealed: string }>(sql`SELECT * FROM data_providers WHERE workspace_id = ${owner.workspaceId}`);
    expect(rows[0]!.api_key_sealed).toMatch(/^v1\.test1\./);
    expect(JSON.stringify(rows[0])).not.toContain(PDL_KEY);
    expect(server.services.secrets.box.open(rows[0]!.api_key_sealed, `data_provider:${owner.workspaceId}:api_key`)).toBe(PDL_KEY);
    // Bound to its workspace: the ciphertext does not open as another's.
    expect(() => server.services.secrets.box.open(rows[0]!.api_key_sealed, `data_provider:${other.workspaceId}:api_key`)).toThrow();
    const audit = await server.services.database.system.execute(sql`SELECT * FROM audit_log WHERE action LIKE 'data_provider.%'`);
    expect(audit.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.rows)).not.toContain(PDL_KEY);

    // Another workspace sees none of it, and cannot reach this workspace's.
    expect((await other.client.get(api(other, '/data-provider'))).json()).toEqual({ provider: null });
    expect((await other.client.get(api(owner, '/data-provider'))).statusCode).toBe(404);
    expect((await other.client.request('DELETE', api(owner, '/data-provider'))).statusCode).toBe(404);

    // An admin changes the address without re-entering the key; the stored key is kept.
    const moved = await admin.client.request('PUT', api(owner, '/data-provider'), { kind: 'people_data_labs', baseUrl: `${pdl.url}/` });
    expect(moved.json()).toMatchObject({ baseUrl: pdl.url, apiKeyLast4: 'abcd' });
    const tested = (await admin.client.post(api(owner, '/data-provider/test'))).json();
    expect(tested).toMatchObject({ ok: true, message: expect.stringContaining('the key works') });
    expect(pdl.requests.at(-1)!.headers['x-api-key']).toBe(PDL_KEY);
    expect(pdl.requests.at(-1)!.query.email).toBe('kestrel-connection-test@example.com');
    pdl.failNext(402);
    expect((await admin.client.post(api(owner, '/data-provider/test'))).json()).toMatchObject({ ok: false, message: expect.stringContaining('out of credits') });
  });

  it('AI-2 a wrong key is reported by "Test connection"; removing the provider removes the key', async () => {
    const ws = await ownerWithWorkspace(server, 'Removal Co');
    expect((await ws.client.post(api(ws, '/data-provider/test'))).json().error.code).toBe('data_provider_not_configured');
    expect((await setProvider(ws, ws, { apiKey: 'wrong-key-0123456789' })).statusCode).toBe(200);
    expect((await ws.client.post(api(ws, '/data-provider/test'))).json()).toMatchObject({ ok: false, message: expect.stringContaining('did not accept the API key') });
    expect((await ws.client.request('DELETE', api(ws, '/data-provider'))).statusCode).toBe(204);
    expect((await ws.client.get(api(ws, '/data-provider'))).json()).toEqual({ provider: null });
    const { rows } = await server.services.database.system.execute(sql`SELECT 1 FROM data_providers WHERE workspace_id = ${ws.workspaceId}`);
    expect(rows).toHaveLength(0);
  });
});

describe('Hunter enrichment', () => {
  // The owner's workspace has a data provider; the other workspace has none.
  beforeEach(async () => {
    expect((await setProvider(owner, owner)).statusCode).toBe(200);
  });

  it('AI-2 AI-5 Hunter looks a contact up through People Data Labs and proposes the update; approving it fills in the contact', async () => {
    const dana = await contact(owner, { firstName: 'Dana', lastName: 'Reyes', emails: ['dana@harborfreight.test'] });
    pdl.people.set('dana@harborfreight.test', {
      likelihood: 8,
      data: {
        full_name: 'Dana Reyes',
        job_title: 'VP Operations',
        job_company_name: 'Harbor Freightways',
        job_company_website: 'harborfreightways.com',
        location_locality: 'Austin',
        location_region: 'Texas',
        location_country: 'United States',
        linkedin_url: 'linkedin.com/in/danareyes',
        // Fields a plan may not see come back as `true`: never taken as facts.
        work_email: true,
      },
    });
    fake.reply(enrich(dana), finish('Enriched Dana Reyes.'));
    const res = await staff.client.post(api(owner, '/agents/hunter/runs'), { task: 'enrich', subject: { type: 'contacts', id: dana } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'succeeded', steps: 2 });
    expect(toolNames(0)).toContain('enrich_contact');
    // The look-up went to the data provider with the key and the contact's email.
    expect(pdl.requests).toHaveLength(1);
    expect(pdl.requests[0]!.headers['x-api-key']).toBe(PDL_KEY);
    expect(pdl.requests[0]!.query).toMatchObject({ email: 'dana@harborfreight.test' });
    // What was found went back to the model, with the proposal waiting.
    expect(fake.requests[1]!.raw).toContain('VP Operations');
    expect(fake.requests[1]!.raw).toContain('waits in the approvals inbox');
    const proposal = (await staff.client.get(api(owner, `/approvals?runId=${res.json().id}`))).json().items[0];
    expect(proposal).toMatchObject({
      kind: 'update_contact',
      status: 'pending',
      agent: 'hunter',
      payload: {
        contactId: dana,
        source: 'People Data Labs',
        likelihood: 8,
        changes: { title: 'VP Operations', city: 'Austin', state: 'Texas', country: 'United States', companyName: 'Harbor Freightways', companyDomain: 'harborfreightways.com', linkedinUrl: 'https://linkedin.com/in/danareyes' },
      },
    });
    // Nothing changed until a person approves.
    expect((await owner.client.get(api(owner, `/contacts/${dana}`))).json().title).toBeNull();
    const approved = await staff.client.post(api(owner, `/approvals/${proposal.id}/approve`), {});
    expect(approved.statusCode, approved.body).toBe(200);
    const after = (await owner.client.get(api(owner, `/contacts/${dana}`))).json();
    expect(after).toMatchObject({ title: 'VP Operations', city: 'Austin', state: 'Texas', country: 'United States', company: { name: 'Harbor Freightways', domain: 'harborfreightways.com' } });
    const notes = (await owner.client.get(api(owner, `/timeline?recordType=contacts&recordId=${dana}&kinds=note`))).json().items;
    expect(notes.some((n: { body: string }) => n.body.includes('https://linkedin.com/in/danareyes'))).toBe(true);
  });

  it('AI-5 with Hunter on autopilot the enrichment is applied at once, by phone, linking the company that has the domain', async () => {
    const existing = (await owner.client.post(api(owner, '/companies'), { name: 'Lakeside Logistics LLC', domain: 'lakeside.test' })).json();
    const sam = await contact(owner, { firstName: 'Sam', lastName: 'Ortiz', phones: ['+1 512 555 0142'] });
    pdl.people.set('+15125550142', { data: { job_title: 'Dispatcher', job_company_name: 'Lakeside Logistics', job_company_website: 'https://www.lakeside.test', location_locality: 'Round Rock' } });
    await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: ['hunter'], weeklyBrief: false });
    try {
      fake.reply(enrich(sam), finish('Done.'));
      const res = await owner.client.post(api(owner, '/agents/hunter/runs'), { task: 'enrich', subject: { type: 'contacts', id: sam } });
      expect(res.json().status, res.body).toBe('succeeded');
      expect(pdl.requests[0]!.query).toMatchObject({ phone: '+15125550142' });
      expect(fake.requests[1]!.raw).toContain('Autopilot is on');
      const after = (await owner.client.get(api(owner, `/contacts/${sam}`))).json();
      expect(after).toMatchObject({ title: 'Dispatcher', city: 'Round Rock', companyId: existing.id });
      const done = (await owner.client.get(api(owner, `/approvals?status=approved&runId=${res.json().id}`))).json().items[0];
      expect(done).toMatchObject({ kind: 'update_contact', autopilot: true });
    } finally {
      await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: [], weeklyBrief: false });
    }
  });

  it('PRIV-5 a contact restricted after Hunter proposed their enrichment is not enriched: approving the waiting proposal is refused and the record stays as it was', async () => {
    const ravi = await contact(owner, { firstName: 'Ravi', lastName: 'Later', emails: ['ravi@restrict-later.test'] });
    pdl.people.set('ravi@restrict-later.test', { likelihood: 8, data: { full_name: 'Ravi Later', job_title: 'Head of Sales', location_locality: 'Pune' } });
    fake.reply(enrich(ravi), finish('Proposed Ravi.'));
    const run = await owner.client.post(api(owner, '/agents/hunter/runs'), { task: 'enrich', subject: { type: 'contacts', id: ravi } });
    expect(run.statusCode, run.body).toBe(200);
    const proposal = (await owner.client.get(api(owner, `/approvals?runId=${run.json().id}`))).json().items[0];
    expect(proposal).toMatchObject({ kind: 'update_contact', status: 'pending' });
    const { version } = (await owner.client.get(api(owner, `/contacts/${ravi}`))).json();
    expect((await owner.client.patch(api(owner, `/contacts/${ravi}`), { restricted: true, version })).statusCode).toBe(200);
    const approved = await owner.client.post(api(owner, `/approvals/${proposal.id}/approve`), {});
    expect(approved.statusCode).toBe(400);
    expect(approved.json().error.code).toBe('contact_restricted');
    const after = (await owner.client.get(api(owner, `/contacts/${ravi}`))).json();
    expect(after).toMatchObject({ title: null, city: null, restricted: true });
  });

  it('AI-2 no match, provider refusals (401, 402, 429, 5xx), restricted and other-workspace contacts all come back to the model as clear answers, and nothing is proposed', async () => {
    const nobody = await contact(owner, { firstName: 'Nora', lastName: 'Nomatch', emails: ['nora@unknown.test'] });
    const hush = await contact(owner, { firstName: 'Priya', lastName: 'Hush', emails: ['priya@quiet.test'], restricted: true });
    const theirs = await contact(other, { firstName: 'Zed', emails: ['zed@elsewhere.test'] });
    pdl.failNext(401, 402, 429, 503);
    fake.reply(enrich(nobody), enrich(nobody), enrich(nobody), enrich(nobody), enrich(nobody), enrich(hush), enrich(theirs), finish('Could not enrich.'));
    const res = await owner.client.post(api(owner, '/agents/hunter/runs'), { task: 'fit', instructions: 'Enrich Nora first.' });
    expect(res.json()).toMatchObject({ status: 'succeeded', steps: 8 });
    const toolResult = (i: number) => {
      const messages = fake.requests[i]!.body.messages as { role: string; content: string }[];
      return messages.filter((m) => m.role === 'tool').at(-1)!.content;
    };
    expect(toolResult(1)).toContain('did not accept the API key (401)');
    expect(toolResult(2)).toContain('out of credits (402)');
    expect(toolResult(3)).toContain('limiting requests from this key (429)');
    expect(toolResult(4)).toContain('having trouble (HTTP 503)');
    expect(toolResult(5)).toContain('People Data Labs has no match for this contact');
    expect(toolResult(6)).toContain('restricted');
    expect(toolResult(7)).toContain('Contact not found');
    // The restricted and the other workspace's contacts were never sent to the provider.
    expect(pdl.requests.map((r) => r.query.email)).toEqual(Array(5).fill('nora@unknown.test'));
    expect(JSON.stringify(pdl.requests)).not.toContain('priya@quiet.test');
    expect((await owner.client.get(api(owner, `/approvals?runId=${res.json().id}`))).json().items).toHaveLength(0);
    expect((await owner.client.get(api(owner, `/contacts/${nobody}`))).json().title).toBeNull();
  });

  it('AI-2 AI-8 without a data provider Hunter is not offered enrich_contact and says a data-provider key is needed; the enrich task is refused with how to set one up', async () => {
    const nobody = await contact(other, { firstName: 'Ola', emails: ['ola@elsewhere.test'] });
    const refused = await other.client.post(api(other, '/agents/hunter/runs'), { task: 'enrich', subject: { type: 'contacts', id: nobody } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'data_provider_not_configured', message: expect.stringContaining('data-provider key') });
    const hunterTools = async (o: Owner) => (await o.client.get(api(o, '/agents'))).json().agents.find((a: { name: string }) => a.name === 'hunter').tools.map((t: { name: string }) => t.name);
    expect(await hunterTools(other)).not.toContain('enrich_contact');
    expect(await hunterTools(owner)).toContain('enrich_contact');

    fake.reply(finish('Enrichment needs a data-provider key: an owner or admin can add one in Settings.'));
    const res = await other.client.post(api(other, '/agents/hunter/runs'), { task: 'fit', instructions: 'Also enrich the contacts.' });
    expect(res.json().status).toBe('succeeded');
    expect(toolNames(0)).not.toContain('enrich_contact');
    expect(fake.requests[0]!.body.messages[0].content).toContain('Enrichment needs a data-provider key');
    // A model that calls it anyway gets no such tool, and nothing reaches the provider.
    fake.reply(enrich(nobody), finish('x'));
    await other.client.post(api(other, '/agents/hunter/runs'), { task: 'fit' });
    expect(fake.requests[2]!.raw).toContain('There is no tool called enrich_contact');
    expect(pdl.requests).toHaveLength(0);
  });
});
