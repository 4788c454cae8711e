import { z } from 'zod';

/**
 * Every setting Kestrel reads from the environment, validated once at boot.
 * Nothing else in the server reads process.env.
 */
const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: booleanish.default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATA_DIR: z.string().default('./data'),
    DATABASE_URL: z.string().url().optional(),
    DATABASE_APP_URL: z.string().url().optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),

    /** Comma-separated `keyId:base64key` pairs; the first encrypts, all decrypt. */
    KESTREL_SECRET_KEYS: z.string().optional(),
    /** Signs CSRF tokens and other server-side MACs. */
    KESTREL_SESSION_SECRET: z.string().min(32).optional(),

    MAIL_FROM: z.string().default('Kestrel <no-reply@kestrel.localhost>'),
    SMTP_URL: z.string().url().optional(),
    RESEND_API_KEY: z.string().optional(),
    RESEND_BASE_URL: z.string().url().optional(),

    GOOGLE_CLIENT_ID: z.string().optional(),
    GOOGLE_CLIENT_SECRET: z.string().optional(),
    GOOGLE_ISSUER: z.string().url().default('https://accounts.google.com'),

    SESSION_IDLE_DAYS: z.coerce.number().positive().default(14),
    SESSION_ABSOLUTE_DAYS: z.coerce.number().positive().default(60),
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(19456).default(19456),
    ARGON2_ITERATIONS: z.coerce.number().int().min(2).default(2),

    DEMO_WORKSPACE: booleanish.optional(),
    /** When set, /metrics requires `Authorization: Bearer <token>`. */
    METRICS_TOKEN: z.string().min(16).optional(),
    /** Coarse per-IP flood guard over the whole API; sensitive routes have their own tighter limits. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(50).default(2),
    /** CRM-7: the largest file an import accepts, in bytes (default 200 MiB). */
    IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(200 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production') {
      if (!c.KESTREL_SECRET_KEYS)
        ctx.addIssue({ code: 'custom', path: ['KESTREL_SECRET_KEYS'], message: 'required in production' });
      if (!c.KESTREL_SESSION_SECRET)
        ctx.addIssue({ code: 'custom', path: ['KESTREL_SESSION_SECRET'], message: 'required in production' });
    }
    if ((c.GOOGLE_CLIENT_ID && !c.GOOGLE_CLIENT_SECRET) || (!c.GOOGLE_CLIENT_ID && c.GOOGLE_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['GOOGLE_CLIENT_ID'], message: 'set both GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET, or neither' });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  publicUrl: string;
  isProduction: boolean;
  demoWorkspace: boolean;
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
  const c = parsed.data;
  const displayHost = c.HOST === '0.0.0.0' || c.HOST === '::' ? 'localhost' : c.HOST;
  return {
    ...c,
    publicUrl: (c.PUBLIC_URL ?? `http://${displayHost}:${c.PORT}`).replace(/\/$/, ''),
    isProduction: c.NODE_ENV === 'production',
    demoWorkspace: c.DEMO_WORKSPACE ?? c.NODE_ENV === 'development',
  };
}
