import { bigint, boolean, char, date, foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const subscriptionStatuses = ['none', 'active', 'trialing', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/**
 * BILL-1, BILL-2: a workspace's plan and the billing metadata of its subscription — never a card
 * number. Kept for the retention period after the workspace is deleted (BILL-5): no foreign key
 * cascades it away.
 */
export const billingAccounts = pgTable(
  'billing_accounts',
  {
    workspaceId: workspaceIdColumn(),
    planId: text('plan_id').notNull(),
    status: text('status', { enum: subscriptionStatuses }).notNull().default('none'),
    provider: text('provider'),
    customerId: text('customer_id'),
    subscriptionId: text('subscription_id'),
    periodStart: timestamp('period_start', { withTimezone: true }),
    periodEnd: timestamp('period_end', { withTimezone: true }),
    cancelAtPeriodEnd: boolean('cancel_at_period_end').notNull().default(false),
    cardLast4: char('card_last4', { length: 4 }),
    cardCountry: char('card_country', { length: 2 }),
    /** The provider's own time of the state applied: an older event never overwrites a newer one. */
    providerUpdatedAt: timestamp('provider_updated_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId] }), index('billing_accounts_customer_idx').on(t.provider, t.customerId), tenantPolicy(t.workspaceId)],
).enableRLS();

/**
 * BILL-1: what a workspace has used of a metered limit, per period (monthly metrics) or standing
 * (`1970-01-01`: seats, contacts — kept by triggers on the counted tables). Spending updates the
 * row conditionally, so two requests cannot both pass the last unit.
 */
export const billingCounters = pgTable(
  'billing_counters',
  {
    workspaceId: workspaceIdColumn(),
    metric: text('metric').notNull(),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    used: bigint('used', { mode: 'number' }).notNull().default(0),
    /** When the 80 % and 100 % warnings went out for this period (once each). */
    warned80At: timestamp('warned_80_at', { withTimezone: true }),
    warned100At: timestamp('warned_100_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.metric, t.periodStart] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

export const creditAccounts = ['free', 'paid', 'issued', 'sold', 'spent', 'expired', 'refunded'] as const;
export type CreditAccount = (typeof creditAccounts)[number];
export const creditEntryKinds = ['grant', 'purchase', 'consumption', 'refund', 'expiry', 'correction'] as const;
export type CreditEntryKind = (typeof creditEntryKinds)[number];

/**
 * BILL-3: the credit ledger, double-entry and append-only (a trigger refuses UPDATE and DELETE;
 * corrections are new entries). Each transaction is two or more legs summing to zero; a
 * workspace's balance is the sum of its `free` and `paid` legs.
 */
export const creditEntries = pgTable(
  'credit_entries',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    txnId: uuid('txn_id').notNull(),
    account: text('account', { enum: creditAccounts }).notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: creditEntryKinds }).notNull(),
    /** What the credits paid for or came from: an AI call, an enrichment, a purchase, a grant. */
    refType: text('ref_type'),
    refId: text('ref_id'),
    userId: uuid('user_id'),
    /** Free grants may expire; the expiry job writes an `expiry` transaction for what is left. */
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('credit_entries_txn_idx').on(t.workspaceId, t.txnId), index('credit_entries_created_idx').on(t.workspaceId, t.createdAt), tenantPolicy(t.workspaceId)],
).enableRLS();

/** BILL-3: the running balance of each of a workspace's own credit accounts, never below zero; always the sum of the ledger. */
export const creditBalances = pgTable(
  'credit_balances',
  {
    workspaceId: workspaceIdColumn(),
    account: text('account', { enum: ['free', 'paid'] }).notNull(),
    balance: bigint('balance', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.account] }), tenantPolicy(t.workspaceId)],
).enableRLS();

/** BILL-2: invoices and receipts the provider issued, with links to its documents. */
export const billingInvoices = pgTable(
  'billing_invoices',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    provider: text('provider').notNull(),
    providerInvoiceId: text('provider_invoice_id').notNull(),
    number: text('number'),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: char('currency', { length: 3 }).notNull(),
    status: text('status').notNull(),
    documentUrl: text('document_url'),
    issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('billing_invoices_provider_idx').on(t.workspaceId, t.provider, t.providerInvoiceId), tenantPolicy(t.workspaceId)],
).enableRLS();

/**
 * BILL-2, INT-5: every provider event, stored first with a unique (provider, event id) and applied
 * in the same transaction; a second delivery finds it here and changes nothing.
 */
export const billingEvents = pgTable(
  'billing_events',
  {
    provider: text('provider').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    attempts: integer('attempts').notNull().default(1),
    receivedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);
