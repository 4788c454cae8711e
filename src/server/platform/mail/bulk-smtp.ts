import net from 'node:net';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
// nodemailer's own DKIM signer (relaxed/relaxed, rsa-sha256), the one its transports use.
import DKIM from 'nodemailer/lib/dkim';

/**
 * MAIL-1, MAIL-2: a campaign's SMTP sender. nodemailer builds each mail as a tree of streams and
 * sends it command by command; at campaign volume that was most of a mail's CPU (issue 17). Here a
 * mail is one buffer written by `buildMime` (headers, a text and an HTML part, base64) and sent over
 * a few kept-open connections with PIPELINING (RFC 2920) when the server offers it: a mail's
 * `MAIL FROM`, `RCPT TO` and `DATA` go in one write together with the previous mail's content, so a
 * mail costs one round trip on its connection. DKIM-signed with nodemailer's signer when a key is set.
 */

export interface BulkMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null | undefined;
  headers?: Record<string, string> | undefined;
}

export interface SmtpTarget {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string | undefined;
  pass?: string | undefined;
  /** Connections kept open (mails in flight at once is up to the caller). */
  connections: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
  /** A connection waiting this long for a reply is given up (its mails fail, to be retried); 60 s unless said. */
  timeoutMs?: number | undefined;
  /** The name said in EHLO. */
  clientName?: string | undefined;
  tls?: tls.ConnectionOptions | undefined;
}

const clean = (value: string) => value.replace(/[\r\n]+/g, ' ');
const ascii = (value: string) => /^[\x20-\x7e]*$/.test(value);

