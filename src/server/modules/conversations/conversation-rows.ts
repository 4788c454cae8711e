import { and, asc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { notFound } from '../../platform/http/errors';
import { publish } from '../../platform/realtime/realtime';
import { users } from '../accounts/accounts.schema';
import type { ConversationSummary, MessageMeta, MessageSource, WidgetMessage } from './conversations.contract';
import { conversationMessages, conversations, visitors } from './conversations.schema';

export type ConversationRow = typeof conversations.$inferSelect;
export type MessageRow = typeof conversationMessages.$inferSelect;
export type AuthorKind = MessageRow['authorKind'];

/** How a conversation is named in the AI calls that used it (AI-4), so erasing it finds them (CONV-7). */
export const conversationRecord = (id: string) => ({ type: 'conversations', id });

export async function lockConversation(tx: Tx, workspaceId: string, id: string): Promise<ConversationRow> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)))
    .for('update');
  if (!row) throw notFound('Conversation');
  return row;
}

/** The conversation as it is now, without a lock: for reads that must not queue behind writers. */
export async function readConversation(tx: Tx, workspaceId: string, id: string): Promise<ConversationRow> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, id)));
  if (!row) throw notFound('Conversation');
  return row;
}

export interface NewMessage {
  authorKind: AuthorKind;
  body: string;
  authorUserId?: string | null;
  clientId?: string | null;
  sources?: MessageSource[];
  aiCallId?: string | null;
  /** CONV-6: the channel's id for it (Message-ID, WhatsApp message id); a second copy is not stored. */
  externalId?: string | null;
  deliveryStatus?: MessageRow['deliveryStatus'];
  meta?: MessageMeta;
  /** CONV-6: an auto-reply is kept but neither counts as unread nor moves the preview. */
  quiet?: boolean;
  /** A staff author's name when the caller has it (else it is read once here, for the live event). */
  authorName?: string | null;
}

/**
 * Appends a message and updates the conversation's counters, in the caller's transaction; live
 * clients on every instance hear of it when the transaction commits. A message whose client id
 * was already stored is not stored again: the earlier one is returned (a resend after a reconnect).
 */
export async function appendMessage(tx: Tx, conv: ConversationRow, m: NewMessage): Promise<{ message: MessageRow; duplicate: boolean }> {
  const [inserted] = await tx
    .insert(conversationMessages)
    .values({
      workspaceId: conv.workspaceId,
      conversationId: conv.id,
      authorKind: m.authorKind,
      authorUserId: m.authorUserId ?? null,
      body: m.body,
      clientId: m.clientId ?? null,
      sources: m.sources ?? [],
      aiCallId: m.aiCallId ?? null,
      externalId: m.externalId ?? null,
      deliveryStatus: m.deliveryStatus ?? null,
      meta: m.meta ?? {},
    })
    .onConflictDoNothing()
    .returning();
  if (!inserted) {
    const [existing] = await tx
      .select()
      .from(conversationMessages)
      .where(
        m.externalId
          ? and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.externalId, m.externalId))
          : and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), eq(conversationMessages.clientId, m.clientId!)),
      );
    return { message: existing!, duplicate: true };
  }
  const visible = m.authorKind !== 'note' && !m.quiet;
  const [counted] = await tx
    .update(conversations)
    .set({
      lastMessageAt: inserted.createdAt,
      ...(visible && m.authorKind !== 'system' ? { lastMessagePreview: m.body.slice(0, 200) } : {}),
      unreadStaff: m.authorKind === 'visitor' && !m.quiet ? sql`${conversations.unreadStaff} + 1` : conversations.unreadStaff,
      unreadVisitor: m.authorKind === 'assistant' || m.authorKind === 'staff' ? sql`${conversations.unreadVisitor} + 1` : conversations.unreadVisitor,
      updatedAt: sql`now()`,
    })
    .where(and(eq(conversations.workspaceId, conv.workspaceId), eq(conversations.id, conv.id)))
    // What the visitor saw last before this one: their stream reads back when it missed it (issue 15).
    .returning({
      prev: sql<string | number | null>`(SELECT max(m.seq) FROM ${conversationMessages} m WHERE m.workspace_id = ${conv.workspaceId} AND m.conversation_id = ${conv.id} AND m.seq < ${inserted.seq} AND m.author_kind <> 'note')`,
    });
  // The visitor's stream shows the message from the event itself instead of reading it back
  // (issue 15); a note carries nothing.
  const shown = visible || m.quiet;
  const d = shown ? widgetMessage(inserted, inserted.authorKind === 'staff' ? (m.authorName ?? (await userNames(tx, [inserted.authorUserId])).get(inserted.authorUserId ?? '') ?? 'Team') : null) : undefined;
  const prev = counted?.prev === null || counted?.prev === undefined ? null : Number(counted.prev);
  await publish(tx, { w: conv.workspaceId, c: conv.id, e: inserted.seq, k: shown ? 'message' : 'note', ...(d ? { d, p: prev } : {}) });
  return { message: inserted, duplicate: false };
}

