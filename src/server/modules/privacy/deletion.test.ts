import { sql } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGoogleCalendar } from '../../../../test/fakes/google-calendar';
import { startFake } from '../../../../test/fakes/harness';
import { FakeMicrosoftGraph } from '../../../../test/fakes/microsoft-graph';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { scanDatabase } from '../../../../test/helpers/db-scan';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { purgeClosedWorkspaces } from './close-workspace';
import { purgeDeletedAccounts } from './delete-account';

let server: TestServer;
const DAY = 86_400_000;

let google: FakeGoogleCalendar;
let graph: FakeMicrosoftGraph;

beforeAll(async () => {
  google = await new FakeGoogleCalendar().start();
  graph = await startFake(new FakeMicrosoftGraph());
  server = await startTestServer({
    ...google.env(),
    MICROSOFT_CLIENT_ID: graph.clientId,
    MICROSOFT_CLIENT_SECRET: graph.clientSecret,
    MICROSOFT_OAUTH_AUTHORIZE_URL: `${graph.url}/common/oauth2/v2.0/authorize`,
    MICROSOFT_OAUTH_TOKEN_URL: `${graph.url}/common/oauth2/v2.0/token`,
    MICROSOFT_GRAPH_URL: `${graph.url}/`,
  });
}, 300_000);
afterAll(async () => {
  await google?.stop();
  await graph?.stop();
});

