import { generateKeyPairSync } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import dns2 from 'dns2';
import { Resend } from 'resend';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeResend } from '../../../../test/fakes/resend';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { SmtpSink } from '../../../../test/helpers/smtp-sink';

/** A local DNS server answering TXT questions from this table (the domain check's "internet"). */
const zone = new Map<string, string[]>([
  ['harbour.example', ['v=spf1 a:smtp.harbour.example ~all', 'google-site-verification=abc']],
  ['mail2024._domainkey.harbour.example', ['v=DKIM1; k=rsa; p=MIIBIjANBgkq']],
  ['resend._domainkey.fresh.example', ['p=MIGfMA0GCSqGSIb3DQEB']],
  ['fresh.example', ['v=spf1 include:amazonses.com ~all']],
  ['_dmarc.fresh.example', ['v=DMARC1; p=quarantine']],
]);
const dns = dns2.createServer({
  udp: true,
  handle: (request, send) => {
    const response = dns2.Packet.createResponseFromRequest(request);
    const [q] = request.questions;
    if (q && q.type === dns2.Packet.TYPE.TXT) for (const data of zone.get(q.name.toLowerCase()) ?? []) response.answers.push({ name: q.name, type: dns2.Packet.TYPE.TXT, class: dns2.Packet.CLASS.IN, ttl: 60, data } as never);
    send(response);
  },
});

let server: TestServer;
let own: SmtpSink;
let resend: FakeResend;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

beforeAll(async () => {
  const { udp } = await dns.listen({ udp: { port: 0, address: '127.0.0.1' } } as never);
  resend = await startFake(new FakeResend('re_workspace_key'));
  own = new SmtpSink();
  await own.start();
  server = await startTestServer({ DNS_SERVERS: `127.0.0.1:${(udp as { port: number }).port}`, RESEND_BASE_URL: resend.url });
  owner = await ownerWithWorkspace(server, 'Harbour Bakery');
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '12 Quay Street, Portsmouth PO1 2AB, UK' });
}, 300_000);
afterAll(async () => {
  await own?.stop();
  await dns.close();
});

async function consentedContact() {
  const email = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
  const id = (await owner.client.post(api('/contacts'), { firstName: 'Cara', emails: [email] })).json().id as string;
  await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'shop sign-up form' });
  return { id, email };
}

