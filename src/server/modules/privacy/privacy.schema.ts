import { check, foreignKey, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';

/**
 * PRIV-3: people erased from a workspace who must not be mailed or messaged again. Only the
 * sha256 of the normalised address or number is kept, never the address itself; outreach asks
 * `isSuppressed` before it sends.
 */
export const privacySuppressions = pgTable(
  'privacy_suppressions',
  {
    workspaceId: workspaceIdColumn(),
    kind: text('kind').$type<'email' | 'phone'>().notNull(),
    /** Hex sha256 of the normalised value (see suppression.ts). */
    hash: text('hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.kind, t.hash] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('privacy_suppressions_kind_check', sql`${t.kind} IN ('email', 'phone')`),
    check('privacy_suppressions_hash_check', sql`${t.hash} ~ '^[0-9a-f]{64}$'`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
