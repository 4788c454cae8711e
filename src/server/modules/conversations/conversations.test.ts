import { sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startFakeAi, type FakeAi } from '../../../../test/fakes/ai';
import { startSecondInstance, startTestServer, type TestServer } from '../../../../test/helpers/server';
import { sse } from '../../../../test/helpers/sse';
import { waitForWidgetMessage, widgetVisitor } from '../../../../test/helpers/widget-visitor';
import { isOpen } from './widget-settings';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPrivateAddress } from './fetch-page';

let server: TestServer;
let fake: FakeAi;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let staff: Awaited<ReturnType<typeof addMember>>;
let client: Awaited<ReturnType<typeof addMember>>;
let plain: Owner;

const SITE = 'https://bakery.example';
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const w = (o: { workspaceId: string }, path: string) => `/api/widget/${o.workspaceId}${path}`;
/** A visitor on the workspace's site: its own IP, the site's Origin, no cookies. */
const visitor = (o: { workspaceId: string }) => widgetVisitor(server.app, o, SITE);

beforeAll(async () => {
  fake = await startFakeAi();
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  staff = await addMember(server, owner, 'staff');
  client = await addMember(server, owner, 'client');
  const put = await owner.client.request('PUT', api(owner, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl });
  expect(put.statusCode, put.body).toBe(200);
  const s = await owner.client.patch(api(owner, '/widget-settings'), { allowedOrigins: [SITE], greeting: 'Hi! Ask us about cakes.', questions: ['When is your event?', 'How many guests?'] });
  expect(s.statusCode, s.body).toBe(200);
  for (const k of [
    { kind: 'faq', title: 'How much does a birthday cake cost?', body: 'A birthday cake for 10 people costs $40; for 20 people $70.' },
    { kind: 'page', title: 'Delivery', body: 'We deliver cakes within 10 km of the shop every day except Sunday.', url: `${SITE}/delivery` },
  ]) expect((await owner.client.post(api(owner, '/knowledge'), k)).statusCode).toBe(201);
  plain = await ownerWithWorkspace(server, 'No AI Florist');
  await plain.client.patch(api(plain, '/widget-settings'), { allowedOrigins: [SITE] });
}, 300_000);

beforeEach(() => fake.reset());

describe('website widget (public API)', () => {
  it('CONV-1 the widget config is served only to allowed origins, with CORS for them alone; an unknown workspace reveals nothing', async () => {
    const anon = new TestClient(server.app);
    const ok = await anon.get(w(owner, '/config'), { origin: SITE });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe(SITE);
    expect(ok.json()).toMatchObject({ greeting: 'Hi! Ask us about cakes.', openNow: true, assistant: true });
    const evil = await anon.get(w(owner, '/config'), { origin: 'https://evil.example' });
    expect(evil.statusCode).toBe(403);
    expect(evil.json().error.code).toBe('origin_not_allowed');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await anon.request('OPTIONS', w(owner, '/messages'), undefined, { origin: SITE, 'access-control-request-method': 'POST' });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(SITE);
    const none = await anon.get(w({ workspaceId: '01900000-0000-7000-8000-000000000000' }, '/config'));
    expect(none.statusCode).toBe(404);
    // A cross-site write from a page that is not allowed is refused before anything is stored.
    const write = await anon.post(w(owner, '/conversations'), {}, { origin: 'https://evil.example' });
    expect(write.statusCode).toBe(403);
  });

  it('CONV-1 a conversation resumes from its signed token; another token, a forged one or one of another workspace opens nothing', async () => {
    const v = visitor(owner);
    const first = await v.start();
    expect(first.messages.map((m: { body: string }) => m.body)).toEqual(['Hi! Ask us about cakes.']);
    const again = await v.c.post(w(owner, '/conversations'), { token: v.token }, { origin: SITE });
    expect(again.json().conversationId).toBe(first.conversationId);
    const [vid, cid] = v.token.split('.');
    const forged = `${vid}.${cid}.${'A'.repeat(43)}`;
    const read = await v.c.get(`${w(owner, '/messages')}?token=${forged}`, { origin: SITE });
    expect(read.statusCode).toBe(401);
    const elsewhere = await v.c.get(`${w(plain, '/messages')}?token=${v.token}`, { origin: SITE });
    expect(elsewhere.statusCode).toBe(401);
    // A forged token on resume starts a new conversation rather than opening the old one.
    const fresh = await v.c.post(w(owner, '/conversations'), { token: forged }, { origin: SITE });
    expect(fresh.json().conversationId).not.toBe(first.conversationId);
  });

  it('CONV-1 a message resent after a reconnect (same client id) is stored once; oversized messages are refused; visitor text is kept as text', async () => {
    fake.otherwise({ text: 'A birthday cake for 10 people costs $40.' });
    const v = visitor(owner);
    await v.start();
    const a = await v.send('<b>How much</b> is a birthday cake?', 'retry-1');
    const b = await v.send('<b>How much</b> is a birthday cake?', 'retry-1');
    expect(a.statusCode, a.body).toBe(200);
    expect(b.json().id).toBe(a.json().id);
    const visitorMsgs = (await v.read()).messages.filter((m: { author: string }) => m.author === 'visitor');
    expect(visitorMsgs).toHaveLength(1);
    expect(visitorMsgs[0].body).toBe('<b>How much</b> is a birthday cake?');
    const big = await v.send('x'.repeat(4001));
    expect(big.statusCode).toBe(400);
  });

  it('CONV-1 per-visitor rate limit on messages answers 429', async () => {
    fake.otherwise({ text: 'Cakes are $40.' });
    const v = visitor(owner);
    await v.start();
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) codes.push((await v.send(`cake ${i}`)).statusCode);
    expect(codes.slice(0, 30).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    // A refused message is not stored (issue 15: the limit is checked in the message's first round trip).
    const stored = (await v.read()).messages.filter((m: { author: string }) => m.author === 'visitor').map((m: { body: string }) => m.body);
    expect(stored).toHaveLength(30);
    expect(stored).not.toContain('cake 31');
  });
  it('CONV-1 made-up origins and workspaces are rate limited per IP before any database work; a change of allowed origins applies at once', async () => {
    const flood = new TestClient(server.app, '172.31.250.1');
    let last = 0;
    for (let i = 0; i < 61; i++) {
      const res = await flood.get(w({ workspaceId: crypto.randomUUID() }, '/config'), { origin: `https://x${i}.flood.example` });
      last = res.statusCode;
      if (i < 60) expect(res.statusCode).toBe(403);
      else expect(res.json().error.code).toBe('rate_limited');
    }
    expect(last).toBe(429);
    const shop = 'https://shop.bakery.example';
    const v = new TestClient(server.app, '172.31.250.2');
    expect((await v.get(w(owner, '/config'), { origin: shop })).statusCode).toBe(403);
    expect((await owner.client.patch(api(owner, '/widget-settings'), { allowedOrigins: [SITE, shop] })).statusCode).toBe(200);
    try {
      expect((await v.get(w(owner, '/config'), { origin: shop })).statusCode).toBe(200);
    } finally {
      await owner.client.patch(api(owner, '/widget-settings'), { allowedOrigins: [SITE] });
    }
    expect((await v.get(w(owner, '/config'), { origin: shop })).statusCode).toBe(403);
  });
});

