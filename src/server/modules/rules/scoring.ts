import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import { activityLinks } from '../activities/activities.schema';
import { contacts, recordTags } from '../crm/crm.schema';
import { escapeLike } from '../../platform/db/escape-like';
import type { ScoringCondition } from './rules.contract';
import { scoringRules } from './rules.schema';

/**
 * CRM-10: the lead score. Each enabled rule is a condition on a contact turned into SQL, so a
 * score can be computed for one contact or a million in one statement, and explained rule by rule.
 */

const fieldColumns = {
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  email: contacts.email,
  phone: contacts.phone,
  title: contacts.title,
  city: contacts.city,
  state: contacts.state,
  postalCode: contacts.postalCode,
  country: contacts.country,
  timeZone: contacts.timeZone,
  source: contacts.source,
  consentState: contacts.consentState,
} as const;

function textTest(col: SQL, operator: string, value: string | undefined): SQL {
  const v = value ?? '';
  switch (operator) {
    case 'equals':
      return sql`lower(${col}) = lower(${v})`;
    case 'not_equals':
      return sql`(${col} IS NULL OR lower(${col}) <> lower(${v}))`;
    case 'contains':
      return sql`${col} ILIKE ${`%${escapeLike(v)}%`}`;
    case 'starts_with':
      return sql`${col} ILIKE ${`${escapeLike(v)}%`}`;
    case 'is_set':
      return sql`(${col} IS NOT NULL AND ${col} <> '')`;
    case 'is_not_set':
      return sql`(${col} IS NULL OR ${col} = '')`;
    default:
      return sql`false`;
  }
}

/** The condition as a boolean SQL expression over the `contacts` row of the outer statement. */
export function conditionSql(c: ScoringCondition): SQL {
  switch (c.kind) {
    case 'field':
      return textTest(sql`${fieldColumns[c.field]}::text`, c.operator, c.value);
    case 'custom': {
      const json = sql`(${contacts.custom} -> ${c.key})`;
      const text = sql`(${contacts.custom} ->> ${c.key})`;
      const v = c.value ?? '';
      // Numbers may be stored as JSON numbers or decimal strings (currency); anything else is not a number.
      const num = sql`(CASE WHEN ${text} ~ '^-?[0-9]+(\\.[0-9]+)?$' THEN ${text}::numeric END)`;
      switch (c.operator) {
        case 'equals':
          return sql`((jsonb_typeof(${json}) = 'array' AND ${json} ? ${v}) OR lower(${text}) = lower(${v}))`;
        case 'not_equals':
          return sql`NOT coalesce((jsonb_typeof(${json}) = 'array' AND ${json} ? ${v}) OR lower(${text}) = lower(${v}), false)`;
        case 'contains':
          return sql`${text} ILIKE ${`%${escapeLike(v)}%`}`;
        case 'is_set':
          return sql`(${json} IS NOT NULL AND ${json} <> 'null'::jsonb AND ${text} <> '' AND ${json} <> '[]'::jsonb)`;
        case 'is_not_set':
          return sql`(${json} IS NULL OR ${json} = 'null'::jsonb OR ${text} = '' OR ${json} = '[]'::jsonb)`;
        case 'greater_than':
          return sql`${num} > ${Number(v)}`;
        case 'less_than':
          return sql`${num} < ${Number(v)}`;
        case 'is_true':
          return sql`${json} = 'true'::jsonb`;
      }
      return sql`false`;
    }
    case 'tag':
      return sql`EXISTS (SELECT 1 FROM ${recordTags} WHERE ${recordTags.workspaceId} = ${contacts.workspaceId} AND ${recordTags.recordType} = 'contacts' AND ${recordTags.recordId} = ${contacts.id} AND ${recordTags.tagId} = ${c.tagId})`;
    case 'lifecycle':
      return sql`${contacts.lifecycle} IN (${sql.join(
        c.values.map((v) => sql`${v}`),
        sql`, `,
      )})`;
    case 'source':
      return sql`lower(${contacts.source}) IN (${sql.join(
        c.values.map((v) => sql`${v.toLowerCase()}`),
        sql`, `,
      )})`;
    case 'has_email':
      return sql`${contacts.email} IS NOT NULL`;
    case 'has_phone':
      return sql`${contacts.phone} IS NOT NULL`;
    case 'recent_activity':
      // A note, call, email, meeting or task on the contact's timeline within the last `days` days (CRM-4).
      return sql`EXISTS (SELECT 1 FROM ${activityLinks} WHERE ${activityLinks.workspaceId} = ${contacts.workspaceId} AND ${activityLinks.recordType} = 'contacts' AND ${activityLinks.recordId} = ${contacts.id} AND ${activityLinks.occurredAt} >= now() - make_interval(days => ${c.days}::int) AND ${activityLinks.occurredAt} <= now())`;
  }
}

