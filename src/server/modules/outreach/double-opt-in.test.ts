import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { linkFrom } from '../../../../test/helpers/smtp-sink';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const address = () => `sub${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.test`;

beforeAll(async () => {
  server = await startTestServer();
  owner = await ownerWithWorkspace(server, 'Opt-in Bakery');
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '9 Mill Lane, York YO1 7HH, UK' });
}, 300_000);

async function contactOf(email: string): Promise<string> {
  const { rows } = await server.services.database.system.execute<{ id: string }>(sql`SELECT id FROM contacts WHERE workspace_id = ${owner.workspaceId} AND email = ${email}`);
  return rows[0]!.id;
}

describe('double opt-in', () => {
  it('MAIL-4 MAIL-5 a subscription form records a pending request and mails a signed link; marketing stays blocked until the person confirms, then consent carries source, times and IPs as proof', async () => {
    const email = address();
    const visitor = new TestClient(server.app, '198.51.100.23');
    const res = await visitor.post(`/api/public/outreach/subscribe/${owner.workspaceId}`, { email, firstName: 'Sam', pageUrl: 'https://optin-bakery.example/newsletter' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'check_your_inbox' });
    const mail = await server.smtp.waitForMail(email);
    expect(mail.subject).toBe('Confirm your subscription to Opt-in Bakery');
    const link = new URL(linkFrom(mail, '/opt-in/'));
    const token = link.pathname.split('/').pop()!;

    // Pending: no consent yet, a marketing mail is refused.
    const contactId = await contactOf(email);
    const status = (await owner.client.get(api(`/outreach/contacts/${contactId}/mail-status`))).json();
    expect(status).toMatchObject({ consentState: 'unknown', marketingAllowed: false });
    expect((await owner.client.post(api('/outreach/send'), { contactId, stream: 'marketing', subject: 'News', html: '<p>Hi</p>' })).json().error.details.reason).toBe('no_consent');

    // A forged or altered token is not found; opening the real link changes nothing.
    expect((await visitor.get(`/api/public/outreach/opt-in/${token.slice(0, -2)}xx`)).statusCode).toBe(404);
    expect((await visitor.get(`/api/public/outreach/opt-in/${token}`)).json()).toEqual({ workspaceName: 'Opt-in Bakery', confirmed: false, expired: false });
    expect((await owner.client.get(api(`/outreach/contacts/${contactId}/mail-status`))).json().consentState).toBe('unknown');

    const confirmer = new TestClient(server.app, '203.0.113.77');
    const confirmed = await confirmer.post(`/api/public/outreach/opt-in/${token}`);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ confirmed: true });
    const after = (await owner.client.get(api(`/outreach/contacts/${contactId}/mail-status`))).json();
    expect(after).toMatchObject({ consentState: 'granted', marketingAllowed: true, consent: { state: 'granted', source: 'double_opt_in' } });
    expect(after.consent.proof).toContain('https://optin-bakery.example/newsletter');
    expect(after.consent.proof).toContain('198.51.100.23');
    expect(after.consent.proof).toContain('203.0.113.77');
    // Confirming twice records nothing more.
    expect((await confirmer.post(`/api/public/outreach/opt-in/${token}`)).statusCode).toBe(200);
    const { rows } = await server.services.database.system.execute(sql`SELECT 1 FROM outreach_consents WHERE workspace_id = ${owner.workspaceId} AND contact_id = ${contactId}`);
    expect(rows).toHaveLength(1);
    expect((await owner.client.post(api('/outreach/send'), { contactId, stream: 'marketing', subject: 'News', html: '<p>Hi</p>' })).statusCode).toBe(200);
  });

  it('MAIL-4 an expired confirmation link is refused with 410 and grants nothing; posting the form again within ten minutes sends no second mail', async () => {
    const email = address();
    const visitor = new TestClient(server.app);
    expect((await visitor.post(`/api/public/outreach/subscribe/${owner.workspaceId}`, { email })).statusCode).toBe(202);
    expect((await visitor.post(`/api/public/outreach/subscribe/${owner.workspaceId}`, { email })).statusCode).toBe(202);
    const mail = await server.smtp.waitForMail(email);
    expect(server.smtp.mailsTo(email)).toHaveLength(1);
    const token = new URL(linkFrom(mail, '/opt-in/')).pathname.split('/').pop()!;
    await server.services.database.system.execute(sql`UPDATE outreach_opt_ins SET expires_at = now() - interval '1 minute' WHERE workspace_id = ${owner.workspaceId}`);
    expect((await visitor.get(`/api/public/outreach/opt-in/${token}`)).json()).toMatchObject({ confirmed: false, expired: true });
    const res = await visitor.post(`/api/public/outreach/opt-in/${token}`);
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('opt_in_expired');
    expect((await owner.client.get(api(`/outreach/contacts/${await contactOf(email)}/mail-status`))).json().consentState).toBe('unknown');
    // Bad input is a 400 naming the field, never a 5xx.
    const bad = await visitor.post(`/api/public/outreach/subscribe/${owner.workspaceId}`, { email: 'not-an-address' });
    expect(bad.statusCode).toBe(400);
  });
});
