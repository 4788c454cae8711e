import { z } from 'zod';

/** Request and response shapes of the import API (CRM-7), shared with the web app. */

export const importObjects = ['contacts', 'companies', 'email_list'] as const;
export const importStatuses = ['uploaded', 'mapping', 'queued', 'running', 'completed', 'failed', 'undone'] as const;
export const dedupeKeys = ['email', 'phone', 'domain', 'none'] as const;
export const onMatchChoices = ['skip', 'update', 'create'] as const;
export const importModes = ['valid_rows', 'all_or_nothing'] as const;

export type ImportObject = (typeof importObjects)[number];
export type ImportStatus = (typeof importStatuses)[number];
export type DedupeKey = (typeof dedupeKeys)[number];
export type OnMatch = (typeof onMatchChoices)[number];

export const importObjectSchema = z.enum(importObjects);

/** A column of the file: its header (or "Column 3" when the file has none) and a few sample values. */
export const importColumnSchema = z.object({ index: z.number().int(), header: z.string(), samples: z.array(z.string()) });
export type ImportColumn = z.infer<typeof importColumnSchema>;

/**
 * Where each column goes: a built-in field key (`email`, `firstName` …), `custom:<key>` for a
 * custom field, `tags`, or null for "don't import".
 */
export const importMappingSchema = z
  .array(z.strictObject({ column: z.number().int().min(0).max(999), target: z.string().max(80).nullable() }))
  .max(1000);
export type ImportMapping = z.infer<typeof importMappingSchema>;

export const importOptionsSchema = z.strictObject({
  dedupeKey: z.enum(dedupeKeys).default('email'),
  onMatch: z.enum(onMatchChoices).default('update'),
  mode: z.enum(importModes).default('valid_rows'),
  /** Email lists: the tag the addresses go into. Other objects: an optional tag for every imported record. */
  tagName: z.string().trim().max(60).optional(),
});
export type ImportOptions = z.output<typeof importOptionsSchema>;

export const importTargetSchema = z.object({
  key: z.string(),
  label: z.string(),
  group: z.enum(['field', 'custom', 'tags']),
  /** Several columns may feed it (emails, phones, tags). */
  multiple: z.boolean(),
});
export type ImportTarget = z.infer<typeof importTargetSchema>;

export const undoResultSchema = z.object({
  deleted: z.number().int(),
  restored: z.number().int(),
  untagged: z.number().int(),
  /** Records changed by someone after the import: left as they are. */
  keptChanged: z.number().int(),
  /** Created records now used elsewhere (a deal points at them): left in place. */
  keptInUse: z.number().int(),
  keptIds: z.array(z.uuid()),
});
export type UndoResult = z.infer<typeof undoResultSchema>;

export const importSchema = z
  .object({
    id: z.uuid(),
    object: importObjectSchema,
    status: z.enum(importStatuses),
    fileName: z.string(),
    fileSize: z.number(),
    fileType: z.enum(['csv', 'xlsx']),
    encoding: z.string(),
    hasHeader: z.boolean(),
    columns: z.array(importColumnSchema),
    mapping: importMappingSchema,
    options: importOptionsSchema.nullable(),
    rowsTotal: z.number().int().nullable(),
    rowsProcessed: z.number().int(),
    phase: z.string().nullable(),
    created: z.number().int(),
    updated: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    errorCount: z.number().int(),
    error: z.string().nullable(),
    undoResult: undoResultSchema.nullable(),
    createdBy: z.uuid().nullable(),
    createdByName: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    undoneAt: z.string().nullable(),
    /** Whether the caller may undo it (managers, or the person who imported). */
    canUndo: z.boolean(),
  })
  .meta({ id: 'Import' });
export type Import = z.infer<typeof importSchema>;

export const importListSchema = z.object({ items: z.array(importSchema) });

export const importParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.'), importId: z.uuid('Not an import id.') });
export const importsParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.') });

export const uploadQuery = z.strictObject({
  fileName: z.string().trim().min(1, 'Name the file.').max(255),
  object: importObjectSchema.default('contacts'),
});

export const previewBody = z.strictObject({
  object: importObjectSchema,
  /** Omitted: the suggested mapping. */
  mapping: importMappingSchema.optional(),
  options: importOptionsSchema.optional(),
});
export const startBody = z.strictObject({ object: importObjectSchema, mapping: importMappingSchema, options: importOptionsSchema });
export type StartImportInput = z.infer<typeof startBody>;

export const previewRowSchema = z.object({
  row: z.number().int(),
  /** Values as they will be stored, by target key. */
  values: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  errors: z.array(z.object({ column: z.string().nullable(), reason: z.string() })),
});
export const previewSchema = z.object({
  object: importObjectSchema,
  targets: z.array(importTargetSchema),
  mapping: importMappingSchema,
  options: importOptionsSchema,
  rows: z.array(previewRowSchema),
  /** Mapping problems that would stop the import from starting. */
  problems: z.array(z.string()),
});
export type ImportPreview = z.infer<typeof previewSchema>;
export type PreviewRow = z.infer<typeof previewRowSchema>;
