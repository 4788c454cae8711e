import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { setScope } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import { planById, type BillingConfig, type Plan } from './billing.config';
import { billingAccounts, billingEvents, billingInvoices, creditEntries } from './billing.schema';
import { clawBack, grantCredits, purchaseCredits } from './credits';
import { WebhookRefused, type BillingProvider, type ProviderEvent, type SubscriptionState } from './providers/provider';
import { signedEventRefused } from '../../platform/http/signed-body';

/**
 * BILL-2, INT-5: a provider's webhook. The signature over the raw body (and its age) is checked
 * first; the event is stored in the inbox with a unique (provider, event id) and applied in the
 * same transaction, so a second delivery changes nothing. A subscription event is never applied
 * as it reads: the subscription is read again from the provider, so a late old event cannot undo
 * a newer state and any order of delivery ends in the same place.
 */
export async function handleWebhook(services: Services, provider: BillingProvider, raw: Buffer, headers: Record<string, string | string[] | undefined>): Promise<{ received: boolean; duplicate: boolean }> {
  let event: ProviderEvent;
  try {
    event = provider.parseWebhook(raw, headers);
  } catch (error) {
    if (error instanceof WebhookRefused) throw new AppError(error.status === 401 ? 'webhook_signature_invalid' : 'webhook_invalid', error.status, error.message);
    throw new AppError('webhook_invalid', 400, 'The webhook could not be read.');
  }
  event = readEvent(event);
  const { db, systemPool } = services.database;
  const seen = await systemPool.query(`SELECT 1 FROM billing_events WHERE provider = $1 AND event_id = $2`, [provider.kind, event.id]);
  if (seen.rowCount) return { received: true, duplicate: true };

  // What the event needs from the provider is read before the transaction opens.
  const state = event.kind === 'subscription' ? await readNamedSubscription(provider, event.subscriptionId) : null;
  const workspaceId = await workspaceOf(services, provider.kind, event, state);

  return db.transaction(async (tx) => {
    if (workspaceId) await setScope(tx, { workspaceId, userId: null });
    const inserted = await tx.insert(billingEvents).values({ provider: provider.kind, eventId: event.id, type: event.type.slice(0, 200) }).onConflictDoNothing().returning({ id: billingEvents.eventId });
    if (!inserted.length) return { received: true, duplicate: true };
    if (!workspaceId || event.kind === 'ignored') return { received: true, duplicate: false };
    const ctx: WorkspaceContext = { workspaceId, userId: null, role: 'owner', actorLabel: provider.kind };
    await applyEvent(tx, services, provider.kind, ctx, event, state);
    return { received: true, duplicate: false };
  });
}

/*
 * INT-4: what a provider's parser read from a signed body is still checked before anything is
 * looked up or stored — a body of another shape (no id, a type that is not text, an amount or date
 * no column holds, an id far longer than any provider's) is a 400 naming the field, never a 500.
 */
const idText = z.string().min(1).max(255);
const named = idText.nullable();
const providerEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subscription'), subscriptionId: idText, workspaceId: named }),
  z.object({ kind: z.literal('pack_paid'), workspaceId: idText, packId: z.string().min(1).max(100), paymentId: idText, customerId: named, email: z.string().max(320).nullable() }),
  z.object({
    kind: z.literal('invoice'),
    workspaceId: named,
    customerId: named,
    invoice: z.object({
      id: idText,
      number: z.string().nullable(),
      amountMinor: z.number().int().min(-1e12).max(1e12),
      currency: z.string().regex(/^[A-Z]{3}$/),
      status: z.string().min(1),
      documentUrl: z.string().nullable(),
      issuedAt: z.date().min(new Date(0)).max(new Date('9999-12-31T23:59:59Z')),
      failed: z.boolean(),
    }),
  }),
  z.object({ kind: z.literal('refund'), workspaceId: named, paymentId: idText, reason: z.enum(['refund', 'chargeback']) }),
  z.object({ kind: z.literal('ignored') }),
]);
const eventBase = z.object({ id: idText, type: z.string().min(1).max(200) });

function readEvent(event: ProviderEvent): ProviderEvent {
  const base = eventBase.safeParse(event);
  const rest = base.success ? providerEvent.safeParse(event) : null;
  const issues = !base.success ? base.error.issues : rest && !rest.success ? rest.error.issues : [];
  if (!issues.length) return event;
  throw signedEventRefused(issues);
}

