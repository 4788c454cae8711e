import { z } from 'zod';
import { recordTypeSchema, type RecordType } from '../crm/crm.contract';

/**
 * CRM-6 views and search, CRM-8 export: request and response shapes shared with the web app.
 * A view is `{ object, columns, filter, sort, groupBy }`; the filter is a tree of all/any
 * groups of `{ field, op, value }` conditions. Fields are the built-in ones listed in
 * `builtinFields`, `custom.<key>` for a custom field, and `tags`.
 */

// ---------------------------------------------------------------- fields and operators

/** How a field filters, sorts and shows. Custom field types map onto these kinds. */
export const fieldKinds = ['text', 'enum', 'multi', 'number', 'date', 'datetime', 'boolean', 'user', 'ref', 'tags', 'activity'] as const;
export type FieldKind = (typeof fieldKinds)[number];

export const filterOps = [
  'eq',
  'neq',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'older_than_days',
  'within_last_days',
  'within_next_days',
  'is_empty',
  'is_not_empty',
  'is_true',
  'is_false',
  'has_any',
  'has_all',
  'has_none',
] as const;
export type FilterOp = (typeof filterOps)[number];

/** Which operators each kind of field accepts, in the order the filter builder offers them. */
export const opsByKind: Record<FieldKind, readonly FilterOp[]> = {
  text: ['contains', 'eq', 'neq', 'starts_with', 'not_contains', 'in', 'is_empty', 'is_not_empty'],
  enum: ['eq', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  multi: ['has_any', 'has_all', 'has_none', 'is_empty', 'is_not_empty'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'is_empty', 'is_not_empty'],
  date: ['eq', 'before', 'after', 'between', 'older_than_days', 'within_last_days', 'within_next_days', 'is_empty', 'is_not_empty'],
  datetime: ['eq', 'before', 'after', 'between', 'older_than_days', 'within_last_days', 'within_next_days', 'is_empty', 'is_not_empty'],
  boolean: ['is_true', 'is_false'],
  user: ['eq', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  ref: ['eq', 'neq', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  tags: ['has_any', 'has_all', 'has_none', 'is_empty', 'is_not_empty'],
  // "Not contacted for 14 days" is `older_than_days: 14`: no timeline activity in that time, or never.
  activity: ['older_than_days', 'within_last_days', 'is_empty', 'is_not_empty'],
};

export const opLabels: Record<FilterOp, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is any of',
  not_in: 'is none of',
  contains: 'contains',
  not_contains: 'does not contain',
  starts_with: 'starts with',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  between: 'between',
  before: 'before',
  after: 'after',
  older_than_days: 'more than N days ago',
  within_last_days: 'in the last N days',
  within_next_days: 'in the next N days',
  is_empty: 'is empty',
  is_not_empty: 'is not empty',
  is_true: 'is checked',
  is_false: 'is not checked',
  has_any: 'has any of',
  has_all: 'has all of',
  has_none: 'has none of',
};

/** What an operator's value looks like: none, one value, a list, two bounds, or a number of days. */
export function valueShape(op: FilterOp): 'none' | 'one' | 'list' | 'range' | 'days' {
  if (op === 'is_empty' || op === 'is_not_empty' || op === 'is_true' || op === 'is_false') return 'none';
  if (op === 'in' || op === 'not_in' || op === 'has_any' || op === 'has_all' || op === 'has_none') return 'list';
  if (op === 'between') return 'range';
  if (op === 'older_than_days' || op === 'within_last_days' || op === 'within_next_days') return 'days';
  return 'one';
}

export type RefTarget = 'companies' | 'contacts' | 'pipelines' | 'stages';

export interface FieldInfo {
  key: string;
  label: string;
  kind: FieldKind;
  options?: readonly string[];
  ref?: RefTarget;
  sortable: boolean;
  groupable: boolean;
}

const f = (key: string, label: string, kind: FieldKind, extra: Partial<FieldInfo> = {}): FieldInfo => ({
  key,
  label,
  kind,
  sortable: kind !== 'tags' && kind !== 'multi' && kind !== 'activity',
  groupable: kind === 'enum' || kind === 'user' || kind === 'ref' || kind === 'boolean' || kind === 'tags',
  ...extra,
});

const addressFields = [
  f('addressLine1', 'Address line 1', 'text'),
  f('addressLine2', 'Address line 2', 'text'),
  f('city', 'City', 'text', { groupable: true }),
  f('state', 'State', 'text', { groupable: true }),
  f('postalCode', 'Zip / postal code', 'text'),
  f('country', 'Country', 'text', { groupable: true }),
];

/** The built-in fields of each object, in the order the column chooser lists them. */
export const builtinFields: Record<RecordType, readonly FieldInfo[]> = {
  contacts: [
    f('name', 'Name', 'text'),
    f('firstName', 'First name', 'text'),
    f('lastName', 'Last name', 'text'),
    f('email', 'Email', 'text'),
    f('phone', 'Phone', 'text'),
    f('title', 'Title', 'text'),
    f('company', 'Company', 'ref', { ref: 'companies' }),
    ...addressFields,
    f('timeZone', 'Time zone', 'text'),
    f('owner', 'Owner', 'user'),
    f('source', 'Source', 'text', { groupable: true }),
    f('lifecycle', 'Lifecycle', 'enum', { options: ['lead', 'prospect', 'customer', 'churned'] }),
    f('consentState', 'Consent', 'enum', { options: ['unknown', 'granted', 'denied', 'withdrawn'] }),
    f('restricted', 'Restricted', 'boolean'),
    f('lastActivityAt', 'Last activity', 'activity'),
    f('createdAt', 'Created', 'datetime'),
    f('updatedAt', 'Updated', 'datetime'),
    f('tags', 'Tags', 'tags'),
  ],
  companies: [
    f('name', 'Name', 'text'),
    f('domain', 'Domain', 'text'),
    f('industry', 'Industry', 'text', { groupable: true }),
    f('size', 'Size', 'text', { groupable: true }),
    ...addressFields,
    f('owner', 'Owner', 'user'),
    f('lastActivityAt', 'Last activity', 'activity'),
    f('createdAt', 'Created', 'datetime'),
    f('updatedAt', 'Updated', 'datetime'),
    f('tags', 'Tags', 'tags'),
  ],
  deals: [
    f('name', 'Name', 'text'),
    f('pipeline', 'Pipeline', 'ref', { ref: 'pipelines' }),
    f('stage', 'Stage', 'ref', { ref: 'stages' }),
    f('status', 'Status', 'enum', { options: ['open', 'won', 'lost'] }),
    f('amount', 'Amount', 'number'),
    f('currency', 'Currency', 'text', { groupable: true }),
    f('expectedCloseDate', 'Expected close', 'date'),
    f('probability', 'Probability', 'number'),
    f('owner', 'Owner', 'user'),
    f('contact', 'Contact', 'ref', { ref: 'contacts' }),
    f('company', 'Company', 'ref', { ref: 'companies' }),
    f('lostReason', 'Lost reason', 'text'),
    f('closedAt', 'Closed', 'datetime'),
    f('lastActivityAt', 'Last activity', 'activity'),
    f('createdAt', 'Created', 'datetime'),
    f('updatedAt', 'Updated', 'datetime'),
    f('tags', 'Tags', 'tags'),
  ],
};

/** Columns a new table shows. */
export const defaultColumns: Record<RecordType, string[]> = {
  contacts: ['name', 'email', 'phone', 'company', 'lifecycle', 'owner', 'tags', 'createdAt'],
  companies: ['name', 'domain', 'industry', 'city', 'owner', 'tags', 'createdAt'],
  deals: ['name', 'stage', 'amount', 'currency', 'expectedCloseDate', 'owner', 'company', 'createdAt'],
};

/** Newest first: served straight from an index. */
export const defaultSort = { field: 'createdAt', direction: 'desc' } as const;

// ---------------------------------------------------------------- the view definition

const fieldName = z.string().trim().min(1, 'Choose a field.').max(80);

export const filterConditionSchema = z.strictObject({
  field: fieldName,
  op: z.enum(filterOps),
  /** Checked against the field's type once the workspace's custom fields are known. */
  value: z.unknown().optional(),
});
export type FilterCondition = z.infer<typeof filterConditionSchema>;

export interface FilterGroup {
  /** `all`: every condition holds (AND); `any`: at least one does (OR). */
  match: 'all' | 'any';
  conditions: (FilterCondition | FilterGroup)[];
}

export const filterGroupSchema: z.ZodType<FilterGroup> = z.lazy(() =>
  z.strictObject({
    match: z.enum(['all', 'any']),
    conditions: z.array(z.union([filterConditionSchema, filterGroupSchema])).max(50, 'At most 50 conditions in a group.'),
  }),
).meta({ id: 'FilterGroup' });

export const sortSchema = z.strictObject({ field: fieldName, direction: z.enum(['asc', 'desc']).default('asc') });

export const viewDefinitionSchema = z.strictObject({
  object: recordTypeSchema,
  columns: z.array(fieldName).max(60).optional(),
  filter: filterGroupSchema.optional(),
  sort: sortSchema.optional(),
  groupBy: fieldName.nullable().optional(),
});
export type ViewDefinition = z.infer<typeof viewDefinitionSchema>;

export const isGroup = (node: FilterCondition | FilterGroup): node is FilterGroup => 'conditions' in node;

// ---------------------------------------------------------------- running a view

export const viewsParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });
export const savedViewParams = z.strictObject({ workspaceId: z.uuid(), viewId: z.uuid('Not a view id.') });

