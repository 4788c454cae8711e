import type { FastifyReply, FastifyRequest } from 'fastify';

export interface EventStream {
  /** `id` becomes the event's id, which a reconnecting EventSource sends back as Last-Event-ID. */
  send(event: string, data: unknown, id?: string | number): void;
  end(): void;
  /** Aborts when the client goes away before `end`. */
  signal: AbortSignal;
  /** Runs `fn` once when the stream is over, whoever ended it: the client leaving, or `end`. */
  onClose(fn: () => void): void;
}

/** Whether the client asked for a stream of server-sent events rather than one JSON answer. */
export const wantsEventStream = (request: FastifyRequest) => (request.headers.accept ?? '').includes('text/event-stream');

/**
 * Server-sent events on this response. The reply is taken over from Fastify, so the headers
 * set so far (security headers, cookies) are copied onto it. Comments keep proxies from
 * closing a quiet stream while a model thinks.
 */
export function openEventStream(reply: FastifyReply): EventStream {
  const gone = new AbortController();
  let ended = false;
  let closed = false;
  const closers: (() => void)[] = [];
  const close = () => {
    if (closed) return;
    closed = true;
    for (const fn of closers.splice(0)) fn();
  };
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.flushHeaders();
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), 15_000);
  // The response's close (not the request's, which closes once its body is read) means the client left.
  raw.on('close', () => {
    clearInterval(keepAlive);
    if (!ended) gone.abort();
    close();
  });
  return {
    signal: gone.signal,
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
    send(event, data, id) {
      if (ended || raw.destroyed) return;
      raw.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (ended) return;
      ended = true;
      clearInterval(keepAlive);
      raw.end();
      close();
    },
  };
}
