import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeResend } from '../../../../test/fakes/resend';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { SmtpSink } from '../../../../test/helpers/smtp-sink';

/**
 * What the sending-accounts and templates screens stand on (issue 17, scope 10): change an account,
 * make it a stream's default, send a test; a template edited, flagged marketing or transactional,
 * and previewed as a draft for a real contact exactly as the send path would see it.
 */
let server: TestServer;
let first: SmtpSink;
let second: SmtpSink;
let resend: FakeResend;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

beforeAll(async () => {
  resend = await startFake(new FakeResend('re_workspace_key_9f3Q'));
  first = new SmtpSink();
  second = new SmtpSink();
  await first.start();
  await second.start();
  server = await startTestServer({ RESEND_BASE_URL: resend.url });
  owner = await ownerWithWorkspace(server, 'Harbour Bakery');
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '12 Quay Street, Portsmouth PO1 2AB, UK' });
}, 300_000);
afterAll(async () => {
  await first?.stop();
  await second?.stop();
});

async function contact(fields: Record<string, unknown>, consent = true) {
  const email = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
  const id = (await owner.client.post(api('/contacts'), { emails: [email], ...fields })).json().id as string;
  if (consent) await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'shop sign-up form' });
  return { id, email };
}

const smtpAccount = (sink: SmtpSink, fromAddress: string, extra: Record<string, unknown> = {}) => ({ kind: 'smtp', fromName: 'Harbour Bakery', fromAddress, smtpHost: '127.0.0.1', smtpPort: sink.port, ...extra });

