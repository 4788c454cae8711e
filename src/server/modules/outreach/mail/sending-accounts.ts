import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import nodemailer from 'nodemailer';
import { BulkSmtp } from '../../../platform/mail/bulk-smtp';
import { Resend } from 'resend';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, conflict, notFound } from '../../../platform/http/errors';
import type { OutgoingMail } from '../../../platform/mail/transport';
import type { Services } from '../../../platform/services';
import { outreachSendingAccounts } from '../outreach.schema';
import type { SendingAccountBody, sendingAccountPatch } from '../outreach.contract';
import type { z } from 'zod';
import { memberProfile } from '../../accounts';

type SendingAccountPatch = z.infer<typeof sendingAccountPatch>;
import { connectionStates } from '../../integrations';
import { mailboxTransport } from './mailbox-transports';

export type AccountRow = typeof outreachSendingAccounts.$inferSelect;

export const aad = (workspaceId: string, what: 'secret' | 'dkim' | 'webhook') => `outreach-account:${workspaceId}:${what}`;

/** Gmail/Outlook: whether the member's connection is live (`reconnect` when revoked or disconnected). */
type ConnectionState = 'connected' | 'reconnect' | null;

const providerNames = { smtp: 'SMTP', resend: 'Resend', gmail: 'Gmail', outlook: 'Outlook' } as const;

/** SEC-2: what the browser may see of a secret: that a password is set, the last four of an API key. */
function secretHint(services: Services, a: AccountRow): string | null {
  if (!a.secretSealed) return null;
  if (a.kind !== 'resend') return 'set';
  try {
    return `…${services.secrets.box.open(a.secretSealed, aad(a.workspaceId, 'secret')).slice(-4)}`;
  } catch {
    return 'set';
  }
}

export function presentAccount(services: Services, a: AccountRow, connection: ConnectionState = null) {
  const publicUrl = services.config.publicUrl;
  return {
    id: a.id,
    kind: a.kind,
    stream: a.stream,
    connection,
    fromName: a.fromName,
    fromAddress: a.fromAddress,
    domain: a.fromAddress.split('@')[1] ?? '',
    smtpHost: a.smtpHost,
    smtpPort: a.smtpPort,
    smtpSecure: a.smtpSecure,
    smtpUser: a.smtpUser,
    hasSecret: a.secretSealed !== null,
    dkimSelector: a.dkimSelector,
    dkimSigned: a.dkimKeySealed !== null && a.dkimSelector !== null,
    webhookUrl: a.kind === 'resend' ? `${publicUrl}/api/public/outreach/webhooks/resend/${a.workspaceId}/${a.id}` : null,
    perMinute: a.perMinute,
    dailyCap: a.dailyCap,
    secretHint: secretHint(services, a),
    webhookSecretSet: a.webhookSecretSealed !== null,
    defaultFor: [...(a.defaultMarketing ? (['marketing'] as const) : []), ...(a.defaultTransactional ? (['transactional'] as const) : [])],
    problem: connection === 'reconnect' ? `The ${providerNames[a.kind]} connection of ${a.fromAddress} was revoked or disconnected: nothing is sent from it until you reconnect ${providerNames[a.kind]}.` : null,
    createdAt: a.createdAt.toISOString(),
  };
}

const isMailbox = (kind: AccountRow['kind']): kind is 'gmail' | 'outlook' => kind === 'gmail' || kind === 'outlook';

async function mailboxStates(tx: Tx, workspaceId: string, rows: AccountRow[]): Promise<Map<string, ConnectionState>> {
  const out = new Map<string, ConnectionState>();
  for (const kind of ['gmail', 'outlook'] as const) {
    if (!rows.some((r) => r.kind === kind)) continue;
    const states = await connectionStates(tx, workspaceId, kind);
    for (const r of rows) if (r.kind === kind) out.set(r.id, states.get(r.connectionUserId!) === 'connected' ? 'connected' : 'reconnect');
  }
  return out;
}

/**
 * MAIL-1: connects an SMTP server or a Resend key (secrets sealed before they reach the database,
 * SEC-2), or the signed-in member's Gmail/Outlook mailbox they connected under integrations.
 */
