import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import type { CitedRecord, RunEvent } from '../agents/agents.contract';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** AI-3: a person's conversation with the brain (chat history is theirs alone). */
export const brainConversations = pgTable(
  'brain_conversations',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('brain_conversations_user_idx').on(t.workspaceId, t.userId, t.updatedAt.desc()),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** AI-3: a question or an answer; answers keep the records they cite and the `run_id` their model calls carry. */
export const brainMessages = pgTable(
  'brain_messages',
  {
    workspaceId: workspaceIdColumn(),
    id: uuid('id').notNull().$defaultFn(() => uuidv7()),
    conversationId: uuid('conversation_id').notNull(),
    role: text('role', { enum: ['user', 'assistant'] }).notNull(),
    content: text('content').notNull(),
    citations: jsonb('citations').$type<CitedRecord[]>().notNull().default([]),
    /** Every record the answer's searches returned: what later questions may cite too. */
    records: jsonb('records').$type<CitedRecord[]>().notNull().default([]),
    events: jsonb('events').$type<RunEvent[]>().notNull().default([]),
    /** The id an answer's model calls and tool calls carry as `run_id` (the browser picks it in browser-key mode). */
    runId: uuid('run_id'),
    status: text('status', { enum: ['ok', 'failed'] }).notNull().default('ok'),
    error: text('error'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId, t.conversationId], foreignColumns: [brainConversations.workspaceId, brainConversations.id] }).onDelete('cascade'),
    check('brain_messages_role_check', sql`${t.role} IN ('user', 'assistant')`),
    index('brain_messages_conversation_idx').on(t.workspaceId, t.conversationId, t.id),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
