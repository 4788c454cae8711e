import { isIP } from 'node:net';
import { z } from 'zod';
import { aiProviderKinds, priceTableSchema, type AiProviderKind, type PriceTable } from '../modules/ai/ai.contract';
import { billingProviders, parsePlanCatalog, type BillingConfig } from '../modules/billing/billing.config';

/**
 * Every setting Kestrel reads from the environment, validated once at boot.
 * Nothing else in the server reads process.env.
 */
const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * SEC-1: which proxies may name the client in X-Forwarded-For. `false` (none), a hop count, or a
 * comma list of proxy addresses/CIDRs (`127.0.0.1`, `10.0.0.0/8`, or proxy-addr's `loopback`,
 * `linklocal`, `uniquelocal`). `true` trusts every hop — any client may then pick its own address,
 * so it is safe only when every request passes a proxy that overwrites the header. A hop count
 * trusts that many hops whoever sends them: safe only when nothing but the proxies can reach Kestrel.
 */
export type TrustProxy = boolean | number | string[];

/** Fastify's trustProxy for the setting (Fastify itself treats a bare number as "trust none"). */
export function fastifyTrustProxy(setting: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}
const proxyNames = new Set(['loopback', 'linklocal', 'uniquelocal']);
const trustProxySetting = z.string().transform((raw, ctx): TrustProxy => {
  const v = raw.trim().toLowerCase();
  if (['', 'false', 'no', '0'].includes(v)) return false;
  if (['true', 'yes'].includes(v)) return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of list) {
    const [addr, bits, extra] = entry.split('/');
    const family = isIP(addr ?? '');
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32)) || (family === 4 && isIP(bits) === 4);
    if (!(proxyNames.has(entry) || (family !== 0 && okBits && extra === undefined))) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not false, a hop count, or a proxy address/CIDR like 127.0.0.1 or 10.0.0.0/8` });
      return z.NEVER;
    }
  }
  return list;
});

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: trustProxySetting.default(false),
    /** SEC-1: lets the development mailbox answer requests from other machines (still only to a signed-in operator). */
    DEV_MAILBOX_REMOTE: booleanish.default(false),
    /** CONV-2: let owners' knowledge pages be fetched from private, loopback and link-local addresses (tests, intranets). Off: such URLs are refused. */
    FETCH_ALLOW_PRIVATE_ADDRESSES: booleanish.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_APP_URL: z.string().url().optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
    /** SEC-3: when set, a backup is written here every night and backups older than BACKUP_RETENTION_DAYS are deleted. */
    BACKUP_DIR: z.string().min(1).optional(),
    BACKUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),

    /** Comma-separated `keyId:base64key` pairs; the first encrypts, all decrypt. */
    KESTREL_SECRET_KEYS: z.string().optional(),
    /** Signs CSRF tokens and other server-side MACs. */
    KESTREL_SESSION_SECRET: z.string().min(32).optional(),

    /** PRIV-9: who runs this installation, shown on the public privacy page (/privacy). */
    OPERATOR_NAME: z.string().trim().min(1).max(200).optional(),
    OPERATOR_EMAIL: z.email().max(320).optional(),

    MAIL_FROM: z.string().default('Kestrel <no-reply@kestrel.localhost>'),
    SMTP_URL: z.string().url().optional(),
    RESEND_API_KEY: z.string().optional(),
    RESEND_BASE_URL: z.string().url().optional(),
    /** MAIL-1: the DNS servers the sending-domain check asks (`1.1.1.1,9.9.9.9:53`); the system's when unset. */
    DNS_SERVERS: z.string().max(500).optional(),

    /** CONV-6: inbound email reaches the inbox at `<workspace token>@INBOUND_MAIL_DOMAIN` (point its MX here, or forward to it). */
    INBOUND_MAIL_DOMAIN: z.string().trim().toLowerCase().regex(/^[a-z0-9.-]+$/, 'a domain like inbound.example.com').default('kestrel.localhost'),
    /** CONV-6: the built-in SMTP receiver's port; unset, it is off (a mail provider's inbound webhook works either way). */
    INBOUND_SMTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
    INBOUND_SMTP_HOST: z.string().min(1).default('0.0.0.0'),
    /** CONV-6: the largest inbound email accepted, in bytes (default 10 MiB). */
    INBOUND_MAIL_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
    /** CONV-6: the WhatsApp Cloud API's root and version; tests point it at a local fake. */
    WHATSAPP_GRAPH_URL: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
    WHATSAPP_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),

    GOOGLE_CLIENT_ID: z.string().optional(),
    GOOGLE_CLIENT_SECRET: z.string().optional(),
    GOOGLE_ISSUER: z.string().url().default('https://accounts.google.com'),
    /** INT-1: Google's OAuth endpoints and API root for connections (Calendar); tests point them at a local fake. */
    GOOGLE_OAUTH_AUTHORIZE_URL: z.string().url().default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_OAUTH_TOKEN_URL: z.string().url().default('https://oauth2.googleapis.com/token'),
    /** PRIV-3: where a deleted account's Google tokens are revoked. */
    GOOGLE_OAUTH_REVOKE_URL: z.string().url().default('https://oauth2.googleapis.com/revoke'),
    GOOGLE_API_ROOT_URL: z.string().url().default('https://www.googleapis.com/'),
    /** MAIL-1: the Gmail API's root for Gmail sending accounts (`gmail.send` only). */
    GMAIL_API_ROOT_URL: z.string().url().default('https://gmail.googleapis.com/'),
    /** MAIL-1: Outlook sending accounts through Microsoft identity (`Mail.Send` + `offline_access`) and Microsoft Graph. */
    MICROSOFT_CLIENT_ID: z.string().optional(),
    MICROSOFT_CLIENT_SECRET: z.string().optional(),
    MICROSOFT_OAUTH_AUTHORIZE_URL: z.string().url().default('https://login.microsoftonline.com/common/oauth2/v2.0/authorize'),
    MICROSOFT_OAUTH_TOKEN_URL: z.string().url().default('https://login.microsoftonline.com/common/oauth2/v2.0/token'),
    MICROSOFT_GRAPH_URL: z.string().url().default('https://graph.microsoft.com/'),

    SESSION_IDLE_DAYS: z.coerce.number().positive().default(14),
    /** PRIV-4: days the transactional mail log and the audit log are kept; older rows are deleted daily. */
    MAIL_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    AUDIT_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    /** PRIV-3: days between an account deletion request and the purge of its rows (at most 7). */
    ACCOUNT_PURGE_DAYS: z.coerce.number().int().min(0).max(7).default(7),
    /** PRIV-3, PRIV-4: grace days a closed workspace can be reopened before it is purged (at most 30). */
    WORKSPACE_GRACE_DAYS: z.coerce.number().int().min(0).max(30).default(30),
    SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().default(60),
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456).default(19456),
    ARGON2_ITERATIONS: z.coerce.number().int().min(2).default(2),

    DEMO_WORKSPACE: booleanish.optional(),
    /** When set, /metrics requires `Authorization: Bearer <token>`. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Coarse per-IP flood guard over the whole API; sensitive routes have their own tighter limits. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** BOOK-3: bookings per minute one visitor (IP) may attempt on public booking pages. */
    BOOKING_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    /** CONV-1: the longest a visitor's live stream stays open before the widget reconnects (Last-Event-ID resumes it). */
    WIDGET_STREAM_MAX_SECONDS: z.coerce.number().int().min(1).max(86_400).default(1800),
    WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(50).default(2),
    /** MAIL-2: seconds without a heartbeat after which a sending campaign's worker is taken for dead and its claims are sent again. */
    CAMPAIGN_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
    /** CRM-7: the largest file an import accepts, in bytes (default 200 MiB). */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(200 * 1024 * 1024),
    /** Issue 14: the new space (MiB) an import's reading may grow V8's young generation to (modules/imports/young-generation.ts); 0: no cap. */
    IMPORT_YOUNG_MIB: z.coerce.number().int().min(0).max(1024).default(32),

    /** AI-1: the operator's provider, used by workspaces that connect none of their own. */
    AI_PROVIDER: z.enum(aiProviderKinds).optional(),
    AI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    AI_API_KEY: z.string().min(1).optional(),
    AI_MODEL: z.string().min(1).optional(),
    /** AI-3: the operator provider's embedding model (OpenAI and Google have a default; an OpenAI-compatible server needs one named). */
    AI_EMBEDDING_MODEL: z.string().min(1).optional(),
    /** AI-4: JSON `{"model": {"input": 0.15, "output": 0.6}}`, US dollars per million tokens; added to the built-in table. */
    AI_PRICES: z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (!s) return undefined;
        try {
          const parsed = priceTableSchema.safeParse(JSON.parse(s));
          if (parsed.success) return parsed.data;
        } catch {
          // reported below
        }
        ctx.addIssue({ code: 'custom', message: 'must be JSON like {"gpt-4o-mini": {"input": 0.15, "output": 0.6}} (dollars per million tokens)' });
        return z.NEVER;
      }),
    /** AI-4, WS-5: daily limits (UTC days); unset means unlimited. */
    AI_LIMIT_WORKSPACE_CALLS_PER_DAY: z.coerce.number().int().min(0).optional(),
    AI_LIMIT_USER_CALLS_PER_DAY: z.coerce.number().int().min(0).optional(),
    AI_LIMIT_WORKSPACE_TOKENS_PER_DAY: z.coerce.number().int().min(0).optional(),
    AI_LIMIT_USER_TOKENS_PER_DAY: z.coerce.number().int().min(0).optional(),
    /** Attempts per model call, counting the first; 429 and 5xx answers are retried with exponential back-off. */
    AI_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
    AI_RETRY_BASE_MS: z.coerce.number().int().min(0).max(60_000).default(500),
    /** A provider asking to wait longer than this (Retry-After) is not waited for. */
    AI_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(20_000),
    AI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(120_000),
    /**
     * AI-1 browser-key mode: origins the web app may call directly, besides OpenAI, Anthropic,
     * Google and servers on localhost (comma-separated, e.g. `https://llm.example.lan`).
     */
    AI_BROWSER_ORIGINS: z
      .string()
      .optional()
      .transform((s, ctx) => {
        const list = (s ?? '').split(',').map((o) => o.trim()).filter(Boolean);
        for (const o of list) if (!/^https?:\/\/[^/\s]+$/.test(o)) ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin like https://llm.example.lan` });
        return list;
      }),

    /** BILL-4: billing (plans, limits, credits, payments) is off unless the operator turns it on. */
    BILLING_ENABLED: booleanish.default(false),
    /** BILL-2: the one payment provider; without one, plans are assigned by the operator only. */
    BILLING_PROVIDER: z.enum(billingProviders).optional(),
    /** BILL-1: plans as JSON (`{"plans": [...]}`) inline, or a JSON file's path; unset: the built-in Free, Starter and Pro. */
    BILLING_PLANS: z.string().optional(),
    BILLING_PLANS_FILE: z.string().optional(),
    /** BILL-5: years billing records are kept after their workspace or account is deleted. */
    BILLING_RETENTION_YEARS: z.coerce.number().int().min(1).max(30).default(7),
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Where the Stripe SDK connects (tests point it at a local fake), e.g. http://127.0.0.1:4242. */
    STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** BILL-2 Paddle Billing: an API key and the notification destination's secret key. */
    PADDLE_API_KEY: z.string().min(1).max(500).optional(),
    PADDLE_WEBHOOK_SECRET: z.string().min(1).max(500).optional(),
    /** `production`, `sandbox`, or a URL the Paddle SDK connects to (tests point it at a local fake). */
    PADDLE_ENVIRONMENT: z.union([z.enum(['production', 'sandbox']), z.url({ protocol: /^https?$/ })]).default('production'),
    /** BILL-2 Razorpay: the key id and secret, and the webhook secret. */
    RAZORPAY_KEY_ID: z.string().min(1).max(200).optional(),
    RAZORPAY_KEY_SECRET: z.string().min(1).max(500).optional(),
    RAZORPAY_WEBHOOK_SECRET: z.string().min(1).max(500).optional(),
    /** Where the Razorpay SDK connects (tests point it at a local fake), e.g. http://127.0.0.1:4243. */
    RAZORPAY_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((c, ctx) => {
    if (c.BILLING_PROVIDER === 'paddle' && (!c.PADDLE_API_KEY || !c.PADDLE_WEBHOOK_SECRET))
      ctx.addIssue({ code: 'custom', path: ['PADDLE_API_KEY'], message: 'set PADDLE_API_KEY and PADDLE_WEBHOOK_SECRET with BILLING_PROVIDER=paddle' });
    if (c.BILLING_PROVIDER === 'razorpay' && (!c.RAZORPAY_KEY_ID || !c.RAZORPAY_KEY_SECRET || !c.RAZORPAY_WEBHOOK_SECRET))
      ctx.addIssue({ code: 'custom', path: ['RAZORPAY_KEY_ID'], message: 'set RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET with BILLING_PROVIDER=razorpay' });
    if (c.BILLING_PROVIDER === 'stripe' && (!c.STRIPE_SECRET_KEY || !c.STRIPE_WEBHOOK_SECRET))
      ctx.addIssue({ code: 'custom', path: ['STRIPE_SECRET_KEY'], message: 'set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET with BILLING_PROVIDER=stripe' });
    if (c.NODE_ENV === 'production') {
      if (!c.KESTREL_SECRET_KEYS)
        ctx.addIssue({ code: 'custom', path: ['KESTREL_SECRET_KEYS'], message: 'required in production' });
      if (!c.KESTREL_SESSION_SECRET)
        ctx.addIssue({ code: 'custom', path: ['KESTREL_SESSION_SECRET'], message: 'required in production' });
    }
    if ((c.GOOGLE_CLIENT_ID && !c.GOOGLE_CLIENT_SECRET) || (!c.GOOGLE_CLIENT_ID && c.GOOGLE_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['GOOGLE_CLIENT_ID'], message: 'set both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, or neither' });
    }
    if (Boolean(c.MICROSOFT_CLIENT_ID) !== Boolean(c.MICROSOFT_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['MICROSOFT_CLIENT_ID'], message: 'set both MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET, or neither' });
    }
    if (c.AI_PROVIDER) {
      if (!c.AI_MODEL) ctx.addIssue({ code: 'custom', path: ['AI_MODEL'], message: 'required with AI_PROVIDER (e.g. gpt-4o-mini)' });
      if (c.AI_PROVIDER === 'openai_compatible' && !c.AI_BASE_URL) ctx.addIssue({ code: 'custom', path: ['AI_BASE_URL'], message: 'required when AI_PROVIDER is openai_compatible' });
      if (c.AI_PROVIDER !== 'openai_compatible' && !c.AI_API_KEY) ctx.addIssue({ code: 'custom', path: ['AI_API_KEY'], message: `required when AI_PROVIDER is ${c.AI_PROVIDER}` });
    } else {
      for (const key of ['AI_BASE_URL', 'AI_API_KEY', 'AI_MODEL'] as const) {
        if (c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'set AI_PROVIDER too (openai, anthropic, google or openai_compatible)' });
      }
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

