import { registerData, registerSystemTables, relateToAccounts } from '../../platform/data/registry';

// BILL-5: billing records outlive their workspace and account (tax and accounting law; the operator
// sets the years with BILLING_RETENTION_YEARS, 7 by default). No foreign key cascades them away.
const kept = (table: string, description: string) =>
  ({
    table, module: 'billing', scope: 'workspace', description, export: { kind: 'rows' },
    erase: { kind: 'retained', years: 7, reason: 'Billing records (subscriptions, payments, invoices, credit ledger) are kept 7 years by default (BILLING_RETENTION_YEARS) for tax and accounting, even after the workspace or account is deleted.' },
  }) as const;

registerData(
  kept('billing_accounts', "The workspace's plan and subscription metadata: provider customer and subscription ids, status, period dates, the card's last 4 digits and country — never a card number (BILL-1, BILL-2)."),
  kept('credit_entries', 'The append-only double-entry credit ledger: grants, purchases, consumption (with the AI call or enrichment paid for), refunds, expiry (BILL-3).'),
  kept('credit_balances', "The running balance of the workspace's free and paid credits, the sum of its ledger entries (BILL-3)."),
  kept('billing_invoices', "Invoice and receipt references from the payment provider, with links to the provider's documents (BILL-2)."),
  { table: 'billing_counters', module: 'billing', scope: 'workspace', description: 'Usage of each plan limit per period, and when the 80 % and 100 % warnings went out (BILL-1).', export: { kind: 'rows' }, erase: { kind: 'with-workspace' } },
);
registerSystemTables({ table: 'billing_events', reason: "Payment providers' event ids already applied (BILL-2, INT-5): provider, event id, type and time, no personal data." });

// PRIV-2: how these tables' rows belong to a user account (the per-account export).
relateToAccounts({
  credit_entries: { ids: ['user_id'] },
});
