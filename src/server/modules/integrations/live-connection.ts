import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { integrationConnections, type ConnectionProvider } from './integrations.schema';

/**
 * A condition for another module's query: the member in (`workspaceId`, `userId`) — columns of
 * that query — has a live connection to `provider`. Booking filters and flags its hosts with it
 * in the same round trip, without reading this module's tables itself.
 */
export function hasLiveConnection(provider: ConnectionProvider, workspaceId: SQLWrapper, userId: SQLWrapper): SQL<boolean> {
  const c = integrationConnections;
  return sql<boolean>`EXISTS (SELECT 1 FROM ${c} WHERE ${c.workspaceId} = ${workspaceId} AND ${c.userId} = ${userId} AND ${c.provider} = ${provider} AND ${c.status} = 'connected')`;
}
