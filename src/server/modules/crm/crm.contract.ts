import { z } from 'zod';
import { boundedRecord, positionInput, versionInput } from '../../platform/http/bounds';
import { emailSchema } from '../accounts/accounts.contract';

/** Request and response shapes of the CRM records API (CRM-1, 2, 3, 5), shared with the web app. */

export const lifecycleStages = ['lead', 'prospect', 'customer', 'churned'] as const;
export const consentStates = ['unknown', 'granted', 'denied', 'withdrawn'] as const;
export const stageKinds = ['open', 'won', 'lost'] as const;
export const recordTypes = ['contacts', 'companies', 'deals'] as const;
export const customFieldTypes = ['text', 'number', 'currency', 'date', 'select', 'multi_select', 'checkbox', 'url', 'email', 'phone'] as const;
export type RecordType = (typeof recordTypes)[number];
export type CustomFieldType = (typeof customFieldTypes)[number];

const text = (max: number) => z.string().trim().max(max);
const optionalText = (max: number) => text(max).nullable().optional();

export const lifecycleSchema = z.enum(lifecycleStages);
export const consentStateSchema = z.enum(consentStates);
export const stageKindSchema = z.enum(stageKinds);
export const recordTypeSchema = z.enum(recordTypes);
export const customFieldTypeSchema = z.enum(customFieldTypes);

const timeZoneSchema = z.string().max(64, 'Unknown time zone.').refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'Unknown time zone.');
const countrySchema = z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'Use a two-letter country code such as US or IN.');
const currencySchema = z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'Use a three-letter currency code such as USD or INR.');
/** Money travels as a decimal string so that no cent is lost to floating point. */
const amountSchema = z
  .union([z.number().min(-999_999_999_999.99).max(999_999_999_999.99), z.string().trim().max(20)])
  .transform((v) => (typeof v === 'number' ? v.toFixed(2) : v))
  .pipe(z.string().regex(/^-?\d{1,12}(\.\d{1,2})?$/, 'Use an amount with at most 12 digits and 2 decimals.'));
/** Values are checked against the workspace's definitions when written; null clears a value. */
const customInput = boundedRecord(z.unknown()).optional();

const addressFields = {
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  city: optionalText(100),
  state: optionalText(100),
  postalCode: optionalText(20),
  country: countrySchema.nullable().optional(),
};

// ---------------------------------------------------------------- params and paging

export const crmParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const contactParams = z.strictObject({ workspaceId: z.uuid(), contactId: z.uuid('Not a contact id.') });
export const companyParams = z.strictObject({ workspaceId: z.uuid(), companyId: z.uuid('Not a company id.') });
export const dealParams = z.strictObject({ workspaceId: z.uuid(), dealId: z.uuid('Not a deal id.') });
export const customFieldParams = z.strictObject({ workspaceId: z.uuid(), fieldId: z.uuid('Not a custom field id.') });
const tagId = z.uuid('Not a tag id.');
export const contactTagParams = contactParams.extend({ tagId });
export const companyTagParams = companyParams.extend({ tagId });
export const dealTagParams = dealParams.extend({ tagId });

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The `nextCursor` of the previous page. Pages run newest first. */
  cursor: z.uuid('Not a cursor from a previous page.').optional(),
  /** Prefix of a name (or email, for contacts). */
  q: z.string().trim().min(1).max(100).optional(),
  ownerUserId: z.uuid().optional(),
  tagId: z.uuid().optional(),
};

export const listContactsQuery = z.strictObject({ ...pageQuery, lifecycle: lifecycleSchema.optional(), companyId: z.uuid().optional() });
export const listCompaniesQuery = z.strictObject(pageQuery);
export const listDealsQuery = z.strictObject({
  ...pageQuery,
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  status: stageKindSchema.optional(),
  contactId: z.uuid().optional(),
  companyId: z.uuid().optional(),
});

// ---------------------------------------------------------------- shared response parts

