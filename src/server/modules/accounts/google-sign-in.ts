import { and, eq, isNull, sql } from 'drizzle-orm';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { createSession } from '../../platform/auth/sessions';
import type { Config } from '../../platform/config';
import { hmac, safeEqual } from '../../platform/crypto/tokens';
import type { Queryable } from '../../platform/db/database';
import type { Services } from '../../platform/services';
import { recordAccountAudit } from '../audit';
import { emailSchema } from './accounts.contract';
import { recoveryCodes, sessions, users } from './accounts.schema';
import type { RequestMeta } from './request-meta';
import { findUserByEmail, type User } from './users';

/**
 * AUTH-4: Sign in with Google, OpenID Connect's authorization code flow with PKCE, state and
 * nonce. Of everything Google says about a person only the account id (`sub`) and the email
 * are kept; no Google token outlives the request that received it.
 */

/** PRIV-8: the only cookie besides the session's. */
export const OAUTH_COOKIE = 'kestrel_oauth';
/** Sent only to the Google routes. */
export const OAUTH_COOKIE_PATH = '/api/auth/google';
export const OAUTH_COOKIE_SECONDS = 600;
const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const HTTP_TIMEOUT_MS = 10_000;
const SCOPE = 'openid email';

export type GoogleFailure = 'google_state_invalid' | 'google_denied' | 'google_email_unverified' | 'google_failed';

/** A failure of the browser flow: the person is sent to `/sign-in?error=<code>`; `reason` is for the log only. */
export class GoogleSignInError extends Error {
  constructor(
    public readonly failure: GoogleFailure,
    public readonly reason: string,
  ) {
    super(`${failure}: ${reason}`);
    this.name = 'GoogleSignInError';
  }
}

export const isGoogleConfigured = (config: Config) => Boolean(config.GOOGLE_CLIENT_ID && config.GOOGLE_CLIENT_SECRET);
export const googleRedirectUri = (config: Config) => `${config.publicUrl}/api/auth/google/callback`;

// ---------------------------------------------------------------------------------------------
// The short-lived cookie: HMAC-signed with the session secret, so it cannot be forged or edited.

const authorizeState = z.object({
  kind: z.literal('authorize'),
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  returnTo: z.string().nullable(),
  exp: z.number(),
});
/** A Google identity that has no account yet: the account is created once the person confirms 18+ (AUTH-8). */
const pendingSignUp = z.object({
  kind: z.literal('pending'),
  sub: z.string(),
  email: z.string(),
  name: z.string(),
  returnTo: z.string().nullable(),
  exp: z.number(),
});
const oauthCookieValue = z.discriminatedUnion('kind', [authorizeState, pendingSignUp]);
export type OAuthCookieValue = z.infer<typeof oauthCookieValue>;
export type AuthorizeState = z.infer<typeof authorizeState>;
export type PendingSignUp = z.infer<typeof pendingSignUp>;

const cookieMac = (secret: string, payload: string) => hmac(secret, `kestrel_oauth:v1:${payload}`);

