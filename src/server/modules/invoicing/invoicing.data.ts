import { registerData, type PersonColumns, relateToAccounts } from '../../platform/data/registry';

const kept = (table: string, description: string, person?: PersonColumns) =>
  ({
    table, module: 'invoicing', scope: 'workspace', description, export: { kind: 'rows' }, ...(person ? { person } : {}),
    // CGST Act s.36 and rule 56: accounts and tax invoices are kept for 72 months after the annual return's due date.
    erase: { kind: 'retained', years: 8, reason: 'GST records (CGST Act s.36, rule 56): invoices, credit notes and their series kept 72 months after the annual return of their year.' },
  }) as const;
const plain = (table: string, description: string) =>
  ({ table, module: 'invoicing', scope: 'workspace', description, export: { kind: 'rows' }, erase: { kind: 'with-workspace' } }) as const;

registerData(
  {
    ...plain('invoicing_settings', "The business's legal name, GSTIN, state, stock policy, bank account and UPI id printed on invoices, and its logo (INV-2)."),
    // The logo's bytes are no table cell a person reads; it is downloaded from the settings page.
    export: { kind: 'rows', omit: ['logo'] },
  },
  plain('products', 'Products and services: SKU, HSN/SAC, unit, price, GST rate, stock level, reorder level (INV-1).'),
  kept('stock_movements', 'Purchases, sales, adjustments and returns of stock (INV-1); stock records are GST accounts too.'),
  kept('document_series', 'Numbering series of quotes, invoices and credit notes (INV-2).'),
  kept('document_counters', 'The last number given per series and financial year (INV-2).'),
  kept('invoicing_documents', 'Quotes, invoices and credit notes with buyer, GSTINs, place of supply and totals (INV-2).', { name: ['buyer_name'], contactId: 'contact_id', text: ['notes'] }),
  kept('invoicing_document_lines', 'Their lines: HSN, quantity, price, rate and tax per line (INV-2).'),
  {
    table: 'invoicing_payment_accounts', module: 'invoicing', scope: 'workspace', erase: { kind: 'with-workspace' },
    description: "The workspace's own payment-link account (Stripe, Razorpay): provider and the key's last four; the key and webhook secret are sealed and never exported (INV-5, SEC-2).",
    export: { kind: 'rows', omit: ['secret_key_sealed', 'webhook_secret_sealed'] },
  },
  kept('invoicing_payment_links', 'Payment links made for invoices: provider, link id and address, amount asked, when paid (INV-5).'),
  {
    ...kept('invoicing_expenses', "Expenses: date, category, description, vendor and GSTIN, amount, GST, whether it is claimed as input tax credit, and the vendor's bill (INV-3).", { text: ['description', 'vendor_name'] }),
    // The bill's bytes are no table cell a person reads; each is downloaded from the expenses page.
    export: { kind: 'rows', omit: ['attachment'] },
  },
  kept('invoicing_payment_issues', 'Payments a provider took that did not fit their invoice (cancelled, or over the balance) and what was done about them: refunded or kept as credit (INV-5, INV-3).'),
  kept('invoicing_payments', 'Payments received against invoices: method, date, reference, amount, and voids (INV-3).', { text: ['reference', 'note'] }),
);

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  invoicing_payment_links: { ids: ['created_by'] },
  invoicing_expenses: { ids: ['created_by'] },
  invoicing_payments: { ids: ['recorded_by', 'voided_by'] },
  invoicing_payment_issues: { ids: ['resolved_by'] },
});
