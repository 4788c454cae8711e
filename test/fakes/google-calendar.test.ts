import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth as googleAuth, calendar } from '@googleapis/calendar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait';
import { FakeGoogleCalendar, googleOAuthPaths } from './google-calendar';

/**
 * The Google Calendar fake driven by Google's official client library (STYLE 18), so its push
 * channels cannot drift from what `events.watch` and `channels.stop` send and read: the channel
 * answer, the `sync` message, an `exists` message per change, nothing after a stop; and its
 * revocation endpoint through google-auth-library's `revokeToken` (token in the query, as it sends it).
 */
let google: FakeGoogleCalendar;
const received: IncomingHttpHeaders[] = [];
const receiver = createServer((req, res) => {
  received.push(req.headers);
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
let address = '';
let auth: { headers: { authorization: string } };
let refreshToken = '';

beforeAll(async () => {
  google = await new FakeGoogleCalendar().start();
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // A token the fake issued, through its OAuth endpoints (PKCE), as Kestrel gets one.
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${google.url}${googleOAuthPaths.authorize}`);
  for (const [k, v] of Object.entries({ client_id: google.clientId, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', redirect_uri: 'http://127.0.0.1/cb', scope: 'https://www.googleapis.com/auth/calendar.events', state: 's' })) authorize.searchParams.set(k, v);
  const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
  const token = await fetch(`${google.url}${googleOAuthPaths.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: 'http://127.0.0.1/cb', client_id: google.clientId, client_secret: google.clientSecret }),
  });
  const issued = (await token.json()) as { access_token: string; refresh_token: string };
  auth = { headers: { authorization: `Bearer ${issued.access_token}` } };
  refreshToken = issued.refresh_token;
});
afterAll(async () => {
  await google.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('the Google Calendar fake speaks what the official client sends and reads', () => {
  it('BOOK-2 events.watch opens a channel (sync first), each event change posts "exists" with the channel token, and channels.stop ends it', async () => {
    const api = calendar({ version: 'v3', rootUrl: `${google.url}/`, retry: false });
    const watched = await api.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-1', type: 'web_hook', address, token: 'ws.secret', params: { ttl: '3600' } } }, auth);
    expect(watched.data).toMatchObject({ kind: 'api#channel', id: 'chan-1', resourceId: expect.any(String), token: 'ws.secret' });
    expect(Number(watched.data.expiration)).toBeGreaterThan(Date.now() + 3_500_000);
    expect(Number(watched.data.expiration)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    await until(() => received.length === 1, 'the sync message');
    expect(received[0]).toMatchObject({ 'x-goog-channel-id': 'chan-1', 'x-goog-channel-token': 'ws.secret', 'x-goog-resource-id': watched.data.resourceId, 'x-goog-resource-state': 'sync', 'x-goog-message-number': '1' });

    const made = await api.events.insert({ calendarId: 'primary', requestBody: { summary: 'Dentist', start: { dateTime: '2030-01-07T10:00:00Z' }, end: { dateTime: '2030-01-07T11:00:00Z' } } }, auth);
    await until(() => received.length === 2, 'the exists message');
    expect(received[1]).toMatchObject({ 'x-goog-channel-id': 'chan-1', 'x-goog-resource-state': 'exists', 'x-goog-message-number': '2' });
    google.changeOutside([{ start: '2030-01-07T12:00:00Z', end: '2030-01-07T13:00:00Z' }]);
    await until(() => received.length === 3, 'a change made in Google itself');
    expect((await google.delivered()).map((n) => [n.state, n.status])).toEqual([['sync', 200], ['exists', 200], ['exists', 200]]);

    // A second channel with the same id is refused, as Google does.
    await expect(api.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-1', type: 'web_hook', address } }, auth)).rejects.toMatchObject({ status: 400 });
    // Stopping needs the resource id too; afterwards changes post nothing.
    await expect(api.channels.stop({ requestBody: { id: 'chan-1', resourceId: 'not-it' } }, auth)).rejects.toMatchObject({ status: 404 });
    const stopped = await api.channels.stop({ requestBody: { id: 'chan-1', resourceId: watched.data.resourceId! } }, auth);
    expect(stopped.status).toBe(204);
    await api.events.delete({ calendarId: 'primary', eventId: made.data.id! }, auth);
    await google.delivered();
    expect(received).toHaveLength(3);
    expect(google.openChannels()).toHaveLength(0);
  });

  it('BOOK-2 watch and stop need a token Google issued', async () => {
    const api = calendar({ version: 'v3', rootUrl: `${google.url}/`, retry: false });
    await expect(api.events.watch({ calendarId: 'primary', requestBody: { id: 'chan-2', type: 'web_hook', address } }, { headers: { authorization: 'Bearer forged' } })).rejects.toMatchObject({ status: 401 });
    expect(google.channels.has('chan-2')).toBe(false);
  });

  it('INT-1 PRIV-3 the revocation endpoint answers google-auth-library’s revokeToken as Google does: 200 for a token it issued, then 400 invalid_token, and the token no longer refreshes', async () => {
    // google-auth-library's OAuth2Client, as the official Calendar package ships it.
    const client = new googleAuth.OAuth2({ clientId: google.clientId, clientSecret: google.clientSecret, endpoints: { oauth2TokenUrl: `${google.url}${googleOAuthPaths.token}`, oauth2RevokeUrl: `${google.url}/revoke` } });
    const revoked = await client.revokeToken(refreshToken);
    expect(revoked.status).toBe(200);
    expect(google.revoked).toEqual([refreshToken]);
    await expect(client.revokeToken(refreshToken)).rejects.toMatchObject({ status: 400, response: { data: { error: 'invalid_token' } } });
    client.setCredentials({ refresh_token: refreshToken });
    await expect(client.getAccessToken()).rejects.toMatchObject({ response: { data: { error: 'invalid_grant' } } });
  });
});
