import { z } from 'zod';

/** PRIV-1, PRIV-3: a person is named by an email address and/or a phone number. */
export const personQuery = z
  .strictObject({
    email: z.email('Not an email address.').max(320).optional(),
    phone: z.string().trim().min(3).max(40).optional(),
  })
  .refine((q) => q.email !== undefined || q.phone !== undefined, { message: 'Give an email address or a phone number.', path: ['email'] });
export type PersonQueryBody = z.infer<typeof personQuery>;

export const personHitSchema = z.object({
  table: z.string(),
  module: z.string(),
  description: z.string(),
  retained: z.boolean(),
  count: z.number().int(),
  ids: z.array(z.string()),
});

export const personLookupSchema = z
  .object({
    found: z.boolean(),
    /** Rows in all, across tables. */
    total: z.number().int(),
    contactIds: z.array(z.uuid()),
    hits: z.array(personHitSchema),
  })
  .meta({ id: 'PersonLookup' });
export type PersonLookup = z.infer<typeof personLookupSchema>;

const perTable = z.record(z.string(), z.number().int());
export const erasureSchema = z
  .object({ deleted: perTable, unlinked: perTable, scrubbed: perTable, retained: z.array(z.string()) })
  .meta({ id: 'PersonErasure' });
export type Erasure = z.infer<typeof erasureSchema>;

/** PRIV-2: a data export and its progress. */
export const exportSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(['queued', 'running', 'ready', 'downloaded', 'expired', 'failed']),
    rowsDone: z.number().int(),
    rowsTotal: z.number().int(),
    bytes: z.number().int().nullable(),
    error: z.string().nullable(),
    expiresAt: z.string(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'DataExport' });
export const requestedExportSchema = exportSchema.extend({ downloadUrl: z.string() }).meta({ id: 'RequestedDataExport' });
export const exportParams = z.strictObject({ workspaceId: z.uuid('Not a workspace id.'), exportId: z.uuid('Not an export id.') });
export const accountExportParams = z.strictObject({ exportId: z.uuid('Not an export id.') });
export const latestAccountExportSchema = z.object({ export: exportSchema.nullable() }).meta({ id: 'LatestAccountExport' });
export const downloadQuery = z.strictObject({ token: z.string().min(20).max(100) });

/** PRIV-3: deleting one's account is confirmed with the password and, with two-factor on, a fresh code. */
export const accountDeletionBody = z.strictObject({
  password: z.string().min(1).max(1000).optional(),
  code: z.string().trim().min(6).max(20).optional(),
});
export const accountDeletionSchema = z.object({
  /** When the purge job removes what is left (ISO). */
  purgeAfter: z.string(),
  disconnected: z.number().int(),
  revoked: z.number().int(),
});

/** PRIV-3: closing a workspace is confirmed by typing its name. */
export const closeWorkspaceBody = z.strictObject({ name: z.string().trim().min(1).max(200) });
export const workspaceClosureSchema = z
  .object({
    closed: z.boolean(),
    closedAt: z.string().nullable(),
    purgeAfter: z.string().nullable(),
    kept: z.array(z.string()),
  })
  .meta({ id: 'WorkspaceClosure' });

/** PRIV-4: how many days the workspace keeps conversations (after their last message) and AI call records. */
const retentionDays = (what: string) => z.int('Use a whole number of days.').min(1, `Keep ${what} at least 1 day.`).max(3650, `Keep ${what} at most 3,650 days (10 years).`);
export const retentionSettingsBody = z.strictObject({ conversationDays: retentionDays('conversations'), aiCallDays: retentionDays('AI call records') });
export type RetentionSettings = z.infer<typeof retentionSettingsBody>;
export const retentionSettingsSchema = z
  .object({ conversationDays: z.int(), aiCallDays: z.int(), defaults: z.object({ conversationDays: z.int(), aiCallDays: z.int() }) })
  .meta({ id: 'RetentionSettings' });

/** PRIV-10: a report from the public privacy page that the workspace holds a child's data. */
export const minorReportBody = z
  .strictObject({
    email: z.email('Not an email address.').max(320).optional(),
    phone: z.string().trim().min(3, 'Not a phone number.').max(40).optional(),
    details: z.string().trim().max(2000).optional(),
    reporterEmail: z.email('Not an email address.').max(320).optional(),
  })
  .refine((q) => q.email !== undefined || q.phone !== undefined, { message: "Give the child's email address or phone number.", path: ['email'] });
export type MinorReportBody = z.infer<typeof minorReportBody>;
export const minorReportReceived = z.object({ status: z.literal('received') });
export const minorReportSchema = z.object({
  id: z.uuid(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  details: z.string().nullable(),
  reporterEmail: z.string().nullable(),
  createdAt: z.string(),
});
export type MinorReport = z.infer<typeof minorReportSchema>;
export const minorReportListSchema = z.object({ items: z.array(minorReportSchema) });
export const minorReportParams = z.strictObject({ workspaceId: z.uuid(), reportId: z.uuid() });
