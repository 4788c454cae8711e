import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { openLinkOf } from './payment-links';
import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { workspaces } from '../workspaces/workspaces.schema';
import type { InvoiceDocument } from './invoicing.contract';
import { findDocument, loadLines, presentDocument } from './get-document';
import { requireSettings, type SettingsRow } from './invoicing-settings';
import { dayFirst as dmy, gstState, hsnSummaryOf, quantityText as qty } from './pdf-figures';

/** Rs. 12,34,567.89 — the PDF's standard fonts have no ₹ glyph, so the rupee is written out. */
export function rupees(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(paise);
  const whole = String(Math.trunc(abs / 100));
  const last3 = whole.slice(-3);
  const rest = whole.slice(0, -3).replace(/\B(?=(\d{2})+(?!\d))/g, ',');
  return `${sign}${rest ? `${rest},` : ''}${last3}.${String(abs % 100).padStart(2, '0')}`;
}
const pct = (bps: number) => `${bps / 100}%`;
const stateText = (code: string) => (code === '96' ? 'Outside India (96)' : `${gstState(code)?.name ?? code} (${code})`);
const titles = { invoice: 'TAX INVOICE', quote: 'QUOTATION', credit_note: 'CREDIT NOTE' } as const;

/** INV-2: where the customer pays by transfer or UPI. */
export interface PdfBank { accountName: string | null; accountNumber: string | null; ifsc: string | null; bankName: string | null; branch: string | null; upiId: string | null }
export interface PdfParty { legalName: string; gstin: string | null; stateCode: string; address: string[]; logo?: Buffer | null; bank?: PdfBank | null }
/** INV-5: the invoice's open payment link, with its QR code as a PNG. */
export interface PdfPayLink { url: string; amountPaise: number; qrPng: Buffer }
/** INV-2: a UPI QR for the balance due (any UPI app pays it), when the business has a UPI id. */
export interface PdfUpi { uri: string; amountPaise: number; qrPng: Buffer }
export interface InvoicePdfInput { doc: InvoiceDocument; supplier: PdfParty; original: { number: string | null; documentDate: string } | null; payLink?: PdfPayLink | null; upi?: PdfUpi | null }

/** The whole PDF in memory (an email attachment). */
export function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const pdf = drawInvoicePdf(input);
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
}

/**
 * Everything a tax invoice must show (CGST Rules, rule 46): both GSTINs, number and date, place of
 * supply, HSN/SAC per line, taxable value and each tax by rate, total in words, reverse charge and a
 * signature line. pdfkit's document is a readable stream: the route pipes it to the browser as drawn.
 */
