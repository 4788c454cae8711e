import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** BILL-2: the payment providers Kestrel speaks to, one adapter each in `providers/`. */
export const billingProviders = ['stripe', 'paddle', 'razorpay'] as const;
export type BillingProviderKind = (typeof billingProviders)[number];

/**
 * BILL-1: what a plan limits. Monthly metrics start again on the first of each UTC month;
 * standing ones (seats, contacts) count what exists now.
 */
export const metrics = ['seats', 'contacts', 'ai_runs', 'emails'] as const;
export type Metric = (typeof metrics)[number];
export const monthlyMetrics: ReadonlySet<Metric> = new Set(['ai_runs', 'emails']);
export const metricLabels: Record<Metric, { one: string; many: string }> = {
  seats: { one: 'seat', many: 'seats' },
  contacts: { one: 'contact', many: 'contacts' },
  ai_runs: { one: 'AI run a month', many: 'AI runs a month' },
  emails: { one: 'email a month', many: 'emails a month' },
};

const limit = z.number().int().min(0).max(1_000_000_000).nullable();
const providerPrices = z.strictObject({ stripe: z.string().max(200).optional(), paddle: z.string().max(200).optional(), razorpay: z.string().max(200).optional() });

export const planSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a plan id is lower-case letters, digits, - and _'),
  name: z.string().min(1).max(80),
  /** Price a month in minor units (cents, paise) of `currency`; shown to people, charged by the provider. */
  priceMinor: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
  /** null or absent: unlimited. */
  limits: z.strictObject({ seats: limit.optional(), contacts: limit.optional(), ai_runs: limit.optional(), emails: limit.optional() }),
  /** Free credits granted each period with the plan (BILL-3), kept apart from bought ones. */
  monthlyCredits: z.number().int().min(0).max(100_000_000).default(0),
  /** The provider's price (or plan) id for this plan, per provider. */
  prices: providerPrices.default({}),
});
export type Plan = z.infer<typeof planSchema>;

export const creditPackSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/),
  credits: z.number().int().min(1).max(100_000_000),
  priceMinor: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/),
  prices: providerPrices.default({}),
});
export type CreditPack = z.infer<typeof creditPackSchema>;

export const planCatalogSchema = z
  .strictObject({
    plans: z.array(planSchema).min(1).max(50),
    /** The plan of a workspace that has bought none. */
    defaultPlan: z.string().optional(),
    packs: z.array(creditPackSchema).max(50).default([]),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    for (const p of c.plans) {
      if (ids.has(p.id)) ctx.addIssue({ code: 'custom', message: `plan "${p.id}" is listed twice` });
      ids.add(p.id);
    }
    if (c.defaultPlan && !ids.has(c.defaultPlan)) ctx.addIssue({ code: 'custom', message: `defaultPlan "${c.defaultPlan}" is not one of the plans` });
  });

export interface PlanCatalog {
  plans: Plan[];
  defaultPlan: Plan;
  packs: CreditPack[];
}

/** The plans an operator gets without configuring any. */
export const builtInPlans: z.input<typeof planCatalogSchema> = {
  defaultPlan: 'free',
  plans: [
    { id: 'free', name: 'Free', priceMinor: 0, currency: 'USD', limits: { seats: 2, contacts: 500, ai_runs: 50, emails: 500 }, monthlyCredits: 0 },
    { id: 'starter', name: 'Starter', priceMinor: 1900, currency: 'USD', limits: { seats: 5, contacts: 10_000, ai_runs: 1_000, emails: 10_000 }, monthlyCredits: 100 },
    { id: 'pro', name: 'Pro', priceMinor: 4900, currency: 'USD', limits: { seats: 25, contacts: 100_000, ai_runs: 10_000, emails: 100_000 }, monthlyCredits: 1_000 },
  ],
  packs: [{ id: 'credits-500', credits: 500, priceMinor: 1000, currency: 'USD' }],
};

/** Reads the operator's plans (inline JSON wins over a file); throws with a readable message. */
export function parsePlanCatalog(inline: string | undefined, file: string | undefined): PlanCatalog {
  let raw: unknown = builtInPlans;
  if (inline || file) {
    const text = inline ?? readFileSync(file!, 'utf8');
    try {
      raw = JSON.parse(text);
    } catch {
      throw new Error(`${inline ? 'BILLING_PLANS' : file} is not JSON like {"plans": [{"id": "free", "name": "Free", "priceMinor": 0, "currency": "USD", "limits": {"contacts": 500}}]}`);
    }
  }
  const parsed = planCatalogSchema.safeParse(raw);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const c = parsed.data;
  return { plans: c.plans, defaultPlan: c.plans.find((p) => p.id === c.defaultPlan) ?? c.plans[0]!, packs: c.packs };
}

export interface BillingConfig {
  enabled: boolean;
  provider: BillingProviderKind | null;
  plans: PlanCatalog;
  retentionYears: number;
  stripe: { secretKey: string; webhookSecret: string; apiUrl: string | null } | null;
  paddle: { apiKey: string; webhookSecret: string; environment: string } | null;
  razorpay: { keyId: string; keySecret: string; webhookSecret: string; apiUrl: string | null } | null;
}

export const planById = (billing: BillingConfig, id: string | null | undefined): Plan => billing.plans.plans.find((p) => p.id === id) ?? billing.plans.defaultPlan;
