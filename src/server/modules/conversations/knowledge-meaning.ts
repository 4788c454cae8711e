import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import type { Services } from '../../platform/services';
import type { AiRecordRef } from '../ai/ai.contract';
import { resolveProvider, resolveProviderIn, type NewAiCall, type ResolvedProvider } from '../ai';
import { EMBED_BATCH, embeddingModelOf, embedTexts, vectorInstalled } from '../brain/semantic';
import { knowledgeChunks, knowledgeEntries } from './conversations.schema';
import { searchKnowledge, type KnowledgeEntry } from './knowledge';
import { announceChange, KNOWLEDGE_CHANGED, knowledgeIndexedWith } from './workspace-cache';

/**
 * CONV-2: retrieval by meaning for the website assistant (docs/decisions/009, addendum). FAQ
 * entries and pages are cut into chunks and embedded through the AI gateway (recorded calls that
 * count against the limits, AI-4), again only when a chunk's text or the model changes; a
 * visitor's question is embedded too and the nearest chunks found by cosine similarity — cast to
 * `vector` when pgvector is there, else computed in SQL over real[] (a knowledge base is a few
 * hundred chunks). Those are fused with the full-text hits by reciprocal rank.
 */

/** Characters per chunk of a page (about 250 tokens): small enough to cite, big enough to mean something. */
export const CHUNK_CHARS = 1_000;
/** Chunks kept per entry (the table's check): a 50,000-character page fits. */
const MAX_CHUNKS = 200;
/**
 * Below this cosine similarity a chunk is not "about" the question. Unrelated texts score about
 * 0–0.25 with common embedding models; a real match 0.4 and up.
 */
export const MIN_SIMILARITY = 0.4;
/** Reciprocal rank fusion's constant (Cormack et al.): later ranks still count, but less. */
const RRF_K = 60;

type Entry = KnowledgeEntry;

