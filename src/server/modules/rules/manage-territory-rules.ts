import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { notFound } from '../../platform/http/errors';
import { recordAudit } from '../audit';
import { FieldErrors } from '../../platform/http/field-errors';
import { checkOwner } from '../crm/records';
import type { CreateTerritoryRuleInput, TerritoryRule, UpdateTerritoryRuleInput } from './rules.contract';
import { territoryRules } from './rules.schema';

type Row = typeof territoryRules.$inferSelect;

const present = ({ workspaceId: _w, ...r }: Row): TerritoryRule => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/** Values as typed, without blanks or repeats (case-insensitive). */
function cleanValues(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function ordered(tx: Tx, ctx: WorkspaceContext): Promise<Row[]> {
  return tx.select().from(territoryRules).where(eq(territoryRules.workspaceId, ctx.workspaceId)).orderBy(asc(territoryRules.position), asc(territoryRules.id));
}

/** CRM-10: territory rules in the order they are tried. */
export async function listTerritoryRules(db: Db, ctx: WorkspaceContext): Promise<TerritoryRule[]> {
  return withTenant(db, ctx, async (tx) => (await ordered(tx, ctx)).map(present));
}

/** CRM-10: a new territory rule, last unless a position is given. The owner must be a team member. Audited. */
export async function createTerritoryRule(db: Db, ctx: WorkspaceContext, input: CreateTerritoryRuleInput): Promise<TerritoryRule> {
  return withTenant(db, ctx, async (tx) => {
    const errors = new FieldErrors();
    await checkOwner(tx, ctx, input.ownerUserId, errors);
    errors.throwIfAny();
    const rules = await ordered(tx, ctx);
    const position = Math.min(input.position ?? rules.length, rules.length);
    // Make room: rules at or after the new position move down one.
    await tx
      .update(territoryRules)
      .set({ position: sql`${territoryRules.position} + 1` })
      .where(and(eq(territoryRules.workspaceId, ctx.workspaceId), sql`${territoryRules.position} >= ${position}`));
    const [row] = await tx
      .insert(territoryRules)
      .values({ workspaceId: ctx.workspaceId, name: input.name, matchKind: input.matchKind, matchValues: cleanValues(input.matchValues), ownerUserId: input.ownerUserId, position })
      .returning();
    await recordAudit(tx, ctx, { action: 'territory_rule.created', targetType: 'territory_rule', targetId: row!.id, details: { name: row!.name, matchKind: row!.matchKind, ownerUserId: row!.ownerUserId } });
    return present(row!);
  });
}

/** CRM-10: changes a territory rule. Audited. */
export async function updateTerritoryRule(db: Db, ctx: WorkspaceContext, id: string, input: UpdateTerritoryRuleInput): Promise<TerritoryRule> {
  return withTenant(db, ctx, async (tx) => {
    const [before] = await tx.select().from(territoryRules).where(and(eq(territoryRules.workspaceId, ctx.workspaceId), eq(territoryRules.id, id))).for('update');
    if (!before) throw notFound('Territory rule');
    const errors = new FieldErrors();
    if (input.ownerUserId && input.ownerUserId !== before.ownerUserId) await checkOwner(tx, ctx, input.ownerUserId, errors);
    errors.throwIfAny();
    const [row] = await tx
      .update(territoryRules)
      .set({ ...input, ...(input.matchValues ? { matchValues: cleanValues(input.matchValues) } : {}), updatedAt: new Date() })
      .where(and(eq(territoryRules.workspaceId, ctx.workspaceId), eq(territoryRules.id, id)))
      .returning();
    await recordAudit(tx, ctx, { action: 'territory_rule.updated', targetType: 'territory_rule', targetId: id, details: { changed: Object.keys(input) } });
    return present(row!);
  });
}

/** CRM-10: sets the order rules are tried in; every rule once. Audited. */
export async function reorderTerritoryRules(db: Db, ctx: WorkspaceContext, ruleIds: string[]): Promise<TerritoryRule[]> {
  return withTenant(db, ctx, async (tx) => {
    const rules = await ordered(tx, ctx);
    const errors = new FieldErrors();
    const known = new Set(rules.map((r) => r.id));
    if (new Set(ruleIds).size !== ruleIds.length || ruleIds.length !== rules.length || ruleIds.some((id) => !known.has(id))) {
      errors.add('ruleIds', 'List every territory rule of the workspace once.');
    }
    errors.throwIfAny();
    if (ruleIds.length) {
      await tx
        .update(territoryRules)
        .set({ position: sql`array_position(${`{${ruleIds.join(',')}}`}::uuid[], ${territoryRules.id}) - 1`, updatedAt: new Date() })
        .where(and(eq(territoryRules.workspaceId, ctx.workspaceId), inArray(territoryRules.id, ruleIds)));
    }
    await recordAudit(tx, ctx, { action: 'territory_rule.reordered', targetType: 'workspace', targetId: ctx.workspaceId, details: { ruleIds } });
    return (await ordered(tx, ctx)).map(present);
  });
}

/** CRM-10: removes a territory rule; later rules move up. Audited. */
export async function deleteTerritoryRule(db: Db, ctx: WorkspaceContext, id: string): Promise<void> {
  await withTenant(db, ctx, async (tx) => {
    const [row] = await tx.delete(territoryRules).where(and(eq(territoryRules.workspaceId, ctx.workspaceId), eq(territoryRules.id, id))).returning();
    if (!row) throw notFound('Territory rule');
    await tx
      .update(territoryRules)
      .set({ position: sql`${territoryRules.position} - 1` })
      .where(and(eq(territoryRules.workspaceId, ctx.workspaceId), sql`${territoryRules.position} > ${row.position}`));
    await recordAudit(tx, ctx, { action: 'territory_rule.deleted', targetType: 'territory_rule', targetId: id, details: { name: row.name } });
  });
}