export interface ActiveRule {
  id: string;
  label: string;
  points: number;
  condition: ScoringCondition;
}

export async function loadScoringRules(tx: Tx, workspaceId: string): Promise<ActiveRule[]> {
  return tx
    .select({ id: scoringRules.id, label: scoringRules.label, points: scoringRules.points, condition: scoringRules.condition })
    .from(scoringRules)
    .where(and(eq(scoringRules.workspaceId, workspaceId), eq(scoringRules.enabled, true)))
    .orderBy(asc(scoringRules.position), asc(scoringRules.id));
}

/** The sum of the points of the rules a contact meets. NULL never counts as a match. */
export function scoreSql(rules: ActiveRule[]): SQL {
  if (!rules.length) return sql`0`;
  return sql`(${sql.join(
    rules.map((r) => sql`CASE WHEN coalesce(${conditionSql(r.condition)}, false) THEN ${r.points}::int ELSE 0 END`),
    sql` + `,
  )})`;
}

/**
 * Recomputes the stored score of the given contacts (all of the workspace when omitted) in one
 * set-based UPDATE. Rows whose score does not change are not rewritten.
 */
export async function rescoreContacts(tx: Tx, workspaceId: string, contactIds?: string[]): Promise<void> {
  if (contactIds && !contactIds.length) return;
  const rules = await loadScoringRules(tx, workspaceId);
  await applyScores(tx, workspaceId, rules, contactIds ? sql`${contacts.id} = ANY(${toUuidArray(contactIds)})` : undefined);
}

/**
 * Rescores one slice of the workspace by id order, for the background job after a rule change:
 * returns the last id of the slice, or null when there were no more contacts.
 */
export async function rescoreSlice(tx: Tx, workspaceId: string, afterId: string | null, size: number): Promise<string | null> {
  const ids = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), afterId ? gt(contacts.id, afterId) : undefined))
    .orderBy(asc(contacts.id))
    .limit(size);
  if (!ids.length) return null;
  const rules = await loadScoringRules(tx, workspaceId);
  await applyScores(tx, workspaceId, rules, sql`${contacts.id} BETWEEN ${ids[0]!.id} AND ${ids[ids.length - 1]!.id}`);
  return ids.length < size ? null : ids[ids.length - 1]!.id;
}

async function applyScores(tx: Tx, workspaceId: string, rules: ActiveRule[], which: SQL | undefined): Promise<void> {
  const score = scoreSql(rules);
  await tx.execute(sql`
    UPDATE ${contacts} SET score = ${score}
    WHERE ${contacts.workspaceId} = ${workspaceId} ${which ? sql`AND ${which}` : sql``}
      AND ${contacts.score} IS DISTINCT FROM ${score}`);
}

/** A uuid[] parameter: one bind value however many ids. */
export const toUuidArray = (ids: string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/** CRM-10: which rules a contact meets and what each adds (explainable score). */
export async function explainScore(tx: Tx, workspaceId: string, contactId: string): Promise<{ score: number; rules: (ActiveRule & { matched: boolean })[] } | null> {
  const rules = await loadScoringRules(tx, workspaceId);
  const columns = rules.length ? sql.join(rules.map((r, i) => sql`coalesce(${conditionSql(r.condition)}, false) AS ${sql.identifier(`r${i}`)}`), sql`, `) : sql`true AS r`;
  const result = await tx.execute(sql`SELECT ${columns} FROM ${contacts} WHERE ${contacts.workspaceId} = ${workspaceId} AND ${contacts.id} = ${contactId}`);
  const row = result.rows[0] as Record<string, boolean> | undefined;
  if (!row) return null;
  const explained = rules.map((r, i) => ({ ...r, matched: row[`r${i}`] === true }));
  return { score: explained.reduce((sum, r) => sum + (r.matched ? r.points : 0), 0), rules: explained };
}

/** Whether one condition (perhaps not yet saved) holds for a contact: the rule editor's preview. */
export async function conditionHolds(tx: Tx, workspaceId: string, contactId: string, condition: ScoringCondition): Promise<{ matched: boolean; score: number } | null> {
  const result = await tx.execute(
    sql`SELECT coalesce(${conditionSql(condition)}, false) AS matched, ${contacts.score} AS score FROM ${contacts} WHERE ${contacts.workspaceId} = ${workspaceId} AND ${contacts.id} = ${contactId}`,
  );
  const row = result.rows[0] as { matched: boolean; score: number } | undefined;
  return row ? { matched: row.matched, score: Number(row.score) } : null;
}
