import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import { findDocument, type DocumentRow } from './get-document';
import { paymentIssues, type LinkProviderKind, type paymentIssueReasons, type paymentIssueResolutions } from './invoicing.schema';
import { rupees } from './send-document';
import { workspaceMembers } from '../workspaces';

type IssueRow = typeof paymentIssues.$inferSelect;
type Reason = (typeof paymentIssueReasons)[number];

const providerName: Record<LinkProviderKind, string> = { stripe: 'Stripe', razorpay: 'Razorpay' };

/** Why the money did not fit, in words, and what the owner can do about it. */
export function explainIssue(i: Pick<IssueRow, 'reason' | 'amountPaise' | 'currency' | 'balancePaise' | 'provider'>, number: string | null): { why: string; todo: string } {
  const amount = i.currency === 'INR' ? rupees(i.amountPaise) : `${(i.amountPaise / 100).toFixed(2)} ${i.currency}`;
  const inv = number ?? 'the invoice';
  const why = i.reason === 'cancelled'
    ? `${amount} arrived through ${providerName[i.provider]} for ${inv}, which is cancelled.`
    : i.reason === 'currency'
      ? `${amount} arrived through ${providerName[i.provider]} for ${inv}, not in rupees.`
      : i.balancePaise <= 0
        ? `${amount} arrived through ${providerName[i.provider]} for ${inv}, which was already paid in full.`
        : `${amount} arrived through ${providerName[i.provider]} for ${inv}, but only ${rupees(i.balancePaise)} was still due.`;
  return { why, todo: `Refund it from your ${providerName[i.provider]} dashboard, or keep it as the customer's credit against their next invoice; then mark here what you did.` };
}

function present({ workspaceId: _, ...i }: IssueRow, number: string | null) {
  return { ...i, ...explainIssue(i, number), resolvedAt: i.resolvedAt ? i.resolvedAt.toISOString() : null, createdAt: i.createdAt.toISOString() };
}

/**
 * INV-5, INV-3: money a provider took that its invoice cannot take (cancelled, already paid, not in
 * rupees) is kept as an issue on the invoice, audited, and the owners and admins are mailed once —
 * the same notice path as the low-stock alert. Answers false when this payment was already told.
 */
export async function recordPaymentIssue(
  tx: Tx, services: Services, ctx: WorkspaceContext, doc: DocumentRow,
  p: { provider: LinkProviderKind; providerPaymentId: string; amountPaise: number; currency: string; reason: Reason; balancePaise: number },
): Promise<boolean> {
  const [row] = await tx.insert(paymentIssues).values({ workspaceId: ctx.workspaceId, documentId: doc.id, ...p, currency: p.currency.slice(0, 3), providerPaymentId: p.providerPaymentId.slice(0, 200) }).onConflictDoNothing().returning();
  if (!row) return false;
  await recordAudit(tx, ctx, { action: 'invoice.payment_link_unmatched', targetType: 'invoice', targetId: doc.id, details: { number: doc.number, provider: p.provider, paymentId: p.providerPaymentId, amountPaise: p.amountPaise, currency: p.currency, balancePaise: p.balancePaise, reason: p.reason } });
  const recipients = await workspaceMembers(tx, ctx.workspaceId, { roles: ['owner', 'admin'] });
  const { why, todo } = explainIssue(row, doc.number);
  const url = `${services.config.publicUrl}/w/${ctx.workspaceId}/invoices/${doc.id}`;
  for (const r of recipients) {
    await queueRenderedMail(tx, {
      from: services.mail.from, to: r.email, template: 'invoicing.payment_issue',
      rendered: renderMail(`A payment for ${doc.number ?? 'an invoice'} needs your attention`, [`Hi ${r.name},`, why, todo], { label: 'Open the invoice', url }),
    });
  }
  return true;
}

/** INV-3: an invoice's payments that need attention, and those already settled, oldest first. */
export async function listPaymentIssues(db: Db, ctx: WorkspaceContext, documentId: string) {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, documentId);
    const rows = await tx.select().from(paymentIssues).where(and(eq(paymentIssues.workspaceId, ctx.workspaceId), eq(paymentIssues.documentId, documentId))).orderBy(asc(paymentIssues.createdAt));
    return { items: rows.map((r) => present(r, doc.number)), open: rows.filter((r) => !r.resolvedAt).length };
  });
}

/** INV-3: an owner or admin says what was done with the money: refunded, or kept as the customer's credit. Audited. */
export async function resolvePaymentIssue(db: Db, ctx: WorkspaceContext, documentId: string, issueId: string, resolution: (typeof paymentIssueResolutions)[number]) {
  return withTenant(db, ctx, async (tx) => {
    const doc = await findDocument(tx, ctx, documentId);
    const [row] = await tx.update(paymentIssues).set({ resolution, resolvedAt: new Date(), resolvedBy: ctx.userId })
      .where(and(eq(paymentIssues.workspaceId, ctx.workspaceId), eq(paymentIssues.documentId, documentId), eq(paymentIssues.id, issueId), isNull(paymentIssues.resolvedAt))).returning();
    if (!row) {
      const [exists] = await tx.select({ id: paymentIssues.id }).from(paymentIssues).where(and(eq(paymentIssues.workspaceId, ctx.workspaceId), eq(paymentIssues.documentId, documentId), eq(paymentIssues.id, issueId)));
      if (!exists) throw notFound('Payment issue');
      throw conflict('issue_resolved', 'This payment was already settled.', { field: 'issueId' });
    }
    await recordAudit(tx, ctx, { action: 'invoice.payment_issue_resolved', targetType: 'invoice', targetId: documentId, details: { number: doc.number, issueId, resolution, amountPaise: row.amountPaise, provider: row.provider } });
    return present(row, doc.number);
  });
}