export const queryViewBody = z.strictObject({
  view: viewDefinitionSchema,
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(2000).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** Adds `total`: exact for small results, the planner's estimate for large ones. */
  withTotal: z.boolean().default(false),
});

const refLabel = z.object({ id: z.string(), label: z.string() });
export const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), refLabel, z.array(z.object({ id: z.string(), name: z.string(), color: z.string().nullable() }))]);
export const viewRowSchema = z.object({ id: z.uuid(), cells: z.record(z.string(), cellSchema) });
export const viewPageSchema = z
  .object({
    columns: z.array(z.object({ key: z.string(), label: z.string(), kind: z.enum(fieldKinds), sortable: z.boolean(), money: z.boolean().optional().describe('An amount of money: a deal amount or a custom currency field') })),
    rows: z.array(viewRowSchema),
    nextCursor: z.string().nullable(),
    total: z.object({ count: z.number().int(), exact: z.boolean() }).nullable(),
  })
  .meta({ id: 'ViewPage' });
export type ViewRow = z.infer<typeof viewRowSchema>;
export type ViewPage = z.infer<typeof viewPageSchema>;

export const groupCountsBody = z.strictObject({ view: viewDefinitionSchema.extend({ groupBy: fieldName }) });
export const groupCountsSchema = z
  .object({
    field: z.string(),
    groups: z.array(z.object({ value: z.union([z.string(), z.boolean(), z.null()]), label: z.string(), count: z.number().int() })),
    /** More groups exist than were returned (the largest come first). */
    truncated: z.boolean(),
  })
  .meta({ id: 'GroupCounts' });
