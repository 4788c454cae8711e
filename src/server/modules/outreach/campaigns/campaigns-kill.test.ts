import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace } from '../../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { CAMPAIGN_WINDOW } from '../mail/sending-accounts';

/**
 * MAIL-2: `kill -9` of the process sending a campaign. This server takes the requests and runs no
 * jobs; the campaign is sent by worker processes of their own, the first killed mid-campaign.
 */
const KEYS = SecretBox.generateSpec('kill1');
const SESSION = 'kill-test-session-secret-that-is-long-enough-0123456789';
/** Short, so the test does not wait long for the dead worker's lease; long enough that a live run on a busy machine renews it (every quarter) between waves. */
const LEASE_SECONDS = 5;
let server: TestServer;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  server = await startTestServer({ WORKER_CONCURRENCY: '0', KESTREL_SECRET_KEYS: KEYS, KESTREL_SESSION_SECRET: SESSION, CAMPAIGN_LEASE_SECONDS: String(LEASE_SECONDS) });
}, 300_000);
afterAll(() => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGTERM');
});

/** A worker process on the same database and mail sink; resolves once its job worker runs. */
async function startWorker(): Promise<ChildProcess> {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_URL: server.services.config.DATABASE_URL!,
    DATABASE_POOL_SIZE: '5',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-worker-')),
    SMTP_URL: `smtp://127.0.0.1:${server.smtp.port}`,
    PUBLIC_URL: server.url,
    KESTREL_SECRET_KEYS: KEYS,
    KESTREL_SESSION_SECRET: SESSION,
    WORKER_CONCURRENCY: '2',
    CAMPAIGN_LEASE_SECONDS: String(LEASE_SECONDS),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/processes/job-worker.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  workers.push(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${err}`)));
  });
  return child;
}

describe('a campaign survives kill -9 of its worker', () => {
  it('MAIL-2 after SIGKILL mid-campaign a new worker resumes it: every consented contact gets it, none twice (counted at the SMTP sink by Message-ID)', async () => {
    // The first worker also sends the sign-up code mail (this server runs no jobs).
    const first = await startWorker();
    const o = await ownerWithWorkspace(server, 'Killjoy Kitchens');
    const api = (p: string) => `/api/workspaces/${o.workspaceId}${p}`;
    expect((await o.client.patch(`/api/workspaces/${o.workspaceId}`, { mailingAddress: '1 Harbour Road, Leith EH6 6LX, UK' })).statusCode).toBe(200);
    // Through the workspace's own SMTP account, whose Message-ID is fixed by the idempotency key.
    const account = await o.client.post(api('/outreach/sending-accounts'), { kind: 'smtp', fromName: 'Killjoy', fromAddress: 'news@killjoy.example', smtpHost: '127.0.0.1', smtpPort: server.smtp.port, perMinute: 10_000 });
    expect(account.statusCode, account.body).toBe(201);
    const tagId = (await o.client.post(api('/tags'), { name: 'Everyone' })).json().id as string;
    const emails: string[] = [];
    const run = Date.now().toString(36);
    for (let chunk = 0; chunk < 8; chunk++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const email = `k${run}-${chunk * 10 + i}@example.test`;
          const res = await o.client.post(api('/contacts'), { firstName: `K${chunk * 10 + i}`, emails: [email] });
          expect(res.statusCode, res.body).toBe(201);
          const id = res.json().id as string;
          expect((await o.client.post(api(`/contacts/${id}/tags`), { tagId })).statusCode).toBe(200);
          expect((await o.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'import', proof: 'newsletter.csv, column opt_in' })).statusCode).toBe(200);
          emails.push(email);
        }),
      );
    }
    const tmpl = await o.client.post(api('/outreach/templates'), { name: 'Menu', subject: 'New menu, {{contact.firstName | "friend"}}', html: '<p>Our new menu is out.</p>' });
    const created = await o.client.post(api('/outreach/campaigns'), { name: 'New menu', templateId: tmpl.json().id, tagId });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const received = () => emails.reduce((sum, e) => sum + server.smtp.mailsTo(e).length, 0);

    await vi.waitFor(() => expect(received()).toBeGreaterThanOrEqual(15), { timeout: 60_000, interval: 5 });
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = received();
    const mid = (await o.client.get(api(`/outreach/campaigns/${id}`))).json();
    expect(mid.status).toBe('sending');
    expect(mid.counts.sent).toBeLessThan(80);

    // The dead worker's heartbeat lapses; the next process to start picks the campaign up.
    await vi.waitFor(
      async () => {
        const r = await server.services.database.system.execute<{ stale: boolean }>(sql`SELECT heartbeat_at < now() - make_interval(secs => ${LEASE_SECONDS}) AS stale FROM outreach_campaigns WHERE id = ${id}`);
        expect(r.rows[0]!.stale).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
    await startWorker();
    const done = await vi.waitFor(
      async () => {
        const c = (await o.client.get(api(`/outreach/campaigns/${id}`))).json();
        expect(c.status).toBe('completed');
        return c;
      },
      { timeout: 60_000, interval: 200 },
    );
    expect(done.counts).toMatchObject({ total: 80, sent: 80, queued: 0, sending: 0, failed: 0, skipped: 0 });

    // None lost, none twice: each address has exactly one message (by Message-ID).
    const duplicates: string[] = [];
    for (const e of emails) {
      const mails = server.smtp.mailsTo(e);
      const ids = new Set(mails.map((m) => String(m.headers.get('message-id'))));
      expect(ids.size, e).toBe(1);
      if (mails.length > 1) duplicates.push(e);
    }
    // SMTP cannot take a mail back: a mail accepted by the server in the instant before the kill,
    // not yet marked, is sent again under the same Message-ID, which mail clients show once. The
    // runner sends through a window of CAMPAIGN_WINDOW mails: a mail starts only while fewer
    // than that many are sending or sent-but-unmarked (what came back is marked in one transaction
    // while the next mails go out), and the next run reads a message marked sent as sent: so at the
    // kill at most CAMPAIGN_WINDOW mails can be unmarked, and at most that many go out twice.
    expect(duplicates.length).toBeLessThanOrEqual(CAMPAIGN_WINDOW);
    console.log(`kill -9 after ${atKill} of 80 mails; ${received()} received in all, ${duplicates.length} re-sent under the same Message-ID`);
  }, 240_000);
});
