import { sql } from 'drizzle-orm';
import type { Config } from '../../platform/config';
import type { Tx } from '../../platform/db/database';
import { AppError } from '../../platform/http/errors';
import { queueRenderedMail } from '../../platform/mail/outbox';
import { renderMail } from '../../platform/mail/templates';
import { metricLabels, monthlyMetrics, planById, type BillingConfig, type Metric, type Plan } from './billing.config';

/** The period row of a standing metric (seats, contacts): one row for all time. */
export const STANDING = '1970-01-01';

export const periodOf = (metric: Metric, now = new Date()): string =>
  monthlyMetrics.has(metric) ? `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01` : STANDING;

/** BILL-1: 402 naming the limit and the way past it. */
export function limitReached(plan: Plan, metric: Metric, limit: number, used: number, workspaceId: string): AppError {
  const label = metricLabels[metric];
  const what = `${limit.toLocaleString('en-US')} ${limit === 1 ? label.one : label.many}`;
  const reset = monthlyMetrics.has(metric) ? ' It starts again on the 1st of next month (UTC).' : '';
  return new AppError(
    'plan_limit_reached',
    402,
    `The ${plan.name} plan includes ${what}, and this workspace has reached it.${reset} An owner can upgrade the plan under Settings → Billing.`,
    { limit: metric, max: limit, used, plan: plan.id, upgradePath: `/w/${workspaceId}/settings/billing` },
  );
}

/** The workspace's plan, read in the caller's transaction (a workspace with no billing row has the default plan). */
export async function currentPlan(tx: Tx, billing: BillingConfig, workspaceId: string): Promise<Plan> {
  const r = await tx.execute<{ plan_id: string }>(sql`SELECT plan_id FROM billing_accounts WHERE workspace_id = ${workspaceId}`);
  return planById(billing, r.rows[0]?.plan_id);
}

type BillingSettings = Pick<Config, 'billing' | 'publicUrl' | 'MAIL_FROM'>;

let settings: BillingSettings | null = null;
/**
 * Called once at boot (startPlatform), so that the modules that spend (contacts, imports,
 * invitations, AI) call `consume(tx, workspaceId, metric, n)` without carrying billing settings.
 */
export function configureBilling(config: BillingSettings): void {
  settings = config;
}
export const billingEnabled = () => settings?.billing.enabled === true;
/** The settings given at boot (only called where billing is on). */
export const billingSettings = (): BillingSettings => settings!;

/**
 * BILL-1: spends `n` units of `metric` for the workspace inside the caller's transaction, or
 * throws 402 `plan_limit_reached` and spends nothing. Atomic: a monthly counter is raised by one
 * conditional UPDATE (used + n <= limit); a standing count (contacts, seats) is checked under a
 * lock on its counter row, held until the caller commits, so two requests cannot both pass the
 * last unit. With billing off (BILL-4) it does nothing.
 */
export async function consume(tx: Tx, workspaceId: string, metric: Metric, n = 1): Promise<{ counted: boolean }> {
  if (!settings?.billing.enabled) return { counted: false };
  if (monthlyMetrics.has(metric)) {
    const r = await spendMonthly(tx, workspaceId, metric, n);
    if (r.limit !== null && r.used === null) throw limitReached(await currentPlan(tx, settings.billing, workspaceId), metric, r.limit, r.limit, workspaceId);
    return { counted: r.limit !== null };
  }
  const { granted, plan, limit, used } = await take(tx, settings, workspaceId, metric, n, false);
  if (granted < n) throw limitReached(plan!, metric, limit!, used, workspaceId);
  // Counted: a limit applies, so a counter was raised (contacts by their trigger).
  return { counted: limit !== null };
}

/**
 * BILL-1: as much of `want` as the limit still allows (for an import that stops at the limit and
 * keeps what it did). Returns the units granted; `limit` is null when there is none.
 */
