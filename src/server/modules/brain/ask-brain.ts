import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { ModelMessage } from 'ai';
import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { aiNotConfigured } from '../ai/ai-errors';
import { readAiSettings } from '../ai/record-context';
import { resolveProvider, type AiServices } from '../ai';
import type { CitedRecord, RunEvent } from '../agents/agents.contract';
import { runLoop, RecordBook, findRecords, getRecord, pipelineSummary, searchRecordsTool, searchTimeline } from '../agents';
import { brainSystemPrompt, type BrainMessage, type BrainStatus, type Conversation, type ConversationSummary } from './brain.contract';
import { brainConversations, brainMessages } from './brain.schema';
import { embeddingModelOf, vectorInstalled } from './semantic';
import { readSemanticIndex } from './semantic-index';
import { semanticSearchReady, semanticSearchTool } from './semantic-tool';

type MessageRow = typeof brainMessages.$inferSelect;

const HISTORY_MESSAGES = 12;
const BRAIN_STEPS = 8;
const BRAIN_TIME_LIMIT_MS = 5 * 60_000;

const CITATION = /\[(contacts|companies|deals)\/([0-9a-f-]{36})\]/gi;

/**
 * AI-3: keeps the citations of records the brain actually read, in order, and drops any other
 * [type/id] marker from the text (a model cannot cite what it did not see).
 */
export function extractCitations(text: string, records: RecordBook): { content: string; citations: CitedRecord[] } {
  const citations = new Map<string, CitedRecord>();
  const content = text
    .replace(CITATION, (marker, type: string, id: string) => {
      const known = records.get(`${type}/${id}`);
      if (!known) return '';
      citations.set(`${known.type}/${known.id}`, known);
      return `[${known.type}/${known.id}]`;
    })
    .replace(/[ \t]+([.,;:])/g, '$1');
  return { content, citations: [...citations.values()] };
}

const presentMessage = (r: MessageRow): BrainMessage => ({
  id: r.id,
  role: r.role,
  content: r.content,
  citations: r.citations,
  status: r.status,
  error: r.error,
  events: r.events,
  createdAt: r.createdAt.toISOString(),
});

