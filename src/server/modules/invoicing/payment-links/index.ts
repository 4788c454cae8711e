import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, conflict, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { recordAudit } from '../../audit';
import { WebhookRefused } from '../../billing';
import { findDocument, todayInIndia } from '../get-document';
import { requireSettings } from '../invoicing-settings';
import { linkProviders, paymentLinkAccounts, paymentLinks, payments, type LinkProviderKind } from '../invoicing.schema';
import { settle } from '../record-payment';
import type { LinkCredentials, LinkEvent, PaymentLinkProvider } from './provider';
import { razorpayLinks } from './razorpay';
import { stripeLinks } from './stripe';
import { invalidFields } from '../../../platform/http/field-errors';
import { recordPaymentIssue } from '../payment-issues';
import { signedEventRefused } from '../../../platform/http/signed-body';

type AccountRow = typeof paymentLinkAccounts.$inferSelect;
type LinkRow = typeof paymentLinks.$inferSelect;

/** The providers a shop can take payment links with, each on its own account. */
const factories: Partial<Record<LinkProviderKind, (services: Services, credentials: LinkCredentials) => PaymentLinkProvider>> = {
  stripe: (services, credentials) => stripeLinks(credentials, services.config.STRIPE_API_URL ?? null),
  razorpay: (services, credentials) => razorpayLinks(credentials, services.config.RAZORPAY_API_URL ?? null),
};
const providerName: Record<LinkProviderKind, string> = { stripe: 'Stripe', razorpay: 'Razorpay' };

/** What each provider's credentials look like, checked before they are sealed (the field named on a 400). */
function checkCredentials(kind: LinkProviderKind, input: { keyId?: string | undefined; secretKey: string; webhookSecret: string }): Record<string, string> {
  const bad: Record<string, string> = {};
  if (kind === 'stripe') {
    if (!/^(sk|rk)_[A-Za-z0-9_]+$/.test(input.secretKey)) bad.secretKey = "A secret or restricted key like sk_live_… from Stripe's dashboard.";
    if (!/^whsec_[A-Za-z0-9_+/=]+$/.test(input.webhookSecret)) bad.webhookSecret = "The webhook endpoint's signing secret, like whsec_….";
  } else {
    if (!input.keyId || !/^rzp_(test|live)_[A-Za-z0-9]+$/.test(input.keyId)) bad.keyId = "The key id from Razorpay's dashboard (API Keys), like rzp_live_….";
    if (!/^[A-Za-z0-9_]+$/.test(input.secretKey)) bad.secretKey = 'The key secret shown beside the key id when it was made.';
    if (/\s/.test(input.webhookSecret)) bad.webhookSecret = 'The secret you typed when adding the webhook in Razorpay, without spaces.';
  }
  return bad;
}
export const builtLinkProviders = linkProviders.filter((k) => factories[k]);

/** SEC-2: a sealed secret opens only in its own workspace and place. */
const aad = (workspaceId: string, kind: LinkProviderKind, what: 'secret_key' | 'webhook_secret') => `invoicing_payment_account:${workspaceId}:${kind}:${what}`;

function providerOf(services: Services, account: AccountRow): PaymentLinkProvider {
  const box = services.secrets.box;
  const factory = factories[account.provider];
  if (!factory) throw new AppError('not_found', 404, `${account.provider} payment links are not available on this server.`);
  return factory(services, {
    keyId: account.keyId,
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
      return { provider, connected: !!row, keyId: row?.keyId ?? null, secretKeyLast4: row?.secretKeyLast4 ?? null, updatedAt: row?.updatedAt.toISOString() ?? null, webhookUrl: webhookUrl(services, ctx.workspaceId, provider) };
    }),
  };
}

