import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { Services } from '../../platform/services';
import { channelSettings } from './conversations.schema';
import { receiveEmail } from './receive-email';
import { parseInboundAddress } from './reply-address';

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** The workspace an inbound address belongs to, across workspaces (the address is the only key a sender has). */
export async function workspaceForAddress(services: Services, address: string): Promise<string | null> {
  // The workspace's address, or one of its per-conversation reply addresses (`<token>+c…`, reply-address.ts).
  const parsed = parseInboundAddress(services, address);
  if (!parsed) return null;
  const rows = await services.database.system.select({ workspaceId: channelSettings.workspaceId }).from(channelSettings).where(eq(channelSettings.inboundToken, parsed.token)).limit(2);
  // Never guess between two workspaces (the index is not unique, so that the table shards by workspace).
  return rows.length === 1 ? rows[0]!.workspaceId : null;
}

export interface InboundSmtp {
  port: number;
  close(): Promise<void>;
}

/**
 * CONV-6: the built-in SMTP receiver (`INBOUND_SMTP_PORT`, off unless set). Unknown recipients
 * are refused at RCPT, so nothing is accepted for an address no workspace owns; a message over
 * INBOUND_MAIL_MAX_BYTES is refused (552) after its size is known.
 */
export async function startInboundSmtp(services: Services, options: { port: number; host?: string }): Promise<InboundSmtp> {
  const targets = new WeakMap<SMTPServerSession, Set<string>>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'Kestrel inbound mail',
    size: services.config.INBOUND_MAIL_MAX_BYTES,
    // Connections at once; each is one sender's session.
    maxClients: 200,
    socketTimeout: 60_000,
    logger: false,
    onRcptTo(address, session, callback) {
      workspaceForAddress(services, address.address)
        .then((workspaceId) => {
          if (!workspaceId) return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
          const set = targets.get(session) ?? new Set<string>();
          if (set.size >= 20) return callback(smtpError(452, '4.5.3 Too many recipients'));
          set.add(workspaceId);
          targets.set(session, set);
          callback();
        })
        .catch(() => callback(smtpError(451, '4.3.0 Try again later')));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => callback(e));
      stream.on('end', () => {
        const workspaces = [...(targets.get(session) ?? [])];
        targets.delete(session);
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) return callback(smtpError(552, '5.3.4 Message too big'));
        const raw = Buffer.concat(chunks);
        Promise.all(workspaces.map((w) => receiveEmail(services, w, raw)))
          .then(() => callback())
          .catch((error) => {
            services.logger.warn({ err: (error as Error).message }, 'inbound email could not be stored');
            callback(smtpError(451, '4.3.0 Try again later'));
          });
      });
    },
  });
  server.on('error', (error) => services.logger.warn({ err: error.message }, 'inbound SMTP error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
