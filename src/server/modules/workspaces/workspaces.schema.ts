import { sql } from 'drizzle-orm';
import { foreignKey, index, jsonb, pgPolicy, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { currentUser, currentWorkspace, tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { citext, users } from '../accounts/accounts.schema';

export const roles = ['owner', 'admin', 'staff', 'client'] as const;
export type Role = (typeof roles)[number];

export interface Territory {
  zipCodes: string[];
  cities: string[];
  states: string[];
}

/** WS-1: a business. Its id is the workspace id every tenant row leads with. */
export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    name: text('name').notNull(),
    legalName: text('legal_name'),
    taxId: text('tax_id'),
    category: text('category'),
    addressLine1: text('address_line1'),
    addressLine2: text('address_line2'),
    city: text('city'),
    state: text('state'),
    postalCode: text('postal_code'),
    country: text('country'),
    timeZone: text('time_zone').notNull().default('UTC'),
    currency: text('currency').notNull().default('USD'),
    /** The physical mailing address marketing mail must carry (MAIL-5). */
    mailingAddress: text('mailing_address'),
    territory: jsonb('territory').$type<Territory>().notNull().default({ zipCodes: [], cities: [], states: [] }),
    /** PRIV-3: the owner closed the workspace; it is suspended until reopened or purged. */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** PRIV-3, PRIV-4: the end of the grace period, when the purge job deletes the workspace. */
    purgeAfter: timestamp('purge_after', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Visible when it is the workspace being acted in, or when the acting user is a member (workspace switcher).
    pgPolicy('workspace_visibility', {
      for: 'select',
      using: sql`${t.id} = ${currentWorkspace} OR EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = ${t.id} AND m.user_id = ${currentUser})`,
    }),
    pgPolicy('workspace_write', { for: 'all', using: sql`${t.id} = ${currentWorkspace}`, withCheck: sql`${t.id} = ${currentWorkspace}` }),
  ],
).enableRLS();

/** WS-2: who belongs to a workspace, and as what. */
export const memberships = pgTable(
  'memberships',
  {
    workspaceId: workspaceIdColumn(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: roles }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('memberships_user_idx').on(t.userId),
    pgPolicy('membership_visibility', { for: 'select', using: sql`${t.workspaceId} = ${currentWorkspace} OR ${t.userId} = ${currentUser}` }),
    pgPolicy('membership_write', { for: 'all', using: sql`${t.workspaceId} = ${currentWorkspace}`, withCheck: sql`${t.workspaceId} = ${currentWorkspace}` }),
  ],
).enableRLS();

/** WS-2: email invitations with expiry; the token is stored only as a hash. */
export const invitations = pgTable(
  'invitations',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    email: citext('email').notNull(),
    role: text('role', { enum: roles }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    // OPS-2: unique within the workspace (Citus needs the distribution column in every unique key);
    // the token is 256 random bits, and the link is found by its hash alone through the plain index.
    uniqueIndex('invitations_token_hash_key').on(t.workspaceId, t.tokenHash),
    index('invitations_token_hash_idx').on(t.tokenHash),
    index('invitations_email_idx').on(t.workspaceId, t.email),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
