import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Role } from '../../modules/workspaces/workspaces.schema';
import { csrfTokenFor, resolveSessionContext, sessionCookieName, type ResolvedSession, type SessionContext } from '../auth/sessions';
import { safeEqual } from '../crypto/tokens';
import type { WorkspaceContext } from '../db/tenant';
import { enforceAccess } from './access';
import { AppError } from './errors';
import { checkBodyDepth } from './body-depth';

export interface RequestAuth extends ResolvedSession {
  csrfToken: string;
  /** The caller's workspaces, read with the session on routes that declare `sessionWorkspaces`. */
  workspaces: SessionContext['workspaces'];
}

/**
 * The signed-in caller. The CSRF token (an HMAC) is derived when first read: only writes and
 * `GET /api/auth/me` need it, not every read.
 */
class SessionAuth implements RequestAuth {
  readonly sessionId: string;
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly mfaPending: boolean;
  readonly hasPassword: boolean;
  readonly googleLinked: boolean;
  readonly twoFactorEnabled: boolean;
  readonly createdAt: Date;
  readonly workspaces: SessionContext['workspaces'];
  #csrf: string | null = null;

  constructor(
    session: SessionContext,
    private readonly secret: string,
  ) {
    this.sessionId = session.sessionId;
    this.userId = session.userId;
    this.email = session.email;
    this.name = session.name;
    this.mfaPending = session.mfaPending;
    this.hasPassword = session.hasPassword;
    this.googleLinked = session.googleLinked;
    this.twoFactorEnabled = session.twoFactorEnabled;
    this.createdAt = session.createdAt;
    this.workspaces = session.workspaces;
  }

  get csrfToken(): string {
    return (this.#csrf ??= csrfTokenOf(this.secret, this.sessionId));
  }
}

/*
 * Issue 14: the CSRF token of a live session, kept once derived (an HMAC per signed-in write and
 * per `GET /api/auth/me` was a visible share of their CPU). The token is what the session's own
 * pages are given anyway; the memo is bounded and only ever maps a session to its own token.
 */
const MAX_CSRF_TOKENS = 10_000;
const csrfTokens = new Map<string, { secret: string; token: string }>();

function csrfTokenOf(secret: string, sessionId: string): string {
  const known = csrfTokens.get(sessionId);
  if (known?.secret === secret) return known.token;
  const token = csrfTokenFor(secret, sessionId);
  if (csrfTokens.size >= MAX_CSRF_TOKENS) csrfTokens.clear();
  csrfTokens.set(sessionId, { secret, token });
  return token;
}

export interface RequestWorkspace {
  id: string;
  role: Role;
  /** PRIV-3: set while the workspace is closed: the day its grace period ends and it is purged. */
  closedUntil: Date | null;
  /** Ready to hand to a use case. */
  ctx: WorkspaceContext;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
    workspace: RequestWorkspace | null;
  }
  interface FastifyContextConfig {
    /** Read the caller's workspaces with the session, in the same round trip (`GET /api/auth/me`). */
    sessionWorkspaces?: boolean;
    /** PRIV-3: the route still answers while the workspace is closed (its status, reopening it). */
    whileClosed?: boolean;
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
    if (!token) return;
    const workspaceId = (request.params as { workspaceId?: string } | undefined)?.workspaceId;
    // One round trip for the session, its user and the caller's role in the URL's workspace
    // (issue 14); a workspace id that is not one is not looked up, as before.
    const session = await resolveSessionContext(database.pool, config, token, {
      workspaceId: workspaceId && UUID.test(workspaceId) ? workspaceId : null,
      withWorkspaces: request.routeOptions.config.sessionWorkspaces === true,
    });
    if (!session) return;
    request.auth = new SessionAuth(session, secrets.sessionSecret);
    if (session.role && workspaceId && !session.mfaPending) {
      request.workspace = {
        id: workspaceId,
        role: session.role,
        closedUntil: session.workspacePurgeAfter,
        ctx: { workspaceId, userId: session.userId, role: session.role, actorLabel: session.email, ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
      };
    }
  });

  // Before validation: a caller who may not use a route learns nothing about its fields.
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!SAFE_METHODS.has(request.method) && !(request.routeOptions.config.crossOrigin && request.routeOptions.config.access === 'public')) checkCrossSite(request, config.publicUrl);
    await enforceAccess(request, reply);
    refuseWhileClosed(request);
    checkBodyDepth(request.body);
  });
});

/** PRIV-3: a closed workspace is suspended: every route of it but its status and reopening answers 423, in words. */
function refuseWhileClosed(request: FastifyRequest): void {
  const until = request.workspace?.closedUntil;
  if (!until || request.routeOptions.config.whileClosed) return;
  const day = until.toISOString().slice(0, 10);
  throw new AppError('workspace_closed', 423, `This workspace is closed and will be deleted for good on ${day}. An owner can reopen it until then.`, { purgeAfter: until.toISOString() });
}

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
