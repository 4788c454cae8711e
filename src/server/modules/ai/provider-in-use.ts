import { eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { aiProviders } from './ai.schema';

/** PRIV-9: the AI provider a workspace connected itself (kind and, for a compatible server, its host), or null. */
export async function workspaceAiProvider(tx: Tx, workspaceId: string): Promise<{ kind: string; host: string | null } | null> {
  const [row] = await tx.select({ kind: aiProviders.kind, baseUrl: aiProviders.baseUrl }).from(aiProviders).where(eq(aiProviders.workspaceId, workspaceId));
  if (!row) return null;
  let host: string | null = null;
  try {
    host = row.baseUrl ? new URL(row.baseUrl).host : null;
  } catch {
    host = null;
  }
  return { kind: row.kind, host };
}