export async function createSendingAccount(services: Services, ctx: WorkspaceContext, input: SendingAccountBody) {
  const box = services.secrets.box;
  return withTenant(services.database.db, ctx, async (tx) => {
    if (isMailbox(input.kind) && (await connectionStates(tx, ctx.workspaceId, input.kind)).get(ctx.userId!) !== 'connected') {
      const name = input.kind === 'gmail' ? 'Gmail' : 'Outlook';
      throw conflict('mailbox_not_connected', `Connect your ${name} account first (send-only permission), then add it as a sending account.`, { provider: input.kind });
    }
    const [row] = await tx
      .insert(outreachSendingAccounts)
      .values({
        workspaceId: ctx.workspaceId,
        kind: input.kind,
        stream: input.stream ?? 'both',
        fromName: input.fromName,
        fromAddress: input.fromAddress.toLowerCase(),
        smtpHost: input.kind === 'smtp' ? input.smtpHost : null,
        smtpPort: input.kind === 'smtp' ? input.smtpPort : null,
        smtpSecure: input.kind === 'smtp' ? (input.smtpSecure ?? false) : false,
        smtpUser: input.kind === 'smtp' ? (input.smtpUser ?? null) : null,
        secretSealed: 'secret' in input && input.secret ? box.seal(input.secret, aad(ctx.workspaceId, 'secret')) : null,
        dkimSelector: input.kind === 'smtp' ? (input.dkimSelector ?? null) : null,
        dkimKeySealed: input.kind === 'smtp' && input.dkimPrivateKey ? box.seal(input.dkimPrivateKey, aad(ctx.workspaceId, 'dkim')) : null,
        webhookSecretSealed: input.kind === 'resend' && input.webhookSecret ? box.seal(input.webhookSecret, aad(ctx.workspaceId, 'webhook')) : null,
        connectionUserId: isMailbox(input.kind) ? ctx.userId : null,
        perMinute: input.perMinute ?? 60,
        dailyCap: input.dailyCap ?? 2000,
      })
      .returning();
    return presentAccount(services, row!, isMailbox(input.kind) ? 'connected' : null);
  });
}

export async function listSendingAccounts(services: Services, ctx: WorkspaceContext) {
  return withTenant(services.database.db, ctx, async (tx) => {
    const rows = await tx.select().from(outreachSendingAccounts).where(eq(outreachSendingAccounts.workspaceId, ctx.workspaceId)).orderBy(asc(outreachSendingAccounts.createdAt));
    const states = await mailboxStates(tx, ctx.workspaceId, rows);
    return rows.map((r) => presentAccount(services, r, states.get(r.id) ?? null));
  });
}

export async function getSendingAccountRow(tx: Tx, workspaceId: string, id: string): Promise<AccountRow> {
  const [row] = await tx.select().from(outreachSendingAccounts).where(and(eq(outreachSendingAccounts.workspaceId, workspaceId), eq(outreachSendingAccounts.id, id)));
  if (!row) throw notFound('Sending account');
  return row;
}

/** The workspace's account for a stream (the one chosen as its default, else the oldest that serves it), or null: then the instance's own transport sends. */
export async function accountForStream(tx: Tx, workspaceId: string, stream: 'marketing' | 'transactional', exceptId?: string): Promise<AccountRow | null> {
  const chosen = stream === 'marketing' ? outreachSendingAccounts.defaultMarketing : outreachSendingAccounts.defaultTransactional;
  const [row] = await tx
    .select()
    .from(outreachSendingAccounts)
    .where(and(eq(outreachSendingAccounts.workspaceId, workspaceId), inArray(outreachSendingAccounts.stream, [stream, 'both']), exceptId ? ne(outreachSendingAccounts.id, exceptId) : undefined))
    .orderBy(desc(chosen), asc(outreachSendingAccounts.createdAt))
    .limit(1);
  return row ?? null;
}

/**
 * MAIL-1: changes how an account is used: the streams it serves, its sender name, its limits;
 * `defaultFor` makes it the one a stream leaves through (the previous default of that stream
 * gives way, and the account is made to serve that stream if it did not).
 */
export async function updateSendingAccount(services: Services, ctx: WorkspaceContext, id: string, input: SendingAccountPatch) {
  return withTenant(services.database.db, ctx, async (tx) => {
    const current = await getSendingAccountRow(tx, ctx.workspaceId, id);
    let stream = input.stream ?? current.stream;
    const set: Partial<typeof outreachSendingAccounts.$inferInsert> = { updatedAt: new Date() };
    if (input.fromName !== undefined) set.fromName = input.fromName;
    if (input.perMinute !== undefined) set.perMinute = input.perMinute;
    if (input.dailyCap !== undefined) set.dailyCap = input.dailyCap;
    if (input.defaultFor) {
      const column = input.defaultFor === 'marketing' ? 'defaultMarketing' : 'defaultTransactional';
      await tx.update(outreachSendingAccounts).set({ [column]: false }).where(and(eq(outreachSendingAccounts.workspaceId, ctx.workspaceId), eq(outreachSendingAccounts[column], true)));
      set[column] = true;
      if (stream !== 'both' && stream !== input.defaultFor) stream = 'both';
    }
    // An account that no longer serves a stream is no longer its default.
    if (stream === 'marketing') set.defaultTransactional = false;
    if (stream === 'transactional') set.defaultMarketing = false;
    set.stream = stream;
    const [row] = await tx.update(outreachSendingAccounts).set(set).where(and(eq(outreachSendingAccounts.workspaceId, ctx.workspaceId), eq(outreachSendingAccounts.id, id))).returning();
    const states = await mailboxStates(tx, ctx.workspaceId, [row!]);
    return presentAccount(services, row!, states.get(row!.id) ?? null);
  });
}

