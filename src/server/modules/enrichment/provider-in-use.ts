import { eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { dataProviders } from './enrichment.schema';

/** PRIV-9: the data provider Hunter enriches through in this workspace, or null. */
export async function workspaceDataProvider(tx: Tx, workspaceId: string): Promise<string | null> {
  const [row] = await tx.select({ kind: dataProviders.kind }).from(dataProviders).where(eq(dataProviders.workspaceId, workspaceId));
  return row?.kind ?? null;
}
