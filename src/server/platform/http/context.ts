import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { memberRole } from '../../modules/workspaces/memberships';
import type { Role } from '../../modules/workspaces/workspaces.schema';
import { csrfTokenFor, resolveSession, sessionCookieName, type ResolvedSession } from '../auth/sessions';
import { safeEqual } from '../crypto/tokens';
import type { WorkspaceContext } from '../db/tenant';
import { enforceAccess } from './access';
import { AppError } from './errors';

export interface RequestAuth extends ResolvedSession {
  csrfToken: string;
}

export interface RequestWorkspace {
  id: string;
  role: Role;
  /** Ready to hand to a use case. */
  ctx: WorkspaceContext;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
    workspace: RequestWorkspace | null;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Request context, declared once (STYLE 2): who is calling (`request.auth`) and in which
 * workspace with which role (`request.workspace`). Then CSRF and the route's declared access.
 */
export const requestContext = fp(async function requestContext(app: FastifyInstance) {
  const { config, database, secrets } = app.services;
  app.decorateRequest('auth', null);
  app.decorateRequest('workspace', null);

  app.addHook('onRequest', async (request) => {
    const token = request.cookies[sessionCookieName(config)];
    if (token) {
      const session = await resolveSession(database.db, config, token);
      if (session) request.auth = { ...session, csrfToken: csrfTokenFor(secrets.sessionSecret, session.sessionId) };
    }
    const workspaceId = (request.params as { workspaceId?: string } | undefined)?.workspaceId;
    if (request.auth && !request.auth.mfaPending && workspaceId && UUID.test(workspaceId)) {
      const userId = request.auth.userId;
      const role = await memberRole(database.db, workspaceId, userId);
      if (role) {
        request.workspace = {
          id: workspaceId,
          role,
          ctx: { workspaceId, userId, role, actorLabel: request.auth.email, ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
        };
      }
    }
  });

  // Before validation: a caller who may not use a route learns nothing about its fields.
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!SAFE_METHODS.has(request.method) && !(request.routeOptions.config.crossOrigin && request.routeOptions.config.access === 'public')) checkCrossSite(request, config.publicUrl);
    await enforceAccess(request, reply);
  });
});

/**
 * SEC-1: writes must come from our own pages. A browser always sends Origin on cross-site
 * writes, and Sec-Fetch-Site when it knows; a signed-in write must also carry the session's
 * CSRF token, which another site cannot read.
 */
function checkCrossSite(request: FastifyRequest, publicUrl: string): void {
  const origin = request.headers.origin;
  const fetchSite = request.headers['sec-fetch-site'];
  const allowed = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.host}`]);
  if ((origin && origin !== 'null' && !allowed.has(origin)) || fetchSite === 'cross-site') {
    throw new AppError('cross_site_request', 403, 'This request came from another site and was refused.');
  }
  if (request.auth) {
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, request.auth.csrfToken)) {
      throw new AppError('csrf_token_invalid', 403, 'Your session token is missing or stale. Reload the page and try again.');
    }
  }
}
