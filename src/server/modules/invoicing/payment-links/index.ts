import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { recordAudit } from '../../audit/record-audit';
import { WebhookRefused } from '../../billing/providers/provider';
import { findDocument, todayInIndia } from '../get-document';
import { requireSettings } from '../invoicing-settings';
import { linkProviders, paymentLinkAccounts, paymentLinks, payments, type LinkProviderKind } from '../invoicing.schema';
import { settle } from '../record-payment';
import type { LinkCredentials, LinkEvent, PaymentLinkProvider } from './provider';
import { stripeLinks } from './stripe';

type AccountRow = typeof paymentLinkAccounts.$inferSelect;
type LinkRow = typeof paymentLinks.$inferSelect;

/** The providers built so far; Razorpay's payment links plug in here with the same interface. */
const factories: Partial<Record<LinkProviderKind, (services: Services, credentials: LinkCredentials) => PaymentLinkProvider>> = {
  stripe: (services, credentials) => stripeLinks(credentials, services.config.STRIPE_API_URL ?? null),
};
export const builtLinkProviders = linkProviders.filter((k) => factories[k]);

/** SEC-2: a sealed secret opens only in its own workspace and place. */
const aad = (workspaceId: string, kind: LinkProviderKind, what: 'secret_key' | 'webhook_secret') => `invoicing_payment_account:${workspaceId}:${kind}:${what}`;

function providerOf(services: Services, account: AccountRow): PaymentLinkProvider {
  const box = services.secrets.box;
  const factory = factories[account.provider];
  if (!factory) throw new AppError('not_found', 404, `${account.provider} payment links are not available on this server.`);
  return factory(services, {
    secretKey: box.open(account.secretKeySealed, aad(account.workspaceId, account.provider, 'secret_key')),
    webhookSecret: box.open(account.webhookSecretSealed, aad(account.workspaceId, account.provider, 'webhook_secret')),
  });
}

const webhookUrl = (services: Services, workspaceId: string, kind: LinkProviderKind) => `${services.config.publicUrl}/api/invoicing/webhooks/${kind}/${workspaceId}`;

async function accountOf(tx: Tx, workspaceId: string, kind?: LinkProviderKind): Promise<AccountRow | undefined> {
  const [row] = await tx.select().from(paymentLinkAccounts)
    .where(and(eq(paymentLinkAccounts.workspaceId, workspaceId), ...(kind ? [eq(paymentLinkAccounts.provider, kind)] : [])))
    .orderBy(desc(paymentLinkAccounts.updatedAt)).limit(1);
  return row;
}

/** INV-5: each provider this server can make links with, whether the workspace connected it, and the webhook address to give the provider. */
export async function listPaymentAccounts(services: Services, ctx: WorkspaceContext) {
  const rows = await withTenant(services.database.db, ctx, (tx) => tx.select().from(paymentLinkAccounts).where(eq(paymentLinkAccounts.workspaceId, ctx.workspaceId)));
  return {
    items: builtLinkProviders.map((provider) => {
      const row = rows.find((r) => r.provider === provider);
      return { provider, connected: !!row, secretKeyLast4: row?.secretKeyLast4 ?? null, updatedAt: row?.updatedAt.toISOString() ?? null, webhookUrl: webhookUrl(services, ctx.workspaceId, provider) };
    }),
  };
}

/** INV-5, SEC-2: connects the shop's own provider account; both secrets sealed, neither returned nor audited. */
export async function savePaymentAccount(services: Services, ctx: WorkspaceContext, kind: LinkProviderKind, input: { secretKey: string; webhookSecret: string }) {
  if (!factories[kind]) throw new AppError('not_found', 404, `${kind} payment links are not available on this server.`);
  const box = services.secrets.box;
  const values = {
    secretKeySealed: box.seal(input.secretKey, aad(ctx.workspaceId, kind, 'secret_key')),
    secretKeyLast4: input.secretKey.slice(-4),
    webhookSecretSealed: box.seal(input.webhookSecret, aad(ctx.workspaceId, kind, 'webhook_secret')),
    updatedAt: new Date(),
  };
  await withTenant(services.database.db, ctx, async (tx) => {
    await tx.insert(paymentLinkAccounts).values({ workspaceId: ctx.workspaceId, provider: kind, ...values }).onConflictDoUpdate({ target: [paymentLinkAccounts.workspaceId, paymentLinkAccounts.provider], set: values });
    await recordAudit(tx, ctx, { action: 'invoicing.payment_account_saved', targetType: 'workspace', targetId: ctx.workspaceId, details: { provider: kind, secretKeyLast4: values.secretKeyLast4 } });
  });
  return listPaymentAccounts(services, ctx);
}

