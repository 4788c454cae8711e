import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startFakeAi, type FakeAi, type FakeRequest } from '../../../../test/fakes/ai';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { withTenant } from '../../platform/db/tenant';
import { suppressErased } from '../outreach';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
type Member = Awaited<ReturnType<typeof addMember>>;
let owner: Owner;
let admin: Member;
let staff: Member;
let client: Member;
let other: Owner;

interface Fixture {
  company: { id: string; name: string };
  contact: { id: string; email: string };
  deal: { id: string; name: string };
  stages: { id: string; name: string }[];
}
let acme: Fixture;
let secret: Fixture;

const KEY = 'sk-agents-test-0123456789';
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;

async function connect(o: Owner) {
  const res = await o.client.request('PUT', api(o, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: KEY, baseUrl: fake.baseUrl, prices: { 'gpt-4o-mini': { input: 1, output: 2 } } });
  expect(res.statusCode, res.body).toBe(200);
}

async function fixture(o: Owner, names: { company: string; first: string; last: string; email: string; deal: string; note: string }): Promise<Fixture> {
  const company = (await o.client.post(api(o, '/companies'), { name: names.company, state: 'TX', city: 'Austin' })).json();
  const contact = (await o.client.post(api(o, '/contacts'), { firstName: names.first, lastName: names.last, emails: [names.email], companyId: company.id, title: 'Head of Operations' })).json();
  const deal = (await o.client.post(api(o, '/deals'), { name: names.deal, amount: 24000, contactId: contact.id, companyId: company.id })).json();
  const meeting = await o.client.post(api(o, '/activities'), {
    kind: 'meeting',
    subject: 'Product demo',
    body: `<p>${names.note}</p>`,
    occurredAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
    meetingStartsAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
    links: [{ recordType: 'deals', recordId: deal.id }, { recordType: 'contacts', recordId: contact.id }],
  });
  expect(meeting.statusCode, meeting.body).toBe(201);
  const { pipelines } = (await o.client.get(api(o, '/pipelines'))).json();
  return { company, contact: { id: contact.id, email: names.email }, deal, stages: pipelines[0].stages };
}

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer({ AI_RETRY_BASE_MS: '5' });
  owner = await ownerWithWorkspace(server, 'Agents Inc');
  // MAIL-5, decision 022: a sales email carries the business's postal address.
  expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '4 Mill Lane, Austin TX 78701, USA' })).statusCode).toBe(200);
  admin = await addMember(server, owner, 'admin');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  other = await ownerWithWorkspace(server, 'Other Co');
  await connect(owner);
  await connect(other);
  acme = await fixture(owner, { company: 'Acme Tooling', first: 'Dana', last: 'Whitfield', email: 'dana@acme.test', deal: 'Acme rollout', note: 'Dana liked the scheduling board but worried about the price for 40 seats.' });
  secret = await fixture(other, { company: 'Hidden Widgets', first: 'Zed', last: 'Quill', email: 'zed@hidden.test', deal: 'Hidden Widgets expansion', note: 'Confidential: budget approved for 90k.' });
}, 300_000);

beforeEach(() => fake.reset());

const finish = (summary: string, findings: unknown[] = []) => ({ toolCalls: [{ name: 'finish', input: { summary, findings } }] });
/** What Kestrel sent the provider: everything but the (scripted) model's own turns, which echo its tool inputs. */
const allSent = () => fake.requests.map((r: FakeRequest) => JSON.stringify({ system: r.body.system, messages: r.body.messages.filter((m: { role: string }) => m.role !== 'assistant') })).join('\n');

async function run(who: { client: Owner['client'] }, agent: string, body: Record<string, unknown>, o: { workspaceId: string } = owner) {
  const res = await who.client.post(api(o, `/agents/${agent}/runs`), body);
  return res;
}

