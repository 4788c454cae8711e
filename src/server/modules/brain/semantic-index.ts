import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { AppError } from '../../platform/http/errors';
import { defineJob, enqueue } from '../../platform/jobs/jobs';
import { aiNoEmbeddings, aiNotConfigured } from '../ai/ai-errors';
import { resolveProvider, type AiServices } from '../ai';
import { recordAudit } from '../audit';
import type { SemanticIndex } from './brain.contract';
import { semanticIndexState } from './embeddings.schema';
import { embeddedTypes, embeddingModelOf, indexWorkspace, vectorInstalled, type IndexProgress } from './semantic';

/** Records embedded per job run: each run is short, so a restart loses little and other jobs get their turn. */
const EMBEDS_PER_RUN = 512;

export const noVectorExtension = () =>
  new AppError(
    'brain_no_vector',
    409,
    'This database has no pgvector extension, so records cannot be searched by meaning. Keyword and fuzzy search still work; an administrator can install pgvector (CREATE EXTENSION vector) to turn semantic search on.',
  );

const jobKey = (workspaceId: string) => `brain-semantic-index:${workspaceId}`;

/** Records an index run walks: every company and deal, and contacts that are not restricted (AI-6). */
async function countIndexable(tx: Tx, ws: string): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    SELECT (SELECT count(*) FROM contacts WHERE workspace_id = ${ws} AND NOT restricted)
      + (SELECT count(*) FROM companies WHERE workspace_id = ${ws})
      + (SELECT count(*) FROM deals WHERE workspace_id = ${ws}) AS n`);
  return Number(rows[0]?.n ?? 0);
}

export async function readSemanticIndex(tx: Tx, ws: string): Promise<SemanticIndex | null> {
  const [row] = await tx.select().from(semanticIndexState).where(eq(semanticIndexState.workspaceId, ws));
  if (!row) return null;
  return {
    state: row.state,
    model: row.model,
    total: row.total,
    walked: row.walked,
    embedded: row.embedded,
    error: row.error,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/**
 * AI-3: an owner or admin starts (or restarts) indexing the workspace's records for semantic
 * search. Refused with a reason when the database has no pgvector or the provider no embeddings;
 * a run already queued or under way is not started twice.
 */
export async function startSemanticIndex(services: AiServices, ctx: WorkspaceContext): Promise<SemanticIndex> {
  const { db } = services.database;
  if (!(await vectorInstalled(db))) throw noVectorExtension();
  const provider = await resolveProvider(services, ctx);
  if (!provider) throw aiNotConfigured();
  const model = embeddingModelOf(provider);
  if (!model) throw aiNoEmbeddings(provider.kind);
  return withTenant(db, ctx, async (tx) => {
    const current = await readSemanticIndex(tx, ctx.workspaceId);
    if (current && (current.state === 'queued' || current.state === 'running')) return current;
    await queueIndex(tx, ctx.workspaceId, model, ctx.userId);
    await recordAudit(tx, ctx, { action: 'brain.semantic_index.start', targetType: 'workspace', targetId: ctx.workspaceId, details: { model } });
    return (await readSemanticIndex(tx, ctx.workspaceId))!;
  });
}

async function queueIndex(tx: Tx, ws: string, model: string, requestedBy: string | null): Promise<void> {
  const total = await countIndexable(tx, ws);
  const fresh = { model, state: 'queued' as const, total, walked: 0, embedded: 0, error: null, requestedBy, startedAt: new Date(), finishedAt: null };
  await tx.insert(semanticIndexState).values({ workspaceId: ws, ...fresh }).onConflictDoUpdate({ target: semanticIndexState.workspaceId, set: fresh });
  await enqueue(tx, semanticIndexJob, { workspaceId: ws, userId: requestedBy, from: null }, { workspaceId: ws, jobKey: jobKey(ws) });
}

const progressSchema = z.object({ type: z.enum(embeddedTypes as [string, ...string[]]), after: z.uuid().nullable() }).nullable();

/**
 * AI-3: embeds a slice of the workspace's records and queues the next slice, keeping the
 * progress row up to date; ends done, or failed with the reason (a limit reached, the provider
 * refusing), which the status shows. The embedding calls are recorded like every AI call.
 */
export const semanticIndexJob = defineJob({
  name: 'brain_semantic_index',
  version: 1,
  payload: z.object({ workspaceId: z.uuid(), userId: z.uuid().nullable(), from: progressSchema }),
  maxAttempts: 3,
  async run({ workspaceId, userId, from }, services) {
    const { db } = services.database;
    const ctx = { workspaceId, userId };
    const update = (set: Partial<typeof semanticIndexState.$inferInsert>) =>
      withTenant(db, ctx, (tx) => tx.update(semanticIndexState).set(set).where(eq(semanticIndexState.workspaceId, workspaceId)));
    await update({ state: 'running', error: null, finishedAt: null });
    try {
      const result = await indexWorkspace(services, ctx, from as IndexProgress | null, EMBEDS_PER_RUN);
      await withTenant(db, ctx, async (tx) => {
        const walked = sql`${semanticIndexState.walked} + ${result.embedded + result.unchanged}`;
        const embedded = sql`${semanticIndexState.embedded} + ${result.embedded}`;
        if (result.next) {
          await tx.update(semanticIndexState).set({ walked, embedded }).where(eq(semanticIndexState.workspaceId, workspaceId));
          await enqueue(tx, semanticIndexJob, { workspaceId, userId, from: result.next }, { workspaceId, jobKey: jobKey(workspaceId) });
        } else {
          await tx.update(semanticIndexState).set({ walked, embedded, state: 'done', finishedAt: new Date() }).where(eq(semanticIndexState.workspaceId, workspaceId));
        }
      });
    } catch (error) {
      // The run is failed with its reason either way: a reason a person can act on (limit reached,
      // provider refused) ends it; anything else is retried by the worker, whose retry marks it
      // running again — so a run out of retries is never left looking busy, which would also
      // keep an owner from starting it again.
      // Only an AppError's message is meant for people; anything else (a database error quotes
      // its statement and values) stays in the worker's log.
      const known = error instanceof AppError;
      const reason = known ? error.message.slice(0, 1000) : 'Indexing stopped on an unexpected error; it is tried again in a moment.';
      await update({ state: 'failed', error: reason, finishedAt: new Date() });
      if (!known) throw error;
    }
  },
});

/**
 * AI-3: records change every day, so workspaces that were indexed are walked again each night;
 * only records whose description changed are embedded again. Spans workspaces, hence the
 * system connection just to find them.
 */
export const semanticIndexRefreshJob = defineJob({
  name: 'brain_semantic_index_refresh',
  version: 1,
  payload: z.object({}),
  cron: '41 2 * * *',
  async run(_payload, services) {
    if (!(await vectorInstalled(services.database.db))) return;
    const { rows } = await services.database.system.execute<{ workspace_id: string }>(sql`SELECT workspace_id FROM semantic_index_state WHERE state IN ('done', 'failed')`);
    for (const { workspace_id: workspaceId } of rows) {
      const ctx = { workspaceId, userId: null };
      const provider = await resolveProvider(services, ctx).catch(() => null);
      const model = provider ? embeddingModelOf(provider) : null;
      if (!model) continue;
      await withTenant(services.database.db, ctx, (tx) => queueIndex(tx, workspaceId, model, null));
    }
  },
});
