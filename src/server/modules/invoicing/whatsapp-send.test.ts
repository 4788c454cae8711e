import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFake } from '../../../../test/fakes/harness';
import { FakeRazorpay } from '../../../../test/fakes/razorpay';
import { FakeMeta } from '../../../../test/fakes/meta';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { until } from '../../../../test/helpers/wait';

/** INV-2: the invoice PDF sent on WhatsApp through the conversations module's WhatsApp channel. */
let server: TestServer;
let wa: FakeMeta;
let razorpay: FakeRazorpay;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let hook: string;
let series: string;
const ws = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const api = (path: string) => ws(`/invoicing${path}`);
const today = () => new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });
const contactOf = async (phone: string) =>
  (await server.services.database.system.execute(sql`SELECT contact_id FROM visitors WHERE phone LIKE ${`%${phone}`} AND workspace_id = ${owner.workspaceId}`)).rows[0]!.contact_id as string;
const accepted = (messageId: string) =>
  until(async () => (await server.services.database.system.execute(sql`SELECT external_id FROM conversation_messages WHERE id = ${messageId}`)).rows[0]?.external_id as string | null, 'WhatsApp to accept the document');

beforeAll(async () => {
  wa = await startFake(new FakeMeta());
  razorpay = await startFake(new FakeRazorpay({}, 'rzp_test_WaShop01', 'waShopSecret0000001', 'wa-shop-webhook'));
  server = await startTestServer({ WHATSAPP_GRAPH_URL: wa.url, WHATSAPP_GRAPH_VERSION: 'v21.0', RAZORPAY_API_URL: razorpay.url });
  owner = await ownerWithWorkspace(server, 'Hassan Spices');
  const put = await owner.client.patch(ws('/channel-settings'), { whatsapp: { phoneNumberId: wa.phoneNumberId, businessAccountId: wa.wabaId, accessToken: wa.token, appSecret: wa.appSecret, verifyToken: 'verify-me-0123456789' } });
  expect(put.statusCode, put.body).toBe(200);
  hook = `${server.url}${new URL(put.json().whatsapp.webhookUrl).pathname}`;
  expect((await owner.client.request('PUT', api('/settings'), { legalName: 'Hassan Spices LLP', gstin: '29AAGCB7383J1Z4' })).statusCode).toBe(200);
  expect((await owner.client.request('PUT', api('/payment-accounts/razorpay'), { keyId: razorpay.keyId, secretKey: razorpay.keySecret, webhookSecret: razorpay.webhookSecret })).statusCode).toBe(200);
  series = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'WA', digits: 4 })).json().id;
}, 300_000);

async function invoiceFor(contactId: string | undefined) {
  const d = (await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: series, documentDate: today(), dueDate: today(), buyerName: 'Ravi Kumar', ...(contactId ? { contactId } : {}), lines: [{ description: 'Cardamom 1 kg', hsn: '0908', uqc: 'KGS', quantityMilli: 1000, unitPricePaise: 2_000_00, rateBps: 500 }] })).json();
  const issued = await owner.client.post(api(`/documents/${d.id}/issue`), { version: d.version });
  expect(issued.statusCode, issued.body).toBe(200);
  return issued.json() as { id: string; number: string; status: string };
}

