import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { startInboundSmtp, type InboundSmtp } from '../conversations/inbound-smtp';

let server: TestServer;
let receiver: InboundSmtp;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
let inbound: string;
const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
/** The outside world's mail servers: a real SMTP conversation with Kestrel's receiver. */
const mx = () => nodemailer.createTransport({ host: '127.0.0.1', port: receiver.port, secure: false, ignoreTLS: true });

beforeAll(async () => {
  server = await startTestServer({ INBOUND_MAIL_DOMAIN: 'in.outreach.test' });
  receiver = await startInboundSmtp(server.services, { port: 0, host: '127.0.0.1' });
  owner = await ownerWithWorkspace(server, 'Bounce Bakery');
  await owner.client.patch(`/api/workspaces/${owner.workspaceId}`, { mailingAddress: '1 Oven Road, Bath BA1 1AA, UK' });
  inbound = (await owner.client.get(api('/channel-settings'))).json().email.inboundAddress;
}, 300_000);
afterAll(() => receiver?.close());

async function mailed(subject: string) {
  const email = `b${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@customer.test`;
  const id = (await owner.client.post(api('/contacts'), { firstName: 'Bea', emails: [email] })).json().id as string;
  await owner.client.post(api(`/outreach/contacts/${id}/consent`), { state: 'granted', source: 'form', proof: 'shop form' });
  expect((await owner.client.post(api('/outreach/send'), { contactId: id, stream: 'marketing', subject, html: '<p>Rye is back.</p>' })).statusCode).toBe(200);
  const mail = await server.smtp.waitForMail(email);
  return { id, email, mail, kestrelId: mail.headers.get('x-kestrel-message') as string };
}

const dsn = (recipient: string, kestrelId: string, status: string) => {
  const boundary = `b${Math.random().toString(36).slice(2)}`;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
    `To: ${inbound}`,
    'Subject: Undelivered Mail Returned to Sender',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain',
    '',
    'Your message could not be delivered.',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.customer.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${status.startsWith('5') ? 'failed' : 'delayed'}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550 5.1.1 mailbox unavailable' : '451 4.2.0 try later'}`,
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `To: ${recipient}`,
    'Subject: Rye',
    `X-Kestrel-Message: ${kestrelId}`,
    `--${boundary}--`,
    '',
  ].join('\r\n');
};

describe('bounces and unsubscribes by mail', () => {
  it('MAIL-3 MAIL-4 a hard-bounce DSN arriving on the inbound route suppresses the address (counted once, on the timeline); a temporary one does not', async () => {
    const hard = await mailed('Rye');
    const soft = await mailed('Rye');
    const before = (await owner.client.get(api('/outreach/delivery-summary'))).json().bounced;
    await mx().sendMail({ envelope: { from: '', to: inbound }, raw: dsn(hard.email, hard.kestrelId, '5.1.1') });
    await mx().sendMail({ envelope: { from: '', to: inbound }, raw: dsn(hard.email, hard.kestrelId, '5.1.1') });
    await mx().sendMail({ envelope: { from: '', to: inbound }, raw: dsn(soft.email, soft.kestrelId, '4.2.0') });

    const status = (await owner.client.get(api(`/outreach/contacts/${hard.id}/mail-status`))).json();
    expect(status.suppression).toMatchObject({ reason: 'bounced', source: 'dsn' });
    const again = await owner.client.post(api('/outreach/send'), { contactId: hard.id, stream: 'marketing', subject: 'Rye 2', html: '<p>x</p>' });
    expect(again.json().error.details.reason).toBe('bounced');
    expect((await owner.client.get(api(`/outreach/contacts/${soft.id}/mail-status`))).json().suppression).toBeNull();
    expect((await owner.client.get(api('/outreach/delivery-summary'))).json().bounced).toBe(before + 2);
    // A bounce is not a customer's message: nothing new in the inbox.
    expect((await owner.client.get(api('/conversations?channel=email'))).json().items).toEqual([]);
    const timeline = JSON.stringify((await owner.client.get(api(`/timeline?recordType=contacts&recordId=${hard.id}`))).json());
    expect(timeline).toContain('Email bounced');
  });

  it('MAIL-4 the List-Unsubscribe mailto is the workspace inbound address, and a mail to it unsubscribes the recipient at once', async () => {
    const r = await mailed('Spelt');
    const header = /^List-Unsubscribe:(.*)$/im.exec(r.mail.raw.replace(/\r?\n[ \t]+/g, ' '))![1]!;
    const mailto = /<mailto:([^?>]+)\?subject=([^>]+)>/.exec(header);
    expect(mailto?.[1]).toBe(inbound);
    const subject = decodeURIComponent(mailto![2]!);
    expect(subject).toMatch(/^unsubscribe \S+$/);
    // A forged token is an ordinary mail, not an unsubscribe.
    await mx().sendMail({ from: r.email, to: inbound, subject: 'unsubscribe AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA', text: '' });
    expect((await owner.client.get(api(`/outreach/contacts/${r.id}/mail-status`))).json().suppression).toBeNull();

    await mx().sendMail({ from: r.email, to: mailto![1]!, subject, text: 'This message was automatically generated by Gmail.' });
    const status = (await owner.client.get(api(`/outreach/contacts/${r.id}/mail-status`))).json();
    expect(status).toMatchObject({ suppression: { reason: 'unsubscribed', source: 'unsubscribe_mail' }, consent: { state: 'withdrawn', source: 'unsubscribe_mail' }, marketingAllowed: false });
    const items = (await owner.client.get(api('/conversations?channel=email'))).json().items as { subject: string | null }[];
    expect(items.map((c) => c.subject)).not.toContain(subject);
    expect(items.filter((c) => c.subject?.startsWith('unsubscribe AAAA'))).toHaveLength(1);
  });
});
