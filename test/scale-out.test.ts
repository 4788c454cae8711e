import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { peekSettings } from '../src/server/modules/conversations/workspace-cache';
import { queueRenderedMail } from '../src/server/platform/mail/outbox';
import { ownerWithWorkspace, TestClient } from './helpers/client';
import { startSecondInstance, startTestServer, type SecondInstance, type TestServer } from './helpers/server';
import { sse } from './helpers/sse';

/**
 * OPS-2: two Kestrel instances on one PostgreSQL, as behind a load balancer that sends each
 * request wherever it likes: A is the usual test server, B a second instance with its own pools,
 * realtime listener and job worker.
 */
let a: TestServer;
let b: SecondInstance;
const SITE = 'https://shop.example';

beforeAll(async () => {
  a = await startTestServer();
  b = await startSecondInstance(a, { runJobs: true });
});

/** The request a browser would send to instance B with the session it got from A. */
function onB(client: TestClient, method: string, path: string, body?: unknown) {
  return fetch(`${b.url}${path}`, {
    method,
    headers: { cookie: client.cookie!, ...(method === 'GET' ? {} : { 'x-csrf-token': client.csrf!, 'content-type': 'application/json', origin: b.url }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('two instances behind a load balancer', () => {
  it('OPS-2 a session made on instance A works on instance B, for reads and CSRF-checked writes, and signing out on B ends it on A', async () => {
    const owner = await ownerWithWorkspace(a, 'Balanced Bikes');
    const me = await onB(owner.client, 'GET', '/api/auth/me');
    expect(me.status).toBe(200);
    expect((await me.json()).user.email).toBe(owner.email);
    const created = await onB(owner.client, 'POST', `/api/workspaces/${owner.workspaceId}/contacts`, { firstName: 'Made', lastName: 'On B' });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: string }).id;
    const seenOnA = await owner.client.get(`/api/workspaces/${owner.workspaceId}/contacts/${id}`);
    expect(seenOnA.statusCode).toBe(200);

    expect((await onB(owner.client, 'POST', '/api/auth/sign-out', {})).status).toBeLessThan(300);
    expect((await owner.client.get('/api/auth/me')).json().user ?? null).toBeNull();
  });

  it('OPS-2 a conversation message posted on instance A arrives on the visitor stream served by instance B', async () => {
    const owner = await ownerWithWorkspace(a, 'Balanced Books');
    expect((await owner.client.patch(`/api/workspaces/${owner.workspaceId}/widget-settings`, { allowedOrigins: [SITE] })).statusCode).toBe(200);
    const visitor = new TestClient(a.app, '172.20.0.9');
    const started = await visitor.post(`/api/widget/${owner.workspaceId}/conversations`, { page: `${SITE}/` }, { origin: SITE });
    expect(started.statusCode, started.body).toBe(200);
    const { token, conversationId } = started.json() as { token: string; conversationId: string };

    const stream = await sse(`${b.url}/api/widget/${owner.workspaceId}/messages?token=${encodeURIComponent(token)}`, { origin: SITE });
    await vi.waitFor(() => expect(stream.events.some((e) => e.event === 'status')).toBe(true));
    const body = `Posted on A ${randomBytes(3).toString('hex')}`;
    const reply = await owner.client.post(`/api/workspaces/${owner.workspaceId}/conversations/${conversationId}/messages`, { kind: 'reply', body });
    expect(reply.statusCode, reply.body).toBe(201);
    await vi.waitFor(() => expect(stream.events.some((e) => e.event === 'message' && e.data.body === body)).toBe(true), { timeout: 10_000 });
    stream.close();
  });

  it('OPS-2 jobs enqueued on instance A run exactly once across both instances’ workers', async () => {
    const to = `jobs-${randomBytes(4).toString('hex')}@example.test`;
    const count = 24;
    for (let i = 0; i < count; i++) {
      await a.services.database.system.transaction((tx) => queueRenderedMail(tx, { from: a.services.mail.from, to, template: 'test', rendered: { subject: `Job ${i}`, text: `job ${i}`, html: `<p>job ${i}</p>` } }));
    }
    // Every job done: the queue holds none of them any more, and each mail arrived.
    await vi.waitFor(
      async () => {
        const { rows } = await a.services.database.system.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'mail.send'`);
        expect(rows[0]!.n).toBe(0);
        expect(a.smtp.mailsTo(to)).toHaveLength(count);
      },
      { timeout: 30_000, interval: 100 },
    );
    const subjects = a.smtp.mailsTo(to).map((m) => m.subject).sort();
    expect(new Set(subjects).size).toBe(count);
    expect(subjects).toEqual(Array.from({ length: count }, (_, i) => `Job ${i}`).sort());
  });

  it('CONV-2 CONV-1 a change of the widget settings made on instance A reaches the copy instance B keeps of them at once (LISTEN/NOTIFY), origins and greeting alike', async () => {
    const owner = await ownerWithWorkspace(a, 'Cached Cakes');
    const w = owner.workspaceId;
    const other = 'https://other.example';
    expect((await owner.client.patch(`/api/workspaces/${w}/widget-settings`, { allowedOrigins: [SITE], greeting: 'First greeting' })).statusCode).toBe(200);
    const configOnB = (origin: string) => fetch(`${b.url}/api/widget/${w}/config`, { headers: { origin } });
    await vi.waitFor(async () => expect(((await (await configOnB(SITE)).json()) as { greeting: string }).greeting).toBe('First greeting'));
    // B now answers from its own copy: it reads the settings no more.
    expect(peekSettings(b.services, w)?.greeting).toBe('First greeting');
    expect((await configOnB(other)).status).toBe(403);

    expect((await owner.client.patch(`/api/workspaces/${w}/widget-settings`, { allowedOrigins: [other], greeting: 'Second greeting' })).statusCode).toBe(200);
    // Within the wait's one second (the copy used to live ten), B forgets its copy and reads the new settings.
    await vi.waitFor(async () => expect(peekSettings(b.services, w)).toBeUndefined(), { timeout: 1_000, interval: 5 });
    const now = await configOnB(other);
    expect(now.status).toBe(200);
    expect(((await now.json()) as { greeting: string }).greeting).toBe('Second greeting');
    expect((await configOnB(SITE)).status).toBe(403);
  });
});
