import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { beforeAll, describe, expect, it } from 'vitest';
import { TestClient, ownerWithWorkspace, signUpUser, uniqueEmail } from '../../../../test/helpers/client';
import { s256, startOidcServer, type OidcAccount, type OidcServer } from '../../../../test/fakes/oidc';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { auditLog } from '../audit/audit.schema';
import { sessions, users } from './accounts.schema';
import { openOAuthCookie, sealOAuthCookie } from './google-sign-in';

let oidc: OidcServer;
let server: TestServer;

beforeAll(async () => {
  // The provider listens first, so Kestrel can be told its issuer; Kestrel's callback URL is
  // known only once Kestrel listens, and the provider's client is registered then.
  oidc = await startOidcServer();
  server = await startTestServer({ GOOGLE_CLIENT_ID: oidc.clientId, GOOGLE_CLIENT_SECRET: oidc.clientSecret, GOOGLE_ISSUER: oidc.issuer });
  oidc.registerClient(`${server.url}/api/auth/google/callback`);
});

const googleAccount = (overrides: Partial<OidcAccount> = {}): OidcAccount => ({
  sub: `1${randomBytes(10).toString('hex')}`,
  email: uniqueEmail('gina'),
  email_verified: true,
  name: 'Gina Googler',
  picture: 'https://lh3.example.test/photo.jpg',
  ...overrides,
});

const cookieHeader = (c: { name: string; value: string }) => `${c.name}=${c.value}`;
const oauthCookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === 'kestrel_oauth');

/** The browser's first step: Kestrel answers with the state cookie and a redirect to the provider. */
async function start(client: TestClient, query = '') {
  const res = await server.app.inject({ method: 'GET', url: `/api/auth/google/start${query}`, remoteAddress: client.ip, headers: { accept: 'text/html' } });
  expect(res.statusCode, res.body).toBe(302);
  const cookie = oauthCookieOf(res);
  expect(cookie).toBeDefined();
  return { res, cookie: cookie!, location: new URL(res.headers.location as string) };
}

/** The browser arriving back at Kestrel from the provider, carrying whatever oauth cookie it has. */
async function callback(client: TestClient, url: URL, oauthCookie: string | null) {
  return server.app.inject({
    method: 'GET',
    url: `${url.pathname}${url.search}`,
    remoteAddress: client.ip,
    headers: { accept: 'text/html', 'user-agent': 'KestrelTest/1.0', ...(oauthCookie ? { cookie: oauthCookie } : {}) },
  });
}

/** Adopts the session cookie a redirect set, as a browser would. */
async function adoptSession(client: TestClient, res: LightMyRequestResponse) {
  const session = res.cookies.find((c) => c.name === 'kestrel_session');
  expect(session?.value).toBeTruthy();
  client.cookie = cookieHeader(session!);
  await client.refreshCsrf();
}

/** The whole round trip through the provider: returns the callback's response. */
async function googleRoundTrip(client: TestClient, account: OidcAccount | 'deny', query = '') {
  const begun = await start(client, query);
  const back = await oidc.authorize(begun.location.href, account);
  expect(back.origin + back.pathname).toBe(`${server.url}/api/auth/google/callback`);
  const res = await callback(client, back, cookieHeader(begun.cookie));
  return { begun, back, res };
}

/** A new Google user all the way to a signed-in account. */
async function signUpWithGoogle(account: OidcAccount) {
  const client = new TestClient(server.app);
  const { res } = await googleRoundTrip(client, account);
  expect(res.statusCode).toBe(302);
  const done = await client.post('/api/auth/google/complete', { ageConfirmed: true }, { cookie: cookieHeader(oauthCookieOf(res)!) });
  expect(done.statusCode, done.body).toBe(200);
  return client;
}

const signInErrorOf = (res: LightMyRequestResponse) => {
  expect(res.statusCode).toBe(302);
  const location = new URL(res.headers.location as string, 'http://x');
  expect(location.pathname).toBe('/sign-in');
  return location.searchParams.get('error');
};