/** RFC 2047 encoded words (UTF-8, base64), each under 75 characters, never splitting a character. */
function encodeWords(value: string): string {
  const words: string[] = [];
  let chunk = '';
  for (const ch of value) {
    if (Buffer.byteLength(chunk + ch) > 42) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join(' ');
}

/** An unstructured header value (a subject): as it is when ASCII, else encoded words. */
const unstructured = (value: string) => (ascii(value) ? value : encodeWords(value));

/** `Name <address>` or `"Name" <address>`: the display name quoted or encoded, the address as it is. */
function mailbox(value: string): string {
  const m = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(value);
  if (!m) return value.trim();
  const name = m[1]!.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1');
  if (!name) return `<${m[2]}>`;
  return `${ascii(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : encodeWords(name)} <${m[2]}>`;
}

/** The bare address of `Name <address>`. */
export const addressOf = (value: string) => (/<([^>]+)>/.exec(value)?.[1] ?? value).trim();

/** Folds a header line over 78 characters at its spaces (RFC 5322 2.2.3). */
function fold(line: string): string {
  if (line.length <= 78) return line;
  const out: string[] = [];
  let rest = line;
  while (rest.length > 78) {
    let at = rest.lastIndexOf(' ', 78);
    if (at <= 0) at = rest.indexOf(' ', 78);
    if (at <= 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out.join('\r\n');
}

const base64Lines = (value: string) => Buffer.from(value, 'utf8').toString('base64').replace(/.{76}(?=.)/g, '$&\r\n');

/** RFC 5322 date in UTC. */
const rfcDate = (d: Date) => d.toUTCString().replace(/GMT$/, '+0000');

/**
 * One mail as RFC 5322 text: the given headers (a `Message-ID` among them, or one made here), then
 * multipart/alternative with the text and HTML parts in base64 (so no line is too long and none starts
 * with a dot). Header values lose CR/LF (no header injection) and are folded.
 */
export function buildMime(mail: BulkMail, date = new Date()): { message: Buffer; messageId: string } {
  const extra = mail.headers ?? {};
  const given = Object.entries(extra).find(([k]) => k.toLowerCase() === 'message-id')?.[1];
  const messageId = given ? clean(given).trim() : `<${randomBytes(12).toString('hex')}@${addressOf(mail.from).split('@')[1] ?? 'kestrel.invalid'}>`;
  const lines = [`From: ${mailbox(clean(mail.from))}`, `To: ${mailbox(clean(mail.to))}`, `Subject: ${unstructured(clean(mail.subject))}`, `Date: ${rfcDate(date)}`, `Message-ID: ${messageId}`, 'MIME-Version: 1.0'];
  for (const [key, value] of Object.entries(extra)) {
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(key) || /^(message-id|from|to|subject|date|mime-version|content-type|content-transfer-encoding)$/i.test(key)) continue;
    lines.push(`${key}: ${unstructured(clean(value))}`);
  }
  const text = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(mail.text)}`;
  let body: string;
  if (mail.html) {
    const boundary = `--_k${randomBytes(9).toString('base64url')}`;
    lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    body = `--${boundary}\r\n${text}\r\n--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(mail.html)}\r\n--${boundary}--\r\n`;
  } else {
    lines.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64');
    body = `${base64Lines(mail.text)}\r\n`;
  }
  return { message: Buffer.from(`${lines.map(fold).join('\r\n')}\r\n\r\n${body}`, 'utf8'), messageId };
}

/** An SMTP reply: its code and text (the last line's). */
interface Reply {
  code: number;
  text: string;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** One kept-open connection: replies are matched to what was sent in order (RFC 2920). */
class Connection {
  private socket!: net.Socket;
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((r: Reply | Error) => void)[] = [];
  pipelining = false;
  private closed: Error | null = null;
  /** The mail whose content is written once its DATA was answered 354. */
  private chain: Promise<void> = Promise.resolve();
  busy = 0;

  constructor(private target: SmtpTarget) {}

  private attach(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('The SMTP server closed the connection')));
    // Idle while replies are owed: the server hangs; the connection is given up and its mails fail.
    socket.setTimeout(this.target.timeoutMs ?? 60_000, () => {
      if (this.waiting.length) socket.destroy(new Error('The SMTP server did not answer in time'));
    });
  }

  private onData(chunk: string) {
    this.buffer += chunk;
    let eol: number;
    while ((eol = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, eol).replace(/\r$/, '');
      this.buffer = this.buffer.slice(eol + 1);
      this.lines.push(line);
      // A multi-line reply goes on while the fourth character is '-'.
      if (line[3] === '-') continue;
      const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
      this.lines = [];
      const next = this.waiting.shift();
      if (next) next(reply);
    }
  }

  private fail(error: Error) {
    if (this.closed) return;
    this.closed = error;
    for (const w of this.waiting.splice(0)) w(error);
  }

  get usable() {
    return !this.closed;
  }

  /** The next reply, in order. */
  private reply(): Promise<Reply> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => this.waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
  }

  private async command(line: string, expect: number): Promise<Reply> {
    const r = this.reply();
    this.socket.write(`${line}\r\n`);
    const reply = await r;
    if (Math.floor(reply.code / 100) !== expect) throw new SmtpError(`${line.split(' ')[0]} answered ${reply.text}`, reply.code);
    return reply;
  }

  /** A command and its reply, whatever the code. */
  private reply0(line: string): Promise<Reply> {
    const r = this.reply();
    this.socket.write(`${line}\r\n`);
    return r;
  }

  async open(): Promise<void> {
    const { target } = this;
    const name = target.clientName ?? 'kestrel.localhost';
    const socket = target.secure ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ...target.tls }) : net.connect({ host: target.host, port: target.port });
    const greeting = new Promise<Reply>((resolve, reject) => this.waiting.push((r) => (r instanceof Error ? reject(r) : resolve(r))));
    this.attach(socket);
    const hello = await greeting;
    if (hello.code !== 220) throw new SmtpError(`The SMTP server greeted with ${hello.text}`, hello.code);
    let ehlo = await this.command(`EHLO ${name}`, 2);
    if (!target.secure && /^\d{3}[- ]STARTTLS\b/im.test(ehlo.text)) {
      await this.command('STARTTLS', 2);
      const plain = this.socket;
      plain.removeAllListeners('data');
      plain.removeAllListeners('close');
      plain.removeAllListeners('error');
      const secured = tls.connect({ socket: plain, servername: net.isIP(target.host) ? undefined : target.host, ...target.tls });
      await new Promise<void>((resolve, reject) => {
        secured.once('secureConnect', resolve);
        secured.once('error', reject);
      });
      this.attach(secured);
      ehlo = await this.command(`EHLO ${name}`, 2);
    }
    this.pipelining = /^\d{3}[- ]PIPELINING\b/im.test(ehlo.text);
    if (target.user) {
      const plain = Buffer.from(`\0${target.user}\0${target.pass ?? ''}`).toString('base64');
      if (/^\d{3}[- ]AUTH\b.*\bPLAIN\b/im.test(ehlo.text)) await this.command(`AUTH PLAIN ${plain}`, 2);
      else {
        await this.command('AUTH LOGIN', 3);
        await this.command(Buffer.from(target.user).toString('base64'), 3);
        await this.command(Buffer.from(target.pass ?? '').toString('base64'), 2);
      }
    }
  }

  /**
   * Sends one mail. With PIPELINING its envelope and DATA go out at once (after the content of the
   * mail before it on this connection), the content once DATA is answered 354; replies come back in order.
   */
  async send(from: string, to: string, message: Buffer): Promise<Reply> {
    {
      if (!this.pipelining) {
        // One mail at a time on this connection, each command answered before the next.
        const previous = this.chain;
        let release!: () => void;
        this.chain = new Promise((r) => (release = r));
        await previous;
        try {
          if (this.closed) throw this.closed;
          const m = await this.reply0(`MAIL FROM:<${from}>`);
          if (m.code >= 400) {
            await this.reply0('RSET');
            throw new SmtpError(`The message was refused: ${m.text}`, m.code);
          }
          const r = await this.reply0(`RCPT TO:<${to}>`);
          if (r.code >= 400) {
            await this.reply0('RSET');
            throw new SmtpError(`The message was refused: ${r.text}`, r.code);
          }
          await this.command('DATA', 3);
          const done = this.reply();
          this.socket.write(Buffer.concat([message, Buffer.from('\r\n.\r\n')]));
          const end = await done;
          if (end.code !== 250) throw new SmtpError(`The message was refused: ${end.text}`, end.code);
          return end;
        } finally {
          release();
        }
      }
      // Replies are taken in the order the commands were written: the envelope's three now.
      const previous = this.chain;
      let release!: () => void;
      this.chain = new Promise((r) => (release = r));
      await previous;
      if (this.closed) {
        release();
        throw this.closed;
      }
      const mailR = this.reply();
      const rcptR = this.reply();
      const dataR = this.reply();
      this.socket.write(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`);
      mailR.catch(() => {});
      rcptR.catch(() => {});
      let data: Reply;
      try {
        data = await dataR;
      } catch (e) {
        release();
        throw e;
      }
      const [m, r] = await Promise.all([mailR, rcptR]);
      if (data.code !== 354) {
        // The envelope was refused: the transaction is reset before the next mail's envelope.
        this.reply0('RSET').catch(() => {});
        release();
        const refused = m.code >= 400 ? m : r.code >= 400 ? r : data;
        throw new SmtpError(`The message was refused: ${refused.text}`, refused.code);
      }
      const done = this.reply();
      // A server that took DATA after refusing the envelope gets an empty message, which it refuses.
      this.socket.write(m.code >= 400 || r.code >= 400 ? '.\r\n' : Buffer.concat([message, Buffer.from('\r\n.\r\n')]));
      // The next mail's envelope may go now: its replies come after this one's.
      release();
      const end = await done;
      if (m.code >= 400 || r.code >= 400) {
        const refused = m.code >= 400 ? m : r;
        throw new SmtpError(`The message was refused: ${refused.text}`, refused.code);
      }
      if (end.code !== 250) throw new SmtpError(`The message was refused: ${end.text}`, end.code);
      return end;
    }
  }

  close() {
    if (this.closed) return;
    if (!this.socket) {
      this.closed = new Error('closed');
      return;
    }
    this.socket.end('QUIT\r\n');
    this.fail(new Error('closed'));
  }
}

