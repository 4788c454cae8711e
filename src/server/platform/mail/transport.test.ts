import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMailTransport, SMTP_MAX_CONNECTIONS, SMTP_MAX_CONNECTIONS_LIMIT, smtpTransportUrl } from './transport';

/** A mail server that counts the connections it was opened, how many are open, and the mails it took. */
class CountingSmtp {
  opened = 0;
  open = 0;
  peak = 0;
  mails = 0;
  port = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect: (_session, callback) => {
      this.opened++;
      this.open++;
      this.peak = Math.max(this.peak, this.open);
      callback();
    },
    onClose: () => {
      this.open--;
    },
    onData: (stream, _session, callback) => {
      stream.on('data', () => {});
      stream.on('end', () => {
        this.mails++;
        callback();
      });
    },
  });
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
  }
  reset() {
    this.opened = 0;
    this.peak = this.open;
    this.mails = 0;
  }
  stop = () => new Promise<void>((resolve) => this.server.close(() => resolve()));
}

const sink = new CountingSmtp();
beforeAll(() => sink.start());
afterAll(() => sink.stop());

const mail = (i: number) => ({ from: 'kestrel@instance.test', to: `person${i}@example.test`, subject: `Code ${i}`, text: `Your code is ${i}.` });
const waitClosed = () => vi.waitFor(() => expect(sink.open).toBe(0), { timeout: 10_000, interval: 20 });

describe('the instance SMTP transport', () => {
  it('AUTH-9 SMTP_URL is pooled by default: mails one after another share one connection, many at once use at most the bound, and shutdown closes them', async () => {
    sink.reset();
    const transport = createMailTransport({ SMTP_URL: `smtp://127.0.0.1:${sink.port}` });
    for (let i = 0; i < 4; i++) await transport.send(mail(i));
    expect(sink.mails).toBe(4);
    expect(sink.opened).toBe(1);

    await Promise.all(Array.from({ length: 30 }, (_, i) => transport.send(mail(100 + i))));
    expect(sink.mails).toBe(34);
    expect(sink.peak).toBeGreaterThan(1);
    expect(sink.peak).toBeLessThanOrEqual(SMTP_MAX_CONNECTIONS);
    expect(sink.open).toBeGreaterThan(0); // kept open for the next mail

    await transport.close();
    await waitClosed();
  });

  it('AUTH-9 ?pool=false keeps one connection per mail, closed after it', async () => {
    await waitClosed();
    sink.reset();
    const transport = createMailTransport({ SMTP_URL: `smtp://127.0.0.1:${sink.port}/?pool=false` });
    for (let i = 0; i < 3; i++) await transport.send(mail(i));
    expect(sink.mails).toBe(3);
    expect(sink.opened).toBe(3);
    await waitClosed();
    await transport.close();
  });

  it('AUTH-9 maxConnections in SMTP_URL is honoured, bounded; credentials and other options survive', () => {
    const q = (url: string) => Object.fromEntries(new URL(smtpTransportUrl(url)).searchParams);
    expect(q('smtp://relay.example:587')).toEqual({ pool: 'true', maxConnections: String(SMTP_MAX_CONNECTIONS) });
    expect(q('smtp://relay.example:587?maxConnections=2')).toEqual({ pool: 'true', maxConnections: '2' });
    expect(q('smtp://relay.example:587?pool=true&maxConnections=500')).toEqual({ pool: 'true', maxConnections: String(SMTP_MAX_CONNECTIONS_LIMIT) });
    expect(q('smtp://relay.example:587?maxConnections=zero')).toEqual({ pool: 'true', maxConnections: String(SMTP_MAX_CONNECTIONS) });
    expect(smtpTransportUrl('smtp://relay.example:587?pool=false')).toBe('smtp://relay.example:587?pool=false');
    const kept = new URL(smtpTransportUrl('smtps://user%40shop.test:p%40ss@relay.example:465?tls.rejectUnauthorized=false'));
    expect([decodeURIComponent(kept.username), decodeURIComponent(kept.password), kept.port, kept.searchParams.get('tls.rejectUnauthorized')]).toEqual(['user@shop.test', 'p@ss', '465', 'false']);
  });
});
