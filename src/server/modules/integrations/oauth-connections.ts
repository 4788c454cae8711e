import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import { randomToken, sha256 } from '../../platform/crypto/tokens';
import { AppError, badRequest, notFound } from '../../platform/http/errors';
import type { Services } from '../../platform/services';
import { integrationCalendarBusy, integrationCalendarChannels, integrationConnections, type ConnectionProvider } from './integrations.schema';
import { queueCalendarWatch, stopCalendarWatches } from './calendar-channels';
import { heldGrant, revokeGrants, wipedTokens } from './revoke-grants';

/**
 * INT-1: OAuth connections, one general piece every provider (Google Calendar now; Gmail,
 * Outlook, Salesforce later) reuses: authorization code with PKCE (S256) and a single-use state,
 * tokens sealed with the secret box (SEC-2) under the connection's id, refresh before expiry,
 * disconnect that wipes the tokens so no call can follow, then revokes the grant at Google
 * (revoke-grants.ts).
 */
export interface OAuthProvider {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Exactly the scopes asked on the consent screen; nothing more is requested. */
  scopes: string[];
  extraAuthorizeParams?: Record<string, string>;
}

export function providerConfig(services: Services, provider: ConnectionProvider): OAuthProvider {
  const c = services.config;
  if (provider === 'outlook') {
    if (!c.MICROSOFT_CLIENT_ID || !c.MICROSOFT_CLIENT_SECRET) throw new AppError('integration_not_configured', 409, 'Microsoft is not set up on this server (MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET).');
    return {
      authorizeUrl: c.MICROSOFT_OAUTH_AUTHORIZE_URL,
      tokenUrl: c.MICROSOFT_OAUTH_TOKEN_URL,
      clientId: c.MICROSOFT_CLIENT_ID,
      clientSecret: c.MICROSOFT_CLIENT_SECRET,
      // MAIL-1: send as the member, and stay connected — never read the mailbox.
      scopes: ['https://graph.microsoft.com/Mail.Send', 'offline_access'],
    };
  }
  if (!c.GOOGLE_CLIENT_ID || !c.GOOGLE_CLIENT_SECRET) throw new AppError('integration_not_configured', 409, 'Google is not set up on this server (GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET).');
  const google = { authorizeUrl: c.GOOGLE_OAUTH_AUTHORIZE_URL, tokenUrl: c.GOOGLE_OAUTH_TOKEN_URL, clientId: c.GOOGLE_CLIENT_ID, clientSecret: c.GOOGLE_CLIENT_SECRET, extraAuthorizeParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'false' } };
  switch (provider) {
    case 'google_calendar':
      // BOOK-2: read free/busy, write the events booking makes — not the whole calendar.
      return { ...google, scopes: ['https://www.googleapis.com/auth/calendar.freebusy', 'https://www.googleapis.com/auth/calendar.events'] };
    case 'gmail':
      // MAIL-1: send only; the inbox of a connected account is never read.
      return { ...google, scopes: ['https://www.googleapis.com/auth/gmail.send'] };
  }
}

/** Where the member lands after consenting: the page that asked for the connection. */
export const connectedPage = (workspaceId: string, provider: ConnectionProvider) =>
  provider === 'google_calendar' ? `/w/${workspaceId}/booking?connected=${provider}` : `/w/${workspaceId}/settings/sending-accounts?connected=${provider}`;

export const oauthCallbackUrl = (services: Services) => `${services.config.publicUrl}/api/integrations/oauth/callback`;
const STATE_MINUTES = 10;
const aad = (id: string, what: string) => `integration:${id}:${what}`;