export type GroupCounts = z.infer<typeof groupCountsSchema>;

// ---------------------------------------------------------------- fields of a workspace

export const viewFieldsQuery = z.strictObject({ object: recordTypeSchema });
export const viewFieldSchema = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(fieldKinds),
  options: z.array(z.string()).optional(),
  ref: z.enum(['companies', 'contacts', 'pipelines', 'stages']).optional(),
  sortable: z.boolean(),
  groupable: z.boolean(),
  custom: z.boolean(),
  ops: z.array(z.enum(filterOps)),
});
export const viewFieldsSchema = z.object({ object: recordTypeSchema, fields: z.array(viewFieldSchema) }).meta({ id: 'ViewFields' });
export type ViewField = z.infer<typeof viewFieldSchema>;

// ---------------------------------------------------------------- saved views

const viewName = z.string().trim().min(1, 'Name the view.').max(100);
export const createSavedViewBody = z.strictObject({
  name: viewName,
  /** Shared views are seen by the whole team; personal ones only by their creator. */
  shared: z.boolean().default(false),
  definition: viewDefinitionSchema,
});
export const updateSavedViewBody = z.strictObject({
  name: viewName.optional(),
  shared: z.boolean().optional(),
  definition: viewDefinitionSchema.optional(),
});
export const listSavedViewsQuery = z.strictObject({ object: recordTypeSchema.optional() });
export const savedViewSchema = z
  .object({
    id: z.uuid(),
    object: recordTypeSchema,
    name: z.string(),
    shared: z.boolean(),
    ownerUserId: z.uuid().nullable(),
    /** Whether the caller may rename, change or delete it. */
    canEdit: z.boolean(),
    definition: viewDefinitionSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SavedView' });
export type SavedView = z.infer<typeof savedViewSchema>;

// ---------------------------------------------------------------- search (command palette)

export const searchQuery = z.strictObject({
  q: z.string().trim().min(1, 'Type something to search for.').max(100),
  /** Comma-separated subset of contacts,companies,deals. */
  types: z
    .string()
    .max(100)
    .optional()
    .transform((v, ctx) => {
      if (!v) return [...recordTypeSchema.options];
      const list = [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))];
      for (const t of list) if (!recordTypeSchema.options.includes(t as RecordType)) ctx.addIssue({ code: 'custom', message: `Unknown type "${t}".` });
      return list as RecordType[];
    }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const searchResultSchema = z.object({
  type: recordTypeSchema,
  id: z.uuid(),
  title: z.string(),
  subtitle: z.string().nullable(),
  score: z.number(),
});
export const searchResultsSchema = z.object({ results: z.array(searchResultSchema) }).meta({ id: 'SearchResults' });
export type SearchResult = z.infer<typeof searchResultSchema>;

// ---------------------------------------------------------------- export (CRM-8)

export const exportFormats = ['csv', 'json'] as const;
export const exportQuery = z.strictObject({
  object: recordTypeSchema.optional(),
  format: z.enum(exportFormats).default('csv'),
  /** A saved view to export; without it, every record of `object` with every column. */
  viewId: z.uuid('Not a view id.').optional(),
});
export const exportBody = z.strictObject({ format: z.enum(exportFormats).default('csv'), view: viewDefinitionSchema });
export const exportEverythingQuery = z.strictObject({ format: z.literal('json').default('json') });
