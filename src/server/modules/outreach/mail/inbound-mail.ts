import { and, eq } from 'drizzle-orm';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { outreachDeliveryEvents, outreachMessages } from '../outreach.schema';
import { applyDeliveryEvent } from './delivery-webhook';
import { unsubscribe } from './unsubscribe';
import { readUnsubscribeToken } from './unsubscribe-token';

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * MAIL-3: a delivery status notification (RFC 3464) that reached the workspace's inbound address
 * about an outreach mail — recognised by the `X-Kestrel-Message` header every one carries, which
 * the DSN quotes. A permanent failure (status 5.x.x) suppresses the address; a temporary one (4.x.x)
 * is only noted. Counted as a bounce once per message, however often the DSN arrives.
 * Returns false when the DSN is not about outreach mail.
 */
export async function receiveOutreachDsn(services: Services, workspaceId: string, dsn: string): Promise<boolean> {
  const messageId = new RegExp(`^X-Kestrel-Message:\\s*(${uuid})\\s*$`, 'im').exec(dsn)?.[1]?.toLowerCase();
  if (!messageId) return false;
  const statuses = [...dsn.matchAll(/^Status:\s*([245])\.\d{1,3}\.\d{1,3}/gim)].map((m) => m[1]);
  const action = /^Action:\s*(\w+)/im.exec(dsn)?.[1]?.toLowerCase();
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') return true;
  const permanent = statuses.includes('5') || (statuses.length === 0 && action === 'failed');
  const ctx: WorkspaceContext = { workspaceId, userId: null, role: 'admin', actorLabel: 'Bounce' };
  return withTenant(services.database.db, ctx, async (tx) => {
    const [message] = await tx
      .select({ id: outreachMessages.id, contactId: outreachMessages.contactId, addressHash: outreachMessages.addressHash, subject: outreachMessages.subject })
      .from(outreachMessages)
      .where(and(eq(outreachMessages.workspaceId, workspaceId), eq(outreachMessages.id, messageId)));
    if (!message) return false;
    const inserted = await tx
      .insert(outreachDeliveryEvents)
      .values({ workspaceId, webhookId: `dsn:${message.id}:${permanent ? 'hard' : 'soft'}`, messageId: message.id, kind: 'bounced', occurredAt: new Date() })
      .onConflictDoNothing()
      .returning({ webhookId: outreachDeliveryEvents.webhookId });
    if (inserted.length) await applyDeliveryEvent(tx, ctx, message, 'bounced', { transient: !permanent, source: 'dsn', occurredAt: new Date() });
    return true;
  });
}

/**
 * MAIL-4: a mail to the `List-Unsubscribe` mailto address ("unsubscribe <token>" as its subject, as
 * mail clients send it): the signed token names the message, so the address it went to is
 * unsubscribed at once. Returns false when the subject carries no valid token (then it is an
 * ordinary mail for the inbox).
 */
export async function receiveUnsubscribeMail(services: Services, workspaceId: string, subject: string): Promise<boolean> {
  const token = /^\s*unsubscribe\s+([\w-]{22}\.[\w-]{22}\.[\w-]{22})\s*$/i.exec(subject)?.[1];
  if (!token) return false;
  try {
    // A token of another workspace's mail is not this inbox's business.
    if (readUnsubscribeToken(services.secrets.sessionSecret, token).workspaceId !== workspaceId) return false;
    const done = await unsubscribe(services, token, 'unsubscribe_mail');
    return done.unsubscribed;
  } catch (error) {
    if (error instanceof AppError && error.statusCode === 404) return false;
    throw error;
  }
}
