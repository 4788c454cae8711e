import { bigint, boolean, char, customType, date, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';
import type { Discount } from './gst/compute';

/** Raw bytes (the invoice logo). */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
const id = () => uuid('id').notNull().$defaultFn(() => uuidv7());
const paise = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0);
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
/** The taxable value and each tax, as the GST engine computed them. */
const taxAmounts = () => ({
  taxablePaise: paise('taxable_paise'),
  cgstPaise: paise('cgst_paise'),
  sgstPaise: paise('sgst_paise'),
  utgstPaise: paise('utgst_paise'),
  igstPaise: paise('igst_paise'),
  cessPaise: paise('cess_paise'),
});
const workspaceFk = (t: { workspaceId: any }) => foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade');

export const documentTypes = ['quote', 'invoice', 'credit_note'] as const;
export const documentStatuses = ['draft', 'issued', 'sent', 'partly_paid', 'paid', 'overdue', 'cancelled'] as const;
export const supplyKinds = ['regular', 'sez-with-payment', 'sez-without-payment', 'export-with-payment', 'export-without-payment'] as const;
export const taxRegimes = ['cgst-sgst', 'cgst-utgst', 'igst', 'zero-rated'] as const;
export const movementKinds = ['purchase', 'sale', 'adjustment', 'return'] as const;
export const expenseCategories = ['rent', 'salaries', 'utilities', 'travel', 'marketing', 'supplies', 'professional_fees', 'repairs', 'bank_charges', 'other'] as const;
export const paymentMethods = ['cash', 'upi', 'bank_transfer', 'card', 'cheque', 'other', 'payment_link'] as const;
/** INV-5: the payment-link providers a workspace can connect its own account of. */
export const linkProviders = ['stripe', 'razorpay'] as const;
export type LinkProviderKind = (typeof linkProviders)[number];

/** INV-1/INV-2: the business's own GST identity and stock policy, one row per workspace. */
export const invoicingSettings = pgTable(
  'invoicing_settings',
  {
    workspaceId: workspaceIdColumn(),
    legalName: text('legal_name').notNull(),
    gstin: char('gstin', { length: 15 }),
    stateCode: char('state_code', { length: 2 }).notNull(),
    /** Issuing an invoice that takes stock below zero: refused (false) or allowed and recorded (true). */
    allowNegativeStock: boolean('allow_negative_stock').notNull().default(false),
    /** INV-2: where the customer pays, printed on the PDF. */
    bankAccountName: text('bank_account_name'),
    bankAccountNumber: text('bank_account_number'),
    bankIfsc: char('bank_ifsc', { length: 11 }),
    bankName: text('bank_name'),
    bankBranch: text('bank_branch'),
    upiId: text('upi_id'),
    /** INV-2: the logo at the PDF's top left (PNG or JPEG, at most 512 KB). */
    logo: bytea('logo'),
    logoType: text('logo_type'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId] }), workspaceFk(t), tenantPolicy(t.workspaceId)],
).enableRLS();

/** INV-1: goods (HSN) and services (SAC) with their unit, price and GST rate; stock in thousandths. */
export const products = pgTable(
  'products',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    hsn: text('hsn').notNull(),
    uqc: text('uqc').notNull(),
    pricePaise: paise('price_paise'),
    /** What one unit costs the business (the last purchase's cost), before GST: the cost of goods sold in the profit report. */
    costPricePaise: paise('cost_price_paise'),
    priceIncludesTax: boolean('price_includes_tax').notNull().default(false),
    rateBps: integer('rate_bps').notNull(),
    cessBps: integer('cess_bps').notNull().default(0),
    trackStock: boolean('track_stock').notNull().default(true),
    stockMilli: bigint('stock_milli', { mode: 'number' }).notNull().default(0),
    reorderLevelMilli: bigint('reorder_level_milli', { mode: 'number' }).notNull().default(0),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), workspaceFk(t), unique('products_sku_key').on(t.workspaceId, t.sku), tenantPolicy(t.workspaceId)],
).enableRLS();

/** INV-1: every change of stock, signed; the product's level is their sum. */
export const stockMovements = pgTable(
  'stock_movements',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    productId: uuid('product_id').notNull(),
    kind: text('kind', { enum: movementKinds }).notNull(),
    quantityMilli: bigint('quantity_milli', { mode: 'number' }).notNull(),
    /** Cost of one unit: paid on a purchase, the product's cost price on a sale or return by document. */
    unitCostPaise: bigint('unit_cost_paise', { mode: 'number' }),
    documentId: uuid('document_id'),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    workspaceFk(t),
    foreignKey({ columns: [t.workspaceId, t.productId], foreignColumns: [products.workspaceId, products.id] }).onDelete('cascade'),
    index('stock_movements_product_idx').on(t.workspaceId, t.productId, t.createdAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** INV-2: a numbering series (INV/2026-27/0042) for one document type. */
export const documentSeries = pgTable(
  'document_series',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    documentType: text('document_type', { enum: documentTypes }).notNull(),
    prefix: text('prefix').notNull(),
    digits: integer('digits').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), workspaceFk(t), unique('document_series_prefix_key').on(t.workspaceId, t.documentType, t.prefix), tenantPolicy(t.workspaceId)],
).enableRLS();