const presentConversation = (r: typeof brainConversations.$inferSelect): ConversationSummary => ({ id: r.id, title: r.title, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

async function ownConversation(db: Db, ctx: WorkspaceContext, id: string) {
  const [row] = await withTenant(db, ctx, (tx) =>
    tx.select().from(brainConversations).where(and(eq(brainConversations.workspaceId, ctx.workspaceId), eq(brainConversations.id, id), eq(brainConversations.userId, ctx.userId!))),
  );
  if (!row) throw notFound('Conversation');
  return row;
}

export interface AskOptions {
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  onDelta?: (text: string) => void;
}

/**
 * AI-3: answers a question in a conversation (a new one when `conversationId` is null) from
 * the workspace's data, searching with full-text and trigram search through the same typed,
 * context-bound tools the agents use. The question and the answer, with its citations, are kept.
 */
export async function askBrain(services: Services, ctx: WorkspaceContext, conversationId: string | null, question: string, o: AskOptions = {}): Promise<{ conversation: ConversationSummary; question: BrainMessage; answer: BrainMessage }> {
  const { db } = services.database;
  if (!(await resolveProvider(services, ctx))) throw aiNotConfigured();
  const convo = conversationId
    ? await ownConversation(db, ctx, conversationId)
    : (await withTenant(db, ctx, (tx) => tx.insert(brainConversations).values({ workspaceId: ctx.workspaceId, userId: ctx.userId!, title: question.slice(0, 80) }).returning()))[0]!;
  const history = await withTenant(db, ctx, (tx) =>
    tx.select().from(brainMessages).where(and(eq(brainMessages.workspaceId, ctx.workspaceId), eq(brainMessages.conversationId, convo.id))).orderBy(desc(brainMessages.id)).limit(HISTORY_MESSAGES),
  );
  const [asked] = await withTenant(db, ctx, (tx) => tx.insert(brainMessages).values({ workspaceId: ctx.workspaceId, conversationId: convo.id, role: 'user', content: question }).returning());

  const records = new RecordBook();
  // Earlier answers' records stay citable in follow-ups ("and which of those are over $10k?").
  for (const m of history) records.seed(m.records);
  const messages: ModelMessage[] = history
    .reverse()
    .filter((m) => m.status === 'ok')
    .map((m) => (m.role === 'user' ? { role: 'user' as const, content: m.content } : { role: 'assistant' as const, content: m.content }));
  messages.push({ role: 'user', content: question });

  const { redactPii } = await withTenant(db, ctx, (tx) => readAiSettings(tx, ctx.workspaceId));
  // Search by meaning joins the keyword tools once the records have been embedded (pgvector, never required).
  const semantic = (await semanticSearchReady(services, ctx)).ready;
  const tools = [searchTimeline, findRecords, searchRecordsTool, ...(semantic ? [semanticSearchTool] : []), getRecord, pipelineSummary];
  const answerId = uuidv7();
  const events: RunEvent[] = [];
  const outcome = await runLoop(
    services,
    ctx,
    { feature: 'brain', agent: 'brain', system: brainSystemPrompt(new Date().toISOString().slice(0, 10)), tools, finish: 'text', maxSteps: BRAIN_STEPS, timeLimitMs: BRAIN_TIME_LIMIT_MS },
    {
      runId: answerId,
      messages,
      records,
      redact: redactPii,
      ...(o.signal ? { signal: o.signal } : {}),
      emit: (e) => {
        events.push(e);
        o.onEvent?.(e);
      },
      onDelta: (_step, text) => o.onDelta?.(text),
    },
  );
  const { content, citations } = outcome.status === 'succeeded' ? extractCitations(outcome.text, records) : { content: outcome.text, citations: [] };
  const [answer] = await withTenant(db, ctx, async (tx) => {
    await tx.update(brainConversations).set({ updatedAt: new Date() }).where(and(eq(brainConversations.workspaceId, ctx.workspaceId), eq(brainConversations.id, convo.id)));
    return tx
      .insert(brainMessages)
      .values({
        workspaceId: ctx.workspaceId,
        id: answerId,
        runId: answerId,
        conversationId: convo.id,
        role: 'assistant',
        content: outcome.status === 'succeeded' ? content : content || '',
        citations,
        records: records.all(),
        events,
        status: outcome.status === 'succeeded' ? 'ok' : 'failed',
        error: outcome.error,
      })
      .returning();
  });
  return { conversation: presentConversation(convo), question: presentMessage(asked!), answer: presentMessage(answer!) };
}

export async function listConversations(db: Db, ctx: WorkspaceContext): Promise<{ items: ConversationSummary[] }> {
  const rows = await withTenant(db, ctx, (tx) =>
    tx.select().from(brainConversations).where(and(eq(brainConversations.workspaceId, ctx.workspaceId), eq(brainConversations.userId, ctx.userId!))).orderBy(desc(brainConversations.updatedAt)).limit(100),
  );
  return { items: rows.map(presentConversation) };
}

export async function getConversation(db: Db, ctx: WorkspaceContext, id: string): Promise<Conversation> {
  const convo = await ownConversation(db, ctx, id);
  const rows = await withTenant(db, ctx, (tx) =>
    tx.select().from(brainMessages).where(and(eq(brainMessages.workspaceId, ctx.workspaceId), eq(brainMessages.conversationId, id))).orderBy(asc(brainMessages.id)),
  );
  return { ...presentConversation(convo), messages: rows.map(presentMessage) };
}

export async function deleteConversation(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await ownConversation(db, ctx, id);
  await withTenant(db, ctx, (tx) => tx.delete(brainConversations).where(and(eq(brainConversations.workspaceId, ctx.workspaceId), eq(brainConversations.id, id))));
}

/**
 * AI-3: keyword and fuzzy search always; semantic search over embeddings when the database has
 * pgvector (detected, never required), the provider an embedding model, and the records have
 * been indexed with it. The message says which, and what would turn it on.
 */
export async function brainStatus(services: AiServices, ctx: WorkspaceContext): Promise<BrainStatus> {
  const { db } = services.database;
  const { rows } = await db.execute<{ available: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`);
  const vectorExtension = rows[0]?.available ?? false;
  const installed = await vectorInstalled(db);
  const provider = await resolveProvider(services, ctx);
  const embeddingModel = provider ? embeddingModelOf(provider) : null;
  const index = await withTenant(db, ctx, (tx) => readSemanticIndex(tx, ctx.workspaceId));
  const { ready } = installed && embeddingModel ? await semanticSearchReady(services, ctx) : { ready: false };
  const keyword = 'The brain searches with full-text and fuzzy (trigram) search';
  let message: string;
  if (!vectorExtension) message = `${keyword}. This database has no pgvector extension, so there is no search by meaning.`;
  else if (!installed) message = `${keyword}. The database offers pgvector but it is not installed here; an administrator can run CREATE EXTENSION vector to allow search by meaning.`;
  else if (!provider) message = `${keyword}. Connect an AI provider that offers embeddings (OpenAI, Google or an OpenAI-compatible server) to search by meaning too.`;
  else if (!embeddingModel) message = `${keyword}. ${provider.kind === 'anthropic' ? 'Anthropic offers no embeddings' : 'No embedding model is named for this provider'}, so there is no search by meaning.`;
  else if (index && (index.state === 'queued' || index.state === 'running')) message = `${keyword}. Your records are being indexed for search by meaning (${index.walked} of ${index.total}).`;
  else if (ready) message = `${keyword}, and by meaning over your records' embeddings (${embeddingModel}).`;
  else message = `${keyword}. Search by meaning is available: an owner or admin can index the records in Settings → AI.`;
  return { keywordSearch: true, vectorExtension, vectorInstalled: installed, embeddingModel, semanticSearch: ready, index, message };
}
