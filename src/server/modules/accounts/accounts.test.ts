import bcrypt from 'bcryptjs';
import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { beforeAll, describe, expect, it } from 'vitest';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { TestClient, ownerWithWorkspace, signUpUser, uniqueEmail } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { loadConfig } from '../../platform/config';
import { codeFrom, linkFrom } from '../../../../test/helpers/smtp-sink';
import { authTokens, sessions, users } from './accounts.schema';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

describe('sign-up and passwords', () => {
  it('AUTH-1 AUTH-8 sign-up stores an argon2id hash, never the password, and needs the 18+ confirmation', async () => {
    const client = new TestClient(server.app);
    const email = uniqueEmail('new');
    const noAge = await client.post('/api/auth/sign-up', { name: 'Ann', email, password: 'long enough pw' });
    expect(noAge.statusCode).toBe(400);
    expect(noAge.json().error.details.fields).toHaveProperty('ageConfirmed');
    const falseAge = await client.post('/api/auth/sign-up', { name: 'Ann', email, password: 'long enough pw', ageConfirmed: false });
    expect(falseAge.statusCode).toBe(400);

    const ok = await client.post('/api/auth/sign-up', { name: 'Ann', email, password: 'long enough pw', ageConfirmed: true });
    expect(ok.statusCode).toBe(202);
    const [row] = await server.services.database.system.select().from(users).where(eq(users.email, email));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(row)).not.toContain('long enough pw');
    expect(row!.ageConfirmedAt).toBeInstanceOf(Date);
    expect(ok.body).not.toContain('long enough pw');
  });

  it('AUTH-7 sign-up with a registered email answers exactly like a success and tells the owner by email', async () => {
    const existing = await signUpUser(server);
    const fresh = uniqueEmail('fresh');
    const a = await new TestClient(server.app).post('/api/auth/sign-up', { name: 'X', email: existing.email, password: 'another password', ageConfirmed: true });
    const b = await new TestClient(server.app).post('/api/auth/sign-up', { name: 'X', email: fresh, password: 'another password', ageConfirmed: true });
    expect(a.statusCode).toBe(b.statusCode);
    expect(a.body).toBe(b.body);
    expect(a.cookies).toEqual(b.cookies);
    const notice = await server.smtp.waitForMail(existing.email, (m) => m.subject.includes('tried to sign up'));
    expect(notice.text).toContain('already have one');
    // The existing account's password did not change.
    const signIn = await new TestClient(server.app).post('/api/auth/sign-in', { email: existing.email, password: existing.password });
    expect(signIn.statusCode).toBe(200);
  });

  it('AUTH-1 legacy bcrypt and PBKDF2 hashes verify and are rehashed to argon2id on sign-in', async () => {
    const db = server.services.database.system;
    const cases = [
      { email: uniqueEmail('bcrypt'), hash: bcrypt.hashSync('imported-pass-1', 6) },
      (() => {
        const salt = randomBytes(8).toString('hex');
        const h = pbkdf2Sync('imported-pass-1', salt, 10000, 32, 'sha256').toString('base64');
        return { email: uniqueEmail('django'), hash: `pbkdf2_sha256$10000$${salt}$${h}` };
      })(),
    ];
    for (const c of cases) {
      await db.insert(users).values({ email: c.email, name: 'Imported', passwordHash: c.hash });
      const wrong = await new TestClient(server.app).post('/api/auth/sign-in', { email: c.email, password: 'imported-pass-2' });
      expect(wrong.statusCode).toBe(400);
      const res = await new TestClient(server.app).post('/api/auth/sign-in', { email: c.email, password: 'imported-pass-1' });
      expect(res.statusCode, c.hash).toBe(200);
      const [row] = await db.select().from(users).where(eq(users.email, c.email));
      expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
      const again = await new TestClient(server.app).post('/api/auth/sign-in', { email: c.email, password: 'imported-pass-1' });
      expect(again.statusCode).toBe(200);
    }
  });

  it('AUTH-7 a wrong password and an unknown account get the same answer', async () => {
    const user = await signUpUser(server);
    const wrong = await new TestClient(server.app).post('/api/auth/sign-in', { email: user.email, password: 'not the password' });
    const unknown = await new TestClient(server.app).post('/api/auth/sign-in', { email: uniqueEmail('ghost'), password: 'not the password' });
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().error.code).toBe('invalid_credentials');
  });
});

