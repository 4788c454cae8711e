import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { sendDownload } from '../../platform/http/download';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { managers, teamMembers } from '../../platform/http/access';
import { errorBodySchema } from '../../platform/http/errors';
import * as c from './invoicing.contract';
import { getDocument, listDocuments } from './get-document';
import { getInvoicingSettings, getLogo, removeLogo, saveInvoicingSettings, saveLogo } from './invoicing-settings';
import { cancelDocument, issueDocument } from './issue-document';
import { createProduct, getProduct, listProducts, listStockMovements, recordStockMovement, updateProduct } from './manage-products';
import { createSeries, listSeries } from './manage-series';
import { createDocument, updateDocument } from './save-document';
import { listPayments, recordPayment, voidPayment } from './record-payment';
import { drawInvoicePdf, loadPdfInput, pdfFileName } from './render-invoice-pdf';
import { sendDocument, sendDocumentOnWhatsapp } from './send-document';
import { gstr1ForMonth, gstr3bForMonth } from './load-returns';
import { gstr1Workbook } from './gstr1-xlsx';
import { salesReports } from './sales-reports';
import { createExpense, deleteExpense, getExpenseAttachment, listExpenses, removeExpenseAttachment, saveExpenseAttachment } from './expenses';
import { Readable } from 'node:stream';
import { AppError } from '../../platform/http/errors';
import { listPaymentIssues, resolvePaymentIssue } from './payment-issues';
import { createPaymentLink, handleLinkWebhook, listPaymentAccounts, listPaymentLinks, removePaymentAccount, savePaymentAccount } from './payment-links';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema, 502: errorBodySchema };
const base = '/api/workspaces/:workspaceId/invoicing';

/**
 * INV-1, INV-2: products and stock, numbering series, quotes, invoices and credit notes. The team
 * (owner, admin, staff) works here; clients have no access — prices, stock and other customers'
 * invoices are the business's own.
 */