describe('business hours', () => {
  it('CONV-1 business hours are read in their own time zone, across a DST change; outside them the widget says no one answers now, and a handoff says the reply comes when the team is back', async () => {
    const hours = { timeZone: 'America/Chicago', days: { mon: [['09:00', '17:00']] as [string, string][] } };
    // Monday 9 March 2026, the day after clocks went forward: 14:30Z is 09:30 CDT (it would be 08:30 in CST).
    expect(isOpen(hours, new Date('2026-03-09T14:30:00Z'))).toBe(true);
    expect(isOpen(hours, new Date('2026-03-09T13:30:00Z'))).toBe(false);
    expect(isOpen(hours, new Date('2026-03-08T16:00:00Z'))).toBe(false); // Sunday
    expect(isOpen(null)).toBe(true);
    const shop = await ownerWithWorkspace(server, 'Night Owl Bakery');
    const res = await shop.client.patch(api(shop, '/widget-settings'), { allowedOrigins: [SITE], businessHours: { timeZone: 'UTC', days: {} } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await new TestClient(server.app).get(w(shop, '/config'))).json().openNow).toBe(false);
    // Nobody joins "shortly" while the team is away: the visitor is told the reply comes when they are back.
    const late = visitor(shop);
    await late.start();
    await late.send('Do you bake on Sundays?');
    await waitForWidgetMessage(late, (m) => m.author === 'system' && m.body === "Thanks! We're away right now: a person from the team will reply here when we're back.");
    const asker = visitor(shop);
    await asker.start();
    await asker.c.post(w(shop, '/handoff'), { token: asker.token }, { origin: SITE });
    expect((await asker.read()).messages.map((m: { body: string }) => m.body)).toContain("You asked for a person. We're away right now: someone from the team will reply here when we're back.");
    // Open at all hours again: "shortly".
    await shop.client.patch(api(shop, '/widget-settings'), { businessHours: null });
    const day = visitor(shop);
    await day.start();
    await day.c.post(w(shop, '/handoff'), { token: day.token }, { origin: SITE });
    expect((await day.read()).messages.map((m: { body: string }) => m.body)).toContain('You asked for a person. Someone from the team will join here shortly.');
    const bad = await shop.client.patch(api(shop, '/widget-settings'), { businessHours: { timeZone: 'UTC', days: { mon: [['25:00', '26:00']] } } });
    expect(bad.statusCode).toBe(400);
    // A made-up time zone would leave the widget open at all hours; a range that closes before it opens, never.
    for (const businessHours of [{ timeZone: 'Mars/Olympus', days: {} }, { timeZone: 'UTC', days: { sat: [['14:00', '10:00']] } }]) {
      const refused = await shop.client.patch(api(shop, '/widget-settings'), { businessHours });
      expect(refused.statusCode, JSON.stringify(businessHours)).toBe(400);
      expect(refused.json().error.code).toBe('validation_failed');
    }
  });
});

