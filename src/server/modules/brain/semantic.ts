import { performance } from 'node:perf_hooks';
import { embedMany } from 'ai';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { aiCancelled, aiLimitReached, aiNoEmbeddings, aiNotConfigured, aiProviderFailed, aiProviderRateLimited, describeProviderFailure, timedOut } from '../ai/ai-errors';
import type { AiRecordRef } from '../ai/ai.contract';
import { costOf, priceOf } from '../ai/prices';
import { defaultEmbeddingModels, providerEmbeddingModel } from '../ai/providers/embeddings';
import { recordCall, type NewAiCall } from '../ai/record-call';
import { uuidv7 } from 'uuidv7';
import { resolveProvider, type AiServices, type ResolvedProvider } from '../ai';
import { retryingFetch, type AttemptLog } from '../ai/retrying-fetch';
import { limitBreach, limitsSet } from '../ai/usage-limits';

/**
 * AI-3: semantic retrieval. When the provider offers embeddings and the database has the
 * `vector` extension (pgvector; detected, never required), contacts, companies and deals are
 * embedded from a short description each (no emails or phone numbers, restricted contacts
 * never: AI-6), and the brain can ask for the records nearest in meaning to a question.
 * Every embedding request is a recorded AI call (AI-4) and counts against the daily limits.
 */

export type EmbeddedType = 'contacts' | 'companies' | 'deals';
export const embeddedTypes: EmbeddedType[] = ['contacts', 'companies', 'deals'];

/** Texts per embedding request. */
export const EMBED_BATCH = 64;

/** Per database handle: a process with two databases (tests, a second instance) keeps one answer each. */
const vectorCache = new WeakMap<Db, { at: number; installed: boolean }>();

