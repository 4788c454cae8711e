/**
 * What other modules may use of integrations (INT-1). Connections to outside accounts (Google,
 * Microsoft) live here once: OAuth, sealed tokens, refresh, status, disconnect and revocation.
 * Booking, outreach and privacy reach them through this file only, never through the tables.
 */
export type { ConnectionProvider } from './integrations.schema';

// Booking (BOOK-2): which hosts have a live calendar, their busy times (cached for every instance), and their calendar.
export { hasLiveConnection } from './live-connection';
export { readBusyCache, storeBusy, invalidateMemberBusy, type CachedBusy } from './calendar-channels';
export { GoogleCalendar, type CalendarEventInput } from './providers/google-calendar';

// Outreach (MAIL-1): a member's mailbox connection state and access token for the Gmail/Outlook transports.
export { accessToken, expireAccessToken, connectionStates, disconnect, type ConnectionStatus } from './oauth-connections';

// Privacy (PRIV-3, PRIV-9): what is connected, and every connection of a person or workspace wiped and revoked at the provider.
export { connectedProviders } from './connected-providers';
export { revokeWorkspaceConnections, wipeUserConnections, type WipedConnections } from './revoke-grants';
