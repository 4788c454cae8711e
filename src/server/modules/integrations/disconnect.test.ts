import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGoogleCalendar } from '../../../../test/fakes/google-calendar';
import { ownerWithWorkspace, type TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { accessToken } from '.';

/**
 * INT-1: Disconnect means Kestrel loses access at Google too. The tokens are wiped in Kestrel's
 * transaction, then the grant is revoked at Google's revocation endpoint (the fake's, which the
 * official client's `revokeToken` is checked against in test/fakes/google-calendar.test.ts).
 */
let server: TestServer;
let google: FakeGoogleCalendar;
const logLines: string[] = [];

beforeAll(async () => {
  google = await new FakeGoogleCalendar().start();
  server = await startTestServer({ ...google.env(), LOG_LEVEL: 'info' }, { write: (line) => void logLines.push(line) });
}, 300_000);
afterAll(async () => google?.stop());

const api = (workspaceId: string, path: string) => `/api/workspaces/${workspaceId}${path}`;

/** The member consents at Google, which sends the browser back to Kestrel with a code. */
async function connect(member: { client: TestClient }, workspaceId: string, provider: 'google_calendar' | 'gmail') {
  const start = await member.client.post(api(workspaceId, `/integrations/${provider}/connect`));
  expect(start.statusCode, start.body).toBe(200);
  const back = await fetch(new URL(start.json().authorizationUrl), { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  expect((await member.client.get(`${callback.pathname}${callback.search}`)).statusCode).toBe(302);
}

const rows = async (workspaceId: string) =>
  (
    await server.services.database.system.execute<{ provider: string; status: string; access_token_sealed: string | null; refresh_token_sealed: string | null }>(
      sql`SELECT provider, status, access_token_sealed, refresh_token_sealed FROM integration_connections WHERE workspace_id = ${workspaceId} ORDER BY provider`,
    )
  ).rows;

/** Whether Google still refreshes with this token. */
const refreshes = async (refreshToken: string) =>
  (
    await fetch(`${google.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: google.clientId, client_secret: google.clientSecret }),
    })
  ).status === 200;

describe('INT-1 disconnecting', () => {
  it('INT-1 disconnecting Google Calendar revokes the grant at Google and wipes the tokens', async () => {
    const owner = await ownerWithWorkspace(server, 'Revoke On Disconnect');
    await connect(owner, owner.workspaceId, 'google_calendar');
    const asked = google.revokeRequests.length;

    const res = await owner.client.delete(api(owner.workspaceId, '/integrations/google_calendar'));
    expect(res.statusCode, res.body).toBe(204);
    // Google was asked once, with the refresh token (revoking it ends the grant), and took it back.
    const posted = google.revokeRequests.slice(asked);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatch(/^1\/\//);
    expect(google.revoked.at(-1)).toBe(posted[0]);
    expect(await refreshes(posted[0]!)).toBe(false);
    expect(await rows(owner.workspaceId)).toEqual([{ provider: 'google_calendar', status: 'disconnected', access_token_sealed: null, refresh_token_sealed: null }]);
    expect(await accessToken(server.services, owner.workspaceId, owner.userId, 'google_calendar')).toBeNull();
    expect((await owner.client.get(api(owner.workspaceId, '/integrations'))).json().items).toEqual([expect.objectContaining({ provider: 'google_calendar', status: 'disconnected' })]);
    // Disconnecting again finds nothing left to revoke.
    expect((await owner.client.delete(api(owner.workspaceId, '/integrations/google_calendar'))).statusCode).toBe(204);
    expect(google.revokeRequests.length).toBe(asked + 1);
    expect(logLines.join('\n')).not.toContain(posted[0]!);
  });

  it('INT-1 a refused revocation still disconnects', async () => {
    const owner = await ownerWithWorkspace(server, 'Refused Revocation');
    await connect(owner, owner.workspaceId, 'google_calendar');
    // The person already removed Kestrel's access in their Google account: Google refuses the token (400 invalid_token).
    google.oauth.revoke();
    const asked = google.revokeRequests.length;
    const logged = logLines.length;

    const res = await owner.client.delete(api(owner.workspaceId, '/integrations/google_calendar'));
    expect(res.statusCode, res.body).toBe(204);
    const posted = google.revokeRequests.slice(asked);
    expect(posted).toHaveLength(1);
    expect(google.revoked).not.toContain(posted[0]);
    expect(await rows(owner.workspaceId)).toEqual([{ provider: 'google_calendar', status: 'disconnected', access_token_sealed: null, refresh_token_sealed: null }]);
    const lines = logLines.slice(logged).join('\n');
    expect(lines).toContain('token revocation refused by the provider');
    expect(lines).not.toContain(posted[0]!);
  });

  it('INT-1 Google out of reach: the disconnect still stands, and the failure is logged without the token', async () => {
    const owner = await ownerWithWorkspace(server, 'Unreachable Revocation');
    await connect(owner, owner.workspaceId, 'google_calendar');
    const config = server.services.config as { GOOGLE_OAUTH_REVOKE_URL: string };
    const revokeUrl = config.GOOGLE_OAUTH_REVOKE_URL;
    // Nothing listens on port 9 of this machine: the connection is refused.
    config.GOOGLE_OAUTH_REVOKE_URL = 'http://127.0.0.1:9/revoke';
    const logged = logLines.length;
    try {
      const res = await owner.client.delete(api(owner.workspaceId, '/integrations/google_calendar'));
      expect(res.statusCode, res.body).toBe(204);
    } finally {
      config.GOOGLE_OAUTH_REVOKE_URL = revokeUrl;
    }
    expect(await rows(owner.workspaceId)).toEqual([{ provider: 'google_calendar', status: 'disconnected', access_token_sealed: null, refresh_token_sealed: null }]);
    const lines = logLines.slice(logged).join('\n');
    expect(lines).toContain('token revocation failed');
    expect(lines).not.toMatch(/1\/\/[0-9a-f]{32}/);
  });

  it('INT-1 Google revokes a whole grant, so disconnecting Calendar keeps it while the member still sends through Gmail; the last Google disconnect revokes it', async () => {
    const owner = await ownerWithWorkspace(server, 'Shared Grant Studio');
    await connect(owner, owner.workspaceId, 'google_calendar');
    await connect(owner, owner.workspaceId, 'gmail');
    const asked = google.revokeRequests.length;

    expect((await owner.client.delete(api(owner.workspaceId, '/integrations/google_calendar'))).statusCode).toBe(204);
    expect(google.revokeRequests.length).toBe(asked);
    expect((await rows(owner.workspaceId)).map((r) => [r.provider, r.status, r.refresh_token_sealed === null])).toEqual([
      ['gmail', 'connected', false],
      ['google_calendar', 'disconnected', true],
    ]);
    expect(await accessToken(server.services, owner.workspaceId, owner.userId, 'gmail')).toMatch(/^ya29\./);

    expect((await owner.client.delete(api(owner.workspaceId, '/integrations/gmail'))).statusCode).toBe(204);
    const posted = google.revokeRequests.slice(asked);
    expect(posted).toHaveLength(1);
    expect(google.revoked.at(-1)).toBe(posted[0]);
    expect(await refreshes(posted[0]!)).toBe(false);
  });
});
