import { int8 } from '../../platform/http/bounds';
import { z } from 'zod';
import { documentStatuses, documentTypes, expenseCategories, linkProviders, movementKinds, paymentIssueReasons, paymentIssueResolutions, paymentMethods, supplyKinds, taxRegimes } from './invoicing.schema';

const MAX_PAISE = 100_00_00_000_00; // ₹100 crore
const MAX_QTY_MILLI = 1_000_000_000; // a million units
const uuid = z.string().uuid();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'A date like 2026-04-01.');
const paise = int8(0, MAX_PAISE);
const quantity = z.number().int().min(-MAX_QTY_MILLI).max(MAX_QTY_MILLI).describe('Thousandths of a unit: 1500 = 1.5');
const rateBps = z.number().int().min(0).max(10000).describe('GST rate in basis points: 1800 = 18 %');
const cessBps = z.number().int().min(0).max(50000);
const code = (max: number) => z.string().trim().min(1).max(max);
const discount = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), bps: z.number().int().min(0).max(10000) }),
  z.object({ kind: z.literal('amount'), paise }),
]);

export const workspaceParams = z.object({ workspaceId: uuid });
export const productParams = workspaceParams.extend({ productId: uuid });
export const documentParams = workspaceParams.extend({ documentId: uuid });
export const paymentParams = documentParams.extend({ paymentId: uuid });

export const settingsSchema = z.object({
  legalName: z.string(),
  gstin: z.string().nullable(),
  stateCode: z.string(),
  allowNegativeStock: z.boolean(),
  bankAccountName: z.string().nullable(),
  bankAccountNumber: z.string().nullable(),
  bankIfsc: z.string().nullable(),
  bankName: z.string().nullable(),
  bankBranch: z.string().nullable(),
  upiId: z.string().nullable(),
  /** The logo's type when one is uploaded (GET …/settings/logo serves it). */
  logoType: z.enum(['image/png', 'image/jpeg']).nullable(),
});
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional().describe('Left out: kept as it is; null or empty: removed');
export const settingsBody = z.object({
  legalName: z.string().trim().min(1).max(200),
  gstin: z.string().trim().max(15).nullable().optional(),
  stateCode: z.string().length(2).optional().describe('Required without a GSTIN; taken from the GSTIN otherwise'),
  allowNegativeStock: z.boolean().optional(),
  bankAccountName: optionalText(200),
  bankAccountNumber: optionalText(18).describe('9 to 18 digits'),
  bankIfsc: optionalText(11).describe('IFSC: 4 letters, 0, then 6 letters or digits (e.g. HDFC0001234)'),
  bankName: optionalText(100),
  bankBranch: optionalText(100),
  upiId: optionalText(100).describe('A UPI id such as shop@okhdfcbank'),
});
/** INV-2: the logo, PNG or JPEG, at most 512 KB once decoded. */
export const logoBody = z.object({ dataBase64: z.string().min(1).max(Math.ceil((512 * 1024) / 3) * 4 + 4, 'The logo is larger than 512 KB.').describe('The image file, base64-encoded') });
export const LOGO_MAX_BYTES = 512 * 1024;

export const productSchema = z.object({
  id: uuid, sku: z.string(), name: z.string(), hsn: z.string(), uqc: z.string(), kind: z.enum(['goods', 'service']),
  pricePaise: z.number().int(), costPricePaise: z.number().int(), priceIncludesTax: z.boolean(), rateBps: z.number().int(), cessBps: z.number().int(),
  trackStock: z.boolean(), stockMilli: z.number().int(), reorderLevelMilli: z.number().int(), lowStock: z.boolean(),
  stockValuePaise: z.number().int().describe('Stock on hand at its cost price before GST; nothing when none is on hand (INV-1)'),
  version: z.number().int(), createdAt: z.string(), updatedAt: z.string(),
});
export const productBody = z.object({
  sku: code(40), name: z.string().trim().min(1).max(200), hsn: code(8), uqc: code(3),
  pricePaise: paise, costPricePaise: paise.optional().describe('What one unit costs you before GST; a purchase with a unit cost updates it'), priceIncludesTax: z.boolean().default(false), rateBps, cessBps: cessBps.default(0),
  trackStock: z.boolean().optional(), reorderLevelMilli: z.number().int().min(0).max(MAX_QTY_MILLI).default(0),
});
export const updateProductBody = productBody.partial().extend({ version: z.number().int().min(1).max(2_147_483_647) });
export const productList = z.object({
  items: z.array(productSchema),
  stockValuePaise: z.number().int().describe('All stock on hand at cost price: the sum of every product\'s value (INV-1)'),
});
export const productListQuery = z.object({ lowStock: z.enum(['true', 'false']).optional() });

