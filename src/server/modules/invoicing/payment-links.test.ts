import { simpleParser } from 'mailparser';
import { PDFParse } from 'pdf-parse';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeStripe } from '../../../../test/fakes/stripe';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { expectNever500, LONG, oddBodies } from '../../../../test/helpers/odd-bodies';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let stripe: FakeStripe;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let series: string;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;
const pdfText = async (data: Buffer) => (await new PDFParse({ data: new Uint8Array(data) }).getText()).text;
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });

beforeAll(async () => {
  stripe = await startFake(new FakeStripe('sk_test_shop_51Hshop', 'whsec_shop_secret'));
  server = await startTestServer({ STRIPE_API_URL: stripe.url });
  owner = await ownerWithWorkspace(server, 'Hubballi Handlooms');
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Hubballi Handlooms LLP', gstin: '29AAGCB7383J1Z4' })).statusCode).toBe(200);
  series = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'LNK', digits: 4 })).json().id;
  stripe.webhookUrl = `${server.url}/api/invoicing/webhooks/stripe/${owner.workspaceId}`;
}, 300_000);

type Doc = { id: string; version: number; status: string; grandTotalPaise: number; paidPaise: number; number: string };

/** An issued invoice of ₹1,000 + 18 % (₹1,180), due today. */
async function invoice(): Promise<Doc> {
  const doc = (await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: series, documentDate: today(), dueDate: today(), buyerName: 'Dharwad Traders', lines: [{ description: 'Ilkal saree', hsn: '5007', uqc: 'PCS', quantityMilli: 1000, unitPricePaise: 1_000_00, rateBps: 1800 }] })).json();
  const issued = await owner.client.post(api(`/documents/${doc.id}/issue`), { version: doc.version });
  expect(issued.statusCode, issued.body).toBe(200);
  return issued.json();
}
const doc = async (id: string): Promise<Doc> => (await owner.client.get(api(`/documents/${id}`))).json();
const ageing0to30 = async () => (await owner.client.get(api('/reports'))).json().ageing.find((b: { bucket: string }) => b.bucket === '0-30');