export function sealOAuthCookie(secret: string, value: OAuthCookieValue): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${cookieMac(secret, payload)}`;
}

/** The cookie's value if it is ours, untouched and not expired; otherwise null. */
export function openOAuthCookie(secret: string, raw: string | undefined, now = Date.now()): OAuthCookieValue | null {
  if (!raw || raw.length > 4096) return null;
  const dot = raw.indexOf('.');
  if (dot < 1) return null;
  const payload = raw.slice(0, dot);
  if (!safeEqual(raw.slice(dot + 1), cookieMac(secret, payload))) return null;
  try {
    const value = oauthCookieValue.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return value.exp * 1000 > now ? value : null;
  } catch {
    return null;
  }
}

export const cookieExpiry = () => Math.floor(Date.now() / 1000) + OAUTH_COOKIE_SECONDS;

/** A same-site path to land on after signing in, or null: never another origin (no open redirect). */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 512 || !value.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(value)) return null;
  const base = 'http://kestrel.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  if (url.origin !== base || value.startsWith('//')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** Where the browser goes once signed in: the second factor first when it is on (AUTH-6). */
export function landingPath(mfaPending: boolean, returnTo: string | null): string {
  if (!mfaPending) return returnTo ?? '/';
  return returnTo ? `/two-factor?redirect=${encodeURIComponent(returnTo)}` : '/two-factor';
}

// ---------------------------------------------------------------------------------------------
// The OpenID Connect client.

/** What Google vouches for; only `sub` and `email` are ever stored. */
export interface GoogleIdentity {
  sub: string;
  email: string;
  emailVerified: boolean;
  /** Used once to name a new account; not stored as Google's. */
  name: string | null;
}

const idTokenClaims = z.object({
  sub: z.string().min(1).max(255),
  email: emailSchema,
  email_verified: z.unknown().optional(),
  name: z.string().optional(),
});

/** One per app: holds the provider's discovered metadata (and, through it, its cached JWKS). */
export class GoogleOidcClient {
  private discovered: { as: oauth.AuthorizationServer; until: number } | null = null;
  private discovering: Promise<oauth.AuthorizationServer> | null = null;

  constructor(private readonly config: Config) {}

  get configured(): boolean {
    return isGoogleConfigured(this.config);
  }

  private get client(): oauth.Client {
    return { client_id: this.config.GOOGLE_CLIENT_ID! };
  }

  /** Plain http only for the local provider of the test suite; Google itself is https. */
  private get httpOptions() {
    const insecure = this.config.NODE_ENV === 'test' && this.config.GOOGLE_ISSUER.startsWith('http:');
    return { [oauth.allowInsecureRequests]: insecure, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) };
  }

  /** The provider's discovery document, fetched once an hour at most (concurrent callers share one fetch). */
  async authorizationServer(): Promise<oauth.AuthorizationServer> {
    if (this.discovered && this.discovered.until > Date.now()) return this.discovered.as;
    this.discovering ??= (async () => {
      try {
        const issuer = new URL(this.config.GOOGLE_ISSUER);
        const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...this.httpOptions }));
        if (!as.authorization_endpoint || !as.token_endpoint || !as.jwks_uri) throw new Error('discovery document lacks an authorization, token or JWKS endpoint');
        this.discovered = { as, until: Date.now() + DISCOVERY_TTL_MS };
        return as;
      } finally {
        this.discovering = null;
      }
    })();
    try {
      return await this.discovering;
    } catch (err) {
      throw new GoogleSignInError('google_failed', `discovery at ${this.config.GOOGLE_ISSUER} failed: ${describe(err)}`);
    }
  }

  /** The URL to send the browser to, and the state to keep in the cookie until it comes back. */
  async start(returnTo: string | null): Promise<{ url: URL; state: AuthorizeState }> {
    const as = await this.authorizationServer();
    const state: AuthorizeState = {
      kind: 'authorize',
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
      codeVerifier: oauth.generateRandomCodeVerifier(),
      returnTo,
      exp: cookieExpiry(),
    };
    const url = new URL(as.authorization_endpoint!);
    url.searchParams.set('client_id', this.client.client_id);
    url.searchParams.set('redirect_uri', googleRedirectUri(this.config));
    url.searchParams.set('response_type', 'code');
    // Not `profile`: Kestrel keeps only the account id and the email (AUTH-4).
    url.searchParams.set('scope', SCOPE);
    url.searchParams.set('state', state.state);
    url.searchParams.set('nonce', state.nonce);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(state.codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    return { url, state };
  }

  /**
   * Checks the redirect back from the provider against the cookie's state, redeems the code
   * with the PKCE verifier and validates the ID token: signature (JWKS), issuer, audience,
   * expiry and nonce. The tokens are dropped here.
   */
  async finish(callback: URLSearchParams, expected: AuthorizeState): Promise<GoogleIdentity> {
    const sentState = callback.get('state');
    if (!sentState || !safeEqual(sentState, expected.state)) throw new GoogleSignInError('google_state_invalid', 'state parameter does not match the cookie');
    const as = await this.authorizationServer();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, this.client, callback, expected.state);
    } catch (err) {
      if (err instanceof oauth.AuthorizationResponseError) {
        throw new GoogleSignInError(err.error === 'access_denied' ? 'google_denied' : 'google_failed', `authorization error ${err.error}`);
      }
      throw new GoogleSignInError('google_failed', `authorization response rejected: ${describe(err)}`);
    }
    let claims: oauth.IDToken;
    try {
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        this.client,
        oauth.ClientSecretBasic(this.config.GOOGLE_CLIENT_SECRET!),
        params,
        googleRedirectUri(this.config),
        expected.codeVerifier,
        this.httpOptions,
      );
      const result = await oauth.processAuthorizationCodeResponse(as, this.client, response, { expectedNonce: expected.nonce, requireIdToken: true });
      // The token came straight from the provider over TLS; checking its signature too costs one cached JWKS fetch.
      await oauth.validateApplicationLevelSignature(as, response, this.httpOptions);
      claims = oauth.getValidatedIdTokenClaims(result)!;
    } catch (err) {
      throw new GoogleSignInError('google_failed', `token exchange or ID token rejected: ${describe(err)}`);
    }
    const parsed = idTokenClaims.safeParse(claims);
    if (!parsed.success) throw new GoogleSignInError('google_failed', `ID token lacks a usable sub or email (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`);
    const name = parsed.data.name?.trim().slice(0, 120) || null;
    return { sub: parsed.data.sub, email: parsed.data.email, emailVerified: parsed.data.email_verified === true, name };
  }
}

/** Names and codes of an error, never its `cause` (which can hold a token response). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err as { code?: unknown }).code;
  const oauthError = err instanceof oauth.ResponseBodyError ? ` (${err.error})` : '';
  return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}${oauthError}`;
}

// ---------------------------------------------------------------------------------------------
// Accounts.

export type GoogleSignInOutcome =
  | { kind: 'signed_in'; user: User; session: { token: string; id: string }; mfaPending: boolean }
  | { kind: 'needs_sign_up'; pending: PendingSignUp };

