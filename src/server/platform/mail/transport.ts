import nodemailer from 'nodemailer';
import { Resend } from 'resend';
import type { Config } from '../config';
import type { MailAttachment } from './mail.schema';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | null;
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

/** One interface per concern: how mail leaves Kestrel. */
export interface MailTransport {
  readonly name: 'smtp' | 'resend' | 'none';
  send(mail: OutgoingMail): Promise<{ messageId: string | null }>;
  close(): Promise<void>;
}

/** The instance's SMTP connections at most, unless `SMTP_URL` asks for fewer: enough for the outbox's workers, few enough for a relay's per-client limit. */
export const SMTP_MAX_CONNECTIONS = 5;
/** However many `SMTP_URL` asks for, never more than this (a relay refuses or throttles a client that opens dozens). */
export const SMTP_MAX_CONNECTIONS_LIMIT = 20;

/**
 * The instance's SMTP connection as nodemailer options: pooled by default (`pool=true`, at most
 * `SMTP_MAX_CONNECTIONS` connections kept open and reused), so sign-in codes and notifications do
 * not each open a connection and a TLS handshake; `?pool=false` in `SMTP_URL` keeps one connection
 * per mail, and `?maxConnections=N` is honoured up to `SMTP_MAX_CONNECTIONS_LIMIT`.
 */
export function smtpTransportUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const pool = url.searchParams.get('pool');
  if (pool === 'false' || pool === '0') return smtpUrl;
  url.searchParams.set('pool', 'true');
  const asked = Number(url.searchParams.get('maxConnections'));
  const max = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, SMTP_MAX_CONNECTIONS_LIMIT) : SMTP_MAX_CONNECTIONS;
  url.searchParams.set('maxConnections', String(max));
  return url.toString();
}

export function createMailTransport(config: Pick<Config, 'SMTP_URL' | 'RESEND_API_KEY' | 'RESEND_BASE_URL'>): MailTransport {
  if (config.SMTP_URL) {
    const transporter = nodemailer.createTransport(smtpTransportUrl(config.SMTP_URL));
    return {
      name: 'smtp',
      async send(mail) {
        const info = await transporter.sendMail({ ...mail, html: mail.html ?? undefined, attachments: mail.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, ...(a.encoding ? { encoding: a.encoding } : {}) })) });
        return { messageId: info.messageId ?? null };
      },
      /** Closes the pool's open connections (at shutdown); a mail still being sent finishes first. */
      async close() {
        transporter.close();
      },
    };
  }
  if (config.RESEND_API_KEY) {
    const resend = new Resend(config.RESEND_API_KEY, config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : {});
    return {
      name: 'resend',
      async send(mail) {
        const { data, error } = await resend.emails.send({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}), ...(mail.headers ? { headers: mail.headers } : {}), ...(mail.attachments?.length ? { attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content, a.encoding ?? 'utf8') })) } : {}) });
        if (error) throw new Error(`Resend refused the message: ${error.message}`);
        return { messageId: data?.id ?? null };
      },
      async close() {},
    };
  }
  return {
    name: 'none',
    async send() {
      return { messageId: null };
    },
    async close() {},
  };
}