describe('sign-in codes', () => {
  it('AUTH-2 a 6-digit emailed code signs in once, and expires after 10 minutes', async () => {
    const user = await signUpUser(server);
    const client = new TestClient(server.app);
    expect((await client.post('/api/auth/code/request', { email: user.email })).statusCode).toBe(202);
    const mail = await server.smtp.waitForMail(user.email, (m) => m.subject.includes('sign-in code') && server.smtp.mailsTo(user.email).indexOf(m) > 0);
    const code = codeFrom(mail);
    expect(code).toMatch(/^\d{6}$/);
    const ok = await client.post('/api/auth/code/verify', { email: user.email, code });
    expect(ok.statusCode).toBe(200);
    expect((await client.get('/api/auth/me')).json().user.email).toBe(user.email);
    const reused = await new TestClient(server.app).post('/api/auth/code/verify', { email: user.email, code });
    expect(reused.statusCode).toBe(400);
    expect(reused.json().error.code).toBe('code_used');

    // Expiry: the stored token says 10 minutes; move it into the past.
    await client.post('/api/auth/code/request', { email: user.email });
    const mail2 = await server.smtp.waitForMail(user.email, (m) => m.subject.includes('sign-in code') && codeFrom(m) !== code && m !== mail);
    const [token] = await server.services.database.system.select().from(authTokens).where(eq(authTokens.userId, user.userId)).orderBy(authTokens.createdAt);
    const latest = (await server.services.database.system.select().from(authTokens).where(eq(authTokens.userId, user.userId))).sort((a, b) => +b.createdAt - +a.createdAt)[0]!;
    expect(Math.round((latest.expiresAt.getTime() - latest.createdAt.getTime()) / 60000)).toBe(10);
    expect(token).toBeDefined();
    await server.services.database.system.update(authTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(authTokens.id, latest.id));
    const expired = await new TestClient(server.app).post('/api/auth/code/verify', { email: user.email, code: codeFrom(mail2) });
    expect(expired.json().error.code).toBe('code_expired');
  });

  it('AUTH-2 a code dies after 5 wrong attempts, even if the right one comes next', async () => {
    const user = await signUpUser(server);
    const client = new TestClient(server.app);
    await client.post('/api/auth/code/request', { email: user.email });
    const mail = await server.smtp.waitForMail(user.email, (m) => m.subject.includes('sign-in code') && server.smtp.mailsTo(user.email).indexOf(m) > 0);
    const right = codeFrom(mail);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await client.post('/api/auth/code/verify', { email: user.email, code: wrong });
      expect(r.json().error.code).toBe('code_invalid');
    }
    const r = await client.post('/api/auth/code/verify', { email: user.email, code: right });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('too_many_attempts');
  });

  it('AUTH-7 asking for a code answers the same for unknown addresses and is rate limited per account', async () => {
    const user = await signUpUser(server);
    const a = await new TestClient(server.app).post('/api/auth/code/request', { email: user.email });
    const b = await new TestClient(server.app).post('/api/auth/code/request', { email: uniqueEmail('nobody') });
    expect(a.statusCode).toBe(202);
    expect(a.body).toBe(b.body);
    // Per account: different IPs, same address.
    let last = a;
    for (let i = 0; i < 6; i++) last = await new TestClient(server.app).post('/api/auth/code/request', { email: user.email });
    expect(last.statusCode).toBe(429);
    expect(last.json().error.code).toBe('rate_limited');
    expect(last.json().error.details.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('AUTH-7 password sign-in is rate limited per IP across accounts', async () => {
    const client = new TestClient(server.app);
    const codes: number[] = [];
    for (let i = 0; i < 21; i++) codes.push((await client.post('/api/auth/sign-in', { email: uniqueEmail('spray'), password: 'whatever1' })).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 400)).toBe(true);
    expect(codes[20]).toBe(429);
  });

  it('AUTH-7 SEC-1 behind a trusted proxy a client cannot pick its address with X-Forwarded-For, and an IPv6 host counts by its /64', async () => {
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.example' })).toThrow(/TRUST_PROXY/);
    const proxied = await startTestServer({ TRUST_PROXY: '127.0.0.1' });
    const signIn = (from: string, forwardedFor: string) =>
      new TestClient(proxied.app, from).post('/api/auth/sign-in', { email: uniqueEmail('spray'), password: 'whatever1' }, { 'x-forwarded-for': forwardedFor });
    // Straight to Kestrel, a made-up header changes nothing: the socket's address is counted.
    const direct: number[] = [];
    for (let i = 0; i < 21; i++) direct.push((await signIn('203.0.113.9', `198.51.100.${i}`)).statusCode);
    expect(direct.slice(0, 20).every((c) => c === 400)).toBe(true);
    expect(direct[20]).toBe(429);
    // Through the proxy, the address it appends is the client's, whatever the client prepended.
    const viaProxy: number[] = [];
    for (let i = 0; i < 21; i++) viaProxy.push((await signIn('127.0.0.1', `192.0.2.${i}, 198.51.100.77`)).statusCode);
    expect(viaProxy.slice(0, 20).every((c) => c === 400)).toBe(true);
    expect(viaProxy[20]).toBe(429);
    expect((await signIn('127.0.0.1', '198.51.100.78')).statusCode).toBe(400);

    const v6: number[] = [];
    for (let i = 1; i <= 21; i++) v6.push((await new TestClient(server.app, `2001:db8:77:1::${i.toString(16)}`).post('/api/auth/sign-in', { email: uniqueEmail('v6'), password: 'whatever1' })).statusCode);
    expect(v6.slice(0, 20).every((c) => c === 400)).toBe(true);
    expect(v6[20]).toBe(429);
    expect((await new TestClient(server.app, '2001:db8:77:2::1').post('/api/auth/sign-in', { email: uniqueEmail('v6'), password: 'whatever1' })).statusCode).toBe(400);
  });
});

describe('password reset', () => {
  it('AUTH-3 a reset link works once within 30 minutes and revokes every session', async () => {
    const user = await signUpUser(server);
    const otherDevice = new TestClient(server.app);
    expect((await otherDevice.post('/api/auth/sign-in', { email: user.email, password: user.password })).statusCode).toBe(200);
    expect((await user.client.get('/api/auth/sessions')).json().sessions).toHaveLength(2);

    const anon = new TestClient(server.app);
    expect((await anon.post('/api/auth/password/forgot', { email: user.email })).statusCode).toBe(202);
    const mail = await server.smtp.waitForMail(user.email, (m) => m.subject.includes('Reset'));
    const token = new URL(linkFrom(mail, '/reset-password')).searchParams.get('token')!;
    const [row] = await server.services.database.system.select().from(authTokens).where(eq(authTokens.purpose, 'password_reset'));
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(30 * 60_000 + 1000);

    const res = await anon.post('/api/auth/password/reset', { token, password: 'a brand new password' });
    expect(res.statusCode).toBe(200);
    // Both earlier sessions are gone; the resetting browser is signed in.
    expect((await user.client.get('/api/auth/sessions')).statusCode).toBe(401);
    expect((await otherDevice.get('/api/auth/sessions')).statusCode).toBe(401);
    const remaining = await server.services.database.system.select().from(sessions).where(eq(sessions.userId, user.userId));
    expect(remaining).toHaveLength(1);
    expect((await anon.get('/api/auth/me')).json().user.email).toBe(user.email);

    const again = await new TestClient(server.app).post('/api/auth/password/reset', { token, password: 'yet another password' });
    expect(again.json().error.code).toBe('reset_link_used');
    const bogus = await new TestClient(server.app).post('/api/auth/password/reset', { token: 'x'.repeat(43), password: 'yet another password' });
    expect(bogus.json().error.code).toBe('reset_link_invalid');
    expect((await new TestClient(server.app).post('/api/auth/sign-in', { email: user.email, password: 'a brand new password' })).statusCode).toBe(200);
  });

  it('AUTH-3 an expired reset link says so', async () => {
    const user = await signUpUser(server);
    await new TestClient(server.app).post('/api/auth/password/forgot', { email: user.email });
    const mail = await server.smtp.waitForMail(user.email, (m) => m.subject.includes('Reset'));
    const token = new URL(linkFrom(mail, '/reset-password')).searchParams.get('token')!;
    await server.services.database.system.update(authTokens).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(authTokens.userId, user.userId));
    const res = await new TestClient(server.app).post('/api/auth/password/reset', { token, password: 'a brand new password' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('reset_link_expired');
  });
});

describe('sessions', () => {
  it('AUTH-5 one HttpOnly SameSite=Lax cookie; sessions list with user agent and IP; revoke works', async () => {
    const client = new TestClient(server.app);
    const user = await signUpUser(server);
    const res = await client.post('/api/auth/sign-in', { email: user.email, password: user.password });
    const cookies = res.cookies;
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: 'kestrel_session', httpOnly: true, sameSite: 'Lax', path: '/' });
    const list = (await user.client.get('/api/auth/sessions')).json().sessions;
    expect(list).toHaveLength(2);
    const other = list.find((s: { current: boolean }) => !s.current);
    expect(other).toMatchObject({ userAgent: 'KestrelTest/1.0', ip: client.ip });
    expect((await user.client.delete(`/api/auth/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await client.get('/api/auth/sessions')).statusCode).toBe(401);
    // Someone else's session id is not found for this user.
    expect((await user.client.delete(`/api/auth/sessions/${'a'.repeat(64)}`)).statusCode).toBe(404);
  });

  it('AUTH-5 sessions expire when idle and at their absolute limit', async () => {
    const user = await signUpUser(server);
    const db = server.services.database.system;
    await db.update(sessions).set({ lastSeenAt: new Date(Date.now() - 15 * 86_400_000) }).where(eq(sessions.userId, user.userId));
    expect((await user.client.get('/api/auth/sessions')).statusCode).toBe(401);
    const again = new TestClient(server.app);
    await again.post('/api/auth/sign-in', { email: user.email, password: user.password });
    await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1) }).where(eq(sessions.userId, user.userId));
    expect((await again.get('/api/auth/sessions')).statusCode).toBe(401);
  });

  it('AUTH-5 the session cookie is Secure in production', async () => {
    const prod = await startTestServer({ NODE_ENV: 'production', PUBLIC_URL: 'https://crm.example.test' });
    const email = uniqueEmail('prod');
    await prod.services.database.system.insert(users).values({ email, name: 'P', passwordHash: bcrypt.hashSync('prod password 1', 4) });
    const res = await new TestClient(prod.app).post('/api/auth/sign-in', { email, password: 'prod password 1' }, { origin: 'https://crm.example.test' });
    expect(res.statusCode).toBe(200);
    expect(res.cookies[0]).toMatchObject({ name: '__Host-kestrel_session', secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });
});

describe('two-factor', () => {
  it('AUTH-6 TOTP setup, sign-in needs the second factor, an app code and a recovery code each work once', async () => {
    const user = await signUpUser(server);
    const setup = (await user.client.post('/api/auth/two-factor/setup')).json();
    expect(setup.otpauthUrl).toContain('otpauth://totp/');
    const [stored] = await server.services.database.system.select().from(users).where(eq(users.id, user.userId));
    expect(stored!.totpSecretSealed).toMatch(/^v1\.test1\./);
    expect(stored!.totpSecretSealed).not.toContain(setup.secret);
    const bad = await user.client.post('/api/auth/two-factor/enable', { code: '000000' });
    expect(bad.statusCode).toBe(400);
    const enabled = await user.client.post('/api/auth/two-factor/enable', { code: await generate({ secret: setup.secret }) });
    expect(enabled.statusCode).toBe(200);
    const recovery: string[] = enabled.json().recoveryCodes;
    expect(recovery).toHaveLength(10);

    const client = new TestClient(server.app);
    const signIn = await client.post('/api/auth/sign-in', { email: user.email, password: user.password });
    expect(signIn.json().next).toBe('two_factor');
    // Half signed in: nothing but the second factor works.
    expect((await client.get('/api/auth/sessions')).json().error.code).toBe('second_factor_required');
    expect((await client.get('/api/auth/me')).json()).toMatchObject({ user: null, mfaPending: true });
    expect((await client.post('/api/auth/two-factor/verify', { code: '123456' })).statusCode).toBe(400);
    // The code that turned it on is spent: the next step's code (accepted one step early for clock drift) signs in.
    const spent = new TestClient(server.app);
    await spent.post('/api/auth/sign-in', { email: user.email, password: user.password });
    expect((await spent.post('/api/auth/two-factor/verify', { code: await generate({ secret: setup.secret }) })).statusCode).toBe(400);
    const next = await generate({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    expect((await client.post('/api/auth/two-factor/verify', { code: next })).statusCode).toBe(200);
    expect((await client.get('/api/auth/sessions')).statusCode).toBe(200);
    // Seen over a shoulder: the same code does not sign in a second time, not even within its 30 seconds.
    const replay = new TestClient(server.app);
    await replay.post('/api/auth/sign-in', { email: user.email, password: user.password });
    expect((await replay.post('/api/auth/two-factor/verify', { code: next })).json().error.code).toBe('two_factor_code_invalid');
    expect((await replay.get('/api/auth/sessions')).json().error.code).toBe('second_factor_required');

    const c2 = new TestClient(server.app);
    await c2.post('/api/auth/sign-in', { email: user.email, password: user.password });
    expect((await c2.post('/api/auth/two-factor/verify', { code: recovery[0] })).statusCode).toBe(200);
    const c3 = new TestClient(server.app);
    await c3.post('/api/auth/sign-in', { email: user.email, password: user.password });
    expect((await c3.post('/api/auth/two-factor/verify', { code: recovery[0] })).statusCode).toBe(400);
  });
});

describe('audit of sign-ins', () => {
  it('WS-4 AUTH-6 the audit log names how each sign-in happened: an emailed code, a password, and the second factor that completed it', async () => {
    const owner = await ownerWithWorkspace(server, 'Audited');
    const setup = (await owner.client.post('/api/auth/two-factor/setup')).json();
    const enabled = await owner.client.post('/api/auth/two-factor/enable', { code: await generate({ secret: setup.secret }) });
    expect(enabled.statusCode).toBe(200);
    const recovery: string[] = enabled.json().recoveryCodes;

    // An emailed code, then the authenticator app.
    const byCode = new TestClient(server.app);
    const before = server.smtp.mailsTo(owner.email).length;
    expect((await byCode.post('/api/auth/code/request', { email: owner.email })).statusCode).toBe(202);
    const mail = await server.smtp.waitForMail(owner.email, (m) => m.subject.includes('sign-in code') && server.smtp.mailsTo(owner.email).indexOf(m) >= before);
    const verified = await byCode.post('/api/auth/code/verify', { email: owner.email, code: codeFrom(mail) });
    expect(verified.json().next).toBe('two_factor');
    expect((await byCode.post('/api/auth/two-factor/verify', { code: await generate({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) + 30 }) })).statusCode).toBe(200);
    // A password, then a recovery code.
    const byPassword = new TestClient(server.app);
    await byPassword.post('/api/auth/sign-in', { email: owner.email, password: owner.password });
    expect((await byPassword.post('/api/auth/two-factor/verify', { code: recovery[0] })).statusCode).toBe(200);

    const res = await owner.client.get(`/api/workspaces/${owner.workspaceId}/audit?action=auth.sign_in&limit=10`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().entries.slice(0, 2).map((e: { details: unknown }) => e.details)).toEqual([
      { method: 'password', secondFactor: 'recovery_code' },
      { method: 'email_code', secondFactor: 'totp' },
    ]);
  });
});

describe('transactional emails', () => {
  it('AUTH-9 welcome, sign-in code, reset, purchase and policy-change emails are sent over SMTP', async () => {
    const user = await signUpUser(server, { name: 'Wendy' });
    const welcome = await server.smtp.waitForMail(user.email, (m) => m.subject === 'Welcome to Kestrel');
    expect(welcome.text).toContain('Hi Wendy');
    expect(welcome.html).toContain('<p');
    await new TestClient(server.app).post('/api/auth/password/forgot', { email: user.email });
    await server.smtp.waitForMail(user.email, (m) => m.subject.includes('Reset'));
    const { queueMail } = await import('../../platform/mail/outbox');
    await server.services.database.db.transaction(async (tx) => {
      await queueMail(tx, server.services.mail.from, user.email, 'purchaseConfirmation', { name: 'Wendy', item: '100 AI credits', amount: '$10.00' });
      await queueMail(tx, server.services.mail.from, user.email, 'policyChange', { name: 'Wendy', summary: 'We added a subprocessor.', effectiveDate: '2027-01-01', url: `${server.url}/privacy` });
    });
    const purchase = await server.smtp.waitForMail(user.email, (m) => m.subject === 'Your Kestrel purchase');
    expect(purchase.text).toContain('$10.00');
    const policy = await server.smtp.waitForMail(user.email, (m) => m.subject.includes('privacy policy'));
    expect(policy.text).toContain('2027-01-01');
  });
});
