import { ApiError, openStream } from './api';

/**
 * Server-sent events over a POST (EventSource only does GET): the answer's body is read as it
 * arrives, split into events at blank lines, and each event's JSON data handed on. A server
 * that answers with plain JSON instead (a background run's 202) gets that JSON back.
 */

export type StreamAnswer = { kind: 'stream' } | { kind: 'json'; status: number; data: unknown };

export interface StreamHandlers {
  signal?: AbortSignal;
  onEvent: (name: string, data: unknown) => void;
}

export async function postEventStream(path: string, body: unknown, { signal, onEvent }: StreamHandlers): Promise<StreamAnswer> {
  const response = await openStream(path, body, signal);
  if (!(response.headers.get('content-type') ?? '').includes('text/event-stream') || !response.body) {
    const text = await response.text();
    return { kind: 'json', status: response.status, data: text ? (JSON.parse(text) as unknown) : undefined };
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (cause) {
        if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
        throw new ApiError(0, 'network_error', 'The connection dropped before the answer was complete.');
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = blockEnd(buffer)) >= 0) {
        dispatch(buffer.slice(0, end), onEvent);
        buffer = buffer.slice(end).replace(/^(\r?\n){2}/, '');
      }
    }
  } finally {
    // A handler that throws (an `error` event) ends the reading; the connection is let go.
    void reader.cancel().catch(() => undefined);
  }
  buffer += decoder.decode();
  if (buffer.trim()) dispatch(buffer, onEvent);
  return { kind: 'stream' };
}

/** Where the first complete event in the buffer ends (before its blank line), or -1. */
function blockEnd(buffer: string): number {
  const match = /\r?\n\r?\n/.exec(buffer);
  return match ? match.index : -1;
}

function dispatch(block: string, onEvent: StreamHandlers['onEvent']): void {
  let name = 'message';
  const data: string[] = [];
  for (const raw of block.split('\n')) {
    const line = raw.replace(/\r$/, '');
    // Empty lines and comments (the server's keep-alives) carry nothing.
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: handed on as text
  }
  onEvent(name, parsed);
}

/** The `{ error: { code, message, details } }` of an `error` event, as the ApiError every page knows how to show. */
export function streamError(data: unknown): ApiError {
  const e = (data as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && typeof e.code === 'string' && typeof e.message === 'string') {
    return new ApiError(200, e.code, e.message, e.details && typeof e.details === 'object' ? (e.details as Record<string, unknown>) : {});
  }
  return new ApiError(200, 'stream_error', 'Something went wrong while answering. Try again.');
}