describe('agents', () => {
  it('AI-2 Closer on a deal reads its timeline, drafts a grounded follow-up through a typed tool, and answers in the validated shape; every step is recorded and audited', async () => {
    fake.reply(
      {
        toolCalls: [
          {
            name: 'propose_email',
            input: {
              contactId: acme.contact.id,
              dealId: acme.deal.id,
              subject: 'Pricing for 40 seats',
              body: 'Hi Dana,\n\nThanks for the demo on the scheduling board. Here is how 40 seats could work for you.\n\nCould we talk Thursday?',
              rationale: 'Dana raised price for 40 seats at the demo.',
            },
          },
        ],
      },
      finish('Send the pricing follow-up.', [{ title: 'Price objection after demo', detail: 'Answer with a 40-seat plan.', records: [`deals/${acme.deal.id}`, 'deals/01900000-0000-7000-8000-000000000000'] }]),
    );
    const res = await run(staff, 'closer', { task: 'next_step', subject: { type: 'deals', id: acme.deal.id } });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json();
    expect(result).toMatchObject({ status: 'succeeded', agent: 'closer', steps: 2, tokensIn: 24, tokensOut: 10 });
    // Grounded: the first request carried the deal and its timeline.
    expect(fake.requests[0]!.raw).toContain('Acme rollout');
    expect(fake.requests[0]!.raw).toContain('worried about the price for 40 seats');
    expect(fake.requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('propose_email');
    // The answer was validated; a citation of a record the agent never read is dropped.
    expect(result.result.findings[0].records).toEqual([`deals/${acme.deal.id}`]);
    expect(result.records.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([acme.deal.id, acme.contact.id]));
    expect(result.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['step', 'call', 'tool', 'proposal']));
    // AI-4: both model calls are on record, linked to the run, with cost from the workspace's prices.
    const calls = (await owner.client.get(api(owner, '/ai/calls?feature=agent:closer'))).json().items;
    expect(calls).toHaveLength(2);
    expect(result.costUsd).toBeCloseTo((24 * 1 + 10 * 2) / 1_000_000, 10);
    // AI-5: the proposal waits; nothing was sent.
    const inbox = (await staff.client.get(api(owner, '/approvals'))).json();
    expect(inbox.pendingCount).toBe(1);
    expect(inbox.items[0]).toMatchObject({ kind: 'send_email', status: 'pending', agent: 'closer', rationale: expect.stringContaining('40 seats') });
    expect(server.smtp.mailsTo('dana@acme.test')).toHaveLength(0);
    const audit = (await owner.client.get(api(owner, '/audit?action=agent.tool_call'))).json();
    expect(audit.entries.some((e: { action: string; details: { tool: string } }) => e.action === 'agent.tool_call' && e.details.tool === 'propose_email')).toBe(true);
  });

  it('AI-5 approving an edited draft sends the edited email over SMTP and puts it on the timeline; a second decision is refused', async () => {
    fake.reply(
      { toolCalls: [{ name: 'propose_email', input: { contactId: acme.contact.id, dealId: acme.deal.id, subject: 'Quick follow-up', body: 'Hi Dana,\n\nDraft one.', rationale: 'Follow up' } }] },
      finish('Drafted.'),
    );
    await run(owner, 'closer', { task: 'follow_up', subject: { type: 'deals', id: acme.deal.id } });
    const proposal = (await owner.client.get(api(owner, '/approvals'))).json().items.find((p: { payload: { subject: string } }) => p.payload.subject === 'Quick follow-up');
    // Staff may not decide a proposal from a run someone else started; a client has no inbox at all.
    expect((await staff.client.post(api(owner, `/approvals/${proposal.id}/approve`), {})).statusCode).toBe(404);
    expect((await client.client.get(api(owner, '/approvals'))).statusCode).toBe(403);
    const bad = await admin.client.post(api(owner, `/approvals/${proposal.id}/approve`), { payload: { subject: '' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.subject).toBeTruthy();
    const approved = await admin.client.post(api(owner, `/approvals/${proposal.id}/approve`), { payload: { body: 'Hi Dana,\n\nEdited by a person before sending.' } });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', originalPayload: { body: 'Hi Dana,\n\nDraft one.' } });
    const mail = await server.smtp.waitForMail('dana@acme.test', (m) => m.subject === 'Quick follow-up');
    expect(mail.text).toContain('Edited by a person before sending.');
    expect(mail.text).not.toContain('Draft one');
    const timeline = (await owner.client.get(api(owner, `/timeline?recordType=deals&recordId=${acme.deal.id}&kinds=email`))).json();
    expect(timeline.items.some((i: { subject: string }) => i.subject === 'Quick follow-up')).toBe(true);
    const again = await owner.client.post(api(owner, `/approvals/${proposal.id}/reject`), {});
    expect(again.statusCode).toBe(409);
  });

  it('AI-7 an approved email to an address on the suppression list is not sent; the proposal shows why', async () => {
    const email = `gone${Date.now().toString(36)}@acme.test`;
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Gone', emails: [email] })).json();
    fake.reply({ toolCalls: [{ name: 'propose_email', input: { contactId: contact.id, subject: 'Checking in', body: 'Hi,\n\nChecking in.', rationale: 'Follow up' } }] }, finish('Drafted.'));
    await run(owner, 'closer', { task: 'follow_up', subject: { type: 'contacts', id: contact.id } });
    const proposal = (await owner.client.get(api(owner, '/approvals'))).json().items.find((p: { payload: { contactId?: string } }) => p.payload.contactId === contact.id);
    expect(proposal).toMatchObject({ kind: 'send_email', status: 'pending' });
    // The person asks to be erased after the draft was written: their address is suppressed.
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null, role: 'owner' } as never, (tx) => suppressErased(tx, owner.workspaceId, { emails: [email], phones: [] }));
    const approved = await owner.client.post(api(owner, `/approvals/${proposal.id}/approve`), {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'failed', error: expect.stringContaining('suppression list (erased)') });
    expect((await owner.client.get(api(owner, '/approvals?status=failed'))).json().items.map((p: { id: string }) => p.id)).toContain(proposal.id);
    expect(server.smtp.mailsTo(email)).toHaveLength(0);
  });

  it('AI-7 MAIL-5 an approved sales email carries the postal address and an opt-out (footer link, List-Unsubscribe one-click); after an unsubscribe the next one is not sent; without an address it is refused naming it', async () => {
    const email = `sales${Date.now().toString(36)}@acme.test`;
    const contact = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Sal', emails: [email] })).json();
    const propose = async (subject: string): Promise<string> => {
      fake.reply({ toolCalls: [{ name: 'propose_email', input: { contactId: contact.id, subject, body: 'Hi Sal,\n\nA quote for 40 seats.', rationale: 'Follow up' } }] }, finish('Drafted.'));
      await run(owner, 'closer', { task: 'follow_up', subject: { type: 'contacts', id: contact.id } });
      return (await owner.client.get(api(owner, '/approvals'))).json().items.find((p: { payload: { subject?: string } }) => p.payload.subject === subject).id;
    };
    const approve = (id: string) => owner.client.post(api(owner, `/approvals/${id}/approve`), {});
    const first = await propose('Your quote');
    // Drafted before the unsubscribe, approved after it.
    const second = await propose('One more thing');
    // No recorded marketing consent: a 1:1 sales mail is opt-out (CAN-SPAM), so it goes.
    expect((await approve(first)).json()).toMatchObject({ status: 'approved' });
    const mail = await server.smtp.waitForMail(email, (m) => m.subject === 'Your quote');
    const head = mail.raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
    const listUnsubscribe = /^List-Unsubscribe:[ \t]*(.*)$/im.exec(head)?.[1];
    expect(listUnsubscribe).toMatch(/^<https?:\/\/[^>]+\/api\/public\/outreach\/unsubscribe\/[^>]+>, <mailto:/);
    expect(head).toMatch(/^List-Unsubscribe-Post:[ \t]*List-Unsubscribe=One-Click/im);
    expect(mail.text).toContain('4 Mill Lane, Austin TX 78701, USA');
    expect(mail.text).toMatch(/This is a sales email from Agents Inc\. Don't want more\? Unsubscribe: \S+\/unsubscribe\//);
    expect(mail.text).not.toContain('agreed to hear from');

    // The recipient unsubscribes the way a mail client does; the next approved sales email is refused.
    const url = new URL(/^<([^>]+)>/.exec(listUnsubscribe!)![1]!);
    const res = await new TestClient(server.app).request('POST', url.pathname, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode, res.body).toBe(200);
    // The unsubscribe withdrew the contact's consent to be contacted: the approval is refused with that reason, nothing sent.
    const refusedAfter = await approve(second);
    expect(refusedAfter.statusCode, refusedAfter.body).toBeGreaterThanOrEqual(400);
    expect(refusedAfter.statusCode).toBeLessThan(500);
    expect(refusedAfter.json().error).toMatchObject({ code: 'cannot_email_contact', message: expect.stringContaining('withdrawn consent') });
    expect(server.smtp.mailsTo(email).filter((m) => m.subject === 'One more thing')).toHaveLength(0);

    // MAIL-5: without the postal address no sales email leaves, and the reason names what to fill in.
    const o2 = await ownerWithWorkspace(server, 'No Address Ltd');
    await connect(o2);
    const leeEmail = `lee${Date.now().toString(36)}@example.test`;
    const lead = (await o2.client.post(api(o2, '/contacts'), { firstName: 'Lee', emails: [leeEmail] })).json();
    fake.reply({ toolCalls: [{ name: 'propose_email', input: { contactId: lead.id, subject: 'Hello Lee', body: 'Hi Lee.', rationale: 'Intro' } }] }, finish('Drafted.'));
    await run(o2, 'closer', { task: 'follow_up', subject: { type: 'contacts', id: lead.id } }, o2);
    const p2 = (await o2.client.get(api(o2, '/approvals'))).json().items.find((p: { payload: { subject?: string } }) => p.payload.subject === 'Hello Lee');
    const refused = await o2.client.post(api(o2, `/approvals/${p2.id}/approve`), {});
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'postal_address_missing', details: { field: 'mailingAddress' }, message: expect.stringContaining('sales email must carry') });
    expect(server.smtp.mailsTo(leeEmail)).toHaveLength(0);
  });

  it('AI-5 a rejected proposal is never carried out; the rejection is audited', async () => {
    fake.reply({ toolCalls: [{ name: 'propose_deal_move', input: { dealId: acme.deal.id, stageId: acme.stages.find((s) => s.name === 'Proposal')!.id, rationale: 'Pricing sent' } }] }, finish('Move it.'));
    await run(staff, 'closer', { task: 'next_step', subject: { type: 'deals', id: acme.deal.id } });
    const proposal = (await staff.client.get(api(owner, '/approvals'))).json().items.find((p: { kind: string }) => p.kind === 'move_deal');
    const rejected = await staff.client.post(api(owner, `/approvals/${proposal.id}/reject`), { note: 'Too early' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', note: 'Too early' });
    const deal = (await owner.client.get(api(owner, `/deals/${acme.deal.id}`))).json();
    expect(deal.stage.name).toBe('Lead-in');
    const audit = (await owner.client.get(api(owner, '/audit?action=agent.proposal_rejected'))).json();
    expect(audit.entries.some((e: { targetId: string }) => e.targetId === proposal.id)).toBe(true);
  });

  it('AI-5 with autopilot on (owners and admins only) a proposal is carried out at once and marked so', async () => {
    expect((await staff.client.request('PUT', api(owner, '/agents/settings'), { autopilot: ['closer'], weeklyBrief: false })).statusCode).toBe(403);
    const on = await admin.client.request('PUT', api(owner, '/agents/settings'), { autopilot: ['closer'], weeklyBrief: false });
    expect(on.json()).toEqual({ autopilot: ['closer'], weeklyBrief: false });
    try {
      const tasks = { tasks: [{ title: 'Call Dana about seats', dueInDays: 2, recordType: 'deals', recordId: acme.deal.id }], rationale: 'Keep it moving' };
      fake.reply({ toolCalls: [{ name: 'propose_tasks', input: tasks }] }, finish('Task created.'));
      const res = await run(staff, 'closer', { task: 'next_step', subject: { type: 'deals', id: acme.deal.id } });
      expect(res.json().status).toBe('succeeded');
      const done = (await owner.client.get(api(owner, '/approvals?status=approved'))).json().items.find((p: { kind: string }) => p.kind === 'create_tasks');
      expect(done).toMatchObject({ autopilot: true, status: 'approved', decidedByUserId: null });
      const timeline = (await owner.client.get(api(owner, `/timeline?recordType=deals&recordId=${acme.deal.id}&kinds=task`))).json();
      expect(timeline.items.some((i: { subject: string }) => i.subject === 'Call Dana about seats')).toBe(true);
      // The tool told the model it was done, not that it waits.
      expect(fake.requests[1]!.raw).toContain('Autopilot is on');
    } finally {
      await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: [], weeklyBrief: false });
    }
  });

  it("WS-3 AI-2 a scripted model asking for another workspace's records gets nothing of them", async () => {
    fake.reply(
      { toolCalls: [{ id: 'a', name: 'get_record', input: { type: 'deals', id: secret.deal.id } }, { id: 'b', name: 'get_record', input: { type: 'contacts', id: secret.contact.id } }] },
      { toolCalls: [{ name: 'propose_email', input: { contactId: secret.contact.id, subject: 'Hi', body: 'Hello', rationale: 'x' } }] },
      { toolCalls: [{ name: 'find_records', input: { object: 'deals', conditions: [{ field: 'name', op: 'contains', value: 'Hidden' }] } }] },
      finish('Nothing found.'),
    );
    const res = await run(owner, 'closer', { task: 'next_step', subject: { type: 'deals', id: acme.deal.id } });
    expect(res.json().status).toBe('succeeded');
    const sent = allSent();
    for (const leak of ['Hidden Widgets', 'Zed', 'zed@hidden.test', 'budget approved']) expect(sent).not.toContain(leak);
    expect(fake.requests[1]!.raw).toContain('No deal with id');
    // The proposal for the other workspace's contact was refused, not created.
    expect((await other.client.get(api(other, '/approvals'))).json().pendingCount).toBe(0);
    expect(fake.requests[2]!.raw).toContain('Contact not found');
    // Starting a run on another workspace's deal is a 404, and another workspace cannot read this run.
    expect((await run(owner, 'closer', { task: 'next_step', subject: { type: 'deals', id: secret.deal.id } })).statusCode).toBe(404);
    expect((await other.client.get(api(other, `/agents/runs/${res.json().id}`))).statusCode).toBe(404);
  });

  it('AI-6 a restricted contact is absent from every request sent to the provider, even as a deal contact or in a timeline search', async () => {
    const company = (await owner.client.post(api(owner, '/companies'), { name: 'Quiet Corp' })).json();
    const hush = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Priya', lastName: 'Hushmore', emails: ['priya@quiet.test'], phones: ['+1 415 555 0199'], companyId: company.id, restricted: true })).json();
    const deal = (await owner.client.post(api(owner, '/deals'), { name: 'Quiet renewal', contactId: hush.id, companyId: company.id })).json();
    await owner.client.post(api(owner, '/activities'), { kind: 'note', subject: 'Demo follow-up', body: '<p>Priya Hushmore shared her home number.</p>', links: [{ recordType: 'contacts', recordId: hush.id }, { recordType: 'deals', recordId: deal.id }] });
    fake.reply(
      { toolCalls: [{ id: 'a', name: 'get_record', input: { type: 'contacts', id: hush.id } }, { id: 'b', name: 'search_records', input: { query: 'Hushmore' } }, { id: 'c', name: 'search_timeline', input: { query: 'demo' } }] },
      { toolCalls: [{ name: 'find_records', input: { object: 'contacts', conditions: [{ field: 'lastName', op: 'eq', value: 'Hushmore' }] } }] },
      { toolCalls: [{ name: 'propose_email', input: { contactId: hush.id, subject: 'Hi', body: 'Hello', rationale: 'x' } }] },
      finish('Done.'),
    );
    const res = await run(owner, 'closer', { task: 'next_step', subject: { type: 'deals', id: deal.id } });
    expect(res.json().status).toBe('succeeded');
    const sent = allSent();
    expect(fake.requests.length).toBe(4);
    for (const leak of ['Priya', 'Hushmore', 'priya@quiet.test', '555 0199', '4155550199', 'home number']) expect(sent).not.toContain(leak);
    expect(sent).toContain('Quiet renewal');
    expect(fake.requests[2]!.raw).toContain('restricted');
  });

  it('AI-6 with redaction on, emails and phone numbers in record context are replaced', async () => {
    await owner.client.request('PUT', api(owner, '/ai/settings'), { redactPii: true });
    try {
      fake.reply(finish('ok'));
      await run(owner, 'closer', { task: 'next_step', subject: { type: 'contacts', id: acme.contact.id } });
      expect(fake.requests[0]!.raw).toContain('Dana');
      expect(fake.requests[0]!.raw).not.toContain('dana@acme.test');
      expect(fake.requests[0]!.raw).toContain('[redacted]');
    } finally {
      await owner.client.request('PUT', api(owner, '/ai/settings'), { redactPii: false });
    }
  });

  it('AI-2 a run that keeps calling tools stops at the step limit; a bad tool input goes back to the model, not the database', async () => {
    fake.otherwise({ toolCalls: [{ name: 'find_records', input: { object: 'planets' } }] });
    const res = await run(owner, 'forge', { task: 'call_script', instructions: 'For plumbers' });
    expect(res.json()).toMatchObject({ status: 'failed', steps: 6, error: expect.stringContaining('6 steps') });
    expect(fake.requests[1]!.raw).toContain('The input is not valid');
  });

  it('AI-2 rate limits and server errors from the provider are retried with back-off inside a step', async () => {
    fake.reply({ status: 429, headers: { 'retry-after-ms': '10' } }, { status: 500 }, finish('Template ready.', [{ title: 'Subject: Hello {{first_name}}', detail: 'Body' }]));
    const res = await run(owner, 'forge', { task: 'email_template' });
    expect(res.json()).toMatchObject({ status: 'succeeded', result: { summary: 'Template ready.' } });
    const [call] = (await owner.client.get(api(owner, '/ai/calls?feature=agent:forge&limit=1'))).json().items;
    expect(call).toMatchObject({ attempts: 3, outcome: 'ok' });
  });

  it('AI-2 runs stream their steps as server-sent events, and Stop ends a run at its next step', async () => {
    fake.reply({ text: 'Looking at the pipeline first.', toolCalls: [{ name: 'pipeline_summary', input: {} }] }, finish('Forecast: 24,000 next month.'));
    const cookie = owner.client.cookie!;
    const res = await fetch(`${server.url}${api(owner, '/agents/strategist/runs')}`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': owner.client.csrf!, 'content-type': 'application/json', accept: 'text/event-stream', origin: server.url },
      body: JSON.stringify({ task: 'forecast' }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('run');
    expect(events).toContain('delta');
    expect(events).toContain('event');
    expect(events.at(-1)).toBe('done');
    expect(text).toContain('Looking at the pipeline');
    expect(fake.requests[1]!.raw).toContain('Lead-in');
    expect(events.filter((e) => e === 'done')).toHaveLength(1);

    // Stop, pressed while the model is thinking: the run ends before its next step.
    fake.reply(async () => {
      const [latest] = (await owner.client.get(api(owner, '/agents/runs?limit=1'))).json().items;
      expect((await owner.client.post(api(owner, `/agents/runs/${latest.id}/cancel`), {})).statusCode).toBe(200);
      return { toolCalls: [{ name: 'pipeline_summary', input: {} }] };
    }, finish('never reached'));
    const stopped = await run(owner, 'strategist', { task: 'pipeline_review' });
    expect(stopped.json()).toMatchObject({ status: 'cancelled', steps: 1, error: 'Stopped by a person.' });
    expect(fake.requests).toHaveLength(3);
  });

  it('AI-2 a background run (Recovery scan) is queued, run by a worker as the person who started it, and its outcome kept', async () => {
    fake.reply(
      { toolCalls: [{ name: 'find_records', input: { object: 'deals', conditions: [{ field: 'status', op: 'eq', value: 'open' }] } }] },
      finish('One stalled deal.', [{ title: 'Acme rollout has gone quiet', detail: 'No activity since the demo.', records: [`deals/${acme.deal.id}`] }]),
    );
    const queued = await staff.client.post(api(owner, '/agents/recovery/runs'), { task: 'scan' });
    expect(queued.statusCode, queued.body).toBe(202);
    const id = queued.json().id;
    await expect.poll(async () => (await staff.client.get(api(owner, `/agents/runs/${id}`))).json().status, { timeout: 60_000, interval: 500 }).toBe('succeeded');
    const done = (await staff.client.get(api(owner, `/agents/runs/${id}`))).json();
    expect(done.result.findings[0].records).toEqual([`deals/${acme.deal.id}`]);
    expect(fake.requests[1]!.raw).toContain('Acme rollout');
    const [call] = (await owner.client.get(api(owner, '/ai/calls?feature=agent:recovery&limit=1'))).json().items;
    expect(call.userId).toBe(staff.userId);
  });

  it('AI-2 bad requests get clear answers: unknown task, wrong subject, missing record', async () => {
    const unknown = await run(owner, 'closer', { task: 'teleport', subject: { type: 'deals', id: acme.deal.id } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details.fields.task).toMatch(/next_step/);
    const wrong = await run(owner, 'closer', { task: 'objections', subject: { type: 'contacts', id: acme.contact.id } });
    expect(wrong.statusCode).toBe(400);
    const missing = await run(owner, 'closer', { task: 'next_step', subject: { type: 'deals' } });
    expect(missing.statusCode).toBe(400);
    expect((await run(owner, 'wizard', { task: 'x' })).statusCode).toBe(400);
    expect((await client.client.post(api(owner, '/agents/closer/runs'), { task: 'next_step' })).statusCode).toBe(403);
  });

  it('AI-8 with no provider, agents answer how to connect one and nothing is recorded as run', async () => {
    const lone = await ownerWithWorkspace(server, 'No AI Ltd');
    const res = await lone.client.post(api(lone, '/agents/recovery/runs'), { task: 'scan' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'ai_not_configured', message: expect.stringContaining('Settings → AI') });
    expect((await lone.client.get(api(lone, '/agents/runs'))).json().items).toHaveLength(0);
    // The rest of the agents surface still works.
    expect((await lone.client.get(api(lone, '/agents'))).json().agents).toHaveLength(5);
    expect((await lone.client.get(api(lone, '/approvals'))).json().pendingCount).toBe(0);
  });

  it('AI-7 a personalised first email is written from the contact and company data, and waits for approval', async () => {
    fake.reply(
      { toolCalls: [{ name: 'propose_email', input: { contactId: acme.contact.id, subject: 'Scheduling for Austin crews', body: 'Hi Dana,\n\nAs Head of Operations at Acme Tooling in Austin…', rationale: 'First touch' } }] },
      finish('Drafted a first email.'),
    );
    const res = await run(owner, 'closer', { task: 'personal_email', subject: { type: 'contacts', id: acme.contact.id } });
    expect(res.json().status).toBe('succeeded');
    const first = fake.requests[0]!.raw;
    for (const fact of ['Dana Whitfield', 'Head of Operations', 'Acme Tooling', 'Austin']) expect(first).toContain(fact);
    const proposal = (await owner.client.get(api(owner, `/approvals?runId=${res.json().id}`))).json().items[0];
    expect(proposal).toMatchObject({ kind: 'send_email', status: 'pending', payload: { subject: 'Scheduling for Austin crews' } });
  });

  it('AI-2 the weekly brief runs on schedule for workspaces that turned it on, as a background Strategist run', async () => {
    const { weeklyBriefJob } = await import('./agent-run.job');
    await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: [], weeklyBrief: true });
    try {
      fake.otherwise(finish('Brief: one deal at risk.'));
      await weeklyBriefJob.run({}, server.services);
      await expect
        .poll(async () => (await owner.client.get(api(owner, '/agents/runs?agent=strategist&limit=5'))).json().items.find((r: { trigger: string }) => r.trigger === 'schedule')?.status, { timeout: 60_000, interval: 500 })
        .toBe('succeeded');
      // Another workspace did not turn it on: no brief there.
      expect((await other.client.get(api(other, '/agents/runs?agent=strategist'))).json().items).toHaveLength(0);
    } finally {
      await owner.client.request('PUT', api(owner, '/agents/settings'), { autopilot: [], weeklyBrief: false });
    }
  });
});