/** AI-1: the operator's provider. Its key stays in memory; it is never returned or logged. */
export interface OperatorAiProvider {
  kind: AiProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  model: string;
  embeddingModel: string | null;
}

export interface AiConfig {
  operator: OperatorAiProvider | null;
  /** Operator prices added to the built-in table (AI_PRICES). */
  prices: PriceTable;
  limits: { workspaceCallsPerDay: number | null; userCallsPerDay: number | null; workspaceTokensPerDay: number | null; userTokensPerDay: number | null };
  retry: { maxAttempts: number; baseMs: number; maxDelayMs: number };
  timeoutMs: number;
}

export interface Config extends Omit<RawConfig, 'AI_API_KEY' | 'STRIPE_SECRET_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'PADDLE_API_KEY' | 'PADDLE_WEBHOOK_SECRET' | 'RAZORPAY_KEY_SECRET' | 'RAZORPAY_WEBHOOK_SECRET'> {
  publicUrl: string;
  billing: BillingConfig;
  isProduction: boolean;
  demoWorkspace: boolean;
  ai: AiConfig;
}

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "unset", not "the empty value".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  // The operator's AI key lives only in `ai.operator`, so that dumping the config cannot print it.
  const { AI_API_KEY, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, PADDLE_API_KEY, PADDLE_WEBHOOK_SECRET, RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET, ...c } = parsed.data;
  let plans;
  try {
    plans = parsePlanCatalog(c.BILLING_PLANS, c.BILLING_PLANS_FILE);
  } catch (error) {
    throw new ConfigError([`BILLING_PLANS: ${(error as Error).message}`]);
  }
  const displayHost = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
  return {
    ...c,
    publicUrl: (c.PUBLIC_URL ?? `http://${displayHost}:${c.PORT}`).replace(/\/$/, ''),
    isProduction: c.NODE_ENV === 'production',
    billing: {
      enabled: c.BILLING_ENABLED,
      provider: c.BILLING_PROVIDER ?? null,
      plans,
      retentionYears: c.BILLING_RETENTION_YEARS,
      stripe: STRIPE_SECRET_KEY && STRIPE_WEBHOOK_SECRET ? { secretKey: STRIPE_SECRET_KEY, webhookSecret: STRIPE_WEBHOOK_SECRET, apiUrl: c.STRIPE_API_URL ?? null } : null,
      paddle: PADDLE_API_KEY && PADDLE_WEBHOOK_SECRET ? { apiKey: PADDLE_API_KEY, webhookSecret: PADDLE_WEBHOOK_SECRET, environment: c.PADDLE_ENVIRONMENT } : null,
      razorpay:
        c.RAZORPAY_KEY_ID && RAZORPAY_KEY_SECRET && RAZORPAY_WEBHOOK_SECRET ? { keyId: c.RAZORPAY_KEY_ID, keySecret: RAZORPAY_KEY_SECRET, webhookSecret: RAZORPAY_WEBHOOK_SECRET, apiUrl: c.RAZORPAY_API_URL ?? null } : null,
    },
    demoWorkspace: c.DEMO_WORKSPACE ?? c.NODE_ENV === 'development',
    ai: {
      operator: c.AI_PROVIDER && c.AI_MODEL ? { kind: c.AI_PROVIDER, baseUrl: c.AI_BASE_URL?.replace(/\/+$/, '') ?? null, apiKey: AI_API_KEY ?? null, model: c.AI_MODEL, embeddingModel: c.AI_EMBEDDING_MODEL ?? null } : null,
      prices: c.AI_PRICES ?? {},
      limits: {
        workspaceCallsPerDay: c.AI_LIMIT_WORKSPACE_CALLS_PER_DAY ?? null,
        userCallsPerDay: c.AI_LIMIT_USER_CALLS_PER_DAY ?? null,
        workspaceTokensPerDay: c.AI_LIMIT_WORKSPACE_TOKENS_PER_DAY ?? null,
        userTokensPerDay: c.AI_LIMIT_USER_TOKENS_PER_DAY ?? null,
      },
      retry: { maxAttempts: c.AI_MAX_ATTEMPTS, baseMs: c.AI_RETRY_BASE_MS, maxDelayMs: c.AI_RETRY_MAX_DELAY_MS },
      timeoutMs: c.AI_TIMEOUT_MS,
    },
  };
}