describe('INV-5 payment links through Stripe', () => {
  it('INV-5 SEC-2 the shop connects its own Stripe account: key and webhook secret sealed, never returned; staff cannot change it', async () => {
    const staff = await addMember(server, owner, 'staff');
    const before = (await owner.client.get(api('/payment-accounts'))).json();
    expect(before.items).toEqual([
      expect.objectContaining({ provider: 'stripe', connected: false, webhookUrl: `${server.services.config.publicUrl}/api/invoicing/webhooks/stripe/${owner.workspaceId}` }),
      expect.objectContaining({ provider: 'razorpay', connected: false }),
    ]);
    const inv = await invoice();
    const early = await owner.client.post(api(`/documents/${inv.id}/payment-links`), {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'payment_links_not_set_up', details: { field: 'provider' } });

    expect((await staff.client.request('PUT', api('/payment-accounts/stripe'), { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret })).statusCode).toBe(403);
    const bad = await owner.client.request('PUT', api('/payment-accounts/stripe'), { secretKey: 'pk_test_publishable', webhookSecret: stripe.webhookSecret });
    expect(bad.statusCode).toBe(400);
    const saved = await owner.client.request('PUT', api('/payment-accounts/stripe'), { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().items[0]).toMatchObject({ provider: 'stripe', connected: true, secretKeyLast4: 'shop' });
    expect(saved.body).not.toContain(stripe.secretKey);
    expect(saved.body).not.toContain(stripe.webhookSecret);
    const row = (await server.services.database.systemPool.query(`SELECT * FROM invoicing_payment_accounts WHERE workspace_id = $1`, [owner.workspaceId])).rows[0];
    expect(row.secret_key_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(stripe.secretKey);
    expect(JSON.stringify(row)).not.toContain(stripe.webhookSecret);
    const audit = (await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?limit=20`)).json();
    expect(JSON.stringify(audit)).not.toContain(stripe.secretKey);
  });

  it('INV-5 INV-3 the customer pays part through the link: the webhook records it, the invoice is partly paid, the ageing falls; then the rest', async () => {
    const inv = await invoice();
    const ageingBefore = await ageing0to30();
    const link = await owner.client.post(api(`/documents/${inv.id}/payment-links`), { amountPaise: 500_00 });
    expect(link.statusCode, link.body).toBe(201);
    expect(link.json()).toMatchObject({ provider: 'stripe', amountPaise: 500_00, paidAt: null, url: expect.stringMatching(new RegExp(`^${stripe.url}/l/plink_`)) });
    const price = stripe.calls('/v1/prices', 'POST').at(-1)!;
    expect(price.body).toMatchObject({ currency: 'inr', unit_amount: '50000', product_data: { name: `Invoice ${inv.number} from Hubballi Handlooms LLP` } });
    const made = stripe.calls('/v1/payment_links', 'POST').at(-1)!;
    expect(made.body).toMatchObject({ metadata: { workspace_id: owner.workspaceId, invoice_id: inv.id, invoice_number: inv.number }, restrictions: { completed_sessions: { limit: '1' } } });

    const page = await fetch(link.json().url);
    expect(page.status).toBe(200);
    expect(stripe.delivered.at(-1)!.status).toBe(200);
    const after = await doc(inv.id);
    expect(after).toMatchObject({ status: 'partly_paid', paidPaise: 500_00 });
    const list = (await owner.client.get(api(`/documents/${inv.id}/payments`))).json();
    expect(list.items).toEqual([expect.objectContaining({ method: 'payment_link', provider: 'stripe', amountPaise: 500_00, reference: expect.stringMatching(/^stripe pi_/), paidOn: today() })]);
    expect(list.balancePaise).toBe(680_00);
    expect(await ageing0to30()).toEqual({ bucket: '0-30', balancePaise: ageingBefore.balancePaise - 500_00, invoices: ageingBefore.invoices });
    expect((await owner.client.get(api(`/documents/${inv.id}/payment-links`))).json().items[0].paidAt).not.toBeNull();

    // A link pays once; the rest takes a new link for the balance.
    expect((await fetch(link.json().url)).status).toBe(410);
    const rest = await owner.client.post(api(`/documents/${inv.id}/payment-links`), {});
    expect(rest.json().amountPaise).toBe(680_00);
    await fetch(rest.json().url);
    expect(await doc(inv.id)).toMatchObject({ status: 'paid', paidPaise: 1_180_00 });
    const done = await owner.client.post(api(`/documents/${inv.id}/payment-links`), {});
    expect(done.json().error).toMatchObject({ code: 'overpayment', details: { field: 'amountPaise', balancePaise: 0 } });
  });

  it('INV-5 INT-5 a replayed, re-sent, stale or forged webhook records nothing more: one payment per Stripe payment id', async () => {
    const inv = await invoice();
    const link = (await owner.client.post(api(`/documents/${inv.id}/payment-links`), { amountPaise: 200_00 })).json();
    await fetch(link.url);
    const first = stripe.delivered.at(-1)!;
    expect(first.status).toBe(200);
    // The same delivery again (within the tolerance): acknowledged as a duplicate.
    const again = await stripe.deliver(stripe.webhookUrl, first.raw, { 'stripe-signature': first.header });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.text)).toMatchObject({ duplicate: true, recorded: false });
    // Stripe re-sends the same payment as a new event: still once.
    const event = JSON.parse(first.raw);
    const resent = await stripe.fire('checkout.session.completed', event.data.object);
    expect(resent.status).toBe(200);
    expect(JSON.parse(resent.text)).toMatchObject({ duplicate: true });
    // An old signature (beyond the 5-minute tolerance) and a forged one are refused.
    const stale = await stripe.fire('checkout.session.completed', { ...event.data.object, payment_intent: 'pi_stale' }, { at: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    const raw = JSON.stringify({ ...event, id: 'evt_forged', data: { object: { ...event.data.object, payment_intent: 'pi_forged' } } });
    const forged = await stripe.deliver(stripe.webhookUrl, raw, { 'stripe-signature': stripe.sign(raw, undefined, 'whsec_someone_else') });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.text).error.code).toBe('webhook_signature_invalid');
    const unsigned = await stripe.deliver(stripe.webhookUrl, raw, {});
    expect(unsigned.status).toBe(400);

    const list = (await owner.client.get(api(`/documents/${inv.id}/payments`))).json();
    expect(list.items).toHaveLength(1);
    expect(await doc(inv.id)).toMatchObject({ status: 'partly_paid', paidPaise: 200_00 });
    // Another workspace's address does not take this shop's events.
    const other = await ownerWithWorkspace(server, 'Other Shop');
    const elsewhere = await stripe.deliver(`${server.url}/api/invoicing/webhooks/stripe/${other.workspaceId}`, first.raw, { 'stripe-signature': first.header });
    expect(elsewhere.status).toBe(404);
  });

  it('INT-4 INV-5 a correctly signed Stripe payment-link body of another shape is ignored or refused with a 4xx, never a 500, and no payment is recorded', async () => {
    const inv = await invoice();
    expect((await owner.client.post(api(`/documents/${inv.id}/payment-links`), { amountPaise: 300_00 })).statusCode).toBe(201);
    const linkId = [...stripe.links.keys()].at(-1)!;
    let n = 0;
    const ev = (object: unknown, over: Record<string, unknown> = {}) => ({ id: `evt_odd_${++n}`, object: 'event', created: Math.floor(Date.now() / 1000), type: 'checkout.session.completed', data: { object }, ...over });
    const session = (over: Record<string, unknown>) => ({ id: `cs_odd_${++n}`, object: 'checkout.session', mode: 'payment', payment_status: 'paid', payment_link: linkId, payment_intent: `pi_odd_${n}`, amount_total: 300_00, currency: 'inr', ...over });
    const bodies: [string, unknown][] = [
      ...oddBodies((object) => ev(object)),
      ['data a string', { ...ev({}), data: 'x' }],
      ['event id a number', ev(session({}), { id: 5 })],
      ['type a number', ev(session({}), { type: 5 })],
      ['created 1e20', ev(session({}), { created: 1e20 })],
      ['created a string', ev(session({}), { created: 'soon' })],
      ['amount 1e20', ev(session({ amount_total: 1e20 }))],
      ['amount negative', ev(session({ amount_total: -500 }))],
      ['amount a fraction', ev(session({ amount_total: 12.5 }))],
      ['amount a string', ev(session({ amount_total: 'lots' }))],
      ['currency a number', ev(session({ currency: 5 }))],
      ['payment id a number', ev(session({ payment_intent: 5, id: 6 }))],
      ['payment id 10,000 chars', ev(session({ payment_intent: LONG }))],
      ['link id a number', ev(session({ payment_link: 5 }))],
      ['link id 10,000 chars', ev(session({ payment_link: LONG }))],
    ];
    await expectNever500(bodies, (raw) => stripe.deliver(stripe.webhookUrl, raw, { 'stripe-signature': stripe.sign(raw) }));
    expect((await owner.client.get(api(`/documents/${inv.id}/payments`))).json().items).toEqual([]);
    expect(await doc(inv.id)).toMatchObject({ paidPaise: 0 });
  });

  it('INV-5 INV-2 the emailed invoice carries the payment link, and its PDF shows the link with a QR code to scan', async () => {
    const inv = await invoice();
    const sent = await owner.client.post(api(`/documents/${inv.id}/send`), { to: 'accounts@dharwad-traders.example' });
    expect(sent.statusCode, sent.body).toBe(202);
    const url = sent.json().paymentLinkUrl as string;
    expect(url).toMatch(/\/l\/plink_/);
    const mail = await server.smtp.waitForMail('accounts@dharwad-traders.example', (m) => m.subject.includes(inv.number));
    expect(mail.text).toContain(`Pay ₹1,180.00 online: ${url}`);
    const attachment = (await simpleParser(mail.raw)).attachments.find((a) => a.contentType === 'application/pdf')!;
    const text = await pdfText(attachment.content);
    expect(text).toContain('Scan to pay Rs. 1,180.00 online');
    expect(text).toContain(url);
    expect(attachment.content.toString('latin1')).toMatch(/\/Subtype \/Image/);
    // The PDF downloaded later shows the same open link; once paid it shows none.
    const download = (await owner.client.get(api(`/documents/${inv.id}/pdf`))).rawPayload;
    expect(await pdfText(download)).toContain(url);
    await fetch(url);
    const paid = await pdfText((await owner.client.get(api(`/documents/${inv.id}/pdf`))).rawPayload);
    expect(paid).not.toContain('Scan to pay');
  });
});
