import { loadCliConfig } from './platform';
import { metricLabels, metrics } from '../modules/billing/billing.config';
import { money } from '../modules/billing/apply-event';
import type { Command } from './command';

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
