import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError, conflict, notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import { applySubscription } from './apply-event';
import { billingAccounts } from './billing.schema';
import { requireBilling } from './get-billing';
import { billingProvider } from './providers';
import type { BillingProvider } from './providers/provider';

function providerOrConflict(services: Services): BillingProvider {
  requireBilling(services.config);
  const provider = billingProvider(services.config.billing);
  if (!provider) throw conflict('billing_provider_missing', 'No payment provider is configured on this server; the operator assigns plans.');
  return provider;
}

const unavailable = (kind: string) =>
  new AppError('billing_provider_unavailable', 502, `${kind[0]!.toUpperCase()}${kind.slice(1)} did not answer, so nothing was started or charged. Try again in a minute.`);

/**
 * BILL-2: the provider's hosted checkout for a plan or a credit pack. Nothing is stored until
 * the provider's webhook says it was paid, so a provider outage leaves nothing half-created.
 */
export async function startCheckout(services: Services, ctx: WorkspaceContext, email: string, body: { planId: string } | { packId: string }): Promise<{ url: string }> {
  const provider = providerOrConflict(services);
  const { billing, publicUrl } = services.config;
  const item =
    'planId' in body
      ? (() => {
          const plan = billing.plans.plans.find((p) => p.id === body.planId);
          if (!plan) throw notFound('Plan');
          const price = plan.prices[provider.kind];
          if (!price) throw conflict('plan_not_for_sale', `The ${plan.name} plan has no ${provider.kind} price; the operator sets one in the plan configuration.`);
          return { kind: 'plan' as const, plan, price };
        })()
      : (() => {
          const pack = billing.plans.packs.find((p) => p.id === body.packId);
          if (!pack) throw notFound('Credit pack');
          const price = pack.prices[provider.kind];
          if (!price) throw conflict('pack_not_for_sale', `This credit pack has no ${provider.kind} price; the operator sets one in the plan configuration.`);
          return { kind: 'pack' as const, pack, price };
        })();
  const account = await withTenant(services.database.db, ctx, async (tx) => (await tx.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, ctx.workspaceId)))[0]);
  const back = `${publicUrl}/w/${ctx.workspaceId}/settings/billing`;
  let session;
  try {
    session = await provider.createCheckout({
      workspaceId: ctx.workspaceId,
      customerId: account?.provider === provider.kind ? account.customerId : null,
      email,
      item,
      successUrl: `${back}?checkout=success`,
      cancelUrl: `${back}?checkout=cancelled`,
    });
  } catch (error) {
    services.logger.warn({ err: error, provider: provider.kind }, 'billing checkout failed');
    await audit(services.database.db, ctx, 'billing.checkout_failed', { provider: provider.kind, ...('planId' in body ? body : body) });
    throw unavailable(provider.kind);
  }
  await audit(services.database.db, ctx, 'billing.checkout_started', { provider: provider.kind, ...body });
  return { url: session.url };
}

/** BILL-2: the provider's customer portal — change the card, cancel at period end. */
export async function openPortal(services: Services, ctx: WorkspaceContext): Promise<{ url: string }> {
  const provider = providerOrConflict(services);
  const account = await withTenant(services.database.db, ctx, async (tx) => (await tx.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, ctx.workspaceId)))[0]);
  if (!account?.customerId || account.provider !== provider.kind) throw conflict('no_subscription', 'This workspace has not paid through the provider yet: choose a plan first.');
  try {
    return { url: await provider.portalUrl({ customerId: account.customerId, subscriptionId: account.subscriptionId, returnUrl: `${services.config.publicUrl}/w/${ctx.workspaceId}/settings/billing` }) };
  } catch (error) {
    services.logger.warn({ err: error, provider: provider.kind }, 'billing portal failed');
    throw unavailable(provider.kind);
  }
}

/** BILL-2: cancels at the end of the paid period, where the provider has no portal for it (Razorpay); the plan stays until then. */
export async function cancelAtPeriodEnd(services: Services, ctx: WorkspaceContext): Promise<{ cancelAtPeriodEnd: boolean; periodEnd: string | null }> {
  const provider = providerOrConflict(services);
  const account = await withTenant(services.database.db, ctx, async (tx) => (await tx.select().from(billingAccounts).where(eq(billingAccounts.workspaceId, ctx.workspaceId)))[0]);
  if (!account?.subscriptionId || account.provider !== provider.kind || account.status === 'canceled' || account.status === 'none') throw conflict('no_subscription', 'This workspace has no running subscription to cancel.');
  if (!provider.cancelAtPeriodEnd) throw conflict('use_portal', `Cancel in the ${provider.kind} customer portal: it ends the plan at the end of the period.`);
  if (account.cancelAtPeriodEnd) throw conflict('already_cancelled', 'The plan already ends at the end of this period.');
  let state;
  try {
    await provider.cancelAtPeriodEnd(account.subscriptionId);
    state = await provider.readSubscription(account.subscriptionId);
  } catch (error) {
    services.logger.warn({ err: error, provider: provider.kind }, 'billing cancel failed');
    throw unavailable(provider.kind);
  }
  await withTenant(services.database.db, ctx, async (tx) => {
    await applySubscription(tx, services, provider.kind, ctx, state);
    await recordAudit(tx, ctx, { action: 'billing.cancel_requested', targetType: 'workspace', targetId: ctx.workspaceId, details: { provider: provider.kind, periodEnd: state.periodEnd?.toISOString() ?? null } });
  });
  return { cancelAtPeriodEnd: state.cancelAtPeriodEnd, periodEnd: state.periodEnd?.toISOString() ?? null };
}

const audit = (db: Db, ctx: WorkspaceContext, action: string, details: Record<string, unknown>) =>
  withTenant(db, ctx, (tx) => recordAudit(tx, ctx, { action, targetType: 'workspace', targetId: ctx.workspaceId, details }));
