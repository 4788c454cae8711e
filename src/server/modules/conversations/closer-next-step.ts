import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import { readAiSettings, redactPii } from '../ai/record-context';
import { resolveProvider } from '../ai';
import { listProposals, executeRun, startRun } from '../agents';
import { publicEventTypes } from '../booking/chat-booking';
import { contacts } from '../crm/crm.schema';
import { appendMessage, lockConversation, type ConversationRow } from './conversation-rows';
import { conversationMessages, conversations, visitors } from './conversations.schema';
import { cachedSettings, type HasRealtime } from './workspace-cache';

/** Who Closer acts as when the website chat starts it: the workspace, as its admins would, by name. */
const closerContext = (workspaceId: string): WorkspaceContext => ({ workspaceId, userId: null, role: 'admin', actorLabel: 'Closer (website chat)' });

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** What the visitor is told once Closer has looked at the lead: Kestrel's words, never the model's (no invented promises). */
export const OFFER_CALL = 'Thanks! Would you like to book a call with the team? Say "book a call" and I will show you free times.';
export const PROMISE_FOLLOW_UP = 'Thanks! A person from the team will follow up with you soon.';

/**
 * CONV-2: the visitor is a qualified lead once they left contact details and answered each of
 * the owner's qualifying questions — an assistant message asked it and a visitor message came
 * after. The answers, in order, are what Closer is told.
 */
export async function qualifiedAnswers(services: HasRealtime, tx: Tx, conv: ConversationRow): Promise<{ question: string; answer: string }[] | null> {
  // Issue 15: the questions from this instance's copy of the settings (read after every reply).
  const questions = (await cachedSettings(services, tx, conv.workspaceId))?.questions ?? [];
  // An owner who set no qualifying questions has not asked for leads to be qualified: no Closer run.
  if (!questions.length) return null;
  const [visitor] = await tx.select({ contactId: visitors.contactId }).from(visitors).where(and(eq(visitors.workspaceId, conv.workspaceId), eq(visitors.id, conv.visitorId)));
  if (!(conv.contactId ?? visitor?.contactId)) return null;
  const lines = await tx
    .select({ authorKind: conversationMessages.authorKind, body: conversationMessages.body })
    .from(conversationMessages)
    .where(and(eq(conversationMessages.workspaceId, conv.workspaceId), eq(conversationMessages.conversationId, conv.id), inArray(conversationMessages.authorKind, ['visitor', 'assistant'])))
    .orderBy(asc(conversationMessages.seq))
    .limit(500);
  const answers: { question: string; answer: string }[] = [];
  for (const q of questions) {
    const asked = lines.findIndex((l) => l.authorKind === 'assistant' && norm(l.body).includes(norm(q)));
    const reply = asked >= 0 ? lines.slice(asked + 1).find((l) => l.authorKind === 'visitor') : undefined;
    if (!reply) return null;
    answers.push({ question: q, answer: reply.body.slice(0, 300) });
  }
  return answers;
}

/**
 * CONV-2, AI-5: once the conversation's visitor is a qualified lead (and Closer has not looked at
 * it yet), Closer is queued, in the caller's transaction.
 */
export async function queueCloserIfQualified(services: HasRealtime, tx: Tx, conv: ConversationRow): Promise<boolean> {
  if (conv.channel !== 'web' || conv.closerRunId) return false;
  if (!(await qualifiedAnswers(services, tx, conv))) return false;
  await enqueue(tx, closerNextStepJob, { workspaceId: conv.workspaceId, conversationId: conv.id }, { workspaceId: conv.workspaceId, jobKey: `closer-next-step:${conv.id}` });
  return true;
}

export const closerNextStepJob = defineJob({
  name: 'conversations.closer-next-step',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), conversationId: z.uuid() }),
  // An agent run is not repeated: a second would propose everything twice.
  maxAttempts: 1,
  async run(p, services) {
    await closeTheLead(services, p.workspaceId, p.conversationId);
  },
});

/**
 * CONV-2, AI-5: Closer works on a lead from the website chat — a real agent run (each step a
 * recorded AI call, AI-4) on the contact, whose proposals (a follow-up task, an email draft) wait
 * for approval unless Closer is on autopilot. The inbox shows "Closer suggested …"; the visitor is
 * offered a call when there is something to book, else told a person will follow up — the latter
 * only when Closer did propose a follow-up. A restricted contact is never given to the model (AI-6).
 */
