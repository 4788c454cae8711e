import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startFake } from '../../../../test/fakes/harness';
import { FakeMeta } from '../../../../test/fakes/meta';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { until } from '../../../../test/helpers/wait';
import { startInboundSmtp, type InboundSmtp } from './inbound-smtp';

let server: TestServer;
let ai: FakeAi;
let wa: FakeMeta;
let receiver: InboundSmtp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let hook: string;
let address: string;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const inbox = async (channel: string) => (await owner.client.get(api(`/conversations?channel=${channel}`))).json().items as { id: string; visitorName: string | null; visitorEmail: string | null; contactId: string | null }[];
const detail = async (id: string) => (await owner.client.get(api(`/conversations/${id}`))).json();
const finish = (summary: string) => ({ toolCalls: [{ name: 'finish', input: { summary, findings: [] } }] });
const closer = (contactId: string) => owner.client.post(api('/agents/closer/runs'), { task: 'follow_up', subject: { type: 'contacts', id: contactId } });
const pendingMessage = async () => (await owner.client.get(api('/approvals'))).json().items.find((p: { kind: string }) => p.kind === 'send_message');
const waPosts = () => wa.calls(`/v21.0/${wa.phoneNumberId}/messages`, 'POST').length;
const externalId = (messageId: string) =>
  until(async () => (await server.services.database.system.execute(sql`SELECT external_id FROM conversation_messages WHERE id = ${messageId}`)).rows[0]?.external_id as string | null, 'the channel to take the message');

let priya: { conversationId: string; contactId: string };
let rita: { conversationId: string; contactId: string };

beforeAll(async () => {
  ai = await startFakeAi();
  wa = await startFake(new FakeMeta());
  server = await startTestServer({ WHATSAPP_GRAPH_URL: wa.url, WHATSAPP_GRAPH_VERSION: 'v21.0', INBOUND_MAIL_DOMAIN: 'in.kestrel.test', AI_RETRY_BASE_MS: '5' });
  receiver = await startInboundSmtp(server.services, { port: 0, host: '127.0.0.1' });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  expect((await owner.client.request('PUT', api('/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-agent-messages-0123456789', baseUrl: ai.baseUrl })).statusCode).toBe(200);
  const put = await owner.client.patch(api('/channel-settings'), { whatsapp: { phoneNumberId: wa.phoneNumberId, businessAccountId: wa.wabaId, accessToken: wa.token, appSecret: wa.appSecret, verifyToken: 'verify-me-0123456789' } });
  expect(put.statusCode, put.body).toBe(200);
  hook = `${server.url}${new URL(put.json().whatsapp.webhookUrl).pathname}`;
  address = put.json().email.inboundAddress;
  expect((await wa.inbound(hook, { from: '31612345678', name: 'Priya Shah', text: 'Do you deliver wedding cakes?' })).status).toBe(200);
  const [w] = await inbox('whatsapp');
  priya = { conversationId: w!.id, contactId: w!.contactId! };
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
  await mailer.sendMail({ from: 'Rita Rivera <rita@customer.test>', to: address, subject: 'Catering for 40', text: 'Could you cater a lunch for 40 people?' });
  const [e] = await until(() => inbox('email').then((x) => x.length > 0 && x), 'the email conversation');
  const found = (await owner.client.get(api('/contacts?q=rita@customer.test'))).json();
  rita = { conversationId: e!.id, contactId: e!.contactId ?? found.items[0].id };
  expect(priya.contactId && rita.contactId).toBeTruthy();
}, 300_000);
afterAll(() => receiver?.close());
beforeEach(() => ai.reset());

