import { beforeAll, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

/**
 * MAIL-3: Kestrel's own open and click tracking, on per workspace: a pixel and signed redirects in
 * marketing mail, each open/click recorded once, on the timeline and the campaign counts; never an
 * open redirect, never the unsubscribe links.
 */
let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Lantern Books');
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '4 Lantern Lane, Austin TX 78701' });
}, 300_000);

async function consented(firstName: string) {
  const email = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
  const id = (await owner.client.post(api('/contacts'), { firstName, emails: [email] })).json().id as string;
  await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'shop form' });
  return { id, email };
}

const body = '<p>Our picks: <a href="https://books.example/picks?month=3&amp;ref=mail">March picks</a> and <a href="mailto:shop@books.example">write to us</a>.</p>';
const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
const path = (url: string) => url.replace(server.services.config.publicUrl, '');
/** One header of a raw message, unfolded. */
const rawHeader = (raw: string, name: string) => (new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(raw.split(/\r?\n\r?\n/)[0]!)?.[1] ?? '').replace(/\r?\n[ \t]+/g, ' ').trim();

it('MAIL-3 with tracking on, a marketing mail carries an open pixel and signed links; each open and click counts once, is on the timeline (opens as an estimate), and the unsubscribe links are untouched', async () => {
  const staff = await addMember(server, owner, 'staff');
  expect((await staff.client.patch(api('/outreach/settings'), { trackEngagement: true })).statusCode).toBe(403);
  expect((await owner.client.get(api('/outreach/settings'))).json()).toEqual({ trackEngagement: false });
  expect((await owner.client.patch(api('/outreach/settings'), { trackEngagement: true })).json()).toEqual({ trackEngagement: true });

  const reader = await consented('Rita');
  const sent = await owner.client.post(api('/outreach/send'), { contactId: reader.id, stream: 'marketing', subject: 'March picks', html: body });
  expect(sent.statusCode, sent.body).toBe(200);
  const mail = await server.smtp.waitForMail(reader.email, (m) => m.subject === 'March picks');
  const links = hrefs(mail.html);
  const tracked = links.find((h) => h.includes('/api/public/outreach/t/c/'))!;
  expect(tracked).toContain(`?u=${encodeURIComponent('https://books.example/picks?month=3&ref=mail')}`);
  expect(links).toContain('mailto:shop@books.example');
  // The footer's unsubscribe link and List-Unsubscribe are Kestrel's own, never rewritten.
  expect(links.some((h) => /\/unsubscribe\/[\w.-]+$/.test(h))).toBe(true);
  expect(rawHeader(mail.raw, 'List-Unsubscribe')).toContain('/api/public/outreach/unsubscribe/');
  expect(rawHeader(mail.raw, 'List-Unsubscribe')).not.toContain('/t/c/');
  const pixel = /<img src="([^"]+\/api\/public\/outreach\/t\/o\/[^"]+)"/.exec(mail.html)![1]!.replaceAll('&amp;', '&');

  for (let i = 0; i < 3; i++) {
    const open = await server.app.inject({ method: 'GET', url: path(pixel) });
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-type']).toBe('image/gif');
  }
  for (let i = 0; i < 2; i++) {
    const click = await server.app.inject({ method: 'GET', url: path(tracked) });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://books.example/picks?month=3&ref=mail');
  }
  expect((await owner.client.get(api('/outreach/delivery-summary'))).json()).toMatchObject({ sent: 1, opened: 1, clicked: 1 });
  const notes = (await owner.client.get(api(`/timeline?recordType=contacts&recordId=${reader.id}&kinds=note`))).json().items.map((i: { subject: string }) => i.subject);
  expect(notes.filter((s: string) => s === 'Email opened (estimate)')).toHaveLength(1);
  expect(notes.filter((s: string) => s === 'Email link clicked')).toHaveLength(1);

  // No open redirect: the same token with another URL, a changed token, or an unknown key id go nowhere.
  const [route, query] = tracked.split('?u=');
  for (const url of [`${route}?u=${encodeURIComponent('https://evil.example/')}`, `${route!.slice(0, -2)}xx?u=${query}`, `${route!.replace('/t/c/k1.', '/t/c/k9.')}?u=${query}`]) {
    const res = await server.app.inject({ method: 'GET', url: path(url) });
    expect(res.statusCode).toBe(404);
    expect(res.headers.location).toBeUndefined();
  }
  // An open token is not a click token.
  const openToken = pixel.split('/t/o/')[1]!;
  expect((await server.app.inject({ method: 'GET', url: `/api/public/outreach/t/c/${openToken}?u=${query}` })).statusCode).toBe(404);
});

it('MAIL-3 transactional mail, and marketing mail with tracking off, carry no pixel and keep their links', async () => {
  const reader = await consented('Theo');
  await owner.client.patch(api('/outreach/settings'), { trackEngagement: true });
  expect((await owner.client.post(api('/outreach/send'), { contactId: reader.id, stream: 'transactional', subject: 'Your order', html: body })).statusCode).toBe(200);
  const receipt = await server.smtp.waitForMail(reader.email, (m) => m.subject === 'Your order');
  expect(receipt.html).not.toContain('/api/public/outreach/t/');
  expect(hrefs(receipt.html)).toContain('https://books.example/picks?month=3&ref=mail');

  await owner.client.patch(api('/outreach/settings'), { trackEngagement: false });
  expect((await owner.client.post(api('/outreach/send'), { contactId: reader.id, stream: 'marketing', subject: 'April picks', html: body })).statusCode).toBe(200);
  const news = await server.smtp.waitForMail(reader.email, (m) => m.subject === 'April picks');
  expect(news.html).not.toContain('/api/public/outreach/t/');
  expect(hrefs(news.html)).toContain('https://books.example/picks?month=3&ref=mail');
});

