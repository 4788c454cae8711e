import { billingProvider } from './providers';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Config } from '../../platform/config';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { metricLabels, metrics, monthlyMetrics, planById, type BillingConfig, type Plan } from './billing.config';
import type { BillingSummary, InvoiceList, LedgerResponse } from './billing.contract';
import { billingAccounts, billingInvoices, creditEntries } from './billing.schema';
import { balances } from './credits';
import { periodOf, seatsTaken } from './limits';

/** BILL-4: with billing off, the billing routes answer as if they did not exist. */
export function requireBilling(config: Pick<Config, 'billing'>): void {
  if (!config.billing.enabled) throw new AppError('not_found', 404, 'Billing is not enabled on this server.');
}

export const presentPlan = (p: Plan) => ({
  id: p.id,
  name: p.name,
  priceMinor: p.priceMinor,
  currency: p.currency,
  limits: { seats: p.limits.seats ?? null, contacts: p.limits.contacts ?? null, ai_runs: p.limits.ai_runs ?? null, emails: p.limits.emails ?? null },
  monthlyCredits: p.monthlyCredits,
});

/** BILL-1, WS-5: the plan, what the workspace used of each limit (with the 80 %/100 % warning), credits. */
export async function getBillingSummary(db: Db, billing: BillingConfig, ctx: WorkspaceContext): Promise<BillingSummary> {
  return withTenant(db, ctx, async (tx) => {
    const [account] = await tx.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, ctx.workspaceId));
    const plan = planById(billing, account?.planId);
    const counters = await tx.execute<{ metric: string; period_start: string; used: string }>(
      sql`SELECT metric, period_start::text, used FROM billing_counters WHERE workspace_id = ${ctx.workspaceId}`,
    );
    const seats = await seatsTaken(tx, ctx.workspaceId);
    const usage = metrics.map((metric) => {
      const used = metric === 'seats' ? seats : Number(counters.rows.find((c) => c.metric === metric && c.period_start === periodOf(metric))?.used ?? 0);
      const limit = plan.limits[metric] ?? null;
      const warning = limit === null ? null : used >= limit ? (100 as const) : used * 10 >= limit * 8 ? (80 as const) : null;
      return { metric, label: metricLabels[metric].many, used, limit, monthly: monthlyMetrics.has(metric), warning };
    });
    return {
      plan: presentPlan(plan),
      status: account?.status ?? 'none',
      provider: account?.provider ?? null,
      periodEnd: account?.periodEnd?.toISOString() ?? null,
      cancelAtPeriodEnd: account?.cancelAtPeriodEnd ?? false,
      card: account?.cardLast4 ? { last4: account.cardLast4, country: account.cardCountry } : null,
      usage,
      credits: await balances(tx, ctx.workspaceId),
      plans: billing.plans.plans.map(presentPlan),
      packs: billing.plans.packs.map((p) => ({ id: p.id, credits: p.credits, priceMinor: p.priceMinor, currency: p.currency })),
      canPay: billing.provider !== null,
      canCancel: !!billingProvider(billing)?.cancelAtPeriodEnd && account?.provider === billing.provider && (account?.status === 'active' || account?.status === 'past_due') && !account.cancelAtPeriodEnd,
    };
  });
}

/** BILL-3: the newest ledger entries of the workspace's own accounts, and where credits went per day and person. */
export async function getLedger(db: Db, ctx: WorkspaceContext, limit: number): Promise<LedgerResponse> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.execute<{ id: string; txn_id: string; kind: LedgerResponse['entries'][number]['kind']; account: string; amount: string; ref_type: string | null; ref_id: string | null; user_name: string | null; note: string | null; expires_at: Date | null; created_at: Date }>(sql`
      SELECT e.id, e.txn_id, e.kind, e.account, e.amount, e.ref_type, e.ref_id, u.name AS user_name, e.note, e.expires_at, e.created_at
      FROM credit_entries e LEFT JOIN users u ON u.id = e.user_id
      WHERE e.workspace_id = ${ctx.workspaceId} AND e.account IN ('free', 'paid')
      ORDER BY e.created_at DESC, e.id DESC LIMIT ${limit}`);
    const spent = await tx.execute<{ day: string; user_name: string | null; ref_type: string | null; credits: string }>(sql`
      SELECT to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, u.name AS user_name, e.ref_type, sum(e.amount) AS credits
      FROM credit_entries e LEFT JOIN users u ON u.id = e.user_id
      WHERE e.workspace_id = ${ctx.workspaceId} AND e.account = 'spent' AND e.created_at > now() - interval '31 days'
      GROUP BY 1, 2, 3 ORDER BY 1 DESC, 4 DESC LIMIT 500`);
    return {
      entries: rows.rows.map((r) => ({
        id: r.id,
        txnId: r.txn_id,
        kind: r.kind,
        account: r.account,
        amount: Number(r.amount),
        refType: r.ref_type,
        refId: r.ref_id,
        userName: r.user_name,
        note: r.note,
        expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
        createdAt: new Date(r.created_at).toISOString(),
      })),
      spentByDay: spent.rows.map((r) => ({ day: r.day, userName: r.user_name, refType: r.ref_type, credits: Number(r.credits) })),
    };
  });
}

/** BILL-2: invoices and receipts from the provider, newest first, linking to its documents. */
export async function listInvoices(db: Db, ctx: WorkspaceContext): Promise<InvoiceList> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(billingInvoices).where(and(eq(billingInvoices.workspaceId, ctx.workspaceId))).orderBy(desc(billingInvoices.issuedAt)).limit(200);
    return { invoices: rows.map((r) => ({ id: r.id, provider: r.provider, number: r.number, amountMinor: r.amountMinor, currency: r.currency, status: r.status, documentUrl: r.documentUrl, issuedAt: r.issuedAt.toISOString() })) };
  });
}

/** Ledger sum of the workspace's own accounts, for checks that the running balance is the sum of its entries. */
export const ledgerBalance = (ctxDb: Db, ctx: WorkspaceContext) =>
  withTenant(ctxDb, ctx, async (tx) => {
    const [r] = await tx.select({ n: sql<string>`coalesce(sum(${creditEntries.amount}), 0)` }).from(creditEntries).where(and(eq(creditEntries.workspaceId, ctx.workspaceId), sql`${creditEntries.account} IN ('free', 'paid')`));
    return Number(r!.n);
  });
