import { and, eq } from 'drizzle-orm';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { logActivity } from '../../activities';
import { readContactMailFacts } from '../../crm';
import { workspaceNameOf } from '../../workspaces';
import { outreachMessages, outreachSuppressions } from '../outreach.schema';
import { recordConsentIn, suppressAddress } from './consent';
import { readUnsubscribeToken } from './unsubscribe-token';

export type UnsubscribeSource = 'unsubscribe_one_click' | 'unsubscribe_link' | 'unsubscribe_mail';

const how: Record<UnsubscribeSource, string> = {
  unsubscribe_one_click: "with one click in their mail client (List-Unsubscribe)",
  unsubscribe_link: 'by the link at the foot of an email',
  unsubscribe_mail: 'by replying "unsubscribe"',
};

/** What the unsubscribe page may show: the workspace's name and nothing else about it. */
export async function unsubscribePage(services: Services, token: string): Promise<{ workspaceName: string; unsubscribed: boolean }> {
  const ref = readUnsubscribeToken(services.secrets.sessionSecret, token);
  return withTenant(services.database.db, { workspaceId: ref.workspaceId, userId: null }, async (tx) => {
    const [row] = await tx
      .select({ workspaceName: workspaceNameOf(outreachMessages.workspaceId), suppressed: outreachSuppressions.reason })
      .from(outreachMessages)
      .leftJoin(outreachSuppressions, and(eq(outreachSuppressions.workspaceId, outreachMessages.workspaceId), eq(outreachSuppressions.kind, 'email'), eq(outreachSuppressions.addressHash, outreachMessages.addressHash)))
      .where(and(eq(outreachMessages.workspaceId, ref.workspaceId), eq(outreachMessages.id, ref.messageId)));
    if (!row) throw notFound('Unsubscribe link');
    return { workspaceName: row.workspaceName, unsubscribed: row.suppressed !== null };
  });
}

/**
 * MAIL-4: honoured at once, without sign-in. The address goes on the suppression list (so no
 * further message of a running campaign reaches it), the contact's consent is withdrawn with
 * its source and time, and the timeline says so. Unsubscribing twice changes nothing.
 */
export async function unsubscribe(services: Services, token: string, source: UnsubscribeSource): Promise<{ workspaceName: string; unsubscribed: true }> {
  const ref = readUnsubscribeToken(services.secrets.sessionSecret, token);
  const ctx: WorkspaceContext = { workspaceId: ref.workspaceId, userId: null, role: 'admin', actorLabel: 'Unsubscribe' };
  return withTenant(services.database.db, ctx, async (tx) => {
    const [msg] = await tx
      .select({ addressHash: outreachMessages.addressHash, contactId: outreachMessages.contactId, workspaceName: workspaceNameOf(outreachMessages.workspaceId) })
      .from(outreachMessages)
      .where(and(eq(outreachMessages.workspaceId, ref.workspaceId), eq(outreachMessages.id, ref.messageId)));
    if (!msg) throw notFound('Unsubscribe link');
    const added = await suppressAddress(tx, ref.workspaceId, msg.addressHash, 'unsubscribed', source);
    if (added && msg.contactId) {
      const contact = (await readContactMailFacts(tx, ref.workspaceId, msg.contactId)) ? { id: msg.contactId } : null;
      if (contact) {
        await recordConsentIn(tx, ctx, { contactId: contact.id, state: 'withdrawn', source, proof: `Outreach message ${ref.messageId}` });
        await logActivity(tx, ctx, {
          kind: 'note',
          subject: 'Unsubscribed from marketing email',
          body: `<p>Unsubscribed ${how[source]}. No further marketing email will be sent to this address.</p>`,
          links: [{ recordType: 'contacts', recordId: contact.id }],
        });
      }
    }
    return { workspaceName: msg.workspaceName, unsubscribed: true };
  });
}