export function drawInvoicePdf({ doc, supplier, original, payLink, upi }: InvoicePdfInput): PDFKit.PDFDocument {
  const pdf = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `${titles[doc.documentType]} ${doc.number ?? 'draft'}`, Author: supplier.legalName } });
  const left = 40;
  const width = pdf.page.width - 80;
  const igst = doc.regime === 'igst';
  const stateTax = doc.regime === 'cgst-utgst' ? 'UTGST' : 'SGST';

  // The logo at the top left, fitted in a box that leaves the centred title clear.
  const logoBox = { w: 130, h: 56 };
  if (supplier.logo) pdf.image(supplier.logo, left, 40, { fit: [logoBox.w, logoBox.h] });
  pdf.font('Helvetica-Bold').fontSize(16).text(titles[doc.documentType], left, 40, { width, align: 'center' });
  if (doc.status === 'cancelled') pdf.font('Helvetica-Bold').fontSize(10).fillColor('#b91c1c').text('CANCELLED', { width, align: 'center' }).fillColor('black');
  if (doc.status === 'draft') pdf.font('Helvetica').fontSize(9).text('Draft - not a valid tax invoice until issued', { width, align: 'center' });
  pdf.moveDown(0.8);
  if (supplier.logo) pdf.y = Math.max(pdf.y, 40 + logoBox.h + 8);

  const top = pdf.y;
  pdf.font('Helvetica-Bold').fontSize(11).text(supplier.legalName, left, top, { width: width / 2 - 10 });
  pdf.font('Helvetica').fontSize(9);
  for (const line of supplier.address) pdf.text(line, { width: width / 2 - 10 });
  pdf.text(`GSTIN: ${supplier.gstin ?? 'Unregistered'}`);
  pdf.text(`State: ${stateText(supplier.stateCode)}`);
  const leftEnd = pdf.y;

  const meta: [string, string][] = [
    [doc.documentType === 'credit_note' ? 'Credit note no.' : doc.documentType === 'quote' ? 'Quote no.' : 'Invoice no.', doc.number ?? '(draft)'],
    ['Date', dmy(doc.documentDate)],
    ...(doc.dueDate ? [['Due date', dmy(doc.dueDate)] as [string, string]] : []),
    ['Place of supply', stateText(doc.placeOfSupply)],
    ['Reverse charge', 'No'],
    ...(original ? [['Against invoice', `${original.number ?? ''} dated ${dmy(original.documentDate)}`] as [string, string]] : []),
  ];
  let y = top;
  for (const [k, v] of meta) {
    pdf.font('Helvetica-Bold').fontSize(9).text(`${k}:`, left + width / 2, y, { width: 95 });
    pdf.font('Helvetica').text(v, left + width / 2 + 95, y, { width: width / 2 - 95 });
    y = pdf.y + 2;
  }
  pdf.y = Math.max(leftEnd, y) + 10;

  pdf.font('Helvetica-Bold').fontSize(9).text('Bill to', left);
  pdf.font('Helvetica').text(doc.buyerName);
  pdf.text(`GSTIN: ${doc.buyerGstin ?? 'Unregistered'}`);
  if (doc.buyerStateCode) pdf.text(`State: ${stateText(doc.buyerStateCode)}`);
  pdf.moveDown(0.8);

  // Lines: one row each, with the tax of its rate.
  const cols = igst
    ? [['#', 18], ['Description', 140], ['HSN/SAC', 50], ['Qty', 45], ['Rate', 55], ['Taxable', 65], ['IGST', 70], ['Total', 72]] as const
    : [['#', 18], ['Description', 120], ['HSN/SAC', 48], ['Qty', 42], ['Rate', 52], ['Taxable', 62], ['CGST', 56], [stateTax, 56], ['Total', 61]] as const;
  const row = (cells: string[], bold = false) => {
    const rowTop = pdf.y;
    let x = left;
    let bottom = rowTop;
    pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    cells.forEach((cell, i) => {
      const w = cols[i]![1];
      pdf.text(cell, x + 2, rowTop, { width: w - 4, align: i <= 2 ? 'left' : 'right' });
      bottom = Math.max(bottom, pdf.y);
      x += w;
    });
    pdf.y = bottom + 3;
    pdf.moveTo(left, pdf.y - 1).lineTo(left + width, pdf.y - 1).strokeColor('#d6d3d1').lineWidth(0.5).stroke();
    if (pdf.y > pdf.page.height - 140) pdf.addPage();
  };
  row(cols.map((c) => c[0]), true);
  for (const l of doc.lines) {
    const desc = l.discount ? `${l.description} (less ${l.discount.kind === 'percent' ? pct(l.discount.bps) : `Rs. ${rupees(l.discount.paise)}`})` : l.description;
    const taxCells = igst ? [`${pct(l.rateBps)} ${rupees(l.igstPaise)}`] : [`${pct(l.rateBps / 2)} ${rupees(l.cgstPaise)}`, `${pct(l.rateBps / 2)} ${rupees(l.sgstPaise + l.utgstPaise)}`];
    row([String(l.position + 1), desc, l.hsn, `${qty(l.quantityMilli)} ${l.uqc}`, rupees(l.unitPricePaise), rupees(l.taxablePaise), ...taxCells, rupees(l.totalPaise)]);
  }
  pdf.moveDown(0.6);

  // Tax by rate (the HSN-wise summary an accountant reads), then the totals.
  pdf.font('Helvetica-Bold').fontSize(9).text('Tax by HSN/SAC and rate', left);
  pdf.font('Helvetica').fontSize(8);
  for (const h of hsnSummaryOf(doc.lines)) {
    const taxes = igst ? `IGST ${rupees(h.igstPaise)}` : `CGST ${rupees(h.cgstPaise)}  ${stateTax} ${rupees(h.sgstPaise + h.utgstPaise)}`;
    pdf.text(`HSN/SAC ${h.hsn} @ ${pct(h.rateBps)}: taxable ${rupees(h.taxablePaise)}  ${taxes}${h.cessPaise ? `  Cess ${rupees(h.cessPaise)}` : ''}`, left);
  }
  if (doc.discount) {
    pdf.moveDown(0.3).font('Helvetica').fontSize(8)
      .text(`Invoice discount ${doc.discount.kind === 'percent' ? pct(doc.discount.bps) : `Rs. ${rupees(doc.discount.paise)}`}, spread over the lines in proportion before tax: the taxable values above are after it.`, left, pdf.y, { width });
  }
  pdf.moveDown(0.6);
  const totals: [string, number][] = [['Taxable value', doc.taxablePaise]];
  if (igst) totals.push(['IGST', doc.igstPaise]);
  else if (doc.regime !== 'zero-rated') totals.push(['CGST', doc.cgstPaise], [stateTax, doc.sgstPaise + doc.utgstPaise]);
  if (doc.cessPaise) totals.push(['Cess', doc.cessPaise]);
  totals.push(['Round-off', doc.roundOffPaise]);
  for (const [k, v] of totals) {
    const rowY = pdf.y;
    pdf.font('Helvetica').fontSize(9).text(k, left + width - 230, rowY, { width: 120 });
    pdf.text(`Rs. ${rupees(v)}`, left + width - 110, rowY, { width: 110, align: 'right' });
  }
  const totalY = pdf.y + 2;
  pdf.font('Helvetica-Bold').fontSize(11).text('Total', left + width - 230, totalY, { width: 120 });
  pdf.text(`Rs. ${rupees(doc.grandTotalPaise)}`, left + width - 110, totalY, { width: 110, align: 'right' });
  pdf.moveDown(0.8);
  pdf.font('Helvetica').fontSize(9).text(`Amount in words: ${doc.amountInWords}`, left, pdf.y, { width });
  if (doc.regime === 'zero-rated') pdf.text('Supply meant for export / SEZ under bond or letter of undertaking without payment of IGST.', { width });
  if (doc.notes) pdf.moveDown(0.5).text(doc.notes, { width });
  const bankLines = bankLinesOf(supplier.bank);
  if (bankLines.length && doc.documentType !== 'credit_note') {
    pdf.moveDown(0.8);
    if (pdf.y > pdf.page.height - 200) pdf.addPage();
    const blockY = pdf.y;
    const textWidth = upi ? width - 200 : width;
    pdf.font('Helvetica-Bold').fontSize(9).text('Payment details', left, pdf.y, { width: textWidth });
    pdf.font('Helvetica').fontSize(9);
    for (const [k, v] of bankLines) pdf.text(`${k}: ${v}`, left, pdf.y, { width: textWidth });
    if (upi) {
      // Beside the bank details: any UPI app scans it and fills in the payee, the balance and the invoice number.
      const qrX = left + width - 190;
      pdf.image(upi.qrPng, qrX, blockY, { width: 78, height: 78 });
      pdf.font('Helvetica-Bold').fontSize(8).text('Scan with any UPI app', qrX + 84, blockY + 10, { width: 106 });
      pdf.font('Helvetica').fontSize(8).text(`Pays Rs. ${rupees(upi.amountPaise)} for ${doc.number}`, qrX + 84, pdf.y + 2, { width: 106 });
      pdf.y = Math.max(pdf.y, blockY + 82);
    }
  }

  // Signature block, with the payment link's QR code beside it (INV-5).
  pdf.moveDown(2);
  if (payLink && pdf.y > pdf.page.height - 150) pdf.addPage();
  const signY = Math.min(pdf.y, pdf.page.height - 100);
  if (payLink) {
    pdf.image(payLink.qrPng, left, signY, { width: 84, height: 84 });
    pdf.font('Helvetica-Bold').fontSize(9).text(`Scan to pay Rs. ${rupees(payLink.amountPaise)} online`, left + 92, signY + 4, { width: width - 300 });
    pdf.font('Helvetica').fontSize(8).fillColor('#1d4ed8').text(payLink.url, left + 92, pdf.y + 2, { width: width - 300, link: payLink.url, underline: true }).fillColor('black');
  }
  pdf.font('Helvetica-Bold').fontSize(9).text(`For ${supplier.legalName}`, left + width - 200, signY, { width: 200, align: 'right' });
  pdf.moveTo(left + width - 160, signY + 45).lineTo(left + width, signY + 45).strokeColor('black').stroke();
  pdf.font('Helvetica').text('Authorised signatory', left + width - 200, signY + 50, { width: 200, align: 'right' });
  pdf.end();
  return pdf;
}

