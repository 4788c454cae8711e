import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { badRequest, notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { recordAudit } from '../audit';
import { dataProviderDefaultBaseUrls, type DataProvider, type DataProviderKind, type DataProviderState, type SaveDataProviderBody } from './enrichment.contract';
import { dataProviders } from './enrichment.schema';
import type { DataProviderConnection } from './providers/types';

type ProviderRow = typeof dataProviders.$inferSelect;
export type EnrichmentServices = Pick<Services, 'database' | 'secrets'>;

/** Binds a sealed key to its workspace and purpose: a copied ciphertext does not open elsewhere. */
export const dataProviderKeyAad = (workspaceId: string) => `data_provider:${workspaceId}:api_key`;

function present(row: ProviderRow): DataProvider {
  return {
    kind: row.kind,
    baseUrl: row.baseUrl,
    effectiveBaseUrl: row.baseUrl ?? dataProviderDefaultBaseUrls[row.kind],
    apiKeySet: true,
    apiKeyLast4: row.apiKeyLast4,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function getDataProvider(services: EnrichmentServices, ctx: WorkspaceContext): Promise<DataProviderState> {
  const row = await withTenant(services.database.db, ctx, async (tx) => (await tx.select().from(dataProviders).where(eq(dataProviders.workspaceId, ctx.workspaceId)))[0]);
  return { provider: row ? present(row) : null };
}

/**
 * AI-2: sets or changes the workspace's data provider. The key is sealed with the secret box
 * (bound to this workspace); only its last four characters stay readable. Without a new key the
 * stored one is kept. Audited without the key.
 */
export async function saveDataProvider(services: EnrichmentServices, ctx: WorkspaceContext, input: SaveDataProviderBody): Promise<DataProvider> {
  return withTenant(services.database.db, ctx, async (tx) => {
    const [before] = await tx.select().from(dataProviders).where(eq(dataProviders.workspaceId, ctx.workspaceId)).for('update');
    if (!before && input.apiKey === undefined) throw badRequest('validation_failed', 'Enter the API key.', { fields: { apiKey: 'Enter the API key.' }, in: 'body' });
    const key = input.apiKey === undefined ? { apiKeySealed: before!.apiKeySealed, apiKeyLast4: before!.apiKeyLast4 } : { apiKeySealed: services.secrets.box.seal(input.apiKey, dataProviderKeyAad(ctx.workspaceId)), apiKeyLast4: input.apiKey.slice(-4) };
    const values = { kind: input.kind, baseUrl: input.baseUrl ?? null, ...key, updatedByUserId: ctx.userId, updatedAt: new Date() };
    const [row] = await tx.insert(dataProviders).values({ workspaceId: ctx.workspaceId, ...values }).onConflictDoUpdate({ target: dataProviders.workspaceId, set: values }).returning();
    await recordAudit(tx, ctx, {
      action: before ? 'data_provider.updated' : 'data_provider.connected',
      targetType: 'workspace',
      targetId: ctx.workspaceId,
      details: { kind: input.kind, baseUrl: input.baseUrl ?? null, keyChanged: input.apiKey !== undefined },
    });
    return present(row!);
  });
}

/** AI-2: removes the data provider; the sealed key goes with the row. Audited. */
export async function removeDataProvider(services: EnrichmentServices, ctx: WorkspaceContext): Promise<void> {
  await withTenant(services.database.db, ctx, async (tx) => {
    const [row] = await tx.delete(dataProviders).where(eq(dataProviders.workspaceId, ctx.workspaceId)).returning({ kind: dataProviders.kind });
    if (!row) throw notFound('Data provider');
    await recordAudit(tx, ctx, { action: 'data_provider.removed', targetType: 'workspace', targetId: ctx.workspaceId, details: { kind: row.kind } });
  });
}

/** The provider to call, its key opened. Lives only for the look-up; never returned or logged. */
export async function resolveDataProvider(services: EnrichmentServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<({ kind: DataProviderKind } & DataProviderConnection) | null> {
  const row = await withTenant(services.database.db, ctx, async (tx) => (await tx.select().from(dataProviders).where(eq(dataProviders.workspaceId, ctx.workspaceId)))[0]);
  if (!row) return null;
  return { kind: row.kind, baseUrl: row.baseUrl ?? dataProviderDefaultBaseUrls[row.kind], apiKey: services.secrets.box.open(row.apiKeySealed, dataProviderKeyAad(ctx.workspaceId)) };
}

/** Whether the workspace has a data provider, without opening its key (to decide which tools Hunter gets). */
export async function hasDataProvider(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<boolean> {
  const rows = await withTenant(db, ctx, (tx) => tx.select({ kind: dataProviders.kind }).from(dataProviders).where(eq(dataProviders.workspaceId, ctx.workspaceId)));
  return rows.length > 0;
}
