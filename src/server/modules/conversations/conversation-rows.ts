import { and, asc, eq, getTableColumns, gt, inArray, ne, sql, type Column } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Db, Tx } from '../../platform/db/database';
import { withTenantReading, type FirstRead, type TenantOptions, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { publish } from '../../platform/realtime/realtime';
import { users } from '../accounts/accounts.schema';
import type { ConversationSummary, MessageMeta, MessageSource, WidgetMessage } from './conversations.contract';
import { conversationMessages, conversations, visitors } from './conversations.schema';
import { teamSystemLine } from './system-lines';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const conversationColumns = getTableColumns(conversations);
const messageColumns = getTableColumns(conversationMessages);

/** A select list naming each column by its property (`visitor_id AS "visitorId"`); only the schema's own names. */
const selectList = (columns: Record<string, Column>, from: string) => Object.entries(columns).map(([key, c]) => `${from}."${c.name}" AS "${key}"`).join(', ');

/** A row read by raw SQL as drizzle would give it: each value through its column's own mapping. */
function fromDriver<T>(columns: Record<string, Column>, raw: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [key, c] of Object.entries(columns)) out[key] = raw[key] === null || raw[key] === undefined ? null : c.mapFromDriverValue(raw[key]);
  return out as T;
}

/**
 * Issue 15: runs `fn` in the workspace's transaction with the conversation's row locked by a
 * read sent in the round trip of BEGIN and the scope (the text holds only the checked workspace
 * id and `id`, a UUID checked here; anything else locks through drizzle, as before). `conv` is
 * null when the workspace has no such conversation. Row-level security applies as to any read.
 */
export function withLockedConversation<T>(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, id: string, fn: (tx: Tx, conv: ConversationRow | null) => Promise<T>, options: TenantOptions = {}): Promise<T> {
  if (!UUID.test(id)) return withTenantReading(db, ctx, null, async (tx) => fn(tx, await lockConversation(tx, ctx.workspaceId, id).catch(() => null)), options);
  const read: FirstRead<Record<string, unknown>> = {
    text: (workspaceId) => `SELECT ${selectList(conversationColumns, 'c')} FROM conversations c WHERE c.workspace_id = '${workspaceId}' AND c.id = '${id}' FOR UPDATE`,
    fallback: async (tx) => {
      const row = await lockConversation(tx, ctx.workspaceId, id).catch(() => null);
      return row ? [row] : [];
    },
  };
  return withTenantReading(db, ctx, read, (tx, [row]) => fn(tx, row ? fromDriver<ConversationRow>(conversationColumns, row) : null), options);
}

/**
 * Appends a message and updates the conversation's counters, in the caller's transaction; live
 * clients on every instance hear of it when the transaction commits. A message whose client id
 * was already stored is not stored again: the earlier one is returned (a resend after a reconnect).
 * The caller holds the conversation's row lock (lockConversation), so no other message of the
 * conversation is written between the insert and the counters.
 *
 * Issue 15: the insert, the counters and what the live event needs (the visible message before
 * this one; the staff author's name) are one statement, one round trip. `authorName` is the
 * author's name as stored, when the message has an author user (null otherwise).
 */
