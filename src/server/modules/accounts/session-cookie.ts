import type { FastifyReply } from 'fastify';
import { sessionCookieName } from '../../platform/auth/sessions';
import type { Config } from '../../platform/config';

const DAY_SECONDS = 86_400;

/** Signs the browser out: its session cookie is cleared (sign-out, and an account deleted by privacy). */
export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), { path: '/' });
}

/** AUTH-5: one HttpOnly, SameSite=Lax cookie; Secure whenever Kestrel is served over TLS or in production. */
export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(sessionCookieName(config), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.isProduction || config.publicUrl.startsWith('https:'),
    path: '/',
    maxAge: config.SESSION_ABSOLUTE_DAYS * DAY_SECONDS,
  });
}
