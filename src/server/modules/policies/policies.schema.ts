import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { users } from '../accounts/accounts.schema';

/** PRIV-7: the installation's privacy policy, version by version, as the operator published it. */
export const policyVersions = pgTable(
  'policy_versions',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    title: text('title').notNull(),
    /** A short summary of what changed, for the email and the notice. */
    summary: text('summary').notNull(),
    body: text('body').notNull(),
    /** A material change: people are emailed and shown a notice at least 30 days before it applies. */
    material: boolean('material').notNull(),
    effectiveAt: timestamp('effective_at', { withTimezone: true }).notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('policy_versions_effective_idx').on(t.effectiveAt)],
);

/** PRIV-7: who acknowledged which version, and when. */
export const policyAcknowledgements = pgTable(
  'policy_acknowledgements',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    policyVersionId: uuid('policy_version_id').notNull().references(() => policyVersions.id, { onDelete: 'cascade' }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.policyVersionId] })],
);
