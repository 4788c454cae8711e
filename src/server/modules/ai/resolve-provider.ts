import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { Services } from '../../platform/services';
import type { AiProviderKind, AiProviderSource, PriceTable } from './ai.contract';
import { aiProviders } from './ai.schema';

export type AiServices = Pick<Services, 'config' | 'database' | 'secrets' | 'logger'>;

/** The provider a call goes to, its key opened. Lives only for the call; never returned or logged. */
export interface ResolvedProvider {
  source: AiProviderSource;
  kind: AiProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  /** AI-3: the embedding model named for this provider, if any (else the kind's default). */
  embeddingModel: string | null;
  prices: PriceTable | null;
}

/** Binds a sealed key to its workspace: a copied ciphertext does not open elsewhere. */
export const apiKeyAad = (workspaceId: string) => `ai_provider:${workspaceId}:api_key`;

export async function readWorkspaceProvider(db: Db, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>) {
  return withTenant(db, ctx, (tx) => providerRow(tx, ctx));
}

const providerRow = async (tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>) => (await tx.select().from(aiProviders).where(eq(aiProviders.workspaceId, ctx.workspaceId)))[0] ?? null;

/** AI-1: the workspace's own provider first, then the operator's, else none (AI-8). */
export async function resolveProvider(services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<ResolvedProvider | null> {
  return withTenant(services.database.db, ctx, (tx) => resolveProviderIn(tx, services, ctx));
}

/** `resolveProvider` inside a tenant transaction the caller has open. */
export async function resolveProviderIn(tx: Tx, services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<ResolvedProvider | null> {
  const row = await providerRow(tx, ctx);
  if (row) {
    return {
      source: 'workspace',
      kind: row.kind,
      baseUrl: row.baseUrl,
      apiKey: row.apiKeySealed ? services.secrets.box.open(row.apiKeySealed, apiKeyAad(ctx.workspaceId)) : null,
      model: row.model,
      embeddingModel: row.embeddingModel ?? null,
      prices: row.prices ?? null,
    };
  }
  const operator = services.config.ai.operator;
  if (operator) return { source: 'operator', ...operator, prices: null };
  return null;
}
