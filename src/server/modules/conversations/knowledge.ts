import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { conflict, notFound } from '../../platform/http/errors';
import type { knowledgeBody, knowledgePatch } from './conversations.contract';
import { knowledgeEntries } from './conversations.schema';
import { fetchPage } from './fetch-page';
import { meaningState, queueKnowledgeIndex } from './knowledge-meaning';
import type { Services } from '../../platform/services';
import { resolveProvider } from '../ai';
import { embeddingModelOf } from '../brain/semantic';
import { announceChange, KNOWLEDGE_CHANGED } from './workspace-cache';

/** An entry as the app reads it: everything but the parsed words (`search`), which stay in the database. */
export const entryColumns = {
  workspaceId: knowledgeEntries.workspaceId,
  id: knowledgeEntries.id,
  kind: knowledgeEntries.kind,
  title: knowledgeEntries.title,
  body: knowledgeEntries.body,
  url: knowledgeEntries.url,
  productId: knowledgeEntries.productId,
  createdAt: knowledgeEntries.createdAt,
  updatedAt: knowledgeEntries.updatedAt,
};
export type KnowledgeEntry = Omit<typeof knowledgeEntries.$inferSelect, 'search'>;
type Entry = KnowledgeEntry;
const present = (e: Entry, indexed = false) => ({ id: e.id, kind: e.kind, title: e.title, body: e.body, url: e.url, updatedAt: e.updatedAt.toISOString(), indexedByMeaning: indexed });

/**
 * CONV-2: the knowledge, each entry saying whether it is indexed by meaning yet, and whether the
 * workspace's provider can index by meaning at all (and with which model).
 */
export async function listKnowledge(services: Services, ctx: WorkspaceContext) {
  const provider = await resolveProvider(services, ctx);
  const model = provider ? embeddingModelOf(provider) : null;
  return withTenant(services.database.db, ctx, async (tx) => {
    const rows = await tx.select(entryColumns).from(knowledgeEntries).where(eq(knowledgeEntries.workspaceId, ctx.workspaceId)).orderBy(desc(knowledgeEntries.updatedAt)).limit(500);
    const state = model ? await meaningState(tx, ctx.workspaceId) : new Map<string, boolean>();
    return {
      items: rows.map((r) => present(r, state.get(r.id) ?? false)),
      meaning: { available: !!model, model, reason: model ? null : provider ? 'The AI provider offers no embedding model: the assistant finds knowledge by its words only.' : 'No AI provider is set up: the assistant finds knowledge by its words only.' },
    };
  });
}

export async function createKnowledge(db: Db, ctx: WorkspaceContext, input: z.infer<typeof knowledgeBody>) {
  return withTenant(db, ctx, async (tx) => {
    const [row] = await tx.insert(knowledgeEntries).values({ workspaceId: ctx.workspaceId, kind: input.kind, title: input.title, body: input.body, url: input.url ?? null }).returning(entryColumns);
    await queueKnowledgeIndex(tx, ctx.workspaceId);
    return present(row!);
  });
}

/** CONV-2: a page of the owner's site, fetched from its address (SSRF-guarded) and stored as knowledge. */
export async function addPageFromUrl(db: Db, ctx: WorkspaceContext, url: string, allowPrivate: boolean) {
  const page = await fetchPage(url, allowPrivate);
  return createKnowledge(db, ctx, { kind: 'page', title: page.title, body: page.text, url: page.url });
}

/** CONV-2: an entry written from an invoicing product changes with the product, not here. */
async function refuseProductEntry(tx: Tx, workspaceId: string, id: string): Promise<void> {
  const [row] = await tx.select({ kind: knowledgeEntries.kind }).from(knowledgeEntries).where(and(eq(knowledgeEntries.workspaceId, workspaceId), eq(knowledgeEntries.id, id)));
  if (row?.kind === 'product') throw conflict('product_entry', 'This entry is written from Invoicing → Products: change the product there.');
}

/**
 * CONV-2: a product the business sells (invoicing's products), as knowledge the assistant answers
 * from: written, or rewritten when its text changed, by invoicing's product use cases in their own
 * transaction. `title` and `body` are the product as a visitor may be told it (invoicing words its price).
 */
export async function setProductKnowledge(tx: Tx, workspaceId: string, product: { productId: string; title: string; body: string }): Promise<void> {
  const changed = await tx
    .insert(knowledgeEntries)
    .values({ workspaceId, kind: 'product', productId: product.productId, title: product.title, body: product.body })
    .onConflictDoUpdate({
      target: [knowledgeEntries.workspaceId, knowledgeEntries.productId],
      set: { title: product.title, body: product.body, updatedAt: sql`now()` },
      setWhere: sql`(${knowledgeEntries.title}, ${knowledgeEntries.body}) IS DISTINCT FROM (excluded.title, excluded.body)`,
    })
    .returning({ id: knowledgeEntries.id });
  if (changed.length) await queueKnowledgeIndex(tx, workspaceId);
}

export async function updateKnowledge(db: Db, ctx: WorkspaceContext, id: string, input: z.infer<typeof knowledgePatch>) {
  return withTenant(db, ctx, async (tx) => {
    await refuseProductEntry(tx, ctx.workspaceId, id);
    const [row] = await tx
      .update(knowledgeEntries)
      .set({ ...input, updatedAt: sql`now()` })
      .where(and(eq(knowledgeEntries.workspaceId, ctx.workspaceId), eq(knowledgeEntries.id, id)))
      .returning(entryColumns);
    if (!row) throw notFound('Knowledge entry');
    await queueKnowledgeIndex(tx, ctx.workspaceId);
    return present(row);
  });
}

export async function deleteKnowledge(services: Pick<Services, 'database' | 'realtime'>, ctx: WorkspaceContext, id: string) {
  return withTenant(services.database.db, ctx, async (tx) => {
    await refuseProductEntry(tx, ctx.workspaceId, id);
    const gone = await tx.delete(knowledgeEntries).where(and(eq(knowledgeEntries.workspaceId, ctx.workspaceId), eq(knowledgeEntries.id, id))).returning({ id: knowledgeEntries.id });
    if (!gone.length) throw notFound('Knowledge entry');
    // Its chunks went with it (issue 15: instances forget what they knew of the index).
    await announceChange(services, tx, ctx.workspaceId, KNOWLEDGE_CHANGED);
  });
}

/** Words that say nothing about what a visitor wants to know. */
const STOP = new Set(
  'a an and are as at be but by can could do does for from had has have how i if in is it its me much my no not of on or our please should so than that the their them then there these they this to us was we what when where which who why will with would you your hi hello thanks thank tell know want need'.split(' '),
);

/**
 * CONV-2: a simple ranked text search over the workspace's knowledge (title and text, any word,
 * by prefix), best first. Good enough for a few dozen FAQ entries and pages; what it finds is
 * what the assistant may say, and each hit becomes a shown source.
 */
export async function searchKnowledge(tx: Tx, workspaceId: string, question: string, limit = 3): Promise<Entry[]> {
  const words = [...new Set((question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 1 && !STOP.has(w)))].slice(0, 20);
  if (!words.length) return [];
  const query = words.map((w) => `${w}:*`).join(' | ');
  const q = sql`to_tsquery('simple', ${query})`;
  return tx
    .select(entryColumns)
    .from(knowledgeEntries)
    .where(and(eq(knowledgeEntries.workspaceId, workspaceId), sql`${knowledgeEntries.search} @@ ${q}`))
    .orderBy(sql`ts_rank(${knowledgeEntries.search}, ${q}) DESC`, desc(knowledgeEntries.updatedAt))
    .limit(limit);
}
