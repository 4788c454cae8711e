import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { readInTenant, withTenant, type WorkspaceContext } from '../../platform/db/tenant';
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

type ProviderRow = Pick<typeof aiProviders.$inferSelect, 'kind' | 'baseUrl' | 'apiKeySealed' | 'model' | 'embeddingModel' | 'prices'>;

/**
 * AI-1: the workspace's own provider first, then the operator's, else none (AI-8).
 * Issue 14: the row is read in one round trip (`readInTenant`: the scope and the read in one
 * implicit transaction), not three (BEGIN with the scope, the read, COMMIT).
 */
export async function resolveProvider(services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<ResolvedProvider | null> {
  const [row] = await readInTenant<ProviderRow>(services.database.db, ctx, {
    // Only the checked workspace id goes into the text (readInTenant); jsonb arrives parsed.
    text: (workspaceId) =>
      `SELECT kind, base_url AS "baseUrl", api_key_sealed AS "apiKeySealed", model, embedding_model AS "embeddingModel", prices FROM ai_providers WHERE workspace_id = '${workspaceId}'`,
    fallback: async (tx) => {
      const found = await providerRow(tx, ctx);
      return found ? [found] : [];
    },
  });
  return fromRow(services, ctx, row ?? null);
}

/** `resolveProvider` inside a tenant transaction the caller has open. */
export async function resolveProviderIn(tx: Tx, services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId' | 'userId'>): Promise<ResolvedProvider | null> {
  return fromRow(services, ctx, await providerRow(tx, ctx));
}

function fromRow(services: AiServices, ctx: Pick<WorkspaceContext, 'workspaceId'>, row: ProviderRow | null): ResolvedProvider | null {
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
