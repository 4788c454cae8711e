import { foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { memberships, workspaces } from '../workspaces/workspaces.schema';

const ts = (name: string) => timestamp(name, { withTimezone: true });
/** Google Calendar (BOOK-2); Gmail and Outlook as send-only sending accounts (MAIL-1). */
export const connectionProviders = ['google_calendar', 'gmail', 'outlook'] as const;
export type ConnectionProvider = (typeof connectionProviders)[number];
export const connectionStatuses = ['pending', 'connected', 'disconnected', 'failed'] as const;

/**
 * INT-1: a member's OAuth connection to an outside service. Tokens are sealed with the secret
 * box (SEC-2) and never leave the server; a pending connection holds the PKCE verifier (sealed)
 * and the hash of the state it waits for. Disconnecting wipes the tokens, so no call can follow.
 */
export const integrationConnections = pgTable(
  'integration_connections',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    userId: uuid('user_id').notNull(),
    provider: text('provider', { enum: connectionProviders }).notNull(),
    status: text('status', { enum: connectionStatuses }).notNull().default('pending'),
    scopes: text('scopes').array().notNull().default([]),
    accessTokenSealed: text('access_token_sealed'),
    refreshTokenSealed: text('refresh_token_sealed'),
    accessExpiresAt: ts('access_expires_at'),
    stateHash: text('state_hash'),
    verifierSealed: text('verifier_sealed'),
    stateExpiresAt: ts('state_expires_at'),
    lastError: text('last_error'),
    connectedAt: ts('connected_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    uniqueIndex('integration_connections_user_idx').on(t.workspaceId, t.userId, t.provider),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * BOOK-2: a Google Calendar push channel (`events.watch`) for a connection's calendar. Google
 * posts to our webhook with the channel id and the token we gave; only the token's hash is kept.
 * Channels are renewed before they expire and stopped on disconnect.
 */
export const integrationCalendarChannels = pgTable(
  'integration_calendar_channels',
  {
    workspaceId: workspaceIdColumn(),
    /** The channel id Google echoes in `X-Goog-Channel-ID`. */
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    connectionId: uuid('connection_id').notNull(),
    calendarId: text('calendar_id').notNull().default('primary'),
    /** Google's id of the watched resource, needed to stop the channel. */
    resourceId: text('resource_id'),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    lastMessageAt: ts('last_message_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.connectionId], foreignColumns: [integrationConnections.workspaceId, integrationConnections.id] }).onDelete('cascade'),
    index('integration_calendar_channels_connection_idx').on(t.workspaceId, t.connectionId),
    index('integration_calendar_channels_expiry_idx').on(t.expiresAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * BOOK-2: the busy times last read from a connection's calendar, shared by every instance (a
 * restart or another instance reads them too). `busy` is a list of [start, end) pairs in epoch
 * milliseconds over [window_from, window_to). A push notification or Kestrel's own write sets
 * `invalidated_at`; a read is fresh only when it started after that, in the database's clock.
 */
export const integrationCalendarBusy = pgTable(
  'integration_calendar_busy',
  {
    workspaceId: workspaceIdColumn(),
    connectionId: uuid('connection_id').notNull(),
    windowFrom: ts('window_from').notNull(),
    windowTo: ts('window_to').notNull(),
    busy: jsonb('busy').$type<[number, number][]>().notNull().default([]),
    fetchedAt: ts('fetched_at').notNull(),
    invalidatedAt: ts('invalidated_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.connectionId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.connectionId], foreignColumns: [integrationConnections.workspaceId, integrationConnections.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
