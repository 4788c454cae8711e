import { foreignKey, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
