import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeGmail } from '../../../../test/fakes/gmail';
import { googleOAuthPaths } from '../../../../test/fakes/google-calendar';
import { startFake } from '../../../../test/fakes/harness';
import { FakeMicrosoftGraph } from '../../../../test/fakes/microsoft-graph';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';

let server: TestServer;
let gmail: FakeGmail;
let graph: FakeMicrosoftGraph;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;

beforeAll(async () => {
  gmail = await startFake(new FakeGmail());
  graph = await startFake(new FakeMicrosoftGraph());
  // Tokens that expire within the minute: every send refreshes first.
  gmail.oauth.tokenLifetime = 30;
  server = await startTestServer({
    GOOGLE_CLIENT_ID: gmail.clientId,
    GOOGLE_CLIENT_SECRET: gmail.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: `${gmail.url}${googleOAuthPaths.authorize}`,
    GOOGLE_OAUTH_TOKEN_URL: `${gmail.url}${googleOAuthPaths.token}`,
    GMAIL_API_ROOT_URL: `${gmail.url}/`,
    GOOGLE_OAUTH_REVOKE_URL: `${gmail.url}/revoke`,
    MICROSOFT_CLIENT_ID: graph.clientId,
    MICROSOFT_CLIENT_SECRET: graph.clientSecret,
    MICROSOFT_OAUTH_AUTHORIZE_URL: `${graph.url}/common/oauth2/v2.0/authorize`,
    MICROSOFT_OAUTH_TOKEN_URL: `${graph.url}/common/oauth2/v2.0/token`,
    MICROSOFT_GRAPH_URL: `${graph.url}/`,
  });
  owner = await ownerWithWorkspace(server, 'Mailbox Deli');
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '4 Market Row, Leeds LS1 6DT, UK' });
}, 300_000);

