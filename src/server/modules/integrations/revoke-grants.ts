import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Tx } from '../../platform/db/database';
import type { Services } from '../../platform/services';
import { integrationConnections, type ConnectionProvider } from './integrations.schema';

/**
 * INT-1, PRIV-3: taking a grant back at the provider that issued it, after Kestrel wiped its own
 * copy (a disconnect, an account deletion, a workspace purge). Google offers revocation (RFC 7009
 * style) for the Calendar and Gmail grants. Microsoft's identity platform has no endpoint that
 * revokes one grant: its only lever (`revokeSignInSessions`) signs the person out of everything and
 * needs a scope Kestrel never asks for (Outlook is `Mail.Send` only), so an Outlook token is wiped
 * here and lapses there. A token is never sent to any other provider than the one that issued it,
 * and never logged.
 *
 * Google revokes the whole grant of an account to Kestrel's client, every scope at once, not one
 * token: revoking a disconnected calendar's token would also end that member's Gmail sending from
 * the same account. Kestrel does not know which Google account each connection is, so a grant is
 * revoked only when the member has no other live Google connection left (in any workspace); while
 * one remains, the wiped token simply lapses at Google with it.
 */
const revokedBy: Record<ConnectionProvider, 'google' | null> = { google_calendar: 'google', gmail: 'google', outlook: null };
const googleProviders = (Object.keys(revokedBy) as ConnectionProvider[]).filter((p) => revokedBy[p] === 'google');

/** A token opened from a connection about to be wiped; private to this module. */
export interface HeldGrant {
  workspaceId: string;
  userId: string;
  provider: ConnectionProvider;
  token: string;
}

/** What a wipe leaves to do once its transaction has committed. */
export interface WipedConnections {
  /** How many live connections were disconnected. */
  disconnected: number;
  /** Asks each provider that offers it to take its grant back; returns how many it did. Call after the commit. */
  revoke(): Promise<number>;
}

type ConnectionRow = typeof integrationConnections.$inferSelect;

/** The token that ends the grant: the refresh token where there is one (revoking it ends its access tokens too). */
export function heldGrant(services: Services, row: ConnectionRow): HeldGrant | null {
  const sealed = row.refreshTokenSealed ?? row.accessTokenSealed;
  if (!sealed) return null;
  try {
    const token = services.secrets.box.open(sealed, `integration:${row.id}:${row.refreshTokenSealed ? 'refresh' : 'access'}`);
    return { workspaceId: row.workspaceId, userId: row.userId, provider: row.provider, token };
  } catch (err) {
    // A token sealed under a key no longer configured cannot be sent to be revoked; it is still wiped.
    services.logger.warn({ err: (err as Error).message, provider: row.provider, workspaceId: row.workspaceId }, 'a connection token could not be opened for revocation');
    return null;
  }
}

export const wipedTokens = { status: 'disconnected', accessTokenSealed: null, refreshTokenSealed: null, accessExpiresAt: null, stateHash: null, verifierSealed: null } as const;

/** Locks, opens and wipes the live connections matching `where` in `tx`; the grants are revoked by the caller after the commit. */
async function wipeWhere(services: Services, tx: Tx, where: SQL): Promise<WipedConnections> {
  const rows = await tx
    .select()
    .from(integrationConnections)
    .where(and(where, eq(integrationConnections.status, 'connected')))
    .for('update');
  if (!rows.length) return { disconnected: 0, revoke: async () => 0 };
  const grants = rows.flatMap((r) => heldGrant(services, r) ?? []);
  // Exactly the rows whose tokens were opened: one that connects meanwhile keeps its tokens rather than losing them unrevoked.
  await tx
    .update(integrationConnections)
    .set({ ...wipedTokens, updatedAt: new Date() })
    .where(and(where, inArray(integrationConnections.id, rows.map((r) => r.id))));
  return { disconnected: rows.length, revoke: () => revokeGrants(services, grants) };
}

/**
 * PRIV-3: every connection of a person, in every workspace, disconnected inside the caller's
 * transaction (one that bypasses row-level security, as account deletion's does).
 */
export function wipeUserConnections(services: Services, tx: Tx, userId: string): Promise<WipedConnections> {
  return wipeWhere(services, tx, eq(integrationConnections.userId, userId));
}

/**
 * PRIV-3: a closed workspace's connections wiped (committed at once) and their grants revoked at
 * the provider, before its rows are purged: a purge that fails later leaves no token behind.
 */
export async function revokeWorkspaceConnections(services: Services, workspaceId: string): Promise<number> {
  const wiped = await services.database.system.transaction((tx) => wipeWhere(services, tx, eq(integrationConnections.workspaceId, workspaceId)));
  return wiped.revoke();
}

/** Revokes each grant at the provider that issued it, where it offers that. A refusal or an outage is logged: the tokens are already wiped. */
export async function revokeGrants(services: Services, grants: HeldGrant[]): Promise<number> {
  let revoked = 0;
  for (const grant of grants) {
    const { provider, token } = grant;
    if (revokedBy[provider] !== 'google') continue;
    if (await stillUsesGoogle(services, grant)) {
      services.logger.info({ provider, workspaceId: grant.workspaceId }, 'token wiped; the Google grant is kept for the member’s other Google connection');
      continue;
    }
    try {
      const res = await fetch(services.config.GOOGLE_OAUTH_REVOKE_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
        signal: AbortSignal.timeout(10_000),
      });
      await res.body?.cancel();
      if (res.ok) revoked++;
      else services.logger.warn({ status: res.status, provider, workspaceId: grant.workspaceId }, 'token revocation refused by the provider');
    } catch (err) {
      // The error's message only: a fetch error carries no token, but its cause could name the request.
      services.logger.warn({ err: (err as Error).message, provider, workspaceId: grant.workspaceId }, 'token revocation failed');
    }
  }
  return revoked;
}

/** Whether the member still holds another live Google connection (same grant, possibly), in any workspace. */
async function stillUsesGoogle(services: Services, grant: HeldGrant): Promise<boolean> {
  const [other] = await services.database.system
    .select({ id: integrationConnections.id })
    .from(integrationConnections)
    .where(
      and(
        eq(integrationConnections.userId, grant.userId),
        eq(integrationConnections.status, 'connected'),
        // The connection being revoked is already wiped, so it is not among these.
        inArray(integrationConnections.provider, googleProviders),
      ),
    )
    .limit(1);
  return Boolean(other);
}