describe('AUTH-4 Sign in with Google', () => {
  it('AUTH-4 AUTH-8 a new Google user confirms 18+, then gets an account with only the Google id and email', async () => {
    const account = googleAccount();
    const client = new TestClient(server.app);
    const { begun, res } = await googleRoundTrip(client, account);

    // Authorization request: code flow, PKCE S256, state, nonce, and no profile scope.
    expect(begun.location.origin).toBe(oidc.issuer);
    const params = begun.location.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('scope')).toBe('openid email');
    expect(params.get('redirect_uri')).toBe(`${server.url}/api/auth/google/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('state')).toBeTruthy();
    expect(params.get('nonce')).toBeTruthy();

    // No account yet: the browser is asked for the 18+ confirmation, the identity waits in the signed cookie.
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/sign-up/google?email=${encodeURIComponent(account.email)}`);
    expect(res.cookies.find((c) => c.name === 'kestrel_session')).toBeUndefined();
    expect(await server.services.database.system.select().from(users).where(eq(users.email, account.email))).toHaveLength(0);
    const pending = oauthCookieOf(res)!;
    expect(pending.maxAge).toBeLessThanOrEqual(600);

    const noAge = await client.post('/api/auth/google/complete', {}, { cookie: cookieHeader(pending) });
    expect(noAge.statusCode).toBe(400);
    expect(noAge.json().error.details.fields).toHaveProperty('ageConfirmed');
    const noCookie = await client.post('/api/auth/google/complete', { ageConfirmed: true });
    expect(noCookie.statusCode).toBe(400);
    expect(noCookie.json().error.code).toBe('google_state_invalid');

    const done = await client.post('/api/auth/google/complete', { ageConfirmed: true }, { cookie: cookieHeader(pending) });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ next: 'done', redirectTo: '/' });
    expect(oauthCookieOf(done)?.value).toBe('');
    const me = (await client.get('/api/auth/me')).json();
    expect(me.user).toMatchObject({ email: account.email, googleLinked: true, hasPassword: false });

    const [row] = await server.services.database.system.select().from(users).where(eq(users.email, account.email));
    expect(row).toMatchObject({ googleSub: account.sub, email: account.email, passwordHash: null, totpSecretSealed: null });
    // The display name is derived from the email: Google's profile (name, picture) is never asked for.
    expect(row!.name).toBe(account.email.split('@')[0]);
    expect(row!.emailVerifiedAt).toBeInstanceOf(Date);
    expect(row!.ageConfirmedAt).toBeInstanceOf(Date);

    // The pending cookie works once: a replay finds the account and just signs in again.
    const replay = await new TestClient(server.app).post('/api/auth/google/complete', { ageConfirmed: true }, { cookie: cookieHeader(pending) });
    expect(replay.statusCode).toBe(200);
    expect(await server.services.database.system.select().from(users).where(eq(users.googleSub, account.sub))).toHaveLength(1);
  });

  it('AUTH-4 nothing from Google but its account id and email is stored: no token, name or picture in any table', async () => {
    const account = googleAccount({ name: 'Zebulon Quixotic-Googlename' });
    const before = oidc.tokenExchanges.length;
    await signUpWithGoogle(account);
    const exchange = oidc.tokenExchanges.slice(before).find((t) => t.ok)!;
    expect(exchange.accessToken).toBeTruthy();
    expect(exchange.idToken).toBeTruthy();

    const db = server.services.database.system;
    const tables = await db.execute<{ schema: string; name: string }>(sql`
      SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`);
    expect(tables.rows.length).toBeGreaterThan(5);
    const secrets = [exchange.accessToken!, exchange.idToken!, exchange.idToken!.split('.')[2]!, exchange.codeVerifier!, 'Zebulon', account.picture!];
    for (const table of tables.rows) {
      for (const needle of secrets) {
        const { rows } = await db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM ${sql.identifier(table.schema)}.${sql.identifier(table.name)} t WHERE strpos(t::text, ${needle}) > 0`,
        );
        expect(rows[0]!.n, `${table.schema}.${table.name} holds ${needle.slice(0, 12)}…`).toBe(0);
      }
    }
    // Only the account id and email came from Google; everything else is Kestrel's own.
    const [row] = await db.select().from(users).where(eq(users.googleSub, account.sub));
    expect(Object.keys(row!).sort()).toEqual(
      ['ageConfirmedAt', 'createdAt', 'deletionRequestedAt', 'email', 'emailVerifiedAt', 'googleSub', 'id', 'name', 'operator', 'passwordHash', 'purgeAfter', 'totpEnabledAt', 'totpLastStep', 'totpSecretSealed', 'updatedAt'].sort(),
    );
  });

  it('AUTH-4 an existing account with the same email is linked and signed in; its password keeps working', async () => {
    const owner = await ownerWithWorkspace(server, 'Linked Plumbing');
    const account = googleAccount({ email: owner.email.toUpperCase() });
    const client = new TestClient(server.app);
    const { res } = await googleRoundTrip(client, account, '?returnTo=%2Fw%2Fabc%2Fsettings');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/w/abc/settings');
    await adoptSession(client, res);
    const me = (await client.get('/api/auth/me')).json();
    expect(me.user).toMatchObject({ id: owner.userId, googleLinked: true, hasPassword: true });

    const [row] = await server.services.database.system.select().from(users).where(eq(users.id, owner.userId));
    expect(row!.googleSub).toBe(account.sub);
    expect(row!.email).toBe(owner.email);
    expect((await new TestClient(server.app).post('/api/auth/sign-in', { email: owner.email, password: owner.password })).statusCode).toBe(200);

    const audit = await server.services.database.system.select().from(auditLog).where(eq(auditLog.workspaceId, owner.workspaceId));
    expect(audit.find((a) => a.action === 'auth.sign_in' && (a.details as { method?: string }).method === 'google')?.details).toEqual({ method: 'google', linked: true });
  });

  it('AUTH-4 an account whose email was never verified loses its password and sessions when Google proves who owns the address', async () => {
    // Someone registered the address first without owning it (account pre-hijacking).
    const email = uniqueEmail('prehijack');
    const db = server.services.database.system;
    const [squatter] = await db.insert(users).values({ email, name: 'Squatter', passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNo' }).returning();
    await db.insert(sessions).values({ id: 'f'.repeat(64), userId: squatter!.id, expiresAt: new Date(Date.now() + 86_400_000) });

    const client = new TestClient(server.app);
    const { res } = await googleRoundTrip(client, googleAccount({ email }));
    expect(res.headers.location).toBe('/');
    await adoptSession(client, res);
    const [row] = await db.select().from(users).where(eq(users.id, squatter!.id));
    expect(row).toMatchObject({ passwordHash: null, totpEnabledAt: null });
    expect(row!.emailVerifiedAt).toBeInstanceOf(Date);
    const left = await db.select().from(sessions).where(eq(sessions.userId, squatter!.id));
    expect(left).toHaveLength(1);
    expect(left[0]!.id).not.toBe('f'.repeat(64));
  });

  it('AUTH-4 a returning Google user is found by account id, even after changing their Google email', async () => {
    const account = googleAccount();
    const first = await signUpWithGoogle(account);
    const userId = (await first.get('/api/auth/me')).json().user.id;

    const client = new TestClient(server.app);
    const { res } = await googleRoundTrip(client, { ...account, email: uniqueEmail('renamed') });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    await adoptSession(client, res);
    expect((await client.get('/api/auth/me')).json().user.id).toBe(userId);
    expect(await server.services.database.system.select().from(users).where(eq(users.googleSub, account.sub))).toHaveLength(1);
  });

  it('AUTH-4 a missing, altered, swapped or expired state cookie sends the browser to /sign-in?error=google_state_invalid', async () => {
    const client = new TestClient(server.app);
    const begun = await start(client);
    const back = await oidc.authorize(begun.location.href, googleAccount());
    const exchangesBefore = oidc.tokenExchanges.length;

    const missing = await callback(client, back, null);
    expect(signInErrorOf(missing)).toBe('google_state_invalid');

    const value = begun.cookie.value;
    const flipped = value.slice(0, -2) + (value.at(-2) === 'A' ? 'B' : 'A') + value.at(-1);
    expect(signInErrorOf(await callback(client, back, `kestrel_oauth=${flipped}`))).toBe('google_state_invalid');

    // A genuine cookie from another sign-in attempt does not match this response's state.
    const other = await start(client);
    expect(signInErrorOf(await callback(client, back, cookieHeader(other.cookie)))).toBe('google_state_invalid');

    // Correctly signed but expired.
    const secret = server.services.secrets.sessionSecret;
    const state = openOAuthCookie(secret, value)!;
    const expired = sealOAuthCookie(secret, { ...state, exp: Math.floor(Date.now() / 1000) - 1 });
    const expiredRes = await callback(client, back, `kestrel_oauth=${expired}`);
    expect(signInErrorOf(expiredRes)).toBe('google_state_invalid');
    // The cookie is cleared on the way out, and no code was redeemed for any of these.
    expect(oauthCookieOf(expiredRes)?.value).toBe('');
    expect(oidc.tokenExchanges.length).toBe(exchangesBefore);
    expect(missing.body).not.toContain('{');

    // The untouched cookie still works.
    const ok = await callback(client, back, cookieHeader(begun.cookie));
    expect(ok.headers.location).toMatch(/^\/sign-up\/google\?/);
  });

  it('AUTH-4 PKCE: the token request carries the verifier of the S256 challenge, and a wrong verifier is refused', async () => {
    const client = new TestClient(server.app);
    const before = oidc.tokenExchanges.length;
    const { begun, res } = await googleRoundTrip(client, googleAccount());
    expect(res.statusCode).toBe(302);
    const exchange = oidc.tokenExchanges[before]!;
    expect(exchange.ok).toBe(true);
    expect(exchange.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(s256(exchange.codeVerifier!)).toBe(begun.location.searchParams.get('code_challenge'));
    expect(oidc.authorizationRequests.at(-1)!.params.get('code_challenge_method')).toBe('S256');

    // Same state and nonce, but a verifier that does not match the challenge: the provider refuses the code.
    const secret = server.services.secrets.sessionSecret;
    const second = await start(client);
    const back = await oidc.authorize(second.location.href, googleAccount());
    const state = openOAuthCookie(secret, second.cookie.value)!;
    if (state.kind !== 'authorize') throw new Error('expected an authorize state cookie');
    const forged = sealOAuthCookie(secret, { ...state, codeVerifier: `${state.codeVerifier.slice(0, -4)}AAAA` });
    const refused = await callback(client, back, `kestrel_oauth=${forged}`);
    expect(signInErrorOf(refused)).toBe('google_failed');
    expect(refused.cookies.find((c) => c.name === 'kestrel_session')).toBeUndefined();
    expect(oidc.tokenExchanges.at(-1)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('AUTH-4 an unverified Google email is refused and creates nothing', async () => {
    const account = googleAccount({ email_verified: false });
    const { res } = await googleRoundTrip(new TestClient(server.app), account);
    expect(signInErrorOf(res)).toBe('google_email_unverified');
    expect(res.cookies.find((c) => c.name === 'kestrel_session')).toBeUndefined();
    expect(await server.services.database.system.select().from(users).where(eq(users.email, account.email))).toHaveLength(0);
  });

  it('AUTH-4 cancelling at Google lands on /sign-in?error=google_denied', async () => {
    const { res } = await googleRoundTrip(new TestClient(server.app), 'deny');
    expect(signInErrorOf(res)).toBe('google_denied');
  });

  it('AUTH-4 returnTo must be a path on this site', async () => {
    const account = googleAccount();
    await signUpWithGoogle(account);
    for (const evil of ['https://evil.example/x', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const { res } = await googleRoundTrip(new TestClient(server.app), account, `?returnTo=${encodeURIComponent(evil)}`);
      expect(res.headers.location, evil).toBe('/');
    }
    const { res } = await googleRoundTrip(new TestClient(server.app), account, `?returnTo=${encodeURIComponent('/w/1/deals?stage=won#top')}`);
    expect(res.headers.location).toBe('/w/1/deals?stage=won#top');
  });

  it('AUTH-4 the provider metadata is discovered once and reused', async () => {
    const discoveries = () => oidc.requests.filter((r) => r === 'GET /.well-known/openid-configuration').length;
    const before = discoveries();
    expect(before).toBeLessThanOrEqual(1);
    await googleRoundTrip(new TestClient(server.app), googleAccount());
    await googleRoundTrip(new TestClient(server.app), googleAccount());
    expect(discoveries()).toBe(1);
  });

  it('AUTH-4 AUTH-6 a user with two-factor on signs in with Google only as far as the second factor', async () => {
    const user = await signUpUser(server);
    const setup = (await user.client.post('/api/auth/two-factor/setup')).json();
    expect((await user.client.post('/api/auth/two-factor/enable', { code: await generate({ secret: setup.secret }) })).statusCode).toBe(200);

    const client = new TestClient(server.app);
    const { res } = await googleRoundTrip(client, googleAccount({ email: user.email }), '?returnTo=%2Fonboarding');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/two-factor?redirect=%2Fonboarding');
    await adoptSession(client, res);
    const me = (await client.get('/api/auth/me')).json();
    expect(me).toMatchObject({ user: null, mfaPending: true });
    expect((await client.get('/api/auth/sessions')).json().error.code).toBe('second_factor_required');
  });

  it('PRIV-8 AUTH-4 the OAuth state cookie is HttpOnly, SameSite=Lax, scoped to the Google routes and lives at most 10 minutes', async () => {
    const client = new TestClient(server.app);
    const { res, cookie } = await start(client, '?returnTo=%2Fsettings');
    expect(cookie).toMatchObject({ name: 'kestrel_oauth', httpOnly: true, sameSite: 'Lax', path: '/api/auth/google' });
    expect(cookie.maxAge).toBeGreaterThan(0);
    expect(cookie.maxAge).toBeLessThanOrEqual(600);
    expect(cookie.secure).toBeFalsy(); // plain http in tests; see the https case below
    expect(res.cookies.map((c) => c.name)).toEqual(['kestrel_oauth']);
    // Signed, and carries nothing but the flow's own values.
    const opened = openOAuthCookie(server.services.secrets.sessionSecret, cookie.value);
    expect(opened).toMatchObject({ kind: 'authorize', returnTo: '/settings' });

    // Across a whole sign-in, Kestrel sets no cookie but these two.
    const names = new Set<string>();
    const trip = await googleRoundTrip(client, googleAccount());
    for (const c of [...trip.begun.res.cookies, ...trip.res.cookies]) names.add(c.name);
    const done = await client.post('/api/auth/google/complete', { ageConfirmed: true }, { cookie: cookieHeader(oauthCookieOf(trip.res)!) });
    for (const c of done.cookies) names.add(c.name);
    expect([...names].sort()).toEqual(['kestrel_oauth', 'kestrel_session']);
  });

  it('PRIV-8 AUTH-4 the OAuth state cookie is Secure when Kestrel is served over https', async () => {
    const tls = await startTestServer({ GOOGLE_CLIENT_ID: oidc.clientId, GOOGLE_CLIENT_SECRET: oidc.clientSecret, GOOGLE_ISSUER: oidc.issuer, PUBLIC_URL: 'https://kestrel.example.test' });
    const res = await tls.app.inject({ method: 'GET', url: '/api/auth/google/start' });
    expect(res.statusCode).toBe(302);
    expect(new URL(res.headers.location as string).searchParams.get('redirect_uri')).toBe('https://kestrel.example.test/api/auth/google/callback');
    expect(oauthCookieOf(res)).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });
  });
});

describe('AUTH-4 without Google configured', () => {
  let plain: TestServer;
  beforeAll(async () => {
    plain = await startTestServer();
  });

  it('AUTH-4 /start explains that Google sign-in is not set up, as JSON for API callers and as a redirect for browsers', async () => {
    const api = await plain.app.inject({ method: 'GET', url: '/api/auth/google/start', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('google_not_configured');
    expect(api.json().error.message).toContain('GOOGLE_CLIENT_ID');
    expect(api.cookies).toHaveLength(0);

    const browser = await plain.app.inject({ method: 'GET', url: '/api/auth/google/start', headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(browser.statusCode).toBe(302);
    expect(browser.headers.location).toBe('/sign-in?error=google_not_configured');

    const back = await plain.app.inject({ method: 'GET', url: '/api/auth/google/callback?code=x&state=y' });
    expect(back.statusCode).toBe(302);
    expect(back.headers.location).toBe('/sign-in?error=google_failed');
    expect((await plain.app.inject({ method: 'GET', url: '/api/auth/me' })).json().googleEnabled).toBe(false);
  });

  it('AUTH-4 the browser flow never shows a raw error: a malformed callback query still redirects', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/auth/google/callback?state=a&state=b&code=1' });
    expect(signInErrorOf(res)).toBe('google_failed');
    const unreachable = await startTestServer({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret', GOOGLE_ISSUER: 'http://127.0.0.1:9' });
    const down = await unreachable.app.inject({ method: 'GET', url: '/api/auth/google/start', headers: { accept: 'text/html' } });
    expect(down.statusCode).toBe(302);
    expect(down.headers.location).toBe('/sign-in?error=google_failed');
  });
});
