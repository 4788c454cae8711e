import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSink } from '../../../../test/helpers/smtp-sink';
import { BulkSmtp, buildMime } from './bulk-smtp';

const unsubscribe = '<https://crm.example.com/api/public/outreach/unsubscribe/tok123>, <mailto:in+abc@in.example.com?subject=unsubscribe%20tok123>';

const mail = (i: number) => ({
  from: '"Hafenbäckerei Müller" <news@harbour.example>',
  to: `reader${i}@example.test`,
  subject: `Frühling bei uns, Leser ${i} 🥐`,
  text: `Hello Reader ${i},\n.\nA line that starts with a dot, and the footer.\n`,
  html: `<p>Hello Reader ${i},</p>\n.\n<p>Fresh bread — every morning.</p>`,
  headers: { 'Message-ID': `<msg-${i}@harbour.example>`, 'List-Unsubscribe': unsubscribe, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', 'X-Kestrel-Message': `msg-${i}`, 'Reply-To': 'owner@harbour.example' },
});

describe('the campaign SMTP sender', () => {
  const sink = new SmtpSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());

  it('MAIL-2 MAIL-4 forty mails pipelined over three connections arrive whole: sender and subject encoded, text and HTML parts, List-Unsubscribe with One-Click, our Message-ID', async () => {
    const sender = new BulkSmtp({ host: '127.0.0.1', port: sink.port, secure: false, connections: 3 });
    try {
      const sent = await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send(mail(i))));
      expect(sent.map((s) => s.messageId)).toEqual(Array.from({ length: 40 }, (_, i) => `<msg-${i}@harbour.example>`));
    } finally {
      sender.close();
    }
    expect(sink.messages.filter((m) => m.to[0]!.startsWith('reader'))).toHaveLength(40);
    for (const i of [0, 17, 39]) {
      const [m] = sink.mailsTo(`reader${i}@example.test`);
      expect(m!.from).toBe('news@harbour.example');
      expect(m!.subject).toBe(`Frühling bei uns, Leser ${i} 🥐`);
      expect(m!.text).toBe(`Hello Reader ${i},\n.\nA line that starts with a dot, and the footer.\n`);
      expect(m!.html).toContain('<p>Fresh bread — every morning.</p>');
      expect(m!.headers.get('message-id')).toBe(`<msg-${i}@harbour.example>`);
      expect(m!.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
      expect(String((m!.headers.get('from') as { text: string }).text)).toContain('Hafenbäckerei Müller');
      expect(m!.raw.replace(/\r\n[ \t]+/g, ' ')).toContain(`List-Unsubscribe: ${unsubscribe}\r\n`);
      // No header line over 78 characters, no raw 8-bit in the head.
      const head = m!.raw.slice(0, m!.raw.indexOf('\r\n\r\n'));
      expect(head.split('\r\n').every((l) => l.length <= 78)).toBe(true);
      expect(/^[\x00-\x7f]*$/.test(head)).toBe(true);
    }
  });

  it('MAIL-2 a header value with a line break cannot add a header', () => {
    const { message } = buildMime({ ...mail(1), subject: 'Hi\r\nBcc: victim@example.test' });
    expect(message.toString()).not.toMatch(/^Bcc:/m);
  });

  it('MAIL-2 a recipient refused at RCPT TO fails that mail alone; the mails pipelined around it arrive', async () => {
    sink.refuse.add('gone@example.test');
    const sender = new BulkSmtp({ host: '127.0.0.1', port: sink.port, secure: false, connections: 1 });
    try {
      const results = await Promise.allSettled([sender.send({ ...mail(100), to: 'before@example.test' }), sender.send({ ...mail(101), to: 'gone@example.test' }), sender.send({ ...mail(102), to: 'after@example.test' })]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(String((results[1] as PromiseRejectedResult).reason.message)).toContain('mailbox unavailable');
    } finally {
      sender.close();
    }
    expect(sink.mailsTo('before@example.test')).toHaveLength(1);
    expect(sink.mailsTo('after@example.test')).toHaveLength(1);
    expect(sink.mailsTo('gone@example.test')).toHaveLength(0);
  });

  it('MAIL-2 a server without PIPELINING gets one command at a time, and every mail', async () => {
    const got: string[] = [];
    const plain = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      hidePIPELINING: true,
      logger: false,
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          got.push(session.envelope.rcptTo[0]!.address);
          callback();
        });
      },
    });
    await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
    const sender = new BulkSmtp({ host: '127.0.0.1', port: (plain.server.address() as AddressInfo).port, secure: false, connections: 2 });
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => sender.send(mail(200 + i))));
    } finally {
      sender.close();
      await new Promise<void>((r) => plain.close(() => r()));
    }
    expect(got.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `reader${200 + i}@example.test`).sort());
  });

  it('MAIL-2 a server that never answers fails the mail after the timeout instead of holding the campaign', async () => {
    const net = await import('node:net');
    const silent = net.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const sender = new BulkSmtp({ host: '127.0.0.1', port: (silent.address() as AddressInfo).port, secure: false, connections: 1, timeoutMs: 300 });
    try {
      await expect(sender.send(mail(400))).rejects.toThrow(/did not answer in time/);
    } finally {
      sender.close();
      silent.close();
    }
  });

  it('MAIL-1 a mail signed with the account\'s DKIM key verifies against its public key (relaxed/relaxed, rsa-sha256)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sender = new BulkSmtp({ host: '127.0.0.1', port: sink.port, secure: false, connections: 1, dkim: { domainName: 'harbour.example', keySelector: 'mail2024', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() } });
    try {
      await sender.send({ ...mail(300), to: 'signed@example.test' });
    } finally {
      sender.close();
    }
    const [m] = sink.mailsTo('signed@example.test');
    const raw = m!.raw;
    const split = raw.indexOf('\r\n\r\n');
    const headerLines = raw.slice(0, split).split(/\r\n(?![ \t])/);
    const dkimLine = headerLines.find((l) => /^dkim-signature:/i.test(l))!;
    const tags = Object.fromEntries(dkimLine.slice(dkimLine.indexOf(':') + 1).replace(/\s+/g, '').split(';').filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
    expect(tags).toMatchObject({ d: 'harbour.example', s: 'mail2024', a: 'rsa-sha256', c: 'relaxed/relaxed' });
    // Body hash: relaxed body (no trailing whitespace on a line, runs of blanks as one, trailing empty lines dropped).
    const body = raw.slice(split + 4).split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
    while (body.length && body.at(-1) === '') body.pop();
    expect(createHash('sha256').update(body.join('\r\n') + '\r\n').digest('base64')).toBe(tags.bh);
    // Signature over the signed headers, relaxed, then the DKIM-Signature header with b= empty.
    const relaxed = (line: string) => {
      const at = line.indexOf(':');
      return `${line.slice(0, at).trim().toLowerCase()}:${line.slice(at + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim()}`;
    };
    const used = new Map<string, number>();
    const signed = (tags.h as string).split(':').map((name) => {
      const all = headerLines.filter((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name.toLowerCase());
      const n = (used.get(name) ?? 0) + 1;
      used.set(name, n);
      const line = all[all.length - n];
      return line === undefined ? null : relaxed(line);
    });
    const data = [...signed.filter((l): l is string => l !== null), relaxed(dkimLine).replace(/b=[^;]*$/, 'b=').replace(/(;\s*b=)[^;]*(;|$)/, '$1$2')].join('\r\n');
    expect(verify('sha256', Buffer.from(data), publicKey, Buffer.from(tags.b as string, 'base64'))).toBe(true);
  });
});
