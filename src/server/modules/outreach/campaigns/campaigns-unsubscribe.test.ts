import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace, TestClient } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';
import { CAMPAIGN_WINDOW } from '../mail/sending-accounts';
import { unsubscribeToken } from '../mail/unsubscribe-token';

let server: TestServer;
/** A mail server that holds every message until the test lets them through. */
const held: (() => void)[] = [];
let open = false;
const delivered: string[] = [];
const gated = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    stream.resume();
    stream.on('end', () => {
      const done = () => {
        delivered.push(session.envelope.rcptTo[0]!.address);
        callback();
      };
      if (open) done();
      else held.push(done);
    });
  },
});

beforeAll(async () => {
  server = await startTestServer();
  await new Promise<void>((r) => gated.listen(0, '127.0.0.1', r));
}, 300_000);
afterAll(async () => {
  await new Promise<void>((r) => gated.close(() => r()));
});

describe('a campaign re-checks each mail right before it leaves', () => {
  it('MAIL-4 someone who unsubscribes (one-click) while a campaign is sending gets no further mail: the mails after it are checked again and it is skipped as unsubscribed', async () => {
    const o = await ownerWithWorkspace(server, 'Quay Books');
    const api = (path: string) => `/api/workspaces/${o.workspaceId}${path}`;
    expect((await o.client.patch(`/api/workspaces/${o.workspaceId}`, { mailingAddress: '3 Quay Lane, Bristol BS1 4QA, UK' })).statusCode).toBe(200);
    const account = await o.client.post(api('/outreach/sending-accounts'), { kind: 'smtp', fromName: 'Quay Books', fromAddress: 'news@quaybooks.example', smtpHost: '127.0.0.1', smtpPort: (gated.server.address() as AddressInfo).port, perMinute: 10_000 });
    expect(account.statusCode, account.body).toBe(201);
    const tagId = (await o.client.post(api('/tags'), { name: 'Readers' })).json().id as string;
    const people: { id: string; email: string }[] = [];
    const audience = CAMPAIGN_WINDOW + 8;
    for (let i = 0; i < audience; i++) {
      const email = `reader${i}.${Date.now().toString(36)}@example.test`;
      const res = await o.client.post(api('/contacts'), { firstName: `Reader${i}`, emails: [email] });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id as string;
      expect((await o.client.post(api(`/contacts/${id}/tags`), { tagId })).statusCode).toBe(200);
      expect((await o.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'https://quaybooks.example/join' })).statusCode).toBe(200);
      people.push({ id, email });
    }
    const template = await o.client.post(api('/outreach/templates'), { name: 'New in', subject: 'New at {{workspace.name}}', html: '<p>Hello {{contact.firstName}}, new books are in.</p>' });
    const created = await o.client.post(api('/outreach/campaigns'), { name: 'New in', templateId: template.json().id, tagId });
    expect(created.statusCode, created.body).toBe(201);
    const campaignId = created.json().id as string;

    // The batch was checked and its mails started; the server holds them, so no more than a window has started.
    await vi.waitFor(() => expect(held.length).toBeGreaterThan(0), { timeout: 20_000, interval: 20 });
    // The recipient claimed last (recipients are claimed in contact id order) has not started: it unsubscribes now, as a mail client does.
    const last = [...people].sort((a, b) => (a.id < b.id ? -1 : 1)).at(-1)!;
    const { rows } = await server.services.database.system.execute<{ id: string }>(sql`SELECT id FROM outreach_messages WHERE workspace_id = ${o.workspaceId} AND idempotency_key = ${`campaign:${campaignId}:${last.id}`}`);
    expect(rows, 'the batch made its message row before sending').toHaveLength(1);
    const token = unsubscribeToken(server.services.secrets.sessionSecret, o.workspaceId, rows[0]!.id);
    const mailClient = new TestClient(server.app);
    const res = await mailClient.request('POST', `/api/public/outreach/unsubscribe/${token}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode, res.body).toBe(200);

    open = true;
    for (const release of held.splice(0)) release();
    const done = await vi.waitFor(
      async () => {
        const c = (await o.client.get(api(`/outreach/campaigns/${campaignId}`))).json();
        expect(c.status).toBe('completed');
        return c;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(done.counts).toMatchObject({ total: audience, sent: audience - 1, skipped: 1, failed: 0 });
    expect(done.reasons).toEqual([{ reason: 'unsubscribed', count: 1 }]);
    expect(delivered).not.toContain(last.email.toLowerCase());
    expect(new Set(delivered).size).toBe(audience - 1);
    const left = await server.services.database.system.execute(sql`SELECT 1 FROM outreach_messages WHERE workspace_id = ${o.workspaceId} AND idempotency_key = ${`campaign:${campaignId}:${last.id}`}`);
    expect(left.rows, 'the mail that never left has no message row').toHaveLength(0);
  }, 120_000);
});
