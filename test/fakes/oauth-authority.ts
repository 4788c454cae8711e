import { createHash, randomBytes } from 'node:crypto';
import { route, type FakeRequest, type FakeRoute } from './harness';

/**
 * The OAuth 2.0 half of a provider fake (Google's and Microsoft's identity platforms speak the
 * same authorization-code + PKCE + refresh dialect): the authorize endpoint consents at once and
 * redirects with a code; the token endpoint checks the client secret and the PKCE verifier and
 * refreshes. A fake mixes its routes into its own and asks `bearer()` whether an API call's token
 * is one it issued. `revoke()` is the person removing the app's access in their account settings.
 */
export class FakeOAuthAuthority {
  /** Access tokens live this many seconds. */
  tokenLifetime = 3600;
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  private readonly accessTokens = new Set<string>();
  private readonly refreshTokens = new Map<string, string>();

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    private readonly paths: { authorize: string; token: string },
    private readonly accessPrefix = 'ya29.',
  ) {}

  routes(): FakeRoute[] {
    return [
      route('GET', this.paths.authorize, ({ query: q }) => {
        if (q.client_id !== this.clientId || q.code_challenge_method !== 'S256' || !q.code_challenge) return { status: 400, body: { error: 'invalid_request' } };
        const code = randomBytes(12).toString('hex');
        this.codes.set(code, { challenge: q.code_challenge, redirectUri: q.redirect_uri!, scope: q.scope ?? '' });
        const to = new URL(q.redirect_uri!);
        to.searchParams.set('code', code);
        to.searchParams.set('state', q.state ?? '');
        to.searchParams.set('scope', q.scope ?? '');
        return { status: 302, headers: { location: to.toString() } };
      }),
      route('POST', this.paths.token, ({ body }) => {
        const f = (body ?? {}) as Record<string, string | undefined>;
        if (f.client_id !== this.clientId || f.client_secret !== this.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
        if (f.grant_type === 'authorization_code') {
          const grant = this.codes.get(f.code ?? '');
          this.codes.delete(f.code ?? '');
          const challenge = createHash('sha256').update(f.code_verifier ?? '').digest('base64url');
          if (!grant || grant.challenge !== challenge || grant.redirectUri !== f.redirect_uri) return { status: 400, body: { error: 'invalid_grant' } };
          return { status: 200, body: this.issue(grant.scope, true) };
        }
        if (f.grant_type === 'refresh_token') {
          const scope = this.refreshTokens.get(f.refresh_token ?? '');
          if (scope === undefined) return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
          return { status: 200, body: this.issue(scope, false) };
        }
        return { status: 400, body: { error: 'unsupported_grant_type' } };
      }),
    ];
  }

  /** Whether the request carries a live access token this authority issued. */
  bearer(r: FakeRequest): boolean {
    return this.accessTokens.has(r.headers.authorization?.replace(/^Bearer /, '') ?? '');
  }

  /** The person removed the app's access: every token it holds stops working. */
  revoke(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
  }

  /** One token (access or refresh) revoked, as an RFC 7009 revocation endpoint does; false when unknown. */
  revokeToken(token: string): boolean {
    return this.refreshTokens.delete(token) || this.accessTokens.delete(token);
  }

  private issue(scope: string, withRefresh: boolean) {
    const access = `${this.accessPrefix}${randomBytes(16).toString('hex')}`;
    this.accessTokens.add(access);
    const refresh = withRefresh ? `1//${randomBytes(16).toString('hex')}` : undefined;
    if (refresh) this.refreshTokens.set(refresh, scope);
    return { access_token: access, expires_in: this.tokenLifetime, token_type: 'Bearer', scope, ...(refresh ? { refresh_token: refresh } : {}) };
  }
}