describe('sending accounts', () => {
  it('MAIL-1 an SMTP account sends marketing mail as the business, DKIM-signed with its key; password and key are sealed and never shown', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const res = await owner.client.post(api('/outreach/sending-accounts'), {
      kind: 'smtp', stream: 'marketing', fromName: 'Harbour Bakery', fromAddress: 'news@harbour.example',
      smtpHost: '127.0.0.1', smtpPort: own.port, smtpSecure: false, smtpUser: '', secret: 'smtp-password-123', dkimSelector: 'mail2024', dkimPrivateKey: pem,
    });
    expect(res.statusCode, res.body).toBe(201);
    const account = res.json();
    expect(account).toMatchObject({ kind: 'smtp', dkimSigned: true, hasSecret: true, domain: 'harbour.example' });
    expect(JSON.stringify((await owner.client.get(api('/outreach/sending-accounts'))).json())).not.toMatch(/smtp-password-123|PRIVATE KEY/);
    const { rows } = await server.services.database.system.execute(sql`SELECT secret_sealed, dkim_key_sealed FROM outreach_sending_accounts WHERE id = ${account.id}`);
    expect(JSON.stringify(rows)).not.toMatch(/smtp-password-123|PRIVATE KEY/);
    expect((rows[0] as { secret_sealed: string }).secret_sealed).toMatch(/^v1\./);

    const c = await consentedContact();
    expect((await owner.client.post(api('/outreach/send'), { contactId: c.id, stream: 'marketing', subject: 'Spring menu', html: '<p>New loaves.</p>' })).statusCode).toBe(200);
    const mail = await own.waitForMail(c.email);
    expect(mail.raw).toMatch(/^From: Harbour Bakery <news@harbour\.example>/m);
    const dkim = /^DKIM-Signature:(.*(?:\r?\n[ \t].*)*)/m.exec(mail.raw)?.[1]?.replace(/\s+/g, '') ?? '';
    expect(dkim).toContain('d=harbour.example');
    expect(dkim).toContain('s=mail2024');
    expect(server.smtp.mailsTo(c.email)).toHaveLength(0);
  });

  it('MAIL-1 "check domain" looks up SPF, DKIM and DMARC and says what is missing', async () => {
    const accounts = (await owner.client.get(api('/outreach/sending-accounts'))).json().items as { id: string; domain: string }[];
    const smtp = accounts.find((a) => a.domain === 'harbour.example')!;
    const res = await owner.client.post(api(`/outreach/sending-accounts/${smtp.id}/check-domain`));
    expect(res.statusCode, res.body).toBe(200);
    const check = res.json();
    expect(check.ok).toBe(false);
    expect(check.records).toEqual([
      expect.objectContaining({ kind: 'spf', ok: true, found: 'v=spf1 a:smtp.harbour.example ~all' }),
      expect.objectContaining({ kind: 'dkim', ok: true, name: 'mail2024._domainkey.harbour.example' }),
      expect.objectContaining({ kind: 'dmarc', ok: false, found: null }),
    ]);
    expect(check.records[2].advice).toContain('_dmarc.harbour.example');
    // A staff member may send but not manage accounts.
    const staff = await addMember(server, owner, 'staff');
    expect((await staff.client.post(api(`/outreach/sending-accounts/${smtp.id}/check-domain`))).statusCode).toBe(403);
  });

  it('MAIL-1 a Resend account sends through the API with an idempotency key: 429 and 503 are retried, and the message goes once', async () => {
    const res = await owner.client.post(api('/outreach/sending-accounts'), { kind: 'resend', stream: 'transactional', fromName: 'Fresh Bakes', fromAddress: 'hello@fresh.example', secret: 're_workspace_key' });
    expect(res.statusCode, res.body).toBe(201);
    const domain = (await owner.client.post(api(`/outreach/sending-accounts/${res.json().id}/check-domain`))).json();
    expect(domain.ok).toBe(true);

    const c = await consentedContact();
    resend.failNext(429, 503);
    const sent = await owner.client.post(api('/outreach/send'), { contactId: c.id, stream: 'transactional', subject: 'Your order is ready', html: '<p>Pick it up today.</p>' });
    expect(sent.statusCode, sent.body).toBe(200);
    const calls = resend.calls('/emails', 'POST').filter((r) => r.raw.includes(c.email));
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(resend.sentTo(c.email)).toHaveLength(1);
    expect(resend.sentTo(c.email)[0]!.body.from).toBe('"Fresh Bakes" <hello@fresh.example>');

    // The fake speaks Resend's wire format as the official SDK sees it: a replayed key sends nothing new.
    const sdk = new Resend('re_workspace_key', { baseUrl: resend.url });
    const key = calls[0]!.headers['idempotency-key'] as string;
    const again = await sdk.emails.send({ from: 'hello@fresh.example', to: c.email, subject: 'x', text: 'x' }, { idempotencyKey: key });
    expect(again.data?.id).toBe(resend.sentTo(c.email)[0]!.id);
    expect(resend.sentTo(c.email)).toHaveLength(1);
  });

  it('MAIL-1 a sending account whose server cannot be reached: the send answers 502 with the reason in words, and the message is kept as failed', async () => {
    const other = await ownerWithWorkspace(server, 'Closed Port Deli');
    const at = (path: string) => `/api/workspaces/${other.workspaceId}${path}`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const account = await other.client.post(at('/outreach/sending-accounts'), { kind: 'smtp', stream: 'transactional', fromName: 'Deli', fromAddress: 'orders@deli.example', smtpHost: '127.0.0.1', smtpPort: port, smtpSecure: false, smtpUser: '', secret: 'pw-123456' });
    expect(account.statusCode, account.body).toBe(201);
    const contact = (await other.client.post(at('/contacts'), { firstName: 'Dee', emails: ['dee@example.test'] })).json();
    const sent = await other.client.post(at('/outreach/send'), { contactId: contact.id, stream: 'transactional', subject: 'Your order', html: '<p>Ready.</p>' });
    expect(sent.statusCode, sent.body).toBe(502);
    expect(sent.json().error).toMatchObject({ code: 'mail_send_failed', message: expect.stringMatching(/^The mail could not be sent: .*ECONNREFUSED/) });
    const { rows } = await server.services.database.system.execute(sql`SELECT status, last_error FROM outreach_messages WHERE workspace_id = ${other.workspaceId}`);
    expect(rows).toEqual([expect.objectContaining({ status: 'failed', last_error: expect.stringContaining('ECONNREFUSED') })]);
  });
});

