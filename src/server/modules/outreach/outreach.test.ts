import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import type { ReceivedMail } from '../../../../test/helpers/smtp-sink';
import { withTenant } from '../../platform/db/tenant';
import { suppressErasedAddress } from '.';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
let n = 0;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Harbour Bakery');
}, 300_000);

async function contact(over: Record<string, unknown> = {}) {
  const email = `lead${Date.now().toString(36)}${n++}@example.test`;
  const res = await owner.client.post(api('/contacts'), { firstName: 'Lena', emails: [email], ...over });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id as string, email };
}

async function consented(over: Record<string, unknown> = {}) {
  const c = await contact(over);
  const res = await owner.client.post(api(`/outreach/contacts/${c.id}/consent`), { state: 'granted', source: 'form', proof: 'https://harbour.example/newsletter from 203.0.113.9' });
  expect(res.statusCode, res.body).toBe(200);
  return c;
}

const send = (contactId: string, over: Record<string, unknown> = {}) =>
  owner.client.post(api('/outreach/send'), { contactId, stream: 'marketing', subject: 'Fresh sourdough this Friday', html: '<p>Hello from the bakery!</p>', ...over });

const header = (m: ReceivedMail, name: string) => {
  const v = m.headers.get(name);
  return typeof v === 'string' ? v : JSON.stringify(v);
};
const rawHeader = (m: ReceivedMail, name: string) => {
  const head = m.raw.split(/\r?\n\r?\n/)[0]!;
  const found = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(head)?.[1];
  return found === undefined ? null : found.replace(/\r?\n[ \t]+/g, ' ').trim();
};
const tokenOf = (m: ReceivedMail) => /\/unsubscribe\/([\w.-]+)/.exec(m.text)![1]!;

async function setAddress(address: string | null) {
  const res = await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: address });
  expect(res.statusCode, res.body).toBe(200);
}

