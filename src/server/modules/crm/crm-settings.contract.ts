import { z } from 'zod';
import { stageKindSchema } from './crm.contract';

/** Shapes of the routes that tune pipelines, stages and tags, and of the CRM summaries (CRM-3, CRM-5). */

export const pipelineParams = z.strictObject({ workspaceId: z.uuid(), pipelineId: z.uuid('Not a pipeline id.') });
export const stageParams = pipelineParams.extend({ stageId: z.uuid('Not a stage id.') });
export const tagParams = z.strictObject({ workspaceId: z.uuid(), tagId: z.uuid('Not a tag id.') });

const stageName = z.string().trim().max(100).min(1, 'Name the stage.');
const probability = z.number().int().min(0, 'Use 0 to 100.').max(100, 'Use 0 to 100.');

export const updatePipelineBody = z.strictObject({ name: z.string().trim().max(100).min(1, 'Name the pipeline.') });
export const addStageBody = z.strictObject({
  name: stageName,
  probability: probability.default(0),
  kind: stageKindSchema.default('open'),
  /** Where the stage goes on the board, 0 = first; at the end when omitted. */
  position: z.number().int().min(0).max(100).optional(),
});
export const updateStageBody = z.strictObject({ name: stageName.optional(), probability: probability.optional(), kind: stageKindSchema.optional() });
/** Every stage of the pipeline, once each, in the new board order. */
export const reorderStagesBody = z.strictObject({ stageIds: z.array(z.uuid()).min(1).max(30) });

export const updateTagBody = z.strictObject({
  name: z.string().trim().max(60).min(1, 'Name the tag.').optional(),
  color: z.string().trim().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #22aa88.').nullable().optional(),
});

/** A count that stops at `cap`: counting a million rows for a home page would cost more than it tells. */
const cappedCount = z.object({ count: z.number().int(), capped: z.boolean() });
export const crmSummarySchema = z
  .object({ contacts: cappedCount, companies: cappedCount, openDeals: cappedCount })
  .meta({ id: 'CrmSummary' });

export const boardTotalsSchema = z
  .object({
    stages: z.array(
      z.object({
        stageId: z.uuid(),
        count: z.number().int(),
        /** Sums by currency, as decimal strings. */
        totals: z.array(z.object({ currency: z.string(), amount: z.string() })),
      }),
    ),
  })
  .meta({ id: 'BoardTotals' });

export type CrmSummary = z.infer<typeof crmSummarySchema>;
export type BoardTotals = z.infer<typeof boardTotalsSchema>;