export const movementSchema = z.object({
  id: uuid, productId: uuid, kind: z.enum(movementKinds), quantityMilli: z.number().int(), unitCostPaise: z.number().int().nullable(), documentId: uuid.nullable(), note: z.string().nullable(), createdAt: z.string(),
});
export const movementBody = z.object({
  kind: z.enum(['purchase', 'adjustment', 'return']).describe('Sales are recorded by issuing invoices'),
  quantityMilli: quantity.describe('Positive; an adjustment may be negative'),
  unitCostPaise: paise.optional().describe("A purchase's cost of one unit before GST; becomes the product's cost price"),
  note: z.string().trim().max(500).optional(),
});
export const movementResult = z.object({ movement: movementSchema, product: productSchema });
export const movementList = z.object({ items: z.array(movementSchema) });

export const seriesSchema = z.object({ id: uuid, documentType: z.enum(documentTypes), prefix: z.string(), digits: z.number().int(), example: z.string() });
export const seriesBody = z.object({ documentType: z.enum(documentTypes), prefix: z.string().trim().max(16), digits: z.number().int().min(1).max(9) });
export const seriesList = z.object({ items: z.array(seriesSchema) });

const lineBody = z.object({
  productId: uuid.optional(),
  description: z.string().trim().min(1).max(500).optional().describe("Defaults to the product's name"),
  hsn: code(8).optional(), uqc: code(3).optional(),
  quantityMilli: quantity, unitPricePaise: paise.optional(), priceIncludesTax: z.boolean().optional(),
  rateBps: rateBps.optional(), cessBps: cessBps.optional(), discount: discount.nullable().optional(),
});
export const documentBody = z.object({
  documentType: z.enum(documentTypes),
  seriesId: uuid,
  documentDate: isoDate,
  dueDate: isoDate.nullable().optional(),
  companyId: uuid.optional(),
  contactId: uuid.optional(),
  buyerName: z.string().trim().min(1).max(200).optional().describe('Defaults to the CRM record; required for a walk-in sale'),
  buyerGstin: z.string().trim().max(15).nullable().optional(),
  buyerStateCode: z.string().length(2).nullable().optional(),
  supplyKind: z.enum(supplyKinds).default('regular'),
  originalDocumentId: uuid.optional().describe('For a credit note: the invoice it corrects'),
  discount: discount.nullable().optional(),
  notes: z.string().trim().max(2000).optional(),
  lines: z.array(lineBody).min(1).max(200),
});
export const updateDocumentBody = documentBody.omit({ documentType: true }).extend({ version: z.number().int().min(1).max(2_147_483_647) });
export const versionBody = z.object({ version: z.number().int().min(1).max(2_147_483_647) });