/** Starts a connection: returns the provider's consent URL. The state names the workspace so the callback can find it. */
export async function startConnection(services: Services, ctx: WorkspaceContext, provider: ConnectionProvider): Promise<{ authorizationUrl: string }> {
  const p = providerConfig(services, provider);
  const state = `${ctx.workspaceId}.${randomToken(24)}`;
  const verifier = randomToken(48);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  await withTenant(services.database.db, ctx, async (tx) => {
    const existing = await findConnection(tx, ctx.workspaceId, ctx.userId!, provider);
    const id = existing?.id;
    const values = { stateHash: sha256(state), stateExpiresAt: new Date(Date.now() + STATE_MINUTES * 60_000), updatedAt: new Date() };
    if (id) {
      await tx.update(integrationConnections).set({ ...values, verifierSealed: services.secrets.box.seal(verifier, aad(id, 'verifier')) }).where(and(eq(integrationConnections.workspaceId, ctx.workspaceId), eq(integrationConnections.id, id)));
    } else {
      const [row] = await tx.insert(integrationConnections).values({ workspaceId: ctx.workspaceId, userId: ctx.userId!, provider, ...values }).returning({ id: integrationConnections.id });
      await tx.update(integrationConnections).set({ verifierSealed: services.secrets.box.seal(verifier, aad(row!.id, 'verifier')) }).where(and(eq(integrationConnections.workspaceId, ctx.workspaceId), eq(integrationConnections.id, row!.id)));
    }
  });
  const url = new URL(p.authorizeUrl);
  const params = { response_type: 'code', client_id: p.clientId, redirect_uri: oauthCallbackUrl(services), scope: p.scopes.join(' '), state, code_challenge: challenge, code_challenge_method: 'S256', ...p.extraAuthorizeParams };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return { authorizationUrl: url.toString() };
}

async function findConnection(tx: Tx, workspaceId: string, userId: string, provider: ConnectionProvider) {
  const [row] = await tx
    .select()
    .from(integrationConnections)
    .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.userId, userId), eq(integrationConnections.provider, provider)));
  return row;
}

interface TokenAnswer {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
}

async function tokenRequest(p: OAuthProvider, body: Record<string, string>): Promise<TokenAnswer> {
  let res: Response;
  try {
    res = await fetch(p.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ client_id: p.clientId, client_secret: p.clientSecret, ...body }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new AppError('provider_unavailable', 502, 'The provider could not be reached. Try again in a few minutes.');
  }
  const json = (await res.json().catch(() => ({}))) as Partial<TokenAnswer> & { error?: unknown };
  if (res.ok && typeof json.access_token === 'string' && json.access_token) return json as TokenAnswer;
  // The provider's error code only: its body may echo what was sent.
  const code = typeof json.error === 'string' ? json.error.slice(0, 60) : null;
  if (res.status >= 400 && res.status < 500 && res.status !== 429) {
    throw new AppError('oauth_exchange_failed', 400, 'The provider did not accept the connection. Start again.', { providerStatus: res.status, providerError: code });
  }
  throw new AppError('provider_unavailable', 502, 'The provider did not answer properly. Try again in a few minutes.', { providerStatus: res.status, providerError: code });
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The provider sent the person back: the state must be one this user started in the last ten
 * minutes (used once), and the code is exchanged with the PKCE verifier. Returns the workspace.
 */
export async function finishConnection(services: Services, userId: string, query: { state?: string; code?: string; error?: string }): Promise<{ workspaceId: string; provider: ConnectionProvider }> {
  const workspaceId = query.state?.split('.')[0] ?? '';
  if (!uuidPattern.test(workspaceId)) throw badRequest('oauth_state_invalid', 'This connection link is not valid. Start again.');
  // The state is used up in its own transaction, before the provider is called: a failed exchange
  // cannot leave it usable, and no row lock is held while the provider answers.
  const claimed = await withTenant(services.database.db, { workspaceId, userId }, async (tx) => {
    const [row] = await tx
      .select()
      .from(integrationConnections)
      .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.userId, userId), eq(integrationConnections.stateHash, sha256(query.state!))))
      .for('update');
    if (!row || !row.stateExpiresAt || row.stateExpiresAt < new Date() || !row.verifierSealed) return null;
    await tx
      .update(integrationConnections)
      .set({ stateHash: null, verifierSealed: null, stateExpiresAt: null, updatedAt: new Date() })
      .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.id, row.id)));
    return row;
  });
  if (!claimed) throw badRequest('oauth_state_invalid', 'This connection link is not valid or has expired. Start again.');
  if (query.error || !query.code) throw badRequest('oauth_denied', 'The connection was not allowed.');
  const p = providerConfig(services, claimed.provider);
  const verifier = services.secrets.box.open(claimed.verifierSealed!, aad(claimed.id, 'verifier'));
  const t = await tokenRequest(p, { grant_type: 'authorization_code', code: query.code, redirect_uri: oauthCallbackUrl(services), code_verifier: verifier });
  const granted = t.scope ? t.scope.split(' ').filter(Boolean) : p.scopes;
  await withTenant(services.database.db, { workspaceId, userId }, async (tx) => {
    await tx
      .update(integrationConnections)
      .set({
        status: 'connected',
        scopes: granted.filter((s) => p.scopes.includes(s)),
        accessTokenSealed: services.secrets.box.seal(t.access_token, aad(claimed.id, 'access')),
        ...(t.refresh_token ? { refreshTokenSealed: services.secrets.box.seal(t.refresh_token, aad(claimed.id, 'refresh')) } : {}),
        accessExpiresAt: new Date(Date.now() + (t.expires_in ?? 3600) * 1000),
        connectedAt: new Date(),
        lastError: null,
        updatedAt: new Date(),
      })
      .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.id, claimed.id)));
    // BOOK-2: Google tells us when the calendar changes (a push channel, opened by a job).
    if (claimed.provider === 'google_calendar') await queueCalendarWatch(tx, workspaceId, claimed.id);
  });
  return { workspaceId, provider: claimed.provider };
}

