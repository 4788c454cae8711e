import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError, badRequest, notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { buildRecordContext, readAiSettings } from '../ai/record-context';
import { recordAudit } from '../audit';
import type { CitedRecord, RunEvent } from '../agents/agents.contract';
import { describeToolError, findRecords, getRecord, pipelineSummary, searchRecordsTool, searchTimeline, RecordBook, type AgentTool } from '../agents';
import { extractCitations, getConversation } from './ask-brain';
import type { Conversation } from './brain.contract';
import { brainConversations, brainMessages } from './brain.schema';

const tools = new Map<string, AgentTool>([searchTimeline, findRecords, searchRecordsTool, getRecord, pipelineSummary].map((t) => [t.name, t]));

/**
 * AI-1 browser-key mode: the browser talks to the provider with a key it keeps to itself, and
 * runs the brain's read tools here, with the member's context and role like any tool call
 * (and audited). What comes back is what the model would have seen from a server-side run.
 */
export async function runBrainTool(services: Services, ctx: WorkspaceContext, name: string, input: unknown, runId: string): Promise<{ output: string; summary: string; records: CitedRecord[] }> {
  const tool = tools.get(name);
  if (!tool) throw notFound('Tool');
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) throw badRequest('validation_failed', `The input is not valid: ${z.prettifyError(parsed.error)}`, { in: 'body' });
  const { redactPii } = await withTenant(services.database.db, ctx, (tx) => readAiSettings(tx, ctx.workspaceId));
  const records = new RecordBook();
  let outcome: { output: string; summary: string };
  let ok = true;
  try {
    outcome = await tool.run(parsed.data, { services, ctx, run: { id: runId, agent: 'brain' }, step: 0, records, emit: () => {}, redact: redactPii });
  } catch (error) {
    if (!(error instanceof AppError)) services.logger.error({ err: error, tool: name }, 'brain tool failed');
    ok = false;
    outcome = { output: describeToolError(error), summary: 'failed' };
  }
  await withTenant(services.database.db, ctx, (tx) =>
    recordAudit(tx, ctx, { action: 'agent.tool_call', targetType: 'agent_run', targetId: runId, details: { agent: 'brain', tool: name, ok, browserKey: true, input: JSON.stringify(parsed.data).slice(0, 2000), summary: outcome.summary } }),
  );
  return { ...outcome, records: records.all() };
}

/**
 * Saves a question and the answer the browser got. Citations are checked against the
 * workspace as the member sees it: only records they may see (and no restricted contact) stay.
 */
export async function saveBrowserTurn(
  db: Db,
  ctx: WorkspaceContext,
  body: { conversationId: string | null; answerId: string; question: string; answer: string; events: RunEvent[] },
): Promise<Conversation> {
  const markers = [...body.answer.matchAll(/\[(contacts|companies|deals)\/([0-9a-f-]{36})\]/gi)].map((m) => ({ type: m[1]!.toLowerCase(), id: m[2]!.toLowerCase() }));
  const known = await buildRecordContext(db, ctx, markers);
  const book = new RecordBook();
  for (const r of known.labelled) book.add(r.type, r.id, r.label);
  const { content, citations } = extractCitations(body.answer, book);
  const conversationId = await withTenant(db, ctx, async (tx) => {
    let id = body.conversationId;
    if (id) {
      const [own] = await tx.select({ id: brainConversations.id }).from(brainConversations).where(and(eq(brainConversations.workspaceId, ctx.workspaceId), eq(brainConversations.id, id), eq(brainConversations.userId, ctx.userId!)));
      if (!own) throw notFound('Conversation');
      await tx.update(brainConversations).set({ updatedAt: new Date() }).where(and(eq(brainConversations.workspaceId, ctx.workspaceId), eq(brainConversations.id, id)));
    } else {
      const [created] = await tx.insert(brainConversations).values({ workspaceId: ctx.workspaceId, userId: ctx.userId!, title: body.question.slice(0, 80) }).returning({ id: brainConversations.id });
      id = created!.id;
    }
    await tx.insert(brainMessages).values({ workspaceId: ctx.workspaceId, conversationId: id, role: 'user', content: body.question });
    await tx.insert(brainMessages).values({ workspaceId: ctx.workspaceId, runId: body.answerId, conversationId: id, role: 'assistant', content, citations, records: citations, events: body.events });
    return id;
  });
  return getConversation(db, ctx, conversationId);
}