/** INV-5, SEC-2: connects the shop's own provider account; both secrets sealed, neither returned nor audited. */
export async function savePaymentAccount(services: Services, ctx: WorkspaceContext, kind: LinkProviderKind, input: { keyId?: string | undefined; secretKey: string; webhookSecret: string }) {
  if (!factories[kind]) throw new AppError('not_found', 404, `${kind} payment links are not available on this server.`);
  const bad = checkCredentials(kind, input);
  if (Object.keys(bad).length) throw invalidFields(bad);
  const box = services.secrets.box;
  const values = {
    keyId: kind === 'razorpay' ? input.keyId! : null,
    secretKeySealed: box.seal(input.secretKey, aad(ctx.workspaceId, kind, 'secret_key')),
    secretKeyLast4: input.secretKey.slice(-4),
    webhookSecretSealed: box.seal(input.webhookSecret, aad(ctx.workspaceId, kind, 'webhook_secret')),
    updatedAt: new Date(),
  };
  await withTenant(services.database.db, ctx, async (tx) => {
    await tx.insert(paymentLinkAccounts).values({ workspaceId: ctx.workspaceId, provider: kind, ...values }).onConflictDoUpdate({ target: [paymentLinkAccounts.workspaceId, paymentLinkAccounts.provider], set: values });
    await recordAudit(tx, ctx, { action: 'invoicing.payment_account_saved', targetType: 'workspace', targetId: ctx.workspaceId, details: { provider: kind, keyId: values.keyId, secretKeyLast4: values.secretKeyLast4 } });
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
export async function createPaymentLink(services: Services, ctx: WorkspaceContext, documentId: string, input: { amountPaise?: number | undefined; provider?: LinkProviderKind | undefined }) {
  const { db } = services.database;
  const { doc, account, supplierName, earlier } = await withTenant(db, ctx, async (tx) => {
    const account = await accountOf(tx, ctx.workspaceId, input.provider);
    const earlier = account ? await tx.select({ id: paymentLinks.id }).from(paymentLinks).where(and(eq(paymentLinks.workspaceId, ctx.workspaceId), eq(paymentLinks.documentId, documentId), eq(paymentLinks.provider, account.provider))) : [];
    return { doc: await findDocument(tx, ctx, documentId), account, supplierName: (await requireSettings(tx, ctx)).legalName, earlier: earlier.length };
  });
  if (doc.documentType !== 'invoice') throw conflict('not_an_invoice', `Payment links are for invoices, not a ${doc.documentType.replace('_', ' ')}.`, { field: 'documentType' });
  if (!doc.number) throw conflict('document_draft', 'Issue the invoice before asking for payment.', { field: 'status' });
  if (doc.status === 'cancelled') throw conflict('document_cancelled', `${doc.number} is cancelled.`, { field: 'status' });
  const balancePaise = doc.grandTotalPaise - doc.paidPaise;
  if (balancePaise <= 0) throw conflict('overpayment', `${doc.number} is already paid in full.`, { field: 'amountPaise', balancePaise: 0 });
  const amountPaise = input.amountPaise ?? balancePaise;
  if (amountPaise > balancePaise) throw conflict('overpayment', `Only ${balancePaise} paise are still due on ${doc.number}.`, { field: 'amountPaise', balancePaise });
  if (!account) {
    const which = input.provider ? `your ${providerName[input.provider]} account` : 'Stripe or Razorpay';
    throw conflict('payment_links_not_set_up', `Connect ${which} under Invoicing → Settings first.`, { field: 'provider' });
  }

  let made: { linkId: string; url: string };
  try {
    made = await providerOf(services, account).createLink({ workspaceId: ctx.workspaceId, documentId, number: doc.number, reference: earlier ? `${doc.number}-${earlier + 1}` : doc.number, buyerName: doc.buyerName, supplierName, amountPaise });
  } catch (error) {
    throw new AppError('payment_provider_error', 502, `${providerName[account.provider]} did not make the link: ${(error as Error).message}`.slice(0, 500), { field: 'provider', provider: account.provider });
  }
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(paymentLinks).values({ workspaceId: ctx.workspaceId, documentId, provider: account.provider, providerLinkId: made.linkId, url: made.url, amountPaise, createdBy: ctx.userId }).returning();
    await recordAudit(tx, ctx, { action: 'invoice.payment_link_created', targetType: 'invoice', targetId: documentId, details: { number: doc.number, provider: account.provider, amountPaise } });
    return presentLink(row!);
  });
}

/** The day a payment was made, in India. */
const indianDate = (at: Date) => todayInIndia(at);

/*
 * INT-4: what a provider's parser read from a signed body is still checked before anything is
 * looked up or recorded — an id that is not text or far longer than any provider's, an amount that
 * is not a whole positive number of paise (or more than any invoice), a currency that is not a code,
 * a date no payment has — a 400 naming the field, never a 500 or a payment half-recorded.
 */
const linkIdText = z.string().min(1).max(255);
const linkEventBase = z.object({ id: linkIdText, type: z.string().min(1).max(200) });
const paidLinkEvent = z.object({
  linkId: linkIdText.nullable(),
  documentId: z.string().max(100).nullable().optional(),
  workspaceId: z.string().max(100).nullable().optional(),
  paymentId: linkIdText,
  amountPaise: z.number().int().min(1).max(1e13),
  currency: z.string().regex(/^[A-Z]{3}$/),
  paidAt: z.date().min(new Date(0)).max(new Date('9999-12-31T23:59:59Z')),
});

function readLinkEvent(event: LinkEvent): LinkEvent {
  const base = linkEventBase.safeParse(event);
  const rest = base.success && event.kind === 'paid' ? paidLinkEvent.safeParse(event) : null;
  const issues = !base.success ? base.error.issues : rest && !rest.success ? rest.error.issues : [];
  if (!issues.length) return event;
  throw signedEventRefused(issues);
}

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
  event = readLinkEvent(event);
  if (event.kind === 'ignored') return { received: true, duplicate: false, recorded: false };
  const paid = event;
  // The provider's notes name another workspace: not this address's event.
  if (paid.workspaceId && paid.workspaceId !== workspaceId) return { received: true, duplicate: false, recorded: false };
  return withTenant(db, ctx, async (tx) => {
    const [link] = paid.linkId
      ? await tx.select().from(paymentLinks).where(and(eq(paymentLinks.workspaceId, workspaceId), eq(paymentLinks.provider, kind), eq(paymentLinks.providerLinkId, paid.linkId)))
      : [];
    const documentId = link?.documentId ?? (paid.documentId && /^[0-9a-f-]{36}$/i.test(paid.documentId) ? paid.documentId : null);
    if (!documentId) return { received: true, duplicate: false, recorded: false };
    const doc = await findDocument(tx, ctx, documentId, true).catch(() => null);
    if (!doc) return { received: true, duplicate: false, recorded: false };
    const markPaid = () => (link && !link.paidAt ? tx.update(paymentLinks).set({ paidAt: paid.paidAt }).where(and(eq(paymentLinks.workspaceId, workspaceId), eq(paymentLinks.id, link.id))) : undefined);
    const [seen] = await tx.select({ id: payments.id }).from(payments).where(and(eq(payments.workspaceId, workspaceId), eq(payments.provider, kind), eq(payments.providerPaymentId, paid.paymentId)));
    if (seen) {
      // The same payment told again (a replay, or its other event): nothing more is recorded.
      await markPaid();
      return { received: true, duplicate: true, recorded: false };
    }
    const balancePaise = doc.grandTotalPaise - doc.paidPaise;
    const misfit = doc.status === 'cancelled' ? 'cancelled' : paid.currency !== 'INR' ? 'currency' : paid.amountPaise > balancePaise ? 'over_balance' : null;
    if (misfit) {
      // Money arrived that the invoice cannot take: owners and admins are told once, and the invoice shows it until settled.
      const fresh = await recordPaymentIssue(tx, services, ctx, doc, { provider: kind, providerPaymentId: paid.paymentId, amountPaise: paid.amountPaise, currency: paid.currency, reason: misfit, balancePaise });
      await markPaid();
      return { received: true, duplicate: !fresh, recorded: false };
    }
    const [payment] = await tx.insert(payments).values({
      workspaceId, documentId: doc.id, method: 'payment_link', paidOn: indianDate(paid.paidAt), amountPaise: paid.amountPaise,
      reference: `${kind} ${paid.paymentId}`.slice(0, 100), provider: kind, providerPaymentId: paid.paymentId, recordedBy: null,
    }).onConflictDoNothing().returning();
    if (!payment) return { received: true, duplicate: true, recorded: false };
    await settle(tx, ctx, doc);
    await markPaid();
    await recordAudit(tx, ctx, { action: 'invoice.payment_recorded', targetType: 'invoice', targetId: doc.id, details: { number: doc.number, paymentId: payment.id, method: 'payment_link', provider: kind, amountPaise: paid.amountPaise } });
    return { received: true, duplicate: false, recorded: true };
  });
}
