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
 * (`POST /calendar/v3/freeBusy`, `POST/PATCH/DELETE /calendar/v3/calendars/primary/events[/id]`,
 * `GET …/primary/events?iCalUID=` and a 409 for a second event with one iCalUID,
 * with a Bearer token, Google's error body otherwise). Tests script busy times and outages and
 * read back every request.
 *
 * Push notifications (BOOK-2) as Google sends them: `POST …/events/watch` opens a channel (id,
 * `web_hook` address, token, `params.ttl`) and answers `api#channel` with a resource id and an
 * expiration in epoch milliseconds; Google then posts a `sync` message, and an `exists` message
 * after each change to the calendar's events (through the API, or {@link changeOutside}); each
 * carries `X-Goog-Channel-ID`, `X-Goog-Channel-Token`, `X-Goog-Resource-ID`, `X-Goog-Resource-State`,
 * `X-Goog-Message-Number` and an empty body. `POST /calendar/v3/channels/stop` ends a channel.
 */
export interface FakeChannel {
  id: string;
  resourceId: string;
  address: string;
  token?: string;
  expiration: number;
  calendarId: string;
  messages: number;
  stopped: boolean;
}

/** A notification as it was posted, with the status the receiver answered. */
export interface FakeNotification {
  channelId: string;
  state: 'sync' | 'exists';
  status: number;
}
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
  /** Every token posted to `/revoke`, revoked or not (a token Google never issued is refused). */
  readonly revokeRequests: string[] = [];
  /** Push channels opened through `events.watch`, by channel id. */
  readonly channels = new Map<string, FakeChannel>();
  /** Every notification posted, once the receiver answered. */
  readonly notifications: FakeNotification[] = [];
  private readonly pending = new Set<Promise<void>>();

  /** Someone changed the calendar in Google itself: new busy times, and a notification to every open channel. */
  changeOutside(busy: { start: string; end: string }[]): void {
    this.busy = busy;
    this.notifyChange('primary');
  }

  /** Resolves once every notification sent so far has been answered. */
  async delivered(): Promise<FakeNotification[]> {
    while (this.pending.size) await Promise.all([...this.pending]);
    return this.notifications;
  }

  openChannels(): FakeChannel[] {
    return [...this.channels.values()].filter((c) => !c.stopped && c.expiration > Date.now());
  }

  private notifyChange(calendarId: string): void {
    for (const c of this.openChannels()) if (c.calendarId === calendarId) this.notify(c, 'exists');
  }

  /** Posts one message as Google does (after the answer to the call that caused it). */
  private notify(c: FakeChannel, state: 'sync' | 'exists'): void {
    const headers: Record<string, string> = {
      'X-Goog-Channel-ID': c.id,
      'X-Goog-Channel-Expiration': new Date(c.expiration).toUTCString(),
      'X-Goog-Resource-ID': c.resourceId,
      'X-Goog-Resource-URI': `${this.url}/calendar/v3/calendars/${c.calendarId}/events?alt=json`,
      'X-Goog-Resource-State': state,
      'X-Goog-Message-Number': String(++c.messages),
    };
    if (c.token !== undefined) headers['X-Goog-Channel-Token'] = c.token;
    const sent: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => fetch(c.address, { method: 'POST', headers }))
      .then(
        (r) => void this.notifications.push({ channelId: c.id, state, status: r.status }),
        () => void this.notifications.push({ channelId: c.id, state, status: 0 }),
      )
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }

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
      this.revokeRequests.push(token);
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
    route('POST', '/calendar/v3/calendars/:calendarId/events/watch', (r) =>
      this.calendar(r, () => {
        const b = (r.body ?? {}) as { id?: string; type?: string; address?: string; token?: string; params?: { ttl?: string } };
        if (!b.id || !/^[A-Za-z0-9\-_+/=]{1,64}$/.test(b.id) || b.type !== 'web_hook' || !b.address) return { status: 400, body: this.errorBody(400, 'Invalid channel.') };
        if (this.channels.has(b.id)) return { status: 400, body: this.errorBody(400, `Channel id ${b.id} not unique`) };
        const ttl = Math.min(Number(b.params?.ttl ?? 604_800) || 604_800, 2_592_000);
        const calendarId = decodeURIComponent(r.params.calendarId!);
        const c: FakeChannel = { id: b.id, resourceId: randomBytes(12).toString('base64url'), address: b.address, token: b.token, expiration: Date.now() + ttl * 1000, calendarId, messages: 0, stopped: false };
        this.channels.set(c.id, c);
        this.notify(c, 'sync');
        return { status: 200, body: { kind: 'api#channel', id: c.id, resourceId: c.resourceId, resourceUri: `${this.url}/calendar/v3/calendars/${calendarId}/events?alt=json`, token: c.token, expiration: String(c.expiration) } };
      }),
    ),
    route('POST', '/calendar/v3/channels/stop', (r) =>
      this.calendar(r, () => {
        const b = (r.body ?? {}) as { id?: string; resourceId?: string };
        const c = b.id ? this.channels.get(b.id) : undefined;
        if (!c || c.resourceId !== b.resourceId || c.stopped) return { status: 404, body: this.errorBody(404, `Channel '${b.id}' not found for project`) };
        c.stopped = true;
        return { status: 204 };
      }),
    ),
    route('POST', '/calendar/v3/calendars/primary/events', (r) =>
      this.calendar(r, () => {
        // Google keeps one event per iCalUID in a calendar: a second insert is refused (409 duplicate).
        const uid = (r.body as { iCalUID?: string }).iCalUID;
        if (uid && [...this.events.values()].some((e) => e.iCalUID === uid && e.status !== 'cancelled')) return { status: 409, body: this.errorBody(409, 'The requested identifier already exists.') };
        const event: FakeEvent = { ...(r.body as object), id: randomBytes(8).toString('hex'), status: 'confirmed', kind: 'calendar#event' };
        this.events.set(event.id, event);
        this.notifyChange('primary');
        return { status: 200, body: event };
      }),
    ),
    ...(['PATCH', 'DELETE'] as const).map((method) =>
      route(method, '/calendar/v3/calendars/primary/events/:id', (r) =>
        this.calendar(r, () => {
          const existing = this.events.get(r.params.id!);
          if (!existing) return { status: 404, body: this.errorBody(404, 'Not Found') };
          if (existing.status === 'cancelled') return { status: 410, body: this.errorBody(410, 'Resource has been deleted') };
          this.notifyChange('primary');
          if (method === 'PATCH') {
            Object.assign(existing, r.body as object);
            return { status: 200, body: existing };
          }
          existing.status = 'cancelled';
          return { status: 204 };
        }),
      ),
    ),
    // events.list, as far as booking uses it: the calendar's live events with one iCalUID.
    route('GET', '/calendar/v3/calendars/primary/events', (r) =>
      this.calendar(r, () => ({
        status: 200,
        body: { kind: 'calendar#events', items: [...this.events.values()].filter((e) => e.status !== 'cancelled' && (!r.query.iCalUID || e.iCalUID === r.query.iCalUID)) },
      })),
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
