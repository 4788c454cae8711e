import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { enqueue } from '../../platform/jobs/jobs';
import { recordAudit } from '../audit';
import { contacts, customFieldDefinitions, tags } from '../crm/crm.schema';
import { FieldErrors } from '../../platform/http/field-errors';
import { rescoreWorkspaceJob } from './rescore.job';
import type { CreateScoringRuleInput, ScoringCondition, ScoringRule, UpdateScoringRuleInput } from './rules.contract';
import { scoringRules } from './rules.schema';
import { rescoreContacts } from './scoring';

type Row = typeof scoringRules.$inferSelect;

export const presentScoringRule = ({ workspaceId: _w, kind: _k, ...r }: Row): ScoringRule => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/** Up to this many contacts are rescored in the request; more go to a background job. */
const INLINE_RESCORE_LIMIT = 5000;

/** After a rule changes every contact's score may change: at once when few, else by a job. */
export async function rescoreAfterRuleChange(tx: Tx, workspaceId: string): Promise<void> {
  const result = await tx.execute(sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${contacts} WHERE ${contacts.workspaceId} = ${workspaceId} LIMIT ${INLINE_RESCORE_LIMIT + 1}) s`);
  const n = Number((result.rows[0] as { n: number }).n);
  if (n <= INLINE_RESCORE_LIMIT) await rescoreContacts(tx, workspaceId);
  // One pending job per workspace: several quick edits collapse into one pass.
  else await enqueue(tx, rescoreWorkspaceJob, { workspaceId, afterId: null }, { workspaceId, jobKey: `rescore:${workspaceId}` });
}

/** A condition may only name a tag or custom field that exists in the workspace. */
async function checkCondition(tx: Tx, ctx: WorkspaceContext, condition: ScoringCondition | undefined, errors: FieldErrors): Promise<void> {
  if (condition?.kind === 'tag') {
    const [tag] = await tx.select({ id: tags.id }).from(tags).where(and(eq(tags.workspaceId, ctx.workspaceId), eq(tags.id, condition.tagId)));
    if (!tag) errors.add('condition.tagId', 'No such tag.');
  }
  if (condition?.kind === 'custom') {
    const [field] = await tx
      .select({ id: customFieldDefinitions.id })
      .from(customFieldDefinitions)
      .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.object, 'contacts'), eq(customFieldDefinitions.key, condition.key)));
    if (!field) errors.add('condition.key', 'No contact custom field has this key.');
  }
}

/** CRM-10: the scoring rules in order. */
export async function listScoringRules(db: Db, ctx: WorkspaceContext): Promise<ScoringRule[]> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(scoringRules).where(eq(scoringRules.workspaceId, ctx.workspaceId)).orderBy(asc(scoringRules.position), asc(scoringRules.id));
    return rows.map(presentScoringRule);
  });
}

/** CRM-10: a new scoring rule; scores are recomputed. Audited. */
export async function createScoringRule(db: Db, ctx: WorkspaceContext, input: CreateScoringRuleInput): Promise<ScoringRule> {
  return withTenant(db, ctx, async (tx) => {
    const errors = new FieldErrors();
    await checkCondition(tx, ctx, input.condition, errors);
    errors.throwIfAny();
    let position = input.position;
    if (position === undefined) {
      const [last] = await tx.select({ max: sql<number | null>`max(${scoringRules.position})` }).from(scoringRules).where(eq(scoringRules.workspaceId, ctx.workspaceId));
      position = last?.max == null ? 0 : Number(last.max) + 1;
    }
    const [row] = await tx
      .insert(scoringRules)
      .values({ workspaceId: ctx.workspaceId, label: input.label, kind: input.condition.kind, condition: input.condition, points: input.points, enabled: input.enabled, position })
      .returning();
    await rescoreAfterRuleChange(tx, ctx.workspaceId);
    await recordAudit(tx, ctx, { action: 'scoring_rule.created', targetType: 'scoring_rule', targetId: row!.id, details: { label: row!.label, points: row!.points, condition: row!.condition } });
    return presentScoringRule(row!);
  });
}

/** CRM-10: changes a scoring rule; scores are recomputed. Audited. */
export async function updateScoringRule(db: Db, ctx: WorkspaceContext, id: string, input: UpdateScoringRuleInput): Promise<ScoringRule> {
  return withTenant(db, ctx, async (tx) => {
    const [before] = await tx.select().from(scoringRules).where(and(eq(scoringRules.workspaceId, ctx.workspaceId), eq(scoringRules.id, id))).for('update');
    if (!before) throw notFound('Scoring rule');
    const errors = new FieldErrors();
    await checkCondition(tx, ctx, input.condition, errors);
    errors.throwIfAny();
    const [row] = await tx
      .update(scoringRules)
      .set({ ...input, ...(input.condition ? { kind: input.condition.kind } : {}), updatedAt: new Date() })
      .where(and(eq(scoringRules.workspaceId, ctx.workspaceId), eq(scoringRules.id, id)))
      .returning();
    await rescoreAfterRuleChange(tx, ctx.workspaceId);
    await recordAudit(tx, ctx, { action: 'scoring_rule.updated', targetType: 'scoring_rule', targetId: id, details: { changed: Object.keys(input) } });
    return presentScoringRule(row!);
  });
}

/** CRM-10: removes a scoring rule; scores are recomputed. Audited. */
export async function deleteScoringRule(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const [row] = await tx.delete(scoringRules).where(and(eq(scoringRules.workspaceId, ctx.workspaceId), eq(scoringRules.id, id))).returning();
    if (!row) throw notFound('Scoring rule');
    await rescoreAfterRuleChange(tx, ctx.workspaceId);
    await recordAudit(tx, ctx, { action: 'scoring_rule.deleted', targetType: 'scoring_rule', targetId: id, details: { label: row.label, points: row.points } });
  });
}