async function consentedContact() {
  const email = `m${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;
  const id = (await owner.client.post(api('/contacts'), { firstName: 'Mo', emails: [email] })).json().id as string;
  await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'deli sign-up form' });
  return { id, email };
}

/** The member consents at the provider, which sends the browser back to Kestrel with a code and the state. */
async function connect(provider: 'gmail' | 'outlook') {
  const start = await owner.client.post(api(`/integrations/${provider}/connect`));
  expect(start.statusCode, start.body).toBe(200);
  const consent = new URL(start.json().authorizationUrl);
  const back = await fetch(consent, { redirect: 'manual' });
  const callback = new URL(back.headers.get('location')!);
  const landed = await owner.client.get(`${callback.pathname}${callback.search}`);
  expect(landed.statusCode, landed.body).toBe(302);
  expect(landed.headers.location).toBe(`/w/${owner.workspaceId}/settings/sending-accounts?connected=${provider}`);
  return consent;
}

async function useOnly(kind: 'gmail' | 'outlook') {
  for (const a of (await owner.client.get(api('/outreach/sending-accounts'))).json().items as { id: string }[]) await owner.client.delete(api(`/outreach/sending-accounts/${a.id}`));
  const res = await owner.client.post(api('/outreach/sending-accounts'), { kind, stream: 'both', fromName: 'Mailbox Deli', fromAddress: `owner@deli-${kind}.example` });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; connection: string };
}

const send = (contactId: string, subject: string) => owner.client.post(api('/outreach/send'), { contactId, stream: 'marketing', subject, html: '<p>Fresh bagels on Friday.</p>' });

describe('Gmail sending account', () => {
  it('MAIL-1 INT-1 a Gmail account is connected with the gmail.send scope only and cannot be added before it is connected', async () => {
    const refused = await owner.client.post(api('/outreach/sending-accounts'), { kind: 'gmail', fromName: 'Mailbox Deli', fromAddress: 'owner@deli-gmail.example' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('mailbox_not_connected');

    const consent = await connect('gmail');
    expect(consent.searchParams.get('scope')).toBe('https://www.googleapis.com/auth/gmail.send');
    expect(consent.searchParams.get('access_type')).toBe('offline');
    const items = (await owner.client.get(api('/integrations'))).json().items;
    expect(items).toEqual([expect.objectContaining({ provider: 'gmail', status: 'connected', scopes: ['https://www.googleapis.com/auth/gmail.send'] })]);
    const account = await useOnly('gmail');
    expect(account.connection).toBe('connected');
  });

  it('MAIL-1 MAIL-4 marketing mail leaves through the Gmail API as raw RFC 822 with List-Unsubscribe and one-click intact; the token is refreshed; a 429 is retried without a duplicate', async () => {
    const c = await consentedContact();
    const refreshesBefore = gmail.calls(googleOAuthPaths.token).filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token').length;
    gmail.throttleSends(1);
    const res = await send(c.id, 'Friday bagels');
    expect(res.statusCode, res.body).toBe(200);
    const sent = gmail.sentTo(c.email);
    expect(sent).toHaveLength(1);
    const mime = sent[0]!.mime.replace(/\r?\n[ \t]+/g, ' '); // unfold long headers
    expect(mime).toMatch(/^From: Mailbox Deli <owner@deli-gmail\.example>/m);
    expect(mime).toMatch(/^Subject: Friday bagels/m);
    expect(mime).toMatch(/^List-Unsubscribe: <http[^>]+\/api\/public\/outreach\/unsubscribe\/[^>]+>, <mailto:owner@deli-gmail\.example\?subject=unsubscribe/m);
    expect(mime).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(mime).toContain('4 Market Row');
    expect(gmail.calls('/gmail/v1/users/me/messages/send', 'POST')).toHaveLength(2);
    const refreshes = gmail.calls(googleOAuthPaths.token).filter((r) => (r.body as Record<string, string>).grant_type === 'refresh_token').length;
    expect(refreshes).toBeGreaterThan(refreshesBefore);
    // Only the send endpoint was ever called: no mailbox read.
    expect(gmail.requests.filter((r) => r.path.startsWith('/gmail/') && r.path !== '/gmail/v1/users/me/messages/send')).toEqual([]);
  });

  it('MAIL-1 a revoked Gmail grant shows the account as "reconnect" and stops sends with a clear reason; reconnecting sends again', async () => {
    gmail.oauth.revoke();
    const c = await consentedContact();
    const res = await send(c.id, 'After revoke');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'sending_account_reconnect' });
    expect(res.json().error.message).toMatch(/Reconnect Gmail/);
    expect(gmail.sentTo(c.email)).toHaveLength(0);
    const accounts = (await owner.client.get(api('/outreach/sending-accounts'))).json().items;
    expect(accounts).toEqual([expect.objectContaining({ kind: 'gmail', connection: 'reconnect' })]);
    expect((await owner.client.get(api('/integrations'))).json().items).toEqual([expect.objectContaining({ provider: 'gmail', status: 'failed', lastError: 'access_revoked' })]);
    const { rows } = await server.services.database.system.execute<{ status: string; last_error: string }>(sql`SELECT status, last_error FROM outreach_messages WHERE workspace_id = ${owner.workspaceId} AND subject = 'After revoke'`);
    expect(rows).toEqual([expect.objectContaining({ status: 'failed' })]);

    await connect('gmail');
    expect((await owner.client.get(api('/outreach/sending-accounts'))).json().items[0].connection).toBe('connected');
    expect((await send(c.id, 'After reconnect')).statusCode).toBe(200);
    expect(gmail.sentTo(c.email)).toHaveLength(1);
  });
});

describe('Outlook sending account', () => {
  it('MAIL-1 INT-1 Outlook connects with Mail.Send and offline_access only and sends through Graph /me/sendMail (official SDK) as MIME, List-Unsubscribe intact; a 429 with Retry-After is retried once', async () => {
    const consent = await connect('outlook');
    expect(consent.searchParams.get('scope')).toBe('https://graph.microsoft.com/Mail.Send offline_access');
    await useOnly('outlook');
    const c = await consentedContact();
    graph.answerNext({ status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'ApplicationThrottled', message: 'Too many requests' } } });
    const res = await send(c.id, 'Outlook bagels');
    expect(res.statusCode, res.body).toBe(200);
    expect(graph.calls('/v1.0/me/sendMail', 'POST')).toHaveLength(2);
    const sent = graph.sentTo(c.email);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.mime).toMatch(/^From: Mailbox Deli <owner@deli-outlook\.example>/m);
    expect(sent[0]!.mime).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    expect(graph.calls('/v1.0/me/sendMail')[1]!.headers.authorization).toMatch(/^Bearer eyJ0eXAi\./);
  });

  it('MAIL-1 a revoked Outlook grant stops sends with "reconnect Outlook"; disconnecting does too', async () => {
    graph.oauth.revoke();
    const c = await consentedContact();
    const res = await send(c.id, 'Outlook after revoke');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('sending_account_reconnect');
    expect(res.json().error.message).toMatch(/Reconnect Outlook/);
    expect(graph.sentTo(c.email)).toHaveLength(0);
    expect((await owner.client.get(api('/outreach/sending-accounts'))).json().items[0].connection).toBe('reconnect');

    await connect('outlook');
    expect((await send(c.id, 'Outlook reconnected')).statusCode).toBe(200);
    expect((await owner.client.delete(api('/integrations/outlook'))).statusCode).toBe(204);
    const after = await send(c.id, 'Outlook disconnected');
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('sending_account_reconnect');
    expect(graph.sentTo(c.email)).toHaveLength(1);
  });
});

describe('removing a sending account', () => {
  it("MAIL-1 removing an account in use says first which streams it sends, the campaigns and sequences that carry on and the account that takes over; then their mail leaves from that account, and removing your own Gmail account disconnects the mailbox (tokens wiped, grant revoked)", async () => {
    await connect('gmail');
    const mine = await useOnly('gmail');
    const backup = await owner.client.post(api('/outreach/sending-accounts'), { kind: 'smtp', stream: 'both', fromName: 'Mailbox Deli', fromAddress: 'backup@deli-smtp.example', smtpHost: '127.0.0.1', smtpPort: server.smtp.port, smtpSecure: false });
    expect(backup.statusCode, backup.body).toBe(201);
    expect((await owner.client.patch(api(`/outreach/sending-accounts/${mine.id}`), { defaultFor: 'marketing' })).statusCode).toBe(200);

    // A campaign waiting for its time and a sequence with a person in it, both on the marketing stream.
    const tagId = (await owner.client.post(api('/tags'), { name: 'Deli news' })).json().id as string;
    const reader = await consentedContact();
    expect((await owner.client.post(api(`/contacts/${reader.id}/tags`), { tagId })).statusCode).toBe(200);
    const templateId = (await owner.client.post(api('/outreach/templates'), { name: 'Deli news', subject: 'News from the deli', html: '<p>Hello {{contact.firstName | "there"}}.</p>' })).json().id as string;
    const campaign = await owner.client.post(api('/outreach/campaigns'), { name: 'Summer menu', templateId, tagId, sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(campaign.statusCode, campaign.body).toBe(201);
    const sequence = await owner.client.post(api('/outreach/sequences'), { name: 'Catering follow-up', steps: [{ templateId, delayDays: 3 }] });
    expect(sequence.statusCode, sequence.body).toBe(201);
    const view = await owner.client.post(api('/views'), { name: 'Deli readers', shared: true, definition: { object: 'contacts', columns: ['name', 'email'], filter: { match: 'all', conditions: [{ field: 'tags', op: 'has_any', value: [tagId] }] } } });
    expect(view.statusCode, view.body).toBe(201);
    const enrolled = await owner.client.post(api(`/outreach/sequences/${sequence.json().id}/enrolments`), { viewId: view.json().id });
    expect(enrolled.json(), enrolled.body).toMatchObject({ enrolled: 1 });

    // The SMTP account sends nothing now (the Gmail account is older and the marketing default).
    expect((await owner.client.get(api(`/outreach/sending-accounts/${backup.json().id}/removal`))).json()).toEqual({ fromAddress: 'backup@deli-smtp.example', streams: [], campaigns: [], sequences: [], disconnectsMailbox: false });
    const removal = await owner.client.get(api(`/outreach/sending-accounts/${mine.id}/removal`));
    expect(removal.statusCode, removal.body).toBe(200);
    const next = { fromAddress: 'backup@deli-smtp.example', kind: 'smtp' };
    expect(removal.json()).toEqual({
      fromAddress: 'owner@deli-gmail.example',
      streams: [{ stream: 'marketing', nextFrom: next }, { stream: 'transactional', nextFrom: next }],
      campaigns: [{ id: campaign.json().id, name: 'Summer menu', status: 'scheduled' }],
      sequences: [{ id: sequence.json().id, name: 'Catering follow-up', activeEnrolments: 1 }],
      disconnectsMailbox: true,
    });

    const revokedBefore = gmail.revoked.length;
    expect((await owner.client.delete(api(`/outreach/sending-accounts/${mine.id}`))).statusCode).toBe(204);
    expect((await owner.client.get(api(`/outreach/sending-accounts/${mine.id}/removal`))).statusCode).toBe(404);
    expect((await owner.client.get(api('/integrations'))).json().items).toEqual(expect.arrayContaining([expect.objectContaining({ provider: 'gmail', status: 'disconnected' })]));
    const { rows } = await server.services.database.system.execute(sql`SELECT access_token_sealed, refresh_token_sealed FROM integration_connections WHERE workspace_id = ${owner.workspaceId} AND provider = 'gmail'`);
    expect(rows).toEqual([{ access_token_sealed: null, refresh_token_sealed: null }]);
    expect(gmail.revoked.length).toBe(revokedBefore + 1);

    // The campaign and sequence are untouched; their mail (and any other) now leaves through the SMTP account.
    expect((await owner.client.get(api(`/outreach/campaigns/${campaign.json().id}`))).json().status).toBe('scheduled');
    const sentBefore = gmail.sent.length;
    expect((await send(reader.id, 'After the Gmail account went')).statusCode).toBe(200);
    const mail = await vi.waitFor(
      () => {
        const found = server.smtp.mailsTo(reader.email).find((m) => m.subject === 'After the Gmail account went');
        if (!found) throw new Error('the mail has not reached the SMTP sink yet');
        return found;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(mail.from).toBe('backup@deli-smtp.example');
    expect(gmail.sent.length).toBe(sentBefore);
  });
});
