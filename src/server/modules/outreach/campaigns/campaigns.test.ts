import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';

/** Billing on, with a plan of 3 emails a month, so that BILL-1's limit is met inside one test. */
const plans = { defaultPlan: 'tiny', plans: [{ id: 'tiny', name: 'Tiny', priceMinor: 0, currency: 'USD', limits: { seats: 5, contacts: 1000, emails: 3 } }] };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ BILLING_ENABLED: 'true', BILLING_PLANS: JSON.stringify(plans) });
}, 300_000);

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let n = 0;

async function workspace(name: string, address: string | null = '12 Quay Street, Portsmouth PO1 2AB, UK') {
  const owner = await ownerWithWorkspace(server, name);
  if (address) expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: address })).statusCode).toBe(200);
  return owner;
}
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;

/** A contact, tagged, with marketing consent on record unless `consent` is false. */
async function contact(o: Owner, tagId: string, opts: { consent?: boolean; lifecycle?: string } = {}) {
  const email = `c${Date.now().toString(36)}${n++}@example.test`;
  const res = await o.client.post(api(o, '/contacts'), { firstName: `Reader${n}`, emails: [email], ...(opts.lifecycle ? { lifecycle: opts.lifecycle } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().id as string;
  const name = `Reader${n}`;
  expect((await o.client.post(api(o, `/contacts/${id}/tags`), { tagId })).statusCode).toBe(200);
  if (opts.consent !== false) {
    const c = await o.client.post(api(o, `/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'https://shop.example/newsletter' });
    expect(c.statusCode, c.body).toBe(200);
  }
  return { id, email, name };
}

async function tag(o: Owner, name = 'Newsletter') {
  const res = await o.client.post(api(o, '/tags'), { name });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function template(o: Owner) {
  const res = await o.client.post(api(o, '/outreach/templates'), { name: 'Spring news', subject: 'Spring at {{workspace.name}}', html: '<p>Hello {{contact.firstName | "there"}}, our spring menu is here.</p>' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

const campaign = (o: Owner, id: string) => o.client.get(api(o, `/outreach/campaigns/${id}`)).then((r) => r.json());
const untilDone = (o: Owner, id: string) =>
  vi.waitFor(
    async () => {
      const c = await campaign(o, id);
      expect(c.status).toBe('completed');
      return c;
    },
    { timeout: 20_000, interval: 100 },
  );

describe('campaigns', () => {
  it('MAIL-2 a campaign to a saved view reaches each consented contact once; those without recorded consent are skipped with the reason (MAIL-4)', async () => {
    const o = await workspace('Spring Bakery');
    const t = await tag(o);
    const readers = [await contact(o, t, { lifecycle: 'customer' }), await contact(o, t, { lifecycle: 'customer' })];
    const noConsent = await contact(o, t, { consent: false, lifecycle: 'customer' });
    const lead = await contact(o, t, { lifecycle: 'lead' });
    const view = await o.client.post(api(o, '/views'), { name: 'Customers', shared: true, definition: { object: 'contacts', columns: ['name', 'email'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'customer' }] } } });
    expect(view.statusCode, view.body).toBe(201);

    const created = await o.client.post(api(o, '/outreach/campaigns'), { name: 'Spring menu', templateId: await template(o), viewId: view.json().id });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ status: 'sending', subject: 'Spring at {{workspace.name}}', counts: { total: 3, skipped: 1 }, reasons: [{ reason: 'no_consent', count: 1 }] });
    const done = await untilDone(o, created.json().id);
    expect(done.counts).toMatchObject({ total: 3, sent: 2, skipped: 1, queued: 0, sending: 0, failed: 0 });

    for (const r of readers) {
      const mails = server.smtp.mailsTo(r.email);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.subject).toBe('Spring at Spring Bakery');
      expect(mails[0]!.text).toMatch(/Hello Reader\d+, our spring menu/);
      // MAIL-4, MAIL-5: still the one send path: one-click unsubscribe and the postal address.
      expect(mails[0]!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
      expect(mails[0]!.text).toContain('12 Quay Street');
    }
    expect(server.smtp.mailsTo(noConsent.email)).toHaveLength(0);
    expect(server.smtp.mailsTo(lead.email)).toHaveLength(0);

    const skipped = await o.client.get(api(o, `/outreach/campaigns/${created.json().id}/recipients?status=skipped`));
    expect(skipped.json().items).toEqual([expect.objectContaining({ contactId: noConsent.id, name: noConsent.name, status: 'skipped', reason: 'no_consent' })]);
    // Each recipient by the contact's name (read in the listing's one statement); one who was sent carries no skip reason.
    const sent = await o.client.get(api(o, `/outreach/campaigns/${created.json().id}/recipients?status=sent`));
    expect(sent.json().items.map((r: { contactId: string; name: string; reason: string | null }) => [r.contactId, r.name, r.reason]).sort()).toEqual(readers.map((r) => [r.id, r.name, null]).sort());
    const list = await o.client.get(api(o, '/outreach/campaigns'));
    expect(list.json().items[0]).toMatchObject({ id: created.json().id, name: 'Spring menu', status: 'completed' });
  });

  it('MAIL-2 a campaign to a segment with nobody who consented, an empty audience, two audiences or a missing address is refused with a 4xx that names the problem (MAIL-5)', async () => {
    const o = await workspace('Quiet Florist');
    const t = await tag(o);
    const tmpl = await template(o);
    const emptyTag = await tag(o, 'Nobody');
    const empty = await o.client.post(api(o, '/outreach/campaigns'), { name: 'x', templateId: tmpl, tagId: emptyTag });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('empty_audience');

    await contact(o, t, { consent: false });
    await contact(o, t, { consent: false });
    const none = await o.client.post(api(o, '/outreach/campaigns'), { name: 'x', templateId: tmpl, tagId: t });
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatchObject({ code: 'no_consented_contacts', details: { reasons: [{ reason: 'no_consent', count: 2 }] } });
    expect(none.json().error.message).toMatch(/None of the 2 contacts/);

    const both = await o.client.post(api(o, '/outreach/campaigns'), { name: 'x', templateId: tmpl, tagId: t, viewId: t });
    expect(both.statusCode).toBe(400);
    expect((await o.client.post(api(o, '/outreach/campaigns'), { name: 'x', templateId: t, tagId: t })).statusCode).toBe(404);
    expect((await o.client.get(api(o, '/outreach/campaigns'))).json().items).toEqual([]);

    const noAddress = await workspace('Nowhere Shop', null);
    const t2 = await tag(noAddress);
    await contact(noAddress, t2);
    const refused = await noAddress.client.post(api(noAddress, '/outreach/campaigns'), { name: 'x', templateId: await template(noAddress), tagId: t2 });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'postal_address_missing', details: { field: 'mailingAddress' } });
  });

  it('MAIL-2 a campaign scheduled for later waits; it can be paused, resumed (back to waiting for its time) and cancelled, and whoever was not sent it is skipped as cancelled', async () => {
    const o = await workspace('Later Cafe');
    const t = await tag(o);
    const a = await contact(o, t);
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const created = await o.client.post(api(o, '/outreach/campaigns'), { name: 'Summer', templateId: await template(o), tagId: t, sendAt: inAnHour });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({ status: 'scheduled', counts: { queued: 1 } });
    expect(new Date(created.json().scheduledAt).toISOString()).toBe(inAnHour);
    // MAIL-4: a consented contact waits with no skip reason (the reason is worked out over the contact's own consent rows).
    const waiting = await o.client.get(api(o, `/outreach/campaigns/${id}/recipients?status=queued`));
    expect(waiting.json().items).toEqual([expect.objectContaining({ contactId: a.id, name: a.name, status: 'queued', reason: null })]);
    // The job waits for its time in the queue.
    const job = await server.services.database.system.execute<{ run_at: Date }>(sql`SELECT run_at FROM graphile_worker.jobs WHERE key = ${`outreach-campaign:${id}`}`);
    expect(new Date(job.rows[0]!.run_at).toISOString()).toBe(inAnHour);

    expect((await o.client.post(api(o, `/outreach/campaigns/${id}/pause`))).json().status).toBe('paused');
    expect((await o.client.post(api(o, `/outreach/campaigns/${id}/pause`))).statusCode).toBe(409);
    expect((await o.client.post(api(o, `/outreach/campaigns/${id}/resume`))).json().status).toBe('scheduled');
    const cancelled = await o.client.post(api(o, `/outreach/campaigns/${id}/cancel`));
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', counts: { queued: 0, skipped: 1 }, reasons: [{ reason: 'cancelled', count: 1 }] });
    expect((await o.client.post(api(o, `/outreach/campaigns/${id}/resume`))).statusCode).toBe(409);
    expect(server.smtp.mailsTo(a.email)).toHaveLength(0);
  });

  it("MAIL-1 MAIL-2 a campaign is throttled to its sending account's rate: past the per-minute limit the rest wait for the next minute", async () => {
    const o = await workspace('Slow Post');
    const account = await o.client.post(api(o, '/outreach/sending-accounts'), { kind: 'smtp', fromName: 'Slow Post', fromAddress: 'news@slowpost.example', smtpHost: '127.0.0.1', smtpPort: server.smtp.port, perMinute: 2 });
    expect(account.statusCode, account.body).toBe(201);
    const t = await tag(o);
    const people = [await contact(o, t), await contact(o, t), await contact(o, t)];
    const created = await o.client.post(api(o, '/outreach/campaigns'), { name: 'Trickle', templateId: await template(o), tagId: t });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    // Two leave at once; the third is queued with the job set for a minute after the first.
    const key = `outreach-campaign:${id}`;
    await vi.waitFor(
      async () => {
        const c = await campaign(o, id);
        expect(c.counts).toMatchObject({ sent: 2, queued: 1 });
        const job = await server.services.database.system.execute<{ run_at: Date; locked_at: Date | null }>(sql`SELECT run_at, locked_at FROM graphile_worker.jobs WHERE key = ${key}`);
        expect(job.rows[0]?.locked_at).toBeNull();
        expect(new Date(job.rows[0]!.run_at).getTime() - Date.now()).toBeGreaterThan(50_000);
      },
      { timeout: 15_000, interval: 100 },
    );
    const got = people.filter((p) => server.smtp.mailsTo(p.email).length === 1);
    expect(got).toHaveLength(2);
    expect(server.smtp.mailsTo(got[0]!.email)[0]!.from).toContain('news@slowpost.example');
  });

  it('BILL-1 a billing-on workspace stops at its emails a month: the rest are skipped with the reason, and the campaign says why', async () => {
    const o = await workspace('Busy Brewery');
    const t = await tag(o);
    for (let i = 0; i < 5; i++) await contact(o, t);
    const created = await o.client.post(api(o, '/outreach/campaigns'), { name: 'Big news', templateId: await template(o), tagId: t });
    expect(created.statusCode, created.body).toBe(201);
    const done = await untilDone(o, created.json().id);
    expect(done.counts).toMatchObject({ total: 5, sent: 3, skipped: 2 });
    expect(done.reasons).toEqual([{ reason: 'plan_limit', count: 2 }]);
    expect(done.stopReason).toMatch(/Tiny plan includes 3 emails a month/);

    // A single marketing mail is counted on the same limit; a transactional one is not.
    const one = await contact(o, t);
    const single = await o.client.post(api(o, '/outreach/send'), { contactId: one.id, stream: 'marketing', subject: 'One more', html: '<p>Hello</p>' });
    expect(single.statusCode, single.body).toBe(402);
    expect(single.json().error.message).toMatch(/3 emails a month/);
    const receipt = await o.client.post(api(o, '/outreach/send'), { contactId: one.id, stream: 'transactional', subject: 'Your receipt', html: '<p>Thanks</p>' });
    expect(receipt.statusCode, receipt.body).toBe(200);
  });
});
