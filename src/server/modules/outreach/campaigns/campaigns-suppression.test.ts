import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';
import { scheduleCampaignJob } from './campaign.job';

let server: TestServer;
let o: Awaited<ReturnType<typeof ownerWithWorkspace>>;
beforeAll(async () => {
  server = await startTestServer();
  o = await ownerWithWorkspace(server, 'Harbour Deli');
  expect((await o.client.patch(`/api/workspaces/${o.workspaceId}`, { mailingAddress: '3 Harbour Row, Whitby YO21 3PU, UK' })).statusCode).toBe(200);
}, 300_000);

const api = (path: string) => `/api/workspaces/${o.workspaceId}${path}`;
let n = 0;

async function reader(tagId: string) {
  const email = `deli${Date.now().toString(36)}${n++}@example.test`;
  const res = await o.client.post(api('/contacts'), { firstName: `Reader${n}`, emails: [email] });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  expect((await o.client.post(api(`/contacts/${id}/tags`), { tagId })).statusCode).toBe(200);
  expect((await o.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'https://deli.example/news' })).statusCode).toBe(200);
  return { id, email };
}

describe('campaigns and suppression at send time', () => {
  it('MAIL-4 PRIV-5 someone who unsubscribes, or is restricted, after a campaign was set up gets nothing from it: each mail is checked as it leaves; MAIL-5 the "Advertisement" label is in the footer', async () => {
    const tag = await o.client.post(api('/tags'), { name: 'Deli news' });
    expect(tag.statusCode, tag.body).toBe(201);
    const [a, b, c] = [await reader(tag.json().id), await reader(tag.json().id), await reader(tag.json().id)];
    const template = await o.client.post(api('/outreach/templates'), { name: 'Weekly', subject: 'This week at {{workspace.name}}', html: '<p>Hi {{contact.firstName | "there"}}, smoked fish is back.</p>' });
    expect(template.statusCode, template.body).toBe(201);

    // A is on the list from an earlier mail, whose unsubscribe link they will use.
    expect((await o.client.post(api('/outreach/send'), { contactId: a.id, stream: 'marketing', subject: 'Welcome', html: '<p>Welcome to the deli list.</p>' })).statusCode).toBe(200);
    const token = /\/unsubscribe\/([\w.-]+)/.exec((await server.smtp.waitForMail(a.email)).text)![1]!;

    // The campaign is set up for later: all three are queued.
    const created = await o.client.post(api('/outreach/campaigns'), { name: 'Weekly 12', templateId: template.json().id, tagId: tag.json().id, sendAt: new Date(Date.now() + 3_600_000).toISOString(), advertisement: true });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect(created.json()).toMatchObject({ status: 'scheduled', counts: { total: 3, queued: 3 } });

    // Meanwhile A unsubscribes by a mail client's one-click POST, and B asks for their record to be restricted.
    const unsub = await new TestClient(server.app).request('POST', `/api/public/outreach/unsubscribe/${token}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(unsub.statusCode, unsub.body).toBe(200);
    const bRecord = (await o.client.get(api(`/contacts/${b.id}`))).json();
    expect((await o.client.patch(api(`/contacts/${b.id}`), { restricted: true, version: bRecord.version })).statusCode).toBe(200);

    // Its time comes (the clock moved on: the campaign and its job brought forward).
    await server.services.database.system.execute(sql`UPDATE outreach_campaigns SET scheduled_at = now() WHERE workspace_id = ${o.workspaceId} AND id = ${id}`);
    await scheduleCampaignJob(server.services.database.system, o.workspaceId, id);
    const done = await vi.waitFor(
      async () => {
        const r = (await o.client.get(api(`/outreach/campaigns/${id}`))).json();
        expect(r.status).toBe('completed');
        return r;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(done.counts).toMatchObject({ total: 3, sent: 1, skipped: 2, queued: 0, failed: 0 });
    expect([...done.reasons].sort((x: { reason: string }, y: { reason: string }) => x.reason.localeCompare(y.reason))).toEqual([
      { reason: 'restricted', count: 1 },
      { reason: 'unsubscribed', count: 1 },
    ]);

    expect(server.smtp.mailsTo(a.email).map((m) => m.subject)).toEqual(['Welcome']);
    expect(server.smtp.mailsTo(b.email)).toHaveLength(0);
    const [mail] = server.smtp.mailsTo(c.email);
    expect(mail!.subject).toBe('This week at Harbour Deli');
    // MAIL-5: the label asked for, beside the postal address.
    expect(mail!.text).toContain('Advertisement.');
    expect(mail!.text).toContain('3 Harbour Row');
  });
});
