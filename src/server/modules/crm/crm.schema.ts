import { sql } from 'drizzle-orm';
import { boolean, char, check, date, foreignKey, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { tenantPolicy, workspaceIdColumn } from '../../platform/db/tenancy-sql';
import { citext, users } from '../accounts/accounts.schema';
import { workspaces } from '../workspaces/workspaces.schema';
import { consentStates, customFieldTypes, lifecycleStages, recordTypes, stageKinds } from './crm.contract';

export type CustomValues = Record<string, unknown>;

const id = () => uuid('id').notNull().$defaultFn(() => uuidv7());
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();
/** Optimistic concurrency: every write states the version it read (CRM-1 concurrent edits). */
const version = () => integer('version').notNull().default(1);
const custom = () => jsonb('custom').$type<CustomValues>().notNull().default({});
/** Who is responsible. Checked to be a member on write; a deleted account leaves the record unowned. */
const ownerUserId = () => uuid('owner_user_id').references(() => users.id, { onDelete: 'set null' });
const address = () => ({
  addressLine1: text('address_line1'),
  addressLine2: text('address_line2'),
  city: text('city'),
  state: text('state'),
  postalCode: text('postal_code'),
  country: text('country'),
});

/** CRM-2: companies (accounts). The domain is stored lower-case without scheme, path or www. */
export const companies = pgTable(
  'companies',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    name: text('name').notNull(),
    domain: citext('domain'),
    industry: text('industry'),
    size: text('size'),
    ...address(),
    ownerUserId: ownerUserId(),
    custom: custom(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    index('companies_domain_idx').on(t.workspaceId, t.domain),
    index('companies_name_idx').on(t.workspaceId, sql`lower(${t.name})`),
    index('companies_owner_idx').on(t.workspaceId, t.ownerUserId),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-1: people. `email` and `phone` are the primary entries of `emails` and `phones`. */
export const contacts = pgTable(
  'contacts',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    firstName: text('first_name'),
    lastName: text('last_name'),
    email: citext('email'),
    /** Lower-cased, primary first. */
    emails: text('emails').array().notNull().default(sql`'{}'::text[]`),
    phone: text('phone'),
    /** E.164, primary first. */
    phones: text('phones').array().notNull().default(sql`'{}'::text[]`),
    title: text('title'),
    companyId: uuid('company_id'),
    ...address(),
    timeZone: text('time_zone'),
    ownerUserId: ownerUserId(),
    source: text('source'),
    lifecycle: text('lifecycle', { enum: lifecycleStages }).notNull().default('lead'),
    consentState: text('consent_state', { enum: consentStates }).notNull().default('unknown'),
    /** PRIV-5 / AI-6: a person who asked that their record be kept from processing (AI, outreach). */
    restricted: boolean('restricted').notNull().default(false),
    /** CRM-10: the lead score, the sum of the matching scoring rules' points; recomputed on write. */
    score: integer('score').notNull().default(0),
    custom: custom(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    // No cascade: deleting a company first detaches its contacts in the same transaction.
    foreignKey({ columns: [t.workspaceId, t.companyId], foreignColumns: [companies.workspaceId, companies.id] }),
    check('contacts_lifecycle_check', sql`${t.lifecycle} IN ('lead', 'prospect', 'customer', 'churned')`),
    check('contacts_consent_state_check', sql`${t.consentState} IN ('unknown', 'granted', 'denied', 'withdrawn')`),
    index('contacts_email_idx').on(t.workspaceId, t.email),
    index('contacts_phone_idx').on(t.workspaceId, t.phone),
    index('contacts_last_name_idx').on(t.workspaceId, sql`lower(${t.lastName})`),
    index('contacts_first_name_idx').on(t.workspaceId, sql`lower(${t.firstName})`),
    index('contacts_company_idx').on(t.workspaceId, t.companyId),
    index('contacts_owner_idx').on(t.workspaceId, t.ownerUserId),
    index('contacts_lifecycle_idx').on(t.workspaceId, t.lifecycle),
    // CRM-10 and CALL-1: by score, with the id as the tie-break, so the call queue pages by keyset
    // (score, id) on the index alone, however many contacts share a score.
    index('contacts_score_idx').on(t.workspaceId, t.score, t.id),
    // AI-6: the few restricted contacts, found without scanning the workspace.
    index('contacts_restricted_idx').on(t.workspaceId, t.id).where(sql`${t.restricted}`),
    // Home: the newest leads, without reading every lead of a large workspace.
    index('contacts_new_leads_idx').on(t.workspaceId, t.createdAt).where(sql`${t.lifecycle} = 'lead'`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-3: a sales process; a workspace may run several. */
export const pipelines = pgTable(
  'pipelines',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    name: text('name').notNull(),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('pipelines_name_key').on(t.workspaceId, t.name),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-3: ordered stages of a pipeline; a won or lost stage closes the deals moved into it. */
export const pipelineStages = pgTable(
  'pipeline_stages',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    pipelineId: uuid('pipeline_id').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    probability: integer('probability').notNull().default(0),
    kind: text('kind', { enum: stageKinds }).notNull().default('open'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.pipelineId], foreignColumns: [pipelines.workspaceId, pipelines.id] }).onDelete('cascade'),
    // Lets a deal's foreign key prove its stage belongs to its pipeline.
    unique('pipeline_stages_pipeline_stage_key').on(t.workspaceId, t.pipelineId, t.id),
    index('pipeline_stages_position_idx').on(t.workspaceId, t.pipelineId, t.position),
    check('pipeline_stages_probability_check', sql`${t.probability} BETWEEN 0 AND 100`),
    check('pipeline_stages_kind_check', sql`${t.kind} IN ('open', 'won', 'lost')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-3: opportunities. Status follows the kind of the stage the deal was last moved to. */
export const deals = pgTable(
  'deals',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    name: text('name').notNull(),
    pipelineId: uuid('pipeline_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }),
    currency: char('currency', { length: 3 }).notNull(),
    expectedCloseDate: date('expected_close_date'),
    probability: integer('probability'),
    ownerUserId: ownerUserId(),
    contactId: uuid('contact_id'),
    companyId: uuid('company_id'),
    status: text('status', { enum: stageKinds }).notNull().default('open'),
    lostReason: text('lost_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    custom: custom(),
    version: version(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.pipelineId], foreignColumns: [pipelines.workspaceId, pipelines.id] }),
    foreignKey({ columns: [t.workspaceId, t.pipelineId, t.stageId], foreignColumns: [pipelineStages.workspaceId, pipelineStages.pipelineId, pipelineStages.id] }),
    // No cascade: deleting a contact or company first detaches its deals in the same transaction.
    foreignKey({ columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }),
    foreignKey({ columns: [t.workspaceId, t.companyId], foreignColumns: [companies.workspaceId, companies.id] }),
    index('deals_stage_idx').on(t.workspaceId, t.pipelineId, t.stageId),
    index('deals_contact_idx').on(t.workspaceId, t.contactId),
    index('deals_company_idx').on(t.workspaceId, t.companyId),
    index('deals_owner_idx').on(t.workspaceId, t.ownerUserId),
    // Home: open deals by expected close ("closing this month").
    index('deals_open_close_idx').on(t.workspaceId, t.expectedCloseDate).where(sql`${t.status} = 'open'`),
    check('deals_probability_check', sql`${t.probability} BETWEEN 0 AND 100`),
    check('deals_status_check', sql`${t.status} IN ('open', 'won', 'lost')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-5: labels shared by contacts, companies and deals. */
export const tags = pgTable(
  'tags',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    name: citext('name').notNull(),
    color: text('color'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('tags_name_key').on(t.workspaceId, t.name),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-5: which record carries which tag. Records are of several tables, so only the tag has a foreign key. */
export const recordTags = pgTable(
  'record_tags',
  {
    workspaceId: workspaceIdColumn(),
    tagId: uuid('tag_id').notNull(),
    recordType: text('record_type', { enum: recordTypes }).notNull(),
    recordId: uuid('record_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.tagId, t.recordType, t.recordId] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.workspaceId, t.tagId], foreignColumns: [tags.workspaceId, tags.id] }).onDelete('cascade'),
    index('record_tags_record_idx').on(t.workspaceId, t.recordType, t.recordId),
    check('record_tags_record_type_check', sql`${t.recordType} IN ('contacts', 'companies', 'deals')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/** CRM-5: typed custom fields per object; values live in each record's `custom` column under `key`. */
export const customFieldDefinitions = pgTable(
  'custom_field_definitions',
  {
    workspaceId: workspaceIdColumn(),
    id: id(),
    object: text('object', { enum: recordTypes }).notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type', { enum: customFieldTypes }).notNull(),
    options: text('options').array().notNull().default(sql`'{}'::text[]`),
    required: boolean('required').notNull().default(false),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('custom_field_definitions_key').on(t.workspaceId, t.object, t.key),
    check('custom_field_definitions_object_check', sql`${t.object} IN ('contacts', 'companies', 'deals')`),
    check('custom_field_definitions_type_check', sql.raw(`type IN (${customFieldTypes.map((k) => `'${k}'`).join(', ')})`)),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();

/**
 * CRM-6: the workspace's vocabulary of name words (contact first and last names, company name
 * and domain words, deal name words), kept by triggers on the record tables (search_vocabulary
 * migration). Fuzzy search corrects a misspelt query word against this short list, then finds
 * records by exact word through a GIN index, instead of scoring every record by trigrams.
 * Words of deleted records stay until they are pruned: a stale word only finds nothing.
 */
export const searchTerms = pgTable(
  'search_terms',
  {
    workspaceId: workspaceIdColumn(),
    recordType: text('record_type', { enum: recordTypes }).notNull(),
    term: text('term').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.recordType, t.term] }),
    foreignKey({ columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    check('search_terms_record_type_check', sql`${t.recordType} IN ('contacts', 'companies', 'deals')`),
    tenantPolicy(t.workspaceId),
  ],
).enableRLS();
