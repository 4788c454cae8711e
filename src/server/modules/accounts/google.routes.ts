import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../platform/config';
import { AppError, errorBodySchema } from '../../platform/http/errors';
import { requestMeta } from './request-meta';
import { setSessionCookie } from './session-cookie';
import {
  completeGoogleSignUp,
  GoogleOidcClient,
  GoogleSignInError,
  landingPath,
  OAUTH_COOKIE,
  OAUTH_COOKIE_PATH,
  OAUTH_COOKIE_SECONDS,
  openOAuthCookie,
  safeReturnTo,
  sealOAuthCookie,
  signInWithGoogle,
  type OAuthCookieValue,
} from './google-sign-in';

const startQuery = z.strictObject({
  returnTo: z.string().max(2000).optional().describe('A path on this site to land on after signing in, e.g. /w/…/settings'),
});
/** Loose on purpose: providers add parameters of their own (Google: scope, authuser, prompt, hd). */
const callbackQuery = z.looseObject({
  code: z.string().max(2000).optional(),
  state: z.string().max(2000).optional(),
  error: z.string().max(2000).optional(),
});
const completeBody = z.strictObject({
  /** AUTH-8 */
  ageConfirmed: z.literal(true, { message: 'Kestrel is for people 18 and over; please confirm.' }),
});
const completeResult = z
  .object({ next: z.enum(['done', 'two_factor']), redirectTo: z.string().describe('Where the web app should go now') })
  .meta({ id: 'GoogleSignUpResult' });
const redirect = z.null().describe('302 redirect (Location header)');

const notConfiguredMessage =
  'Sign-in with Google is not set up on this Kestrel server. An administrator can switch it on by setting GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET (an OAuth client of type "Web application" in Google Cloud, with the redirect URI <PUBLIC_URL>/api/auth/google/callback).';

/** AUTH-4: Sign in with Google. A browser flow: failures redirect to the sign-in page with a code, never a JSON page. */
export async function googleRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const { config, secrets } = services;
  const google = new GoogleOidcClient(config);
  const tags = ['auth'];

  const setOAuthCookie = (reply: FastifyReply, value: OAuthCookieValue) =>
    reply.setCookie(OAUTH_COOKIE, sealOAuthCookie(secrets.sessionSecret, value), {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(config),
      path: OAUTH_COOKIE_PATH,
      maxAge: OAUTH_COOKIE_SECONDS,
    });
  const clearOAuthCookie = (reply: FastifyReply) =>
    reply.clearCookie(OAUTH_COOKIE, { httpOnly: true, sameSite: 'lax', secure: secureCookies(config), path: OAUTH_COOKIE_PATH });

  /** The browser lands on the sign-in page with a code it can explain; the log says why, without tokens. */
  const failTo = (request: FastifyRequest, reply: FastifyReply, err: unknown) => {
    const failure = err instanceof GoogleSignInError ? err.failure : err instanceof AppError && err.statusCode === 429 ? 'rate_limited' : 'google_failed';
    const reason = err instanceof GoogleSignInError ? err.reason : err instanceof Error ? `${err.name}: ${err.message}` : 'unknown';
    request.log.warn({ googleSignIn: { failure, reason } }, 'Google sign-in failed');
    clearOAuthCookie(reply);
    return reply.redirect(`/sign-in?error=${failure}`, 302);
  };

  app.get(
    '/api/auth/google/start',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Start signing in with Google (AUTH-4): sets the short-lived state cookie and redirects to Google',
        querystring: startQuery,
        response: { 302: redirect, 404: errorBodySchema },
      },
      errorHandler: (err, request, reply) => failTo(request, reply, err),
    },
    async (request, reply) => {
      if (!google.configured) {
        // A person following a link gets the sign-in page with an explanation; an API caller gets the error.
        if (request.headers.accept?.includes('text/html')) return reply.redirect('/sign-in?error=google_not_configured', 302);
        return reply.code(404).send({ error: { code: 'google_not_configured', message: notConfiguredMessage, details: {} } });
      }
      const { url, state } = await google.start(safeReturnTo(request.query.returnTo));
      setOAuthCookie(reply, state);
      return reply.header('cache-control', 'no-store').redirect(url.href, 302);
    },
  );

  app.get(
    '/api/auth/google/callback',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Where Google sends the browser back (AUTH-4); redirects into the web app',
        querystring: callbackQuery,
        response: { 302: redirect },
      },
      // Whatever goes wrong, even a malformed query, the browser gets a page it can show.
      errorHandler: (err, request, reply) => failTo(request, reply, err),
      // The query holds the authorization code: keep it out of the request log.
      logSerializers: { req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], host: req.host, remoteAddress: req.ip }) },
    },
    async (request, reply) => {
      if (!google.configured) throw new GoogleSignInError('google_failed', 'Google sign-in is not configured');
      const flow = openOAuthCookie(secrets.sessionSecret, request.cookies[OAUTH_COOKIE]);
      clearOAuthCookie(reply);
      if (flow?.kind !== 'authorize') throw new GoogleSignInError('google_state_invalid', request.cookies[OAUTH_COOKIE] ? 'state cookie forged, altered or expired' : 'no state cookie');
      const callback = new URL(request.url, 'http://callback.invalid').searchParams;
      const identity = await google.finish(callback, flow);
      const outcome = await signInWithGoogle(services, identity, flow.returnTo, requestMeta(request));
      reply.header('cache-control', 'no-store');
      if (outcome.kind === 'needs_sign_up') {
        setOAuthCookie(reply, outcome.pending);
        return reply.redirect(`/sign-up/google?email=${encodeURIComponent(outcome.pending.email)}`, 302);
      }
      setSessionCookie(reply, config, outcome.session.token);
      return reply.redirect(landingPath(outcome.mfaPending, flow.returnTo), 302);
    },
  );

  app.post(
    '/api/auth/google/complete',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create the account for a new Google user once they confirm they are 18 or over (AUTH-4, AUTH-8)',
        body: completeBody,
        response: { 200: completeResult, 400: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema },
      },
    },
    async (request, reply) => {
      const pending = openOAuthCookie(secrets.sessionSecret, request.cookies[OAUTH_COOKIE]);
      if (pending?.kind !== 'pending') {
        throw new AppError('google_state_invalid', 400, 'Your Google sign-in has expired or was not started in this browser. Please choose “Continue with Google” again.');
      }
      let result;
      try {
        result = await completeGoogleSignUp(services, pending, requestMeta(request));
      } catch (err) {
        if (!(err instanceof GoogleSignInError)) throw err;
        request.log.warn({ googleSignIn: { failure: err.failure, reason: err.reason } }, 'Google sign-up failed');
        clearOAuthCookie(reply);
        throw new AppError('google_account_conflict', 409, 'This email already belongs to an account linked to another Google account. Sign in another way.');
      }
      clearOAuthCookie(reply);
      setSessionCookie(reply, config, result.session.token);
      return { next: result.mfaPending ? ('two_factor' as const) : ('done' as const), redirectTo: landingPath(result.mfaPending, pending.returnTo) };
    },
  );
}

/** Like the session cookie (AUTH-5): Secure in production and whenever Kestrel is served over TLS. */
const secureCookies = (config: Config) => config.isProduction || config.publicUrl.startsWith('https:');