/**
 * An access token for a member's connection, refreshed when it expires within a minute; null
 * when there is no live connection (never connected, or disconnected — then nothing is called).
 */
export async function accessToken(services: Services, workspaceId: string, userId: string, provider: ConnectionProvider): Promise<string | null> {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const row = await findConnection(tx, workspaceId, userId, provider);
    if (!row || row.status !== 'connected' || !row.accessTokenSealed) return null;
    if (row.accessExpiresAt && row.accessExpiresAt.getTime() > Date.now() + 60_000) return services.secrets.box.open(row.accessTokenSealed, aad(row.id, 'access'));
    if (!row.refreshTokenSealed) return null;
    // One refresh at a time: whoever waited for the lock finds the token the first one got.
    const [locked] = await tx.select().from(integrationConnections).where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.id, row.id))).for('update');
    if (!locked || locked.status !== 'connected' || !locked.accessTokenSealed) return null;
    if (locked.accessExpiresAt && locked.accessExpiresAt.getTime() > Date.now() + 60_000) return services.secrets.box.open(locked.accessTokenSealed, aad(row.id, 'access'));
    if (!locked.refreshTokenSealed) return null;
    let t: TokenAnswer;
    try {
      t = await tokenRequest(providerConfig(services, provider), { grant_type: 'refresh_token', refresh_token: services.secrets.box.open(locked.refreshTokenSealed, aad(row.id, 'refresh')) });
    } catch (error) {
      // The person took the access back (or it lapsed): the connection needs them to reconnect.
      if (!(error instanceof AppError && error.code === 'oauth_exchange_failed' && (error.details as { providerError?: unknown } | undefined)?.providerError === 'invalid_grant')) throw error;
      await tx
        .update(integrationConnections)
        .set({ status: 'failed', accessTokenSealed: null, refreshTokenSealed: null, accessExpiresAt: null, lastError: 'access_revoked', updatedAt: new Date() })
        .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.id, row.id)));
      return null;
    }
    await tx
      .update(integrationConnections)
      .set({
        accessTokenSealed: services.secrets.box.seal(t.access_token, aad(row.id, 'access')),
        ...(t.refresh_token ? { refreshTokenSealed: services.secrets.box.seal(t.refresh_token, aad(row.id, 'refresh')) } : {}),
        accessExpiresAt: new Date(Date.now() + (t.expires_in ?? 3600) * 1000),
        updatedAt: new Date(),
      })
      .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.id, row.id)));
    return t.access_token;
  });
}