/**
 * MAIL-1: "Send a test": a short mail through the account's own transport to the signed-in member
 * (or the address given), so a wrong host, password or key shows now, in words, not mid-campaign.
 */
export async function sendTestMail(services: Services, ctx: WorkspaceContext, id: string, to: string | undefined) {
  const { account, recipient } = await withTenant(services.database.db, ctx, async (tx) => {
    const account = await getSendingAccountRow(tx, ctx.workspaceId, id);
    const me = await memberProfile(tx, ctx.userId);
    return { account, recipient: to ?? me?.email ?? null };
  });
  if (!recipient) throw conflict('no_recipient', 'Give an address to send the test to.');
  const subject = `Test from ${account.fromName} through Kestrel`;
  const text = `This is a test of the sending account ${account.fromAddress} (${providerNames[account.kind]}). If you can read it, the account works.`;
  try {
    const { messageId } = await transportForAccount(services, account).send({ from: `"${account.fromName}" <${account.fromAddress}>`, to: recipient, subject, text, html: `<p>${text}</p>`, idempotencyKey: uuidv7() });
    return { sentTo: recipient, messageId };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError('mail_send_failed', 502, `The test could not be sent: ${message.slice(0, 300)}`);
  }
}

export interface AccountTransport {
  send(mail: OutgoingMail & { idempotencyKey: string }): Promise<{ messageId: string | null }>;
  /** Closes a pooled transport's connections. */
  close?(): void;
}

/** MAIL-1: SMTP connections a campaign run keeps open to the account's server (and so its mails in flight). */
export const CAMPAIGN_CONNECTIONS = 8;
/**
 * MAIL-2: mails a campaign run has sent and not yet marked, at most, through the pipelined SMTP
 * sender: the marks go in groups this large (one transaction each, so PostgreSQL's work per mail
 * falls), and a kill -9 re-sends at most this many, under their own Message-IDs.
 */
export const CAMPAIGN_WINDOW = 32;

/** A provider answered "try later" (429) or failed on its side (5xx): the same message may be sent again safely. */
export class RetryableSendError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

const MAX_ATTEMPTS = 4;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * MAIL-1, MAIL-2: a campaign run's sender for an SMTP account: the lean pipelined sender
 * (platform/mail/bulk-smtp.ts), `CAMPAIGN_CONNECTIONS` connections at most (never more than the
 * account's per-minute rate), DKIM-signed when a key is set, our own Message-ID as the headers carry it.
 * Other kinds (Resend, mailboxes) send through `transportForAccount`.
 */
export function bulkSmtpForAccount(services: Services, account: AccountRow): BulkSmtp | null {
  if (account.kind !== 'smtp' || !account.smtpHost || !account.smtpPort) return null;
  const secret = account.secretSealed ? services.secrets.box.open(account.secretSealed, aad(account.workspaceId, 'secret')) : undefined;
  const dkimKey = account.dkimKeySealed ? services.secrets.box.open(account.dkimKeySealed, aad(account.workspaceId, 'dkim')) : null;
  return new BulkSmtp({
    host: account.smtpHost,
    port: account.smtpPort,
    secure: account.smtpSecure,
    user: account.smtpUser ?? undefined,
    pass: account.smtpUser ? (secret ?? '') : undefined,
    connections: Math.max(1, Math.min(CAMPAIGN_CONNECTIONS, account.perMinute)),
    dkim: dkimKey && account.dkimSelector ? { domainName: account.fromAddress.split('@')[1]!, keySelector: account.dkimSelector, privateKey: dkimKey } : undefined,
  });
}

/** Resend's batch endpoint takes at most this many mails a call. */
export const RESEND_BATCH_MAX = 100;

/**
 * MAIL-1, MAIL-2: a campaign's mails on a Resend account through Resend's batch endpoint
 * (`resend.batch.send`, POST /emails/batch): the mails handed to `send` while the campaign's window
 * fills (the same turn of the event loop) leave in one call of up to {@link RESEND_BATCH_MAX}. The
 * call's idempotency key names its mails (a hash of their Message-IDs), so a retry after a 429 or
 * 5xx sends nothing twice; strict validation, so one refused mail fails the call and each of its
 * mails is retried or marked failed as a single send's would be.
 */
export function resendBatchSender(services: Services, account: AccountRow): { send(mail: OutgoingMail & { idempotencyKey: string }): Promise<{ messageId: string | null }>; close(): void } {
  const secret = account.secretSealed ? services.secrets.box.open(account.secretSealed, aad(account.workspaceId, 'secret')) : undefined;
  const resend = new Resend(secret, services.config.RESEND_BASE_URL ? { baseUrl: services.config.RESEND_BASE_URL } : {});
  type Waiting = { mail: OutgoingMail & { idempotencyKey: string }; resolve(r: { messageId: string | null }): void; reject(e: unknown): void };
  let waiting: Waiting[] = [];
  let scheduled = false;
  const flush = async (group: Waiting[]) => {
    const key = `campaign-batch:${createHash('sha256').update(group.map((w) => w.mail.idempotencyKey).join(',')).digest('hex')}`;
    for (let attempt = 1; ; attempt++) {
      const { data, error } = await resend.batch.send(
        group.map(({ mail }) => ({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}), ...(mail.headers ? { headers: mail.headers } : {}) })),
        { idempotencyKey: key },
      );
      if (!error) {
        group.forEach((w, i) => w.resolve({ messageId: data?.data[i]?.id ?? null }));
        return;
      }
      const status = (error as { statusCode?: number | null }).statusCode ?? 0;
      const retryable = status === 429 || status >= 500 || status === 0;
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        const failure = retryable ? new RetryableSendError(`Resend is unavailable (${status}): ${error.message}`, status) : new Error(`Resend refused the batch: ${error.message}`);
        for (const w of group) w.reject(failure);
        return;
      }
      await pause(250 * 2 ** (attempt - 1));
    }
  };
  return {
    send(mail) {
      return new Promise((resolve, reject) => {
        waiting.push({ mail, resolve, reject });
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          const all = waiting;
          waiting = [];
          for (let i = 0; i < all.length; i += RESEND_BATCH_MAX) {
            const group = all.slice(i, i + RESEND_BATCH_MAX);
            flush(group).catch((e: unknown) => group.forEach((w) => w.reject(e)));
          }
        });
      });
    },
    close() {},
  };
}

