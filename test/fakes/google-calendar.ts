import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Google for tests (STYLE 13, 18): the OAuth 2.0 endpoints (`/o/oauth2/v2/auth` consents
 * at once and redirects with a code; `/token` checks the client secret and the PKCE verifier,
 * and refreshes) and Calendar API v3 as the official client library speaks it
 * (`POST /calendar/v3/freeBusy`, `POST/PATCH/DELETE /calendar/v3/calendars/primary/events[/id]`
 * with a Bearer token, Google's error body otherwise). Tests script busy times and outages and
 * read back every request.
 */
export interface FakeGoogleRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization: string | undefined;
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

export class FakeGoogleCalendar {
  readonly requests: FakeGoogleRequest[] = [];
  readonly events = new Map<string, FakeEvent>();
  /** Busy intervals returned by freeBusy for every calendar. */
  busy: { start: string; end: string }[] = [];
  /** Access tokens live this many seconds. */
  tokenLifetime = 3600;
  private readonly codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  private readonly accessTokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private outage = 0;
  private server: Server | null = null;
  url = '';

  constructor(
    readonly clientId = 'kestrel-test-client',
    readonly clientSecret = 'kestrel-test-secret',
  ) {}

  /** The next `n` Calendar API calls answer 503 as Google does when it is down. */
  failNext(n: number): this {
    this.outage = n;
    return this;
  }

  apiCalls(): FakeGoogleRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/calendar/'));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(body === undefined ? '' : JSON.stringify(body));
        },
        (error: Error) => res.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; headers?: Record<string, string> }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(raw)) : null;
    const body = form ?? (raw ? JSON.parse(raw) : undefined);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body, authorization: req.headers.authorization });
    const q = url.searchParams;

    if (url.pathname === '/o/oauth2/v2/auth') {
      if (q.get('client_id') !== this.clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return { status: 400, body: { error: 'invalid_request' } };
      const code = randomBytes(12).toString('hex');
      this.codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')!, scope: q.get('scope') ?? '' });
      const to = new URL(q.get('redirect_uri')!);
      to.searchParams.set('code', code);
      to.searchParams.set('state', q.get('state') ?? '');
      to.searchParams.set('scope', q.get('scope') ?? '');
      return { status: 302, headers: { location: to.toString() } };
    }
    if (url.pathname === '/token') {
      const f = form ?? {};
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
    }

    if (!url.pathname.startsWith('/calendar/v3/')) return { status: 404, body: googleError(404, 'Not Found') };
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    if (!this.accessTokens.has(token)) return { status: 401, body: googleError(401, 'Request had invalid authentication credentials.') };
    if (this.outage > 0) {
      this.outage--;
      return { status: 503, body: googleError(503, 'The service is currently unavailable.') };
    }
    if (req.method === 'POST' && url.pathname === '/calendar/v3/freeBusy') {
      const b = body as { timeMin: string; timeMax: string; items: { id: string }[] };
      const calendars = Object.fromEntries(b.items.map((i) => [i.id, { busy: this.busy.filter((x) => x.start < b.timeMax && x.end > b.timeMin) }]));
      return { status: 200, body: { kind: 'calendar#freeBusy', timeMin: b.timeMin, timeMax: b.timeMax, calendars } };
    }
    const events = /^\/calendar\/v3\/calendars\/primary\/events(?:\/([^/]+))?$/.exec(url.pathname);
    if (events) {
      const id = events[1];
      if (req.method === 'POST' && !id) {
        const event: FakeEvent = { ...(body as object), id: randomBytes(8).toString('hex'), status: 'confirmed', kind: 'calendar#event' };
        this.events.set(event.id, event);
        return { status: 200, body: event };
      }
      const existing = id ? this.events.get(id) : undefined;
      if (!existing || existing.status === 'cancelled') return { status: id && existing ? 410 : 404, body: googleError(existing ? 410 : 404, existing ? 'Resource has been deleted' : 'Not Found') };
      if (req.method === 'PATCH') {
        Object.assign(existing, body as object);
        return { status: 200, body: existing };
      }
      if (req.method === 'DELETE') {
        existing.status = 'cancelled';
        return { status: 204 };
      }
    }
    return { status: 404, body: googleError(404, 'Not Found') };
  }

  private issue(scope: string, withRefresh: boolean) {
    const access = `ya29.${randomBytes(16).toString('hex')}`;
    this.accessTokens.add(access);
    const refresh = withRefresh ? `1//${randomBytes(16).toString('hex')}` : undefined;
    if (refresh) this.refreshTokens.add(refresh);
    return { access_token: access, expires_in: this.tokenLifetime, token_type: 'Bearer', scope, ...(refresh ? { refresh_token: refresh } : {}) };
  }
}

const googleError = (code: number, message: string) => ({ error: { code, message, errors: [{ message, domain: 'global', reason: code === 401 ? 'authError' : 'backendError' }] } });