describe('INV-2 sending the invoice on WhatsApp', () => {
  it("INV-2 inside the 24-hour window the PDF is uploaded and sent as a document with a caption and the payment link; it shows in the customer's conversation and the invoice is sent", async () => {
    await wa.inbound(hook, { from: '919845012345', name: 'Ravi Kumar', text: 'Please send the bill' });
    const inv = await invoiceFor(await contactOf('919845012345'));
    const res = await owner.client.post(api(`/documents/${inv.id}/send-whatsapp`), {});
    expect(res.statusCode, res.body).toBe(202);
    const { conversationId, messageId, paymentLinkUrl, template } = res.json();
    expect(template).toBeNull();
    expect(paymentLinkUrl).toMatch(new RegExp(`^${razorpay.url}/links/plink_`));
    await accepted(messageId);

    const upload = wa.calls(`/v21.0/${wa.phoneNumberId}/media`, 'POST');
    expect(upload).toHaveLength(1);
    expect(upload[0]!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const sent = wa.sent.at(-1)!;
    expect(sent).toMatchObject({ to: '919845012345', type: 'document' });
    const media = wa.media.get(sent.body.document.id)!;
    expect(media.mimeType).toBe('application/pdf');
    expect(media.data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sent.body.document.filename).toBe(`${inv.number.replace(/\//g, '-')}.pdf`);
    expect(sent.body.document.caption).toBe(`Tax invoice ${inv.number} from Hassan Spices LLP for ₹2,100.00, due on ${today()}.\nPay ₹2,100.00 online: ${paymentLinkUrl}`);

    const conv = (await owner.client.get(ws(`/conversations/${conversationId}`))).json();
    expect(conv.messages.find((m: { id: string }) => m.id === messageId)).toMatchObject({ body: sent.body.document.caption });
    expect((await owner.client.get(api(`/documents/${inv.id}`))).json().status).toBe('sent');
  });

  it('INV-2 outside the window: a 409 says why and offers the approved templates with a document header; sent with one, the PDF is its header', async () => {
    await wa.inbound(hook, { from: '919900011122', name: 'Meena Rao', text: 'Thanks', at: new Date(Date.now() - 30 * 3600_000) });
    const inv = await invoiceFor(await contactOf('919900011122'));
    const none = await owner.client.post(api(`/documents/${inv.id}/send-whatsapp`), {});
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatchObject({ code: 'whatsapp_window_closed', details: { field: 'template', templates: [] } });
    expect(none.json().error.message).toContain('no approved template with a document header');

    wa.templates.push({ name: 'invoice_pdf', language: 'en', status: 'APPROVED', category: 'UTILITY', header: 'DOCUMENT', body: 'Hello {{1}}, invoice {{2}} for {{3}} is attached. Pay here: {{4}}' });
    expect((await owner.client.post(ws('/channel-settings/whatsapp/check'))).statusCode).toBe(200);
    const offer = await owner.client.post(api(`/documents/${inv.id}/send-whatsapp`), {});
    expect(offer.statusCode).toBe(409);
    expect(offer.json().error.details.templates).toEqual([expect.objectContaining({ name: 'invoice_pdf', language: 'en', paramCount: 4 })]);
    expect(offer.json().error.message).toContain('invoice_pdf');
    // A template without a document header is not one that fits.
    expect((await owner.client.post(api(`/documents/${inv.id}/send-whatsapp`), { template: { name: 'order_update', language: 'en_US' } })).json().error.code).toBe('template_not_approved');

    const res = await owner.client.post(api(`/documents/${inv.id}/send-whatsapp`), { template: { name: 'invoice_pdf', language: 'en' } });
    expect(res.statusCode, res.body).toBe(202);
    await accepted(res.json().messageId);
    const sent = wa.sent.at(-1)!;
    expect(sent.type).toBe('template');
    const [header, body] = sent.body.template.components;
    expect(header).toMatchObject({ type: 'header', parameters: [{ type: 'document', document: { filename: `${inv.number.replace(/\//g, '-')}.pdf` } }] });
    expect(wa.media.get(header.parameters[0].document.id)!.data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(body.parameters.map((p: { text: string }) => p.text)).toEqual(['Ravi Kumar', inv.number, '₹2,100.00', res.json().paymentLinkUrl]);
  });

  it('INV-2 an invoice with no CRM customer, or a customer who never wrote on WhatsApp, is refused with a 409 saying why', async () => {
    const walkIn = await invoiceFor(undefined);
    const r1 = await owner.client.post(api(`/documents/${walkIn.id}/send-whatsapp`), {});
    expect(r1.statusCode).toBe(409);
    expect(r1.json().error.code).toBe('no_customer_record');
    const contact = (await owner.client.post(ws('/contacts'), { firstName: 'Email', lastName: 'Only', emails: ['only@example.in'] })).json();
    const inv = await invoiceFor(contact.id);
    const r2 = await owner.client.post(api(`/documents/${inv.id}/send-whatsapp`), {});
    expect(r2.statusCode).toBe(409);
    expect(r2.json().error).toMatchObject({ code: 'no_whatsapp_conversation', message: expect.stringContaining('messaged its number') });
  });
});
