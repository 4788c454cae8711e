import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { recordTypes } from '../crm/crm.contract';
import { memberships, workspaces } from '../workspaces/workspaces.schema';
import { scoringConditionKinds, territoryMatchKinds, type ScoringCondition } from './rules.contract';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** Roles: per-workspace CRM settings. A workspace without a row has the defaults. */
export const crmSettings = pgTable(
  'crm_settings',
  {
    workspaceId: workspaceIdColumn(),
    /** Staff see only the contacts, companies and deals they own (owners and admins still see all). */
    staffOwnRecordsOnly: boolean('staff_own_records_only').notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * Roles: a record shown to a client member (read-only). The membership foreign key removes
 * the share when the person leaves the workspace.
 */
export const recordShares = pgTable(
  'record_shares',
  {
    workspaceId: workspaceIdColumn(),
    recordType: text('record_type', { enum: recordTypes }).notNull(),
    recordId: uuid('record_id').notNull(),
    userId: uuid('user_id').notNull(),
    sharedBy: uuid('shared_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordType, t.recordId, t.userId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.userId], foreignColumns: [memberships.workspaceId, memberships.userId] }).onDelete('cascade'),
    // The visibility filter asks "is this record shared with me?" per row.
    index('record_shares_user_idx').on(t.workspaceId, t.userId, t.recordType, t.recordId),
    check('record_shares_record_type_check', sql`${t.recordType} IN ('contacts', 'companies', 'deals')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-10: a rule of the lead score; a contact's score is the sum of the points of the rules it meets. */
export const scoringRules = pgTable(
  'scoring_rules',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    label: text('label').notNull(),
    kind: text('kind', { enum: scoringConditionKinds }).notNull(),
    /** The condition as validated by the contract (field, operator, value, days, tag). */
    condition: jsonb('condition').$type<ScoringCondition>().notNull(),
    points: integer('points').notNull(),
    position: integer('position').notNull().default(0),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('scoring_rules_position_idx').on(t.workspaceId, t.position),
    check('scoring_rules_points_check', sql`${t.points} BETWEEN -1000 AND 1000`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-10: ordered territory rules; the first that matches a new record's address names its owner. */
export const territoryRules = pgTable(
  'territory_rules',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    name: text('name').notNull(),
    matchKind: text('match_kind', { enum: territoryMatchKinds }).notNull(),
    /** Postal code prefixes, or city, state or country names; any one matches. */
    matchValues: text('match_values').array().notNull(),
    /** Must be a team member; a rule whose owner left is skipped. */
    ownerUserId: uuid('owner_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('territory_rules_position_idx').on(t.workspaceId, t.position),
    check('territory_rules_match_kind_check', sql`${t.matchKind} IN ('postal_prefix', 'city', 'state', 'country')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
