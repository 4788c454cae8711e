import { and, eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { contacts } from '../crm/crm.schema';
import { loadVisibility, withVisibility } from '../crm';
import type { ScoreExplanation, ScoringCondition } from './rules.contract';
import { conditionHolds, explainScore } from './scoring';

/** CRM-10: a contact's score with each rule, matched or not, and its points (explainable). */
export async function getScoreExplanation(db: Db, ctx: WorkspaceContext, contactId: string): Promise<ScoreExplanation> {
  return withTenant(db, ctx, async (tx) => {
    const v = await loadVisibility(tx, ctx);
    const [row] = await tx.select({ id: contacts.id }).from(contacts).where(withVisibility(v, 'contacts', and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, contactId))));
    if (!row) throw notFound('Contact');
    const explained = await explainScore(tx, ctx.workspaceId, contactId);
    if (!explained) throw notFound('Contact');
    return { contactId, score: explained.score, rules: explained.rules.map((r) => ({ ruleId: r.id, label: r.label, points: r.points, matched: r.matched })) };
  });
}

/** CRM-10: "this contact would score": a rule being edited, tried on one contact before it is saved. */
export async function previewScore(db: Db, ctx: WorkspaceContext, input: { contactId: string; condition: ScoringCondition; points: number }) {
  return withTenant(db, ctx, async (tx) => {
    const v = await loadVisibility(tx, ctx);
    const [row] = await tx.select({ id: contacts.id }).from(contacts).where(withVisibility(v, 'contacts', and(eq(contacts.workspaceId, ctx.workspaceId), eq(contacts.id, input.contactId))));
    if (!row) throw notFound('Contact');
    const held = await conditionHolds(tx, ctx.workspaceId, input.contactId, input.condition);
    if (!held) throw notFound('Contact');
    const points = held.matched ? input.points : 0;
    return { matched: held.matched, points, currentScore: held.score, newScore: held.score + points };
  });
}