/** The bank and UPI particulars that are set, in the order a payer types them. */
export function bankLinesOf(bank: PdfBank | null | undefined): [string, string][] {
  if (!bank) return [];
  const rows: [string, string | null][] = [
    ['Account name', bank.accountName],
    ['Account number', bank.accountNumber],
    ['IFSC', bank.ifsc],
    ['Bank', [bank.bankName, bank.branch].filter(Boolean).join(', ') || null],
    ['UPI', bank.upiId],
  ];
  return rows.filter((r): r is [string, string] => !!r[1]);
}

function addressOf(w: typeof workspaces.$inferSelect | undefined): string[] {
  if (!w) return [];
  const cityLine = [w.city, w.state, w.postalCode].filter(Boolean).join(', ');
  return [w.addressLine1, w.addressLine2, cityLine].filter((l): l is string => !!l);
}

/** INV-2: the document, its supplier (legal identity and the workspace's address) and, for a credit note, its invoice. */
export async function loadPdfInput(db: Db, ctx: WorkspaceContext, id: string): Promise<InvoicePdfInput & { settings: SettingsRow }> {
  return withTenant(db, ctx, async (tx) => {
    const settings = await requireSettings(tx, ctx);
    const doc = presentDocument(await findDocument(tx, ctx, id), await loadLines(tx, ctx, id));
    const [ws] = await tx.select().from(workspaces).where(eq(workspaces.id, ctx.workspaceId));
    const original = doc.originalDocumentId ? await findDocument(tx, ctx, doc.originalDocumentId) : null;
    const due = doc.documentType === 'invoice' && !!doc.number && doc.grandTotalPaise > doc.paidPaise && doc.status !== 'cancelled';
    const link = due ? await openLinkOf(tx, ctx, id) : null;
    const upiUri = due && settings.upiId ? upiPayUri({ upiId: settings.upiId, payeeName: settings.legalName, amountPaise: doc.grandTotalPaise - doc.paidPaise, note: doc.number! }) : null;
    return {
      payLink: link ? await payLinkOf(link.url, link.amountPaise) : null,
      upi: upiUri ? { uri: upiUri, amountPaise: doc.grandTotalPaise - doc.paidPaise, qrPng: await qrPng(upiUri) } : null,
      settings,
      doc,
      supplier: {
        legalName: settings.legalName, gstin: doc.supplierGstin, stateCode: doc.supplierStateCode, address: addressOf(ws), logo: settings.logo,
        bank: { accountName: settings.bankAccountName, accountNumber: settings.bankAccountNumber, ifsc: settings.bankIfsc, bankName: settings.bankName, branch: settings.bankBranch, upiId: settings.upiId },
      },
      original: original ? { number: original.number, documentDate: original.documentDate } : null,
    };
  });
}