describe('delivery events', () => {
  it('MAIL-3 signed Resend webhooks count delivered/opened/clicked/bounced/complained, suppress bounces and complaints and reach the timeline; forged, stale or replayed → 401 with nothing recorded', async () => {
    // Marketing now leaves through Resend: the SMTP account serving it is removed.
    for (const old of (await owner.client.get(api('/outreach/sending-accounts'))).json().items as { id: string; stream: string }[]) {
      if (old.stream !== 'transactional') expect((await owner.client.delete(api(`/outreach/sending-accounts/${old.id}`))).statusCode).toBe(204);
    }
    const webhookSecret = `whsec_${Buffer.from('a-32-byte-signing-secret-0123456').toString('base64')}`;
    const acc = await owner.client.post(api('/outreach/sending-accounts'), { kind: 'resend', stream: 'marketing', fromName: 'Harbour News', fromAddress: 'news@fresh.example', secret: 're_workspace_key', webhookSecret });
    expect(acc.statusCode, acc.body).toBe(201);
    const hook = acc.json().webhookUrl as string;
    expect(hook).toMatch(/\/api\/public\/outreach\/webhooks\/resend\//);
    const target = `${server.url}${new URL(hook).pathname}`;

    const a = await consentedContact();
    const b = await consentedContact();
    const before = (await owner.client.get(api('/outreach/delivery-summary'))).json();
    for (const c of [a, b]) expect((await owner.client.post(api('/outreach/send'), { contactId: c.id, stream: 'marketing', subject: 'Spring menu', html: '<p>New loaves.</p>' })).statusCode).toBe(200);
    const idOf = (email: string) => resend.sentTo(email)[0]!.id;

    const post = (event: { type: string; data: Record<string, unknown> }, at?: Date) => {
      const signed = resend.signedEvent(webhookSecret, event, at);
      return { signed, result: resend.deliver(target, signed.raw, signed.headers) };
    };
    // The fake signs as Resend does: the official SDK's verifier accepts its deliveries.
    const probe = resend.signedEvent(webhookSecret, { type: 'email.delivered', data: { email_id: idOf(a.email) } });
    expect(new Resend('re_x').webhooks.verify({ payload: probe.raw, headers: { id: probe.headers['svix-id']!, timestamp: probe.headers['svix-timestamp']!, signature: probe.headers['svix-signature']! }, webhookSecret })).toMatchObject({ type: 'email.delivered' });

    const delivered = post({ type: 'email.delivered', data: { email_id: idOf(a.email) } });
    expect((await delivered.result).status).toBe(204);
    for (const type of ['email.opened', 'email.clicked']) expect((await post({ type, data: { email_id: idOf(a.email) } }).result).status).toBe(204);
    expect((await post({ type: 'email.delivered', data: { email_id: idOf(b.email) } }).result).status).toBe(204);
    expect((await post({ type: 'email.bounced', data: { email_id: idOf(b.email), bounce: { type: 'Permanent', message: 'mailbox does not exist' } } }).result).status).toBe(204);
    expect((await post({ type: 'email.complained', data: { email_id: idOf(a.email) } }).result).status).toBe(204);

    const counted = (await owner.client.get(api('/outreach/delivery-summary'))).json();
    expect({ ...counted, sent: counted.sent - before.sent }).toEqual({ sent: 2, delivered: before.delivered + 2, opened: before.opened + 1, clicked: before.clicked + 1, bounced: before.bounced + 1, complained: before.complained + 1 });
    expect((await owner.client.get(api(`/outreach/contacts/${b.id}/mail-status`))).json().suppression).toMatchObject({ reason: 'bounced', source: 'resend_webhook' });
    expect((await owner.client.get(api(`/outreach/contacts/${a.id}/mail-status`))).json().suppression).toMatchObject({ reason: 'complained' });
    const notes = (await owner.client.get(api(`/timeline?recordType=contacts&recordId=${b.id}&kinds=note`))).json().items.map((i: { subject: string }) => i.subject);
    expect(notes).toEqual(expect.arrayContaining(['Email was delivered', 'Email bounced']));
    expect((await owner.client.post(api('/outreach/send'), { contactId: b.id, stream: 'marketing', subject: 'Again', html: '<p>x</p>' })).json().error.details.reason).toBe('bounced');

    // Replayed: the same signed delivery again.
    const { signed } = delivered;
    expect((await resend.deliver(target, signed.raw, signed.headers)).status).toBe(401);
    // Forged: a body changed after signing, a wrong secret, no signature, a stale timestamp.
    const forged = post({ type: 'email.opened', data: { email_id: idOf(b.email) } }).signed;
    const wrong = resend.signedEvent(`whsec_${Buffer.from('another-secret-another-secret-00').toString('base64')}`, { type: 'email.opened', data: { email_id: idOf(b.email) } });
    const stale = resend.signedEvent(webhookSecret, { type: 'email.opened', data: { email_id: idOf(b.email) } }, new Date(Date.now() - 6 * 60_000));
    for (const [raw, headers] of [
      [forged.raw.replace('email.opened', 'email.clicked'), forged.headers],
      [wrong.raw, wrong.headers],
      [stale.raw, stale.headers],
      [forged.raw, { 'svix-id': 'msg_x', 'svix-timestamp': forged.headers['svix-timestamp']! }],
    ] as const) {
      expect((await resend.deliver(target, raw, headers)).status).toBe(401);
    }
    const after = (await owner.client.get(api('/outreach/delivery-summary'))).json();
    // The changed body and the first valid copy of `forged` differ: only that one (opened for b) may count.
    expect(after).toEqual({ ...counted, opened: counted.opened + 1 });
  });

  it('INT-4 MAIL-3 a correctly signed Resend delivery body of another shape is ignored or refused with a 4xx, never a 500, and nothing is counted', async () => {
    // The Resend account of the test above (MAIL-3) receives the deliveries.
    const webhookSecret = `whsec_${Buffer.from('a-32-byte-signing-secret-0123456').toString('base64')}`;
    const acc = ((await owner.client.get(api('/outreach/sending-accounts'))).json().items as { kind: string; stream: string; webhookUrl: string | null }[]).find((x) => x.kind === 'resend' && x.stream === 'marketing');
    expect(acc?.webhookUrl).toBeTruthy();
    const target = `${server.url}${new URL(acc!.webhookUrl!).pathname}`;
    const before = (await owner.client.get(api('/outreach/delivery-summary'))).json();
    const ev = (type: unknown, data: unknown, createdAt: unknown = new Date().toISOString()) => ({ type, created_at: createdAt, data });
    const bodies: [string, unknown][] = [
      ...oddBodies((data) => ev('email.delivered', data)),
      ['type a number', ev(5, { email_id: 'x' })],
      ['type an array', ev(['email.bounced'], { email_id: 'x' })],
      ['email id a number', ev('email.bounced', { email_id: 5 })],
      ['email id an object', ev('email.bounced', { email_id: { id: 'x' } })],
      ['email id 10,000 chars', ev('email.delivered', { email_id: LONG })],
      ['bounce a string', ev('email.bounced', { email_id: 'x', bounce: 'x' })],
      ['created_at a number', ev('email.opened', { email_id: 'x' }, 1e20)],
      ['created_at far in the future', ev('email.opened', { email_id: 'x' }, '+275760-09-13T00:00:00.000Z')],
      ['created_at of 10,000 chars', ev('email.opened', { email_id: 'x' }, LONG)],
    ];
    const answers = await expectNever500(bodies, async (raw) => {
      const signed = resend.signedRaw(webhookSecret, raw);
      return resend.deliver(target, signed.raw, signed.headers);
    });
    // None names a message Kestrel sent, so each is taken (the webhook id guards a replay) and ignored.
    expect(answers.filter((a) => a.status !== 204)).toEqual([]);
    expect((await owner.client.get(api('/outreach/delivery-summary'))).json()).toEqual(before);
  });
});

describe('campaigns on a Resend account', () => {
  it("MAIL-1 MAIL-2 a campaign on a Resend account leaves through Resend's batch endpoint: the window's mails in one call with an idempotency key, a 503 retried under the same key, each person once with their own Message-ID and unsubscribe headers", async () => {
    const o = await ownerWithWorkspace(server, 'Batch Bakery');
    const wapi = (path: string) => `/api/workspaces/${o.workspaceId}${path}`;
    expect((await o.client.patch(`/api/workspaces/${o.workspaceId}`, { mailingAddress: '3 Mill Lane, Bath BA1 1AA, UK' })).statusCode).toBe(200);
    const acc = await o.client.post(wapi('/outreach/sending-accounts'), { kind: 'resend', stream: 'marketing', fromName: 'Batch Bakery', fromAddress: 'news@fresh.example', secret: 're_workspace_key' });
    expect(acc.statusCode, acc.body).toBe(201);
    const tagId = (await o.client.post(wapi('/tags'), { name: 'Newsletter' })).json().id as string;
    const people: { id: string; email: string }[] = [];
    for (let i = 0; i < 5; i++) {
      const email = `batch${i}${Date.now().toString(36)}@example.test`;
      const id = (await o.client.post(wapi('/contacts'), { firstName: `Reader${i}`, emails: [email] })).json().id as string;
      expect((await o.client.post(wapi(`/contacts/${id}/tags`), { tagId })).statusCode).toBe(200);
      expect((await o.client.post(wapi(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'shop sign-up form' })).statusCode).toBe(200);
      people.push({ id, email });
    }
    const tpl = await o.client.post(wapi('/outreach/templates'), { name: 'Batch news', subject: 'News from {{workspace.name}}', html: '<p>Hello {{contact.firstName | "there"}}.</p>' });
    expect(tpl.statusCode, tpl.body).toBe(201);
    const batchesBefore = resend.batches.length;
    resend.failNext(503);
    const created = await o.client.post(wapi('/outreach/campaigns'), { name: 'Batch news', templateId: tpl.json().id, tagId });
    expect(created.statusCode, created.body).toBe(201);
    const done = await vi.waitFor(
      async () => {
        const c = (await o.client.get(wapi(`/outreach/campaigns/${created.json().id}`))).json();
        expect(c.status).toBe('completed');
        return c;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(done.counts).toMatchObject({ total: 5, sent: 5 });

    // One accepted batch call carried all five (the first try answered 503 and was retried under the same key).
    const calls = resend.calls('/emails/batch', 'POST').filter((r) => people.some((p) => r.raw.includes(p.email)));
    expect(calls).toHaveLength(2);
    expect(new Set(calls.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(calls[0]!.headers['x-batch-validation']).toBe('strict');
    const accepted = resend.batches.slice(batchesBefore);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.ids).toHaveLength(5);
    expect(resend.calls('/emails', 'POST').filter((r) => r.path === '/emails' && people.some((p) => r.raw.includes(p.email)))).toHaveLength(0);
    const messageIds = new Set<string>();
    for (const p of people) {
      const got = resend.sentTo(p.email);
      expect(got).toHaveLength(1);
      expect(got[0]!.body.from).toBe('"Batch Bakery" <news@fresh.example>');
      expect(got[0]!.body.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
      expect(got[0]!.body.headers['List-Unsubscribe']).toMatch(/^<https?:\/\/.+\/unsubscribe\/.+>, <mailto:.+>$/);
      messageIds.add(got[0]!.body.headers['Message-ID']);
      expect(got[0]!.body.html).toContain('3 Mill Lane, Bath BA1 1AA, UK');
    }
    expect(messageIds.size).toBe(5);
    // Each message row names Resend's id for it, so delivery webhooks (MAIL-3) find it.
    const rows = await server.services.database.system.execute<{ contact_id: string; provider_message_id: string }>(sql`SELECT contact_id, provider_message_id FROM outreach_messages WHERE workspace_id = ${o.workspaceId}`);
    expect(rows.rows).toHaveLength(5);
    for (const row of rows.rows) expect(row.provider_message_id).toBe(resend.sentTo(people.find((p) => p.id === row.contact_id)!.email)[0]!.id);

    // The fake speaks the batch endpoint as the official SDK sends and reads it: a replayed key answers the same ids and sends nothing new.
    const sdk = new Resend('re_workspace_key', { baseUrl: resend.url });
    const replay = await sdk.batch.send(JSON.parse(calls[1]!.raw), { idempotencyKey: calls[1]!.headers['idempotency-key'] as string });
    expect(replay.error).toBeNull();
    expect(replay.data?.data.map((d) => d.id)).toEqual(accepted[0]!.ids);
    for (const p of people) expect(resend.sentTo(p.email)).toHaveLength(1);
    const fresh = await sdk.batch.send([{ from: 'news@fresh.example', to: 'one@example.test', subject: 'a', text: 'a' }, { from: 'news@fresh.example', to: 'two@example.test', subject: 'b', text: 'b' }]);
    expect(fresh.data?.data).toHaveLength(2);
    expect(resend.sentTo('two@example.test')[0]!.id).toBe(fresh.data!.data[1]!.id);
    const refused = await sdk.batch.send([{ from: 'news@fresh.example', to: 'three@example.test', subject: '', text: 'c' }]);
    expect(refused.error?.statusCode).toBe(422);
  });
});