export async function invoicingModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const { db } = services.database;
  const team = { access: teamMembers };
  const tags = ['invoicing'];
  const ctx = (r: { workspace?: { ctx: Parameters<typeof getProduct>[1] } | null }) => r.workspace!.ctx;

  app.get(`${base}/settings`, { config: team, schema: { tags, summary: "The business's GST identity (INV-2)", params: c.workspaceParams, response: { 200: c.settingsSchema, ...errors } } }, async (r) => getInvoicingSettings(db, ctx(r)));
  app.put(`${base}/settings`, { config: team, schema: { tags, summary: "Set the business's legal name, GSTIN (check digit validated), stock policy, bank account (IFSC checked) and UPI id (INV-2)", params: c.workspaceParams, body: c.settingsBody, response: { 200: c.settingsSchema, ...errors } } }, async (r) => saveInvoicingSettings(db, ctx(r), r.body));
  app.get(`${base}/settings/logo`, { config: team, schema: { tags, summary: 'The logo printed on invoices (INV-2)', params: c.workspaceParams, response: { 200: z.string(), ...errors } } }, async (r, reply) => {
    const logo = await getLogo(db, ctx(r));
    return (reply as FastifyReply).header('content-type', logo.type).header('cache-control', 'private, no-cache').send(logo.bytes);
  });
  app.put(`${base}/settings/logo`, { config: team, schema: { tags, summary: 'Upload the logo printed at the top left of invoices: PNG or JPEG (checked by its bytes), at most 512 KB (INV-2)', params: c.workspaceParams, body: c.logoBody, response: { 200: c.settingsSchema, ...errors } } }, async (r) => saveLogo(db, ctx(r), r.body.dataBase64));
  app.delete(`${base}/settings/logo`, { config: team, schema: { tags, summary: 'Remove the logo (INV-2)', params: c.workspaceParams, response: { 200: c.settingsSchema, ...errors } } }, async (r) => removeLogo(db, ctx(r)));

  app.get(`${base}/products`, { config: team, schema: { tags, summary: 'Products and services; lowStock=true lists those at or below their reorder level (INV-1)', params: c.workspaceParams, querystring: c.productListQuery, response: { 200: c.productList, ...errors } } }, async (r) => listProducts(db, ctx(r), r.query));
  app.post(`${base}/products`, { config: team, schema: { tags, summary: 'Add a product (HSN) or service (SAC) (INV-1)', params: c.workspaceParams, body: c.productBody, response: { 201: c.productSchema, ...errors } } }, async (r, reply) => reply.code(201).send(await createProduct(db, ctx(r), r.body)));
  app.get(`${base}/products/:productId`, { config: team, schema: { tags, summary: 'One product with its stock level (INV-1)', params: c.productParams, response: { 200: c.productSchema, ...errors } } }, async (r) => getProduct(db, ctx(r), r.params.productId));
  app.patch(`${base}/products/:productId`, { config: team, schema: { tags, summary: 'Change a product; 409 if it changed since `version` (INV-1)', params: c.productParams, body: c.updateProductBody, response: { 200: c.productSchema, ...errors } } }, async (r) => updateProduct(db, ctx(r), r.params.productId, r.body));
  app.get(`${base}/products/:productId/stock-movements`, { config: team, schema: { tags, summary: "A product's stock movements, newest first (INV-1)", params: c.productParams, response: { 200: c.movementList, ...errors } } }, async (r) => listStockMovements(db, ctx(r), r.params.productId));
  app.post(`${base}/products/:productId/stock-movements`, { config: team, schema: { tags, summary: 'Record a purchase, return or adjustment (INV-1)', params: c.productParams, body: c.movementBody, response: { 201: c.movementResult, ...errors } } }, async (r, reply) => reply.code(201).send(await recordStockMovement(db, ctx(r), r.params.productId, r.body)));

  app.get(`${base}/series`, { config: team, schema: { tags, summary: 'Numbering series (INV-2)', params: c.workspaceParams, response: { 200: c.seriesList, ...errors } } }, async (r) => listSeries(db, ctx(r)));
  app.post(`${base}/series`, { config: team, schema: { tags, summary: 'Add a numbering series; refused when its longest number exceeds 16 characters (INV-2)', params: c.workspaceParams, body: c.seriesBody, response: { 201: c.seriesSchema, ...errors } } }, async (r, reply) => reply.code(201).send(await createSeries(db, ctx(r), r.body)));

  app.get(`${base}/documents`, { config: team, schema: { tags, summary: 'Quotes, invoices and credit notes, newest first (INV-2)', params: c.workspaceParams, querystring: c.documentListQuery, response: { 200: c.documentList, ...errors } } }, async (r) => listDocuments(db, ctx(r), r.query));
  app.post(`${base}/documents`, { config: team, schema: { tags, summary: 'Draft a quote, invoice or credit note; tax computed per line (INV-2)', params: c.workspaceParams, body: c.documentBody, response: { 201: c.documentSchema, ...errors } } }, async (r, reply) => reply.code(201).send(await createDocument(db, ctx(r), r.body)));
  app.get(`${base}/documents/:documentId`, { config: team, schema: { tags, summary: 'One document with lines and amount in words (INV-2)', params: c.documentParams, response: { 200: c.documentSchema, ...errors } } }, async (r) => getDocument(db, ctx(r), r.params.documentId));
  app.patch(`${base}/documents/:documentId`, { config: team, schema: { tags, summary: 'Change a draft; 409 once issued (INV-2)', params: c.documentParams, body: c.updateDocumentBody, response: { 200: c.documentSchema, ...errors } } }, async (r) => updateDocument(db, ctx(r), r.params.documentId, r.body));
  app.post(`${base}/documents/:documentId/issue`, { config: team, schema: { tags, summary: 'Issue a draft: gap-free number for its financial year, stock moved (INV-2)', params: c.documentParams, body: c.versionBody, response: { 200: c.documentSchema, ...errors } } }, async (r) => issueDocument(db, ctx(r), r.params.documentId, r.body.version));
  app.get(`${base}/documents/:documentId/payments`, { config: team, schema: { tags, summary: "An invoice's payments, oldest first, with its balance (INV-3)", params: c.documentParams, response: { 200: c.paymentList, ...errors } } }, async (r) => listPayments(db, ctx(r), r.params.documentId));
  app.post(`${base}/documents/:documentId/payments`, { config: team, schema: { tags, summary: 'Record a payment against an issued invoice; 409 beyond the balance (INV-3)', params: c.documentParams, body: c.paymentBody, response: { 201: c.paymentResult, ...errors } } }, async (r, reply) => reply.code(201).send(await recordPayment(db, ctx(r), r.params.documentId, r.body)));
  app.post(`${base}/documents/:documentId/payments/:paymentId/void`, { config: { access: managers }, schema: { tags, summary: 'Void a wrong payment (owner or admin; audited); the balance and status go back (INV-3)', params: c.paymentParams, body: c.voidPaymentBody, response: { 200: c.paymentResult, ...errors } } }, async (r) => voidPayment(db, ctx(r), r.params.documentId, r.params.paymentId, r.body.reason));
  app.get(`${base}/documents/:documentId/pdf`, { config: team, schema: { tags, summary: 'The document as a PDF tax invoice (both GSTINs, place of supply, HSN per line, tax by rate, total in words, signature line), streamed (INV-2)', params: c.documentParams, response: { 200: z.string(), ...errors } } }, async (r, reply) => {
    const input = await loadPdfInput(db, ctx(r), r.params.documentId);
    return sendDownload(reply as FastifyReply, { stream: drawInvoicePdf(input) as unknown as Readable, filename: pdfFileName(input.doc), contentType: 'application/pdf' });
  });
  app.post(`${base}/documents/:documentId/send`, { config: team, schema: { tags, summary: 'Email an issued document with its PDF attached, through the mail outbox; an issued invoice becomes sent (INV-2)', params: c.documentParams, body: c.sendBody, response: { 202: c.sendResult, ...errors } } }, async (r, reply) => reply.code(202).send(await sendDocument(services, ctx(r), r.params.documentId, r.body)));

  app.post(`${base}/documents/:documentId/send-whatsapp`, { config: team, schema: { tags, summary: "Send an issued document's PDF on WhatsApp into the customer's conversation: a document with the payment link inside the 24-hour window, else an approved template with a document header; 409 says why not (INV-2)", params: c.documentParams, body: c.whatsappSendBody, response: { 202: c.whatsappSendResult, ...errors } } }, async (r, reply) => reply.code(202).send(await sendDocumentOnWhatsapp(services, ctx(r), r.params.documentId, r.body)));
  app.post(`${base}/documents/:documentId/remind`, { config: team, schema: { tags, summary: 'Email a polite payment reminder for an invoice with money due: balance, due date, the PDF again and a payment link when Stripe is connected (audited)', params: c.documentParams, body: c.sendBody, response: { 202: c.sendResult, ...errors } } }, async (r, reply) => reply.code(202).send(await sendDocument(services, ctx(r), r.params.documentId, r.body, 'reminder')));
  app.get(`${base}/expenses`, { config: team, schema: { tags, summary: 'Expenses, newest first (of a month when asked), with totals and input tax credit (INV-3)', params: c.workspaceParams, querystring: c.expenseListQuery, response: { 200: c.expenseList, ...errors } } }, async (r) => listExpenses(db, ctx(r), r.query));
  app.post(`${base}/expenses`, { config: team, schema: { tags, summary: 'Record an expense with its category and GST paid (INV-3)', params: c.workspaceParams, body: c.expenseBody, response: { 201: c.expenseSchema, ...errors } } }, async (r, reply) => reply.code(201).send(await createExpense(db, ctx(r), r.body)));
  app.delete(`${base}/expenses/:expenseId`, { config: { access: managers }, schema: { tags, summary: 'Remove an expense entered by mistake (owner or admin; audited) (INV-3)', params: c.expenseParams, response: { 200: z.object({ deleted: z.literal(true) }), ...errors } } }, async (r) => deleteExpense(db, ctx(r), r.params.expenseId));
  app.put(`${base}/expenses/:expenseId/attachment`, { config: team, bodyLimit: 3 * 1024 * 1024, schema: { tags, summary: "Attach the vendor's bill to an expense: PDF, JPEG or PNG (checked by its bytes), at most 2 MB (INV-3)", params: c.expenseParams, body: c.attachmentBody, response: { 200: c.expenseSchema, ...errors } } }, async (r) => saveExpenseAttachment(db, ctx(r), r.params.expenseId, r.body));
  app.get(`${base}/expenses/:expenseId/attachment`, { config: team, schema: { tags, summary: "Download an expense's bill (INV-3)", params: c.expenseParams, response: { 200: z.string(), ...errors } } }, async (r, reply) => {
    const bill = await getExpenseAttachment(db, ctx(r), r.params.expenseId);
    return sendDownload(reply as FastifyReply, { stream: Readable.from([bill.bytes]), filename: bill.name, contentType: bill.type });
  });
  app.delete(`${base}/expenses/:expenseId/attachment`, { config: team, schema: { tags, summary: "Remove an expense's bill (INV-3)", params: c.expenseParams, response: { 200: c.expenseSchema, ...errors } } }, async (r) => removeExpenseAttachment(db, ctx(r), r.params.expenseId));
  app.get(`${base}/payment-accounts`, { config: team, schema: { tags, summary: 'Payment-link providers: connected or not, the key\'s last four, the webhook address to give the provider (INV-5)', params: c.workspaceParams, response: { 200: c.paymentAccountList, ...errors } } }, async (r) => listPaymentAccounts(services, ctx(r)));
  app.put(`${base}/payment-accounts/:provider`, { config: { access: managers }, schema: { tags, summary: "Connect the shop's own provider account for payment links; key and webhook secret stored sealed (INV-5, SEC-2)", params: c.linkProviderParams, body: c.paymentAccountBody, response: { 200: c.paymentAccountList, ...errors } } }, async (r) => savePaymentAccount(services, ctx(r), r.params.provider, r.body));
  app.delete(`${base}/payment-accounts/:provider`, { config: { access: managers }, schema: { tags, summary: 'Disconnect a payment-link provider (INV-5)', params: c.linkProviderParams, response: { 200: c.paymentAccountList, ...errors } } }, async (r) => removePaymentAccount(services, ctx(r), r.params.provider));
  app.get(`${base}/documents/:documentId/payment-issues`, { config: team, schema: { tags, summary: 'Payments a provider took that did not fit the invoice (cancelled, over the balance), with what to do, and those already settled (INV-3, INV-5)', params: c.documentParams, response: { 200: c.paymentIssueList, ...errors } } }, async (r) => listPaymentIssues(db, ctx(r), r.params.documentId));
  app.post(`${base}/documents/:documentId/payment-issues/:issueId/resolve`, { config: { access: managers }, schema: { tags, summary: 'Say what was done with money that did not fit: refunded, or kept as credit (owner or admin; audited) (INV-3)', params: c.paymentIssueParams, body: c.resolveIssueBody, response: { 200: c.paymentIssueSchema, ...errors } } }, async (r) => resolvePaymentIssue(db, ctx(r), r.params.documentId, r.params.issueId, r.body.resolution));
  app.get(`${base}/documents/:documentId/payment-links`, { config: team, schema: { tags, summary: "An invoice's payment links, newest first (INV-5)", params: c.documentParams, response: { 200: c.paymentLinkList, ...errors } } }, async (r) => listPaymentLinks(services, ctx(r), r.params.documentId));
  app.post(`${base}/documents/:documentId/payment-links`, { config: team, schema: { tags, summary: 'A payment link for the balance due or an instalment of it, on the connected provider (INV-5)', params: c.documentParams, body: c.paymentLinkBody, response: { 201: c.paymentLinkSchema, ...errors } } }, async (r, reply) => reply.code(201).send(await createPaymentLink(services, ctx(r), r.params.documentId, r.body)));

  // INV-5: the providers' signed events, verified over the raw body: this scope keeps JSON bodies as bytes.
  await app.register(async (scope) => {
    scope.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer', bodyLimit: 512 * 1024 }, (_req, body, done) => done(null, body));
    scope.withTypeProvider<ZodTypeProvider>().post('/api/invoicing/webhooks/:provider/:workspaceId', { config: { access: 'public' }, schema: { tags, summary: "A payment-link provider's signed event on the workspace's own account: a paid link records a payment once (INV-5)", params: c.linkWebhookParams, response: { 200: c.linkWebhookAck, ...errors } } }, async (r) => {
      if (!Buffer.isBuffer(r.body)) throw new AppError('webhook_invalid', 400, 'The webhook has no body.');
      return handleLinkWebhook(services, r.params.provider, r.params.workspaceId, r.body, r.headers);
    });
  });

  app.get(`${base}/returns/gstr1`, { config: team, schema: { tags, summary: "GSTR-1 of a month: the GST portal's JSON (b2b, b2cl, b2cs, cdnr, cdnur, exp, hsn, doc_issue) or the same as an .xlsx workbook (INV-4)", params: c.workspaceParams, querystring: c.returnQuery, response: { 200: z.union([c.gstr1Schema, z.string()]), ...errors } } }, async (r, reply) => {
    const g = await gstr1ForMonth(db, ctx(r), r.query.month);
    const name = `GSTR1_${g.gstin}_${g.fp}`;
    if (r.query.format === 'xlsx') {
      return sendDownload(reply as FastifyReply, { stream: Readable.from([await gstr1Workbook(g)]), filename: `${name}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    }
    return reply.header('content-disposition', `attachment; filename="${name}.json"`).send(g);
  });
  app.get(`${base}/returns/gstr3b`, { config: team, schema: { tags, summary: 'GSTR-3B of a month: table 3.1 (taxable, zero-rated and nil-rated outward supplies by tax, net of credit notes) and table 4 (eligible ITC from expenses billed by a registered vendor) (INV-4)', params: c.workspaceParams, querystring: c.gstr3bQuery, response: { 200: c.gstr3bSchema, ...errors } } }, async (r) => gstr3bForMonth(db, ctx(r), r.query.month));
  app.get(`${base}/reports`, { config: team, schema: { tags, summary: 'Sales and profit (sales − cost of goods − expenses) by month, receivables ageing (0–30/31–60/61–90/90+ days past due), top customers and products (INV-4)', params: c.workspaceParams, querystring: c.reportsQuery, response: { 200: c.reportsSchema, ...errors } } }, async (r) => salesReports(db, ctx(r), r.query));
  app.post(`${base}/documents/:documentId/cancel`, { config: team, schema: { tags, summary: 'Cancel an unpaid document; its number stays used, its stock returns (INV-2)', params: c.documentParams, body: c.versionBody, response: { 200: c.documentSchema, ...errors } } }, async (r) => cancelDocument(db, ctx(r), r.params.documentId, r.body.version));
}
