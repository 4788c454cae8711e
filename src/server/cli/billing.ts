import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { setScope } from '../platform/db/database';
import { recordAudit } from '../modules/audit/record-audit';
import { billingAccounts } from '../modules/billing/billing.schema';
import { loadCliConfig, withServices } from './platform';
import { metricLabels, metrics } from '../modules/billing/billing.config';
import { money } from '../modules/billing/apply-event';
import { CliError, checkOption, requireOption, type Command } from './command';

/** BILL-1: the operator's plans as this server reads them (BILLING_PLANS / BILLING_PLANS_FILE, else the built-in ones). */
export const billingPlansCommand: Command = {
  name: 'billing plans',
  summary: 'List the plans and credit packs this server offers, with their limits',
  help: `Usage: kestrel billing plans [--json]

Prints the plans (limits of seats, contacts, AI runs and emails a month, included credits, the
provider price ids) and credit packs read from BILLING_PLANS (inline JSON) or BILLING_PLANS_FILE
(a JSON file), or the built-in Free, Starter and Pro when neither is set. Says whether billing is
on (BILLING_ENABLED) and which provider takes payments (BILLING_PROVIDER).

Options:
  --json  print the catalogue as JSON

Example:
  BILLING_PLANS_FILE=plans.json kestrel billing plans`,
  options: { json: { type: 'boolean' } },
  async run(values, io) {
    const { billing } = loadCliConfig(io);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ enabled: billing.enabled, provider: billing.provider, defaultPlan: billing.plans.defaultPlan.id, plans: billing.plans.plans, packs: billing.plans.packs }, null, 2)}\n`);
      return;
    }
    const lines = [`Billing is ${billing.enabled ? 'on' : 'off (BILLING_ENABLED=false): no limits apply'}; provider: ${billing.provider ?? 'none'}.`, ''];
    for (const p of billing.plans.plans) {
      lines.push(`${p.id}${p.id === billing.plans.defaultPlan.id ? ' (default)' : ''}  ${p.name}  ${money(p.priceMinor, p.currency)} a month`);
      for (const m of metrics) lines.push(`  ${metricLabels[m].many.padEnd(16)} ${p.limits[m] == null ? 'unlimited' : p.limits[m]!.toLocaleString('en-US')}`);
      if (p.monthlyCredits) lines.push(`  ${'credits'.padEnd(16)} ${p.monthlyCredits.toLocaleString('en-US')} a month`);
      const prices = Object.entries(p.prices).map(([k, v]) => `${k}=${v}`).join(', ');
      if (prices) lines.push(`  ${'prices'.padEnd(16)} ${prices}`);
    }
    if (billing.plans.packs.length) lines.push('', 'Credit packs:', ...billing.plans.packs.map((k) => `  ${k.id}  ${k.credits.toLocaleString('en-US')} credits  ${money(k.priceMinor, k.currency)}`));
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};

/** BILL-1: the operator puts a workspace on a plan by hand (a deal agreed outside the payment provider, a courtesy upgrade). */
export const billingSetPlanCommand: Command = {
  name: 'billing set-plan',
  summary: "Put a workspace on one of the plans, by hand",
  help: `Usage: kestrel billing set-plan --workspace WORKSPACE_ID --plan PLAN_ID

Sets the workspace's plan (one of \`kestrel billing plans\`) as active, without the payment
provider: for a deal agreed elsewhere or a courtesy upgrade. The change is in the workspace's
audit log. A subscription the provider holds still decides when its next event arrives.

Options:
  --workspace ID  the workspace's id (Settings → Business shows it; so does the URL /w/ID)
  --plan PLAN_ID  the plan's id, e.g. pro

Example:
  kestrel billing set-plan --workspace 0192f1c4-… --plan pro`,
  options: { workspace: { type: 'string' }, plan: { type: 'string' } },
  async run(values, io) {
    const workspaceId = checkOption(z.uuid(), requireOption(values, 'workspace', this), 'workspace', this);
    const planId = requireOption(values, 'plan', this);
    const { billing } = loadCliConfig(io);
    const plan = billing.plans.plans.find((p) => p.id === planId);
    if (!plan) throw new CliError(`No plan "${planId}": the plans are ${billing.plans.plans.map((p) => p.id).join(', ')}.`);
    const from = await withServices(io, async (services) => {
      if (!(await services.database.systemPool.query(`SELECT 1 FROM workspaces WHERE id = $1`, [workspaceId])).rowCount) throw new CliError(`No workspace has the id ${workspaceId}.`);
      return services.database.db.transaction(async (tx) => {
        await setScope(tx, { workspaceId, userId: null });
        const [before] = await tx.select({ planId: billingAccounts.planId }).from(billingAccounts).where(eq(billingAccounts.workspaceId, workspaceId)).for('update');
        const values = { planId: plan.id, status: 'active' as const, updatedAt: new Date() };
        if (before) await tx.update(billingAccounts).set(values).where(eq(billingAccounts.workspaceId, workspaceId));
        else await tx.insert(billingAccounts).values({ workspaceId, ...values });
        const ctx = { workspaceId, userId: null, role: 'owner' as const, actorLabel: 'operator' };
        const was = before?.planId ?? billing.plans.defaultPlan.id;
        await recordAudit(tx, ctx, { action: 'billing.plan_changed', targetType: 'workspace', targetId: workspaceId, details: { from: was, to: plan.id, status: 'active', by: 'operator' } });
        return was;
      });
    });
    io.stdout.write(`Workspace ${workspaceId} is on the ${plan.name} plan (was ${from}).${billing.enabled ? '' : ' Billing is off on this server, so no limits apply until BILLING_ENABLED=true.'}\n`);
  },
};