/** Sends mails over `target.connections` kept-open connections, each to the least busy one. */
export class BulkSmtp {
  private connections: { c: Connection; ready: Promise<void> }[] = [];
  private dkim: DKIM | null;

  constructor(private target: SmtpTarget) {
    this.dkim = target.dkim ? new DKIM({ ...target.dkim, hashAlgo: 'sha256' }) : null;
  }

  /** Chosen synchronously, so mails started together spread over the connections and never open more than asked. */
  private pick(): { c: Connection; ready: Promise<void> } {
    this.connections = this.connections.filter((x) => x.c.usable);
    const idle = this.connections.find((x) => x.c.busy === 0);
    if (idle) return idle;
    if (this.connections.length < this.target.connections) {
      const c = new Connection(this.target);
      const ready = c.open();
      ready.catch(() => c.close());
      const entry = { c, ready };
      this.connections.push(entry);
      return entry;
    }
    return this.connections.reduce((a, b) => (b.c.busy < a.c.busy ? b : a));
  }

  private async sign(message: Buffer): Promise<Buffer> {
    if (!this.dkim) return message;
    const chunks: Buffer[] = [];
    for await (const c of this.dkim.sign(Readable.from([message]))) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** Sends one mail; resolves with its Message-ID once the server took it. */
  async send(mail: BulkMail): Promise<{ messageId: string }> {
    const { message, messageId } = buildMime(mail);
    const signed = await this.sign(message);
    const { c, ready } = this.pick();
    c.busy++;
    try {
      await ready;
      await c.send(addressOf(mail.from), addressOf(mail.to), signed);
    } finally {
      c.busy--;
    }
    return { messageId };
  }

  close() {
    for (const { c, ready } of this.connections) ready.then(() => c.close()).catch(() => {});
    this.connections = [];
  }
}

/** The instance's `SMTP_URL` as a target (`smtp://user:pass@host:port`, `smtps://` for implicit TLS). */
export function smtpTargetOfUrl(smtpUrl: string, connections: number): SmtpTarget {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:' || url.searchParams.get('secure') === 'true';
  return {
    host: url.hostname,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    pass: url.password ? decodeURIComponent(url.password) : undefined,
    connections,
    ...(url.searchParams.get('tls.rejectUnauthorized') === 'false' ? { tls: { rejectUnauthorized: false } } : {}),
  };
}
