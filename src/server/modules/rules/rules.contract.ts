import { z } from 'zod';
import { positionInput } from '../../platform/http/bounds';
import { lifecycleSchema, recordTypeSchema } from '../crm/crm.contract';

/** Request and response shapes of roles settings, record shares, lead scoring and territories (CRM-10, WS-2). */

export const scoringConditionKinds = ['field', 'custom', 'tag', 'lifecycle', 'source', 'has_email', 'has_phone', 'recent_activity'] as const;
export const territoryMatchKinds = ['postal_prefix', 'city', 'state', 'country'] as const;

/** Contact fields a scoring rule may test, as the API names them. */
export const scoringFields = ['firstName', 'lastName', 'email', 'phone', 'title', 'city', 'state', 'postalCode', 'country', 'timeZone', 'source', 'consentState'] as const;
export const textOperators = ['equals', 'not_equals', 'contains', 'starts_with', 'is_set', 'is_not_set'] as const;
export const customOperators = ['equals', 'not_equals', 'contains', 'is_set', 'is_not_set', 'greater_than', 'less_than', 'is_true'] as const;

const value = z.string().trim().min(1, 'Give a value to compare with.').max(200);
const needsValue = (operator: string) => !['is_set', 'is_not_set', 'is_true'].includes(operator);

export const scoringConditionSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('field'), field: z.enum(scoringFields), operator: z.enum(textOperators), value: value.optional() }),
    z.strictObject({
      kind: z.literal('custom'),
      key: z.string().trim().min(1, 'Name the custom field.').max(64),
      operator: z.enum(customOperators),
      value: value.optional(),
    }),
    z.strictObject({ kind: z.literal('tag'), tagId: z.uuid('Choose a tag.') }),
    z.strictObject({ kind: z.literal('lifecycle'), values: z.array(lifecycleSchema).min(1, 'Choose at least one stage.').max(4) }),
    z.strictObject({ kind: z.literal('source'), values: z.array(value).min(1, 'Name at least one source.').max(20) }),
    z.strictObject({ kind: z.literal('has_email') }),
    z.strictObject({ kind: z.literal('has_phone') }),
    /** Something on the contact's timeline (note, call, email, meeting, task) within the last `days` days. */
    z.strictObject({ kind: z.literal('recent_activity'), days: z.number().int().min(1, 'At least 1 day.').max(3650) }),
  ])
  .superRefine((c, ctx) => {
    if ((c.kind === 'field' || c.kind === 'custom') && needsValue(c.operator) && c.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'Give a value to compare with.' });
    }
    if (c.kind === 'custom' && (c.operator === 'greater_than' || c.operator === 'less_than') && c.value !== undefined && !Number.isFinite(Number(c.value))) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'Use a number.' });
    }
  });
export type ScoringCondition = z.infer<typeof scoringConditionSchema>;

const points = z.number().int('Use a whole number.').min(-1000, 'At least -1000.').max(1000, 'At most 1000.');
const label = z.string().trim().min(1, 'Describe the rule.').max(120);

export const ruleParams = z.strictObject({ workspaceId: z.uuid(), ruleId: z.uuid('Not a rule id.') });

export const createScoringRuleBody = z.strictObject({ label, condition: scoringConditionSchema, points, enabled: z.boolean().default(true), position: positionInput().optional() });
export const updateScoringRuleBody = z.strictObject({ label: label.optional(), condition: scoringConditionSchema.optional(), points: points.optional(), enabled: z.boolean().optional(), position: positionInput().optional() });
export const scoringRuleSchema = z
  .object({ id: z.uuid(), label: z.string(), condition: z.unknown(), points: z.number().int(), position: z.number().int(), enabled: z.boolean(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'ScoringRule' });
export const scoreExplanationSchema = z
  .object({
    contactId: z.uuid(),
    score: z.number().int(),
    rules: z.array(z.object({ ruleId: z.uuid(), label: z.string(), points: z.number().int(), matched: z.boolean() })),
  })
  .meta({ id: 'ScoreExplanation' });
/** "This contact would score": the rule (not yet saved) tried on a contact. */
export const previewScoreBody = z.strictObject({ contactId: z.uuid(), condition: scoringConditionSchema, points });
export const previewScoreSchema = z.object({ matched: z.boolean(), points: z.number().int(), currentScore: z.number().int(), newScore: z.number().int() });

const territoryValues = z.array(z.string().trim().min(1, 'Empty value.').max(100)).min(1, 'Give at least one value.').max(500);
export const createTerritoryRuleBody = z.strictObject({
  name: z.string().trim().min(1, 'Name the territory.').max(120),
  matchKind: z.enum(territoryMatchKinds),
  matchValues: territoryValues,
  ownerUserId: z.uuid('Choose a team member.'),
  position: positionInput().optional(),
});
export const updateTerritoryRuleBody = z.strictObject({
  name: z.string().trim().min(1, 'Name the territory.').max(120).optional(),
  matchKind: z.enum(territoryMatchKinds).optional(),
  matchValues: territoryValues.optional(),
  ownerUserId: z.uuid('Choose a team member.').optional(),
});
export const reorderTerritoryRulesBody = z.strictObject({ ruleIds: z.array(z.uuid()).min(1).max(1000) });
export const territoryRuleSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    matchKind: z.enum(territoryMatchKinds),
    matchValues: z.array(z.string()),
    ownerUserId: z.uuid(),
    position: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'TerritoryRule' });

export const crmSettingsSchema = z.object({ staffOwnRecordsOnly: z.boolean() }).meta({ id: 'CrmSettings' });
export const updateCrmSettingsBody = z.strictObject({ staffOwnRecordsOnly: z.boolean() });

export const shareBody = z.strictObject({ userId: z.uuid('Choose a client.') });
export const recordShareSchema = z.object({ userId: z.uuid(), name: z.string().nullable(), email: z.string(), sharedAt: z.string() });
export const recordSharesSchema = z.object({ shares: z.array(recordShareSchema) });
export const recordRefSchema = z.object({ recordType: recordTypeSchema, recordId: z.uuid() });

export type ScoringRule = z.infer<typeof scoringRuleSchema>;
export type ScoreExplanation = z.infer<typeof scoreExplanationSchema>;
export type TerritoryRule = z.infer<typeof territoryRuleSchema>;
export type CrmSettings = z.infer<typeof crmSettingsSchema>;
export type RecordShare = z.infer<typeof recordShareSchema>;
export type CreateScoringRuleInput = z.infer<typeof createScoringRuleBody>;
export type UpdateScoringRuleInput = z.infer<typeof updateScoringRuleBody>;
export type CreateTerritoryRuleInput = z.infer<typeof createTerritoryRuleBody>;
export type UpdateTerritoryRuleInput = z.infer<typeof updateTerritoryRuleBody>;
