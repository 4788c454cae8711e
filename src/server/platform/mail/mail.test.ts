import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { FakeResend } from '../../../../test/fakes/resend';
import { startFake } from '../../../../test/fakes/harness';
import { TestClient, uniqueEmail } from '../../../../test/helpers/client';
import { startTestServer } from '../../../../test/helpers/server';
import { users } from '../../modules/accounts/accounts.schema';
import { hashPassword } from '../auth/passwords';
import { mailOutbox } from './mail.schema';
import { queueMail } from './outbox';

async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('mail transports', () => {
  it('AUTH-9 mail goes through the Resend API when configured, and the sent body is not kept', async () => {
    const resend = await startFake(new FakeResend('re_test_key'));
    const server = await startTestServer({ SMTP_URL: '', RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.url });
    const email = uniqueEmail('resend');
    await new TestClient(server.app).post('/api/auth/sign-up', { name: 'Rae', email, password: 'long enough pw', ageConfirmed: true });
    const sent = await waitFor(async () => resend.sentTo(email)[0]);
    expect(resend.calls('/emails')[0]!.headers.authorization).toBe('Bearer re_test_key');
    expect(sent.body.subject).toMatch(/sign-in code: \d{6}/);
    expect(sent.body.from).toBe(server.services.config.MAIL_FROM);
    const [row] = await waitFor(async () => {
      const rows = await server.services.database.system.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));
      return rows[0]?.status === 'sent' ? rows : undefined;
    });
    expect(row).toMatchObject({ providerMessageId: sent.id, textBody: null, htmlBody: null });
  });

  it('AUTH-9 with no mail server, mail is kept and shown in the development mailbox, which production hides', async () => {
    const server = await startTestServer({ SMTP_URL: '' });
    const email = uniqueEmail('kept');
    await new TestClient(server.app).post('/api/auth/sign-up', { name: 'Kim', email, password: 'long enough pw', ageConfirmed: true });
    // SEC-1: the mailbox is for a signed-in operator on this machine (see modules/dev/dev.test.ts).
    const operatorEmail = uniqueEmail('operator');
    await server.services.database.system.insert(users).values({ email: operatorEmail, name: 'Op', passwordHash: await hashPassword('long enough pw', server.services.passwordPolicy), emailVerifiedAt: new Date(), ageConfirmedAt: new Date(), operator: true });
    const operator = new TestClient(server.app, '127.0.0.1');
    expect((await operator.post('/api/auth/sign-in', { email: operatorEmail, password: 'long enough pw' })).statusCode).toBe(200);
    const box = await waitFor(async () => {
      const res = (await operator.get('/api/dev/mailbox')).json();
      return res.messages.find((m: { to: string; status: string }) => m.to === email && m.status === 'kept') ? res : undefined;
    });
    expect(box.enabled).toBe(true);
    const msg = box.messages.find((m: { to: string }) => m.to === email);
    expect(msg.text).toMatch(/Your sign-in code is \d{6}/);
    const prod = await startTestServer({ SMTP_URL: '', NODE_ENV: 'production', PUBLIC_URL: 'https://x.example.test' });
    expect((await new TestClient(prod.app, '127.0.0.1').get('/api/dev/mailbox')).statusCode).toBe(404);
  });

  it('AUTH-9 mail queued in a transaction that rolls back is never sent', async () => {
    const server = await startTestServer();
    const email = uniqueEmail('rollback');
    await expect(
      server.services.database.db.transaction(async (tx) => {
        await queueMail(tx, server.services.mail.from, email, 'welcome', { name: 'Nobody', appUrl: server.url });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await server.services.database.db.transaction((tx) => queueMail(tx, server.services.mail.from, email, 'purchaseConfirmation', { name: 'N', item: 'x', amount: '$1' }));
    await server.smtp.waitForMail(email, (m) => m.subject === 'Your Kestrel purchase');
    expect(server.smtp.mailsTo(email).map((m) => m.subject)).toEqual(['Your Kestrel purchase']);
    const rows = await server.services.database.system.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));
    expect(rows).toHaveLength(1);
  });
});