async function findUserByGoogleSub(tx: Queryable, sub: string) {
  const [user] = await tx.select().from(users).where(eq(users.googleSub, sub));
  return user ?? null;
}

/** The email's local part, as a display name the person can change: Google's profile is not asked for. */
export const nameFromEmail = (email: string) => email.split('@')[0]!.slice(0, 120) || 'Kestrel user';

/**
 * After Google has vouched for someone: the account with that Google id, else the account with
 * that (Google-verified) email, which gets linked; else nothing yet, and the caller asks for the
 * 18+ confirmation before `completeGoogleSignUp` creates the account.
 */
export async function signInWithGoogle(services: Services, identity: GoogleIdentity, returnTo: string | null, meta: RequestMeta): Promise<GoogleSignInOutcome> {
  await services.rateLimit.hit({ key: `google:ip:${meta.ip}`, max: 30, windowSeconds: 900 });
  const { db } = services.database;
  if (!identity.emailVerified) {
    const known = (await findUserByGoogleSub(db, identity.sub)) ?? (await findUserByEmail(db, identity.email));
    if (known) await recordAccountAudit(db, known, meta, { action: 'auth.sign_in_failed', details: { method: 'google', reason: 'email_unverified' } });
    throw new GoogleSignInError('google_email_unverified', 'Google says the email is not verified');
  }
  const result = await signInOrLink(services, identity, meta, { create: false });
  if (result) return { kind: 'signed_in', ...result };
  return {
    kind: 'needs_sign_up',
    pending: { kind: 'pending', sub: identity.sub, email: identity.email, name: identity.name ?? nameFromEmail(identity.email), returnTo, exp: cookieExpiry() },
  };
}

/** AUTH-8: the person confirmed they are 18 or over; create the account (or sign in if one appeared meanwhile). */
export async function completeGoogleSignUp(services: Services, pending: PendingSignUp, meta: RequestMeta) {
  await services.rateLimit.hit({ key: `google:ip:${meta.ip}`, max: 30, windowSeconds: 900 });
  const result = await signInOrLink(services, { sub: pending.sub, email: pending.email, emailVerified: true, name: pending.name }, meta, { create: true });
  return result!;
}

async function signInOrLink(services: Services, identity: GoogleIdentity, meta: RequestMeta, opts: { create: boolean }) {
  const { db } = services.database;
  const bySub = await findUserByGoogleSub(db, identity.sub);
  const byEmail = bySub ? null : await findUserByEmail(db, identity.email);
  if (byEmail?.googleSub) {
    // Same address, another Google account (Workspace addresses can be reassigned): never relink silently.
    await recordAccountAudit(db, byEmail, meta, { action: 'auth.sign_in_failed', details: { method: 'google', reason: 'linked_to_another_google_account' } });
    throw new GoogleSignInError('google_failed', 'the email belongs to an account linked to a different Google account');
  }
  if (!bySub && !byEmail && !opts.create) return null;

  return db.transaction(async (tx) => {
    let user: User;
    let how: 'returning' | 'linked' | 'created';
    if (bySub) {
      user = bySub;
      how = 'returning';
    } else if (byEmail) {
      user = await linkGoogle(tx, byEmail, identity.sub);
      how = 'linked';
    } else {
      const [created] = await tx
        .insert(users)
        .values({ email: identity.email, name: identity.name ?? nameFromEmail(identity.email), googleSub: identity.sub, emailVerifiedAt: sql`now()`, ageConfirmedAt: sql`now()` })
        .onConflictDoNothing()
        .returning();
      if (!created) throw new GoogleSignInError('google_failed', 'an account with this email or Google id was created concurrently');
      user = created;
      how = 'created';
    }
    const mfaPending = Boolean(user.totpEnabledAt);
    const session = await createSession(tx, services.config, user.id, { ...meta, mfaPending, method: 'google' });
    if (!mfaPending) await recordAccountAudit(tx, user, meta, { action: 'auth.sign_in', details: { method: 'google', ...(how === 'returning' ? {} : { [how]: true }) } });
    return { user, session, mfaPending };
  });
}

/**
 * Links a Google id to the account with the same email. Google verified the address; if the
 * account never did, whoever created it may not own the address (account pre-hijacking), so
 * its password, second factor and sessions are dropped: from now on the address's owner holds it.
 */
async function linkGoogle(tx: Queryable, user: User, sub: string): Promise<User> {
  const unverified = !user.emailVerifiedAt;
  const [linked] = await tx
    .update(users)
    .set({
      googleSub: sub,
      emailVerifiedAt: user.emailVerifiedAt ?? sql`now()`,
      updatedAt: new Date(),
      ...(unverified ? { passwordHash: null, totpSecretSealed: null, totpEnabledAt: null } : {}),
    })
    .where(and(eq(users.id, user.id), isNull(users.googleSub)))
    .returning();
  if (!linked) throw new GoogleSignInError('google_failed', 'the account was linked to a Google account concurrently');
  if (unverified) {
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
  }
  return linked;
}
