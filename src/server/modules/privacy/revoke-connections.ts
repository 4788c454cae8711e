import { and, eq, type SQL } from 'drizzle-orm';
import type { Services } from '../../platform/services';
import { integrationConnections, type ConnectionProvider } from '../integrations/integrations.schema';

/**
 * PRIV-3: who takes a token back when asked. Google offers revocation (RFC 7009 style) for the
 * Calendar and Gmail grants. Microsoft's identity platform has no endpoint that revokes one grant:
 * its only lever (`revokeSignInSessions`) signs the person out of everything and needs a scope
 * Kestrel never asks for (Outlook is `Mail.Send` only), so an Outlook token is wiped here and
 * lapses there. A token is never sent to any other provider than the one that issued it.
 */
const revokedBy: Record<ConnectionProvider, 'google' | null> = { google_calendar: 'google', gmail: 'google', outlook: null };

export interface ConnectionToken {
  provider: ConnectionProvider;
  token: string;
}

/** The live connection tokens matching `where` (a person's, or a workspace's), opened, to be revoked after they are wiped. */
export async function liveConnectionTokens(services: Services, where: SQL): Promise<ConnectionToken[]> {
  const rows = await services.database.system
    .select()
    .from(integrationConnections)
    .where(and(where, eq(integrationConnections.status, 'connected')));
  return rows.flatMap((row) => {
    const sealed = row.refreshTokenSealed ?? row.accessTokenSealed;
    if (!sealed) return [];
    return [{ provider: row.provider, token: services.secrets.box.open(sealed, `integration:${row.id}:${row.refreshTokenSealed ? 'refresh' : 'access'}`) }];
  });
}

/** Revokes each token at the provider that issued it, where that provider offers it. A refusal is logged: the tokens are already wiped. Returns how many were revoked. */
export async function revokeAtProvider(services: Services, tokens: ConnectionToken[]): Promise<number> {
  let revoked = 0;
  for (const { provider, token } of tokens) {
    if (revokedBy[provider] !== 'google') continue;
    try {
      const res = await fetch(services.config.GOOGLE_OAUTH_REVOKE_URL, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) revoked++;
      else services.logger.warn({ status: res.status, provider }, 'token revocation refused by the provider');
    } catch (err) {
      services.logger.warn({ err, provider }, 'token revocation failed');
    }
  }
  return revoked;
}
