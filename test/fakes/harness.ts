import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeAfterFile } from '../helpers/file-cleanup';

/**
 * The one small harness every provider fake under `test/fakes/` is built on (non-negotiable 2):
 * a real HTTP server on 127.0.0.1, every request recorded exactly as the SDK sent it (raw body
 * kept for signature checks), scripted failures in the provider's own error shape, and a way to
 * deliver signed webhooks to Kestrel. A fake supplies only its routes and its error body.
 *
 *   class FakeResend extends FakeProvider {
 *     protected routes = [route('POST', '/emails', (r) => this.send(r))];
 *     protected errorBody(status: number, message: string) { return { statusCode: status, name: 'x', message }; }
 *   }
 *   const resend = await startFake(new FakeResend());   // stopped after the file
 */

export interface FakeRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  /** The body as sent, for signature checks and "this text never left" assertions. */
  raw: string;
  /** The same body as bytes (a multipart upload's file survives here; `raw` is its UTF-8 reading). */
  bytes: Buffer;
  /** JSON or form bodies parsed; otherwise the raw text (undefined when empty). */
  body: any;
  /** Named groups of the route's pattern. */
  params: Record<string, string>;
}

export interface FakeResponse {
  status: number;
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** Streams the answer itself (server-sent events): status, headers and body are its own. */
  write?: (res: ServerResponse) => void;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeRoute {
  method: string;
  pattern: RegExp;
  handler: FakeHandler;
}

/**
 * A route: `path` is either a RegExp (named groups become params) or a string where `:name`
 * matches one path segment (`/v1/customers/:id`).
 */
export function route(method: string, path: string | RegExp, handler: FakeHandler): FakeRoute {
  const pattern =
    typeof path === 'string'
      ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\?:([a-zA-Z_]\w*)/g, (_m, name: string) => `(?<${name}>[^/]+)`)}$`)
      : path;
  return { method: method.toUpperCase(), pattern, handler };
}

export abstract class FakeProvider<R extends FakeRequest = FakeRequest> {
  /** Every request, in order (as {@link describe} recorded it). */
  readonly requests: R[] = [];
  url = '';
  protected abstract routes: FakeRoute[];
  /** Headers on every answer (e.g. CORS for APIs a browser calls directly). */
  protected commonHeaders: Record<string, string> = {};
  private scripted: FakeResponse[] = [];
  private server: Server | null = null;

  /** The provider's error body for a status (its own shape: Stripe's `{ error: { type … } }` etc.). */
  protected abstract errorBody(status: number, message: string): unknown;

  /** The next `statuses.length` requests answer these statuses with the provider's error body. */
  failNext(...statuses: number[]): this {
    this.scripted.push(...statuses.map((status) => ({ status, body: this.errorBody(status, `Scripted ${status}`) })));
    return this;
  }

  /** The next request answers exactly this (e.g. a 429 with `retry-after`). */
  answerNext(response: FakeResponse): this {
    this.scripted.push(response);
    return this;
  }

  /**
   * What is recorded of a request: by default all of it. A fake adds what its tests read (which
   * API, streamed or not) or answers null to leave a request out (CORS preflights).
   */
  protected describe(request: FakeRequest): R | null {
    return request as R;
  }

  /** Requests to paths starting with `prefix` (and of `method`, when given). */
  calls(prefix: string, method?: string): R[] {
    return this.requests.filter((r) => r.path.startsWith(prefix) && (!method || r.method === method.toUpperCase()));
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted = [];
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
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

  /**
   * POST a webhook to Kestrel as the provider does: `raw` is sent byte for byte (sign it first),
   * answers the status and text Kestrel gave.
   */
  async deliver(url: string, raw: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
    const response = await fetch(url, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...headers } });
    return { status: response.status, text: await response.text() };
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      const type = req.headers['content-type'] ?? '';
      let body: unknown = raw === '' ? undefined : raw;
      if (raw && type.includes('json')) {
        try {
          body = JSON.parse(raw);
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(this.errorBody(400, 'Body is not JSON')));
          return;
        }
      } else if (raw && type.startsWith('application/x-www-form-urlencoded')) body = parseForm(raw);
      for (const [name, value] of Object.entries(this.commonHeaders)) res.setHeader(name, value);
      const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, raw, bytes, body, params: {} };
      const response = await this.answer(request);
      if (response.write) return response.write(res);
      const payload = response.raw ?? (response.body === undefined ? '' : JSON.stringify(response.body));
      const headers = response.raw === undefined && response.body !== undefined ? { 'content-type': 'application/json', ...response.headers } : { ...response.headers };
      res.writeHead(response.status, headers).end(payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(this.errorBody(500, (error as Error).message)));
    }
  }

  private async answer(request: FakeRequest): Promise<FakeResponse> {
    let matched: FakeRoute | undefined;
    for (const r of this.routes) {
      const match = r.method === request.method ? r.pattern.exec(request.path) : null;
      if (!match) continue;
      matched = r;
      request.params = { ...(match.groups ?? {}) };
      break;
    }
    const recorded = this.describe(request);
    if (recorded) this.requests.push(recorded);
    if (!matched) return { status: 404, body: this.errorBody(404, `No route ${request.method} ${request.path}`) };
    const scripted = recorded ? this.scripted.shift() : undefined;
    return scripted ?? matched.handler(recorded ?? request);
  }

}

/**
 * Form bodies as Stripe's SDK sends them (`a[b][0]=x`) become nested objects; plain forms
 * (`a=1&b=2`) stay flat.
 */
export function parseForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: any = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = node[part] ??= /^\d+$/.test(parts[i + 1]!) ? [] : {};
    });
  }
  return out;
}

/** Start a fake for the current test file and stop it after the file's tests. */
export async function startFake<T extends FakeProvider>(fake: T): Promise<T> {
  await fake.start();
  closeAfterFile(() => fake.stop());
  return fake;
}
