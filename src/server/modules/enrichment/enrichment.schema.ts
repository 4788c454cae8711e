import { sql } from 'drizzle-orm';
import { check, foreignKey, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import { dataProviderKinds } from './enrichment.contract';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * AI-2: the data provider Hunter enriches contacts through (one per workspace). The key is
 * sealed with the secret box, bound to this workspace; only its last four characters are kept
 * in the clear (as for AI provider keys, AI-1).
 */
export const dataProviders = pgTable(
  'data_providers',
  {
    workspaceId: workspaceIdColumn(),
    kind: text('kind', { enum: dataProviderKinds }).notNull(),
    /** An override of the provider's own address (a proxy, a test server). */
    baseUrl: text('base_url'),
    apiKeySealed: text('api_key_sealed').notNull(),
    apiKeyLast4: text('api_key_last4').notNull(),
    updatedByUserId: uuid('updated_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('data_providers_kind_check', sql.raw(`kind IN (${dataProviderKinds.map((k) => `'${k}'`).join(', ')})`)),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
