import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';

/**
 * OPS-1 / SEC-2: structured logs that never carry a secret. Paths cover request headers and
 * any field that commonly holds one, wherever it is nested.
 */
export const redactPaths = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.passwordHash',
  '*.token',
  '*.code',
  '*.secret',
  '*.apiKey',
  '*.accessToken',
  '*.refreshToken',
  '*.totpSecret',
  'password',
  'token',
  'apiKey',
  'secret',
];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LONG_SEGMENT = /[^/]{20}/;

/**
 * SEC-2: a request path fit for logs: no query string (widget visitor tokens, reset links), and
 * every path segment that looks like a token (20 or more URL-safe characters, not a UUID) masked,
 * so invitation and booking manage/reschedule/cancel links never reach a log.
 */
export function loggablePath(url: string): string {
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  // Most paths have no segment long enough to be a token: nothing to mask (issue 14).
  if (!LONG_SEGMENT.test(path)) return path;
  return path
    .split('/')
    .map((segment) => (segment.length >= 20 && /^[\w.~%-]+$/.test(segment) && !uuid.test(segment) ? '…' : segment))
    .join('/');
}

interface LoggableRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  routeOptions?: { url?: string };
  socket?: { remotePort?: number };
}

/** What a request's log line says about it (Fastify's fields, with the URL made safe). */
export const requestSerializer = (req: LoggableRequest) => ({
  method: req.method,
  url: loggablePath(req.url ?? ''),
  route: req.routeOptions?.url,
  host: req.host,
  remoteAddress: req.ip,
  remotePort: req.socket?.remotePort,
});

/**
 * Where the server's log lines go when no destination is given: standard output, written
 * asynchronously (decision 020). A line is handed to the kernel as soon as no other write is in
 * flight, so a quiet server's lines appear at once and a busy one's are written together; the
 * request never waits on the write. What is still buffered is written synchronously when the
 * process exits (pino registers that for `process.exit`, a fatal error and the end of the event
 * loop) and on shutdown (`flushLogs`). Past MAX_BUFFERED bytes (the reader of standard output has
 * stalled) new lines are dropped rather than the server's memory growing or its requests waiting.
 */
const MAX_BUFFERED = 16 * 1024 * 1024;

export function standardOutput(): pino.DestinationStream {
  return pino.destination({ dest: 1, sync: false, minLength: 0, maxLength: MAX_BUFFERED });
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { req: requestSerializer },
      base: { service: 'kestrel' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? standardOutput(),
  );
}

/** Writes out what the logger still holds (shutdown; decision 020). Never throws. */
export function flushLogs(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve();
    }
  });
}

/** What a successful request's line carries besides the bindings: nothing a serializer did not build. */
const responseSerializer = (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode });

/**
 * OPS-1: one log line per request, when it completes, with what Fastify's "incoming request"
 * line carried (method, URL, host, remote address) and the status and time: half the log
 * writes and redaction passes of Fastify's two lines (issue 14). Errors are logged as before.
 *
 * Issue 14 / SEC-2: a successful request's line is written without the redaction pass (which was
 * ~75 % of the line's CPU: every redact path, wildcards included, tried on each field): its
 * fields are only the request id and what `requestSerializer` (method, URL with tokens masked,
 * route, host, address, port) and `responseSerializer` (status) build, and none of those can hold
 * a header, a body or any field the redact paths name. Lines with an error, and every other log
 * line, keep the full redaction.
 */
export class OneLinePerRequest extends LogController {
  readonly #lines: Logger | null;

  constructor(logger?: Logger) {
    super();
    this.#lines = logger ? logger.child({}, { redact: [], serializers: { req: requestSerializer, res: responseSerializer } }) : null;
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else if (this.#lines) this.#lines.info({ reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
