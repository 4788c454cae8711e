import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { hmac, safeEqual } from '../../../platform/crypto/tokens';
import { notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { logActivity } from '../../activities';
import { outreachDeliveryEvents, outreachMessages, outreachSettings } from '../outreach.schema';

/**
 * MAIL-3: Kestrel's own open and click tracking, when a workspace turns it on. A marketing mail
 * gets a 1×1 pixel and its links rewritten to signed redirects. Each link is signed (HMAC-SHA256,
 * with a key id so the key can be rotated) over the workspace, the message and the exact URL: the
 * redirect goes to the URL that was signed and nowhere else, so it is no open redirect. Opens are an
 * estimate (Apple Mail's privacy protection and scanners fetch every pixel); nothing tries to tell
 * bots apart beyond saying so. Each (message, opened) and (message, clicked, URL) is recorded once.
 */

/** Key ids and how each key is derived from the server's secret; the newest signs, every listed one verifies. */
const KEYS: Record<string, string> = { k1: 'outreach-tracking:k1' };
const CURRENT_KEY = 'k1';
const keyFor = (secret: string, kid: string) => hmac(secret, KEYS[kid]!);

const pack = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
const unpack = (s: string) => {
  if (!/^[\w-]{22}$/.test(s)) return null;
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return hex.length === 32 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : null;
};
const signature = (secret: string, kid: string, what: string) => hmac(keyFor(secret, kid), what).slice(0, 27);

function trackToken(secret: string, kind: 'open' | 'click', workspaceId: string, messageId: string, url = ''): string {
  const ws = pack(workspaceId);
  const msg = pack(messageId);
  return `${CURRENT_KEY}.${ws}.${msg}.${signature(secret, CURRENT_KEY, `${kind}:${workspaceId}:${messageId}:${url}`)}`;
}

/** The workspace and message a tracking token names, or 404 when it was not signed by us for exactly this (kind, URL). */
export function readTrackToken(secret: string, kind: 'open' | 'click', token: string, url = ''): { workspaceId: string; messageId: string } {
  const [kid, ws, msg, sig, ...rest] = token.split('.');
  const workspaceId = ws ? unpack(ws) : null;
  const messageId = msg ? unpack(msg) : null;
  if (rest.length || !kid || !(kid in KEYS) || !workspaceId || !messageId || !sig || !safeEqual(sig, signature(secret, kid, `${kind}:${workspaceId}:${messageId}:${url}`))) throw notFound('Link');
  return { workspaceId, messageId };
}

const trackBase = (services: Services) => `${services.config.publicUrl}/api/public/outreach/t`;
export const openPixelUrl = (services: Services, workspaceId: string, messageId: string) => `${trackBase(services)}/o/${trackToken(services.secrets.sessionSecret, 'open', workspaceId, messageId)}`;
export const clickUrl = (services: Services, workspaceId: string, messageId: string, url: string) =>
  `${trackBase(services)}/c/${trackToken(services.secrets.sessionSecret, 'click', workspaceId, messageId, url)}?u=${encodeURIComponent(url)}`;

const unescapeAttr = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Rewrites the http(s) links of a mail's body to signed redirects and adds the open pixel. Call it
 * before the footer is added: the footer's unsubscribe link, and List-Unsubscribe (a header), stay
 * as they are. A link to Kestrel's own unsubscribe page is never rewritten either.
 */
export function withTracking(services: Services, workspaceId: string, messageId: string, html: string): string {
  const rewritten = html.replace(/(<a\b[^>]*?\bhref\s*=\s*)(["'])(.*?)\2/gi, (whole, before: string, quote: string, raw: string) => {
    const url = unescapeAttr(raw.trim());
    if (!/^https?:\/\//i.test(url) || url.length > 2000 || /\/unsubscribe\//.test(url)) return whole;
    return `${before}${quote}${escapeAttr(clickUrl(services, workspaceId, messageId, url))}${quote}`;
  });
  return `${rewritten}<img src="${escapeAttr(openPixelUrl(services, workspaceId, messageId))}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">`;
}

export async function trackingEnabled(tx: Tx, workspaceId: string): Promise<boolean> {
  const [row] = await tx.select({ on: outreachSettings.trackEngagement }).from(outreachSettings).where(eq(outreachSettings.workspaceId, workspaceId));
  return row?.on ?? false;
}

export async function getOutreachSettings(db: Db, ctx: WorkspaceContext) {
  return withTenant(db, ctx, async (tx) => ({ trackEngagement: await trackingEnabled(tx, ctx.workspaceId) }));
}

export async function updateOutreachSettings(db: Db, ctx: WorkspaceContext, input: { trackEngagement: boolean }) {
  return withTenant(db, ctx, async (tx) => {
    await tx
      .insert(outreachSettings)
      .values({ workspaceId: ctx.workspaceId, trackEngagement: input.trackEngagement })
      .onConflictDoUpdate({ target: outreachSettings.workspaceId, set: { trackEngagement: input.trackEngagement, updatedAt: new Date() } });
    return { trackEngagement: input.trackEngagement };
  });
}

/**
 * MAIL-3: an open or a click on a signed link. Recorded once per (message, opened) and per
 * (message, clicked, URL) — later ones change nothing — and put on the contact's timeline
 * (an open as an estimate). A message that is gone (erased) records nothing; the redirect still works.
 */
export async function recordEngagement(services: Services, ids: { workspaceId: string; messageId: string }, kind: 'opened' | 'clicked', url?: string): Promise<void> {
  const ctx: WorkspaceContext = { workspaceId: ids.workspaceId, userId: null, role: 'admin', actorLabel: 'Email tracking' };
  const key = kind === 'opened' ? `own:opened:${ids.messageId}` : `own:clicked:${ids.messageId}:${createHash('sha256').update(url ?? '').digest('hex').slice(0, 32)}`;
  await withTenant(services.database.db, ctx, async (tx) => {
    const [message] = await tx
      .select({ id: outreachMessages.id, contactId: outreachMessages.contactId, subject: outreachMessages.subject })
      .from(outreachMessages)
      .where(and(eq(outreachMessages.workspaceId, ids.workspaceId), eq(outreachMessages.id, ids.messageId)));
    if (!message) return;
    const inserted = await tx
      .insert(outreachDeliveryEvents)
      .values({ workspaceId: ids.workspaceId, webhookId: key, messageId: message.id, kind, occurredAt: new Date() })
      .onConflictDoNothing()
      .returning({ webhookId: outreachDeliveryEvents.webhookId });
    if (!inserted.length || !message.contactId) return;
    const subject = message.subject.replace(/[<>&"]/g, '');
    const host = url ? new URL(url).host.replace(/[<>&"]/g, '') : '';
    await logActivity(tx, ctx, {
      kind: 'note',
      subject: kind === 'opened' ? 'Email opened (estimate)' : 'Email link clicked',
      body:
        kind === 'opened'
          ? `<p>"${subject}" was opened — an estimate: some mail apps (Apple Mail's privacy protection) and scanners load every image.</p>`
          : `<p>A link in "${subject}" was clicked (${host}).</p>`,
      links: [{ recordType: 'contacts', recordId: message.contactId }],
    });
  });
}

/** A transparent 1×1 GIF. */
export const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
