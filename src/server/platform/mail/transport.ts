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

export function createMailTransport(config: Config): MailTransport {
  if (config.SMTP_URL) {
    const transporter = nodemailer.createTransport(config.SMTP_URL);
    return {
      name: 'smtp',
      async send(mail) {
        const info = await transporter.sendMail({ ...mail, html: mail.html ?? undefined, attachments: mail.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content, ...(a.encoding ? { encoding: a.encoding } : {}) })) });
        return { messageId: info.messageId ?? null };
      },
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