/** Whether pgvector is installed in this database (checked at most once a minute). */
export async function vectorInstalled(db: Db): Promise<boolean> {
  const known = vectorCache.get(db);
  if (known && Date.now() - known.at < 60_000) return known.installed;
  const { rows } = await db.execute<{ installed: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector') AS installed`);
  const installed = rows[0]?.installed ?? false;
  vectorCache.set(db, { at: Date.now(), installed });
  return installed;
}

/** The embedding model a provider is used with, or null when it offers none. */
export function embeddingModelOf(provider: ResolvedProvider): string | null {
  return provider.embeddingModel ?? defaultEmbeddingModels[provider.kind];
}

export interface EmbedRequest {
  /** Shown in AI usage, e.g. `brain:index` or `brain:query`. */
  feature: string;
  runId?: string;
  texts: string[];
  recordRefs?: AiRecordRef[];
  abortSignal?: AbortSignal;
  /** The workspace's provider when the caller has just resolved it (saves a transaction). */
  provider?: ResolvedProvider;
  /**
   * Issue 15: a successful call's record is handed back (`pending`) for the caller to write with
   * its next call's record, in one statement; failures are written at once as always.
   */
  deferRecord?: boolean;
}

/**
 * Embeds texts with the workspace's provider: limits checked first, retries on 429/5xx inside,
 * and the call recorded whatever happens (the texts as the prompt, tokens, cost, latency).
 */
export async function embedTexts(services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, req: EmbedRequest): Promise<{ vectors: number[][]; model: string; callId: string; pending?: NewAiCall }> {
  const provider = req.provider ?? (await resolveProvider(services, ctx));
  if (!provider) throw aiNotConfigured();
  const modelId = embeddingModelOf(provider);
  const log: AttemptLog = { attempts: 0, lastStatus: null };
  const model = modelId ? providerEmbeddingModel({ ...provider, fetch: retryingFetch(services.config.ai.retry, log) }, modelId) : null;
  if (!modelId || !model) throw aiNoEmbeddings(provider.kind);
  const base = {
    feature: req.feature,
    runId: req.runId ?? null,
    providerKind: provider.kind,
    providerSource: provider.source,
    model: modelId,
    prompt: { system: null, messages: req.texts.map((content) => ({ role: 'user', content })) },
    recordRefs: req.recordRefs ?? [],
    streamed: false,
  };
  const { db } = services.database;
  const breach = limitsSet(services.config.ai.limits) ? await withTenant(db, ctx, (tx) => limitBreach(tx, ctx, services.config.ai.limits)) : null;
  if (breach) {
    const callId = await recordCall(db, ctx, { ...base, attempts: 0, outcome: 'limit_exceeded', errorMessage: breach.message });
    throw aiLimitReached(breach.message, { limit: breach.limit, used: breach.used, max: breach.max, callId });
  }
  const started = performance.now();
  const signal = AbortSignal.any([AbortSignal.timeout(services.config.ai.timeoutMs), ...(req.abortSignal ? [req.abortSignal] : [])]);
  let result: Awaited<ReturnType<typeof embedMany>>;
  try {
    result = await embedMany({ model, values: req.texts, maxRetries: 0, abortSignal: signal });
  } catch (error) {
    // As for chat calls: cancelled, rate limited after the retries, or an error the provider gave.
    const cancelled = req.abortSignal?.aborted === true;
    const outcome = cancelled ? 'cancelled' : log.lastStatus === 429 ? 'rate_limited' : 'error';
    const { sentence, message } = cancelled ? { sentence: 'Cancelled before the reply was complete.', message: 'Cancelled before the reply was complete.' }
      : signal.aborted ? timedOut(services.config.ai.timeoutMs)
      : describeProviderFailure(error, provider, modelId, log.lastStatus);
    const callId = await recordCall(db, ctx, { ...base, outcome, errorMessage: message, latencyMs: Math.round(performance.now() - started), attempts: log.attempts });
    throw outcome === 'cancelled' ? aiCancelled(callId) : outcome === 'rate_limited' ? aiProviderRateLimited(callId) : aiProviderFailed(sentence, callId);
  }
  // A provider that reports no usage (Google's embeddings) leaves NaN here: unknown, not a number.
  const tokens = result.usage?.tokens;
  const tokensIn = typeof tokens === 'number' && Number.isFinite(tokens) ? tokens : null;
  const done: NewAiCall = {
    ...base,
    id: uuidv7(),
    outcome: 'ok',
    output: { text: `${result.embeddings.length} embeddings of ${result.embeddings[0]?.length ?? 0} dimensions`, toolCalls: [] },
    tokensIn,
    tokensOut: 0,
    costUsd: costOf(priceOf(modelId, provider.prices, services.config.ai.prices), tokensIn, 0),
    latencyMs: Math.round(performance.now() - started),
    attempts: log.attempts,
  };
  if (req.deferRecord) return { vectors: result.embeddings, model: modelId, callId: done.id!, pending: done };
  const callId = await recordCall(db, ctx, done);
  return { vectors: result.embeddings, model: modelId, callId };
}

const tagsOf = (type: EmbeddedType, alias: string) =>
  sql.raw(`(SELECT string_agg(t.name::text, ', ' ORDER BY t.name) FROM record_tags rt JOIN tags t ON t.workspace_id = rt.workspace_id AND t.id = rt.tag_id
    WHERE rt.workspace_id = ${alias}.workspace_id AND rt.record_type = '${type}' AND rt.record_id = ${alias}.id)`);

/**
 * The description each record is embedded from, built in SQL so that changes are found by
 * comparing hashes without reading records into Node. No emails, phones or custom values; a
 * deal whose contact is restricted does not name them; restricted contacts have no row here.
 */
const descriptions: Record<EmbeddedType, (ws: string, after: string | null, limit: number) => SQL> = {
  contacts: (ws, after, limit) => sql`
    SELECT c.id, concat_ws('; ', 'Contact: ' || nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.title, 'at ' || co.name,
      nullif(concat_ws(', ', c.city, c.state, c.country), ''), 'lifecycle ' || c.lifecycle, 'source ' || c.source, 'tags ' || ${tagsOf('contacts', 'c')}) AS text
    FROM contacts c LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id
    WHERE c.workspace_id = ${ws} AND NOT c.restricted ${after ? sql`AND c.id > ${after}` : sql``}
    ORDER BY c.id LIMIT ${limit}`,
  companies: (ws, after, limit) => sql`
    SELECT co.id, concat_ws('; ', 'Company: ' || co.name, co.industry, 'size ' || co.size, co.domain,
      nullif(concat_ws(', ', co.city, co.state, co.country), ''), 'tags ' || ${tagsOf('companies', 'co')}) AS text
    FROM companies co
    WHERE co.workspace_id = ${ws} ${after ? sql`AND co.id > ${after}` : sql``}
    ORDER BY co.id LIMIT ${limit}`,
  deals: (ws, after, limit) => sql`
    SELECT d.id, concat_ws('; ', 'Deal: ' || d.name, 'stage ' || s.name, d.status, d.amount::text || ' ' || d.currency,
      'company ' || co.name, 'contact ' || CASE WHEN c.restricted THEN NULL ELSE nullif(trim(concat_ws(' ', c.first_name, c.last_name)), '') END,
      'lost because ' || d.lost_reason, 'tags ' || ${tagsOf('deals', 'd')}) AS text
    FROM deals d
      JOIN pipeline_stages s ON s.workspace_id = d.workspace_id AND s.id = d.stage_id
      LEFT JOIN companies co ON co.workspace_id = d.workspace_id AND co.id = d.company_id
      LEFT JOIN contacts c ON c.workspace_id = d.workspace_id AND c.id = d.contact_id
    WHERE d.workspace_id = ${ws} ${after ? sql`AND d.id > ${after}` : sql``}
    ORDER BY d.id LIMIT ${limit}`,
};

interface Described extends Record<string, unknown> {
  id: string;
  text: string;
  hash: string;
  stored: string | null;
}

/** One page of a type's records with their description, its hash, and the hash embedded last (if the model matches). */
async function describePage(tx: Tx, ws: string, type: EmbeddedType, model: string, after: string | null, limit: number): Promise<Described[]> {
  const { rows } = await tx.execute<Described>(sql`
    SELECT r.id, r.text, md5(r.text) AS hash, e.content_hash AS stored
    FROM (${descriptions[type](ws, after, limit)}) r
    LEFT JOIN record_embeddings e ON e.workspace_id = ${ws} AND e.record_type = ${type} AND e.record_id = r.id AND e.model = ${model}
    ORDER BY r.id`);
  return rows;
}

export interface IndexProgress {
  type: EmbeddedType;
  after: string | null;
}

export interface IndexResult {
  embedded: number;
  unchanged: number;
  removed: number;
  /** Where to carry on, or null when every type has been walked to the end. */
  next: IndexProgress | null;
}

/**
 * Walks the workspace's records in id order from `from`, embedding those whose description
 * changed since they were last embedded (or never were), at most `maxEmbeds` per call; then
 * removes embeddings of records that are gone or restricted, and of another model.
 */
export async function indexWorkspace(services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, from: IndexProgress | null, maxEmbeds = 2_000): Promise<IndexResult> {
  const { db } = services.database;
  const provider = await resolveProvider(services, ctx);
  if (!provider) throw aiNotConfigured();
  const model = embeddingModelOf(provider);
  if (!model) throw aiNoEmbeddings(provider.kind);
  const result: IndexResult = { embedded: 0, unchanged: 0, removed: 0, next: null };
  let at: IndexProgress | null = from ?? { type: embeddedTypes[0]!, after: null };
  while (at && result.embedded < maxEmbeds) {
    const page = await withTenant(db, ctx, (tx) => describePage(tx, ctx.workspaceId, at!.type, model, at!.after, EMBED_BATCH));
    const changed = page.filter((r) => r.stored !== r.hash);
    result.unchanged += page.length - changed.length;
    if (changed.length) {
      const type = at.type;
      const { vectors } = await embedTexts(services, ctx, { feature: 'brain:index', texts: changed.map((r) => r.text), recordRefs: changed.map((r) => ({ type, id: r.id })) });
      await withTenant(db, ctx, (tx) =>
        tx.execute(sql`
          INSERT INTO record_embeddings (workspace_id, record_type, record_id, model, content_hash, embedding, updated_at)
          SELECT ${ctx.workspaceId}, ${type}, u.id, ${model}, u.hash, ARRAY(SELECT x::real FROM jsonb_array_elements_text(u.v) WITH ORDINALITY AS t(x, i) ORDER BY i), now()
          FROM jsonb_to_recordset(${JSON.stringify(changed.map((r, i) => ({ id: r.id, hash: r.hash, v: vectors[i] })))}::jsonb) AS u(id uuid, hash text, v jsonb)
          ON CONFLICT (workspace_id, record_type, record_id) DO UPDATE
            SET model = EXCLUDED.model, content_hash = EXCLUDED.content_hash, embedding = EXCLUDED.embedding, updated_at = now()`),
      );
      result.embedded += changed.length;
    }
    if (page.length === EMBED_BATCH) at = { type: at.type, after: page[page.length - 1]!.id };
    else {
      const i = embeddedTypes.indexOf(at.type);
      at = i + 1 < embeddedTypes.length ? { type: embeddedTypes[i + 1]!, after: null } : null;
    }
  }
  result.next = at;
  if (!at) {
    const { rowCount } = await withTenant(db, ctx, (tx) =>
      tx.execute(sql`
        DELETE FROM record_embeddings e WHERE e.workspace_id = ${ctx.workspaceId} AND (e.model <> ${model}
          OR (e.record_type = 'contacts' AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = e.workspace_id AND c.id = e.record_id AND NOT c.restricted))
          OR (e.record_type = 'companies' AND NOT EXISTS (SELECT 1 FROM companies c WHERE c.workspace_id = e.workspace_id AND c.id = e.record_id))
          OR (e.record_type = 'deals' AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.workspace_id = e.workspace_id AND d.id = e.record_id)))`),
    );
    result.removed = rowCount ?? 0;
  }
  return result;
}

/**
 * The records nearest in meaning to a query vector (cosine distance), best first. Needs
 * pgvector: the stored real[] is cast to `vector` here, which also checks the dimensions match.
 */
export function nearestRecordsSql(ws: string, model: string, query: number[], types: EmbeddedType[], limit: number): SQL {
  if (!types.length) throw new Error('nearestRecordsSql needs at least one record type');
  const q = `[${query.join(',')}]`;
  // A stored zero vector has no direction: its distance is NaN, and it is left out.
  return sql`
    SELECT type, id, distance FROM (
      SELECT e.record_type AS type, e.record_id AS id, (e.embedding::vector <=> ${q}::vector) AS distance
      FROM record_embeddings e
      WHERE e.workspace_id = ${ws} AND e.model = ${model} AND e.record_type IN ${types}
    ) near
    WHERE distance <> 'NaN'::float8
    ORDER BY distance, id
    LIMIT ${limit}`;
}