describe('knowledge', () => {
  it('CONV-2 a page is fetched from the address the owner gives (as text, with its title); private addresses are refused unless the operator allows them', async () => {
    const site = createServer((req, res) => {
      if (req.url === '/moved') return void res.writeHead(302, { location: '/menu' }).end();
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><title>Our menu</title><style>p{}</style></head><body><h1>Cakes</h1><p>Carrot cake &amp; scones every Friday.</p><script>alert(1)</script></body></html>');
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/moved`;
    try {
      const refused = await owner.client.post(api(owner, '/knowledge/fetch'), { url });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('url_not_allowed');
      (server.services.config as { FETCH_ALLOW_PRIVATE_ADDRESSES: boolean }).FETCH_ALLOW_PRIVATE_ADDRESSES = true;
      const added = await owner.client.post(api(owner, '/knowledge/fetch'), { url });
      expect(added.statusCode, added.body).toBe(201);
      expect(added.json()).toMatchObject({ kind: 'page', title: 'Our menu' });
      expect(added.json().body).toContain('Carrot cake & scones every Friday.');
      expect(added.json().body).not.toContain('alert');
      expect(added.json().url).toMatch(/\/menu$/);
      expect((await staff.client.post(api(owner, '/knowledge/fetch'), { url })).statusCode).toBe(403);
    } finally {
      (server.services.config as { FETCH_ALLOW_PRIVATE_ADDRESSES: boolean }).FETCH_ALLOW_PRIVATE_ADDRESSES = false;
      site.close();
    }
    for (const a of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '192.168.0.1', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']) expect(isPrivateAddress(a), a).toBe(false);
  });
});

describe('assistant', () => {
  it('CONV-2 AI-4 the assistant answers from the knowledge with its sources and asks the qualifying questions; the reply is a recorded call', async () => {
    fake.otherwise({ text: 'A birthday cake for 10 people costs $40. When is your event?' });
    const v = visitor(owner);
    await v.start();
    await v.send('How much is a birthday cake for my party?');
    const answer = await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect(answer.body).toBe('A birthday cake for 10 people costs $40. When is your event?');
    expect((answer as unknown as { sources: { title: string }[] }).sources.map((s) => s.title)).toContain('How much does a birthday cake cost?');
    const sent = fake.requests.find((r) => r.endpoint === 'chat' && r.raw.includes('for my party'))!.raw;
    expect(sent).toContain('costs $40');
    expect(sent).toContain('When is your event?');
    expect(sent).toContain('How many guests?');
    const calls = (await owner.client.get(api(owner, '/ai/calls?feature=assistant'))).json().items;
    expect(calls.length).toBeGreaterThan(0);
  });

  it('CONV-2 the products invoicing sells are knowledge: a price comes from the product, cited; a changed price is what the assistant is told next; cost never; the entry changes only in invoicing', async () => {
    const shop = await ownerWithWorkspace(server, 'Desk Outfitters');
    expect((await shop.client.request('PUT', api(shop, '/ai/provider'), { kind: 'openai', model: 'gpt-4o-mini', apiKey: 'sk-test-0123456789', baseUrl: fake.baseUrl })).statusCode).toBe(200);
    await shop.client.patch(api(shop, '/widget-settings'), { allowedOrigins: [SITE] });
    const made = await shop.client.post(api(shop, '/invoicing/products'), { sku: 'STAND-1', name: 'Laptop stand', hsn: '8471', uqc: 'NOS', pricePaise: 1_250_00, costPricePaise: 777_00, rateBps: 1800 });
    expect(made.statusCode, made.body).toBe(201);
    const knowledge = async () => (await shop.client.get(api(shop, '/knowledge'))).json().items as { id: string; kind: string; title: string; body: string }[];
    const [entry] = (await knowledge()).filter((k) => k.kind === 'product');
    expect(entry).toMatchObject({ title: 'Laptop stand', body: 'Laptop stand (SKU STAND-1) is a product we sell. Price: ₹1,250.00 each, plus GST of 18%.' });

    fake.otherwise({ text: 'The laptop stand is ₹1,250.00 plus 18% GST.' });
    const v = visitor(shop);
    await v.start();
    await v.send('What does the laptop stand cost?');
    const answer = await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect((answer as unknown as { sources: { title: string }[] }).sources.map((s) => s.title)).toEqual(['Laptop stand']);
    const sent = fake.requests.find((r) => r.endpoint === 'chat' && r.raw.includes('laptop stand cost'))!.raw;
    expect(sent).toContain('₹1,250.00 each, plus GST of 18%');
    expect(sent).not.toContain('777');

    // A new price (GST now included) rewrites the same entry, and the next answer is given it.
    const changed = await shop.client.patch(api(shop, `/invoicing/products/${made.json().id}`), { version: 1, pricePaise: 1_499_00, priceIncludesTax: true });
    expect(changed.statusCode, changed.body).toBe(200);
    const products = (await knowledge()).filter((k) => k.kind === 'product');
    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ id: entry!.id, body: 'Laptop stand (SKU STAND-1) is a product we sell. Price: ₹1,499.00 each, GST of 18% included.' });
    fake.reset();
    fake.otherwise({ text: 'It is ₹1,499.00 including GST.' });
    await v.send('And the laptop stand price today?');
    await waitForWidgetMessage(v, (m) => m.author === 'assistant' && m.body.includes('1,499'));
    expect(fake.requests.find((r) => r.endpoint === 'chat')!.raw).toContain('₹1,499.00 each, GST of 18% included');

    // Written from invoicing: the knowledge editor cannot change or remove it.
    const edit = await shop.client.patch(api(shop, `/knowledge/${entry!.id}`), { body: 'Free laptop stands!' });
    expect(edit.statusCode).toBe(409);
    expect(edit.json().error.code).toBe('product_entry');
    expect((await shop.client.delete(api(shop, `/knowledge/${entry!.id}`))).statusCode).toBe(409);
    // A product with no price is not given a made-up one.
    await shop.client.post(api(shop, '/invoicing/products'), { sku: 'FIT-1', name: 'Desk fitting', hsn: '998719', uqc: 'NOS', pricePaise: 0, rateBps: 1800 });
    expect((await knowledge()).find((k) => k.title === 'Desk fitting')?.body).toBe('Desk fitting (SKU FIT-1) is a service we offer. Its price is not listed: a person from the team will tell you.');
  });

  it('CONV-2 with no knowledge for the question the assistant calls no chat model, never invents, and asks a person', async () => {
    const v = visitor(owner);
    await v.start();
    await v.send('Do you sell wedding flowers?');
    await waitForWidgetMessage(v, (m) => m.author === 'system' && /person/.test(m.body));
    const msgs = (await v.read()).messages;
    expect(msgs.find((m: { author: string }) => m.author === 'assistant').body).toMatch(/ask a person/);
    // Looking the question up by meaning embeds it (a recorded call); no chat model is asked.
    expect(fake.requests.filter((r) => r.endpoint === 'chat')).toHaveLength(0);
    expect((await v.read()).holder).toBe('human');
  });

  it('CONV-2 the model saying the knowledge has no answer becomes a handoff request', async () => {
    fake.reply({ text: '[HANDOFF]' });
    const v = visitor(owner);
    await v.start();
    await v.send('Can a cake be delivered on a Sunday at a discount?');
    await waitForWidgetMessage(v, (m) => m.author === 'assistant' && /ask a person/.test(m.body));
    expect((await v.read()).holder).toBe('human');
  });

  it('AI-8 with no provider configured the widget works as live chat: the message waits for a person', async () => {
    const v = visitor(plain);
    await v.start();
    const sent = await v.send('Hello, are you open today?');
    expect(sent.statusCode).toBe(200);
    await waitForWidgetMessage(v, (m) => m.author === 'system' && /person from the team will reply/.test(m.body));
    const inbox = (await plain.client.get(api(plain, '/conversations?view=unassigned&status=open'))).json().items;
    expect(inbox[0].flagReason).toBe('no_ai_provider');
    expect(inbox[0].unread).toBe(1);
  });

  it('CONV-2 a failing provider keeps the message and flags the conversation for a person', async () => {
    fake.otherwise({ status: 401, message: 'bad key' });
    const v = visitor(owner);
    await v.start();
    await v.send('How much is a birthday cake for 20?');
    await waitForWidgetMessage(v, (m) => m.author === 'system' && /unavailable/.test(m.body));
    expect((await v.read()).messages.some((m: { body: string }) => m.body === 'How much is a birthday cake for 20?')).toBe(true);
    const list = (await staff.client.get(api(owner, '/conversations?status=open'))).json().items;
    expect(list.some((c: { flagReason: string }) => c.flagReason === 'ai_failed')).toBe(true);
  });

  it('CONV-2 CRM-4 a lead becomes a contact (source "website chat", consent as given) with the transcript on its timeline, system lines in the team\'s wording; the same email is not duplicated', async () => {
    fake.otherwise({ text: 'Cakes start at $40.' });
    const v = visitor(owner);
    await v.start();
    await v.send('How much is a cake?');
    await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    const res = await v.c.post(w(owner, '/contact'), { token: v.token, name: 'Mia Lopez', email: 'Mia@Example.test', consent: true }, { origin: SITE });
    expect(res.statusCode, res.body).toBe(200);
    const found = (await owner.client.get(api(owner, '/contacts?q=mia@example.test'))).json();
    const contacts = (found.items ?? []).filter((c: { email: string }) => c.email === 'mia@example.test');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ source: 'website chat', consentState: 'granted', firstName: 'Mia', lastName: 'Lopez' });
    const timeline = (await owner.client.get(api(owner, `/timeline?recordType=contacts&recordId=${contacts[0].id}`))).json().items;
    expect(timeline[0].kind).toBe('chat');
    const transcript: string = timeline[0].bodyText ?? timeline[0].body;
    expect(transcript).toContain('How much is a cake?');
    // CONV-3: the timeline is the team's: the system line reads as in the staff inbox, not as the visitor was told it.
    expect(transcript).toContain('System: Mia Lopez left their details (mia@example.test) and agreed to hear about offers.');
    expect(transcript).not.toContain('follow up at');
    const v2 = visitor(owner);
    await v2.start();
    await v2.c.post(w(owner, '/contact'), { token: v2.token, name: 'Mia L', email: 'mia@example.test', consent: false }, { origin: SITE });
    const again = (await owner.client.get(api(owner, '/contacts?q=mia@example.test'))).json().items.filter((c: { email: string }) => c.email === 'mia@example.test');
    expect(again).toHaveLength(1);
  });

  it('CONV-2 MAIL-4 a visitor who leaves the "keep me posted" box unticked is recorded with consent not given (unknown), not denied; ticking it records consent with source, time and proof', async () => {
    const v = visitor(owner);
    await v.start();
    const res = await v.c.post(w(owner, '/contact'), { token: v.token, name: 'Noa Quiet', email: 'noa.quiet@example.test', consent: false }, { origin: SITE });
    expect(res.statusCode, res.body).toBe(200);
    const contact = (await owner.client.get(api(owner, '/contacts?q=noa.quiet@example.test'))).json().items.find((c: { email: string }) => c.email === 'noa.quiet@example.test');
    expect(contact).toMatchObject({ source: 'website chat', consentState: 'unknown' });
    expect((await owner.client.get(api(owner, `/outreach/contacts/${contact.id}/mail-status`))).json().consent).toBeNull();
    // Ticked, later in another chat: granted, with source "website chat", time and proof.
    const again = visitor(owner);
    await again.start();
    await again.c.post(w(owner, '/contact'), { token: again.token, name: 'Noa Quiet', email: 'noa.quiet@example.test', consent: true }, { origin: SITE });
    const status = (await owner.client.get(api(owner, `/outreach/contacts/${contact.id}/mail-status`))).json();
    expect(status.consentState).toBe('granted');
    expect(status.consent).toMatchObject({ state: 'granted', source: 'website_chat' });
    expect(status.consent.proof).toContain('in the website chat');
    expect(Date.parse(status.consent.recordedAt)).not.toBeNaN();
  });

  it('AI-6 with redaction on, every turn sent to the model is redacted: the team’s replies as well as the visitor’s', async () => {
    expect((await owner.client.request('PUT', api(owner, '/ai/settings'), { redactPii: true })).statusCode).toBe(200);
    try {
      fake.otherwise({ text: 'A birthday cake costs $40.' });
      const v = visitor(owner);
      const { conversationId: id } = await v.start();
      await v.c.post(w(owner, '/handoff'), { token: v.token }, { origin: SITE });
      expect((await staff.client.post(api(owner, `/conversations/${id}/messages`), { kind: 'reply', body: 'Call Sam on +1 415 555 0199 or write to sam@crumb.example' })).statusCode).toBe(201);
      expect((await owner.client.post(api(owner, `/conversations/${id}/return`))).statusCode).toBe(200);
      await v.send('Thanks! I am at vera@home.example, how much is a birthday cake?');
      await waitForWidgetMessage(v, (m) => m.author === 'assistant' && m.body === 'A birthday cake costs $40.');
      const sent = fake.requests.find((r) => r.endpoint === 'chat' && r.raw.includes('how much is a birthday cake'))!;
      // The question looked up by meaning is redacted too (AI-6).
      for (const e of fake.requests.filter((r) => r.endpoint === 'embeddings')) expect(e.raw).not.toContain('vera@home.example');
      const turns = sent.body.messages.map((m: { content: unknown }) => JSON.stringify(m.content)).join('\n');
      expect(turns).toContain('Call Sam on [phone] or write to [email]');
      expect(turns).toContain('I am at [email]');
      expect(sent.raw).not.toContain('555 0199');
      expect(sent.raw).not.toContain('sam@crumb.example');
      expect(sent.raw).not.toContain('vera@home.example');
    } finally {
      await owner.client.request('PUT', api(owner, '/ai/settings'), { redactPii: false });
    }
  });

  it('AI-6 a visitor linked to a restricted contact never reaches the model', async () => {
    const made = await owner.client.post(api(owner, '/contacts'), { firstName: 'Rita', emails: ['rita@example.test'], restricted: true });
    expect(made.statusCode, made.body).toBe(201);
    const v = visitor(owner);
    await v.start();
    await v.c.post(w(owner, '/contact'), { token: v.token, name: 'Rita R', email: 'rita@example.test', consent: true }, { origin: SITE });
    await v.send('How much is a birthday cake?');
    await waitForWidgetMessage(v, (m) => m.author === 'system' && /person from the team will reply/.test(m.body));
    expect(fake.requests).toHaveLength(0);
  });
});

describe('handoff and inbox', () => {
  it('CONV-3 CONV-4 "person" hands over; a teammate joins, replies and notes (notes unseen), the assistant stays silent, then returns', async () => {
    fake.otherwise({ text: 'Our cakes cost $40.' });
    const v = visitor(owner);
    const { conversationId: id } = await v.start();
    await v.send('Can I talk to a person please?');
    expect((await v.read()).holder).toBe('human');
    const unread = (await staff.client.get(api(owner, '/conversations/unread'))).json();
    expect(unread.unassigned).toBeGreaterThan(0);
    const joined = await staff.client.post(api(owner, `/conversations/${id}/join`));
    expect(joined.statusCode, joined.body).toBe(200);
    expect(joined.json().conversation.assigneeUserId).toBe(staff.userId);
    await staff.client.post(api(owner, `/conversations/${id}/messages`), { kind: 'reply', body: 'Hi, I am here. How can I help?' });
    await staff.client.post(api(owner, `/conversations/${id}/messages`), { kind: 'note', body: 'Likely a wedding order' });
    await v.send('How much is a birthday cake?');
    const seen = (await v.read()).messages;
    expect(seen.some((m: { author: string; body: string }) => m.author === 'system' && m.body === 'staff joined the conversation.')).toBe(true);
    expect(seen.some((m: { author: string; authorName: string }) => m.author === 'staff' && m.authorName === 'staff')).toBe(true);
    expect(seen.some((m: { body: string }) => m.body.includes('wedding order'))).toBe(false);
    const detail = (await staff.client.get(api(owner, `/conversations/${id}`))).json();
    expect(detail.messages.some((m: { author: string }) => m.author === 'note')).toBe(true);
    // CONV-3: the team reads the system lines from its own side; the widget (above) keeps the visitor's wording.
    const teamLines = (d: { messages: { author: string; body: string }[] }) => d.messages.filter((m) => m.author === 'system').map((m) => m.body);
    expect(teamLines(detail)).toEqual(['Hi! Ask us about cakes.', 'The visitor asked for a person.', 'staff joined.']);
    expect(detail.conversation.unread).toBe(0);
    expect(fake.requests).toHaveLength(0);
    const back = await staff.client.post(api(owner, `/conversations/${id}/return`));
    expect(back.json().conversation).toMatchObject({ holder: 'assistant', status: 'pending' });
    await v.send('And delivery?');
    await waitForWidgetMessage(v, (m) => m.author === 'system' && m.body === 'The assistant is back. Ask for a person at any time.');
    await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect(teamLines((await staff.client.get(api(owner, `/conversations/${id}`))).json())).toEqual(['Hi! Ask us about cakes.', 'The visitor asked for a person.', 'staff joined.', 'The assistant is back.']);
  });

  it('CONV-4 client-role members see nothing of the inbox; filters by mine, unassigned, channel and status', async () => {
    expect((await client.client.get(api(owner, '/conversations'))).statusCode).toBe(403);
    expect((await client.client.get(api(owner, '/conversations/unread'))).statusCode).toBe(403);
    const v = visitor(owner);
    const { conversationId: id } = await v.start();
    await v.c.post(w(owner, '/handoff'), { token: v.token }, { origin: SITE });
    expect((await staff.client.get(api(owner, '/conversations?view=unassigned'))).json().items.some((c: { id: string }) => c.id === id)).toBe(true);
    await staff.client.patch(api(owner, `/conversations/${id}`), { assignee: 'me', priority: 'high' });
    const mine = (await staff.client.get(api(owner, '/conversations?view=mine'))).json().items;
    expect(mine.find((c: { id: string }) => c.id === id)).toMatchObject({ priority: 'high', assigneeUserId: staff.userId });
    expect((await owner.client.get(api(owner, '/conversations?view=mine'))).json().items.some((c: { id: string }) => c.id === id)).toBe(false);
    // By channel: a web chat is under web, not under email or WhatsApp.
    expect((await staff.client.get(api(owner, '/conversations?channel=web'))).json().items.some((c: { id: string }) => c.id === id)).toBe(true);
    for (const other of ['email', 'whatsapp']) expect((await staff.client.get(api(owner, `/conversations?channel=${other}`))).json().items.some((c: { id: string }) => c.id === id), other).toBe(false);
    const bad = await staff.client.patch(api(owner, `/conversations/${id}`), { assignee: client.userId });
    expect(bad.statusCode).toBe(400);
    // CONV-4: a rating only after resolution.
    expect((await v.c.post(w(owner, '/rating'), { token: v.token, rating: 5 }, { origin: SITE })).statusCode).toBe(409);
    await staff.client.patch(api(owner, `/conversations/${id}`), { status: 'resolved' });
    expect((await v.c.post(w(owner, '/rating'), { token: v.token, rating: 4 }, { origin: SITE })).statusCode).toBe(200);
    expect((await staff.client.get(api(owner, `/conversations/${id}`))).json().conversation.rating).toBe(4);
  });

  it('CONV-4 saved replies: staff save, change and delete them for the whole team; a shortcut is taken once; bad input is a 400; clients see none', async () => {
    const made = await staff.client.post(api(owner, '/canned-replies'), { shortcut: 'prices', body: 'A birthday cake for 10 people costs $40.' });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    // The owner sees what staff saved: they are the team's, not one person's.
    expect((await owner.client.get(api(owner, '/canned-replies'))).json().items).toContainEqual({ id, shortcut: 'prices', body: 'A birthday cake for 10 people costs $40.' });
    const again = await owner.client.post(api(owner, '/canned-replies'), { shortcut: 'prices', body: 'Another text' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'shortcut_taken', details: { fields: { shortcut: 'Already used.' } } });
    expect((await staff.client.post(api(owner, '/canned-replies'), { shortcut: 'two words', body: 'x' })).statusCode).toBe(400);
    expect((await staff.client.post(api(owner, '/canned-replies'), { shortcut: 'empty', body: '' })).statusCode).toBe(400);
    const changed = await owner.client.patch(api(owner, `/canned-replies/${id}`), { body: 'Cakes start at $40 for 10 people.' });
    expect(changed.json()).toMatchObject({ id, shortcut: 'prices', body: 'Cakes start at $40 for 10 people.' });
    expect((await client.client.get(api(owner, '/canned-replies'))).statusCode).toBe(403);
    expect((await client.client.post(api(owner, '/canned-replies'), { shortcut: 'sneaky', body: 'x' })).statusCode).toBe(403);
    expect((await staff.client.delete(api(owner, `/canned-replies/${id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(owner, '/canned-replies'))).json().items.some((r: { id: string }) => r.id === id)).toBe(false);
    expect((await staff.client.delete(api(owner, `/canned-replies/${id}`))).statusCode).toBe(404);
  });

  it('CONV-4 auto-assignment goes round-robin up to each member’s cap; queued conversations are assigned as capacity frees', async () => {
    const shop = await ownerWithWorkspace(server, 'Round Robin Cafe');
    const second = await addMember(server, shop, 'staff');
    await shop.client.patch(api(shop, '/widget-settings'), { allowedOrigins: [SITE], autoAssign: true, assignCap: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const v = visitor(shop);
      ids.push((await v.start()).conversationId);
      await v.c.post(w(shop, '/handoff'), { token: v.token }, { origin: SITE });
    }
    const list = async () => (await shop.client.get(api(shop, '/conversations?status=open'))).json().items as { id: string; assigneeUserId: string | null }[];
    const byId = async () => new Map((await list()).map((c) => [c.id, c.assigneeUserId]));
    let now = await byId();
    expect(new Set([now.get(ids[0]!), now.get(ids[1]!)])).toEqual(new Set([shop.userId, second.userId]));
    expect(now.get(ids[2]!)).toBeNull();
    await shop.client.patch(api(shop, `/conversations/${ids[0]}`), { status: 'resolved' });
    now = await byId();
    expect(now.get(ids[2]!)).not.toBeNull();
  });

  it('CONV-7 a visitor transcript is erased on request, from the conversation and the contact timeline, and audited', async () => {
    fake.otherwise({ text: 'Cakes are $40.' });
    const v = visitor(owner);
    const { conversationId: id } = await v.start();
    await v.send('My address is 1 Main St, how much is a cake?');
    await v.c.post(w(owner, '/contact'), { token: v.token, name: 'Eve Erase', email: 'eve@example.test', consent: true }, { origin: SITE });
    expect((await staff.client.post(api(owner, `/conversations/${id}/erase`))).statusCode).toBe(403);
    const erased = await owner.client.post(api(owner, `/conversations/${id}/erase`));
    expect(erased.statusCode, erased.body).toBe(200);
    expect(erased.json().messages.map((m: { body: string }) => m.body)).toEqual(['The transcript was erased on request.']);
    expect(erased.json().visitor).toMatchObject({ name: null, email: null, ip: null, userAgent: null, pageUrl: null });
    const contact = (await owner.client.get(api(owner, '/contacts?q=eve@example.test'))).json().items[0];
    const timeline = (await owner.client.get(api(owner, `/timeline?recordType=contacts&recordId=${contact.id}`))).json().items;
    expect(timeline.filter((a: { kind: string }) => a.kind === 'chat')).toHaveLength(0);
    const audit = (await owner.client.get(api(owner, '/audit?limit=50'))).json().entries;
    expect(audit.some((e: { action: string; targetId: string }) => e.action === 'conversation.transcript_erased' && e.targetId === id)).toBe(true);
  });

  it('CONV-7 every chat transcript of a contact is erased at once, from the contact', async () => {
    fake.otherwise({ text: 'Cakes are $40.' });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const v = visitor(owner);
      ids.push((await v.start()).conversationId);
      await v.send(`Secret detail ${i}, how much is a cake?`);
      await v.c.post(w(owner, '/contact'), { token: v.token, name: 'Zoe Gone', email: 'zoe@example.test', consent: false }, { origin: SITE });
    }
    const contact = (await owner.client.get(api(owner, '/contacts?q=zoe@example.test'))).json().items[0];
    expect(contact.consentState).toBe('unknown');
    const res = await owner.client.post(api(owner, '/conversations/erase-by-contact'), { contactId: contact.id });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().erased).toBe(2);
    for (const id of ids) {
      const d = (await owner.client.get(api(owner, `/conversations/${id}`))).json();
      expect(JSON.stringify(d.messages)).not.toContain('Secret detail');
    }
    const timeline = (await owner.client.get(api(owner, `/timeline?recordType=contacts&recordId=${contact.id}`))).json().items;
    expect(timeline.filter((a: { kind: string }) => a.kind === 'chat')).toHaveLength(0);
  });

  it('CONV-7 AI-4 erasing a transcript scrubs the words from the AI call records (usage kept), and a reply the model was still writing is dropped', async () => {
    const callsOf = async (conversationId: string) =>
      (
        await server.services.database.system.execute<{ text: string; tokens_in: number | null; feature: string }>(
          sql`SELECT prompt::text || coalesce(output::text, '') AS text, tokens_in, feature FROM ai_calls WHERE workspace_id = ${owner.workspaceId} AND record_refs @> ${JSON.stringify([{ type: 'conversations', id: conversationId }])}::jsonb`,
        )
      ).rows;
    fake.otherwise({ text: 'A birthday cake costs $40.' });
    const v = visitor(owner);
    const { conversationId: id } = await v.start();
    await v.send('Marmalade Xylophone here: how much is a birthday cake?');
    await waitForWidgetMessage(v, (m) => m.author === 'assistant');
    expect((await callsOf(id)).some((c) => c.text.includes('Marmalade Xylophone'))).toBe(true);
    expect((await owner.client.post(api(owner, `/conversations/${id}/erase`))).statusCode).toBe(200);
    const scrubbed = await callsOf(id);
    expect(scrubbed.length).toBeGreaterThan(0);
    expect(scrubbed.some((c) => c.text.includes('Marmalade'))).toBe(false);
    expect(scrubbed.every((c) => c.tokens_in !== null)).toBe(true);

    // The model is still thinking when the transcript is erased: its reply never appears, its call keeps no words.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    fake.otherwise(async () => {
      await gate;
      return { text: 'A birthday cake costs $40, Quokka.' };
    });
    const late = visitor(owner);
    const { conversationId: lateId } = await late.start();
    await late.send('Quokka Lantern asks: how much is a birthday cake?');
    await vi.waitFor(() => expect(fake.requests.some((r) => r.raw.includes('Quokka Lantern'))).toBe(true), { timeout: 15_000 });
    expect((await owner.client.post(api(owner, `/conversations/${lateId}/erase`))).statusCode).toBe(200);
    release();
    await vi.waitFor(
      async () => {
        const calls = await callsOf(lateId);
        // The model's call, and the question's embedding when the knowledge is indexed by meaning (recorded with it, issue 15).
        expect(calls.filter((c) => c.feature === 'assistant')).toHaveLength(1);
        expect(calls.every((c) => c.feature === 'assistant' || c.feature === 'assistant:query')).toBe(true);
        for (const c of calls) expect(c.text).not.toContain('Quokka');
      },
      { timeout: 15_000, interval: 50 },
    );
    const d = (await owner.client.get(api(owner, `/conversations/${lateId}`))).json();
    expect(d.messages.map((m: { author: string }) => m.author)).toEqual(['system']);
  });
});