/** Tells live clients the conversation changed (status, assignee, holder) without a message. */
export async function touchConversation(tx: Tx, conv: Pick<ConversationRow, 'workspaceId' | 'id'>, changes: Partial<ConversationRow>): Promise<void> {
  const [now] = await tx
    .update(conversations)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(and(eq(conversations.workspaceId, conv.workspaceId), eq(conversations.id, conv.id)))
    // `at`: when the change took the row's lock, so a stream that hears two changes out of order keeps the later (issue 15).
    .returning({ status: conversations.status, holder: conversations.holder, at: sql<number>`(extract(epoch from clock_timestamp()) * 1000)::float8` });
  // The visitor's stream shows the status from the event (issue 15).
  await publish(tx, { w: conv.workspaceId, c: conv.id, e: null, k: 'conversation', ...(now ? { d: now satisfies VisitorStatus } : {}) });
}

/** What a visitor's stream shows of a conversation besides its messages. */
export interface VisitorStatus {
  status: ConversationRow['status'];
  holder: ConversationRow['holder'];
  /** In events: when the change was made (ms), to order changes that arrive out of order. */
  at?: number;
}

async function userNames(tx: Tx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))];
  if (!wanted.length) return new Map();
  const rows = await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** What the visitor may see: everything but internal notes; staff by first name only. */
export async function visitorMessages(tx: Tx, conv: ConversationRow, after = 0, limit = 200): Promise<WidgetMessage[]> {
  const rows = await tx
    .select()
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), gt(conversationMessages.seq, after), ne(conversationMessages.authorKind, 'note')))
    .orderBy(asc(conversationMessages.seq))
    .limit(limit);
  const names = await userNames(tx, rows.map((r) => r.authorUserId));
  return rows.map((r) => widgetMessage(r, names.get(r.authorUserId ?? '') ?? 'Team'));
}

/** A message as the visitor sees it; `staffName` is the staff author's full name (shown by first name only). */
export function widgetMessage(r: MessageRow, staffName: string | null): WidgetMessage {
  return {
    id: r.id,
    seq: r.seq,
    author: r.authorKind as WidgetMessage['author'],
    authorName: r.authorKind === 'staff' ? firstName(staffName ?? 'Team') : r.authorKind === 'assistant' ? 'Assistant' : null,
    body: r.body,
    clientId: r.clientId,
    sources: r.sources,
    createdAt: r.createdAt.toISOString(),
  };
}

/** A conversation's messages for the team, notes included; with `messageId`, only that one. */
export async function staffMessages(tx: Tx, conv: ConversationRow, messageId?: string) {
  const rows = await tx
    .select()
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), messageId === undefined ? undefined : eq(conversationMessages.id, messageId)))
    .orderBy(asc(conversationMessages.seq))
    .limit(1000);
  const names = await userNames(tx, rows.map((r) => r.authorUserId));
  return rows.map((r) => ({
    id: r.id,
    seq: r.seq,
    author: r.authorKind,
    authorUserId: r.authorUserId,
    authorName: r.authorUserId ? (names.get(r.authorUserId) ?? null) : r.authorKind === 'assistant' ? 'Assistant' : null,
    body: r.body,
    sources: r.sources,
    aiCallId: r.aiCallId,
    deliveryStatus: r.deliveryStatus,
    meta: r.meta,
    createdAt: r.createdAt.toISOString(),
  }));
}

export const firstName = (name: string) => name.trim().split(/\s+/)[0] ?? name;

export async function presentSummaries(tx: Tx, rows: ConversationRow[]): Promise<ConversationSummary[]> {
  if (!rows.length) return [];
  const workspaceId = rows[0]!.workspaceId;
  const vs = await tx
    .select({ id: visitors.id, name: visitors.name, email: visitors.email })
    .from(visitors)
    .where(and(eq(visitors.workspaceId, workspaceId), inArray(visitors.id, [...new Set(rows.map((r) => r.visitorId))])));
  const byId = new Map(vs.map((v) => [v.id, v]));
  const names = await userNames(tx, rows.map((r) => r.assigneeUserId));
  return rows.map((r) => ({
    id: r.id,
    channel: r.channel,
    status: r.status,
    holder: r.holder,
    priority: r.priority,
    assigneeUserId: r.assigneeUserId,
    assigneeName: r.assigneeUserId ? (names.get(r.assigneeUserId) ?? null) : null,
    visitorName: byId.get(r.visitorId)?.name ?? null,
    visitorEmail: byId.get(r.visitorId)?.email ?? null,
    contactId: r.contactId,
    handoffRequested: r.handoffRequestedAt !== null,
    flagReason: r.flagReason,
    unread: r.unreadStaff,
    rating: r.rating,
    lastMessageAt: r.lastMessageAt.toISOString(),
    lastMessagePreview: r.lastMessagePreview,
    subject: r.subject,
  }));
}