/** INV-2: the last number given per series and financial year; bumped inside the issuing transaction. */
export const documentCounters = pgTable(
  'document_counters',
  {
    workspaceId: workspaceIdColumn(),
    seriesId: uuid('series_id').notNull(),
    financialYear: text('financial_year').notNull(),
    lastNumber: integer('last_number').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.seriesId, t.financialYear] }),
    foreignKey({ columns: [t.workspaceId, t.seriesId], foreignColumns: [documentSeries.workspaceId, documentSeries.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** INV-2: quotes, invoices and credit notes. Totals are stored as computed when last saved. */
export const documents = pgTable(
  'invoicing_documents',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    documentType: text('document_type', { enum: documentTypes }).notNull(),
    status: text('status', { enum: documentStatuses }).notNull().default('draft'),
    seriesId: uuid('series_id').notNull(),
    financialYear: text('financial_year'),
    sequence: integer('sequence'),
    number: text('number'),
    documentDate: date('document_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    companyId: uuid('company_id'),
    contactId: uuid('contact_id'),
    buyerName: text('buyer_name').notNull(),
    buyerGstin: char('buyer_gstin', { length: 15 }),
    buyerStateCode: char('buyer_state_code', { length: 2 }),
    supplierGstin: char('supplier_gstin', { length: 15 }),
    supplierStateCode: char('supplier_state_code', { length: 2 }).notNull(),
    placeOfSupply: char('place_of_supply', { length: 2 }).notNull(),
    supplyKind: text('supply_kind', { enum: supplyKinds }).notNull(),
    regime: text('regime', { enum: taxRegimes }).notNull(),
    originalDocumentId: uuid('original_document_id'),
    discount: jsonb('discount').$type<Discount | null>(),
    ...taxAmounts(),
    roundOffPaise: paise('round_off_paise'),
    grandTotalPaise: paise('grand_total_paise'),
    paidPaise: paise('paid_paise'),
    notes: text('notes'),
    version: integer('version').notNull().default(1),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    workspaceFk(t),
    foreignKey({ columns: [t.workspaceId, t.seriesId], foreignColumns: [documentSeries.workspaceId, documentSeries.id] }),
    unique('invoicing_documents_number_key').on(t.workspaceId, t.seriesId, t.financialYear, t.sequence),
    index('invoicing_documents_list_idx').on(t.workspaceId, t.documentType, t.documentDate),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** INV-2: the lines of a document with the tax the GST engine computed for each. */
export const documentLines = pgTable(
  'invoicing_document_lines',
  {
    workspaceId: workspaceIdColumn(),
    documentId: uuid('document_id').notNull(),
    position: integer('position').notNull(),
    productId: uuid('product_id'),
    description: text('description').notNull(),
    hsn: text('hsn').notNull(),
    uqc: text('uqc').notNull(),
    quantityMilli: bigint('quantity_milli', { mode: 'number' }).notNull(),
    unitPricePaise: paise('unit_price_paise'),
    priceIncludesTax: boolean('price_includes_tax').notNull().default(false),
    rateBps: integer('rate_bps').notNull(),
    cessBps: integer('cess_bps').notNull().default(0),
    discount: jsonb('discount').$type<Discount | null>(),
    ...taxAmounts(),
    totalPaise: paise('total_paise'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.documentId, t.position] }),
    foreignKey({ columns: [t.workspaceId, t.documentId], foreignColumns: [documents.workspaceId, documents.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * INV-3: money received against an issued invoice. Never deleted (GST accounts are kept): an owner
 * or admin voids a wrong one, and the document's `paid_paise` is the sum of the payments not voided.
 */
export const payments = pgTable(
  'invoicing_payments',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    documentId: uuid('document_id').notNull(),
    method: text('method', { enum: paymentMethods }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }).notNull(),
    amountPaise: bigint('amount_paise', { mode: 'number' }).notNull(),
    reference: text('reference'),
    note: text('note'),
    recordedBy: uuid('recorded_by'),
    voidedAt: timestamp('voided_at', { withTimezone: true }),
    voidedBy: uuid('voided_by'),
    voidReason: text('void_reason'),
    /** INV-5: a payment that came through a payment link: its provider and the provider's payment id (recorded once). */
    provider: text('provider', { enum: linkProviders }),
    providerPaymentId: text('provider_payment_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    workspaceFk(t),
    foreignKey({ columns: [t.workspaceId, t.documentId], foreignColumns: [documents.workspaceId, documents.id] }).onDelete('cascade'),
    index('invoicing_payments_document_idx').on(t.workspaceId, t.documentId, t.paidOn),
    unique('invoicing_payments_provider_payment_key').on(t.workspaceId, t.provider, t.providerPaymentId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * INV-5: the workspace's own account at a payment-link provider (the shop's sales, not Kestrel's
 * billing). Its secret key and webhook secret are sealed (SEC-2), bound to the workspace; only
 * the key's last four characters are kept in the clear.
 */
export const paymentLinkAccounts = pgTable(
  'invoicing_payment_accounts',
  {
    workspaceId: workspaceIdColumn(),
    provider: text('provider', { enum: linkProviders }).notNull(),
    /** Razorpay's key id (public; it names the account, the secret proves it). Stripe has none. */
    keyId: text('key_id'),
    secretKeySealed: text('secret_key_sealed').notNull(),
    secretKeyLast4: text('secret_key_last4').notNull(),
    webhookSecretSealed: text('webhook_secret_sealed').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.provider] }), workspaceFk(t), tenantPolicy(t.workspaceId)],
).enableRLS();

/** INV-5: a payment link made for an invoice: the provider's link id, its address and the amount it asks for. */
export const paymentLinks = pgTable(
  'invoicing_payment_links',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    documentId: uuid('document_id').notNull(),
    provider: text('provider', { enum: linkProviders }).notNull(),
    providerLinkId: text('provider_link_id').notNull(),
    url: text('url').notNull(),
    amountPaise: bigint('amount_paise', { mode: 'number' }).notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.documentId], foreignColumns: [documents.workspaceId, documents.id] }).onDelete('cascade'),
    unique('invoicing_payment_links_provider_key').on(t.workspaceId, t.provider, t.providerLinkId),
    index('invoicing_payment_links_document_idx').on(t.workspaceId, t.documentId, t.createdAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** INV-3: money the business spends, by category, with the GST paid on it (input tax credit when eligible). */
export const expenses = pgTable(
  'invoicing_expenses',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    spentOn: date('spent_on', { mode: 'string' }).notNull(),
    category: text('category', { enum: expenseCategories }).notNull(),
    description: text('description').notNull(),
    vendorName: text('vendor_name'),
    vendorGstin: char('vendor_gstin', { length: 15 }),
    /** Before GST. */
    amountPaise: bigint('amount_paise', { mode: 'number' }).notNull(),
    gstPaise: bigint('gst_paise', { mode: 'number' }).notNull().default(0),
    /** Whether the GST is claimed as input tax credit (then it is not a cost). */
    itcEligible: boolean('itc_eligible').notNull().default(true),
    /** INV-3: the vendor's bill (PDF, JPEG or PNG by its bytes, at most 2 MB), kept as the logo is. */
    attachment: bytea('attachment'),
    attachmentType: text('attachment_type'),
    attachmentName: text('attachment_name'),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), workspaceFk(t), index('invoicing_expenses_date_idx').on(t.workspaceId, t.spentOn), tenantPolicy(t.workspaceId)],
).enableRLS();

/**
 * INV-5, INV-3: money a provider took for an invoice that could not be recorded against it (the
 * invoice was cancelled, or paid meanwhile so the payment is more than the balance, or not in
 * rupees). Owners and admins are told once per provider payment; the invoice shows it as needing
 * attention until someone says what was done (refunded, or kept as the customer's credit).
 */
export const paymentIssueReasons = ['cancelled', 'over_balance', 'currency'] as const;
export const paymentIssueResolutions = ['refunded', 'credit'] as const;
export const paymentIssues = pgTable(
  'invoicing_payment_issues',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    documentId: uuid('document_id').notNull(),
    provider: text('provider', { enum: linkProviders }).notNull(),
    providerPaymentId: text('provider_payment_id').notNull(),
    amountPaise: bigint('amount_paise', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    reason: text('reason', { enum: paymentIssueReasons }).notNull(),
    /** What was still due when the money came. */
    balancePaise: bigint('balance_paise', { mode: 'number' }).notNull(),
    resolution: text('resolution', { enum: paymentIssueResolutions }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.documentId], foreignColumns: [documents.workspaceId, documents.id] }).onDelete('cascade'),
    unique('invoicing_payment_issues_provider_key').on(t.workspaceId, t.provider, t.providerPaymentId),
    index('invoicing_payment_issues_document_idx').on(t.workspaceId, t.documentId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
