import { randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest } from './harness';
import { FakeOAuthAuthority } from './oauth-authority';
import { googleOAuthPaths, googleTestClient } from './google-calendar';

export interface GmailSent {
  id: string;
  threadId: string;
  /** The RFC 822 message as Kestrel built it (decoded from base64url). */
  mime: string;
}

/**
 * A local Gmail for tests (STYLE 13, 18): Google's OAuth endpoints (shared with the Calendar
 * fake) and `POST /gmail/v1/users/me/messages/send` as Google's official client sends it
 * (`{ raw: base64url RFC 822 }` with a Bearer token), Google's error body otherwise. Only a token
 * granted the `gmail.send` scope may send; the mailbox itself has no route (it is never read).
 */
export class FakeGmail extends FakeProvider {
  readonly clientId = googleTestClient.id;
  readonly clientSecret = googleTestClient.secret;
  readonly oauth = new FakeOAuthAuthority(this.clientId, this.clientSecret, googleOAuthPaths);
  readonly sent: GmailSent[] = [];
  /** Tokens revoked through `/revoke` (a disconnect takes the grant back), in order. */
  readonly revoked: string[] = [];
  private throttled = 0;

  /** The next `n` sends (not OAuth calls) answer 429 as Gmail does over its sending rate. */
  throttleSends(n: number): this {
    this.throttled = n;
    return this;
  }

  protected errorBody(code: number, message: string) {
    const reason = code === 401 ? 'authError' : code === 429 ? 'rateLimitExceeded' : 'backendError';
    return { error: { code, message, errors: [{ message, domain: 'global', reason }], status: code === 401 ? 'UNAUTHENTICATED' : code === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE' } };
  }

  sentTo(address: string): GmailSent[] {
    return this.sent.filter((m) => new RegExp(`^To: .*${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'mi').test(m.mime));
  }

  protected routes = [
    ...this.oauth.routes(),
    // RFC 7009-style revocation as Google answers it (as in the Calendar fake): 200, or 400 invalid_token.
    route('POST', '/revoke', ({ body, query: q }) => {
      const token = ((body ?? {}) as Record<string, string | undefined>).token ?? q.token ?? '';
      if (!this.oauth.revokeToken(token)) return { status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
      this.revoked.push(token);
      return { status: 200, body: {} };
    }),
    route('POST', '/gmail/v1/users/me/messages/send', (r: FakeRequest) => {
      if (!this.oauth.bearer(r)) return { status: 401, body: this.errorBody(401, 'Request had invalid authentication credentials.') };
      if (this.throttled > 0) {
        this.throttled--;
        return { status: 429, body: this.errorBody(429, 'User-rate limit exceeded.') };
      }
      const raw = (r.body as { raw?: unknown } | undefined)?.raw;
      if (typeof raw !== 'string' || !raw) return { status: 400, body: this.errorBody(400, "'raw' RFC822 payload message string or uploading message via /upload/* URL required") };
      const message: GmailSent = { id: randomBytes(8).toString('hex'), threadId: randomBytes(8).toString('hex'), mime: Buffer.from(raw, 'base64url').toString('utf8') };
      this.sent.push(message);
      return { status: 200, body: { id: message.id, threadId: message.threadId, labelIds: ['SENT'] } };
    }),
  ];
}
