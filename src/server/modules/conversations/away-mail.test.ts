import nodemailer from 'nodemailer';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { sse } from '../../../../test/helpers/sse';
import { widgetVisitor } from '../../../../test/helpers/widget-visitor';
import { addressHash } from '../outreach/mail/unsubscribe-token';
import { AWAY_MAIL_GRACE_MS, awayMailJob } from './away-mail';
import { startInboundSmtp, type InboundSmtp } from './inbound-smtp';

let server: TestServer;
let receiver: InboundSmtp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let address: string;
const DOMAIN = 'in.kestrel.test';
const SITE = 'https://bakery.example';
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
const w = (path: string) => `/api/widget/${owner.workspaceId}${path}`;

/** The visitor's own mail client: a real SMTP conversation with Kestrel's receiver. */
const mailClient = () => nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });
const detail = async (id: string) => {
  const res = await owner.client.get(api(`/conversations/${id}`));
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
const reply = async (id: string, body: string) => {
  const res = await owner.client.post(api(`/conversations/${id}/messages`), { body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};
const awayJob = async (conversationId: string) =>
  (await server.services.database.system.execute<{ run_at: Date }>(sql`SELECT run_at FROM graphile_worker.jobs WHERE key = ${`conversation-away-mail:${conversationId}`}`)).rows[0];
const runAwayJob = (conversationId: string) => awayMailJob.run({ workspaceId: owner.workspaceId, conversationId }, server.services);
const outbox = async (to: string) => (await server.services.database.system.execute<{ id: string }>(sql`SELECT id FROM mail_outbox WHERE to_address = ${to} AND template = 'conversations.away-reply'`)).rows;

/** A visitor who wrote, left their name and email, and is not connected (no live stream). */
async function visitorWhoLeft(email: string | null, name = 'Ana Lima') {
  const v = widgetVisitor(server.app, owner, SITE);
  const started = await v.start(`${SITE}/wedding-cakes?ref=ad`);
  expect((await v.send('Do you make gluten-free wedding cakes?')).statusCode).toBe(200);
  if (email) expect((await v.c.post(w('/contact'), { token: v.token, name, email, consent: false }, { origin: SITE })).statusCode).toBe(200);
  return { v, conversationId: started.conversationId as string };
}

beforeAll(async () => {
  server = await startTestServer({ INBOUND_MAIL_DOMAIN: DOMAIN });
  receiver = await startInboundSmtp(server.services, { port: 0, host: '127.0.0.1' });
  owner = await ownerWithWorkspace(server, 'Crumb Bakery');
  expect((await owner.client.patch(api('/widget-settings'), { allowedOrigins: [SITE] })).statusCode).toBe(200);
  address = (await owner.client.get(api('/channel-settings'))).json().email.inboundAddress;
}, 300_000);
afterAll(() => receiver?.close());

describe('replies to a visitor who has left the chat', () => {
  it('CONV-6 a reply to a visitor who has left is emailed once, batched, and their emailed answer lands in the same conversation', async () => {
    const email = `ana.${Date.now()}@visitor.test`;
    const { v, conversationId } = await visitorWhoLeft(email);
    const before = await detail(conversationId);
    expect(before.away).toMatchObject({ connected: false, emailTo: `a***@visitor.test`, notMailedBecause: null });

    const t0 = Date.now();
    await reply(conversationId, 'Yes, we do! Our almond sponge is gluten-free.');
    const firstRun = new Date((await awayJob(conversationId))!.run_at).getTime();
    expect(firstRun).toBeGreaterThanOrEqual(t0 + AWAY_MAIL_GRACE_MS - 1000);
    await reply(conversationId, 'How many guests are you expecting?');
    // One job for the conversation, moved later by the second reply: one email for both.
    const jobs = (await server.services.database.system.execute(sql`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = ${`conversation-away-mail:${conversationId}`}`)).rows[0] as { n: number };
    expect(jobs.n).toBe(1);
    expect(new Date((await awayJob(conversationId))!.run_at).getTime()).toBeGreaterThanOrEqual(firstRun);

    await runAwayJob(conversationId);
    await runAwayJob(conversationId);
    const mail = await server.smtp.waitForMail(email);
    expect(await outbox(email)).toHaveLength(1);
    expect(mail.text).toContain('Yes, we do! Our almond sponge is gluten-free.');
    expect(mail.text).toContain('How many guests are you expecting?');
    // The staff member by first name, the workspace as sender, a link to the page without any token.
    expect(mail.text).toMatch(/^Olive from Crumb Bakery replied to your message:\n\nYes, we do!/m);
    expect(mail.text).toContain(`${SITE}/wedding-cakes`);
    expect(mail.text).not.toContain('ref=ad');
    expect(mail.text).not.toContain(v.token);
    expect(mail.raw).toMatch(new RegExp(`^From: "?Crumb Bakery"? <${address}>`, 'm'));
    // Reply-To: an address of this conversation (the workspace's token, the conversation, a tag).
    const replyTo = (mail.headers.get('reply-to') as { value: { address: string }[] }).value[0]!.address;
    expect(replyTo).toMatch(new RegExp(`^${address.split('@')[0]}\\+c${conversationId.replace(/-/g, '')}[0-9a-f]{10}@${DOMAIN.replace(/\./g, '\\.')}$`));
    const ourId = mail.headers.get('message-id') as string;
    expect(ourId).toMatch(new RegExp(`^<[0-9a-f-]{36}@${DOMAIN}>$`));

    await vi.waitFor(
      async () => {
        const staffReplies = (await detail(conversationId)).messages.filter((m: { author: string }) => m.author === 'staff');
        expect(staffReplies.map((m: { meta: { emailed?: { status: string; to: string } } }) => m.meta.emailed)).toEqual([
          expect.objectContaining({ status: 'sent', to: 'a***@visitor.test' }),
          expect.objectContaining({ status: 'sent', to: 'a***@visitor.test' }),
        ]);
      },
      { timeout: 10_000, interval: 100 },
    );
    // Read by staff: nothing unread before the visitor answers.
    expect((await detail(conversationId)).conversation.unread).toBe(0);
    expect((await owner.client.patch(api(`/conversations/${conversationId}`), { status: 'resolved' })).statusCode).toBe(200);

    // The team's inbox is open (its live stream): the answer reaches it as it lands.
    const inboxStream = await sse(`${server.url}${api('/conversations/live')}`, { cookie: owner.client.cookie! });
    await vi.waitFor(() => expect(inboxStream.events.some((e) => e.event === 'unread')).toBe(true));
    // The visitor answers from their mail client, quoting the email.
    const answer = await mailClient().sendMail({
      from: `Ana Lima <${email}>`,
      to: replyTo,
      subject: 'Re: Your conversation with Crumb Bakery',
      text: 'About 80 guests, in June.\n\nOn Thu, Dec 3, 2026 at 9:00 Crumb Bakery wrote:\n> Yes, we do!',
      inReplyTo: ourId,
      references: [ourId],
    });
    expect(answer.accepted).toEqual([replyTo]);
    await vi.waitFor(() => expect(inboxStream.events.some((e) => e.event === 'change' && e.data.conversationId === conversationId && e.data.kind === 'message')).toBe(true), { timeout: 10_000 });
    inboxStream.close();
    // Unread for the team (read before opening it, which marks it read).
    const listed = (await owner.client.get(api('/conversations?channel=web'))).json().items.find((c: { id: string }) => c.id === conversationId);
    expect(listed).toMatchObject({ unread: 1, status: 'open', lastMessagePreview: 'About 80 guests, in June.' });
    const after = await detail(conversationId);
    const answered = after.messages.at(-1);
    expect(answered).toMatchObject({ author: 'visitor', body: 'About 80 guests, in June.', meta: { viaEmail: true } });
    expect(after.conversation).toMatchObject({ channel: 'web', status: 'open', holder: 'human' });
    // No second conversation (no email-channel conversation was made for it).
    expect((await owner.client.get(api('/conversations?channel=email'))).json().items).toHaveLength(0);
    // The widget shows it when the visitor comes back.
    expect((await v.read()).messages.map((m: { author: string; body: string }) => [m.author, m.body])).toContainEqual(['visitor', 'About 80 guests, in June.']);

    // The next reply threads onto the visitor's emailed answer.
    await reply(conversationId, 'Lovely, we will send a quote.');
    await runAwayJob(conversationId);
    const second = await server.smtp.waitForMail(email, (m) => m.text.includes('Lovely'));
    expect(second.subject).toBe('Re: Your conversation with Crumb Bakery');
    expect(second.headers.get('in-reply-to')).toBe(answer.messageId);
    expect(([] as string[]).concat(second.headers.get('references') as string | string[])).toEqual([ourId, answer.messageId]);
    expect(second.text).not.toContain('almond sponge');

    // A mail client that keeps no threading headers: the reply address alone brings it back here.
    await mailClient().sendMail({ from: email, to: replyTo, subject: 'Quote', text: 'Thanks, waiting for it.' });
    expect((await detail(conversationId)).messages.at(-1)).toMatchObject({ author: 'visitor', body: 'Thanks, waiting for it.', meta: { viaEmail: true } });
    // A made-up tag names no conversation: the mail starts an email conversation of its own.
    const forged = replyTo.replace(/[0-9a-f]{10}@/, '0000000000@');
    await mailClient().sendMail({ from: 'mallory@attacker.test', to: forged, subject: 'Quote', text: 'Pay to my account instead.' });
    expect((await detail(conversationId)).messages.some((m: { body: string }) => m.body.includes('Pay to my account'))).toBe(false);
    expect((await owner.client.get(api('/conversations?channel=email'))).json().items).toMatchObject([{ visitorEmail: 'mallory@attacker.test' }]);
  });

  it('CONV-1 a visitor who is still on the page gets no email, nor one who came back and saw the reply', async () => {
    const email = `bo.${Date.now()}@visitor.test`;
    const { v, conversationId } = await visitorWhoLeft(email, 'Bo Chen');
    const stream = await sse(`${server.url}${w('/messages')}?token=${encodeURIComponent(v.token)}`, { origin: SITE });
    await vi.waitFor(() => expect(stream.events.some((e) => e.event === 'status')).toBe(true));
    expect((await detail(conversationId)).away).toMatchObject({ connected: true, notMailedBecause: null });
    const live = await reply(conversationId, 'Hi Bo, yes we do.');
    await vi.waitFor(() => expect(stream.events.some((e) => e.event === 'message' && e.data.body === 'Hi Bo, yes we do.')).toBe(true));
    expect(await awayJob(conversationId)).toBeUndefined();

    // The visitor closes the tab after reading it: running the email now sends nothing.
    stream.close();
    await vi.waitFor(async () => expect((await detail(conversationId)).away.connected).toBe(false), { timeout: 10_000, interval: 50 });
    await runAwayJob(conversationId);
    expect(await outbox(email)).toHaveLength(0);

    // A reply after they left is scheduled; they come back (the widget resumes) before it runs: nothing is emailed.
    await reply(conversationId, 'One more thing: we deliver on Saturdays.');
    expect(await awayJob(conversationId)).toBeDefined();
    expect((await v.c.post(w('/conversations'), { token: v.token, page: `${SITE}/wedding-cakes` }, { origin: SITE })).json().conversationId).toBe(conversationId);
    await runAwayJob(conversationId);
    expect(await outbox(email)).toHaveLength(0);
    const shown = (await detail(conversationId)).messages.filter((m: { author: string }) => m.author === 'staff');
    expect(shown.map((m: { id: string; meta: Record<string, unknown> }) => [m.id === live.id, m.meta.emailed ?? null])).toEqual([
      [true, null],
      [false, null],
    ]);
  });

  it('MAIL-4 a bounced or complained visitor address is not mailed and the inbox says why (a marketing unsubscribe is not a reason); PRIV-5 nor is a restricted contact; a visitor with no email is told apart', async () => {
    const db = server.services.database.system;
    const suppressed = `cy.${Date.now()}@visitor.test`;
    const a = await visitorWhoLeft(suppressed, 'Cy Dee');
    await db.execute(sql`INSERT INTO outreach_suppressions (workspace_id, kind, address_hash, reason, source) VALUES (${owner.workspaceId}, 'email', ${addressHash(suppressed)}, 'complained', 'resend_webhook')`);
    expect((await detail(a.conversationId)).away).toMatchObject({ connected: false, emailTo: 'c***@visitor.test', notMailedBecause: 'suppressed' });
    await reply(a.conversationId, 'Here is the price list.');
    await runAwayJob(a.conversationId);
    expect(await outbox(suppressed)).toHaveLength(0);
    expect((await detail(a.conversationId)).messages.at(-1)).toMatchObject({ author: 'staff', meta: { notEmailed: 'suppressed' } });
    // Unsubscribed from marketing only: the reply they asked for is transactional and still goes.
    const unsubscribed = `cu.${Date.now()}@visitor.test`;
    const u = await visitorWhoLeft(unsubscribed, 'Cu Dee');
    await db.execute(sql`INSERT INTO outreach_suppressions (workspace_id, kind, address_hash, reason, source) VALUES (${owner.workspaceId}, 'email', ${addressHash(unsubscribed)}, 'unsubscribed', 'unsubscribe_link')`);
    expect((await detail(u.conversationId)).away).toMatchObject({ connected: false, notMailedBecause: null });

    const restricted = `di.${Date.now()}@visitor.test`;
    const b = await visitorWhoLeft(restricted, 'Di Eve');
    await vi.waitFor(async () => expect((await detail(b.conversationId)).conversation.contactId).toBeTruthy(), { timeout: 10_000, interval: 50 });
    await db.execute(sql`UPDATE contacts SET restricted = true WHERE workspace_id = ${owner.workspaceId} AND id = ${(await detail(b.conversationId)).conversation.contactId}`);
    expect((await detail(b.conversationId)).away.notMailedBecause).toBe('restricted');
    await reply(b.conversationId, 'Here is the price list.');
    await runAwayJob(b.conversationId);
    expect(await outbox(restricted)).toHaveLength(0);
    expect((await detail(b.conversationId)).messages.at(-1).meta.notEmailed).toBe('restricted');

    const c = await visitorWhoLeft(null);
    expect((await detail(c.conversationId)).away).toMatchObject({ connected: false, emailTo: null, notMailedBecause: 'no_email' });
    await reply(c.conversationId, 'Hello?');
    expect(await awayJob(c.conversationId)).toBeUndefined();
  });
});