/** INV-5: disconnects a provider; links already sent stop being recorded here. */
export async function removePaymentAccount(services: Services, ctx: WorkspaceContext, kind: LinkProviderKind) {
  await withTenant(services.database.db, ctx, async (tx) => {
    const gone = await tx.delete(paymentLinkAccounts).where(and(eq(paymentLinkAccounts.workspaceId, ctx.workspaceId), eq(paymentLinkAccounts.provider, kind))).returning();
    if (!gone.length) throw notFound('Payment account');
    await recordAudit(tx, ctx, { action: 'invoicing.payment_account_removed', targetType: 'workspace', targetId: ctx.workspaceId, details: { provider: kind } });
  });
  return listPaymentAccounts(services, ctx);
}

export function presentLink({ workspaceId: _, createdBy: __, ...l }: LinkRow) {
  return { ...l, paidAt: l.paidAt ? l.paidAt.toISOString() : null, createdAt: l.createdAt.toISOString() };
}

/** INV-5: the newest link of an invoice not yet paid, for the email and the PDF. */
export async function openLinkOf(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, documentId: string): Promise<LinkRow | null> {
  const [row] = await tx.select().from(paymentLinks)
    .where(and(eq(paymentLinks.workspaceId, ctx.workspaceId), eq(paymentLinks.documentId, documentId), isNull(paymentLinks.paidAt)))
    .orderBy(desc(paymentLinks.createdAt)).limit(1);
  return row ?? null;
}

export async function listPaymentLinks(services: Services, ctx: WorkspaceContext, documentId: string) {
  return withTenant(services.database.db, ctx, async (tx) => {
    await findDocument(tx, ctx, documentId);
    const rows = await tx.select().from(paymentLinks).where(and(eq(paymentLinks.workspaceId, ctx.workspaceId), eq(paymentLinks.documentId, documentId))).orderBy(desc(paymentLinks.createdAt));
    return { items: rows.map(presentLink) };
  });
}

/**
 * INV-5: a payment link on the workspace's own provider account for an issued invoice — for the
 * balance due, or a part of it (an instalment). The provider is asked outside any transaction.
 */
