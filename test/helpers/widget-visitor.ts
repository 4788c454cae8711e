import type { FastifyInstance } from 'fastify';
import { expect, vi } from 'vitest';
import { TestClient } from './client';

export const WIDGET_SITE = 'https://bakery.example';
let nextIp = 1;

/**
 * A website visitor using the chat widget (CONV-1): its own IP address (so per-IP limits are
 * per visitor), the site's Origin, no cookies; the visitor token comes from starting a chat.
 */
export function widgetVisitor(app: FastifyInstance, o: { workspaceId: string }, site = WIDGET_SITE) {
  const c = new TestClient(app, `172.16.${(nextIp >> 8) & 255}.${nextIp++ & 255}`);
  const w = (path: string) => `/api/widget/${o.workspaceId}${path}`;
  let token = '';
  return {
    c,
    get token() {
      return token;
    },
    async start(page = `${site}/prices`) {
      const res = await c.post(w('/conversations'), { page }, { origin: site });
      expect(res.statusCode, res.body).toBe(200);
      token = res.json().token;
      return res.json();
    },
    send: (body: string, clientId = `c${Math.random().toString(36).slice(2)}`) => c.post(w('/messages'), { token, clientId, body }, { origin: site }),
    read: async (after = 0) => (await c.get(`${w('/messages')}?token=${encodeURIComponent(token)}&after=${after}`, { origin: site })).json(),
  };
}

/** Waits for the message `pred` picks to appear in the visitor's chat (the assistant answers from a job), and answers it. */
export const waitForWidgetMessage = (
  v: { read(): Promise<{ messages: { author: string; body: string }[] }> },
  pred: (m: { author: string; body: string }) => boolean,
  wait: { timeout: number; interval: number } = { timeout: 15_000, interval: 50 },
) =>
  vi.waitFor(async () => {
    const found = (await v.read()).messages.find(pred);
    if (!found) throw new Error('not yet');
    return found;
  }, wait);
