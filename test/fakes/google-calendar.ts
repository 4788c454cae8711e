import { createHash, randomBytes } from 'node:crypto';
import { FakeProvider, route, type FakeRequest, type FakeResponse } from './harness';

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
  /** Access tokens live this many seconds. */
  tokenLifetime = 3600;
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  private readonly accessTokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private outage = 0;
  /** Tokens revoked through `/revoke`, in order. */
  readonly revoked: string[] = [];

  constructor(
    readonly clientId = 'kestrel-test-client',
    readonly clientSecret = 'kestrel-test-secret',
  ) {
    super();
  }

  /** The server configuration that points Kestrel's Google sign-in, OAuth and Calendar calls at this fake. */
  env(): Record<string, string> {
    return {
      GOOGLE_CLIENT_ID: this.clientId,
      GOOGLE_CLIENT_SECRET: this.clientSecret,
      GOOGLE_OAUTH_AUTHORIZE_URL: `${this.url}/o/oauth2/v2/auth`,
      GOOGLE_OAUTH_TOKEN_URL: `${this.url}/token`,
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
    route('GET', '/o/oauth2/v2/auth', ({ query: q }) => {
      if (q.client_id !== this.clientId || q.code_challenge_method !== 'S256' || !q.code_challenge) return { status: 400, body: { error: 'invalid_request' } };
      const code = randomBytes(12).toString('hex');
      this.codes.set(code, { challenge: q.code_challenge, redirectUri: q.redirect_uri!, scope: q.scope ?? '' });
      const to = new URL(q.redirect_uri!);
      to.searchParams.set('code', code);
      to.searchParams.set('state', q.state ?? '');
      to.searchParams.set('scope', q.scope ?? '');
      return { status: 302, headers: { location: to.toString() } };
    }),
    route('POST', '/token', ({ body }) => {
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
        if (!this.refreshTokens.has(f.refresh_token ?? '')) return { status: 400, body: { error: 'invalid_grant' } };
        return { status: 200, body: this.issue('https://www.googleapis.com/auth/calendar.freebusy https://www.googleapis.com/auth/calendar.events', false) };
      }
      return { status: 400, body: { error: 'unsupported_grant_type' } };
    }),
    // RFC 7009-style revocation as Google answers it: 200 with an empty body, or 400 invalid_token.
    route('POST', '/revoke', ({ body, query: q }) => {
      const token = ((body ?? {}) as Record<string, string | undefined>).token ?? q.token ?? '';
      if (!this.refreshTokens.delete(token) && !this.accessTokens.delete(token)) return { status: 400, body: { error: 'invalid_token', error_description: 'Token expired or revoked' } };
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
    const token = r.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!this.accessTokens.has(token)) return { status: 401, body: this.errorBody(401, 'Request had invalid authentication credentials.') };
    if (this.outage > 0) {
      this.outage--;
      return { status: 503, body: this.errorBody(503, 'The service is currently unavailable.') };
    }
    return then();
  }

  private issue(scope: string, withRefresh: boolean) {
    const access = `ya29.${randomBytes(16).toString('hex')}`;
    this.accessTokens.add(access);
    const refresh = withRefresh ? `1//${randomBytes(16).toString('hex')}` : undefined;
    if (refresh) this.refreshTokens.add(refresh);
    return { access_token: access, expires_in: this.tokenLifetime, token_type: 'Bearer', scope, ...(refresh ? { refresh_token: refresh } : {}) };
  }
}
