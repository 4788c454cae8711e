import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import type { AiProvider, AiProviderState, saveAiProviderBody } from './ai.contract';
import { aiProviders } from './ai.schema';
import { apiKeyAad, type AiServices } from './resolve-provider';

type ProviderRow = typeof aiProviders.$inferSelect;

export function presentProvider(row: ProviderRow): AiProvider {
  return {
    kind: row.kind,
    baseUrl: row.baseUrl,
    model: row.model,
    embeddingModel: row.embeddingModel ?? null,
    apiKeySet: row.apiKeySealed !== null,
    apiKeyLast4: row.apiKeyLast4,
    prices: row.prices ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** AI-1: the workspace's provider (key never included), the operator's, and which one is used. */
export async function getProviderState(services: AiServices, ctx: WorkspaceContext): Promise<AiProviderState> {
  const row = await withTenant(services.database.db, ctx, async (tx) => (await tx.select().from(aiProviders).where(eq(aiProviders.workspaceId, ctx.workspaceId)))[0]);
  const operator = services.config.ai.operator;
  return {
    workspace: row ? presentProvider(row) : null,
    operator: operator ? { kind: operator.kind, model: operator.model } : null,
    active: row ? 'workspace' : operator ? 'operator' : null,
  };
}

/**
 * AI-1: connects or changes the workspace's provider. The key is sealed with the secret box
 * (bound to this workspace) and only its last four characters are kept readable. Changing the
 * kind or base URL without a new key keeps the old one: a key is never sent back to be re-entered.
 * Audited without the key.
 */
export async function saveProvider(services: AiServices, ctx: WorkspaceContext, input: z.output<typeof saveAiProviderBody>): Promise<AiProvider> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const [before] = await tx.select().from(aiProviders).where(eq(aiProviders.workspaceId, ctx.workspaceId)).for('update');
    const key =
      input.apiKey === undefined ? { apiKeySealed: before?.apiKeySealed ?? null, apiKeyLast4: before?.apiKeyLast4 ?? null }
      : input.apiKey === null ? { apiKeySealed: null, apiKeyLast4: null }
      : { apiKeySealed: services.secrets.box.seal(input.apiKey, apiKeyAad(ctx.workspaceId)), apiKeyLast4: input.apiKey.slice(-4) };
    const values = {
      kind: input.kind,
      baseUrl: input.baseUrl ?? null,
      model: input.model,
      // Changing the provider's kind drops an embedding model named for the old one.
      embeddingModel: input.embeddingModel === undefined ? (before && before.kind === input.kind ? before.embeddingModel : null) : input.embeddingModel,
      prices: input.prices === undefined ? (before?.prices ?? null) : input.prices,
      ...key,
      updatedByUserId: ctx.userId,
      updatedAt: new Date(),
    };
    const [row] = await tx
      .insert(aiProviders)
      .values({ workspaceId: ctx.workspaceId, ...values })
      .onConflictDoUpdate({ target: aiProviders.workspaceId, set: values })
      .returning();
    await recordAudit(tx, ctx, {
      action: before ? 'ai_provider.updated' : 'ai_provider.connected',
      targetType: 'workspace',
      targetId: ctx.workspaceId,
      details: { kind: input.kind, model: input.model, baseUrl: input.baseUrl ?? null, keyChanged: input.apiKey !== undefined },
    });
    return presentProvider(row!);
  });
}

/** AI-1: disconnects the workspace's provider; the sealed key goes with the row. Audited. */
export async function removeProvider(services: AiServices, ctx: WorkspaceContext): Promise<void> {
  await withTenant(services.database.db, ctx, async (tx) => {
    const [row] = await tx.delete(aiProviders).where(eq(aiProviders.workspaceId, ctx.workspaceId)).returning({ kind: aiProviders.kind });
    if (!row) throw notFound('AI provider');
    await recordAudit(tx, ctx, { action: 'ai_provider.removed', targetType: 'workspace', targetId: ctx.workspaceId, details: { kind: row.kind } });
  });
}