export async function appendMessage(tx: Tx, conv: ConversationRow, m: NewMessage): Promise<{ message: MessageRow; duplicate: boolean; authorName: string | null }> {
  const visible = m.authorKind !== 'note' && !m.quiet;
  // The visitor's stream shows the message from the event itself instead of reading it back
  // (issue 15); a note carries nothing.
  const shown = visible || m.quiet;
  const readName = !!m.authorUserId && m.authorName === undefined;
  const { rows } = await tx.execute<Record<string, unknown>>(sql`
    WITH ins AS (
      INSERT INTO ${conversationMessages} (workspace_id, id, conversation_id, author_kind, author_user_id, body, client_id, sources, ai_call_id, external_id, delivery_status, meta)
      VALUES (${conv.workspaceId}, ${uuidv7()}, ${conv.id}, ${m.authorKind}, ${m.authorUserId ?? null}, ${m.body}, ${m.clientId ?? null}, ${JSON.stringify(m.sources ?? [])}::jsonb,
        ${m.aiCallId ?? null}, ${m.externalId ?? null}, ${m.deliveryStatus ?? null}, ${JSON.stringify(m.meta ?? {})}::jsonb)
      ON CONFLICT DO NOTHING
      RETURNING *
    ), counted AS (
      UPDATE ${conversations} c SET
        last_message_at = ins.created_at,
        last_message_preview = ${visible && m.authorKind !== 'system' ? sql`${m.body.slice(0, 200)}::text` : sql`c.last_message_preview`},
        unread_staff = c.unread_staff + ${m.authorKind === 'visitor' && !m.quiet ? 1 : 0}::int,
        unread_visitor = c.unread_visitor + ${m.authorKind === 'assistant' || m.authorKind === 'staff' ? 1 : 0}::int,
        updated_at = now()
      FROM ins
      WHERE c.workspace_id = ${conv.workspaceId} AND c.id = ${conv.id}
      -- What the visitor saw last before this one: their stream reads back when it missed it (issue 15).
      RETURNING (SELECT max(p.seq) FROM ${conversationMessages} p WHERE p.workspace_id = ${conv.workspaceId} AND p.conversation_id = ${conv.id} AND p.seq < ins.seq AND p.author_kind <> 'note') AS prev
    )
    SELECT ${sql.raw(selectList(messageColumns, 'ins'))}, (SELECT prev FROM counted) AS "prev"${readName ? sql`, (SELECT u.name FROM ${users} u WHERE u.id = ins.author_user_id) AS "authorName"` : sql``}
    FROM ins`);
  const raw = rows[0];
  if (!raw) {
    const [existing] = await tx
      .select()
      .from(conversationMessages)
      .where(
        m.externalId
          ? and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.externalId, m.externalId))
          : and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), eq(conversationMessages.clientId, m.clientId!)),
      );
    const authorName = existing?.authorUserId ? ((await userNames(tx, [existing.authorUserId])).get(existing.authorUserId) ?? null) : null;
    return { message: existing!, duplicate: true, authorName };
  }
  const inserted = fromDriver<MessageRow>(messageColumns, raw);
  const authorName = readName ? ((raw.authorName as string | null) ?? null) : (m.authorName ?? null);
  const d = shown ? widgetMessage(inserted, inserted.authorKind === 'staff' ? (authorName ?? 'Team') : null) : undefined;
  const prev = raw.prev === null || raw.prev === undefined ? null : Number(raw.prev);
  await publish(tx, { w: conv.workspaceId, c: conv.id, e: inserted.seq, k: shown ? 'message' : 'note', ...(d ? { d, p: prev } : {}) });
  return { message: inserted, duplicate: false, authorName };
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
  return rows.map((r) => staffMessage(r, r.authorUserId ? (names.get(r.authorUserId) ?? null) : null));
}

/** A message as the team sees it; `authorUserName` is its author user's name. */
export function staffMessage(r: MessageRow, authorUserName: string | null) {
  return {
    id: r.id,
    seq: r.seq,
    author: r.authorKind,
    authorUserId: r.authorUserId,
    authorName: r.authorUserId ? authorUserName : r.authorKind === 'assistant' ? 'Assistant' : null,
    // CONV-3: system lines from the team's side ("The visitor asked for a person"); the widget keeps its own wording.
    body: r.authorKind === 'system' ? teamSystemLine(r.body, r.meta) : r.body,
    sources: r.sources,
    aiCallId: r.aiCallId,
    deliveryStatus: r.deliveryStatus,
    meta: r.meta,
    createdAt: r.createdAt.toISOString(),
  };
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
