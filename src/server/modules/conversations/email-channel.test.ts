import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { LONG } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { startInboundSmtp, type InboundSmtp } from './inbound-smtp';

let server: TestServer;
let receiver: InboundSmtp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let address: string;
let secret: string;
let webhookUrl: string;
const DOMAIN = 'in.kestrel.test';
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

/** A customer's mail client: a real SMTP conversation with Kestrel's receiver. */
const customer = () => nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });

const inbox = async () => (await owner.client.get(api('/conversations?channel=email'))).json().items as { id: string; subject: string | null; visitorEmail: string; unread: number; status: string }[];
const detail = async (id: string) => (await owner.client.get(api(`/conversations/${id}`))).json();

beforeAll(async () => {
  server = await startTestServer({ INBOUND_MAIL_DOMAIN: DOMAIN });
  receiver = await startInboundSmtp(server.services, { port: 0, host: '127.0.0.1' });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  const settings = await owner.client.get(api('/channel-settings'));
  expect(settings.statusCode, settings.body).toBe(200);
  address = settings.json().email.inboundAddress;
  secret = settings.json().email.webhookSecret;
  webhookUrl = new URL(settings.json().email.webhookUrl).pathname;
}, 300_000);
afterAll(() => receiver?.close());

describe('email channel', () => {
  it('CONV-6 a customer emails the inbound address over SMTP, the team replies with threading headers, and the answer lands in the same conversation', async () => {
    expect(address).toMatch(new RegExp(`^[a-f0-9]{18}@${DOMAIN.replace(/\./g, '\\.')}$`));
    const first = await customer().sendMail({ from: 'Rita Rivera <rita@customer.test>', to: address, subject: 'Wedding cake for 80 guests', text: 'Hello! Do you make three-tier wedding cakes?' });
    expect(first.accepted).toEqual([address]);

    const [conv] = await inbox();
    expect(conv).toMatchObject({ subject: 'Wedding cake for 80 guests', visitorEmail: 'rita@customer.test', unread: 1, status: 'open' });
    const contacts = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts?q=rita@customer.test`)).json();
    expect(JSON.stringify(contacts)).toContain('rita@customer.test');

    const reply = await owner.client.post(api(`/conversations/${conv!.id}/messages`), { body: 'Yes we do!\n\nWhen is the wedding?' });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ author: 'staff', deliveryStatus: 'queued', meta: { subject: 'Re: Wedding cake for 80 guests' } });

    const out = await server.smtp.waitForMail('rita@customer.test');
    await vi.waitFor(async () => expect((await detail(conv!.id)).messages.find((m: { id: string }) => m.id === reply.json().id).deliveryStatus).toBe('sent'), { timeout: 10_000, interval: 100 });
    expect(out.subject).toBe('Re: Wedding cake for 80 guests');
    expect(out.text).toContain('When is the wedding?');
    expect(out.raw).toMatch(new RegExp(`^From: "?Crumb Bakery"? <${address}>`, 'm'));
    const ourId = out.headers.get('message-id') as string;
    expect(ourId).toMatch(new RegExp(`^<[0-9a-f-]{36}@${DOMAIN}>$`));
    expect(out.headers.get('in-reply-to')).toBe(first.messageId);
    expect(out.headers.get('references')).toBe(first.messageId);

    // The customer answers from their mail client: In-Reply-To our reply, subject "Re: Re: …".
    await customer().sendMail({ from: 'rita@customer.test', to: address, subject: 'Re: Re: Wedding cake for 80 guests', text: 'On 12 June.\n\nOn Tue, Dec 1, 2026 at 9:00 Crumb Bakery wrote:\n> Yes we do!', inReplyTo: ourId, references: [first.messageId, ourId] });
    const items = await inbox();
    expect(items).toHaveLength(1);
    const thread = await detail(conv!.id);
    expect(thread.messages.filter((m: { author: string }) => m.author !== 'system').map((m: { author: string; body: string }) => [m.author, m.body])).toEqual([
      ['visitor', 'Hello! Do you make three-tier wedding cakes?'],
      ['staff', 'Yes we do!\n\nWhen is the wedding?'],
      ['visitor', 'On 12 June.'],
    ]);

    // A second reply carries the whole thread in References.
    await owner.client.post(api(`/conversations/${conv!.id}/messages`), { body: 'Lovely, noted.' });
    const second = await server.smtp.waitForMail('rita@customer.test', (m) => m.text.includes('Lovely'));
    const refs = ([] as string[]).concat(second.headers.get('references') as string | string[]);
    expect(refs).toEqual([first.messageId, ourId, expect.stringMatching(/@customer\.test>$/)]);
    expect(second.headers.get('in-reply-to')).toBe(refs[2]);
  });

  it('CONV-6 a new sender the CRM already has (by their other address, or their primary one in another case) is linked to that contact through crm findContactByEmail, not made twice', async () => {
    const made = await owner.client.post(api('/contacts'), { firstName: 'Omar', emails: ['Omar.Office@Customer.test', 'omar@customer.test'] });
    expect(made.statusCode, made.body).toBe(201);
    const contactId = made.json().id as string;
    await customer().sendMail({ from: 'omar@customer.test', to: address, subject: 'Rye loaves', text: 'Twelve rye loaves for Friday?' });
    await customer().sendMail({ from: 'OMAR.OFFICE@customer.test', to: address, subject: 'Invoice address', text: 'Please invoice the office.' });
    const convs = (await inbox()).filter((c) => c.visitorEmail.startsWith('omar'));
    expect(convs).toHaveLength(2);
    for (const c of convs) expect((await detail(c.id)).conversation.contactId).toBe(contactId);
    const found = (await owner.client.get(api('/contacts?q=omar'))).json().items as { id: string }[];
    expect(found.map((c) => c.id)).toEqual([contactId]);
  });

  it('CONV-6 the receiver refuses unknown recipients at RCPT and mail over the size limit', async () => {
    await expect(customer().sendMail({ from: 'x@customer.test', to: `000000000000000000@${DOMAIN}`, subject: 'hi', text: 'hi' })).rejects.toMatchObject({ responseCode: 550 });
    await expect(customer().sendMail({ from: 'x@customer.test', to: 'someone@elsewhere.test', subject: 'hi', text: 'hi' })).rejects.toMatchObject({ responseCode: 550 });
    const small = await startTestServer({ INBOUND_MAIL_DOMAIN: DOMAIN, INBOUND_MAIL_MAX_BYTES: '2048' });
    const rx = await startInboundSmtp(small.services, { port: 0, host: '127.0.0.1' });
    try {
      const o = await ownerWithWorkspace(small, 'Tiny');
      const to = (await o.client.get(`/api/workspaces/${o.workspaceId}/channel-settings`)).json().email.inboundAddress;
      const t = nodemailer.createTransport({ host: '127.0.0.1', port: rx.port, secure: false, ignoreTLS: true });
      await expect(t.sendMail({ from: 'x@customer.test', to, subject: 'big', text: 'x'.repeat(5000) })).rejects.toMatchObject({ responseCode: 552 });
      expect((await o.client.get(`/api/workspaces/${o.workspaceId}/conversations`)).json().items).toHaveLength(0);
    } finally {
      await rx.close();
    }
  });

  it('CONV-6 an out-of-office answer is kept and marked but neither reopens nor counts as unread; a bounce marks the reply failed and is not shown as the customer', async () => {
    await customer().sendMail({ from: 'sam@customer.test', to: address, subject: 'Gluten-free bread?', text: 'Do you bake gluten-free bread?' });
    const conv = (await inbox()).find((c) => c.visitorEmail === 'sam@customer.test')!;
    const reply = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Yes, on Fridays.' });
    const out = await server.smtp.waitForMail('sam@customer.test');
    const ourId = out.headers.get('message-id') as string;
    await owner.client.patch(api(`/conversations/${conv.id}`), { status: 'resolved' });

    await customer().sendMail({ from: 'sam@customer.test', to: address, subject: 'Automatic reply: Re: Gluten-free bread?', text: 'I am away until Monday.', inReplyTo: ourId, headers: { 'Auto-Submitted': 'auto-replied' } });
    let d = await detail(conv.id);
    expect(d.conversation.status).toBe('resolved');
    expect(d.conversation.unread).toBe(0);
    const auto = d.messages.find((m: { body: string }) => m.body === 'I am away until Monday.');
    expect(auto.meta.autoReply).toBe(true);

    // A DSN (RFC 3464) for our reply, as a mail server sends it.
    const boundary = 'dsn-boundary-1';
    const dsn = [
      `From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>`,
      `To: ${address}`,
      `Subject: Undelivered Mail Returned to Sender`,
      `Message-ID: <dsn-1@mx.customer.test>`,
      `MIME-Version: 1.0`,
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      ``,
      `--${boundary}`,
      `Content-Type: text/plain`,
      ``,
      `Your message could not be delivered.`,
      `--${boundary}`,
      `Content-Type: message/delivery-status`,
      ``,
      `Reporting-MTA: dns; mx.customer.test`,
      ``,
      `Final-Recipient: rfc822; sam@customer.test`,
      `Action: failed`,
      `Status: 5.1.1`,
      `Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable`,
      `--${boundary}`,
      `Content-Type: text/rfc822-headers`,
      ``,
      `Message-ID: ${ourId}`,
      `Subject: Re: Gluten-free bread?`,
      `--${boundary}--`,
      ``,
    ].join('\r\n');
    await customer().sendMail({ envelope: { from: '', to: address }, raw: dsn });
    d = await detail(conv.id);
    const sent = d.messages.find((m: { id: string }) => m.id === reply.json().id);
    expect(sent.deliveryStatus).toBe('failed');
    expect(sent.meta.error).toContain('550 5.1.1 mailbox unavailable');
    expect(d.messages.filter((m: { author: string }) => m.author === 'visitor')).toHaveLength(2);
    expect(d.messages.at(-1)).toMatchObject({ author: 'note' });
    expect(d.messages.at(-1).body).toContain('did not reach sam@customer.test');
  });

  it('CONV-6 a reply the mail server refuses shows failed with the reason in words; Retry sends it once the address takes mail', async () => {
    await customer().sendMail({ from: 'tom@customer.test', to: address, subject: 'Birthday cake', text: 'Can you write a name on a cake?' });
    const conv = (await inbox()).find((c) => c.visitorEmail === 'tom@customer.test')!;
    server.smtp.refuse.add('tom@customer.test');
    const reply = await owner.client.post(api(`/conversations/${conv.id}/messages`), { body: 'Of course, up to 20 letters.' });
    expect(reply.statusCode, reply.body).toBe(201);
    const mine = async () => (await detail(conv.id)).messages.find((m: { id: string }) => m.id === reply.json().id);
    await vi.waitFor(async () => expect((await mine()).deliveryStatus).toBe('failed'), { timeout: 15_000, interval: 100 });
    expect((await mine()).meta.error).toMatch(/^The mail server refused it \(550: .*mailbox unavailable\)\. Kestrel tries again by itself; Retry sends it now\.$/);
    expect(server.smtp.mailsTo('tom@customer.test')).toHaveLength(0);

    // Only a failed reply can be retried; another conversation's message is not found.
    const other = (await inbox()).find((c) => c.visitorEmail !== 'tom@customer.test')!;
    expect((await owner.client.post(api(`/conversations/${other.id}/messages/${reply.json().id}/retry`))).statusCode).toBe(404);

    server.smtp.refuse.delete('tom@customer.test');
    const retried = await owner.client.post(api(`/conversations/${conv.id}/messages/${reply.json().id}/retry`));
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ deliveryStatus: 'queued' });
    expect(retried.json().meta.error).toBeUndefined();
    const out = await server.smtp.waitForMail('tom@customer.test');
    expect(out.text).toContain('up to 20 letters');
    await vi.waitFor(async () => expect((await mine()).deliveryStatus).toBe('sent'), { timeout: 10_000, interval: 100 });
    const again = await owner.client.post(api(`/conversations/${conv.id}/messages/${reply.json().id}/retry`));
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('not_failed');
    expect(server.smtp.mailsTo('tom@customer.test')).toHaveLength(1);
  });

  it('CONV-6 a mail provider posts raw MIME signed with the workspace secret; forged or stale posts are refused, a redelivery is stored once, and a mail without threading headers joins by sender and subject', async () => {
    const anon = new TestClient(server.app);
    const mime = (id: string, subject: string, text: string) => [`From: Noor <noor@customer.test>`, `To: ${address}`, `Subject: ${subject}`, `Message-ID: <${id}@customer.test>`, `Content-Type: text/plain`, ``, text, ``].join('\r\n');
    const post = (raw: string, sign = secret, at = Math.floor(Date.now() / 1000)) =>
      anon.request('POST', webhookUrl, raw, { 'content-type': 'message/rfc822', 'x-kestrel-timestamp': String(at), 'x-kestrel-signature': `sha256=${createHmac('sha256', sign).update(`${at}.${raw}`).digest('hex')}` });
    const raw = mime('n1', 'Catering', 'Do you cater office lunches?');
    expect((await post(raw, 'not-the-secret')).statusCode).toBe(401);
    expect((await post(raw, secret, Math.floor(Date.now() / 1000) - 3600)).statusCode).toBe(401);
    expect((await anon.request('POST', webhookUrl, raw, { 'content-type': 'message/rfc822' })).statusCode).toBe(401);
    expect((await inbox()).some((c) => c.visitorEmail === 'noor@customer.test')).toBe(false);

    const ok = await post(raw);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().outcome).toBe('stored');
    expect((await post(raw)).json().outcome).toBe('duplicate');
    expect((await post(mime('n2', 'RE: Catering', 'For 30 people.'))).json().outcome).toBe('stored');
    const convs = (await inbox()).filter((c) => c.visitorEmail === 'noor@customer.test');
    expect(convs).toHaveLength(1);
    await vi.waitFor(async () => expect((await detail(convs[0]!.id)).messages.map((m: { body: string }) => m.body)).toEqual(['Do you cater office lunches?', 'For 30 people.']));
  });

  it('INT-4 CONV-6 a correctly signed raw MIME post of another shape is stored, ignored or refused with a 4xx, never a 500', async () => {
    const anon = new TestClient(server.app);
    const post = (raw: string, type = 'message/rfc822') => {
      const at = Math.floor(Date.now() / 1000);
      return anon.request('POST', webhookUrl, raw, { 'content-type': type, 'x-kestrel-timestamp': String(at), 'x-kestrel-signature': `sha256=${createHmac('sha256', secret).update(`${at}.${raw}`).digest('hex')}` });
    };
    let n = 0;
    const mime = (headers: Record<string, string>, text = 'Hello.') => {
      const all: Record<string, string> = { From: 'Odd <odd@customer.test>', To: address, Subject: 'Odd shapes', 'Message-ID': `<odd${++n}@customer.test>`, 'Content-Type': 'text/plain', ...headers };
      return [...Object.entries(all).filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`), '', text, ''].join('\r\n');
    };
    const tries: [string, string, string?][] = [
      ['empty', ''],
      ['JSON null', 'null', 'application/json'],
      ['JSON []', '[]', 'application/json'],
      ['JSON "x"', '"x"', 'application/json'],
      ['JSON {}', '{}', 'application/json'],
      ['bytes that are no mail', '\u0000\u0001\u0002 not mail at all'],
      ['no From', mime({ From: '' })],
      ['From of 10,000 chars', mime({ From: `${LONG}@customer.test` })],
      ['From with no address', mime({ From: 'Just A Name' })],
      ['Subject of 10,000 chars', mime({ Subject: LONG })],
      ['Message-ID of 10,000 chars', mime({ 'Message-ID': `<${LONG}@customer.test>` })],
      ['In-Reply-To of 10,000 chars', mime({ 'In-Reply-To': `<${LONG}@x>`, References: `<${LONG}@y>` })],
      ['Date in the year 275760', mime({ Date: 'Sat, 13 Sep 275760 00:00:00 +0000' })],
      ['Date that is no date', mime({ Date: '1e20' })],
      ['body of 10,000 chars on one line', mime({}, LONG)],
      ['multipart with no boundary', mime({ 'Content-Type': 'multipart/mixed' })],
      ['charset that does not exist', mime({ 'Content-Type': 'text/plain; charset=x-no-such-charset' }, 'Bonjour')],
    ];
    const wrong: { name: string; status: number; body: string }[] = [];
    const answers: number[] = [];
    for (const [name, raw, type] of tries) {
      const r = await post(raw, type);
      const shaped = r.statusCode < 400 || (() => { try { return typeof JSON.parse(r.body).error?.code === 'string'; } catch { return false; } })();
      if (r.statusCode >= 500 || !shaped) wrong.push({ name, status: r.statusCode, body: r.body.slice(0, 300) });
      answers.push(r.statusCode);
    }
    expect(wrong).toEqual([]);
    // Past the signature: none is refused as unsigned.
    expect(answers.filter((st) => st === 401)).toEqual([]);
  });
});
