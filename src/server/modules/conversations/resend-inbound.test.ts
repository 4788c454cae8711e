import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { Resend } from 'resend';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeResend } from '../../../../test/fakes/resend';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let resend: FakeResend;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let hook: string;
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const post = (raw: string, headers: Record<string, string>) => fetch(`${server.url}${hook}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
const inbox = async () => (await owner.client.get(api('/conversations?channel=email'))).json().items as { id: string; subject: string | null }[];
const detail = async (id: string) => (await owner.client.get(api(`/conversations/${id}`))).json();
const messageCount = async () => Number((await server.services.database.system.execute(sql`SELECT count(*) AS n FROM conversation_messages WHERE workspace_id = ${owner.workspaceId}`)).rows[0]!.n);

beforeAll(async () => {
  resend = await startFake(new FakeResend('re_inbound_key_123'));
  server = await startTestServer({ RESEND_BASE_URL: resend.url });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  const put = await owner.client.patch(api('/channel-settings'), { resend: { apiKey: resend.apiKey, webhookSecret: SECRET } });
  expect(put.statusCode, put.body).toBe(200);
  expect(put.json().email.resend).toMatchObject({ connected: true, hasApiKey: true, hasWebhookSecret: true });
  expect(put.body).not.toContain(resend.apiKey);
  expect(put.body).not.toContain(SECRET);
  hook = new URL(put.json().email.resend.webhookUrl).pathname;
}, 300_000);

describe('Resend inbound', () => {
  it("CONV-6 the fake speaks Resend Inbound as the official SDK reads it: the received email, its attachments, and a webhook the SDK's verifier accepts", async () => {
    const m = resend.receive(SECRET, { from: 'Rita <rita@customer.test>', to: ['hello@in.bakery.test'], subject: 'Hi', text: 'Hello', attachments: [{ filename: 'plan.txt', contentType: 'text/plain', content: Buffer.from('three tiers') }] });
    const sdk = new Resend(resend.apiKey, { baseUrl: resend.url });
    const { data, error } = await sdk.emails.receiving.get(m.emailId);
    expect(error).toBeNull();
    expect(data).toMatchObject({ id: m.emailId, from: 'Rita <rita@customer.test>', subject: 'Hi', text: 'Hello', message_id: m.messageId });
    const files = await sdk.emails.receiving.attachments.list({ emailId: m.emailId });
    expect(files.data?.data).toMatchObject([{ filename: 'plan.txt', size: 11 }]);
    expect(await (await fetch(files.data!.data[0]!.download_url)).text()).toBe('three tiers');
    const event = sdk.webhooks.verify({ payload: m.raw, headers: { id: m.headers['svix-id']!, timestamp: m.headers['svix-timestamp']!, signature: m.headers['svix-signature']! }, webhookSecret: SECRET });
    expect(event).toMatchObject({ type: 'email.received', data: { email_id: m.emailId } });
    expect(await sdk.emails.receiving.get('00000000-0000-4000-8000-000000000000')).toMatchObject({ data: null });
  });

  it('CONV-6 an email received by Resend lands in the inbox, read through its API; the reply threads by In-Reply-To; forged, stale and replayed webhooks store nothing more', async () => {
    const first = resend.receive(SECRET, { from: 'Rita Rivera <rita@customer.test>', to: ['hello@in.bakery.test'], subject: 'Wedding cake for 80 guests', text: 'Do you make three-tier wedding cakes?', html: '<p>Do you make <b>three-tier</b> wedding cakes?</p>' });
    const before = await messageCount();
    // Forged, unsigned and stale events: 401 and nothing stored.
    expect((await post(first.raw, { ...first.headers, 'svix-signature': `v1,${randomBytes(32).toString('base64')}` })).status).toBe(401);
    expect((await post(first.raw, {})).status).toBe(401);
    const stale = resend.receive(SECRET, { from: 'Rita Rivera <rita@customer.test>', to: ['hello@in.bakery.test'], subject: 'Old', text: 'Old news' }, new Date(Date.now() - 10 * 60_000));
    expect((await post(stale.raw, stale.headers)).status).toBe(401);
    expect(await messageCount()).toBe(before);

    const res = await post(first.raw, first.headers);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'stored' });
    expect(resend.calls(`/emails/receiving/${first.emailId}`, 'GET')[0]!.headers.authorization).toBe(`Bearer ${resend.apiKey}`);
    const conv = (await inbox()).find((c) => c.subject === 'Wedding cake for 80 guests')!;
    expect(conv).toBeTruthy();
    const d = await detail(conv.id);
    expect(d.visitor.email).toBe('rita@customer.test');
    expect(d.messages.map((m: { body: string }) => m.body)).toEqual(['Do you make three-tier wedding cakes?']);

    // The same delivery again (Resend retries): stored once.
    expect(await (await post(first.raw, first.headers)).json()).toEqual({ outcome: 'duplicate' });
    expect(await messageCount()).toBe(before + 1);

    // Her answer to the thread, under a new subject, threads by In-Reply-To.
    const reply = resend.receive(SECRET, { from: 'rita@customer.test', to: ['hello@in.bakery.test'], subject: 'Also: cupcakes?', text: 'And 40 cupcakes too, please.', headers: { 'in-reply-to': first.messageId, references: first.messageId } });
    expect(await (await post(reply.raw, reply.headers)).json()).toEqual({ outcome: 'stored' });
    expect((await detail(conv.id)).messages.map((m: { body: string }) => m.body)).toEqual(['Do you make three-tier wedding cakes?', 'And 40 cupcakes too, please.']);

    // Another event type is not an email: ignored, nothing stored.
    const other = resend.signedEvent(SECRET, { type: 'email.delivered', data: { email_id: 'x' } });
    expect(await (await post(other.raw, other.headers)).json()).toEqual({ outcome: 'ignored' });
  });

  it('INT-4 CONV-6 a correctly signed Resend inbound body of another shape is ignored or refused with a 4xx, never a 500, and nothing is stored', async () => {
    const before = await messageCount();
    const ev = (type: unknown, data: unknown) => ({ type, created_at: new Date().toISOString(), data });
    const bodies: [string, unknown][] = [
      ...oddBodies((data) => ev('email.received', data)),
      ['type a number', ev(5, { email_id: 'x' })],
      ['type an object', ev({ a: 1 }, { email_id: 'x' })],
      ['email id a number', ev('email.received', { email_id: 5 })],
      ['email id an object', ev('email.received', { email_id: { id: 'x' } })],
      ['email id 10,000 chars', ev('email.received', { email_id: LONG })],
      ['email id of the right form that Resend does not have', ev('email.received', { email_id: 'no-such-email-0001' })],
    ];
    await expectNever500(bodies, (raw) => {
      const signed = resend.signedRaw(SECRET, raw);
      return post(signed.raw, signed.headers).then(async (r) => ({ status: r.status, text: await r.text() }));
    });
    expect(await messageCount()).toBe(before);
  });
});