export async function admit(tx: Tx, workspaceId: string, metric: Metric, want: number): Promise<{ granted: number; limit: number | null; plan: Plan | null; message: string | null }> {
  if (!settings?.billing.enabled) return { granted: want, limit: null, plan: null, message: null };
  const r = await take(tx, settings, workspaceId, metric, want, true);
  return { granted: r.granted, limit: r.limit, plan: r.plan, message: r.granted < want && r.plan ? limitReached(r.plan, metric, r.limit!, r.used, workspaceId).message : null };
}

/** Per metric, each plan's limit (null: none) as JSON, so that one statement finds the workspace's plan and its limit. */
const limitsJson = new WeakMap<BillingConfig, Map<Metric, string>>();
function limitsOf(billing: BillingConfig, metric: Metric): string {
  let byMetric = limitsJson.get(billing);
  if (!byMetric) limitsJson.set(billing, (byMetric = new Map()));
  let json = byMetric.get(metric);
  if (json === undefined) byMetric.set(metric, (json = JSON.stringify(Object.fromEntries(billing.plans.plans.map((p) => [p.id, p.limits[metric] ?? null])))));
  return json;
}

/**
 * BILL-1: spends `n` units of a monthly metric in ONE statement in the caller's transaction:
 * it reads the workspace's plan (no cache to go stale when a webhook or the operator's command
 * changes it), takes that plan's limit and raises the month's counter only while used + n stays
 * within it, so concurrent spends never pass the last unit. No error is raised inside the
 * database (no savepoint needed): `used` null with a `limit` means refused; `limit` null means
 * the plan has none (nothing is counted). The 80 %/100 % warnings go out when first crossed.
 */
export async function spendMonthly(tx: Tx, workspaceId: string, metric: Metric, n: number): Promise<{ limit: number | null; used: number | null; period: string }> {
  const config = settings!;
  const period = periodOf(metric);
  const limits = limitsOf(config.billing, metric);
  const r = await tx.execute<{ lim: string | null; used: string | null; w80: boolean | null; w100: boolean | null }>(sql`
    WITH p AS (
      SELECT (coalesce(${limits}::jsonb -> (SELECT plan_id FROM billing_accounts WHERE workspace_id = ${workspaceId}::uuid), ${limits}::jsonb -> ${config.billing.plans.defaultPlan.id}::text) #>> '{}')::bigint AS lim
    ), up AS (
      INSERT INTO billing_counters (workspace_id, metric, period_start, used)
      SELECT ${workspaceId}::uuid, ${metric}::text, ${period}::date, ${n}::bigint FROM p WHERE p.lim IS NOT NULL AND ${n}::bigint <= p.lim
      ON CONFLICT (workspace_id, metric, period_start) DO UPDATE SET used = billing_counters.used + EXCLUDED.used
        WHERE billing_counters.used + EXCLUDED.used <= (SELECT lim FROM p)
      RETURNING used, warned_80_at IS NULL AS w80, warned_100_at IS NULL AS w100
    )
    SELECT p.lim, up.used, up.w80, up.w100 FROM p LEFT JOIN up ON true`);
  const row = r.rows[0]!;
  const limit = row.lim === null ? null : Number(row.lim);
  const used = row.used === null ? null : Number(row.used);
  if (limit !== null && used !== null && limit > 0) {
    // Only a counter that has crossed a level not yet warned of costs more statements.
    const due = (used >= limit && row.w100) || (used * 10 >= limit * 8 && row.w80);
    if (due) await warnIfCrossed(tx, config, workspaceId, await currentPlan(tx, config.billing, workspaceId), metric, period, used, limit);
  }
  return { limit, used, period };
}

