import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { recordTypes } from '../crm/crm.contract';
import { workspaces } from '../workspaces/workspaces.schema';
import type { ViewDefinition } from './views.contract';

/**
 * CRM-6: saved views. A personal view is seen only by its creator; a shared one by the whole
 * team. The definition is checked again each time it runs: custom fields may have changed.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    /** The creator. A deleted account's shared views stay (managers can still edit them). */
    ownerUserId: uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' }),
    object: text('object', { enum: recordTypes }).notNull(),
    name: text('name').notNull(),
    shared: boolean('shared').notNull().default(false),
    definition: jsonb('definition').$type<ViewDefinition>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('saved_views_name_key').on(t.workspaceId, t.ownerUserId, t.object, t.name),
    index('saved_views_object_idx').on(t.workspaceId, t.object),
    check('saved_views_object_check', sql`${t.object} IN ('contacts', 'companies', 'deals')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
