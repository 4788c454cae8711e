import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema, notFound } from '../../platform/http/errors';
import {
  acceptedResult,
  changePasswordBody,
  disableTwoFactorBody,
  enableTwoFactorBody,
  forgotPasswordBody,
  meResponse,
  recoveryCodesResponse,
  requestCodeBody,
  resetPasswordBody,
  sessionParams,
  sessionsResponse,
  signInBody,
  signInResult,
  signUpBody,
  twoFactorCodeBody,
  twoFactorSetupResponse,
  updateProfileBody,
  verifyCodeBody,
} from './accounts.contract';
import { sessions, users } from './accounts.schema';
import { googleRoutes } from './google.routes';
import { changePassword, requestPasswordReset, resetPassword } from './password-reset';
import { requestMeta } from './request-meta';
import { clearSessionCookie, setSessionCookie } from './session-cookie';
import { requestSignInCode, verifySignInCode } from './sign-in-codes';
import { signIn } from './sign-in';
import { signUp } from './sign-up';
import { disableTwoFactor, enableTwoFactor, startTwoFactorSetup, verifySecondFactor } from './two-factor';
import { userWorkspaces } from '../workspaces';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

const accepted = (message: string) => ({ status: 'accepted' as const, message });

export async function accountsModule(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const services = app.services;
  const { config } = services;
  const { db } = services.database;
  const tags = ['auth'];

  app.get('/api/auth/me', { config: { access: 'public', sessionWorkspaces: true }, schema: { tags, summary: 'Who is signed in', response: { 200: meResponse } } }, async (request) => {
    const auth = request.auth;
    const googleEnabled = Boolean(config.GOOGLE_CLIENT_ID);
    // BILL-4: the web app shows billing screens only when the operator turned billing on.
    const billingEnabled = config.billing.enabled;
    if (!auth) return { user: null, mfaPending: false, csrfToken: null, googleEnabled, billingEnabled, workspaces: [] };
    const list = auth.mfaPending ? [] : (auth.workspaces ?? (await userWorkspaces(db, auth.userId)));
    return {
      user: auth.mfaPending
        ? null
        : { id: auth.userId, email: auth.email, name: auth.name, hasPassword: auth.hasPassword, googleLinked: auth.googleLinked, twoFactorEnabled: auth.twoFactorEnabled, createdAt: auth.createdAt.toISOString() },
      mfaPending: auth.mfaPending,
      csrfToken: auth.csrfToken,
      googleEnabled,
      billingEnabled,
      workspaces: list,
    };
  });

  app.post(
    '/api/auth/sign-up',
    { config: { access: 'public' }, schema: { tags, summary: 'Create an account (AUTH-1, AUTH-8)', body: signUpBody, response: { 202: acceptedResult, ...errors } } },
    async (request, reply) => {
      const { name, email, password } = request.body;
      await signUp(services, { name, email, password }, requestMeta(request));
      return reply.code(202).send(accepted('Check your email: we sent a 6-digit code to finish signing up.'));
    },
  );

  app.post(
    '/api/auth/sign-in',
    { config: { access: 'public' }, schema: { tags, summary: 'Sign in with a password (AUTH-1)', body: signInBody, response: { 200: signInResult, ...errors } } },
    async (request, reply) => {
      const result = await signIn(services, request.body.email, request.body.password, requestMeta(request));
      setSessionCookie(reply, config, result.session.token);
      return { next: result.mfaPending ? ('two_factor' as const) : ('done' as const) };
    },
  );

  app.post(
    '/api/auth/code/request',
    { config: { access: 'public' }, schema: { tags, summary: 'Email a sign-in code (AUTH-2)', body: requestCodeBody, response: { 202: acceptedResult, ...errors } } },
    async (request, reply) => {
      await requestSignInCode(services, request.body.email, requestMeta(request));
      return reply.code(202).send(accepted('If that address has an account, a 6-digit code is on its way.'));
    },
  );

  app.post(
    '/api/auth/code/verify',
    { config: { access: 'public' }, schema: { tags, summary: 'Sign in with an emailed code (AUTH-2)', body: verifyCodeBody, response: { 200: signInResult, ...errors } } },
    async (request, reply) => {
      const result = await verifySignInCode(services, request.body.email, request.body.code, requestMeta(request));
      setSessionCookie(reply, config, result.session.token);
      return { next: result.mfaPending ? ('two_factor' as const) : ('done' as const) };
    },
  );

  app.post(
    '/api/auth/password/forgot',
    { config: { access: 'public' }, schema: { tags, summary: 'Email a password reset link (AUTH-3)', body: forgotPasswordBody, response: { 202: acceptedResult, ...errors } } },
    async (request, reply) => {
      await requestPasswordReset(services, request.body.email, requestMeta(request));
      return reply.code(202).send(accepted('If that address has an account, a reset link is on its way.'));
    },
  );

  app.post(
    '/api/auth/password/reset',
    { config: { access: 'public' }, schema: { tags, summary: 'Set a new password from a reset link; signs out everywhere (AUTH-3)', body: resetPasswordBody, response: { 200: signInResult, ...errors } } },
    async (request, reply) => {
      const result = await resetPassword(services, request.body.token, request.body.password, requestMeta(request));
      setSessionCookie(reply, config, result.session.token);
      return { next: result.mfaPending ? ('two_factor' as const) : ('done' as const) };
    },
  );

  app.post(
    '/api/auth/password/change',
    { config: { access: 'user' }, schema: { tags, summary: 'Change password; other sessions are signed out', body: changePasswordBody, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await changePassword(services, request.auth!.userId, request.auth!.sessionId, request.body, requestMeta(request));
      return reply.code(204).send(null);
    },
  );

  app.post('/api/auth/sign-out', { config: { access: 'mfa-pending' }, schema: { tags, summary: 'Sign out this browser', response: { 204: z.null(), ...errors } } }, async (request, reply) => {
    await db.delete(sessions).where(eq(sessions.id, request.auth!.sessionId));
    clearSessionCookie(reply, config);
    return reply.code(204).send(null);
  });

  app.patch(
    '/api/auth/profile',
    { config: { access: 'user' }, schema: { tags, summary: 'Update your name', body: updateProfileBody, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await db.update(users).set({ name: request.body.name, updatedAt: new Date() }).where(eq(users.id, request.auth!.userId));
      return reply.code(204).send(null);
    },
  );

  app.get('/api/auth/sessions', { config: { access: 'user' }, schema: { tags, summary: 'Your sessions (AUTH-5)', response: { 200: sessionsResponse, ...errors } } }, async (request) => {
    const rows = await db.select().from(sessions).where(eq(sessions.userId, request.auth!.userId)).orderBy(sessions.lastSeenAt);
    return {
      sessions: rows.reverse().map((s) => ({
        id: s.id,
        userAgent: s.userAgent,
        ip: s.ip,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        current: s.id === request.auth!.sessionId,
      })),
    };
  });

  app.delete(
    '/api/auth/sessions/:sessionId',
    { config: { access: 'user' }, schema: { tags, summary: 'Revoke a session (AUTH-5)', params: sessionParams, response: { 204: z.null(), 404: errorBodySchema, ...errors } } },
    async (request, reply) => {
      const deleted = await db
        .delete(sessions)
        .where(and(eq(sessions.id, request.params.sessionId), eq(sessions.userId, request.auth!.userId)))
        .returning({ id: sessions.id });
      if (!deleted.length) throw notFound('Session');
      if (request.params.sessionId === request.auth!.sessionId) clearSessionCookie(reply, config);
      return reply.code(204).send(null);
    },
  );

  app.post('/api/auth/two-factor/setup', { config: { access: 'user' }, schema: { tags, summary: 'Start TOTP setup (AUTH-6)', response: { 200: twoFactorSetupResponse, ...errors } } }, async (request) =>
    startTwoFactorSetup(services, request.auth!.userId),
  );

  app.post(
    '/api/auth/two-factor/enable',
    { config: { access: 'user' }, schema: { tags, summary: 'Confirm TOTP setup; returns recovery codes once (AUTH-6)', body: enableTwoFactorBody, response: { 200: recoveryCodesResponse, ...errors } } },
    async (request) => ({ recoveryCodes: await enableTwoFactor(services, request.auth!.userId, request.body.code, requestMeta(request)) }),
  );

  app.post(
    '/api/auth/two-factor/verify',
    { config: { access: 'mfa-pending' }, schema: { tags, summary: 'Finish signing in with a TOTP or recovery code (AUTH-6)', body: twoFactorCodeBody, response: { 200: signInResult, ...errors } } },
    async (request) => {
      await verifySecondFactor(services, request.auth!.sessionId, request.auth!.userId, request.body.code, requestMeta(request));
      return { next: 'done' as const };
    },
  );

  app.post(
    '/api/auth/two-factor/disable',
    { config: { access: 'user' }, schema: { tags, summary: 'Turn off two-factor authentication (AUTH-6)', body: disableTwoFactorBody, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await disableTwoFactor(services, request.auth!.userId, request.body.code, requestMeta(request));
      return reply.code(204).send(null);
    },
  );

  await app.register(googleRoutes);
}