async function take(tx: Tx, config: BillingSettings, workspaceId: string, metric: Metric, n: number, partial: boolean) {
  if (n <= 0) return { granted: n, plan: null, limit: null, used: 0 };
  const plan = await currentPlan(tx, config.billing, workspaceId);
  const limit = plan.limits[metric] ?? null;
  if (limit === null) return { granted: n, plan, limit, used: 0 };
  const period = periodOf(metric);
  // Standing counts (and partial grants) are decided under a lock on the counter row, held to commit.
  await tx.execute(sql`INSERT INTO billing_counters (workspace_id, metric, period_start, used) VALUES (${workspaceId}, ${metric}, ${period}, 0) ON CONFLICT DO NOTHING`);
  const r = await tx.execute<{ used: string }>(sql`SELECT used FROM billing_counters WHERE workspace_id = ${workspaceId} AND metric = ${metric} AND period_start = ${period} FOR UPDATE`);
  let used = metric === 'seats' ? await seatsTaken(tx, workspaceId) : Number(r.rows[0]!.used);
  const granted = Math.max(0, Math.min(n, limit - used));
  if (granted < n && !partial) return { granted: 0, plan, limit, used };
  // Contacts are counted by the database as they are inserted; monthly metrics are counted here.
  if (monthlyMetrics.has(metric) && granted > 0) await tx.execute(sql`UPDATE billing_counters SET used = used + ${granted} WHERE workspace_id = ${workspaceId} AND metric = ${metric} AND period_start = ${period}`);
  used += granted;
  await warnIfCrossed(tx, config, workspaceId, plan, metric, period, used, limit);
  return { granted, plan, limit, used };
}

/** Members who hold a seat (everyone but clients) and open invitations to such roles. */
export async function seatsTaken(tx: Tx, workspaceId: string): Promise<number> {
  const r = await tx.execute<{ n: number }>(sql`
    SELECT (SELECT count(*) FROM memberships WHERE workspace_id = ${workspaceId} AND role <> 'client')
         + (SELECT count(*) FROM invitations WHERE workspace_id = ${workspaceId} AND role <> 'client' AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()) AS n`);
  return Number(r.rows[0]!.n);
}

/** BILL-1: at 80 % and at 100 % of a limit, the owners get one email per period (the web app shows a banner from the usage). */
async function warnIfCrossed(tx: Tx, config: BillingSettings, workspaceId: string, plan: Plan, metric: Metric, period: string, used: number, limit: number): Promise<void> {
  if (limit === 0) return;
  const level = used >= limit ? 100 : used * 10 >= limit * 8 ? 80 : 0;
  if (!level) return;
  const column = level === 100 ? sql.raw('warned_100_at') : sql.raw('warned_80_at');
  const first = await tx.execute(sql`UPDATE billing_counters SET ${column} = now() WHERE workspace_id = ${workspaceId} AND metric = ${metric} AND period_start = ${period} AND ${column} IS NULL RETURNING 1`);
  if (!first.rows.length) return;
  const owners = await tx.execute<{ email: string; workspace: string }>(sql`
    SELECT u.email::text AS email, w.name AS workspace FROM memberships m JOIN users u ON u.id = m.user_id JOIN workspaces w ON w.id = m.workspace_id
    WHERE m.workspace_id = ${workspaceId} AND m.role = 'owner'`);
  const label = metricLabels[metric];
  const monthly = monthlyMetrics.has(metric) ? ' this month' : '';
  for (const o of owners.rows) {
    const subject = level === 100 ? `${o.workspace} has reached its ${label.many} limit` : `${o.workspace} has used 80 % of its ${label.many}`;
    const rendered = renderMail(
      subject,
      [
        `${o.workspace} has used ${used.toLocaleString('en-US')} of the ${limit.toLocaleString('en-US')} ${label.many} in the ${plan.name} plan${monthly}.`,
        level === 100 ? 'Nothing more can be added until the plan is upgraded or the period starts again.' : 'When it reaches the limit, nothing more can be added until the plan is upgraded.',
      ],
      { label: 'See plans and usage', url: `${config.publicUrl}/w/${workspaceId}/settings/billing` },
    );
    await queueRenderedMail(tx, { from: config.MAIL_FROM, to: o.email, template: 'billingLimitWarning', rendered });
  }
}