/** The member consents at the provider, which sends the browser back to Kestrel with a code. */
async function connect(member: { client: TestClient }, workspaceId: string, provider: 'google_calendar' | 'gmail' | 'outlook') {
  const start = await ok(member.client.post(api(workspaceId, `/integrations/${provider}/connect`)));
  const back = await fetch(new URL(start.authorizationUrl), { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  expect((await member.client.get(`${callback.pathname}${callback.search}`)).statusCode).toBe(302);
}

/** The sealed tokens of a workspace's connections, as stored. */
const connectionRows = async (workspaceId: string) =>
  (await server.services.database.system.execute<{ provider: string; status: string; refresh_token_sealed: string | null }>(sql`SELECT provider, status, refresh_token_sealed FROM integration_connections WHERE workspace_id = ${workspaceId} ORDER BY provider`)).rows;

async function ok(res: Promise<{ statusCode: number; body: string; json(): any }>, status = 200) {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.body ? r.json() : null;
}

const api = (workspaceId: string, path: string) => `/api/workspaces/${workspaceId}${path}`;

describe('PRIV-3 deleting an account', () => {
  it('PRIV-3 a member deletes their account with their password: signed out everywhere at once, sign-in refused, and after the purge job no row in any table holds their email or name', async () => {
    const owner = await ownerWithWorkspace(server, 'Deletion Deli');
    const member = await addMember(server, owner, 'admin');
    await ok(member.client.patch('/api/auth/profile', { name: 'Dagny Deletewell' }), 204);
    // A second browser, and rows the member made and that mention them.
    const laptop = new TestClient(server.app);
    expect((await laptop.post('/api/auth/sign-in', { email: member.email, password: member.password })).statusCode).toBe(200);
    const contact = await ok(member.client.post(api(owner.workspaceId, '/contacts'), { firstName: 'Kept', lastName: 'Customer' }), 201);
    await ok(owner.client.post(api(owner.workspaceId, '/activities'), { kind: 'note', body: '<p>Dagny Deletewell will call back.</p>', links: [{ recordType: 'contacts', recordId: contact.id }] }), 201);
    expect((await scanDatabase(server, member.email)).length).toBeGreaterThan(1);
    expect((await scanDatabase(server, 'Dagny Deletewell')).length).toBeGreaterThan(1);

    // Confirmation is required, and the wrong password deletes nothing.
    const wrong = await member.client.post('/api/account/delete', { password: 'not my password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('confirmation_invalid');
    expect((await member.client.get('/api/auth/me')).json().user.email).toBe(member.email);

    const deleted = await ok(member.client.post('/api/account/delete', { password: member.password }), 202);
    const purgeAfter = new Date(deleted.purgeAfter).getTime();
    expect(purgeAfter - Date.now()).toBeGreaterThan(7 * DAY - 60_000);
    expect(purgeAfter - Date.now()).toBeLessThanOrEqual(7 * DAY);
    // Signed out in every browser at once; signing in again is refused in words.
    expect((await member.client.get('/api/auth/me')).json().user).toBeNull();
    expect((await laptop.get('/api/auth/me')).json().user).toBeNull();
    const again = await new TestClient(server.app).post('/api/auth/sign-in', { email: member.email, password: member.password });
    expect(again.statusCode).toBe(403);
    expect(again.json().error).toMatchObject({ code: 'account_deleted', message: expect.stringContaining('deleted') });

    // The purge job leaves the account alone until its day, then removes it.
    expect(await purgeDeletedAccounts(server.services, new Date(Date.now() + DAY))).toBe(0);
    expect(await purgeDeletedAccounts(server.services, new Date(Date.now() + 8 * DAY))).toBe(1);
    for (const needle of [member.email, 'Dagny Deletewell']) expect(await scanDatabase(server, needle), needle).toEqual([]);
    const { rows } = await server.services.database.system.execute(sql`SELECT count(*)::int AS n FROM memberships WHERE user_id = ${member.userId}`);
    expect(rows[0]!.n).toBe(0);
    // What the member made for the business stays with the business.
    expect((await owner.client.get(api(owner.workspaceId, `/contacts/${contact.id}`))).statusCode).toBe(200);
  });

  it('PRIV-3 with two-factor on, deleting an account needs a fresh code from the authenticator beside the password: without one, or with a wrong one, nothing is deleted', async () => {
    const owner = await ownerWithWorkspace(server, 'Two Factor Tearoom');
    const member = await addMember(server, owner, 'staff');
    const setup = await ok(member.client.post('/api/auth/two-factor/setup'));
    await ok(member.client.post('/api/auth/two-factor/enable', { code: await generate({ secret: setup.secret }) }));

    for (const confirm of [{ password: member.password }, { password: member.password, code: '000000' }, { password: 'not my password', code: await generate({ secret: setup.secret }) }]) {
      const refused = await member.client.post('/api/account/delete', confirm);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().error.code).toBe('confirmation_invalid');
    }
    expect((await member.client.get('/api/auth/me')).json().user.email).toBe(member.email);

    // The next step's code: the one that turned two-factor on is spent (AUTH-6).
    await ok(member.client.post('/api/account/delete', { password: member.password, code: await generate({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) + 30 }) }), 202);
    expect((await member.client.get('/api/auth/me')).json().user).toBeNull();
  });

  it('PRIV-3 an account without a password or two-factor (Google or emailed codes only) confirms by a sign-in of the last ten minutes: an older one is told to sign in again, a fresh one deletes', async () => {
    const owner = await ownerWithWorkspace(server, 'Codes Only Cafe');
    const member = await addMember(server, owner, 'staff');
    await server.services.database.system.execute(sql`UPDATE users SET password_hash = NULL WHERE id = ${member.userId}`);
    // Signed in eleven minutes ago.
    await server.services.database.system.execute(sql`UPDATE sessions SET created_at = now() - interval '11 minutes' WHERE user_id = ${member.userId}`);
    const stale = await member.client.post('/api/account/delete', {});
    expect(stale.statusCode, stale.body).toBe(400);
    expect(stale.json().error).toMatchObject({ code: 'confirmation_stale', message: expect.stringContaining('within 10 minutes') });
    expect((await member.client.get('/api/auth/me')).json().user.email).toBe(member.email);

    // Just signed in again.
    await server.services.database.system.execute(sql`UPDATE sessions SET created_at = now() WHERE user_id = ${member.userId}`);
    await ok(member.client.post('/api/account/delete', {}), 202);
    expect((await member.client.get('/api/auth/me')).json().user).toBeNull();
  });

  it('PRIV-3 deleting an account disconnects its Google Calendar at once and revokes the token at Google', async () => {
    const owner = await ownerWithWorkspace(server, 'Revoking Rolls');
    const member = await addMember(server, owner, 'admin');
    const start = await ok(member.client.post(api(owner.workspaceId, '/integrations/google_calendar/connect')));
    const back = await fetch(new URL(start.authorizationUrl), { redirect: 'manual' });
    const callback = new URL(back.headers.get('location')!);
    expect((await member.client.get(`${callback.pathname}${callback.search}`)).statusCode).toBe(302);
    const before = (await ok(member.client.get(api(owner.workspaceId, '/integrations')))) as { provider: string; status: string }[] | { connections: { provider: string; status: string }[] };
    expect(JSON.stringify(before)).toContain('"connected"');

    const deleted = await ok(member.client.post('/api/account/delete', { password: member.password }), 202);
    expect(deleted).toMatchObject({ disconnected: 1, revoked: 1 });
    expect(google.revoked).toHaveLength(1);
    const { rows } = await server.services.database.system.execute(
      sql`SELECT status, access_token_sealed, refresh_token_sealed FROM integration_connections WHERE workspace_id = ${owner.workspaceId} AND user_id = ${member.userId}`,
    );
    expect(rows).toEqual([{ status: 'disconnected', access_token_sealed: null, refresh_token_sealed: null }]);
    // Google no longer honours the refresh token.
    const refresh = await fetch(`${google.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: google.revoked[0]!, client_id: google.clientId, client_secret: google.clientSecret }),
    });
    expect(refresh.status).toBe(400);
  });

  it('PRIV-3 deleting an account revokes its Gmail and Calendar grants at Google, and its Outlook token (Microsoft offers no revocation of one grant) is wiped here and sent to no one', async () => {
    const owner = await ownerWithWorkspace(server, 'Three Grants Bakery');
    const member = await addMember(server, owner, 'admin');
    for (const p of ['google_calendar', 'gmail', 'outlook'] as const) await connect(member, owner.workspaceId, p);
    expect((await connectionRows(owner.workspaceId)).map((r) => [r.provider, r.status])).toEqual([
      ['gmail', 'connected'],
      ['google_calendar', 'connected'],
      ['outlook', 'connected'],
    ]);
    const asked = google.revokeRequests.length;

    const deleted = await ok(member.client.post('/api/account/delete', { password: member.password }), 202);
    expect(deleted).toMatchObject({ disconnected: 3, revoked: 2 });
    // Google was asked about its own two tokens only, and took both back.
    const posted = google.revokeRequests.slice(asked);
    expect(posted).toHaveLength(2);
    expect(google.revoked.slice(-2).sort()).toEqual([...posted].sort());
    expect((await connectionRows(owner.workspaceId)).every((r) => r.status === 'disconnected' && r.refresh_token_sealed === null)).toBe(true);
  });

  it('PRIV-3 purging a closed workspace revokes its Google grants at Google', async () => {
    const owner = await ownerWithWorkspace(server, 'Grant Closing Grocer');
    await connect(owner, owner.workspaceId, 'google_calendar');
    await connect(owner, owner.workspaceId, 'outlook');
    await ok(owner.client.post(api(owner.workspaceId, '/close'), { name: 'Grant Closing Grocer' }));
    const asked = google.revokeRequests.length;
    const revokedBefore = google.revoked.length;
    expect(await purgeClosedWorkspaces(server.services, new Date(Date.now() + 31 * DAY))).toBeGreaterThanOrEqual(1);
    expect(google.revokeRequests.slice(asked)).toHaveLength(1);
    expect(google.revoked.slice(revokedBefore)).toEqual(google.revokeRequests.slice(asked));
    expect(await connectionRows(owner.workspaceId)).toEqual([]);
  });

  it('PRIV-3 INT-1 purging a closed workspace wipes its tokens but keeps the Google grant of an owner who still uses Google in another workspace (Google revokes a whole grant)', async () => {
    const owner = await ownerWithWorkspace(server, 'Closing Half Cafe');
    const other = await owner.client.post('/api/workspaces', { name: 'Open Half Cafe', country: 'US', state: 'TX', timeZone: 'America/Chicago', currency: 'USD' });
    expect(other.statusCode, other.body).toBe(201);
    const otherId = other.json().id as string;
    await connect(owner, owner.workspaceId, 'google_calendar');
    await connect(owner, otherId, 'gmail');
    await ok(owner.client.post(api(owner.workspaceId, '/close'), { name: 'Closing Half Cafe' }));
    const asked = google.revokeRequests.length;
    expect(await purgeClosedWorkspaces(server.services, new Date(Date.now() + 31 * DAY))).toBeGreaterThanOrEqual(1);
    expect(google.revokeRequests.slice(asked)).toEqual([]);
    expect(await connectionRows(owner.workspaceId)).toEqual([]);
    expect((await connectionRows(otherId)).map((r) => [r.provider, r.status])).toEqual([['gmail', 'connected']]);
  });

  it('PRIV-3 the last owner of a workspace is told to hand it over or close it first', async () => {
    const owner = await ownerWithWorkspace(server, 'Sole Owner Sweets');
    const res = await owner.client.post('/api/account/delete', { password: owner.password });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('last_owner');
    expect(res.json().error.message).toContain('Sole Owner Sweets');
    expect(res.json().error.message).toMatch(/owner.*close the workspace/);
    expect((await owner.client.get('/api/auth/me')).json().user.email).toBe(owner.email);
  });
});

describe('PRIV-3 PRIV-4 closing a workspace', () => {
  it('PRIV-3 the owner closes the workspace by typing its name; members find it suspended (423, in words) until the owner reopens it', async () => {
    const owner = await ownerWithWorkspace(server, 'Closing Cafe');
    const staff = await addMember(server, owner, 'staff');
    const wrongRole = await staff.client.post(api(owner.workspaceId, '/close'), { name: 'Closing Cafe' });
    expect(wrongRole.statusCode).toBe(403);
    const wrongName = await owner.client.post(api(owner.workspaceId, '/close'), { name: 'Closing Caf' });
    expect(wrongName.statusCode).toBe(400);
    expect(wrongName.json().error.message).toContain('Closing Cafe');
    expect((await staff.client.get(api(owner.workspaceId, '/contacts'))).statusCode).toBe(200);

    const closed = await ok(owner.client.post(api(owner.workspaceId, '/close'), { name: 'Closing Cafe' }));
    expect(closed.closed).toBe(true);
    expect(new Date(closed.purgeAfter).getTime() - Date.now()).toBeGreaterThan(30 * DAY - 60_000);
    expect(closed.kept.join(' ')).toMatch(/Billing records/);

    const suspended = await staff.client.get(api(owner.workspaceId, '/contacts'));
    expect(suspended.statusCode).toBe(423);
    expect(suspended.json().error).toMatchObject({ code: 'workspace_closed', message: expect.stringContaining(closed.purgeAfter.slice(0, 10)) });
    expect((await owner.client.post(api(owner.workspaceId, '/contacts'), { firstName: 'Late' })).statusCode).toBe(423);
    expect((await ok(staff.client.get(api(owner.workspaceId, '/closure')))).closed).toBe(true);
    const me = (await staff.client.get('/api/auth/me')).json();
    expect(me.workspaces.find((w: { id: string }) => w.id === owner.workspaceId).closedUntil).toBeTruthy();
    expect((await staff.client.post(api(owner.workspaceId, '/reopen'))).statusCode).toBe(403);

    const reopened = await ok(owner.client.post(api(owner.workspaceId, '/reopen')));
    expect(reopened).toMatchObject({ closed: false, purgeAfter: null });
    expect((await staff.client.get(api(owner.workspaceId, '/contacts'))).statusCode).toBe(200);
    const audit = (await owner.client.get(api(owner.workspaceId, '/audit'))).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['workspace.closed', 'workspace.reopened']));
  });

  it('PRIV-3 PRIV-4 a closed workspace is purged when its 30-day grace ends: no row in any table holds its people, other workspaces untouched', async () => {
    const owner = await ownerWithWorkspace(server, 'Purged Pantry');
    const staff = await addMember(server, owner, 'staff');
    const other = await ownerWithWorkspace(server, 'Staying Stores');
    const email = 'xavier.purgeable@example.test';
    const contact = await ok(owner.client.post(api(owner.workspaceId, '/contacts'), { firstName: 'Xavier', lastName: 'Purgeable', emails: [email] }), 201);
    await ok(owner.client.post(api(owner.workspaceId, '/activities'), { kind: 'note', body: '<p>Xavier Purgeable ordered bread.</p>', links: [{ recordType: 'contacts', recordId: contact.id }] }), 201);
    await ok(other.client.post(api(other.workspaceId, '/contacts'), { firstName: 'Yasmin', lastName: 'Remainwell' }), 201);
    expect((await scanDatabase(server, 'Purgeable')).length).toBeGreaterThan(1);

    await ok(owner.client.post(api(owner.workspaceId, '/close'), { name: 'Purged Pantry' }));
    // Not before its day.
    expect(await purgeClosedWorkspaces(server.services, new Date(Date.now() + 29 * DAY))).toBe(0);
    expect((await scanDatabase(server, 'Purgeable')).length).toBeGreaterThan(1);
    expect(await purgeClosedWorkspaces(server.services, new Date(Date.now() + 31 * DAY))).toBe(1);

    for (const needle of ['Purgeable', email, 'Purged Pantry', owner.workspaceId]) expect(await scanDatabase(server, needle), needle).toEqual([]);
    const { rows } = await server.services.database.system.execute(sql`SELECT count(*)::int AS n FROM workspaces WHERE id = ${owner.workspaceId}`);
    expect(rows[0]!.n).toBe(0);
    expect((await staff.client.get(api(owner.workspaceId, '/contacts'))).statusCode).toBe(404);
    // The people keep their accounts; the other workspace keeps everything.
    expect((await owner.client.get('/api/auth/me')).json().user.email).toBe(owner.email);
    expect((await scanDatabase(server, 'Remainwell')).length).toBeGreaterThan(0);
  });
});
