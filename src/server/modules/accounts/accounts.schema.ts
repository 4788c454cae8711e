import { bigint, boolean, customType, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

export const citext = customType<{ data: string }>({ dataType: () => 'citext' });

/** People who can sign in. Not a tenant table: a user may belong to several workspaces (WS-1). */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    email: citext('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash'),
    /** AUTH-4: only the Google account id and email are kept. */
    googleSub: text('google_sub'),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true }),
    ageConfirmedAt: timestamp('age_confirmed_at', { withTimezone: true }),
    /** AUTH-6: TOTP secret, sealed by the secret box. */
    totpSecretSealed: text('totp_secret_sealed'),
    totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
    /** AUTH-6: the RFC 6238 time step of the last code accepted; a code of that step or an earlier one is refused (no replay). */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    /**
     * SEC-1: runs this Kestrel (not a workspace role): may read the development mailbox. Set with
     * `kestrel user operator`; the demo owner is one in development.
     */
    operator: boolean('operator').notNull().default(false),
    /** PRIV-3: the person asked to delete the account; sign-in is refused from then on. */
    deletionRequestedAt: timestamp('deletion_requested_at', { withTimezone: true }),
    /** PRIV-3: when the purge job removes the account's rows (7 days after the request by default). */
    purgeAfter: timestamp('purge_after', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), uniqueIndex('users_google_sub_key').on(t.googleSub)],
);

/** AUTH-5: server-side sessions. The id is the SHA-256 of the cookie token, so a database leak yields no usable cookie. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    /** Password checked but the second factor not yet given (AUTH-6). */
    mfaPending: boolean('mfa_pending').notNull().default(false),
    /** How the first factor was given (password, email_code, google, password_reset): the audit names it when a second factor completes the sign-in (WS-4). */
    signInMethod: text('sign_in_method'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const authTokenPurposes = ['sign_in_code', 'password_reset'] as const;
export type AuthTokenPurpose = (typeof authTokenPurposes)[number];

/** Single-use sign-in codes (AUTH-2) and reset links (AUTH-3), stored only as hashes. */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: uuid('id').primaryKey().$defaultFn(() => uuidv7()),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: authTokenPurposes }).notNull(),
    tokenHash: text('token_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('auth_tokens_user_purpose_idx').on(t.userId, t.purpose, t.createdAt), uniqueIndex('auth_tokens_hash_key').on(t.tokenHash)],
);

/** AUTH-6 recovery codes, hashed; each works once. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

/** AUTH-7: fixed-window counters shared by every app instance. */
export const rateLimitBuckets = pgTable(
  'rate_limit_buckets',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull().default(0),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('rate_limit_buckets_window_idx').on(t.windowEndsAt)],
);

