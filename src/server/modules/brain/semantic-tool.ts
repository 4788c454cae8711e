import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { canSeeRecord, loadVisibility } from '../crm';
import { toUuidArray } from '../rules/scoring';
import { resolveProvider, type AiServices } from '../ai';
import { defineTool } from '../agents';
import { embeddedTypes, embeddingModelOf, embedTexts, nearestRecordsSql, vectorInstalled, type EmbeddedType } from './semantic';

/**
 * AI-3: the brain's semantic search tool — records nearest in meaning to a question, from the
 * workspace's embeddings — offered only when the database has pgvector, the provider has an
 * embedding model and the workspace has been indexed with it.
 */
export async function semanticSearchReady(services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<{ ready: boolean; model: string | null }> {
  const { db } = services.database;
  if (!(await vectorInstalled(db))) return { ready: false, model: null };
  const provider = await resolveProvider(services, ctx);
  const model = provider ? embeddingModelOf(provider) : null;
  if (!model) return { ready: false, model: null };
  return { ready: await hasEmbeddings(db, ctx, model), model };
}

async function hasEmbeddings(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>, model: string): Promise<boolean> {
  const { rows } = await withTenant(db, ctx, (tx) =>
    tx.execute<{ any: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM record_embeddings WHERE workspace_id = ${ctx.workspaceId} AND model = ${model}) AS any`),
  );
  return rows[0]?.any ?? false;
}

const labels: Record<EmbeddedType, (ws: string, ids: string[]) => SQL> = {
  contacts: (ws, ids) => sql`SELECT id, nullif(trim(concat_ws(' ', first_name, last_name)), '') AS label FROM contacts WHERE workspace_id = ${ws} AND id = ANY(${toUuidArray(ids)}) AND NOT restricted`,
  companies: (ws, ids) => sql`SELECT id, name AS label FROM companies WHERE workspace_id = ${ws} AND id = ANY(${toUuidArray(ids)})`,
  deals: (ws, ids) => sql`SELECT id, name AS label FROM deals WHERE workspace_id = ${ws} AND id = ANY(${toUuidArray(ids)})`,
};

export const semanticSearchTool = defineTool({
  name: 'semantic_search',
  description:
    'Find contacts, companies and deals by meaning rather than exact words (e.g. "customers who run cafés", "deals about catering"). Returns the closest records first; read one with get_record for details.',
  input: z.strictObject({ query: z.string().trim().min(2).max(300), types: z.array(z.enum(['contacts', 'companies', 'deals'])).min(1).max(3).default(['contacts', 'companies', 'deals']) }),
  changes: false,
  async run(input, env) {
    const { db } = env.services.database;
    const { vectors, model } = await embedTexts(env.services, env.ctx, { feature: 'brain:query', runId: env.run.id, texts: [input.query] });
    const types = embeddedTypes.filter((t) => input.types.includes(t));
    const hits = await withTenant(db, env.ctx, async (tx) => {
      const near = (await tx.execute<{ type: EmbeddedType; id: string; distance: number }>(nearestRecordsSql(env.ctx.workspaceId, model, vectors[0]!, types, 20))).rows;
      // What this person may see, and what may be shared with a model (restricted contacts never).
      const visibility = await loadVisibility(tx, env.ctx as WorkspaceContext);
      const out: { type: EmbeddedType; id: string; label: string; distance: number }[] = [];
      for (const type of types) {
        const ids = near.filter((h) => h.type === type).map((h) => h.id);
        if (!ids.length) continue;
        const { rows } = await tx.execute<{ id: string; label: string | null }>(labels[type](env.ctx.workspaceId, ids));
        for (const r of rows) {
          if (!(await canSeeRecord(tx, env.ctx as WorkspaceContext, type, r.id, visibility))) continue;
          out.push({ type, id: r.id, label: r.label ?? '(no name)', distance: near.find((h) => h.type === type && h.id === r.id)!.distance });
        }
      }
      return out.sort((a, b) => a.distance - b.distance).slice(0, 10);
    });
    for (const h of hits) env.records.add(h.type, h.id, h.label);
    const lines = hits.map((h) => `[${h.type}/${h.id}] ${h.label} (closeness ${(1 - h.distance).toFixed(2)})`);
    return { output: lines.length ? lines.join('\n') : 'Nothing close in meaning.', summary: `"${input.query}": ${lines.length} by meaning` };
  },
});
