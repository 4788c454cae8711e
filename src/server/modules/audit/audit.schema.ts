import { foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { workspaces } from '../workspaces/workspaces.schema';

/** WS-4: security- and data-relevant actions. Append-only; read by owners and admins. */
export const auditLog = pgTable(
  'audit_log',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    actorUserId: uuid('actor_user_id'),
    /** The actor's email at the time, kept so the entry reads the same after the user is gone. */
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('audit_log_created_idx').on(t.workspaceId, t.createdAt),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
