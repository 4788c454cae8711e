import { gmail, type gmail_v1 } from '@googleapis/gmail';
import { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import MailComposer from 'nodemailer/lib/mail-composer';
import { accessToken, expireAccessToken } from '../../integrations';
import { AppError } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import type { outreachSendingAccounts } from '../outreach.schema';
import { RetryableSendError, type AccountTransport } from './sending-accounts';

type AccountRow = typeof outreachSendingAccounts.$inferSelect;
type MailboxKind = 'gmail' | 'outlook';

const providerName: Record<MailboxKind, string> = { gmail: 'Gmail', outlook: 'Outlook' };
const MAX_ATTEMPTS = 4;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends stop with this until the member connects the mailbox again. */
export function reconnectError(kind: MailboxKind, fromAddress: string): AppError {
  return new AppError('sending_account_reconnect', 409, `The ${providerName[kind]} connection of ${fromAddress} was revoked or disconnected. Reconnect ${providerName[kind]} to send from it again.`, { kind, fromAddress });
}

/**
 * The message as RFC 822 bytes, built by nodemailer's composer: the Gmail and Graph APIs take
 * raw MIME, so `List-Unsubscribe`, `List-Unsubscribe-Post` and our Message-ID survive as written
 * (Graph's JSON form only allows custom headers that start with `x-`).
 */
async function rfc822(mail: Parameters<AccountTransport['send']>[0], domain: string): Promise<Buffer> {
  return new MailComposer({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined, headers: mail.headers, messageId: `<${mail.idempotencyKey}@${domain}>` }).compile().build();
}

/**
 * MAIL-1: a member's Gmail (Gmail API `users.messages.send`, Google's official client) or Outlook
 * (Graph `POST /me/sendMail`, Microsoft's official client) mailbox. Every send asks for a live
 * token first: a revoked or disconnected grant stops the send with `sending_account_reconnect`.
 * Only 429 is retried: the request was refused unprocessed, so sending it again cannot duplicate
 * (neither API takes an idempotency key; a 5xx may have sent, so it is reported, not repeated).
 */
export function mailboxTransport(services: Services, account: AccountRow & { kind: MailboxKind }): AccountTransport {
  const kind = account.kind;
  const userId = account.connectionUserId!;
  const domain = account.fromAddress.split('@')[1]!;
  const token = async () => {
    const t = await accessToken(services, account.workspaceId, userId, kind);
    if (!t) throw reconnectError(kind, account.fromAddress);
    return t;
  };
  /** A 401 on a token we thought live means access was withdrawn: refresh once; a refused refresh marks it "reconnect". */
  const withToken = async <T>(call: (t: string) => Promise<T>): Promise<T> => {
    try {
      return await call(await token());
    } catch (error) {
      if (statusOf(error) !== 401) throw error;
      await expireAccessToken(services, account.workspaceId, userId, kind);
      return call(await token());
    }
  };
  if (kind === 'gmail') {
    const api: gmail_v1.Gmail = gmail({ version: 'v1', rootUrl: services.config.GMAIL_API_ROOT_URL, retry: false, timeout: 20_000 });
    return {
      async send(mail) {
        const raw = (await rfc822(mail, domain)).toString('base64url');
        for (let attempt = 1; ; attempt++) {
          try {
            const res = await withToken((t) => api.users.messages.send({ userId: 'me', requestBody: { raw } }, { headers: { authorization: `Bearer ${t}` } }));
            return { messageId: res.data.id ?? null };
          } catch (error) {
            if (statusOf(error) === 429 && attempt < MAX_ATTEMPTS) {
              await pause(250 * 2 ** (attempt - 1));
              continue;
            }
            throw sendError(error, kind, account.fromAddress);
          }
        }
      },
    };
  }
  const graph = graphClient(services.config.MICROSOFT_GRAPH_URL, MAX_ATTEMPTS - 1);
  return {
    async send(mail) {
      const mime = (await rfc822(mail, domain)).toString('base64');
      try {
        // Graph's MIME form: the base64 message as a text/plain body; 202 Accepted, no id returned.
        await withToken((t) => graph.api('/me/sendMail').header('authorization', `Bearer ${t}`).header('content-type', 'text/plain').post(mime));
        return { messageId: `<${mail.idempotencyKey}@${domain}>` };
      } catch (error) {
        throw sendError(error, kind, account.fromAddress);
      }
    },
  };
}

function sendError(error: unknown, kind: MailboxKind, fromAddress: string): Error {
  if (error instanceof AppError) return error;
  const status = statusOf(error);
  if (status === 401 || status === 403) return reconnectError(kind, fromAddress);
  if (status === 429 || status >= 500 || status === 0) return new RetryableSendError(`${providerName[kind]} is unavailable (${status})`, status);
  return new Error(`${providerName[kind]} refused the message (${status}): ${messageOf(error)}`);
}


function statusOf(error: unknown): number {
  const e = error as { status?: unknown; statusCode?: unknown; code?: unknown; response?: { status?: unknown } };
  for (const v of [e.status, e.statusCode, e.response?.status, e.code]) if (typeof v === 'number') return v;
  return 0;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
}

/**
 * Microsoft's client with a middleware chain of its own parts: the token is put on each request
 * by us (the SDK's AuthenticationHandler strips it from any host but https Graph ones, and tests
 * speak to a local http fake), then its RetryHandler — honouring Retry-After — for 429 alone,
 * then its fetch.
 */
function graphClient(baseUrl: string, maxRetries: number): Client {
  const retryHandler = new RetryHandler(new RetryHandlerOptions(1, maxRetries, (_d, _a, _req, _opt, response) => response.status === 429));
  retryHandler.setNext(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: retryHandler, baseUrl: baseUrl.replace(/\/$/, ''), defaultVersion: 'v1.0' });
}