export const pdfFileName = (doc: Pick<InvoiceDocument, 'number' | 'documentType'>) => `${(doc.number ?? `${doc.documentType}-draft`).replace(/[^A-Za-z0-9-]+/g, '-')}.pdf`;

/** A QR code as a PNG (error correction M: still reads when printed small or smudged). */
export const qrPng = (text: string) => QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 1, width: 240 });

/** INV-5: the link and its QR code. */
export async function payLinkOf(url: string, amountPaise: number): Promise<PdfPayLink> {
  return { url, amountPaise, qrPng: await qrPng(url) };
}

/**
 * INV-2: the UPI deep link NPCI's linking specification describes — payee address `pa`, payee name
 * `pn`, amount `am` in rupees with two decimals, currency `cu=INR`, and the note `tn` (the invoice
 * number, so the payment shows which invoice it settles). Each value is percent-encoded.
 */
export function upiPayUri(p: { upiId: string; payeeName: string; amountPaise: number; note: string }): string {
  const am = `${Math.trunc(p.amountPaise / 100)}.${String(p.amountPaise % 100).padStart(2, '0')}`;
  const q = [['pa', p.upiId], ['pn', p.payeeName.slice(0, 50)], ['am', am], ['cu', 'INR'], ['tn', p.note]] as const;
  return `upi://pay?${q.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}