/** Reads server-sent events from a real HTTP response. */
describe('live updates', () => {
  it('CONV-4 two app instances on one database see each other’s events: a visitor writes on one, staff streaming from the other hear it', async () => {
    const b = await startSecondInstance(server, { runJobs: false });
    const urlB = b.url;
    try {
      const staffStream = await sse(`${urlB}${api(owner, '/conversations/live')}`, { cookie: staff.client.cookie! });
      await vi.waitFor(() => expect(staffStream.events.some((e) => e.event === 'unread')).toBe(true));
      const v = visitor(owner);
      const { conversationId: id } = await v.start();
      await v.c.post(w(owner, '/handoff'), { token: v.token }, { origin: SITE });
      await vi.waitFor(() => expect(staffStream.events.some((e) => e.event === 'change' && e.data.conversationId === id)).toBe(true), { timeout: 10_000 });
      // And the other way: staff reply on instance B reaches the visitor's stream on instance A.
      const visitorStream = await sse(`${server.url}${w(owner, '/messages')}?token=${encodeURIComponent(v.token)}`, { origin: SITE });
      await vi.waitFor(() => expect(visitorStream.events.some((e) => e.event === 'status')).toBe(true));
      const res = await fetch(`${urlB}${api(owner, `/conversations/${id}/messages`)}`, {
        method: 'POST',
        headers: { cookie: staff.client.cookie!, 'x-csrf-token': staff.client.csrf!, 'content-type': 'application/json', origin: urlB },
        body: JSON.stringify({ kind: 'reply', body: 'Hello from instance B' }),
      });
      expect(res.status).toBe(201);
      await vi.waitFor(() => expect(visitorStream.events.some((e) => e.event === 'message' && e.data.body === 'Hello from instance B')).toBe(true), { timeout: 10_000 });
      staffStream.close();
      visitorStream.close();
    } finally {
      await b.close();
    }
  });

  it('CONV-1 the visitor stream resumes from Last-Event-ID without losing or repeating messages', async () => {
    fake.otherwise({ text: 'Cakes are $40.' });
    const v = visitor(owner);
    const { conversationId: id } = await v.start();
    await v.c.post(w(owner, '/handoff'), { token: v.token }, { origin: SITE });
    const first = await sse(`${server.url}${w(owner, '/messages')}?token=${encodeURIComponent(v.token)}`, { origin: SITE });
    await vi.waitFor(() => expect(first.events.filter((e) => e.event === 'message').length).toBeGreaterThanOrEqual(2));
    const lastId = first.events.filter((e) => e.event === 'message').at(-1)!.id!;
    first.close();
    // While the visitor is offline, staff write twice.
    await staff.client.post(api(owner, `/conversations/${id}/messages`), { kind: 'reply', body: 'one' });
    await staff.client.post(api(owner, `/conversations/${id}/messages`), { kind: 'reply', body: 'two' });
    const second = await sse(`${server.url}${w(owner, '/messages')}?token=${encodeURIComponent(v.token)}`, { origin: SITE, 'last-event-id': lastId });
    await vi.waitFor(() => expect(second.events.filter((e) => e.event === 'message').map((e) => e.data.body)).toEqual(expect.arrayContaining(['one', 'two'])));
    const bodies = second.events.filter((e) => e.event === 'message').map((e) => e.data.body);
    expect(bodies.filter((b) => b !== 'one' && b !== 'two' && !/joined/.test(b))).toEqual([]);
    second.close();
  });

  it('CONV-1 CONV-3 the visitor stream shows replies and status from the event itself, notes never; a reply too large for NOTIFY is read instead', async () => {
    const v = visitor(owner);
    const { conversationId: id } = await v.start();
    await v.c.post(w(owner, '/handoff'), { token: v.token }, { origin: SITE });
    const stream = await sse(`${server.url}${w(owner, '/messages')}?token=${encodeURIComponent(v.token)}`, { origin: SITE });
    await vi.waitFor(() => expect(stream.events.some((e) => e.event === 'status')).toBe(true));
    const big = 'क'.repeat(3000);
    for (const m of [{ kind: 'note', body: 'internal: VIP customer' }, { kind: 'reply', body: 'short reply' }, { kind: 'reply', body: big }, { kind: 'reply', body: 'after the big one' }]) {
      expect((await staff.client.post(api(owner, `/conversations/${id}/messages`), m)).statusCode).toBe(201);
    }
    await vi.waitFor(() => expect(stream.events.filter((e) => e.event === 'message').map((e) => e.data.body)).toEqual(expect.arrayContaining(['short reply', big, 'after the big one'])), { timeout: 10_000 });
    expect((await staff.client.patch(api(owner, `/conversations/${id}`), { status: 'resolved' })).statusCode).toBe(200);
    await vi.waitFor(() => expect(stream.events.filter((e) => e.event === 'status').at(-1)!.data).toEqual({ status: 'resolved', holder: 'human' }), { timeout: 10_000 });
    const messages = stream.events.filter((e) => e.event === 'message');
    expect(messages.map((e) => e.data.body)).not.toContain('internal: VIP customer');
    // In order, each once, staff by first name, the same as a read returns.
    const seqs = messages.map((e) => Number(e.id));
    expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
    const read = (await v.read()).messages;
    expect(messages.map((e) => e.data)).toEqual(read.filter((m: { seq: number }) => seqs.includes(m.seq)));
    stream.close();
  });

  it('CONV-4 a visitor holds at most 3 live streams (a 4th is a 429); a stream the server ends lets go of its realtime listener and its slot', async () => {
    const v = visitor(owner);
    await v.start();
    const url = `${server.url}${w(owner, '/messages')}?token=${encodeURIComponent(v.token)}`;
    const before = server.services.realtime.subscribers;
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await sse(url, { origin: SITE }));
    await vi.waitFor(() => expect(server.services.realtime.subscribers).toBe(before + 3));
    const fourth = await fetch(url, { headers: { accept: 'text/event-stream', origin: SITE } });
    expect(fourth.status).toBe(429);
    expect((await fourth.json()).error).toMatchObject({ code: 'too_many_streams', details: { max: 3 } });
    for (const s of open) s.close();
    await vi.waitFor(() => expect(server.services.realtime.subscribers).toBe(before));
    // The server ends a stream once its lifetime is over: the listener and the slot go with it.
    const config = server.services.config;
    const lifetime = config.WIDGET_STREAM_MAX_SECONDS;
    config.WIDGET_STREAM_MAX_SECONDS = 1;
    try {
      const short = await sse(url, { origin: SITE });
      await vi.waitFor(() => expect(short.ended).toBe(true), { timeout: 5000 });
      await vi.waitFor(() => expect(server.services.realtime.subscribers).toBe(before));
    } finally {
      config.WIDGET_STREAM_MAX_SECONDS = lifetime;
    }
    const again = [];
    for (let i = 0; i < 3; i++) again.push(await sse(url, { origin: SITE }));
    for (const s of again) s.close();
    await vi.waitFor(() => expect(server.services.realtime.subscribers).toBe(before));
  });
});