describe('sending accounts screen', () => {
  it('MAIL-1 an account made the default of the marketing stream sends marketing mail; the one before gives way; staff may not change accounts', async () => {
    const a = (await owner.client.post(api('/outreach/sending-accounts'), smtpAccount(first, 'news@harbour.example', { secret: 'first-password' }))).json();
    const b = (await owner.client.post(api('/outreach/sending-accounts'), smtpAccount(second, 'hello@harbour.example', { stream: 'transactional' }))).json();
    expect(a.defaultFor).toEqual([]);
    expect(a.secretHint).toBe('set');

    // b served transactional mail only: made the marketing default, it now serves both.
    const made = await owner.client.patch(api(`/outreach/sending-accounts/${b.id}`), { defaultFor: 'marketing', perMinute: 30, dailyCap: 500 });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json()).toMatchObject({ stream: 'both', defaultFor: ['marketing'], perMinute: 30, dailyCap: 500 });
    const c1 = await contact({ firstName: 'Cara' });
    expect((await owner.client.post(api('/outreach/send'), { contactId: c1.id, stream: 'marketing', subject: 'Spring menu', html: '<p>New loaves.</p>' })).statusCode).toBe(200);
    await second.waitForMail(c1.email);
    expect(first.mailsTo(c1.email)).toHaveLength(0);

    // a becomes the default: b gives way (one default per stream).
    expect((await owner.client.patch(api(`/outreach/sending-accounts/${a.id}`), { defaultFor: 'marketing' })).json().defaultFor).toEqual(['marketing']);
    const list = (await owner.client.get(api('/outreach/sending-accounts'))).json().items as { id: string; defaultFor: string[] }[];
    expect(list.find((x) => x.id === b.id)!.defaultFor).toEqual([]);
    const c2 = await contact({ firstName: 'Dan' });
    expect((await owner.client.post(api('/outreach/send'), { contactId: c2.id, stream: 'marketing', subject: 'Spring menu', html: '<p>New loaves.</p>' })).statusCode).toBe(200);
    await first.waitForMail(c2.email);
    expect(second.mailsTo(c2.email)).toHaveLength(0);

    const staff = await addMember(server, owner, 'staff');
    expect((await staff.client.patch(api(`/outreach/sending-accounts/${a.id}`), { dailyCap: 1 })).statusCode).toBe(403);
    expect((await staff.client.post(api(`/outreach/sending-accounts/${a.id}/test`), {})).statusCode).toBe(403);
    expect((await owner.client.patch(api(`/outreach/sending-accounts/${a.id}`), { perMinute: 0 })).statusCode).toBe(400);
    for (const id of [a.id, b.id]) await owner.client.delete(api(`/outreach/sending-accounts/${id}`));
  });

  it('MAIL-1 MAIL-4 marketing and transactional mail leave in separate streams through separate sending identities: the newsletter from news@, the receipt from hello@ without List-Unsubscribe', async () => {
    const a = (await owner.client.post(api('/outreach/sending-accounts'), smtpAccount(first, 'news@harbour.example', { stream: 'marketing' }))).json();
    const b = (await owner.client.post(api('/outreach/sending-accounts'), smtpAccount(second, 'hello@harbour.example', { stream: 'transactional' }))).json();
    expect((await owner.client.patch(api(`/outreach/sending-accounts/${a.id}`), { defaultFor: 'marketing' })).json()).toMatchObject({ stream: 'marketing', defaultFor: ['marketing'] });
    expect((await owner.client.patch(api(`/outreach/sending-accounts/${b.id}`), { defaultFor: 'transactional' })).json()).toMatchObject({ stream: 'transactional', defaultFor: ['transactional'] });
    const c = await contact({ firstName: 'Edda' });

    expect((await owner.client.post(api('/outreach/send'), { contactId: c.id, stream: 'marketing', subject: 'Harbour news', html: '<p>Rye is back.</p>' })).statusCode).toBe(200);
    expect((await owner.client.post(api('/outreach/send'), { contactId: c.id, stream: 'transactional', subject: 'Your order', html: '<p>Your loaf is ready.</p>' })).statusCode).toBe(200);
    const news = await first.waitForMail(c.email, (m) => m.subject === 'Harbour news');
    const receipt = await second.waitForMail(c.email, (m) => m.subject === 'Your order');
    expect(news.from).toContain('news@harbour.example');
    expect(news.raw).toMatch(/^List-Unsubscribe:/m);
    expect(receipt.from).toContain('hello@harbour.example');
    expect(receipt.raw).not.toMatch(/^List-Unsubscribe/m);
    // Each identity carried only its own stream.
    expect(first.mailsTo(c.email).map((m) => m.subject)).toEqual(['Harbour news']);
    expect(second.mailsTo(c.email).map((m) => m.subject)).toEqual(['Your order']);
    for (const id of [a.id, b.id]) await owner.client.delete(api(`/outreach/sending-accounts/${id}`));
  });

  it('MAIL-1 "Send a test" reaches the signed-in owner through the account; a server that cannot be reached is a 502 in words', async () => {
    const account = (await owner.client.post(api('/outreach/sending-accounts'), smtpAccount(first, 'test@harbour.example'))).json();
    const sent = await owner.client.post(api(`/outreach/sending-accounts/${account.id}/test`), {});
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().sentTo).toBe(owner.email);
    const mail = await first.waitForMail(owner.email, (m) => m.subject === 'Test from Harbour Bakery through Kestrel');
    expect(mail.raw).toMatch(/^From: Harbour Bakery <test@harbour\.example>/m);

    // A port nobody listens on.
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const dead = (await owner.client.post(api('/outreach/sending-accounts'), { ...smtpAccount(first, 'dead@harbour.example'), smtpPort: closed })).json();
    const failed = await owner.client.post(api(`/outreach/sending-accounts/${dead.id}/test`), { to: 'me@harbour.example' });
    expect(failed.statusCode).toBe(502);
    expect(failed.json().error.message).toMatch(/^The test could not be sent: .*ECONNREFUSED/);
    for (const id of [account.id, dead.id]) await owner.client.delete(api(`/outreach/sending-accounts/${id}`));
  });

  it('MAIL-1 SEC-2 a Resend key shows only its last four characters; the webhook secret only that it is set', async () => {
    const res = await owner.client.post(api('/outreach/sending-accounts'), { kind: 'resend', fromName: 'Harbour Bakery', fromAddress: 'news@fresh.example', secret: 're_workspace_key_9f3Q', webhookSecret: `whsec_${Buffer.from('a-signing-secret-of-32-bytes-long').toString('base64')}` });
    expect(res.statusCode, res.body).toBe(201);
    const body = JSON.stringify((await owner.client.get(api('/outreach/sending-accounts'))).json());
    expect(body).toContain('"secretHint":"…9f3Q"');
    expect(body).toContain('"webhookSecretSet":true');
    expect(body).not.toContain('re_workspace_key');
    expect(body).not.toContain('whsec_');
    await owner.client.delete(api(`/outreach/sending-accounts/${res.json().id}`));
  });
});