describe('outreach mail that stays legal', () => {
  it('MAIL-5 marketing mail cannot go out without the business postal address: a 409 names what to fill in', async () => {
    await setAddress(null);
    const c = await consented();
    const res = await send(c.id);
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'postal_address_missing', details: { field: 'mailingAddress' } });
    expect(res.json().error.message).toMatch(/mailing address/);
    expect(server.smtp.mailsTo(c.email)).toHaveLength(0);
    // Transactional mail is not marketing and needs no footer.
    expect((await send(c.id, { stream: 'transactional', subject: 'Your order is ready' })).statusCode).toBe(200);
    await server.smtp.waitForMail(c.email, (m) => m.subject === 'Your order is ready');
  });

  it('MAIL-4 marketing needs recorded consent (source, time, proof); the mail carries List-Unsubscribe, one-click, the address and a footer link (MAIL-5)', async () => {
    await setAddress('12 Quay Street\nPortsmouth PO1 2AB, UK');
    const c = await contact();
    const blocked = await send(c.id);
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error).toMatchObject({ code: 'recipient_blocked', details: { reason: 'no_consent' } });
    // A consent state typed into the CRM is not proof: a grant counts with its source on record.
    await owner.client.patch(api(`/contacts/${c.id}`), { consentState: 'granted' });
    expect((await send(c.id)).json().error.details.reason).toBe('no_consent');

    const before = Date.now();
    const granted = await owner.client.post(api(`/outreach/contacts/${c.id}/consent`), { state: 'granted', source: 'double_opt_in', proof: 'Confirmed by message <abc@harbour.example>' });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({ consentState: 'granted', marketingAllowed: true, consent: { state: 'granted', source: 'double_opt_in', proof: 'Confirmed by message <abc@harbour.example>' } });
    expect(new Date(granted.json().consent.recordedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const res = await send(c.id, { advertisement: true, html: '<p>Hello <script>alert(1)</script>from the bakery!</p>' });
    expect(res.statusCode, res.body).toBe(200);
    const mail = await server.smtp.waitForMail(c.email, (m) => m.subject === 'Fresh sourdough this Friday');
    const list = rawHeader(mail, 'List-Unsubscribe')!;
    expect(list).toMatch(/^<https?:\/\/[^>]+\/api\/public\/outreach\/unsubscribe\/[\w.-]+>, <mailto:[^>]+\?subject=unsubscribe%20[\w.-]+>$/);
    expect(rawHeader(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(mail.text).toContain('12 Quay Street, Portsmouth PO1 2AB, UK');
    expect(mail.text).toContain('Advertisement.');
    expect(mail.text).toMatch(/Unsubscribe: http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w.-]+/);
    expect(mail.html).toContain('Harbour Bakery, 12 Quay Street');
    expect(mail.html).not.toContain('<script');
    expect(header(mail, 'from')).toContain('Harbour Bakery');
    expect(header(mail, 'reply-to')).toContain(owner.email);

    const timeline = (await owner.client.get(api(`/timeline?recordType=contacts&recordId=${c.id}&kinds=email`))).json();
    expect(timeline.items.map((i: { subject: string }) => i.subject)).toContain('Fresh sourdough this Friday');
  });

  it('MAIL-4 one-click unsubscribe as a mail client posts it: no sign-in, no CSRF token, honoured at once, shown with source and time', async () => {
    const c = await consented({ firstName: 'Omar' });
    expect((await send(c.id)).statusCode).toBe(200);
    const mail = await server.smtp.waitForMail(c.email);
    const url = new URL(/^<([^>]+)>/.exec(rawHeader(mail, 'List-Unsubscribe')!)![1]!);

    // What Gmail's servers send (RFC 8058 §3.2): a form post, no cookies, from elsewhere.
    const mailClient = new TestClient(server.app);
    const res = await mailClient.request('POST', url.pathname, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ workspaceName: 'Harbour Bakery', unsubscribed: true });

    const status = (await owner.client.get(api(`/outreach/contacts/${c.id}/mail-status`))).json();
    expect(status).toMatchObject({ consentState: 'withdrawn', marketingAllowed: false, consent: { state: 'withdrawn', source: 'unsubscribe_one_click' }, suppression: { reason: 'unsubscribed', source: 'unsubscribe_one_click' } });
    const notes = (await owner.client.get(api(`/timeline?recordType=contacts&recordId=${c.id}&kinds=note`))).json();
    expect(notes.items[0]).toMatchObject({ subject: 'Unsubscribed from marketing email' });
    expect(notes.items[0].body).toContain('one click in their mail client');

    // The next message is stopped at send time, even if consent were recorded again by mistake.
    const again = await send(c.id, { subject: 'Second one' });
    expect(again.json().error).toMatchObject({ code: 'recipient_blocked', details: { reason: 'unsubscribed' } });
    await owner.client.post(api(`/outreach/contacts/${c.id}/consent`), { state: 'granted', source: 'manual' });
    expect((await send(c.id, { subject: 'Third one' })).json().error.details.reason).toBe('unsubscribed');
    expect(server.smtp.mailsTo(c.email).map((m) => m.subject)).toEqual(['Fresh sourdough this Friday']);

    // Posting twice changes nothing more; the timeline has one entry.
    expect((await mailClient.request('POST', url.pathname, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(200);
    expect((await owner.client.get(api(`/timeline?recordType=contacts&recordId=${c.id}&kinds=note`))).json().items).toHaveLength(1);

    // Stored by the hash of the lower-cased address: the table never holds the address itself.
    const { rows } = await server.services.database.system.execute(sql`SELECT address_hash FROM outreach_suppressions WHERE workspace_id = ${owner.workspaceId}`);
    expect(JSON.stringify(rows)).not.toContain(c.email);
  });

  it('MAIL-4 the footer link opens a page that names only the sender, and its button unsubscribes; a signed-in visitor needs no CSRF token', async () => {
    const c = await consented();
    await send(c.id);
    const token = tokenOf(await server.smtp.waitForMail(c.email));
    const visitor = new TestClient(server.app);
    const page = await visitor.get(`/api/public/outreach/unsubscribe/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.json()).toEqual({ workspaceName: 'Harbour Bakery', unsubscribed: false });
    // A GET never unsubscribes (link scanners follow links).
    expect((await owner.client.get(api(`/outreach/contacts/${c.id}/mail-status`))).json().suppression).toBeNull();

    // The reader may be signed in to Kestrel in the same browser: the page's post carries the session cookie but no CSRF token.
    const signedIn = new TestClient(server.app);
    signedIn.cookie = owner.client.cookie;
    const res = await signedIn.post(`/api/public/outreach/unsubscribe/${token}`, { via: 'page' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await visitor.get(`/api/public/outreach/unsubscribe/${token}`)).json().unsubscribed).toBe(true);
    const status = (await owner.client.get(api(`/outreach/contacts/${c.id}/mail-status`))).json();
    expect(status.suppression).toMatchObject({ reason: 'unsubscribed', source: 'unsubscribe_link' });
  });

  it('MAIL-4 a forged or altered unsubscribe token finds nothing and records nothing', async () => {
    const c = await consented();
    await send(c.id);
    const token = tokenOf(await server.smtp.waitForMail(c.email));
    const [ws, id] = token.split('.');
    const visitor = new TestClient(server.app);
    for (const bad of [`${ws}.${id}.AAAAAAAAAAAAAAAAAAAAAA`, `${ws}.${id}`, 'nonsense']) {
      const res = await visitor.request('POST', `/api/public/outreach/unsubscribe/${bad}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.statusCode).toBe(404);
    }
    expect((await owner.client.get(api(`/outreach/contacts/${c.id}/mail-status`))).json()).toMatchObject({ suppression: null, consentState: 'granted' });
  });

  it('MAIL-4 restricted contacts (PRIV-5) and bounced or complained addresses get no marketing; transactional mail still reaches an unsubscribed one', async () => {
    const r = await consented({ restricted: true });
    expect((await send(r.id)).json().error).toMatchObject({ code: 'recipient_blocked', details: { reason: 'restricted' } });

    const b = await consented();
    await server.services.database.system.execute(sql`INSERT INTO outreach_suppressions (workspace_id, address_hash, reason, source) VALUES (${owner.workspaceId}, encode(sha256(convert_to(lower(${b.email.toUpperCase()}), 'UTF8')), 'hex'), 'bounced', 'test')`);
    expect((await send(b.id)).json().error.details.reason).toBe('bounced');
    expect((await send(b.id, { stream: 'transactional' })).json().error.details.reason).toBe('bounced');

    const u = await consented();
    await send(u.id);
    const token = tokenOf(await server.smtp.waitForMail(u.email));
    await new TestClient(server.app).post(`/api/public/outreach/unsubscribe/${token}`, { via: 'page' });
    const receipt = await send(u.id, { stream: 'transactional', subject: 'Your receipt' });
    expect(receipt.statusCode, receipt.body).toBe(200);
    const mail = await server.smtp.waitForMail(u.email, (m) => m.subject === 'Your receipt');
    expect(rawHeader(mail, 'List-Unsubscribe')).toBeNull();
    expect(server.smtp.mailsTo(r.email).concat(server.smtp.mailsTo(b.email))).toHaveLength(0);
  });
});

describe('erasure', () => {
  it('MAIL-4 an erased person stays unmailable: their address is kept only as a hash, and a re-imported contact with it gets nothing', async () => {
    const gone = await consented();
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) => suppressErasedAddress(tx, owner.workspaceId, gone.email));
    expect((await owner.client.delete(api(`/contacts/${gone.id}`))).statusCode).toBeLessThan(300);
    const again = await consented({ emails: [gone.email.toUpperCase()] });
    const res = await send(again.id);
    expect(res.json().error).toMatchObject({ code: 'recipient_blocked', details: { reason: 'erased' } });
    const { rows } = await server.services.database.system.execute(sql`SELECT reason, source FROM outreach_suppressions WHERE workspace_id = ${owner.workspaceId} AND reason = 'erased'`);
    expect(rows).toEqual([{ reason: 'erased', source: 'erasure' }]);
  });

  it('MAIL-4 PRIV-3 one suppression list: the migration moves the erased emails and phones of the old privacy list into it, erasure winning over an earlier reason, and drops the old table', async () => {
    const file = readdirSync('db/migrations').find((f) => f.endsWith('_one_suppression_list.sql'))!;
    const statements = readFileSync(`db/migrations/${file}`, 'utf8').split('--> statement-breakpoint');
    const hash = (v: string) => createHash('sha256').update(v).digest('hex');
    const [erasedOnly, wasUnsubscribed, phone] = [hash(`old-erased-${n++}@example.test`), hash(`old-unsub-${n++}@example.test`), hash(`+9198765${String(n++).padStart(5, '0')}`)];
    const client = await server.services.database.systemPool.connect();
    try {
      await client.query('BEGIN');
      // The old table as it was, with rows an earlier version wrote.
      await client.query('CREATE TABLE privacy_suppressions (workspace_id uuid NOT NULL, kind text NOT NULL, hash text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (workspace_id, kind, hash))');
      await client.query(`INSERT INTO privacy_suppressions VALUES ($1, 'email', $2, '2026-01-02T03:04:05Z'), ($1, 'email', $3, now()), ($1, 'phone', $4, now())`, [owner.workspaceId, erasedOnly, wasUnsubscribed, phone]);
      await client.query(`INSERT INTO outreach_suppressions (workspace_id, address_hash, reason, source) VALUES ($1, $2, 'unsubscribed', 'unsubscribe_link')`, [owner.workspaceId, wasUnsubscribed]);
      for (const statement of statements) await client.query(statement);
      const { rows } = await client.query(`SELECT kind, address_hash, reason, source, created_at FROM outreach_suppressions WHERE workspace_id = $1 AND address_hash = ANY($2) ORDER BY kind, address_hash`, [owner.workspaceId, [erasedOnly, wasUnsubscribed, phone]]);
      expect(rows.map((r) => [r.kind, r.address_hash, r.reason, r.source])).toEqual(
        [['email', erasedOnly, 'erased', 'erasure'], ['email', wasUnsubscribed, 'erased', 'erasure'], ['phone', phone, 'erased', 'erasure']].sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
      );
      expect(rows.find((r) => r.address_hash === erasedOnly).created_at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect((await client.query(`SELECT to_regclass('privacy_suppressions') AS t`)).rows[0].t).toBeNull();
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});

describe('templates with merge fields', () => {
  const tpl = (body: Record<string, unknown>) => owner.client.post(api('/outreach/templates'), { name: 'Friday bake', subject: 'Fresh bread for {{contact.firstName | "you"}}', html: '<p>Hi {{contact.firstName | "there"}},</p><p>{{company.name}} gets 10% off.</p>', ...body });

  it('MAIL-2 an unknown merge field is refused with a 400 that names it', async () => {
    const res = await tpl({ html: '<p>Hi {{contact.nickname}}</p>' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'unknown_merge_field', details: { field: 'contact.nickname' } });
    expect(res.json().error.message).toContain('contact.nickname');
  });

  it('MAIL-2 preview with a real contact: values escaped, fallbacks used, and a missing value without one blocks that send by name', async () => {
    await setAddress('12 Quay Street, Portsmouth PO1 2AB, UK');
    const company = (await owner.client.post(api('/companies'), { name: 'Crumb & <Co>' })).json();
    const t = await tpl({});
    expect(t.statusCode, t.body).toBe(201);
    const withCompany = await consented({ firstName: '<b>Zoë</b>', companyId: company.id });
    const preview = await owner.client.post(api(`/outreach/templates/${t.json().id}/preview`), { contactId: withCompany.id });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json().subject).toBe('Fresh bread for <b>Zoë</b>');
    expect(preview.json().html).toContain('Hi &lt;b&gt;Zoë&lt;/b&gt;,');
    expect(preview.json().html).toContain('Crumb &amp; &lt;Co&gt; gets 10% off.');

    const noName = await consented({ firstName: null, lastName: 'Ng', companyId: company.id });
    const fallback = (await owner.client.post(api(`/outreach/templates/${t.json().id}/preview`), { contactId: noName.id })).json();
    expect(fallback.html).toContain('Hi there,');

    const noCompany = await consented();
    const blocked = await owner.client.post(api(`/outreach/templates/${t.json().id}/send`), { contactId: noCompany.id, stream: 'marketing' });
    expect(blocked.statusCode).toBe(409);
    expect(blocked.json().error).toMatchObject({ code: 'merge_value_missing', details: { field: 'company.name' } });
    const sent = await owner.client.post(api(`/outreach/templates/${t.json().id}/send`), { contactId: withCompany.id, stream: 'marketing' });
    expect(sent.statusCode, sent.body).toBe(200);
    const mail = await server.smtp.waitForMail(withCompany.email);
    expect(mail.subject).toBe('Fresh bread for <b>Zoë</b>');
    expect(mail.html).toContain('Hi &lt;b&gt;Zoë&lt;/b&gt;,');
    expect(server.smtp.mailsTo(noCompany.email)).toHaveLength(0);
  });
});