/** The subscription an event names, as the provider holds it; one the provider says it does not have (a 4xx) is the event's fault: a 400, not a 500. */
async function readNamedSubscription(provider: BillingProvider, subscriptionId: string): Promise<SubscriptionState> {
  try {
    return await provider.readSubscription(subscriptionId);
  } catch (error) {
    // Stripe's and Razorpay's SDK errors carry the HTTP status; Paddle's ApiError its type and code.
    const e = error as { statusCode?: unknown; type?: unknown; code?: unknown };
    const refusedByProvider = typeof e.statusCode === 'number' ? e.statusCode >= 400 && e.statusCode < 500 && e.statusCode !== 429 : e.type === 'request_error' && e.code === 'not_found';
    if (refusedByProvider) throw new AppError('webhook_invalid', 400, `The event names a subscription ${provider.kind} does not have.`, { subscriptionId: subscriptionId.slice(0, 100) });
    throw error;
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace an event belongs to: named in its metadata, else found by the customer or payment it names. */
async function workspaceOf(services: Services, kind: string, event: ProviderEvent, state: SubscriptionState | null): Promise<string | null> {
  if (event.kind === 'ignored') return null;
  const pool = services.database.systemPool;
  const named = state?.workspaceId ?? ('workspaceId' in event ? event.workspaceId : null);
  // Metadata is the provider's copy of what Kestrel sent; a workspace that is not (or no longer) here is no one's event.
  if (named) return uuidPattern.test(named) && (await pool.query(`SELECT 1 FROM workspaces WHERE id = $1`, [named])).rowCount ? named : null;
  const customer = state?.customerId ?? (event.kind === 'invoice' ? event.customerId : null);
  if (customer) {
    const r = await pool.query<{ workspace_id: string }>(`SELECT workspace_id FROM billing_accounts WHERE provider = $1 AND customer_id = $2 LIMIT 1`, [kind, customer]);
    if (r.rows[0]) return r.rows[0].workspace_id;
  }
  if (event.kind === 'refund') {
    const r = await pool.query<{ workspace_id: string }>(`SELECT workspace_id FROM credit_entries WHERE kind = 'purchase' AND ref_id = $1 LIMIT 1`, [event.paymentId]);
    if (r.rows[0]) return r.rows[0].workspace_id;
  }
  return null;
}

export async function applyEvent(tx: Tx, services: Services, kind: string, ctx: WorkspaceContext, event: ProviderEvent, state: SubscriptionState | null): Promise<void> {
  const billing = services.config.billing;
  if (event.kind === 'subscription' && state) {
    await applySubscription(tx, services, kind, ctx, state);
  } else if (event.kind === 'pack_paid') {
    const pack = billing.plans.packs.find((p) => p.id === event.packId);
    if (!pack) return;
    // One payment can be announced by more than one event (Razorpay: payment.captured and payment_link.paid).
    const bought = await tx.select({ id: creditEntries.id }).from(creditEntries).where(and(eq(creditEntries.workspaceId, ctx.workspaceId), eq(creditEntries.kind, 'purchase'), eq(creditEntries.refId, event.paymentId))).limit(1);
    if (bought.length) return;
    await purchaseCredits(tx, ctx.workspaceId, pack.credits, { refId: event.paymentId, note: `${pack.credits} credits bought (${pack.id})` });
    await tx.insert(billingAccounts).values({ workspaceId: ctx.workspaceId, planId: billing.plans.defaultPlan.id, provider: kind, customerId: event.customerId }).onConflictDoNothing();
    await recordAudit(tx, ctx, { action: 'billing.credits_bought', targetType: 'workspace', targetId: ctx.workspaceId, details: { credits: pack.credits, pack: pack.id, provider: kind } });
    await mailOwners(tx, services, ctx.workspaceId, `Receipt: ${pack.credits.toLocaleString('en-US')} credits`, [`Thank you: ${pack.credits.toLocaleString('en-US')} credits (${money(pack.priceMinor, pack.currency)}) were added to your workspace.`, 'The receipt from the payment provider is listed under Settings → Billing.']);
  } else if (event.kind === 'invoice') {
    const i = event.invoice;
    const existing = await tx.select({ id: billingInvoices.id }).from(billingInvoices).where(and(eq(billingInvoices.workspaceId, ctx.workspaceId), eq(billingInvoices.provider, kind), eq(billingInvoices.providerInvoiceId, i.id)));
    const values = { number: i.number?.slice(0, 100) ?? null, amountMinor: i.amountMinor, currency: i.currency.slice(0, 3), status: i.status.slice(0, 40), documentUrl: i.documentUrl?.slice(0, 2000) ?? null, issuedAt: i.issuedAt };
    if (existing[0]) await tx.update(billingInvoices).set(values).where(and(eq(billingInvoices.workspaceId, ctx.workspaceId), eq(billingInvoices.id, existing[0].id)));
    else await tx.insert(billingInvoices).values({ workspaceId: ctx.workspaceId, provider: kind, providerInvoiceId: i.id.slice(0, 200), ...values });
    if (i.failed) {
      await recordAudit(tx, ctx, { action: 'billing.payment_failed', targetType: 'workspace', targetId: ctx.workspaceId, details: { provider: kind, invoice: i.id, amountMinor: i.amountMinor, currency: i.currency } });
      await mailOwners(tx, services, ctx.workspaceId, 'A payment for your Kestrel plan failed', [`The payment of ${money(i.amountMinor, i.currency)} did not go through.`, 'Update the card in the customer portal under Settings → Billing to keep your plan.']);
    }
  } else if (event.kind === 'refund') {
    const r = await clawBack(tx, ctx.workspaceId, event.paymentId, event.reason);
    if (r) await recordAudit(tx, ctx, { action: `billing.credits_${event.reason === 'refund' ? 'refunded' : 'charged_back'}`, targetType: 'workspace', targetId: ctx.workspaceId, details: { payment: event.paymentId, ...r } });
  }
}

/** Applies the provider's current state of a subscription: plan, status, period, card's last 4 and country. */
export async function applySubscription(tx: Tx, services: Services, kind: string, ctx: WorkspaceContext, s: SubscriptionState): Promise<void> {
  const billing = services.config.billing;
  const [before] = await tx.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, ctx.workspaceId)).for('update');
  const live = s.status === 'active' || s.status === 'trialing' || s.status === 'past_due';
  const plan: Plan = live ? (planFor(billing, kind, s.priceId) ?? planById(billing, before?.planId)) : billing.plans.defaultPlan;
  const values = {
    planId: plan.id,
    status: s.status,
    provider: kind,
    customerId: s.customerId.slice(0, 200),
    subscriptionId: s.subscriptionId.slice(0, 200),
    periodStart: s.periodStart,
    periodEnd: s.periodEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    cardLast4: s.cardLast4 && /^\d{4}$/.test(s.cardLast4) ? s.cardLast4 : null,
    cardCountry: s.cardCountry && /^[A-Z]{2}$/.test(s.cardCountry) ? s.cardCountry : null,
    providerUpdatedAt: new Date(),
    updatedAt: new Date(),
  };
  if (before) await tx.update(billingAccounts).set(values).where(eq(billingAccounts.workspaceId, ctx.workspaceId));
  else await tx.insert(billingAccounts).values({ workspaceId: ctx.workspaceId, ...values });
  const changed = before?.planId !== plan.id || before?.status !== s.status;
  if (!changed) return;
  await recordAudit(tx, ctx, { action: 'billing.plan_changed', targetType: 'workspace', targetId: ctx.workspaceId, details: { from: before?.planId ?? billing.plans.defaultPlan.id, to: plan.id, status: s.status, provider: kind } });
  const wasLive = before && (before.status === 'active' || before.status === 'trialing');
  if ((s.status === 'active' || s.status === 'trialing') && (!wasLive || before.planId !== plan.id)) {
    if (plan.monthlyCredits > 0) await grantCredits(tx, ctx.workspaceId, plan.monthlyCredits, { note: `${plan.name} plan credits`, expiresAt: s.periodEnd });
    await mailOwners(tx, services, ctx.workspaceId, `Receipt: the ${plan.name} plan is active`, [
      `Thank you: your workspace is on the ${plan.name} plan (${money(plan.priceMinor, plan.currency)} a month)${s.periodEnd ? `, renewing on ${s.periodEnd.toISOString().slice(0, 10)}` : ''}.`,
      'Invoices and the customer portal (card, cancellation) are under Settings → Billing.',
    ]);
  }
}

const planFor = (billing: BillingConfig, kind: string, priceId: string | null): Plan | null =>
  priceId ? (billing.plans.plans.find((p) => p.prices[kind as keyof Plan['prices']] === priceId) ?? null) : null;

export const money = (minor: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 100);

/** AUTH-9: purchase confirmations and payment failures go to the workspace's owners, through the outbox. */
async function mailOwners(tx: Tx, services: Services, workspaceId: string, subject: string, paragraphs: string[]): Promise<void> {
  const owners = await tx.execute<{ email: string }>(sql`SELECT u.email::text AS email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ${workspaceId} AND m.role = 'owner'`);
  const rendered = renderMail(subject, paragraphs, { label: 'Open billing', url: `${services.config.publicUrl}/w/${workspaceId}/settings/billing` });
  for (const o of owners.rows) await queueRenderedMail(tx, { from: services.mail.from, to: o.email, template: 'billingReceipt', rendered });
}