it('MAIL-3 opens and clicks of a tracked campaign show on its report', async () => {
  await owner.client.patch(api('/outreach/settings'), { trackEngagement: true });
  const tagId = (await owner.client.post(api('/tags'), { name: 'Readers' })).json().id as string;
  const readers = [await consented('Ann'), await consented('Ben')];
  for (const r of readers) await owner.client.post(api(`/contacts/${r.id}/tags`), { tagId });
  const template = (await owner.client.post(api('/outreach/templates'), { name: 'Picks', subject: 'May picks', html: body })).json();
  const campaign = (await owner.client.post(api('/outreach/campaigns'), { name: 'May', templateId: template.id, tagId })).json();
  const mails = await Promise.all(readers.map((r) => server.smtp.waitForMail(r.email, (m) => m.subject === 'May picks', 30_000)));
  const pixel = /<img src="([^"]+\/t\/o\/[^"]+)"/.exec(mails[0]!.html)![1]!;
  await server.app.inject({ method: 'GET', url: path(pixel) });
  await server.app.inject({ method: 'GET', url: path(hrefs(mails[1]!.html).find((h) => h.includes('/t/c/'))!) });
  await expect
    .poll(async () => (await owner.client.get(api(`/outreach/campaigns/${campaign.id}`))).json().counts, { timeout: 20_000 })
    .toMatchObject({ sent: 2, opened: 1, clicked: 1 });
});

it('MAIL-3 a campaign sent to the SMTP sink has each of its links rewritten to a signed redirect of its own per recipient, while the unsubscribe link and List-Unsubscribe stay Kestrel\'s own', async () => {
  await owner.client.patch(api('/outreach/settings'), { trackEngagement: true });
  const tagId = (await owner.client.post(api('/tags'), { name: 'Campaign readers' })).json().id as string;
  const readers = [await consented('Cleo'), await consented('Dev')];
  for (const r of readers) expect((await owner.client.post(api(`/contacts/${r.id}/tags`), { tagId })).statusCode).toBeLessThan(300);
  const html = '<p>Hi {{contact.firstName | "reader"}}, see <a href="https://books.example/june?x=1&amp;y=2">June</a>, <a href="http://books.example/sale">the sale</a> and <a href="mailto:shop@books.example">write</a>.</p>';
  const template = (await owner.client.post(api('/outreach/templates'), { name: 'June', subject: 'June picks', html })).json();
  const campaign = await owner.client.post(api('/outreach/campaigns'), { name: 'June', templateId: template.id, tagId });
  expect(campaign.statusCode, campaign.body).toBe(201);
  const mails = await Promise.all(readers.map((r) => server.smtp.waitForMail(r.email, (m) => m.subject === 'June picks', 30_000)));

  const originals = ['https://books.example/june?x=1&y=2', 'http://books.example/sale'];
  const redirects: string[][] = [];
  for (const mail of mails) {
    const links = hrefs(mail.html);
    const tracked = links.filter((h) => h.includes('/api/public/outreach/t/c/'));
    // Every web link is a signed redirect naming its own destination; nothing else is rewritten.
    expect(tracked.map((h) => decodeURIComponent(h.split('?u=')[1]!))).toEqual(originals);
    expect(tracked.every((h) => h.startsWith(`${server.services.config.publicUrl}/api/public/outreach/t/c/k1.`))).toBe(true);
    expect(links).toContain('mailto:shop@books.example');
    expect(links.filter((h) => originals.includes(h))).toEqual([]);
    const unsubscribe = links.filter((h) => /\/unsubscribe\/[\w.-]+$/.test(h));
    expect(unsubscribe).toHaveLength(1);
    expect(unsubscribe[0]).not.toContain('/t/c/');
    // Read from the raw message (mailparser moves List-* headers out of its header map).
    const listUnsubscribe = rawHeader(mail.raw, 'List-Unsubscribe');
    expect(listUnsubscribe).toMatch(/^<https?:\/\/[^>]+\/api\/public\/outreach\/unsubscribe\/[\w.-]+>, <mailto:[^>]+>$/);
    expect(listUnsubscribe).not.toContain('/t/c/');
    expect(rawHeader(mail.raw, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    // The unsubscribe link works as it is, without sign-in.
    expect((await server.app.inject({ method: 'GET', url: path(unsubscribe[0]!).replace('/unsubscribe/', '/api/public/outreach/unsubscribe/') })).statusCode).toBeLessThan(400);
    redirects.push(tracked);
  }
  // Signed per message: the two recipients' redirects differ, each goes where it says, and one's signature does not carry another URL.
  expect(redirects[0]![0]).not.toBe(redirects[1]![0]);
  for (const [i, url] of redirects[0]!.entries()) {
    const res = await server.app.inject({ method: 'GET', url: path(url) });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(originals[i]);
  }
  const [juneRoute] = redirects[0]![0]!.split('?u=');
  const swapped = await server.app.inject({ method: 'GET', url: path(`${juneRoute}?u=${encodeURIComponent(originals[1]!)}`) });
  expect(swapped.statusCode).toBe(404);
  expect(swapped.headers.location).toBeUndefined();
});