/**
 * MAIL-1: the account's own transport: nodemailer (DKIM-signed when a key is set), the Resend SDK,
 * or the member's Gmail/Outlook mailbox. `pooled`: one SMTP connection pool kept open for many sends
 * (a campaign run, closed with `close()`); otherwise each send opens and closes its connection.
 */
export function transportForAccount(services: Services, account: AccountRow, options: { pooled?: boolean } = {}): AccountTransport {
  if (isMailbox(account.kind)) return mailboxTransport(services, { ...account, kind: account.kind });
  const secret = account.secretSealed ? services.secrets.box.open(account.secretSealed, aad(account.workspaceId, 'secret')) : undefined;
  if (account.kind === 'resend') {
    const resend = new Resend(secret, services.config.RESEND_BASE_URL ? { baseUrl: services.config.RESEND_BASE_URL } : {});
    return {
      async send(mail) {
        // 429 and 5xx are retried with back-off; the idempotency key makes Resend send it once whatever happens.
        for (let attempt = 1; ; attempt++) {
          const { data, error } = await resend.emails.send(
            { from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}), ...(mail.headers ? { headers: mail.headers } : {}) },
            { idempotencyKey: mail.idempotencyKey },
          );
          if (!error) return { messageId: data?.id ?? null };
          const status = (error as { statusCode?: number | null }).statusCode ?? 0;
          const retryable = status === 429 || status >= 500 || status === 0;
          if (!retryable) throw new Error(`Resend refused the message: ${error.message}`);
          if (attempt >= MAX_ATTEMPTS) throw new RetryableSendError(`Resend is unavailable (${status}): ${error.message}`, status);
          await pause(250 * 2 ** (attempt - 1));
        }
      },
    };
  }
  const domainName = account.fromAddress.split('@')[1]!;
  const dkimKey = account.dkimKeySealed ? services.secrets.box.open(account.dkimKeySealed, aad(account.workspaceId, 'dkim')) : null;
  const transporter = nodemailer.createTransport({
    ...(options.pooled ? { pool: true, maxConnections: CAMPAIGN_CONNECTIONS } : {}),
    host: account.smtpHost!,
    port: account.smtpPort!,
    secure: account.smtpSecure,
    ...(account.smtpUser ? { auth: { user: account.smtpUser, pass: secret ?? '' } } : {}),
    ...(dkimKey && account.dkimSelector ? { dkim: { domainName, keySelector: account.dkimSelector, privateKey: dkimKey } } : {}),
  });
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined, headers: mail.headers, messageId: `<${mail.idempotencyKey}@${domainName}>` });
        return { messageId: info.messageId ?? null };
      } finally {
        if (!options.pooled) transporter.close();
      }
    },
    close: () => transporter.close(),
  };
}
