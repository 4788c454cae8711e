import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestClient, uniqueEmail } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { runCli } from '../../cli';
import { loadConfig } from '../../platform/config';
import { developmentExposureWarning } from './development-warning';

const password = 'correct horse battery';

/** The operator's CLI against the test server's database, as `npx kestrel …` would run it. */
async function kestrel(server: TestServer, ...argv: string[]) {
  let out = '';
  let err = '';
  const { config } = server.services;
  const env = { NODE_ENV: 'test', DATABASE_URL: config.DATABASE_URL!, DATABASE_POOL_SIZE: '2', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-dev-test-')), KESTREL_SECRET_KEYS: config.KESTREL_SECRET_KEYS!, KESTREL_SESSION_SECRET: config.KESTREL_SESSION_SECRET! };
  const code = await runCli(argv, { env, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  expect(code, err).toBe(0);
  return out;
}

async function signedIn(server: TestServer, email: string, ip: string) {
  const client = new TestClient(server.app, ip);
  const res = await client.post('/api/auth/sign-in', { email, password });
  expect(res.statusCode, res.body).toBe(200);
  return client;
}

/** Someone asks for a sign-in code: with no mail server, the mail with the code is kept. */
async function codeMailKept(server: TestServer, operator: TestClient) {
  const email = uniqueEmail('victim');
  await new TestClient(server.app).post('/api/auth/sign-up', { name: 'Vic', email, password, ageConfirmed: true });
  for (;;) {
    const res = await operator.get('/api/dev/mailbox');
    expect(res.statusCode, res.body).toBe(200);
    const mail = res.json().messages.find((m: { to: string }) => m.to === email);
    if (mail) return { email, mail };
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('development mailbox', () => {
  it('SEC-1 the development mailbox shows sign-in codes only to a signed-in operator of the instance, made by the CLI', async () => {
    const server = await startTestServer({ SMTP_URL: '' });
    const ann = uniqueEmail('ann');
    await kestrel(server, 'user', 'create', '--email', ann, '--name', 'Ann', '--password', password);
    const bob = uniqueEmail('bob');
    expect(await kestrel(server, 'user', 'create', '--email', bob, '--name', 'Bob', '--password', password, '--operator')).toContain('an operator of this Kestrel');

    const operator = await signedIn(server, bob, '127.0.0.1');
    const { mail } = await codeMailKept(server, operator);
    expect(mail.text).toMatch(/Your sign-in code is \d{6}/);

    const anonymous = await new TestClient(server.app, '127.0.0.1').get('/api/dev/mailbox');
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).not.toContain('sign-in code');

    // A member of no special standing (an owner of her own workspace, even) is refused.
    const member = await signedIn(server, ann, '127.0.0.1');
    expect((await member.post('/api/workspaces', { name: 'Ann Bakes', country: 'US', state: 'TX', timeZone: 'America/Chicago', currency: 'USD' })).statusCode).toBe(201);
    const refused = await member.get('/api/dev/mailbox');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('operator_only');
    expect(refused.body).not.toContain('sign-in code');

    expect(await kestrel(server, 'user', 'operator', '--email', ann)).toContain(`${ann} is an operator`);
    expect((await member.get('/api/dev/mailbox')).statusCode).toBe(200);
    await kestrel(server, 'user', 'operator', '--email', ann, '--revoke');
    expect((await member.get('/api/dev/mailbox')).statusCode).toBe(403);

    // Over a real socket on loopback, as a browser on the same machine reads it.
    // The sign-in screens ask only whether to point at it: nothing refused, nothing revealed.
    const status = (client: TestClient) => client.get('/api/dev/mailbox/status').then((r) => r.json());
    expect(await status(new TestClient(server.app, '127.0.0.1'))).toEqual({ available: true, readable: false });
    expect(await status(member)).toEqual({ available: true, readable: false });
    expect(await status(operator)).toEqual({ available: true, readable: true });

    const overTcp = await fetch(`${server.url}/api/dev/mailbox`, { headers: { cookie: operator.cookie! } });
    expect(overTcp.status).toBe(200);
    expect((await fetch(`${server.url}/api/dev/mailbox`)).status).toBe(401);
  });

  it('SEC-1 the development mailbox answers only on this machine unless DEV_MAILBOX_REMOTE allows the network, and never in production', async () => {
    const server = await startTestServer({ SMTP_URL: '' });
    const bob = uniqueEmail('bob');
    await kestrel(server, 'user', 'create', '--email', bob, '--name', 'Bob', '--password', password, '--operator');
    const remote = await signedIn(server, bob, '203.0.113.7');
    const fromNetwork = await remote.get('/api/dev/mailbox');
    expect(fromNetwork.statusCode).toBe(403);
    expect(fromNetwork.json().error.code).toBe('local_only');
    expect((await new TestClient(server.app, '198.51.100.1').get('/api/dev/mailbox')).json().error.code).toBe('local_only');
    // Through a reverse proxy on this machine the address is loopback, but the request is not local.
    const local = await signedIn(server, bob, '127.0.0.1');
    expect((await local.get('/api/dev/mailbox')).statusCode).toBe(200);
    const proxied = await local.get('/api/dev/mailbox', { 'x-forwarded-for': '203.0.113.7' });
    expect(proxied.statusCode).toBe(403);
    expect(proxied.json().error.code).toBe('local_only');

    // With the proxy on this machine trusted, the address it forwards decides.
    const behindProxy = await startTestServer({ SMTP_URL: '', TRUST_PROXY: '127.0.0.1' });
    await kestrel(behindProxy, 'user', 'create', '--email', bob, '--name', 'Bob', '--password', password, '--operator');
    const viaProxy = await signedIn(behindProxy, bob, '127.0.0.1');
    expect((await viaProxy.get('/api/dev/mailbox')).statusCode).toBe(200);
    expect((await viaProxy.get('/api/dev/mailbox', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(200);
    expect((await viaProxy.get('/api/dev/mailbox', { 'x-forwarded-for': '127.0.0.1, 203.0.113.7' })).json().error.code).toBe('local_only');
    const spoofer = await signedIn(behindProxy, bob, '203.0.113.9');
    expect((await spoofer.get('/api/dev/mailbox', { 'x-forwarded-for': '127.0.0.1' })).json().error.code).toBe('local_only');

    const open = await startTestServer({ SMTP_URL: '', DEV_MAILBOX_REMOTE: 'true' });
    await kestrel(open, 'user', 'create', '--email', bob, '--name', 'Bob', '--password', password, '--operator');
    expect((await (await signedIn(open, bob, '203.0.113.7')).get('/api/dev/mailbox')).statusCode).toBe(200);
    expect((await new TestClient(open.app, '203.0.113.8').get('/api/dev/mailbox')).statusCode).toBe(401);

    const production = await startTestServer({ SMTP_URL: '', NODE_ENV: 'production', PUBLIC_URL: 'https://x.example.test' });
    expect((await new TestClient(production.app, '127.0.0.1').get('/api/dev/mailbox')).statusCode).toBe(404);
    expect((await new TestClient(production.app, '127.0.0.1').get('/api/dev/mailbox/status')).json()).toEqual({ available: false, readable: false });
    expect((await remote.get('/api/dev/mailbox/status')).json()).toEqual({ available: false, readable: false });
  });

  it('SEC-1 development mode on a non-loopback HOST says loudly at start what it exposes', () => {
    const dev = (env: Record<string, string>) => developmentExposureWarning(loadConfig({ NODE_ENV: 'development', ...env }));
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.1.1']) expect(dev({ HOST: host }), host).toBeNull();
    const warning = dev({ HOST: '0.0.0.0' })!;
    expect(warning).toContain('WARNING: Kestrel is in DEVELOPMENT mode and listens on 0.0.0.0, reachable from the network');
    expect(warning).toContain('readable only from this machine, by the operator');
    expect(warning).toContain('a demo owner account exists');
    expect(warning).toContain('NODE_ENV=production');
    expect(dev({ HOST: '192.168.1.20', DEV_MAILBOX_REMOTE: 'true', DEMO_WORKSPACE: 'false' })).toContain('answers anyone on the network who signs in as the operator');
    expect(developmentExposureWarning(loadConfig({ NODE_ENV: 'production', HOST: '0.0.0.0', KESTREL_SECRET_KEYS: 'k:x', KESTREL_SESSION_SECRET: 'x'.repeat(32) }))).toBeNull();
  });
});