export const tagSchema = z.object({ id: z.uuid(), name: z.string(), color: z.string().nullable(), createdAt: z.string() }).meta({ id: 'Tag' });
const tagSummary = z.object({ id: z.uuid(), name: z.string(), color: z.string().nullable() });
const companySummary = z.object({ id: z.uuid(), name: z.string(), domain: z.string().nullable() });
const contactSummary = z.object({ id: z.uuid(), firstName: z.string().nullable(), lastName: z.string().nullable(), email: z.string().nullable() });
const recordBase = {
  id: z.uuid(),
  ownerUserId: z.uuid().nullable(),
  custom: z.record(z.string(), z.unknown()),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  tags: z.array(tagSummary),
};
const addressOut = {
  addressLine1: z.string().nullable(),
  addressLine2: z.string().nullable(),
  city: z.string().nullable(),
  state: z.string().nullable(),
  postalCode: z.string().nullable(),
  country: z.string().nullable(),
};

// ---------------------------------------------------------------- contacts (CRM-1)

const contactFields = {
  firstName: optionalText(100),
  lastName: optionalText(100),
  /** The first is the primary address; all are lower-cased. */
  emails: z.array(emailSchema).max(20).optional(),
  /** Normalised to E.164 with the workspace's country as the default region; the first is primary. */
  phones: z.array(text(40).min(1)).max(20).optional(),
  title: optionalText(200),
  companyId: z.uuid().nullable().optional(),
  ...addressFields,
  timeZone: timeZoneSchema.nullable().optional(),
  ownerUserId: z.uuid().nullable().optional(),
  source: optionalText(100),
  lifecycle: lifecycleSchema.optional(),
  consentState: consentStateSchema.optional(),
  restricted: z.boolean().optional(),
  custom: customInput,
};

export const createContactBody = z.strictObject(contactFields).superRefine((c, ctx) => {
  if (!c.firstName && !c.lastName && !c.emails?.length && !c.phones?.length) {
    ctx.addIssue({ code: 'custom', path: ['firstName'], message: 'A contact needs a name, an email or a phone.' });
  }
});
export const updateContactBody = z.strictObject({ ...contactFields, version: versionInput() });

export const contactSchema = z
  .object({
    ...recordBase,
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    emails: z.array(z.string()),
    phone: z.string().nullable(),
    phones: z.array(z.string()),
    title: z.string().nullable(),
    companyId: z.uuid().nullable(),
    company: companySummary.nullable(),
    ...addressOut,
    timeZone: z.string().nullable(),
    source: z.string().nullable(),
    lifecycle: lifecycleSchema,
    consentState: consentStateSchema,
    restricted: z.boolean(),
    /** CRM-10: lead score; GET .../contacts/:contactId/score explains it. */
    score: z.number().int(),
  })
  .meta({ id: 'Contact' });
export const contactPage = z.object({ items: z.array(contactSchema), nextCursor: z.uuid().nullable() });

// ---------------------------------------------------------------- companies (CRM-2)

