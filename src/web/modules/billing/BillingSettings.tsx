import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { formatMoney } from '../../lib/money';
import { ErrorAlert, InfoNote, StatusNote } from '../../ui/Alert';
import { Button } from '../../ui/Button';
import { EmptyState } from '../../ui/EmptyState';
import { PageHeading } from '../../ui/PageHeading';
import { SkeletonList } from '../../ui/Skeleton';
import { useMe } from '../accounts/useMe';
import { useWorkspace } from '../workspaces/useWorkspaces';
import { CreditSpend } from './CreditSpend';
import { billingKey, cancelAtPeriodEnd, fetchBilling, fetchInvoices, fetchLedger, openPortal, startCheckout, type BillingSummary } from './api';

const number = (n: number) => n.toLocaleString();

/** BILL-1, BILL-2, BILL-3, WS-5: the plan and usage with progress bars, upgrade, credits and their ledger, invoices. */
export function BillingSettings() {
  const { workspaceId } = useParams({ from: '/w/$workspaceId' });
  const search = useSearch({ strict: false }) as { checkout?: string };
  // The provider sends the person back with ?checkout=…; the note is shown once, then the address is
  // cleaned so a reload or a bookmark does not claim a payment again.
  const [checkout] = useState(search.checkout);
  const navigate = useNavigate();
  useEffect(() => {
    if (search.checkout) void navigate({ to: '.', search: (prev: Record<string, unknown>) => ({ ...prev, checkout: undefined }), replace: true });
  }, [search.checkout, navigate]);
  const role = useWorkspace(workspaceId).data?.role;
  const owner = role === 'owner';
  // BILL-4: a server without billing says so in /me; nothing is asked of the billing routes then.
  const me = useMe();
  const on = me.data?.billingEnabled === true;
  const summary = useQuery({ queryKey: billingKey(workspaceId), queryFn: () => fetchBilling(workspaceId), enabled: on, refetchInterval: (q) => (checkout === 'success' && q.state.dataUpdateCount < 30 ? 2000 : false) });
  const ledger = useQuery({ queryKey: [...billingKey(workspaceId), 'ledger'], queryFn: () => fetchLedger(workspaceId), enabled: on });
  const invoices = useQuery({ queryKey: [...billingKey(workspaceId), 'invoices'], queryFn: () => fetchInvoices(workspaceId), enabled: on && (role === 'owner' || role === 'admin') });
  const go = useMutation({
    mutationFn: (body: { planId: string } | { packId: string } | 'portal') => (body === 'portal' ? openPortal(workspaceId) : startCheckout(workspaceId, body)),
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const queryClient = useQueryClient();
  const cancel = useMutation({ mutationFn: () => cancelAtPeriodEnd(workspaceId), onSuccess: () => queryClient.invalidateQueries({ queryKey: billingKey(workspaceId) }) });

  if (me.isError) return <ErrorAlert title="Billing could not be loaded">{errorMessage(me.error)}</ErrorAlert>;
  if (me.isPending || (on && summary.isPending)) return <SkeletonList label="Loading billing…" />;
  // A server without billing (self-hosted, no payment provider) is not an error to the person reading this.
  if (!on || (summary.isError && isApiError(summary.error) && summary.error.status === 404))
    return (
      <div className="space-y-4">
        <PageHeading>Billing</PageHeading>
        <EmptyState title="No billing on this server">There is no plan to choose or pay for here: this Kestrel server runs without billing, and every feature works without it.</EmptyState>
      </div>
    );
  if (summary.isError) return <ErrorAlert title="Billing could not be loaded">{errorMessage(summary.error)}</ErrorAlert>;
  const s = summary.data;
  if (!s) return <SkeletonList label="Loading billing…" />;
  return (
    <div className="space-y-8">
      <PageHeading
        description={<>Your plan, what this workspace has used of it, credits and invoices.</>}
        actions={
          owner && s.canPay && s.status !== 'none' ? (
            <div className="flex flex-wrap gap-2">
              <Button variant="secondary" onClick={() => go.mutate('portal')} pending={go.isPending && go.variables === 'portal'} pendingLabel="Opening…">
                {s.canCancel || s.cancelAtPeriodEnd ? 'Card' : 'Card and cancellation'}
              </Button>
              {s.canCancel ? (
                <Button variant="secondary" onClick={() => window.confirm(`Cancel the ${s.plan.name} plan? It stays until the end of the paid period.`) && cancel.mutate()} pending={cancel.isPending} pendingLabel="Cancelling…">
                  Cancel at period end
                </Button>
              ) : null}
            </div>
          ) : null
        }
      >
        Billing
      </PageHeading>
      {checkout === 'success' ? <StatusNote>Thank you — the payment went through. Your plan updates here as soon as the provider confirms it.</StatusNote> : null}
      {checkout === 'cancelled' ? <InfoNote>Checkout was cancelled; nothing was charged.</InfoNote> : null}
      {go.isError ? <ErrorAlert>{errorMessage(go.error)}</ErrorAlert> : null}
      {cancel.isError ? <ErrorAlert>{errorMessage(cancel.error)}</ErrorAlert> : null}

      <section aria-labelledby="plan-usage" className="rounded-lg border border-stone-200 bg-white p-4">
        <h2 id="plan-usage" className="text-base font-semibold text-stone-900">
          {s.plan.name} plan <span className="text-sm font-normal text-stone-600">· {s.plan.priceMinor ? `${formatMoney(s.plan.priceMinor, s.plan.currency)} a month` : 'free'}</span>
        </h2>
        <p className="mt-1 text-sm text-stone-600">
          {s.status === 'past_due' ? 'The last payment failed: update the card to keep this plan. ' : ''}
          {s.periodEnd ? `${s.cancelAtPeriodEnd ? 'Ends' : 'Renews'} on ${formatDateTime(s.periodEnd)}.` : ''}
          {s.card ? ` Card ending ${s.card.last4}.` : ''}
        </p>
        <ul className="mt-4 space-y-3">
          {s.usage.map((u) => (
            <UsageBar key={u.metric} item={u} />
          ))}
        </ul>
      </section>

      <section aria-labelledby="plans" className="space-y-3">
        <h2 id="plans" className="text-base font-semibold text-stone-900">Plans</h2>
        {!s.canPay ? <InfoNote>Plans are assigned by whoever runs this server; no payment provider is set up.</InfoNote> : null}
        <ul className="grid gap-3 sm:grid-cols-3">
          {s.plans.map((p) => (
            <li key={p.id} className={`rounded-lg border p-4 ${p.id === s.plan.id ? 'border-teal-600 bg-teal-50' : 'border-stone-200 bg-white'}`}>
              <p className="font-semibold text-stone-900">{p.name}</p>
              <p className="text-sm text-stone-600">{p.priceMinor ? `${formatMoney(p.priceMinor, p.currency)} a month` : 'Free'}</p>
              <ul className="mt-2 space-y-0.5 text-sm text-stone-700">
                <li>{p.limits.seats === null ? 'Unlimited seats' : `${number(p.limits.seats)} seats`}</li>
                <li>{p.limits.contacts === null ? 'Unlimited contacts' : `${number(p.limits.contacts)} contacts`}</li>
                <li>{p.limits.ai_runs === null ? 'Unlimited AI runs' : `${number(p.limits.ai_runs)} AI runs a month`}</li>
                <li>{p.limits.emails === null ? 'Unlimited emails' : `${number(p.limits.emails)} emails a month`}</li>
                {p.monthlyCredits ? <li>{number(p.monthlyCredits)} credits a month</li> : null}
              </ul>
              {p.id === s.plan.id ? (
                <p className="mt-3 text-sm font-medium text-teal-800">Your plan</p>
              ) : owner && s.canPay && p.priceMinor > 0 ? (
                <Button className="mt-3 w-full" onClick={() => go.mutate({ planId: p.id })} pending={go.isPending && typeof go.variables === 'object' && 'planId' in go.variables && go.variables.planId === p.id} pendingLabel="Opening checkout…">
                  Upgrade to {p.name}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="credits" className="space-y-3">
        <h2 id="credits" className="text-base font-semibold text-stone-900">Credits</h2>
        <p className="text-sm text-stone-700">
          <span className="text-2xl font-semibold text-stone-900">{number(s.credits.total)}</span> credits: {number(s.credits.free)} free, {number(s.credits.paid)} bought. AI calls beyond the plan and enrichments spend them, free ones first.
        </p>
        {owner && s.canPay ? (
          <div className="flex flex-wrap gap-2">
            {s.packs.map((k) => (
              <Button key={k.id} variant="secondary" onClick={() => go.mutate({ packId: k.id })} pending={go.isPending && typeof go.variables === 'object' && 'packId' in go.variables && go.variables.packId === k.id} pendingLabel="Opening checkout…">
                Buy {number(k.credits)} credits · {formatMoney(k.priceMinor, k.currency)}
              </Button>
            ))}
          </div>
        ) : null}
        {ledger.data ? (
          <div className="space-y-2">
            <h3 className="text-sm font-semibold text-stone-900">Where credits went, last 31 days</h3>
            <CreditSpend spent={ledger.data.spentByDay} />
          </div>
        ) : null}
        {ledger.isPending ? (
          <SkeletonList label="Loading the credit ledger…" />
        ) : ledger.isError ? (
          <ErrorAlert>{errorMessage(ledger.error)}</ErrorAlert>
        ) : ledger.data.entries.length === 0 ? (
          <EmptyState title="No credits yet">Credits you buy or are given, and what spends them, are listed here.</EmptyState>
        ) : (
          <ul className="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white text-sm">
            {ledger.data.entries.map((e) => (
              <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2">
                <span className="text-stone-800">
                  {e.note ?? kindLabel[e.kind]} {e.refType === 'ai_call' ? '· AI call' : e.refType === 'enrichment' ? '· enrichment' : ''} {e.userName ? `· ${e.userName}` : ''}
                </span>
                <span className={`font-medium tabular-nums ${e.amount < 0 ? 'text-stone-700' : 'text-teal-800'}`}>
                  {e.amount > 0 ? '+' : ''}
                  {number(e.amount)} <span className="font-normal text-stone-500">{e.account} · {formatDateTime(e.createdAt)}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      {role === 'owner' || role === 'admin' ? (
        <section aria-labelledby="invoices" className="space-y-3">
          <h2 id="invoices" className="text-base font-semibold text-stone-900">Invoices</h2>
          {invoices.isPending ? (
            <SkeletonList label="Loading invoices…" />
          ) : invoices.isError ? (
            <ErrorAlert>{errorMessage(invoices.error)}</ErrorAlert>
          ) : invoices.data.invoices.length === 0 ? (
            <EmptyState title="No invoices yet">Invoices from the payment provider appear here after the first payment.</EmptyState>
          ) : (
            <ul className="divide-y divide-stone-100 rounded-lg border border-stone-200 bg-white text-sm">
              {invoices.data.invoices.map((i) => (
                <li key={i.id} className="flex flex-wrap items-baseline justify-between gap-2 px-3 py-2">
                  <span>{i.number ?? 'Invoice'} · {formatDateTime(i.issuedAt)} · {i.status}</span>
                  <span className="flex gap-3">
                    <span className="tabular-nums">{formatMoney(i.amountMinor, i.currency)}</span>
                    {i.documentUrl ? <a className="text-teal-800 underline" href={i.documentUrl} target="_blank" rel="noreferrer">View</a> : null}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}

const kindLabel = { grant: 'Free credits', purchase: 'Credits bought', consumption: 'Spent', refund: 'Refunded', expiry: 'Expired', correction: 'Correction' } as const;

function UsageBar({ item }: { item: BillingSummary['usage'][number] }) {
  const pct = item.limit === null ? 0 : item.limit === 0 ? 100 : Math.min(100, Math.round((item.used / item.limit) * 100));
  const colour = item.warning === 100 ? 'bg-red-600' : item.warning === 80 ? 'bg-amber-500' : 'bg-teal-600';
  return (
    <li>
      <div className="flex justify-between text-sm">
        <span className="text-stone-800 first-letter:uppercase">{item.label}</span>
        <span className="tabular-nums text-stone-600">
          {number(item.used)} {item.limit === null ? '(unlimited)' : `of ${number(item.limit)}`}
        </span>
      </div>
      {item.limit !== null ? (
        <div role="progressbar" aria-label={item.label} aria-valuemin={0} aria-valuemax={item.limit} aria-valuenow={item.used} className="mt-1 h-2 overflow-hidden rounded-full bg-stone-100">
          <div className={`h-full ${colour}`} style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      {item.warning ? <p className="mt-1 text-xs text-stone-700">{item.warning === 100 ? 'Limit reached: upgrade to add more.' : '80 % used.'}</p> : null}
    </li>
  );
}
