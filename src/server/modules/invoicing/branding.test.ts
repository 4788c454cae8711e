import { PDFParse } from 'pdf-parse';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { pngGrey } from '../../../../test/helpers/png-pixels';
import { rupees, upiPayUri } from './render-invoice-pdf';

/** INV-2: the invoice PDF carries the business's logo at the top left and where to pay it (bank account, UPI). */
let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let invoiceId: string;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}/invoicing${path}`;
const pdfText = async (data: Buffer) => (await new PDFParse({ data: new Uint8Array(data) }).getText()).text;
const pdfImages = async (data: Buffer) => (await new PDFParse({ data: new Uint8Array(data) }).getImage({ imageThreshold: 0 })).pages.flatMap((p) => p.images.map((i) => ({ page: p.pageNumber, width: i.width, height: i.height })));
const identity = { legalName: 'Mysuru Silks Pvt Ltd', gstin: '29AAGCB7383J1Z4' };
const bank = { bankAccountName: 'Mysuru Silks Pvt Ltd', bankAccountNumber: '50200012345678', bankIfsc: 'hdfc0001234', bankName: 'HDFC Bank', bankBranch: 'Sayyaji Rao Road, Mysuru', upiId: 'mysurusilks@okhdfcbank' };

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Mysuru Silks');
  expect((await owner.client.request('PUT', api('/settings'), identity)).statusCode).toBe(200);
  const series = (await owner.client.post(api('/series'), { documentType: 'invoice', prefix: 'MS', digits: 4 })).json().id;
  const draft = (await owner.client.post(api('/documents'), { documentType: 'invoice', seriesId: series, documentDate: '2026-06-15', buyerName: 'Walk-in', lines: [{ description: 'Silk saree', hsn: '5007', uqc: 'PCS', quantityMilli: 1000, unitPricePaise: 5_000_00, rateBps: 500 }] })).json();
  invoiceId = (await owner.client.post(api(`/documents/${draft.id}/issue`), { version: draft.version })).json().id;
}, 120_000);

describe('INV-2 bank account and UPI id on the invoice', () => {
  it('INV-2 the bank account (IFSC checked), branch and UPI id are saved and printed on the PDF; bad ones are refused naming the field', async () => {
    const before = await pdfText((await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload);
    expect(before).not.toContain('Payment details');

    for (const [field, value] of [['bankIfsc', 'HDFC1001234'], ['bankIfsc', 'HDF0001234'], ['bankAccountNumber', '12AB5678901'], ['bankAccountNumber', '12345678'], ['upiId', 'no-at-sign'], ['upiId', 'a@1bank']] as const) {
      const bad = await owner.client.request('PUT', api('/settings'), { ...identity, ...bank, [field]: value });
      expect(bad.statusCode, `${field}=${value}`).toBe(400);
      expect(bad.json().error.details.fields[field], `${field}=${value}`).toBeTruthy();
    }

    const saved = await owner.client.request('PUT', api('/settings'), { ...identity, ...bank });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ ...bank, bankIfsc: 'HDFC0001234', logoType: null });
    // Saving the identity alone leaves the bank details as they are.
    expect((await owner.client.request('PUT', api('/settings'), identity)).json().upiId).toBe('mysurusilks@okhdfcbank');

    const text = await pdfText((await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload);
    for (const expected of ['Payment details', 'Account name: Mysuru Silks Pvt Ltd', 'Account number: 50200012345678', 'IFSC: HDFC0001234', 'Bank: HDFC Bank, Sayyaji Rao Road, Mysuru', 'UPI: mysurusilks@okhdfcbank']) {
      expect(text, expected).toContain(expected);
    }

    // Cleared with null or an empty string: no longer printed.
    expect((await owner.client.request('PUT', api('/settings'), { ...identity, upiId: null, bankBranch: '' })).json()).toMatchObject({ upiId: null, bankBranch: null, bankName: 'HDFC Bank' });
    const after = await pdfText((await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload);
    expect(after).not.toContain('UPI:');
    expect(after).toContain('Bank: HDFC Bank\n');
  });
});

describe('INV-2 the logo on the invoice', () => {
  it('INV-2 a PNG logo is uploaded, served back and drawn on the PDF; a non-image or one over 512 KB is refused; removed, it is gone', async () => {
    const png = await QRCode.toBuffer('Mysuru Silks', { type: 'png', width: 200, margin: 0 });
    expect((await owner.client.get(api('/settings/logo'))).statusCode).toBe(404);

    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100)]);
    const renamed = await owner.client.request('PUT', api('/settings/logo'), { dataBase64: gif.toString('base64') });
    expect(renamed.statusCode).toBe(400);
    expect(renamed.json().error.details.fields.dataBase64).toContain('PNG or JPEG');
    const huge = Buffer.concat([png.subarray(0, 8), Buffer.alloc(512 * 1024)]);
    const tooBig = await owner.client.request('PUT', api('/settings/logo'), { dataBase64: huge.toString('base64') });
    expect(tooBig.statusCode).toBe(400);
    expect(JSON.stringify(tooBig.json().error)).toContain('512 KB');

    const up = await owner.client.request('PUT', api('/settings/logo'), { dataBase64: png.toString('base64') });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json().logoType).toBe('image/png');
    const served = await owner.client.get(api('/settings/logo'));
    expect(served.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(served.rawPayload, png)).toBe(0);

    const images = await pdfImages((await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload);
    expect(images).toEqual([{ page: 1, width: 200, height: 200 }]);

    expect((await owner.client.request('DELETE', api('/settings/logo'))).json().logoType).toBeNull();
    expect(await pdfImages((await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload)).toEqual([]);
  });
});

describe('INV-2 a UPI QR for the balance on the PDF', () => {
  it('INV-2 the UPI link is upi://pay with payee, name, balance in rupees, INR and the invoice number, each percent-encoded', () => {
    expect(upiPayUri({ upiId: 'mysurusilks@okhdfcbank', payeeName: 'Mysuru Silks Pvt Ltd', amountPaise: 5_250_05, note: 'MS/26-27/0001' }))
      .toBe('upi://pay?pa=mysurusilks%40okhdfcbank&pn=Mysuru%20Silks%20Pvt%20Ltd&am=5250.05&cu=INR&tn=MS%2F26-27%2F0001');
    expect(upiPayUri({ upiId: 'a.b@ybl', payeeName: 'R & D Traders #1', amountPaise: 99, note: 'X' })).toBe('upi://pay?pa=a.b%40ybl&pn=R%20%26%20D%20Traders%20%231&am=0.99&cu=INR&tn=X');
  });

  it('INV-2 with a UPI id set, the issued invoice\'s PDF carries a QR whose modules are exactly those of the UPI link for the balance due; paid in full, none', async () => {
    expect((await owner.client.request('PUT', api('/settings'), { ...identity, ...bank })).statusCode).toBe(200);
    const doc = (await owner.client.get(api(`/documents/${invoiceId}`))).json();
    expect((await owner.client.post(api(`/documents/${invoiceId}/payments`), { method: 'cash', amountPaise: 1_000_00 })).statusCode).toBe(201);
    const balance = doc.grandTotalPaise - 1_000_00;
    const pdf = (await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload;
    const text = await pdfText(pdf);
    expect(text).toContain('Scan with any UPI app');
    expect(text.replace(/\s+/g, ' ')).toContain(`Pays Rs. ${rupees(balance)} for ${doc.number}`);
    const uri = upiPayUri({ upiId: bank.upiId, payeeName: identity.legalName, amountPaise: balance, note: doc.number });
    const [image, ...others] = (await new PDFParse({ data: new Uint8Array(pdf) }).getImage({ imageThreshold: 0 })).pages.flatMap((p) => p.images);
    expect(others).toEqual([]);
    expect(qrModulesOf(image!)).toEqual(expectedModules(uri));
    expect(qrModulesOf(image!)).not.toEqual(expectedModules(uri.replace('am=', 'am=1')));

    expect((await owner.client.post(api(`/documents/${invoiceId}/payments`), { method: 'cash', amountPaise: balance })).statusCode).toBe(201);
    const paid = (await owner.client.get(api(`/documents/${invoiceId}/pdf`))).rawPayload;
    expect(await pdfText(paid)).not.toContain('Scan with any UPI app');
  });
});

/** The QR's dark/light modules read back from the PDF's image, sampled at each module's centre. */
function qrModulesOf(image: { data: Uint8Array }): boolean[][] {
  const png = pngGrey(image.data);
  const dark = (x: number, y: number) => png.at(x, y) < 128;
  // The quiet zone ends where the top-left finder pattern starts; that pattern is 7 modules wide.
  let start = 0;
  while (!dark(start, start) && start < png.width) start++;
  let end = start;
  while (dark(end, start) && end < png.width) end++;
  const module = (end - start) / 7;
  const count = Math.round((png.width - 2 * start) / module);
  return Array.from({ length: count }, (_, y) => Array.from({ length: count }, (_, x) => dark(start + (x + 0.5) * module, start + (y + 0.5) * module)));
}
function expectedModules(text: string): boolean[][] {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  return Array.from({ length: n }, (_, y) => Array.from({ length: n }, (_, x) => !!qr.modules.get(y, x)));
}
