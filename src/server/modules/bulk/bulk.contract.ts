import { z } from 'zod';
import { lifecycleSchema, recordTypeSchema } from '../crm/crm.contract';
import { viewDefinitionSchema } from '../views/views.contract';

/** Request and response shapes of bulk actions (CRM-9), shared with the web app. */

export const bulkActionKinds = ['tag', 'untag', 'assign', 'lifecycle', 'stage', 'delete'] as const;
export const bulkStatuses = ['queued', 'running', 'done', 'failed'] as const;
export const MAX_SELECTED_IDS = 10_000;

export const bulkActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('tag'), tagId: z.uuid('Choose a tag.') }),
  z.strictObject({ kind: z.literal('untag'), tagId: z.uuid('Choose a tag.') }),
  /** null leaves the records unowned. */
  z.strictObject({ kind: z.literal('assign'), ownerUserId: z.uuid('Choose a team member.').nullable() }),
  z.strictObject({ kind: z.literal('lifecycle'), lifecycle: lifecycleSchema }),
  z.strictObject({ kind: z.literal('stage'), stageId: z.uuid('Choose a stage.'), lostReason: z.string().trim().max(500).optional() }),
  z.strictObject({ kind: z.literal('delete') }),
]);
export type BulkAction = z.infer<typeof bulkActionSchema>;

/**
 * What the action applies to: records picked one by one, or every record a view's filter
 * matches (the view definition is the one the table page uses; see views/compile-view.ts).
 */
export const bulkSelectionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ids'), ids: z.array(z.uuid('Not a record id.')).min(1, 'Select at least one record.').max(MAX_SELECTED_IDS) }),
  z.strictObject({ kind: z.literal('view'), view: viewDefinitionSchema }),
]);
export type BulkSelection = z.infer<typeof bulkSelectionSchema>;

export const createBulkOperationBody = z.strictObject({ object: recordTypeSchema, action: bulkActionSchema, selection: bulkSelectionSchema });
export type CreateBulkOperationInput = z.infer<typeof createBulkOperationBody>;

export const bulkOperationParams = z.strictObject({ workspaceId: z.uuid(), operationId: z.uuid('Not a bulk operation id.') });
export const listBulkOperationsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) });

export const bulkOperationSchema = z
  .object({
    id: z.uuid(),
    object: recordTypeSchema,
    action: bulkActionSchema,
    selectionKind: z.enum(['ids', 'view']),
    status: z.enum(bulkStatuses),
    total: z.number().int(),
    done: z.number().int(),
    failed: z.number().int(),
    error: z.string().nullable(),
    createdBy: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'BulkOperation' });
export type BulkOperation = z.infer<typeof bulkOperationSchema>;