const companyFields = {
  name: text(200).min(1, 'Enter the company name.'),
  /** A domain or a URL; stored as the bare host without www. */
  domain: optionalText(300),
  industry: optionalText(100),
  size: optionalText(50),
  ...addressFields,
  ownerUserId: z.uuid().nullable().optional(),
  custom: customInput,
};
export const createCompanyBody = z.strictObject(companyFields);
export const updateCompanyBody = z.strictObject({ ...companyFields, name: companyFields.name.optional(), version: versionInput() });
export const companySchema = z
  .object({
    ...recordBase,
    name: z.string(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    size: z.string().nullable(),
    ...addressOut,
  })
  .meta({ id: 'Company' });
export const companyPage = z.object({ items: z.array(companySchema), nextCursor: z.uuid().nullable() });

// ---------------------------------------------------------------- pipelines and deals (CRM-3)

const probabilitySchema = z.number().int().min(0).max(100);
export const createPipelineBody = z.strictObject({
  name: text(100).min(1, 'Name the pipeline.'),
  /** In board order. */
  stages: z
    .array(z.strictObject({ name: text(100).min(1, 'Name the stage.'), probability: probabilitySchema.default(0), kind: stageKindSchema.default('open') }))
    .min(1, 'A pipeline needs at least one stage.')
    .max(30),
});
export const stageSchema = z
  .object({ id: z.uuid(), pipelineId: z.uuid(), name: z.string(), position: z.number().int(), probability: z.number().int(), kind: stageKindSchema })
  .meta({ id: 'PipelineStage' });
export const pipelineSchema = z
  .object({ id: z.uuid(), name: z.string(), position: z.number().int(), stages: z.array(stageSchema), createdAt: z.string() })
  .meta({ id: 'Pipeline' });

const dealFields = {
  name: text(200).min(1, 'Name the deal.'),
  amount: amountSchema.nullable().optional(),
  currency: currencySchema.optional(),
  expectedCloseDate: z.iso.date('Use a date like 2026-03-31.').nullable().optional(),
  probability: probabilitySchema.nullable().optional(),
  ownerUserId: z.uuid().nullable().optional(),
  contactId: z.uuid().nullable().optional(),
  companyId: z.uuid().nullable().optional(),
  custom: customInput,
};
export const createDealBody = z.strictObject({
  ...dealFields,
  /** Defaults to the first pipeline and its first stage. */
  pipelineId: z.uuid().optional(),
  stageId: z.uuid().optional(),
  lostReason: optionalText(500),
});
/** Stage changes go through the move route, which also sets status and closing time. */
export const updateDealBody = z.strictObject({ ...dealFields, name: dealFields.name.optional(), lostReason: optionalText(500), version: versionInput() });
export const moveDealBody = z.strictObject({ stageId: z.uuid(), version: versionInput(), lostReason: optionalText(500) });
export const dealSchema = z
  .object({
    ...recordBase,
    name: z.string(),
    pipelineId: z.uuid(),
    stageId: z.uuid(),
    stage: z.object({ id: z.uuid(), name: z.string(), kind: stageKindSchema }),
    amount: z.string().nullable(),
    currency: z.string(),
    expectedCloseDate: z.string().nullable(),
    probability: z.number().int().nullable(),
    contactId: z.uuid().nullable(),
    contact: contactSummary.nullable(),
    companyId: z.uuid().nullable(),
    company: companySummary.nullable(),
    status: stageKindSchema,
    lostReason: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'Deal' });
export const dealPage = z.object({ items: z.array(dealSchema), nextCursor: z.uuid().nullable() });

// ---------------------------------------------------------------- tags and custom fields (CRM-5)

export const createTagBody = z.strictObject({
  name: text(60).min(1, 'Name the tag.'),
  color: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #22aa88.').nullable().optional(),
});
export const tagLinkBody = z.strictObject({ tagId: z.uuid('Not a tag id.') });
export const recordTagsSchema = z.object({ tags: z.array(tagSummary) });

const customFieldKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'Use lower-case letters, digits and underscores, starting with a letter.');
const optionsSchema = z.array(text(100).min(1)).max(200).refine((o) => new Set(o).size === o.length, 'Options must be unique.');
export const createCustomFieldBody = z
  .strictObject({
    object: recordTypeSchema,
    key: customFieldKey,
    label: text(100).min(1, 'Enter a label.'),
    type: customFieldTypeSchema,
    options: optionsSchema.optional(),
    required: z.boolean().default(false),
    position: positionInput().optional(),
  })
  .superRefine((f, ctx) => {
    const choice = f.type === 'select' || f.type === 'multi_select';
    if (choice && !f.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'A select field needs options.' });
    if (!choice && f.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'Only select fields have options.' });
  });
export const listCustomFieldsQuery = z.strictObject({ object: recordTypeSchema.optional() });
/** Key, object and type are fixed once created: stored values depend on them. */
export const updateCustomFieldBody = z.strictObject({
  label: text(100).min(1).optional(),
  options: optionsSchema.optional(),
  required: z.boolean().optional(),
  position: positionInput().optional(),
});
export const customFieldSchema = z
  .object({
    id: z.uuid(),
    object: recordTypeSchema,
    key: z.string(),
    label: z.string(),
    type: customFieldTypeSchema,
    options: z.array(z.string()),
    required: z.boolean(),
    position: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'CustomField' });

export type Contact = z.infer<typeof contactSchema>;
export type Company = z.infer<typeof companySchema>;
export type Deal = z.infer<typeof dealSchema>;
export type Pipeline = z.infer<typeof pipelineSchema>;
export type Tag = z.infer<typeof tagSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;
export type CreateContactInput = z.infer<typeof createContactBody>;
export type UpdateContactInput = z.infer<typeof updateContactBody>;
export type CreateCompanyInput = z.infer<typeof createCompanyBody>;
export type UpdateCompanyInput = z.infer<typeof updateCompanyBody>;
export type CreateDealInput = z.infer<typeof createDealBody>;
export type UpdateDealInput = z.infer<typeof updateDealBody>;