/** An entry cut into chunks: an FAQ entry is one; a page is cut at paragraph, then sentence, ends. Each chunk carries the title. */
export function chunkEntry(e: Pick<Entry, 'kind' | 'title' | 'body'>): string[] {
  const body = e.body.trim();
  if (e.kind === 'faq' || body.length <= CHUNK_CHARS) return [`${e.title}\n${body.slice(0, 4 * CHUNK_CHARS)}`];
  const pieces = body.split(/\n\s*\n|(?<=[.!?])\s+/).flatMap((p) => (p.length > CHUNK_CHARS ? p.match(new RegExp(`[\\s\\S]{1,${CHUNK_CHARS}}`, 'g'))! : [p]));
  const chunks: string[] = [];
  let current = '';
  for (const p of pieces) {
    const piece = p.trim();
    if (!piece) continue;
    if (current && current.length + piece.length + 1 > CHUNK_CHARS) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current} ${piece}` : piece;
  }
  if (current) chunks.push(current);
  return chunks.slice(0, MAX_CHUNKS).map((c) => `${e.title}\n${c}`);
}

const hashOf = (model: string, text: string) => createHash('md5').update(`${model}\n${text}`).digest('hex');

/** Queues (re-)indexing of a workspace's knowledge; one queued job per workspace however many edits. */
export async function queueKnowledgeIndex(tx: Tx, workspaceId: string): Promise<void> {
  await enqueue(tx, knowledgeIndexJob, { workspaceId }, { workspaceId, jobKey: `knowledge-index:${workspaceId}` });
}

export const knowledgeIndexJob = defineJob({
  name: 'conversations.knowledge-index',
  version: 1,
  payload: z.object({ workspaceId: z.uuid() }),
  maxAttempts: 3,
  async run(p, services) {
    await indexKnowledge(services, p.workspaceId);
  },
});

export interface KnowledgeIndexResult {
  /** `off`: no provider, or one without embeddings. */
  state: 'off' | 'done';
  embedded: number;
  unchanged: number;
  removed: number;
}

/**
 * Embeds the chunks whose text (or model) changed since they were embedded, and removes chunks of
 * changed or deleted entries that are no longer there. A limit reached or a provider refusal is
 * a recorded call and ends the run with an error (the job tries again later).
 */
export async function indexKnowledge(services: Services, workspaceId: string): Promise<KnowledgeIndexResult> {
  const { db } = services.database;
  const ctx = { workspaceId, userId: null };
  const result: KnowledgeIndexResult = { state: 'off', embedded: 0, unchanged: 0, removed: 0 };
  const provider = await resolveProvider(services, ctx);
  const model = provider ? embeddingModelOf(provider) : null;
  if (!model) return result;
  result.state = 'done';
  const { entries, stored } = await withTenant(db, ctx, async (tx) => ({
    entries: await tx.select({ id: knowledgeEntries.id, kind: knowledgeEntries.kind, title: knowledgeEntries.title, body: knowledgeEntries.body, updatedAt: knowledgeEntries.updatedAt }).from(knowledgeEntries).where(eq(knowledgeEntries.workspaceId, workspaceId)).limit(2_000),
    stored: await tx.select({ entryId: knowledgeChunks.entryId, chunk: knowledgeChunks.chunk, hash: knowledgeChunks.contentHash }).from(knowledgeChunks).where(eq(knowledgeChunks.workspaceId, workspaceId)),
  }));
  const have = new Map(stored.map((s) => [`${s.entryId}:${s.chunk}`, s.hash]));
  const wanted = entries.flatMap((e) => chunkEntry(e).map((text, chunk) => ({ entryId: e.id, chunk, text, hash: hashOf(model, text) })));
  const changed = wanted.filter((w) => have.get(`${w.entryId}:${w.chunk}`) !== w.hash);
  result.unchanged = wanted.length - changed.length;
  for (let i = 0; i < changed.length; i += EMBED_BATCH) {
    const batch = changed.slice(i, i + EMBED_BATCH);
    const { vectors } = await embedTexts(services, ctx, { feature: 'assistant:index', texts: batch.map((b) => b.text) });
    await withTenant(db, ctx, (tx) =>
      tx.execute(sql`
        INSERT INTO knowledge_chunks (workspace_id, entry_id, chunk, model, content_hash, body, embedding, updated_at)
        SELECT ${workspaceId}, u.entry_id, u.chunk, ${model}, u.hash, u.body, ARRAY(SELECT x::real FROM jsonb_array_elements_text(u.v) WITH ORDINALITY AS t(x, i) ORDER BY i), now()
        FROM jsonb_to_recordset(${JSON.stringify(batch.map((b, j) => ({ entry_id: b.entryId, chunk: b.chunk, hash: b.hash, body: b.text, v: vectors[j] })))}::jsonb) AS u(entry_id uuid, chunk smallint, hash text, body text, v jsonb)
        WHERE EXISTS (SELECT 1 FROM knowledge_entries e WHERE e.workspace_id = ${workspaceId} AND e.id = u.entry_id)
        ON CONFLICT (workspace_id, entry_id, chunk) DO UPDATE
          SET model = EXCLUDED.model, content_hash = EXCLUDED.content_hash, body = EXCLUDED.body, embedding = EXCLUDED.embedding, updated_at = now()`),
    );
    result.embedded += batch.length;
  }
  // Chunks past a shortened page's end, and vectors of another model, go.
  const counts = new Map<string, number>();
  for (const w of wanted) counts.set(w.entryId, w.chunk + 1);
  const { rowCount } = await withTenant(db, ctx, (tx) =>
    tx.execute(sql`
      DELETE FROM knowledge_chunks k WHERE k.workspace_id = ${workspaceId} AND (k.model <> ${model} OR k.chunk >= coalesce(
        (SELECT n FROM jsonb_to_recordset(${JSON.stringify([...counts].map(([id, n]) => ({ id, n })))}::jsonb) AS c(id uuid, n int) WHERE c.id = k.entry_id), 0))`),
  );
  result.removed = rowCount ?? 0;
  if (result.embedded || result.removed) await withTenant(db, ctx, (tx) => announceChange(services, tx, workspaceId, KNOWLEDGE_CHANGED));
  // Entries whose chunks were already right (an edit of the address, or back to the same text) are current too.
  await withTenant(db, ctx, (tx) =>
    tx.execute(sql`
      UPDATE knowledge_chunks k SET updated_at = now()
      FROM jsonb_to_recordset(${JSON.stringify(entries.map((e) => ({ id: e.id, at: e.updatedAt.toISOString() })))}::jsonb) AS r(id uuid, at timestamptz)
      JOIN knowledge_entries e ON e.workspace_id = ${workspaceId} AND e.id = r.id AND date_trunc('milliseconds', e.updated_at) = r.at
      WHERE k.workspace_id = ${workspaceId} AND k.entry_id = r.id AND k.updated_at < e.updated_at`),
  );
  return result;
}

/** Per entry: whether its text as it is now is indexed by meaning (every chunk embedded after its last change). */
export async function meaningState(tx: Tx, workspaceId: string): Promise<Map<string, boolean>> {
  const { rows } = await tx.execute<{ id: string; indexed: boolean }>(sql`
    SELECT e.id, (count(k.chunk) > 0 AND min(k.updated_at) >= e.updated_at) AS indexed
    FROM knowledge_entries e LEFT JOIN knowledge_chunks k ON k.workspace_id = e.workspace_id AND k.entry_id = e.id
    WHERE e.workspace_id = ${workspaceId}
    GROUP BY e.id, e.updated_at`);
  return new Map(rows.map((r) => [r.id, r.indexed]));
}

export interface KnowledgeHit {
  id: string;
  kind: Entry['kind'];
  title: string;
  url: string | null;
  /** What the model is given: the entry's text, or for a long page the chunks that matched. */
  body: string;
  /** How it was found: by its words, by its meaning, or both. */
  via: ('words' | 'meaning')[];
}

export interface Retrieval {
  hits: KnowledgeHit[];
  /** The recorded call that embedded the question, when there was one. */
  queryCallId: string | null;
  /** With `deferRecord`: that call's record, for the caller to write with its model call's (issue 15). */
  pending: NewAiCall | null;
}

interface NearChunk extends Record<string, unknown> {
  entry_id: string;
  chunk: number;
  body: string;
  similarity: number;
}

/** The chunks nearest in meaning to a query vector, best first, at least MIN_SIMILARITY alike. */
export function nearestChunksSql(workspaceId: string, model: string, query: number[], pgvector: boolean, limit: number) {
  const similarity = pgvector
    ? sql`1 - (k.embedding::vector <=> ${`[${query.join(',')}]`}::vector)`
    : sql`(SELECT sum(a * b) / nullif(sqrt(sum(a * a)) * sqrt(sum(b * b)), 0) FROM unnest(k.embedding, ${`{${query.join(',')}}`}::real[]) AS t(a, b))`;
  return sql`
    SELECT entry_id, chunk, body, similarity FROM (
      SELECT k.entry_id, k.chunk, k.body, (${similarity})::float8 AS similarity
      FROM knowledge_chunks k
      WHERE k.workspace_id = ${workspaceId} AND k.model = ${model} AND cardinality(k.embedding) = ${query.length}
    ) near
    WHERE similarity >= ${MIN_SIMILARITY} AND similarity <> 'NaN'::float8
    ORDER BY similarity DESC, entry_id, chunk
    LIMIT ${limit}`;
}

/** What retrieval reads before it may embed the question: read inside the caller's transaction (issue 15: one round of reads per reply). */
export interface RetrievalReads {
  byWords: Entry[];
  provider: ResolvedProvider | null;
  /** The embedding model, when the provider has one and the knowledge is indexed with it. */
  model: string | null;
}

export async function readForRetrieval(tx: Tx, services: Services, workspaceId: string, question: string, provider?: ResolvedProvider | null): Promise<RetrievalReads> {
  const byWords = await searchKnowledge(tx, workspaceId, question, 5);
  const found = provider !== undefined ? provider : question.trim() ? await resolveProviderIn(tx, services, { workspaceId, userId: null }) : null;
  const model = found && question.trim() ? embeddingModelOf(found) : null;
  // Issue 15: from this instance's copy once known (the index job announces what it changes).
  const indexed = model ? await knowledgeIndexedWith(services, tx, workspaceId, model) : false;
  return { byWords, provider: found, model: indexed ? model : null };
}

/**
 * Vectors of questions asked lately, per workspace and model (issue 15): a question asked again
 * (the same words, as FAQ visitors do) is not embedded again. Small and short-lived; erasing a
 * transcript (CONV-7) forgets it too (`forgetQuestionVectors`).
 */
const QUESTION_CACHE_MAX = 500;
const QUESTION_CACHE_MS = 10 * 60_000;
const questionVectors = new Map<string, { vector: number[]; at: number }>();
const questionKey = (workspaceId: string, model: string, question: string) => `${workspaceId}\n${model}\n${createHash('sha256').update(question).digest('base64')}`;

export function forgetQuestionVectors(workspaceId: string): void {
  for (const key of questionVectors.keys()) if (key.startsWith(`${workspaceId}\n`)) questionVectors.delete(key);
}

async function questionVector(services: Services, workspaceId: string, provider: ResolvedProvider, model: string, question: string, recordRefs: AiRecordRef[], deferRecord: boolean): Promise<{ vector: number[]; callId: string | null; pending?: NewAiCall }> {
  const key = questionKey(workspaceId, model, question);
  const hit = questionVectors.get(key);
  if (hit && Date.now() - hit.at < QUESTION_CACHE_MS) return { vector: hit.vector, callId: null };
  const embedded = await embedTexts(services, { workspaceId, userId: null }, { feature: 'assistant:query', texts: [question], recordRefs, provider, deferRecord });
  questionVectors.delete(key);
  questionVectors.set(key, { vector: embedded.vectors[0]!, at: Date.now() });
  if (questionVectors.size > QUESTION_CACHE_MAX) questionVectors.delete(questionVectors.keys().next().value!);
  return { vector: embedded.vectors[0]!, callId: embedded.callId, ...(embedded.pending ? { pending: embedded.pending } : {}) };
}

interface NearEntryChunk extends NearChunk {
  kind: Entry['kind'];
  title: string;
  url: string | null;
  entry_body: string;
}

/**
 * CONV-2: what the assistant may answer from for a question: the full-text hits and, when the
 * provider embeds and the knowledge is indexed, the hits by meaning, fused by reciprocal rank
 * (an entry found both ways comes first). Embedding the question failing (limit, provider) leaves
 * the words alone: the reply goes on. `reads` are what `readForRetrieval` read in the caller's
 * transaction; without them they are read here.
 */
export async function retrieveKnowledge(services: Services, workspaceId: string, question: string, recordRefs: AiRecordRef[] = [], limit = 3, reads?: RetrievalReads, options: { deferRecord?: boolean } = {}): Promise<Retrieval> {
  const { db } = services.database;
  const ctx = { workspaceId, userId: null };
  const { byWords, provider, model } = reads ?? (await withTenant(db, ctx, (tx) => readForRetrieval(tx, services, workspaceId, question)));
  let near: NearEntryChunk[] = [];
  let queryCallId: string | null = null;
  let pending: NewAiCall | null = null;
  if (model && provider) {
    try {
      const asked = await questionVector(services, workspaceId, provider, model, question.slice(0, 2_000), recordRefs, options.deferRecord ?? false);
      queryCallId = asked.callId;
      pending = asked.pending ?? null;
      const pgvector = await vectorInstalled(db);
      // The chunks and their entries in one statement.
      near = (
        await withTenant(db, ctx, (tx) =>
          tx.execute<NearEntryChunk>(sql`
            SELECT n.*, e.kind, e.title, e.url, e.body AS entry_body
            FROM (${nearestChunksSql(workspaceId, model, asked.vector, pgvector, 8)}) n
            JOIN knowledge_entries e ON e.workspace_id = ${workspaceId} AND e.id = n.entry_id
            ORDER BY n.similarity DESC, n.entry_id, n.chunk`),
        )
      ).rows;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      services.logger.warn({ err: error.message, workspaceId }, 'knowledge search by meaning unavailable; words only');
    }
  }
  const score = new Map<string, number>();
  const via = new Map<string, Set<'words' | 'meaning'>>();
  const add = (id: string, rank: number, how: 'words' | 'meaning') => {
    score.set(id, (score.get(id) ?? 0) + 1 / (RRF_K + rank));
    via.set(id, (via.get(id) ?? new Set()).add(how));
  };
  byWords.forEach((e, i) => add(e.id, i + 1, 'words'));
  const meaningOrder = [...new Set(near.map((c) => c.entry_id))];
  meaningOrder.forEach((id, i) => add(id, i + 1, 'meaning'));
  const ranked = [...score].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([id]) => id);
  if (!ranked.length) return { hits: [], queryCallId, pending };
  const known = new Map<string, Pick<Entry, 'id' | 'kind' | 'title' | 'url' | 'body'>>(byWords.map((e) => [e.id, e]));
  for (const c of near) if (!known.has(c.entry_id)) known.set(c.entry_id, { id: c.entry_id, kind: c.kind, title: c.title, url: c.url, body: c.entry_body });
  const hits = ranked.flatMap((id): KnowledgeHit[] => {
    const e = known.get(id);
    if (!e) return [];
    const chunks = near.filter((c) => c.entry_id === id).sort((a, b) => a.chunk - b.chunk);
    // A long page gives the model the parts that matched; an FAQ entry (or a page found by its words) all of it.
    const body = e.kind === 'page' && e.body.length > CHUNK_CHARS && chunks.length && !via.get(id)!.has('words') ? chunks.map((c) => c.body.slice(c.body.indexOf('\n') + 1)).join('\n…\n') : e.body;
    return [{ id, kind: e.kind, title: e.title, url: e.url, body, via: [...via.get(id)!] }];
  });
  return { hits, queryCallId, pending };
}