describe('templates screen', () => {
  it('MAIL-2 a draft previewed for a real contact has their values escaped and names the value that would block its send, with the send path’s own sentence', async () => {
    const company = (await owner.client.post(api('/companies'), { name: 'Crumbs & <Co>' })).json();
    const ada = await contact({ firstName: '<b>Ada</b>', companyId: company.id });
    const draft = { subject: 'Hello {{contact.firstName}}', html: '<p>Hi {{contact.firstName}} of {{company.name}}, as {{contact.title}}: {{contact.lastName | "friend"}}</p>' };
    const res = await owner.client.post(api('/outreach/template-preview'), { contactId: ada.id, ...draft });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.html).toContain('Hi &lt;b&gt;Ada&lt;/b&gt; of Crumbs &amp; &lt;Co&gt;');
    expect(preview.html).toContain(': friend</p>');
    expect(preview.missing).toEqual(['contact.title']);
    expect(preview.blocked.field).toBe('contact.title');

    // Saved, the same contact's send is refused with the very same sentence.
    const saved = (await owner.client.post(api('/outreach/templates'), { name: 'Hello', ...draft })).json();
    const send = await owner.client.post(api(`/outreach/templates/${saved.id}/send`), { contactId: ada.id });
    expect(send.statusCode).toBe(409);
    expect(send.json().error.message).toBe(preview.blocked.message);

    // With a title and a company, nothing is missing.
    const bo = await contact({ firstName: 'Bo', title: 'Head baker', companyId: company.id });
    expect((await owner.client.post(api('/outreach/template-preview'), { contactId: bo.id, ...draft })).json()).toMatchObject({ blocked: null, missing: [] });
    // An unknown field is refused as on save.
    const unknown = await owner.client.post(api('/outreach/template-preview'), { contactId: bo.id, subject: 'x', html: '<p>{{contact.shoeSize}}</p>' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('unknown_merge_field');
  });

  it('MAIL-2 a template is edited and flagged transactional: sent without a stream it leaves as transactional mail, without footer or List-Unsubscribe', async () => {
    const t = (await owner.client.post(api('/outreach/templates'), { name: 'Order ready', subject: 'Your order', html: '<p>Ready {{contact.firstName | "there"}}.</p>' })).json();
    expect(t).toMatchObject({ kind: 'email', stream: 'marketing' });
    const edited = await owner.client.patch(api(`/outreach/templates/${t.id}`), { stream: 'transactional', subject: 'Your order is ready' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ stream: 'transactional', subject: 'Your order is ready', name: 'Order ready' });
    expect((await owner.client.patch(api(`/outreach/templates/${t.id}`), { html: '<p>{{deal.amount}}</p>' })).statusCode).toBe(400);

    const noConsent = await contact({ firstName: 'Eve' }, false);
    const sent = await owner.client.post(api(`/outreach/templates/${t.id}/send`), { contactId: noConsent.id });
    expect(sent.statusCode, sent.body).toBe(200);
    const mail = await server.smtp.waitForMail(noConsent.email, (m) => m.subject === 'Your order is ready');
    expect(mail.raw).not.toMatch(/^List-Unsubscribe:/m);
    expect(mail.html).not.toContain('Unsubscribe');
  });
});