const amounts = {
  taxablePaise: z.number().int(), cgstPaise: z.number().int(), sgstPaise: z.number().int(), utgstPaise: z.number().int(),
  igstPaise: z.number().int(), cessPaise: z.number().int(),
};
export const lineSchema = z.object({
  position: z.number().int(), productId: uuid.nullable(), description: z.string(), hsn: z.string(), uqc: z.string(),
  quantityMilli: z.number().int(), unitPricePaise: z.number().int(), priceIncludesTax: z.boolean(), rateBps: z.number().int(),
  cessBps: z.number().int(), discount: discount.nullable(), ...amounts, totalPaise: z.number().int(),
});
export const documentSchema = z.object({
  id: uuid, documentType: z.enum(documentTypes), status: z.enum(documentStatuses), seriesId: uuid, number: z.string().nullable(),
  financialYear: z.string().nullable(), documentDate: z.string(), dueDate: z.string().nullable(), companyId: uuid.nullable(),
  contactId: uuid.nullable(), buyerName: z.string(), buyerGstin: z.string().nullable(), buyerStateCode: z.string().nullable(),
  supplierGstin: z.string().nullable(), supplierStateCode: z.string(), placeOfSupply: z.string(), supplyKind: z.enum(supplyKinds),
  regime: z.enum(taxRegimes), originalDocumentId: uuid.nullable(), discount: discount.nullable(), ...amounts,
  roundOffPaise: z.number().int(), grandTotalPaise: z.number().int(), paidPaise: z.number().int(), amountInWords: z.string(),
  notes: z.string().nullable(), version: z.number().int(), issuedAt: z.string().nullable(), cancelledAt: z.string().nullable(),
  overdue: z.boolean().describe('Issued or partly paid, and past its due date (INV-3)'),
  stockBelowZero: z.array(z.object({ productId: uuid, name: z.string(), stockMilli: z.number().int() })).optional()
    .describe('Only in the answer to issuing: products this invoice took below zero, where the workspace allows it (INV-1)'),
  createdAt: z.string(), updatedAt: z.string(), lines: z.array(lineSchema),
});
export const documentListQuery = z.object({
  documentType: z.enum(documentTypes).optional(), status: z.enum(documentStatuses).optional(),
  overdue: z.enum(['true', 'false']).optional().describe('true: issued or partly paid invoices past their due date (INV-3)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const documentList = z.object({ items: z.array(documentSchema.omit({ lines: true })) });

export const paymentSchema = z.object({
  id: uuid, documentId: uuid, method: z.enum(paymentMethods), paidOn: z.string(), amountPaise: z.number().int(),
  reference: z.string().nullable(), note: z.string().nullable(), recordedBy: uuid.nullable(),
  voidedAt: z.string().nullable(), voidedBy: uuid.nullable(), voidReason: z.string().nullable(), createdAt: z.string(),
  provider: z.enum(linkProviders).nullable().describe('Set when the payment came through a payment link (INV-5)'),
});
export const paymentBody = z.object({
  method: z.enum(paymentMethods).exclude(['payment_link']).describe('Payments by link are recorded by the provider\'s webhook (INV-5)'),
  paidOn: isoDate.optional().describe("Defaults to today's date in India"),
  amountPaise: int8(1, MAX_PAISE).describe('At most the balance still due'),
  reference: z.string().trim().min(1).max(100).optional().describe('UPI transaction id, cheque number, bank reference…'),
  note: z.string().trim().max(500).optional(),
});
export const voidPaymentBody = z.object({ reason: z.string().trim().min(1).max(500) });
export const paymentResult = z.object({ payment: paymentSchema, document: documentSchema });
export const paymentList = z.object({ items: z.array(paymentSchema), grandTotalPaise: z.number().int(), paidPaise: z.number().int(), balancePaise: z.number().int() });

export type PaymentBody = z.infer<typeof paymentBody>;
export type SettingsBody = z.infer<typeof settingsBody>;
export type ProductBody = z.infer<typeof productBody>;
export type UpdateProductBody = z.infer<typeof updateProductBody>;
export type MovementBody = z.infer<typeof movementBody>;
export type SeriesBody = z.infer<typeof seriesBody>;
export type DocumentBody = z.infer<typeof documentBody>;
export type UpdateDocumentBody = z.infer<typeof updateDocumentBody>;
export type Product = z.infer<typeof productSchema>;
export type InvoiceDocument = z.infer<typeof documentSchema>;

// INV-2: the PDF and sending it.
export const sendBody = z.object({
  to: z.string().trim().email('An email address like accounts@example.in.').max(254),
  message: z.string().trim().max(2000).optional(),
});
export const sendResult = z.object({ queued: z.literal(true), to: z.string(), paymentLinkUrl: z.string().nullable().describe('The payment link the email carries (INV-5)') });

export const whatsappSendBody = z.object({
  template: z.object({ name: z.string().trim().min(1).max(512), language: z.string().trim().min(2).max(15) }).optional()
    .describe("Outside WhatsApp's 24-hour window: an approved template with a document header (the 409 names the ones that fit)"),
});
export const whatsappSendResult = z.object({ conversationId: uuid, messageId: uuid, template: z.string().nullable(), paymentLinkUrl: z.string().nullable() });

// INV-5: payment links on the workspace's own provider account.
export const linkProviderParams = workspaceParams.extend({ provider: z.enum(linkProviders) });
export const paymentAccountList = z.object({
  items: z.array(z.object({ provider: z.enum(linkProviders), connected: z.boolean(), keyId: z.string().nullable().describe("Razorpay's key id"), secretKeyLast4: z.string().nullable(), updatedAt: z.string().nullable(), webhookUrl: z.string() })),
});
export const paymentAccountBody = z.object({
  keyId: z.string().trim().min(8).max(100).optional().describe("Razorpay: the key id, like rzp_live_…; Stripe: none"),
  secretKey: z.string().trim().min(8).max(255).describe("Stripe: a secret or restricted key like sk_live_…; Razorpay: the key secret"),
  webhookSecret: z.string().trim().min(8).max(255).describe("Stripe: the endpoint's signing secret, whsec_…; Razorpay: the secret typed when adding the webhook"),
});
export const paymentLinkSchema = z.object({
  id: uuid, documentId: uuid, provider: z.enum(linkProviders), providerLinkId: z.string(), url: z.string(), amountPaise: z.number().int(), paidAt: z.string().nullable(), createdAt: z.string(),
});
export const paymentLinkBody = z.object({
  amountPaise: int8(1, MAX_PAISE).optional().describe('Defaults to the balance due; less asks for an instalment'),
  provider: z.enum(linkProviders).optional().describe('Which connected account makes the link; the one connected last by default'),
});

// INV-5, INV-3: money that arrived and did not fit its invoice.
export const paymentIssueParams = documentParams.extend({ issueId: uuid });
export const paymentIssueSchema = z.object({
  id: uuid, documentId: uuid, provider: z.enum(linkProviders), providerPaymentId: z.string(), amountPaise: z.number().int(), currency: z.string(),
  reason: z.enum(paymentIssueReasons), balancePaise: z.number().int().describe('What was still due when the money came'),
  why: z.string(), todo: z.string().describe('What to do: refund it or keep it as credit'),
  resolution: z.enum(paymentIssueResolutions).nullable(), resolvedAt: z.string().nullable(), resolvedBy: uuid.nullable(), createdAt: z.string(),
});
export const paymentIssueList = z.object({ items: z.array(paymentIssueSchema), open: z.number().int().describe('How many still need attention') });
export const resolveIssueBody = z.object({ resolution: z.enum(paymentIssueResolutions) });
export const paymentLinkList = z.object({ items: z.array(paymentLinkSchema) });
export const linkWebhookParams = z.object({ provider: z.enum(linkProviders), workspaceId: uuid });
export const linkWebhookAck = z.object({ received: z.boolean(), duplicate: z.boolean(), recorded: z.boolean() });

// INV-4: GST returns and reports.
const month = z.string().regex(/^20[0-9]{2}-(0[1-9]|1[0-2])$/, 'A month like 2026-06.');
export const returnQuery = z.object({ month, format: z.enum(['json', 'xlsx']).default('json') });
export const gstr3bQuery = z.object({ month });
const rupeeAmount = z.number();
export const gstr1Schema = z.object({
  gstin: z.string(), fp: z.string().describe('Return period, MMYYYY'), version: z.string(), hash: z.string(),
  b2b: z.array(z.unknown()), b2cl: z.array(z.unknown()), b2cs: z.array(z.unknown()), cdnr: z.array(z.unknown()), cdnur: z.array(z.unknown()), exp: z.array(z.unknown()),
  hsn: z.object({ data: z.array(z.unknown()) }), doc_issue: z.object({
    // GSTN's table 13 shape exactly: no other keys (the portal refuses unknown ones).
    doc_det: z.array(z.strictObject({
      doc_num: z.number().int().min(1).max(12),
      docs: z.array(z.strictObject({ num: z.number().int().min(1), from: z.string().max(16), to: z.string().max(16), totnum: z.number().int().min(0), cancel: z.number().int().min(0), net_issue: z.number().int().min(0) })),
    })),
  }),
}).describe("GSTR-1 in the GSTN offline tool's JSON shape; amounts in rupees");
const itcRow = z.object({ ty: z.string(), iamt: rupeeAmount, camt: rupeeAmount, samt: rupeeAmount, csamt: rupeeAmount });
export const gstr3bSchema = z.object({
  gstin: z.string(), ret_period: z.string(),
  sup_details: z.object({
    osup_det: z.object({ txval: rupeeAmount, iamt: rupeeAmount, camt: rupeeAmount, samt: rupeeAmount, csamt: rupeeAmount }),
    osup_zero: z.object({ txval: rupeeAmount, iamt: rupeeAmount, csamt: rupeeAmount }),
    osup_nil_exmp: z.object({ txval: rupeeAmount }),
  }),
  itc_elg: z.object({
    itc_avl: z.array(itcRow).describe('4(A): IMPG, IMPS, ISRC, ISD, OTH (all other ITC: expenses billed by a registered vendor)'),
    itc_rev: z.array(itcRow).describe('4(B): reversed'),
    itc_net: itcRow.omit({ ty: true }).describe('4(C): net ITC available'),
    itc_inelg: z.array(itcRow).describe('4(D): ineligible (OTH: expenses marked not claimable)'),
  }).describe('GSTR-3B table 4, eligible ITC'),
});
export const reportsQuery = z.object({ months: z.coerce.number().int().min(1).max(24).default(12), asOf: isoDate.optional().describe("The day ageing is counted to and the last month shown; today in India by default") });
export const reportsSchema = z.object({
  asOf: z.string(),
  salesByMonth: z.array(z.object({ month: z.string(), taxablePaise: z.number().int(), taxPaise: z.number().int(), totalPaise: z.number().int(), invoices: z.number().int() })),
  ageing: z.array(z.object({ bucket: z.enum(['0-30', '31-60', '61-90', '90+']), balancePaise: z.number().int(), invoices: z.number().int() })),
  topCustomers: z.array(z.object({ name: z.string(), companyId: uuid.nullable(), taxablePaise: z.number().int(), invoices: z.number().int() })),
  topProducts: z.array(z.object({ name: z.string(), productId: uuid.nullable(), taxablePaise: z.number().int(), quantityMilli: z.number().int() })),
  profitByMonth: z.array(z.object({
    month: z.string(), salesPaise: z.number().int().describe('Taxable value of invoices less credit notes'), costOfGoodsPaise: z.number().int(),
    expensesPaise: z.number().int().describe('Expenses, with the GST not claimed as input credit'), profitPaise: z.number().int(),
  })),
});

// INV-3: expenses.
export const expenseSchema = z.object({
  id: uuid, spentOn: z.string(), category: z.enum(expenseCategories), description: z.string(), vendorName: z.string().nullable(), vendorGstin: z.string().nullable(),
  amountPaise: z.number().int(), gstPaise: z.number().int(), itcEligible: z.boolean(), createdAt: z.string(),
  attachmentType: z.enum(['application/pdf', 'image/jpeg', 'image/png']).nullable().describe("The vendor's bill, when attached (GET …/attachment serves it)"),
  attachmentName: z.string().nullable(),
});
/** INV-3: the vendor's bill, PDF, JPEG or PNG, at most 2 MB once decoded. */
export const attachmentBody = z.object({
  dataBase64: z.string().min(1).max(Math.ceil((2 * 1024 * 1024) / 3) * 4 + 4, 'The bill is larger than 2 MB.').describe('The file, base64-encoded'),
  fileName: z.string().trim().max(200).optional(),
});
export const expenseBody = z.object({
  spentOn: isoDate, category: z.enum(expenseCategories), description: z.string().trim().min(1).max(300),
  vendorName: z.string().trim().max(200).optional(), vendorGstin: z.string().trim().max(15).optional(),
  amountPaise: int8(1, MAX_PAISE).describe('Before GST'), gstPaise: paise.default(0), itcEligible: z.boolean().default(true),
});
export const expenseParams = workspaceParams.extend({ expenseId: uuid });
export const expenseListQuery = z.object({ month: month.optional() });
export const expenseList = z.object({ items: z.array(expenseSchema), amountPaise: z.number().int(), gstPaise: z.number().int(), itcPaise: z.number().int() });
export type ExpenseBody = z.infer<typeof expenseBody>;
export type Reports = z.infer<typeof reportsSchema>;
export type Gstr3bResult = z.infer<typeof gstr3bSchema>;
