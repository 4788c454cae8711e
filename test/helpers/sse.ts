import { expect } from 'vitest';

/** An event read off a server-sent event stream. */
export interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/**
 * Opens a server-sent event stream over real HTTP and collects its events as they arrive (comments
 * skipped), for tests to wait on with vi.waitFor.
 */
export async function sse(url: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  expect(res.status).toBe(200);
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const state = { ended: false };
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          state.ended = true;
          return;
        }
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: SseEvent = { event: 'message', data: null };
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
          }
          if (block.startsWith(':')) continue;
          events.push(e);
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return {
    events,
    close: () => abort.abort(),
    /** Whether the server ended the stream. */
    get ended() {
      return state.ended;
    },
  };
}
