import { randomUUID } from 'node:crypto';
import { FakeProvider, route, type FakeRequest } from './harness';
import { FakeOAuthAuthority } from './oauth-authority';

export interface GraphSent {
  /** The RFC 822 message (Graph's MIME form: base64 in a text/plain body), or null for the JSON form. */
  mime: string | null;
  /** The JSON form's `message` object, when that form was used. */
  json: unknown;
}

/**
 * A local Microsoft identity platform + Graph for tests (STYLE 13, 18): the v2.0 authorize and
 * token endpoints (authorization code + PKCE, refresh) and `POST /v1.0/me/sendMail` in both its
 * forms (JSON `{ message }`, or MIME as base64 text/plain), 202 Accepted with no body as Graph
 * answers; Graph's error body (`{ error: { code, message, innerError } }`) otherwise.
 */
export class FakeMicrosoftGraph extends FakeProvider {
  readonly clientId = 'kestrel-test-entra-app';
  readonly clientSecret = 'kestrel-test-entra-secret';
  readonly oauth = new FakeOAuthAuthority(this.clientId, this.clientSecret, { authorize: '/common/oauth2/v2.0/authorize', token: '/common/oauth2/v2.0/token' }, 'eyJ0eXAi.');
  readonly sent: GraphSent[] = [];

  protected errorBody(status: number, message: string) {
    const code = status === 401 ? 'InvalidAuthenticationToken' : status === 429 ? 'ApplicationThrottled' : status === 400 ? 'ErrorInvalidRequest' : 'ServiceUnavailable';
    return { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } };
  }

  sentTo(address: string): GraphSent[] {
    return this.sent.filter((m) => m.mime !== null && new RegExp(`^To: .*${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'mi').test(m.mime));
  }

  protected routes = [
    ...this.oauth.routes(),
    route('POST', '/v1.0/me/sendMail', (r: FakeRequest) => {
      if (!this.oauth.bearer(r)) return { status: 401, body: this.errorBody(401, 'Access token is empty or invalid.') };
      const type = r.headers['content-type'] ?? '';
      if (type.startsWith('text/plain')) {
        const mime = Buffer.from(r.raw, 'base64').toString('utf8');
        if (!/^To: /m.test(mime) || !/\r?\n\r?\n/.test(mime)) return { status: 400, body: this.errorBody(400, 'Invalid base64 string for MIME content.') };
        this.sent.push({ mime, json: null });
        return { status: 202 };
      }
      const message = (r.body as { message?: unknown } | undefined)?.message;
      if (!message) return { status: 400, body: this.errorBody(400, 'Empty Payload. JSON content expected.') };
      this.sent.push({ mime: null, json: message });
      return { status: 202 };
    }),
  ];
}