/**
 * The provider refused a token it issued (the person revoked access): the next call refreshes,
 * and a refused refresh marks the connection "reconnect" (see {@link accessToken}).
 */
export async function expireAccessToken(services: Services, workspaceId: string, userId: string, provider: ConnectionProvider): Promise<void> {
  await withTenant(services.database.db, { workspaceId, userId: null }, (tx) =>
    tx
      .update(integrationConnections)
      .set({ accessExpiresAt: new Date(0), updatedAt: new Date() })
      .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.userId, userId), eq(integrationConnections.provider, provider))),
  );
}

/** The state of each member's connection to a provider in a workspace (a sending account shows it). */
export async function connectionStates(tx: Tx, workspaceId: string, provider: ConnectionProvider): Promise<Map<string, ConnectionStatus['status']>> {
  const rows = await tx
    .select({ userId: integrationConnections.userId, status: integrationConnections.status })
    .from(integrationConnections)
    .where(and(eq(integrationConnections.workspaceId, workspaceId), eq(integrationConnections.provider, provider)));
  return new Map(rows.map((r) => [r.userId, r.status]));
}

export interface ConnectionStatus {
  provider: ConnectionProvider;
  status: 'connected' | 'disconnected' | 'pending' | 'failed';
  scopes: string[];
  connectedAt: string | null;
  /** Why a failed connection stopped: `access_revoked` means reconnect. */
  lastError: string | null;
}

export async function listConnections(db: Db, ctx: WorkspaceContext): Promise<ConnectionStatus[]> {
  return withTenant(db, ctx, async (tx) => {
    const rows = await tx.select().from(integrationConnections).where(and(eq(integrationConnections.workspaceId, ctx.workspaceId), eq(integrationConnections.userId, ctx.userId!)));
    return rows.map((r) => ({ provider: r.provider, status: r.status, scopes: r.scopes, connectedAt: r.connectedAt?.toISOString() ?? null, lastError: r.lastError }));
  });
}

/**
 * Disconnects at once: the tokens are wiped in this transaction, so the next call finds none. A
 * calendar's push channels are stopped first (they need a token), and its cached busy times go.
 * Once that has committed, Google is asked to take its grant back (INT-1: the person expects
 * Kestrel to lose access there too); a refusal or an outage is logged and undoes nothing.
 */
export async function disconnect(services: Services, ctx: WorkspaceContext, provider: ConnectionProvider): Promise<void> {
  if (provider === 'google_calendar') await stopCalendarWatches(services, ctx.workspaceId, ctx.userId!);
  const grant = await withTenant(services.database.db, ctx, async (tx) => {
    const row = await findConnection(tx, ctx.workspaceId, ctx.userId!, provider);
    if (!row) throw notFound('Connection');
    await tx.delete(integrationCalendarChannels).where(and(eq(integrationCalendarChannels.workspaceId, ctx.workspaceId), eq(integrationCalendarChannels.connectionId, row.id)));
    await tx.delete(integrationCalendarBusy).where(and(eq(integrationCalendarBusy.workspaceId, ctx.workspaceId), eq(integrationCalendarBusy.connectionId, row.id)));
    await tx
      .update(integrationConnections)
      .set({ ...wipedTokens, updatedAt: new Date() })
      .where(and(eq(integrationConnections.workspaceId, ctx.workspaceId), eq(integrationConnections.id, row.id)));
    return row.status === 'connected' ? heldGrant(services, row) : null;
  });
  if (grant) await revokeGrants(services, [grant]);
}
