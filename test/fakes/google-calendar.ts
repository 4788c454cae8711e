import { randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';
import { FakeOAuthAuthority } from './oauth-authority';

/** Google's OAuth endpoints as the fakes serve them (`GOOGLE_OAUTH_*_URL` point here). */
export const googleOAuthPaths = { authorize: '/o/oauth2/v2/auth', token: '/token' };
export const googleTestClient = { id: 'kestrel-test-client', secret: 'kestrel-test-secret' };

/**
 * A local Google for tests (STYLE 13, 18): the OAuth 2.0 endpoints (`/o/oauth2/v2/auth` consents
 * at once and redirects with a code; `/token` checks the client secret and the PKCE verifier,
 * and refreshes) and Calendar API v3 as the official client library speaks it
 * (`POST /calendar/v3/freeBusy`, `POST/PATCH/DELETE /calendar/v3/calendars/primary/events[/id]`
 * with a Bearer token, Google's error body otherwise). Tests script busy times and outages and
 * read back every request.
 */
export interface FakeEvent {
  id: string;
  iCalUID?: string;
  summary?: string;
  start?: { dateTime?: string };
  end?: { dateTime?: string };
  sequence?: number;
  status: string;
  [k: string]: unknown;
}

export class FakeGoogleCalendar extends FakeProvider {
  readonly events = new Map<string, FakeEvent>();
  /** Busy intervals returned by freeBusy for every calendar. */
  busy: { start: string; end: string }[] = [];
  readonly clientId = googleTestClient.id;
  readonly clientSecret = googleTestClient.secret;
  readonly oauth = new FakeOAuthAuthority(this.clientId, this.clientSecret, googleOAuthPaths);
  private outage = 0;
  /** Tokens revoked through `/revoke`, in order. */
  readonly revoked: string[] = [];

  /** The server configuration that points Kestrel's Google sign-in, OAuth and Calendar calls at this fake. */
  env(): Record<string, string> {
    return {
      GOOGLE_CLIENT_ID: this.clientId,
      GOOGLE_CLIENT_SECRET: this.clientSecret,
      GOOGLE_OAUTH_AUTHORIZE_URL: `${this.url}${googleOAuthPaths.authorize}`,
      GOOGLE_OAUTH_TOKEN_URL: `${this.url}${googleOAuthPaths.token}`,
      GOOGLE_OAUTH_REVOKE_URL: `${this.url}/revoke`,
      GOOGLE_API_ROOT_URL: `${this.url}/`,
    };
  }

  /** The next `n` Calendar API calls (not OAuth) answer 503 as Google does when it is down. */
  override failNext(n: number): this {
    this.outage = n;
    return this;
  }

  apiCalls(): FakeRequest[] {
    return this.calls('/calendar/');
  }

  protected errorBody(code: number, message: string) {
    return { error: { code, message, errors: [{ message, domain: 'global', reason: code === 401 ? 'authError' : 'backendError' }] } };
  }

  protected routes = [
    ...this.oauth.routes(),
    // RFC 7009-style revocation as Google answers it: 200 with an empty body, or 400 invalid_token.
    route('POST', '/revoke', ({ body, query: q }) => {
      const token = ((body ?? {}) as Record<string, string | undefined>).token ?? q.token ?? '';
      if (!this.oauth.revokeToken(token)) return { status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
      this.revoked.push(token);
      return { status: 200, body: {} };
    }),
    route('POST', '/calendar/v3/freeBusy', (r) =>
      this.calendar(r, () => {
        const b = r.body as { timeMin: string; timeMax: string; items: { id: string }[] };
        const calendars = Object.fromEntries(b.items.map((i) => [i.id, { busy: this.busy.filter((x) => x.start < b.timeMax && x.end > b.timeMin) }]));
        return { status: 200, body: { kind: 'calendar#freeBusy', timeMin: b.timeMin, timeMax: b.timeMax, calendars } };
      }),
    ),
    route('POST', '/calendar/v3/calendars/primary/events', (r) =>
      this.calendar(r, () => {
        const event: FakeEvent = { ...(r.body as object), id: randomBytes(8).toString('hex'), status: 'confirmed', kind: 'calendar#event' };
        this.events.set(event.id, event);
        return { status: 200, body: event };
      }),
    ),
    ...(['PATCH', 'DELETE'] as const).map((method) =>
      route(method, '/calendar/v3/calendars/primary/events/:id', (r) =>
        this.calendar(r, () => {
          const existing = this.events.get(r.params.id!);
          if (!existing) return { status: 404, body: this.errorBody(404, 'Not Found') };
          if (existing.status === 'cancelled') return { status: 410, body: this.errorBody(410, 'Resource has been deleted') };
          if (method === 'PATCH') {
            Object.assign(existing, r.body as object);
            return { status: 200, body: existing };
          }
          existing.status = 'cancelled';
          return { status: 204 };
        }),
      ),
    ),
    route('GET', /^\/calendar\//, (r) => this.calendar(r, () => ({ status: 404, body: this.errorBody(404, 'Not Found') }))),
  ];

  /** Calendar API calls: a Bearer token Google issued, then the scripted outage, then the call. */
  private calendar(r: FakeRequest, then: () => FakeResponse): FakeResponse {
    if (!this.oauth.bearer(r)) return { status: 401, body: this.errorBody(401, 'Request had invalid authentication credentials.') };
    if (this.outage > 0) {
      this.outage--;
      return { status: 503, body: this.errorBody(503, 'The service is currently unavailable.') };
    }
    return then();
  }
}
