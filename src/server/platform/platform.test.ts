import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestClient, signUpUser } from '../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../test/helpers/server';
import { loadConfig, ConfigError } from './config';
import { SecretBox } from './crypto/secret-box';
import { requireAccessDeclarations } from './http/access';
import { createLogger } from './logger';
import { randomToken } from './crypto/tokens';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

describe('security headers and CSRF', () => {
  it('SEC-1 responses carry a strict CSP and security headers', async () => {
    const res = await new TestClient(server.app).get('/api/health');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // No TLS here, so no HSTS; the production test in accounts.test.ts checks it behind https.
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('SEC-1 cookie-authenticated writes need the session CSRF token; cross-site writes are refused', async () => {
    const user = await signUpUser(server);
    const url = '/api/auth/profile';
    const noToken = await user.client.request('PATCH', url, { name: 'Mallory' }, { 'x-csrf-token': '' });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_token_invalid');
    const crossSite = await user.client.request('PATCH', url, { name: 'Mallory' }, { origin: 'https://evil.example' });
    expect(crossSite.json().error.code).toBe('cross_site_request');
    const fetchSite = await new TestClient(server.app).request('POST', '/api/auth/sign-in', { email: user.email, password: user.password }, { 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.statusCode).toBe(403);
    const ok = await user.client.request('PATCH', url, { name: 'Real Name' }, { origin: server.url });
    expect(ok.statusCode).toBe(204);
    expect((await user.client.get('/api/auth/me')).json().user.name).toBe('Real Name');
  });
});

describe('bad input gets a clear 4xx, never a 500', () => {
  it('SEC-1 malformed JSON, wrong types, unknown fields, oversized bodies and wrong media types answer in the one error shape', async () => {
    const c = new TestClient(server.app);
    const malformed = await c.request('POST', '/api/auth/sign-in', '{"email": "a@b.c", ', {});
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toMatchObject({ code: 'malformed_json', details: {} });

    const wrongTypes = await c.post('/api/auth/sign-up', { name: 5, email: 'not-an-email', password: 'short', ageConfirmed: 'yes' });
    expect(wrongTypes.statusCode).toBe(400);
    expect(wrongTypes.json().error.code).toBe('validation_failed');
    expect(Object.keys(wrongTypes.json().error.details.fields).sort()).toEqual(['ageConfirmed', 'email', 'name', 'password']);

    const unknown = await c.post('/api/auth/sign-in', { email: 'a@b.co', password: 'x', admin: true });
    expect(unknown.statusCode).toBe(400);
    expect(JSON.stringify(unknown.json().error.details)).toContain('admin');

    const huge = await c.post('/api/auth/sign-in', { email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('body_too_large');

    const media = await c.request('POST', '/api/auth/sign-in', 'email=a', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(media.statusCode).toBe(415);
    expect(media.json().error.code).toBe('unsupported_media_type');

    const badId = await c.get('/api/invitations/short');
    expect(badId.statusCode).toBe(400);
    const missing = await c.get('/api/nothing-here');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('route_not_found');
  });
});

describe('operations', () => {
  it('OPS-1 health and readiness answer, and Prometheus metrics count requests by route', async () => {
    const c = new TestClient(server.app);
    expect((await c.get('/api/health')).json()).toMatchObject({ status: 'ok' });
    expect((await c.get('/api/ready')).json()).toEqual({ status: 'ready', database: 'ok', mail: 'smtp' });
    const metrics = await c.get('/metrics');
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toContain('kestrel_process_resident_memory_bytes');
    expect(metrics.body).toMatch(/kestrel_http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} \d+/);
  });

  it('OPS-1 metrics can require an operator token', async () => {
    const guarded = await startTestServer({ METRICS_TOKEN: 'operator-token-0123456789' });
    expect((await new TestClient(guarded.app).get('/metrics')).statusCode).toBe(401);
    expect((await new TestClient(guarded.app).get('/metrics', { authorization: 'Bearer operator-token-0123456789' })).statusCode).toBe(200);
  });

  it('OPS-1 SEC-2 logs are structured JSON and never carry passwords, cookies or tokens', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger('info', sink);
    logger.info({ req: { headers: { cookie: 'kestrel_session=abc', authorization: 'Bearer xyz' } }, body: { password: 'hunter2hunter2', token: 'tok-123' }, apiKey: 'sk-live-1' }, 'request');
    const out = lines.join('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, msg: 'request', service: 'kestrel' });
    for (const secret of ['abc', 'xyz', 'hunter2hunter2', 'tok-123', 'sk-live-1']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('SEC-2 request log lines carry no tokens from query strings or link paths', async () => {
    const lines: string[] = [];
    const logged = await startTestServer({ LOG_LEVEL: 'info' }, { write: (line) => void lines.push(line) });
    const c = new TestClient(logged.app);
    const visitorToken = randomToken();
    const invitation = randomToken();
    const booking = `${randomToken(16)}.${randomToken(16)}.${randomToken(16).slice(0, 22)}`;
    const ws = '0b8f7e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
    await c.get(`/api/widget/${ws}/messages?token=${visitorToken}`);
    await c.get(`/api/invitations/${invitation}`);
    await c.get(`/api/public/booking/manage/${booking}`);
    await c.post(`/api/public/booking/cancel/${booking}`, {});
    await c.get(`/reset-password?token=${visitorToken}`);
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.req);
    expect(requests.length).toBeGreaterThanOrEqual(5);
    const out = lines.join('');
    for (const secret of [visitorToken, invitation, booking, ...booking.split('.')]) expect(out).not.toContain(secret);
    // What was asked for is still plain: the path with its workspace, and the route.
    expect(requests.find((l) => l.req.url === `/api/widget/${ws}/messages`)).toBeDefined();
    expect(requests.find((l) => l.req.url === '/api/invitations/…')?.req.route).toBe('/api/invitations/:token');
    // Issue 14: a completed request's line is written without the redaction pass, so it may only
    // carry what the serializers build — never headers, cookies or a body.
    lines.length = 0;
    const cookie = `kestrel_session=${randomToken()}`;
    const bearer = randomToken();
    const csrf = randomToken();
    await logged.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie, authorization: `Bearer ${bearer}`, 'x-csrf-token': csrf } });
    await logged.app.inject({ method: 'GET', url: '/api/health', headers: { cookie, authorization: `Bearer ${bearer}`, 'x-csrf-token': csrf } });
    const completed = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request completed');
    expect(completed.length).toBe(2);
    for (const line of completed) {
      expect(Object.keys(line).sort()).toEqual(['level', 'msg', 'req', 'reqId', 'res', 'responseTime', 'service', 'time']);
      expect(['host', 'method', 'remoteAddress', 'remotePort', 'route', 'url']).toEqual(expect.arrayContaining(Object.keys(line.req)));
      expect(line.req).toMatchObject({ method: 'GET', route: expect.stringMatching(/^\/api\//) });
      expect(line.res).toEqual({ statusCode: expect.any(Number) });
    }
    for (const secret of [cookie.split('=')[1]!, bearer, csrf]) expect(lines.join('')).not.toContain(secret);
  });

  it('OPS-1 log lines written asynchronously are all out when the process exits or dies (decision 020)', () => {
    const script = (end: string) => `
      const { createLogger } = await import('./src/server/platform/logger.ts');
      const log = createLogger('info');
      for (let i = 0; i < 5000; i++) log.info({ i, password: 'hunter2hunter2' }, 'line');
      ${end}`;
    for (const end of ['process.exit(0);', "throw new Error('fatal');"]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script(end)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const out = r.stdout.trim().split('\n');
      expect(out.length, r.stderr).toBe(5000);
      expect(JSON.parse(out.at(-1)!)).toMatchObject({ i: 4999, password: '[redacted]' });
      expect(r.stdout).not.toContain('hunter2hunter2');
    }
  });

  it('OPS-1 BILL-2 config is validated at boot with a message naming each bad setting', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT: /);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/KESTREL_SECRET_KEYS: required in production/);
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'id-only' })).toThrow(/GOOGLE_CLIENT_ID/);
    // BILL-2: a payment provider without its keys is refused, not silently ignored.
    expect(() => loadConfig({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'paddle' })).toThrow(/PADDLE_API_KEY: set PADDLE_API_KEY and PADDLE_WEBHOOK_SECRET/);
    expect(() => loadConfig({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'razorpay', RAZORPAY_KEY_ID: 'rzp_test' })).toThrow(/RAZORPAY_KEY_ID: set RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET/);
    expect(loadConfig({ BILLING_ENABLED: 'true', BILLING_PROVIDER: 'paddle', PADDLE_API_KEY: 'pdl_k', PADDLE_WEBHOOK_SECRET: 'pdl_ntfset_s' }).billing.paddle).toMatchObject({ environment: 'production' });
    expect(loadConfig({}).PORT).toBe(3000);
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
  });

  it('WS-2 the server refuses to start when a route does not declare who may call it', async () => {
    const app = Fastify();
    requireAccessDeclarations(app);
    app.get('/api/declared', { config: { access: 'public' } }, async () => 'ok');
    app.get('/api/forgotten', async () => 'oops');
    await expect(app.ready()).rejects.toThrow(/GET \/api\/forgotten/);
  });

  it('INT-4 the OpenAPI document lists the routes with their schemas, and the viewer is served', async () => {
    const c = new TestClient(server.app);
    const doc = (await c.get('/api/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/auth/sign-up'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('ageConfirmed');
    expect(doc.paths['/api/workspaces/{workspaceId}/members'].get).toBeDefined();
    const viewer = await c.get('/api/docs/');
    expect([200, 302]).toContain(viewer.statusCode);
  });
});

describe('secret box', () => {
  it('SEC-2 AES-256-GCM with key ids: sealed values open with any listed key, resist tampering and move to the new key on rotation', () => {
    const oldSpec = SecretBox.generateSpec('old');
    const oldBox = SecretBox.fromSpec(oldSpec);
    const sealed = oldBox.seal('sk-very-secret', 'user:1:totp');
    expect(sealed.startsWith('v1.old.')).toBe(true);
    expect(sealed).not.toContain('sk-very-secret');
    expect(oldBox.seal('sk-very-secret', 'user:1:totp')).not.toBe(sealed); // random IV
    const rotated = SecretBox.fromSpec(`${SecretBox.generateSpec('new')},${oldSpec}`);
    expect(rotated.open(sealed, 'user:1:totp')).toBe('sk-very-secret');
    const resealed = rotated.reseal(sealed, 'user:1:totp')!;
    expect(rotated.keyIdOf(resealed)).toBe('new');
    expect(rotated.reseal(resealed, 'user:1:totp')).toBeNull();
    expect(() => rotated.open(sealed, 'user:2:totp')).toThrow(); // bound to its row
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered!').toString('base64url');
    expect(() => oldBox.open(parts.join('.'), 'user:1:totp')).toThrow();
    expect(JSON.stringify({ box: oldBox })).not.toContain(oldSpec.split(':')[1]);
    expect(() => SecretBox.fromSpec('k1:dG9vc2hvcnQ=')).toThrow(/32 bytes/);
  });
});

describe('maintenance', () => {
  it('AUTH-5 the hourly sweep deletes expired sessions and stale one-time tokens, and leaves live ones', async () => {
    const { sessions, authTokens } = await import('../modules/accounts/accounts.schema');
    const { maintenanceSweepJob } = await import('./jobs/maintenance.job');
    const { eq } = await import('drizzle-orm');
    const live = await signUpUser(server);
    const stale = await signUpUser(server);
    const db = server.services.database.system;
    await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, stale.userId));
    await db.update(authTokens).set({ expiresAt: new Date(Date.now() - 2 * 86_400_000) }).where(eq(authTokens.userId, stale.userId));
    await maintenanceSweepJob.run({}, server.services);
    expect(await db.select().from(sessions).where(eq(sessions.userId, stale.userId))).toHaveLength(0);
    expect(await db.select().from(authTokens).where(eq(authTokens.userId, stale.userId))).toHaveLength(0);
    expect(await db.select().from(sessions).where(eq(sessions.userId, live.userId))).toHaveLength(1);
    expect((await live.client.get('/api/auth/sessions')).statusCode).toBe(200);
  });
});
