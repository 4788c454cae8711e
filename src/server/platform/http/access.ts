import { isIP } from 'node:net';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { users } from '../../modules/accounts/accounts.schema';
import type { Role } from '../../modules/workspaces/workspaces.schema';
import { forbidden, notFound, unauthorized } from './errors';
import type { TrustProxy } from '../config';

/**
 * Who may call a route. Declared on every route; the server refuses to start when one is missing.
 * - `public`: anyone, signed in or not.
 * - `user`: any signed-in user (second factor done), outside a workspace.
 * - `mfa-pending`: a user who gave a password but not yet their second factor.
 * - `dev`: development tools (the mailbox, which holds sign-in codes and reset links): never in
 *   production; elsewhere only from this machine (unless DEV_MAILBOX_REMOTE allows the network)
 *   and only to a signed-in operator of the instance (`users.operator`).
 * - a list of roles: a member of the route's `:workspaceId` with one of these roles.
 */
export type Access = 'public' | 'user' | 'mfa-pending' | 'dev' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * A public route that other sites' pages call (the chat widget, CONV-1): the same-site check
     * is skipped and the route checks the Origin against the workspace's allowed origins itself.
     */
    crossOrigin?: boolean;
  }
}

export const anyMember: readonly Role[] = ['owner', 'admin', 'staff', 'client'];
export const teamMembers: readonly Role[] = ['owner', 'admin', 'staff'];
export const managers: readonly Role[] = ['owner', 'admin'];
export const ownersOnly: readonly Role[] = ['owner'];

/** Routes the platform adds itself (docs, static files) that are public by design. */
const frameworkRoutes = (url: string) => url.startsWith('/api/docs');

export interface RouteEntry {
  method: string;
  url: string;
  access: Access | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared access: the isolation suite walks it. */
    routeCatalog: RouteEntry[];
  }
}

export function requireAccessDeclarations(app: FastifyInstance): void {
  const missing: string[] = [];
  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = (route.config as { access?: Access } | undefined)?.access;
    for (const method of [route.method].flat()) if (method !== 'HEAD') catalog.push({ method, url: route.url, access });
    if (access === undefined && !frameworkRoutes(route.url)) missing.push(`${String(route.method)} ${route.url}`);
    if (Array.isArray(access) && !route.url.includes(':workspaceId')) {
      missing.push(`${String(route.method)} ${route.url} (role access needs a :workspaceId parameter)`);
    }
  });
  app.addHook('onReady', async () => {
    if (missing.length) {
      throw new Error(`Every route must declare who may call it (config.access). Missing on:\n  ${missing.join('\n  ')}`);
    }
  });
}

/** Enforces the route's declared access after the request context is known. */
export async function enforceAccess(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access;
  if (access === undefined || access === 'public') return;
  if (access === 'dev') return enforceDevAccess(request);
  const auth = request.auth;
  if (access === 'mfa-pending') {
    if (!auth) throw unauthorized();
    return;
  }
  if (!auth) throw unauthorized();
  if (auth.mfaPending) throw unauthorized('Enter the code from your authenticator app to finish signing in.', 'second_factor_required');
  if (access === 'user') return;
  const workspace = request.workspace;
  // Not a member: the workspace's existence is not revealed.
  if (!workspace) throw notFound('Workspace');
  if (!access.includes(workspace.role)) throw forbidden();
}

/**
 * SEC-1: in development, mail is not sent but kept, so the mailbox holds every sign-in code and
 * reset link: whoever reads it can take over any account. Checked in this order so that a caller
 * from the network learns nothing about accounts.
 */
async function enforceDevAccess(request: FastifyRequest): Promise<void> {
  const { config, database } = request.server.services;
  if (config.isProduction) throw notFound('Page');
  if (!config.DEV_MAILBOX_REMOTE && !isLocalRequest(request, config.TRUST_PROXY)) {
    throw forbidden('The development mailbox answers only on the machine Kestrel runs on (set DEV_MAILBOX_REMOTE=true to open it to the network).', 'local_only');
  }
  const auth = request.auth;
  if (!auth) throw unauthorized('Sign in as the operator of this Kestrel to read the development mailbox.');
  if (auth.mfaPending) throw unauthorized('Enter the code from your authenticator app to finish signing in.', 'second_factor_required');
  const [user] = await database.system.select({ operator: users.operator }).from(users).where(eq(users.id, auth.userId));
  if (!user?.operator) {
    throw forbidden('Only the operator of this Kestrel may read the development mailbox (in development, the demo login printed at start; `kestrel user operator` makes others).', 'operator_only');
  }
}

/**
 * From this machine: the client address is loopback and either no proxy says it forwarded the
 * request, or a trusted proxy did (then request.ip is already the client's, taken from the header:
 * request.ips holds the socket's address plus each trusted hop).
 */
export function isLocalRequest(request: FastifyRequest, trustProxy: TrustProxy): boolean {
  if (!isLoopback(request.ip)) return false;
  if (request.headers['x-forwarded-for'] === undefined && request.headers.forwarded === undefined) return true;
  return trustProxy !== false && (request.ips?.length ?? 0) > 1;
}

export function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}