export async function closeTheLead(services: Services, workspaceId: string, conversationId: string): Promise<void> {
  const { db } = services.database;
  const ctx = closerContext(workspaceId);
  const claim = await withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, workspaceId, conversationId);
    if (conv.closerRunId) return null;
    const answers = await qualifiedAnswers(services, tx, conv);
    if (!answers) return null;
    const [visitor] = await tx.select({ contactId: visitors.contactId }).from(visitors).where(and(eq(visitors.workspaceId, workspaceId), eq(visitors.id, conv.visitorId)));
    const contactId = (conv.contactId ?? visitor?.contactId)!;
    const [contact] = await tx.select({ restricted: contacts.restricted }).from(contacts).where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)));
    const { redactPii: redact } = await readAiSettings(tx, workspaceId);
    return { conv, answers, contactId, restricted: contact?.restricted ?? true, redact };
  });
  if (!claim) return;
  const note = (body: string, meta: Record<string, unknown> = {}) =>
    withTenant(db, ctx, async (tx) => appendMessage(tx, await lockConversation(tx, workspaceId, conversationId), { authorKind: 'note', body, meta }));
  if (claim.restricted) return void (await note('Closer did not look at this lead: the contact is restricted, so nothing about them goes to the AI model.'));
  if (!(await resolveProvider(services, ctx))) return;

  const clean = (t: string) => (claim.redact ? redactPii(t) : t);
  const instructions = ['Their answers in the chat:', ...claim.answers.map((a) => `- ${clean(a.question)} ${clean(a.answer)}`)].join('\n').slice(0, 2000);
  let runId: string;
  try {
    const { row } = await startRun(services, ctx, 'closer', { task: 'chat_lead', subject: { type: 'contacts', id: claim.contactId }, instructions, background: false });
    runId = row.id;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return void (await note(`Closer could not look at this lead: ${error.message}`));
  }
  // One run per conversation, whatever happens next.
  const marked = await withTenant(db, ctx, async (tx) =>
    (await tx.update(conversations).set({ closerRunId: runId }).where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId), isNull(conversations.closerRunId))).returning({ id: conversations.id })).length > 0,
  );
  if (!marked) return;
  const run = await executeRun(services, ctx, runId);
  const proposals = (await listProposals(db, ctx, { status: 'pending', runId, limit: 25 })).items.concat(
    (await listProposals(db, ctx, { status: 'approved', runId, limit: 25 })).items,
    (await listProposals(db, ctx, { status: 'failed', runId, limit: 25 })).items,
  );
  const describe = (p: (typeof proposals)[number]) => {
    const what =
      p.kind === 'create_tasks' ? `task "${(p.payload as { tasks: { title: string }[] }).tasks.map((t) => t.title).join('", "')}"`
      : p.kind === 'send_email' ? `email "${(p.payload as { subject: string }).subject}"`
      : p.kind === 'send_message' ? 'a message in this conversation'
      : p.kind.replace('_', ' ');
    const state = p.status === 'pending' ? 'waiting for approval' : p.status === 'approved' ? 'done on autopilot' : `could not be done: ${p.error ?? 'refused'}`;
    return `${what} (${state})`;
  };
  const summary = run.result?.summary ? ` ${run.result.summary.slice(0, 600)}` : '';
  const body =
    run.status !== 'succeeded' ? `Closer could not finish looking at this lead: ${run.error ?? 'the run failed'}.`
    : proposals.length ? `Closer suggested: ${proposals.map(describe).join('; ')}.${summary}`
    : `Closer looked at this lead and proposed nothing.${summary}`;
  await withTenant(db, ctx, async (tx) => {
    const conv = await lockConversation(tx, workspaceId, conversationId);
    await appendMessage(tx, conv, { authorKind: 'note', body: body.slice(0, 4000), meta: { closer: { runId, proposals: proposals.map((p) => ({ id: p.id, kind: p.kind, status: p.status })) } } });
    // The visitor hears of a next step only while the assistant holds the chat and something stands behind it.
    if (conv.holder !== 'assistant' || conv.status === 'resolved') return;
    if ((await publicEventTypes(tx, workspaceId)).length) await appendMessage(tx, conv, { authorKind: 'assistant', body: OFFER_CALL });
    else if (proposals.some((p) => p.status !== 'failed')) await appendMessage(tx, conv, { authorKind: 'assistant', body: PROMISE_FOLLOW_UP });
  });
}