export async function createPaymentLink(services: Services, ctx: WorkspaceContext, documentId: string, input: { amountPaise?: number | undefined }) {
  const { db } = services.database;
  const { doc, account, supplierName } = await withTenant(db, ctx, async (tx) => ({
    doc: await findDocument(tx, ctx, documentId), account: await accountOf(tx, ctx.workspaceId), supplierName: (await requireSettings(tx, ctx)).legalName,
  }));
  if (doc.documentType !== 'invoice') throw conflict('not_an_invoice', `Payment links are for invoices, not a ${doc.documentType.replace('_', ' ')}.`, { field: 'documentType' });
  if (!doc.number) throw conflict('document_draft', 'Issue the invoice before asking for payment.', { field: 'status' });
  if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number} is cancelled.`, { field: 'status' });
  const balancePaise = doc.grandTotalPaise - doc.paidPaise;
  if (balancePaise <= 0) throw conflict('overpayment', `${doc.number} is already paid in full.`, { field: 'amountPaise', balancePaise: 0 });
  const amountPaise = input.amountPaise ?? balancePaise;
  if (amountPaise > balancePaise) throw conflict('overpayment', `Only ${balancePaise} paise are still due on ${doc.number}.`, { field: 'amountPaise', balancePaise });
  if (!account) throw conflict('payment_links_not_set_up', 'Connect your Stripe account under Invoicing → Settings first.', { field: 'provider' });

  let made: { linkId: string; url: string };
  try {
    made = await providerOf(services, account).createLink({ workspaceId: ctx.workspaceId, documentId, number: doc.number, buyerName: doc.buyerName, supplierName, amountPaise });
  } catch (error) {
    throw new AppError('payment_provider_error', 502, `${account.provider} did not make the link: ${(error as Error).message}`.slice(0, 500), { field: 'provider', provider: account.provider });
  }
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(paymentLinks).values({ workspaceId: ctx.workspaceId, documentId, provider: account.provider, providerLinkId: made.linkId, url: made.url, amountPaise, createdBy: ctx.userId }).returning();
    await recordAudit(tx, ctx, { action: 'invoice.payment_link_created', targetType: 'invoice', targetId: documentId, details: { number: doc.number, provider: account.provider, amountPaise } });
    return presentLink(row!);
  });
}

/** The day a payment was made, in India. */
const indianDate = (at: Date) => todayInIndia(at);

/**
 * INV-5: a provider's signed event about a payment link, at the workspace's own webhook address.
 * The signature over the raw body and its age are checked with the workspace's sealed secret; a
 * paid link records a payment once per provider payment id (a replayed or re-sent event changes
 * nothing; the document's row is locked first, and a unique index backs it), and the invoice
 * becomes partly paid or paid as with any payment.
 */
export async function handleLinkWebhook(services: Services, kind: LinkProviderKind, workspaceId: string, raw: Buffer, headers: Record<string, string | string[] | undefined>) {
  const { db } = services.database;
  const ctx: WorkspaceContext = { workspaceId, userId: null, role: 'owner', actorLabel: kind };
  const account = await withTenant(db, ctx, (tx) => accountOf(tx, workspaceId, kind));
  if (!account) throw new AppError('not_found', 404, `No ${kind} account is connected for payment links here.`);
  let event: LinkEvent;
  try {
    event = providerOf(services, account).parseWebhook(raw, headers);
  } catch (error) {
    if (error instanceof WebhookRefused) throw new AppError(error.status === 401 ? 'webhook_signature_invalid' : 'webhook_invalid', error.status, error.message);
    throw new AppError('webhook_invalid', 400, 'The webhook could not be read.');
  }
  if (event.kind === 'ignored') return { received: true, duplicate: false, recorded: false };
  const paid = event;
  return withTenant(db, ctx, async (tx) => {
    const [link] = await tx.select().from(paymentLinks).where(and(eq(paymentLinks.workspaceId, workspaceId), eq(paymentLinks.provider, kind), eq(paymentLinks.providerLinkId, paid.linkId)));
    if (!link) return { received: true, duplicate: false, recorded: false };
    const doc = await findDocument(tx, ctx, link.documentId, true);
    const [seen] = await tx.select({ id: payments.id }).from(payments).where(and(eq(payments.workspaceId, workspaceId), eq(payments.provider, kind), eq(payments.providerPaymentId, paid.paymentId)));
    if (seen) return { received: true, duplicate: true, recorded: false };
    const balancePaise = doc.grandTotalPaise - doc.paidPaise;
    if (paid.currency !== 'INR' || paid.amountPaise > balancePaise || doc.status === 'cancelled') {
      // Money arrived that the invoice cannot take (paid meanwhile by other means, or cancelled): the owner settles it by hand.
      await recordAudit(tx, ctx, { action: 'invoice.payment_link_unmatched', targetType: 'invoice', targetId: doc.id, details: { number: doc.number, provider: kind, paymentId: paid.paymentId, amountPaise: paid.amountPaise, currency: paid.currency, balancePaise } });
      return { received: true, duplicate: false, recorded: false };
    }
    const [payment] = await tx.insert(payments).values({
      workspaceId, documentId: doc.id, method: 'payment_link', paidOn: indianDate(paid.paidAt), amountPaise: paid.amountPaise,
      reference: `${kind} ${paid.paymentId}`.slice(0, 100), provider: kind, providerPaymentId: paid.paymentId, recordedBy: null,
    }).onConflictDoNothing().returning();
    if (!payment) return { received: true, duplicate: true, recorded: false };
    await settle(tx, ctx, doc);
    await tx.update(paymentLinks).set({ paidAt: paid.paidAt }).where(and(eq(paymentLinks.workspaceId, workspaceId), eq(paymentLinks.id, link.id)));
    await recordAudit(tx, ctx, { action: 'invoice.payment_recorded', targetType: 'invoice', targetId: doc.id, details: { number: doc.number, paymentId: payment.id, method: 'payment_link', provider: kind, amountPaise: paid.amountPaise } });
    return { received: true, duplicate: false, recorded: true };
  });
}
