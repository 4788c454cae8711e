import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local People Data Labs for tests (STYLE 13): a real HTTP server speaking the Person
 * Enrichment API — `GET /v5/person/enrich?email=…|phone=…|name=…&company=…` with the key in
 * `X-Api-Key`, answering 200 `{ status, likelihood, data }` for a known person, 404
 * `{ status, error: { type: 'not_found', message } }` otherwise, 401 for a wrong key. A test can
 * queue other answers (402, 429, 5xx) and reads back every request.
 */
export interface FakePdlRequest {
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface FakePerson {
  likelihood?: number;
  data: Record<string, unknown>;
}

const errorTypes: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 402: 'payment_required', 403: 'forbidden', 404: 'not_found', 429: 'rate_limit_error', 500: 'api_error', 503: 'api_error' };

export class FakePdl {
  readonly requests: FakePdlRequest[] = [];
  /** People by lower-cased email or by phone as sent. */
  readonly people = new Map<string, FakePerson>();
  private statuses: number[] = [];
  private server: Server | null = null;
  url = '';

  constructor(readonly apiKey: string) {}

  /** The next answers are these statuses (with PDL's error body), whatever is asked. */
  failNext(...statuses: number[]): this {
    this.statuses.push(...statuses);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.statuses = [];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const query = Object.fromEntries(url.searchParams);
      this.requests.push({ path: url.pathname, query, headers: req.headers });
      const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const fail = (status: number, message: string) => send(status, { status, error: { type: errorTypes[status] ?? 'error', message } });
      if (req.method !== 'GET' || url.pathname !== '/v5/person/enrich') return fail(404, `No route ${req.method} ${url.pathname}`);
      const queued = this.statuses.shift();
      if (queued) return fail(queued, `Scripted ${queued}`);
      if (req.headers['x-api-key'] !== this.apiKey) return fail(401, 'Invalid API key');
      if (!query.email && !query.phone && !(query.name && query.company)) return fail(400, 'Request needs some identifying parameters');
      const person = this.people.get((query.email ?? query.phone ?? `${query.name}|${query.company}`).toLowerCase());
      if (!person) return fail(404, 'No records were found matching your request');
      send(200, { status: 200, likelihood: person.likelihood ?? 9, data: person.data });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function startFakePdl(apiKey: string): Promise<FakePdl> {
  const fake = await new FakePdl(apiKey).start();
  const { afterAll } = await import('vitest');
  afterAll(() => fake.stop());
  return fake;
}