describe('agent-written messages on channels', () => {
  it('AI-5 CONV-6 a WhatsApp message Closer writes waits for approval: nothing leaves until a person approves it, then it goes out through the channel marked as the agent’s', async () => {
    ai.reply({ toolCalls: [{ name: 'propose_message', input: { contactId: priya.contactId, channel: 'whatsapp', body: 'Hi Priya, yes: we deliver within 30 km. Shall I send the wedding menu?', rationale: 'She asked about delivery' } }] }, finish('Drafted a reply.'));
    const before = waPosts();
    const run = await closer(priya.contactId);
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json().status).toBe('succeeded');
    const proposal = await pendingMessage();
    expect(proposal).toMatchObject({ agent: 'closer', status: 'pending', payload: { conversationId: priya.conversationId, channel: 'whatsapp' }, records: [{ type: 'contacts', id: priya.contactId }] });
    expect(ai.requests[1]!.raw).toContain('waits in the approvals inbox');
    expect(waPosts()).toBe(before);
    expect((await detail(priya.conversationId)).messages.some((m: { body: string }) => m.body.includes('we deliver within 30 km'))).toBe(false);

    const approved = await owner.client.post(api(`/approvals/${proposal.id}/approve`), {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', result: { conversationId: priya.conversationId, channel: 'whatsapp' } });
    const messageId = approved.json().result.messageId;
    const wamid = await externalId(messageId);
    expect(wa.sent.find((s) => s.id === wamid)).toMatchObject({ to: '31612345678', type: 'text', body: { text: { body: 'Hi Priya, yes: we deliver within 30 km. Shall I send the wedding menu?' } } });
    const m = (await detail(priya.conversationId)).messages.find((x: { id: string }) => x.id === messageId);
    expect(m).toMatchObject({ author: 'staff', authorUserId: owner.userId, deliveryStatus: 'queued', meta: { agent: { name: 'closer', proposalId: proposal.id, autopilot: false } } });
    const audit = (await owner.client.get(api('/audit?action=agent.proposal_approved'))).json();
    expect(audit.entries.some((e: { targetId: string }) => e.targetId === proposal.id)).toBe(true);
  });

  it('AI-5 CONV-6 an email reply Closer writes: rejected, nothing is sent; approved, it leaves in the customer’s thread', async () => {
    const draft = (body: string) => ({ toolCalls: [{ name: 'propose_message', input: { contactId: rita.contactId, channel: 'email', body, rationale: 'Answer the catering question' } }] });
    ai.reply(draft('Hi Rita, we would love to. Rejected draft.'), finish('Drafted.'));
    await closer(rita.contactId);
    const first = await pendingMessage();
    const rejected = await owner.client.post(api(`/approvals/${first.id}/reject`), { note: 'Wrong tone' });
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
    expect((await detail(rita.conversationId)).messages.some((m: { body: string }) => m.body.includes('Rejected draft'))).toBe(false);

    ai.reply(draft('Hi Rita, yes we can cater lunch for 40. Any dietary needs?'), finish('Drafted.'));
    await closer(rita.contactId);
    const second = await pendingMessage();
    const approved = await owner.client.post(api(`/approvals/${second.id}/approve`), { payload: { body: 'Hi Rita, yes we can cater lunch for 40. Any allergies we should know of?' } });
    expect(approved.statusCode, approved.body).toBe(200);
    const mail = await server.smtp.waitForMail('rita@customer.test');
    expect(mail.subject).toBe('Re: Catering for 40');
    expect(mail.text).toContain('Any allergies we should know of?');
    expect(mail.text).not.toContain('Rejected draft');
    expect(mail.headers.get('in-reply-to')).toBeTruthy();
    // Sent once the mail server took it (CONV-6).
    await vi.waitFor(async () => {
      const msgs = (await detail(rita.conversationId)).messages;
      expect(msgs.filter((m: { author: string }) => m.author === 'staff')).toMatchObject([{ deliveryStatus: 'sent', meta: { subject: 'Re: Catering for 40', agent: { name: 'closer', proposalId: second.id } } }]);
    }, { timeout: 10_000, interval: 100 });
  });

  it('AI-5 with autopilot on for Closer its WhatsApp message is sent at once; a restricted contact is never written to', async () => {
    expect((await owner.client.request('PUT', api('/agents/settings'), { autopilot: ['closer'], weeklyBrief: false })).statusCode).toBe(200);
    try {
      ai.reply({ toolCalls: [{ name: 'propose_message', input: { contactId: priya.contactId, channel: 'whatsapp', body: 'The menu is on its way, Priya!', rationale: 'Follow up' } }] }, finish('Sent.'));
      await closer(priya.contactId);
      const done = (await owner.client.get(api('/approvals?status=approved'))).json().items.find((p: { payload: { body?: string } }) => p.payload.body === 'The menu is on its way, Priya!');
      expect(done).toMatchObject({ autopilot: true, status: 'approved', kind: 'send_message' });
      const wamid = await externalId(done.result.messageId);
      expect(wa.sent.find((s) => s.id === wamid)!.body.text.body).toBe('The menu is on its way, Priya!');
      expect(ai.requests[1]!.raw).toContain('Autopilot is on');

      // A restricted contact is never written to, autopilot or not.
      await server.services.database.system.execute(sql`UPDATE contacts SET restricted = true WHERE id = ${rita.contactId}`);
      ai.reply({ toolCalls: [{ name: 'propose_message', input: { contactId: rita.contactId, channel: 'email', body: 'Hello again', rationale: 'x' } }] }, finish('Could not.'));
      const before = server.smtp.messages.length;
      await closer(priya.contactId);
      const sentToRita = (await owner.client.get(api('/approvals?status=approved'))).json().items.filter((p: { payload: { body?: string } }) => p.payload.body === 'Hello again');
      expect(sentToRita).toEqual([]);
      expect(server.smtp.messages.length).toBe(before);
      expect((await detail(rita.conversationId)).messages.some((m: { body: string }) => m.body === 'Hello again')).toBe(false);
    } finally {
      await owner.client.request('PUT', api('/agents/settings'), { autopilot: [], weeklyBrief: false });
    }
  });
});
