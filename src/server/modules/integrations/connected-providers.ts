import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { integrationConnections, type ConnectionProvider } from './integrations.schema';

/** PRIV-9: the outside accounts connected in a workspace right now (Google Calendar …). */
export async function connectedProviders(tx: Tx, workspaceId: string): Promise<ConnectionProvider[]> {
  const rows = await tx
    .selectDistinct({ provider: integrationConnections.provider })
    .from(integrationConnections)
    .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.status, 'connected')));
  return rows.map((r) => r.provider);
}
