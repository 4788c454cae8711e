import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { publish } from '../../platform/realtime/realtime';
import { users } from '../accounts/accounts.schema';
import { appendMessage, firstName, touchConversation, type ConversationRow } from './conversation-rows';
import { conversations, widgetSettings } from './conversations.schema';
import { isOpen } from './widget-settings';
import { cachedSettings, type HasRealtime } from './workspace-cache';
import { workspaceMembers } from '../workspaces';
import { assistantBackLine, handoffLine, joinedLine, type FlagReason } from './system-lines';

const WHO = String.raw`(human|humans|agent|person|people|someone|somebody|operator|representative|staff|team member)`;
const ASK = String.raw`(talk|speak|chat|connect|transfer|put me through|get me|want|need)`;
const shortAsk = /^\W*(i want |i need |get me |give me )?(a |an |the )?(human|agent|person|operator|representative|someone real|real person)( please| now| pls)?\W*$/i;
const askThenWho = new RegExp(String.raw`\b${ASK}\b[^.?!\n]{0,30}\b${WHO}\b`, 'i');
const whoThenAsk = new RegExp(String.raw`\b${WHO}\b[^.?!\n]{0,30}\b(talk|speak|chat)\b`, 'i');
const realWho = /\b(real|live|actual) (person|human|agent|people)\b/i;

/**
 * CONV-3: whether a visitor's words ask for a person. A short message naming one ("human", "agent
 * please") or a sentence asking to talk to one counts; a word in passing ("a table for 10 people",
 * "our agent said…") does not.
 */
export function asksForPerson(text: string): boolean {
  return shortAsk.test(text) || realWho.test(text) || askThenWho.test(text) || whoThenAsk.test(text);
}

export type { FlagReason } from './system-lines';

/** What the visitor is told on a handoff: the web chat's opening hours are read only then (a handoff is rare; messages never read them here). */
async function noticeFor(services: HasRealtime, tx: Tx, conv: ConversationRow, reason: FlagReason) {
  if (conv.channel !== 'web') return handoffLine(reason, false);
  const settings = await cachedSettings(services, tx, conv.workspaceId);
  return handoffLine(reason, !isOpen(settings?.businessHours));
}

/**
 * CONV-3: the conversation goes to a person (the assistant stays silent from now on), is open
 * for the inbox, and is auto-assigned when the workspace does that. Asking twice says it once.
 */
export async function requestHandoff(services: HasRealtime, tx: Tx, conv: ConversationRow, reason: FlagReason): Promise<void> {
  const already = conv.holder === 'human' && conv.handoffRequestedAt !== null;
  await touchConversation(tx, conv, {
    holder: 'human',
    status: 'open',
    handoffRequestedAt: conv.handoffRequestedAt ?? new Date(),
    flagReason: reason,
    resolvedAt: null,
  });
  if (!already) await appendMessage(tx, conv, { authorKind: 'system', ...(await noticeFor(services, tx, conv, reason)) });
  await autoAssign(services, tx, conv.workspaceId);
}

/** CONV-3: a team member takes the conversation ("Ana joined") and it is theirs. */
export async function joinConversation(tx: Tx, conv: ConversationRow, userId: string): Promise<void> {
  const [user] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  await touchConversation(tx, conv, { holder: 'human', status: 'open', assigneeUserId: userId, unreadStaff: 0, resolvedAt: null });
  if (conv.holder !== 'human' || conv.assigneeUserId !== userId) {
    await appendMessage(tx, conv, { authorKind: 'system', ...joinedLine(firstName(user?.name ?? 'A team member')) });
  }
}

/** CONV-3: back to the assistant ("The assistant is back"); it is pending again, not counted against anyone's cap. */
export async function returnToAssistant(services: HasRealtime, tx: Tx, conv: ConversationRow): Promise<void> {
  await touchConversation(tx, conv, { holder: 'assistant', status: 'pending', handoffRequestedAt: null, flagReason: null });
  if (conv.holder !== 'assistant') await appendMessage(tx, conv, { authorKind: 'system', ...assistantBackLine() });
  await autoAssign(services, tx, conv.workspaceId);
}

/**
 * CONV-4: round-robin over the team, skipping members at their cap of open conversations; the
 * oldest waiting conversations go first, and what cannot be placed stays queued until a
 * conversation is resolved or returned. The settings row is locked, so two instances assigning
 * at once take turns.
 */
export async function autoAssign(services: HasRealtime, tx: Tx, workspaceId: string): Promise<number> {
  // A workspace that does not auto-assign takes no lock: its handoffs do not queue behind each
  // other, and (issue 15) whether it does is read from this instance's copy of the settings, so
  // such a handoff or reopened conversation reads nothing here.
  if (!(await cachedSettings(services, tx, workspaceId))?.autoAssign) return 0;
  const [settings] = await tx.select().from(widgetSettings).where(eq(widgetSettings.workspaceId, workspaceId)).for('update');
  if (!settings?.autoAssign) return 0;
  const team = (await workspaceMembers(tx, workspaceId, { roles: ['owner', 'admin', 'staff'] })).map((m) => m.userId);
  if (!team.length) return 0;
  const load = new Map<string, number>(team.map((id) => [id, 0]));
  const counts = await tx
    .select({ userId: conversations.assigneeUserId, n: sql<number>`count(*)::int` })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.status, 'open'), sql`${conversations.assigneeUserId} IS NOT NULL`))
    .groupBy(conversations.assigneeUserId);
  for (const c of counts) if (c.userId && load.has(c.userId)) load.set(c.userId, c.n);
  const queued = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.status, 'open'), eq(conversations.holder, 'human'), isNull(conversations.assigneeUserId)))
    .orderBy(sql`${conversations.handoffRequestedAt} ASC NULLS LAST`, asc(conversations.createdAt))
    .limit(100)
    .for('update', { skipLocked: true });
  let last = settings.lastAssignedUserId;
  let assigned = 0;
  for (const conv of queued) {
    const start = last ? team.findIndex((id) => id > last!) : 0;
    let pick: string | null = null;
    for (let i = 0; i < team.length; i++) {
      const candidate = team[((start < 0 ? 0 : start) + i) % team.length]!;
      if (load.get(candidate)! < settings.assignCap) {
        pick = candidate;
        break;
      }
    }
    if (!pick) break;
    load.set(pick, load.get(pick)! + 1);
    last = pick;
    assigned++;
    await touchConversation(tx, conv, { assigneeUserId: pick });
  }
  if (assigned) {
    await tx.update(widgetSettings).set({ lastAssignedUserId: last }).where(eq(widgetSettings.workspaceId, workspaceId));
    await publish(tx, { w: workspaceId, c: null, e: null, k: 'assigned' });
  }
  return assigned;
}
