import { z } from 'zod';

/** Request and response shapes of /api/auth, shared by the server and the web app. */

/**
 * An email address as RFC 6531 allows it: a local part and a domain in any script
 * (`müller@beispiel.de`, `δοκιμή@παράδειγμα.δοκιμή`, `用户@例子.广告`) as well as ASCII. Letters,
 * marks and digits of every script, the symbols people use (`_ ' + -`), dots between parts; a
 * domain of labels with a top-level label of letters (or its xn-- form).
 */
export const emailAddressPattern =
  /^(?=[^@]{1,64}@)[\p{L}\p{M}\p{N}_'+-]+(?:\.[\p{L}\p{M}\p{N}_'+-]+)*@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]{0,61}[\p{L}\p{M}\p{N}])?\.)+(?:[\p{L}\p{M}]{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * The one form an address is stored and compared in: Unicode NFC (so a "ü" typed as u + ¨ is the
 * same address as "ü") and lower case, as addresses have always been compared here.
 */
export const normaliseEmail = (e: string) => e.trim().normalize('NFC').toLowerCase();

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .transform((e) => e.normalize('NFC'))
  .pipe(z.email({ pattern: emailAddressPattern, message: 'Enter a valid email address.' }))
  .transform((e) => e.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.');
export const nameSchema = z.string().trim().min(1, 'Enter your name.').max(120);
export const codeSchema = z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code.');

export const signUpBody = z.strictObject({
  name: nameSchema,
  email: emailSchema,
  password: passwordSchema,
  /** AUTH-8 */
  ageConfirmed: z.literal(true, { message: 'Kestrel is for people 18 and over; please confirm.' }),
});

export const signInBody = z.strictObject({ email: emailSchema, password: z.string().min(1).max(200) });
export const requestCodeBody = z.strictObject({ email: emailSchema });
export const verifyCodeBody = z.strictObject({ email: emailSchema, code: codeSchema });
export const forgotPasswordBody = z.strictObject({ email: emailSchema });
export const resetPasswordBody = z.strictObject({ token: z.string().min(20).max(200), password: passwordSchema });
export const changePasswordBody = z.strictObject({ currentPassword: z.string().max(200).optional(), newPassword: passwordSchema });
export const updateProfileBody = z.strictObject({ name: nameSchema });
export const twoFactorCodeBody = z.strictObject({ code: z.string().trim().min(6).max(20) });
export const enableTwoFactorBody = z.strictObject({ code: codeSchema });
export const disableTwoFactorBody = z.strictObject({ code: z.string().trim().min(6).max(20) });

/** What the client should do next after a sign-in step. */
export const signInResult = z.object({ next: z.enum(['done', 'two_factor']) }).meta({ id: 'SignInResult' });
export const acceptedResult = z.object({ status: z.literal('accepted'), message: z.string() }).meta({ id: 'Accepted' });

export const workspaceSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(['owner', 'admin', 'staff', 'client']),
  /** PRIV-3: a closed workspace's purge date (ISO); absent or null when it is open. */
  closedUntil: z.string().nullable().optional(),
}).meta({ id: 'WorkspaceSummary' });

export const meResponse = z
  .object({
    user: z
      .object({
        id: z.uuid(),
        email: z.string(),
        name: z.string(),
        hasPassword: z.boolean(),
        googleLinked: z.boolean(),
        twoFactorEnabled: z.boolean(),
        createdAt: z.string(),
      })
      .nullable(),
    mfaPending: z.boolean(),
    csrfToken: z.string().nullable(),
    googleEnabled: z.boolean(),
    /** BILL-4: whether this server has billing (plans, limits, credits) turned on. */
    billingEnabled: z.boolean(),
    workspaces: z.array(workspaceSummary),
  })
  .meta({ id: 'Me' });

export const sessionItem = z
  .object({ id: z.string(), userAgent: z.string().nullable(), ip: z.string().nullable(), createdAt: z.string(), lastSeenAt: z.string(), current: z.boolean() })
  .meta({ id: 'Session' });
export const sessionsResponse = z.object({ sessions: z.array(sessionItem) });
export const sessionParams = z.strictObject({ sessionId: z.string().regex(/^[0-9a-f]{64}$/, 'Not a session id.') });

export const twoFactorSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string() }).meta({ id: 'TwoFactorSetup' });
export const recoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) }).meta({ id: 'RecoveryCodes' });

export type MeResponse = z.infer<typeof meResponse>;
export type SessionItem = z.infer<typeof sessionItem>;
