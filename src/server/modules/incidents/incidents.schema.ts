import { foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';

/**
 * PRIV-6: a personal-data breach, as the law asks it recorded: when it was found, what happened,
 * whose data and which kinds, what was done, and when the people affected were told.
 */
export const breachIncidents = pgTable(
  'breach_incidents',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    title: text('title').notNull(),
    discoveredAt: timestamp('discovered_at', { withTimezone: true }).notNull(),
    nature: text('nature').notNull(),
    consequences: text('consequences').notNull().default(''),
    measures: text('measures').notNull().default(''),
    guidance: text('guidance').notNull().default(''),
    contactPoint: text('contact_point').notNull(),
    /** Data registry tables whose kinds of data were involved. */
    categories: jsonb('categories').$type<string[]>().notNull().default([]),
    /** `all_users`: every member of the workspace; `selected`: the users and contacts listed. */
    scopeKind: text('scope_kind', { enum: ['all_users', 'selected'] }).notNull().default('selected'),
    userIds: jsonb('user_ids').$type<string[]>().notNull().default([]),
    contactIds: jsonb('contact_ids').$type<string[]>().notNull().default([]),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    notifiedCount: integer('notified_count'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('breach_incidents_discovered_idx').on(t.workspaceId, t.discoveredAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
