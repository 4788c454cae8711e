import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { Services } from '../../platform/services';
import { logActivity, replaceActivityBody } from '../activities';
import { findContactByEmail, insertContact } from '../crm';
import { recordConsentIn } from '../outreach';
import { lockConversation, staffMessages, type ConversationRow } from './conversation-rows';
import type { leaveContactBody } from './conversations.contract';
import { queueCloserIfQualified } from './closer-next-step';
import { conversations, visitors } from './conversations.schema';

/** Who the website chat acts as when it writes into the CRM. */
const chatContext = (workspaceId: string): WorkspaceContext => ({ workspaceId, userId: null, role: 'admin', actorLabel: 'Website chat' });

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * CONV-2, CRM-4: the lead a visitor left becomes a contact — found by email when the CRM has it,
 * else created through the CRM's own use case (source "website chat", consent as given) — with
 * the transcript as a "chat" item on its timeline.
 */
export async function captureLead(services: Services, conv: ConversationRow, input: z.infer<typeof leaveContactBody>): Promise<string | null> {
  const { db } = services.database;
  const ctx = chatContext(conv.workspaceId);
  const email = input.email.toLowerCase();
  // One transaction: the contact found or created, consent, the links and the transcript together.
  return withTenant(db, ctx, async (tx) => {
    let contactId = await findContactByEmail(tx, ctx, email);
    if (!contactId) {
      const [firstName, ...rest] = input.name.trim().split(/\s+/);
      contactId = await insertContact(tx, ctx, {
        firstName: firstName ?? null,
        lastName: rest.join(' ') || null,
        emails: [email],
        ...(input.phone ? { phones: [input.phone] } : {}),
        source: 'website chat',
        // MAIL-4: an unticked "keep me posted" box is no answer, not a refusal: consent stays "unknown" (not given).
        consentState: input.consent ? 'granted' : 'unknown',
      });
    }
    // MAIL-4: a ticked box is consent, recorded with its source, time and proof (new and known contacts alike).
    if (input.consent) {
      const [visitor] = await tx
        .select({ ip: visitors.ip, pageUrl: visitors.pageUrl })
        .from(visitors)
        .where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
      const proof = `Ticked "You may contact me about my request and offers." in the website chat (conversation ${conv.id}) at ${new Date().toISOString()}, on ${visitor?.pageUrl ?? 'an unknown page'} from ${visitor?.ip ?? 'unknown IP'}, leaving ${email}.`;
      await recordConsentIn(tx, ctx, { contactId, state: 'granted', source: 'website_chat', proof });
    }
    await tx.update(visitors).set({ contactId }).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
    await tx.update(conversations).set({ contactId }).where(and(eq(conversations.workspaceId, conv.workspaceId), eq(conversations.id, conv.id)));
    const linked = await lockConversation(tx, conv.workspaceId, conv.id);
    await writeTranscript(tx, ctx, linked);
    // CONV-2: with the qualifying questions answered too, the visitor is a qualified lead for Closer.
    await queueCloserIfQualified(services, tx, linked);
    return contactId;
  });
}

/**
 * CRM-4: the conversation's transcript on its contact's timeline, one "chat" item kept up to date.
 * The timeline is the team's, so it reads as the staff inbox does (CONV-3): system lines in the
 * team's wording ("The visitor asked for a person."), staff by name; internal notes stay out.
 */
export async function writeTranscript(tx: Tx, ctx: WorkspaceContext, conv: ConversationRow): Promise<void> {
  if (!conv.contactId) return;
  const lines = (await staffMessages(tx, conv)).filter((m) => m.author !== 'note');
  const who = (m: (typeof lines)[number]) => (m.author === 'visitor' ? 'Visitor' : m.author === 'assistant' ? 'Assistant' : m.author === 'staff' ? (m.authorName ?? 'Team') : 'System');
  const html = lines.map((m) => `<p><strong>${escapeHtml(who(m))}:</strong> ${escapeHtml(m.body)}</p>`).join('');
  if (conv.chatActivityId) return replaceActivityBody(tx, ctx, conv.chatActivityId, html);
  const { id } = await logActivity(tx, ctx, { kind: 'chat', subject: 'Website chat', body: html, occurredAt: conv.createdAt, links: [{ recordType: 'contacts', recordId: conv.contactId }] });
  await tx.update(conversations).set({ chatActivityId: id }).where(and(eq(conversations.workspaceId, conv.workspaceId), eq(conversations.id, conv.id)));
}
