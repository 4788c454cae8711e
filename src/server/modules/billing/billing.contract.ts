import { z } from 'zod';

const uuid = z.string().uuid();
const id = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'Not a plan or pack id.');

export const workspaceParams = z.object({ workspaceId: uuid });
export const providerParams = z.object({ provider: z.enum(['stripe', 'paddle', 'razorpay']) });

export const usageItem = z.object({
  metric: z.enum(['seats', 'contacts', 'ai_runs', 'emails']),
  label: z.string(),
  used: z.number().int(),
  /** null: unlimited. */
  limit: z.number().int().nullable(),
  monthly: z.boolean(),
  /** 80 or 100 once the workspace has used that share of the limit (the banner), else null. */
  warning: z.union([z.literal(80), z.literal(100)]).nullable(),
});

export const planItem = z.object({
  id: z.string(),
  name: z.string(),
  priceMinor: z.number().int(),
  currency: z.string(),
  limits: z.object({ seats: z.number().int().nullable(), contacts: z.number().int().nullable(), ai_runs: z.number().int().nullable(), emails: z.number().int().nullable() }),
  monthlyCredits: z.number().int(),
});
export const packItem = z.object({ id: z.string(), credits: z.number().int(), priceMinor: z.number().int(), currency: z.string() });

export const billingSummary = z
  .object({
    plan: planItem,
    status: z.enum(['none', 'active', 'trialing', 'past_due', 'canceled']),
    provider: z.string().nullable(),
    periodEnd: z.string().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    card: z.object({ last4: z.string(), country: z.string().nullable() }).nullable(),
    usage: z.array(usageItem),
    credits: z.object({ free: z.number().int(), paid: z.number().int(), total: z.number().int() }),
    plans: z.array(planItem),
    packs: z.array(packItem),
    /** Whether checkout and the customer portal are available (a provider is configured). */
    canPay: z.boolean(),
    /** Whether Kestrel itself cancels at period end (a provider without a portal that does it: Razorpay). */
    canCancel: z.boolean(),
  })
  .meta({ id: 'BillingSummary' });

export const ledgerQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });
export const ledgerEntry = z.object({
  id: z.string(),
  txnId: z.string(),
  kind: z.enum(['grant', 'purchase', 'consumption', 'refund', 'expiry', 'correction']),
  account: z.string(),
  amount: z.number().int(),
  refType: z.string().nullable(),
  refId: z.string().nullable(),
  userName: z.string().nullable(),
  note: z.string().nullable(),
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
});
export const ledgerResponse = z.object({
  entries: z.array(ledgerEntry),
  /** Credits spent per day (UTC) and person, newest first, for the last 31 days. */
  spentByDay: z.array(z.object({ day: z.string(), userName: z.string().nullable(), refType: z.string().nullable(), credits: z.number().int() })),
});

export const checkoutBody = z.union([z.strictObject({ planId: id }), z.strictObject({ packId: id })]);
export const redirectResponse = z.object({ url: z.string() });
export const cancelResponse = z.object({ cancelAtPeriodEnd: z.boolean(), periodEnd: z.string().nullable() });

export const invoiceItem = z.object({
  id: z.string(),
  provider: z.string(),
  number: z.string().nullable(),
  amountMinor: z.number().int(),
  currency: z.string(),
  status: z.string(),
  documentUrl: z.string().nullable(),
  issuedAt: z.string(),
});
export const invoiceList = z.object({ invoices: z.array(invoiceItem) });
export const webhookAck = z.object({ received: z.boolean(), duplicate: z.boolean() });

export type BillingSummary = z.infer<typeof billingSummary>;
export type LedgerResponse = z.infer<typeof ledgerResponse>;
export type InvoiceList = z.infer<typeof invoiceList>;
