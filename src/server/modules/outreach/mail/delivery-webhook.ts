import { and, count, countDistinct, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { verifyStandardWebhook } from '../../../platform/http/standard-webhooks';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { logActivity } from '../../activities';
import { deliveryEventKinds, outreachDeliveryEvents, outreachMessages, outreachSendingAccounts } from '../outreach.schema';
import { suppressAddress } from './consent';
import { aad } from './sending-accounts';
import { objectOr } from '../../../platform/http/signed-body';

type Kind = (typeof deliveryEventKinds)[number];


const refused = () => new AppError('webhook_signature_invalid', 401, 'The webhook signature is missing, wrong, too old or replayed.');

const kinds: Record<string, Kind> = {
  'email.delivered': 'delivered',
  'email.opened': 'opened',
  'email.clicked': 'clicked',
  'email.bounced': 'bounced',
  'email.complained': 'complained',
};
const words: Record<Kind, string> = { delivered: 'was delivered', opened: 'was opened', clicked: 'had a link clicked', bounced: 'bounced', complained: 'was marked as spam' };

/**
 * MAIL-3: a Resend delivery event. Verified first — a forged, stale or replayed one is a 401 and
 * records nothing; then counted on its message, put on the contact's timeline, and a bounce or
 * complaint puts the address on the suppression list.
 */
export async function receiveResendWebhook(services: Services, workspaceId: string, accountId: string, headers: Record<string, string | string[] | undefined>, raw: string): Promise<void> {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  const ctx: WorkspaceContext = { workspaceId, userId: null, role: 'admin', actorLabel: 'Resend' };
  await withTenant(services.database.db, ctx, async (tx) => {
    const [account] = await tx
      .select({ secret: outreachSendingAccounts.webhookSecretSealed })
      .from(outreachSendingAccounts)
      .where(and(eq(outreachSendingAccounts.workspaceId, workspaceId), eq(outreachSendingAccounts.id, accountId), eq(outreachSendingAccounts.kind, 'resend')));
    if (!account?.secret) throw refused();
    const secret = services.secrets.box.open(account.secret, aad(workspaceId, 'webhook'));
    const id = one('svix-id') ?? one('webhook-id');
    if (!verifyStandardWebhook(secret, { id, timestamp: one('svix-timestamp') ?? one('webhook-timestamp'), signature: one('svix-signature') ?? one('webhook-signature') }, raw)) throw refused();

    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new AppError('validation_failed', 400, 'The webhook body is not JSON.');
    }
    // INT-4: a signed body is still read as untrusted — `null`, a list or a `data` of another shape is an event of no kind, never a 500.
    const event = objectOr(parsed) as { type?: unknown; created_at?: unknown; data?: unknown };
    const data = objectOr(event.data) as { email_id?: unknown; bounce?: unknown };
    const kind = typeof event.type === 'string' ? (kinds[event.type] ?? null) : null;
    const providerId = typeof data.email_id === 'string' ? data.email_id.slice(0, 200) : null;
    const [message] = providerId
      ? await tx
          .select({ id: outreachMessages.id, contactId: outreachMessages.contactId, addressHash: outreachMessages.addressHash, subject: outreachMessages.subject })
          .from(outreachMessages)
          .where(and(eq(outreachMessages.workspaceId, workspaceId), eq(outreachMessages.providerMessageId, providerId)))
      : [];
    // When it happened, as Resend says; a date no event can have (unreadable, before 2000, more than a day ahead) reads as now.
    const said = typeof event.created_at === 'string' ? Date.parse(event.created_at) : NaN;
    const occurred = said >= Date.UTC(2000, 0, 1) && said <= Date.now() + 86_400_000 ? new Date(said) : new Date();
    // The webhook id is the replay guard: a second delivery of it finds its row.
    const inserted = await tx
      .insert(outreachDeliveryEvents)
      .values({ workspaceId, webhookId: id!.slice(0, 200), messageId: message?.id ?? null, kind, occurredAt: occurred })
      .onConflictDoNothing()
      .returning({ webhookId: outreachDeliveryEvents.webhookId });
    if (!inserted.length) throw refused();
    if (!message || !kind) return;

    await applyDeliveryEvent(tx, ctx, message, kind, { transient: kind === 'bounced' && objectOr(data.bounce).type === 'Transient', source: 'resend_webhook', occurredAt: occurred });
  });
}

/**
 * MAIL-3: what a delivery event does, however it came (a provider's webhook, a DSN on the inbound
 * route): a hard bounce or a complaint suppresses the address; the contact's timeline says so.
 */
export async function applyDeliveryEvent(
  tx: Tx,
  ctx: WorkspaceContext,
  message: { contactId: string | null; addressHash: string; subject: string },
  kind: Kind,
  how: { transient: boolean; source: string; occurredAt: Date },
): Promise<void> {
  const { transient } = how;
  if ((kind === 'bounced' && !transient) || kind === 'complained') await suppressAddress(tx, ctx.workspaceId, message.addressHash, kind, how.source);
  if (message.contactId) {
    await logActivity(tx, ctx, {
      kind: 'note',
      subject: `Email ${words[kind]}`,
      body: `<p>"${message.subject.replace(/[<>&"]/g, '')}" ${words[kind]}${kind === 'bounced' || kind === 'complained' ? (transient ? ' (temporarily).' : '; the address gets no more marketing email.') : '.'}</p>`,
      occurredAt: how.occurredAt,
      links: [{ recordType: 'contacts', recordId: message.contactId }],
    });
  }
}

/** MAIL-3: how the workspace's outreach mail fared: sent, and messages with each delivery event. */
export async function deliverySummary(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => {
    const [sent] = await tx.select({ n: count() }).from(outreachMessages).where(and(eq(outreachMessages.workspaceId, ctx.workspaceId), eq(outreachMessages.status, 'sent')));
    const rows = await tx
      .select({ kind: outreachDeliveryEvents.kind, n: countDistinct(outreachDeliveryEvents.messageId) })
      .from(outreachDeliveryEvents)
      .where(eq(outreachDeliveryEvents.workspaceId, ctx.workspaceId))
      .groupBy(outreachDeliveryEvents.kind);
    const by = Object.fromEntries(rows.map((r) => [r.kind, r.n]));
    return { sent: sent?.n ?? 0, delivered: by.delivered ?? 0, opened: by.opened ?? 0, clicked: by.clicked ?? 0, bounced: by.bounced ?? 0, complained: by.complained ?? 0 };
  });
}
