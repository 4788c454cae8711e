import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signUpUser } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { runCli } from '../../cli';
import { mailOutbox } from '../../platform/mail/mail.schema';
import { policyAcknowledgements } from './policies.schema';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = mkdtempSync(path.join(tmpdir(), 'kestrel-policy-'));
});

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const { config } = server.services;
  const env = { NODE_ENV: 'test', DATABASE_URL: config.DATABASE_URL!, DATABASE_POOL_SIZE: '2', DATA_DIR: dir, KESTREL_SECRET_KEYS: config.KESTREL_SECRET_KEYS!, KESTREL_SESSION_SECRET: config.KESTREL_SESSION_SECRET!, SMTP_URL: config.SMTP_URL!, PUBLIC_URL: server.url };
  const code = await runCli(argv, { env, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

describe('policy changes', () => {
  it('PRIV-7 a material change less than 30 days ahead is refused; one 30+ days ahead emails everyone now, shows a notice at sign-in until acknowledged, and records each acknowledgement', async () => {
    const ann = await signUpUser(server, { name: 'Ann Reader' });
    const bob = await signUpUser(server, { name: 'Bob Reader' });
    const file = path.join(dir, 'privacy.md');
    writeFileSync(file, '# Privacy policy\n\nWe now send chat transcripts to an AI provider in the EU.\n');

    const tooSoon = await cli(['policy', 'publish', '--material', '--effective', day(10), '--summary', 'AI provider in the EU.', '--file', file]);
    expect(tooSoon.code).toBe(1);
    expect(tooSoon.err).toContain('at least 30 days after it is published');
    expect((await ann.client.get('/api/auth/policy-notices')).json().notices).toEqual([]);
    expect((await cli(['policy', 'publish', '--effective', 'soon', '--summary', 'x', '--file', file])).code).toBe(2);

    const published = await cli(['policy', 'publish', '--material', '--effective', day(31), '--summary', 'We now use an AI provider in the EU.', '--file', file]);
    expect(published.err).toBe('');
    expect(published.code).toBe(0);
    expect(published.out).toMatch(/Emailed \d+ people/);

    for (const person of [ann, bob]) {
      const mail = await server.smtp.waitForMail(person.email, (m) => m.subject === 'Changes to our privacy policy');
      expect(mail.text).toContain(`effective ${day(31)}`);
      expect(mail.text).toContain('We now use an AI provider in the EU.');
    }

    const notices = (await ann.client.get('/api/auth/policy-notices')).json().notices;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ title: 'Privacy policy', summary: 'We now use an AI provider in the EU.' });
    expect(notices[0].body).toContain('chat transcripts');
    expect(notices[0].effectiveAt.slice(0, 10)).toBe(day(31));

    expect((await ann.client.post(`/api/auth/policy-notices/${notices[0].id}/acknowledge`)).statusCode).toBe(204);
    expect((await ann.client.post(`/api/auth/policy-notices/${notices[0].id}/acknowledge`)).statusCode).toBe(204);
    expect((await ann.client.get('/api/auth/policy-notices')).json().notices).toEqual([]);
    // Bob has not acknowledged: he still sees it.
    expect((await bob.client.get('/api/auth/policy-notices')).json().notices).toHaveLength(1);
    const acks = await server.services.database.system.select().from(policyAcknowledgements).where(and(eq(policyAcknowledgements.policyVersionId, notices[0].id)));
    expect(acks.map((a) => a.userId)).toEqual([ann.userId]);
    expect(acks[0]!.acknowledgedAt).toBeInstanceOf(Date);

    expect((await ann.client.post('/api/auth/policy-notices/00000000-0000-4000-8000-000000000000/acknowledge')).statusCode).toBe(404);
  });

  it('PRIV-7 a change that is not material is published without email or notice', async () => {
    const carl = await signUpUser(server, { name: 'Carl Reader' });
    const file = path.join(dir, 'typo.md');
    writeFileSync(file, 'Fixed a typo.');
    const res = await cli(['policy', 'publish', '--effective', day(0), '--summary', 'Typo fixed.', '--file', file]);
    expect(res.code).toBe(0);
    expect(res.out).not.toContain('Emailed');
    // Nothing queued for anyone: the outbox (which every mail passes) holds no policy mail to Carl.
    const queued = await server.services.database.system.select().from(mailOutbox).where(and(eq(mailOutbox.toAddress, carl.email), eq(mailOutbox.template, 'policyChange')));
    expect(queued).toEqual([]);
    const notices = (await carl.client.get('/api/auth/policy-notices')).json().notices as { summary: string }[];
    expect(notices.some((n) => n.summary === 'Typo fixed.')).toBe(false);
  });

  it('PRIV-7 the notices need a signed-in person', async () => {
    const anonymous = await fetch(`${server.url}/api/auth/policy-notices`);
    expect(anonymous.status).toBe(401);
  });
});
