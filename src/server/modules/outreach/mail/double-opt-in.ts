import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { AppError, notFound } from '../../../platform/http/errors';
import type { Services } from '../../../platform/services';
import { logActivity } from '../../activities';
import { findContactByEmail, insertContact } from '../../crm';
import { workspaceNameOf, workspaceProfile } from '../../workspaces';
import { outreachOptIns, outreachSuppressions } from '../outreach.schema';
import { latestConsent, recordConsentIn, suppressionOf } from './consent';
import { sendOutreachMail } from './send-outreach-mail';
import { addressHash, readSignedLinkToken, signedLinkToken } from './unsubscribe-token';

/** A confirmation link works for a week. */
const LINK_DAYS = 7;
/** One confirmation mail per address per ten minutes, however often the form is posted. */
const RESEND_MINUTES = 10;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const systemCtx = (workspaceId: string, ip: string | null): WorkspaceContext => ({ workspaceId, userId: null, role: 'admin', actorLabel: 'Double opt-in', ip });

const contactByEmail = (tx: Tx, workspaceId: string, email: string) => findContactByEmail(tx, { workspaceId }, email);

export interface OptInRequest {
  email: string;
  firstName?: string | undefined;
  /** The page the form is on. */
  pageUrl?: string | undefined;
}

/**
 * MAIL-4: someone asks to subscribe. Their request is recorded (contact made when new), and a
 * confirmation mail with a signed link that expires goes to the address; nothing is granted until
 * that link is used. The answer never says whether the address was known, suppressed or already
 * subscribed; a suppressed (bounced, complained, erased) or already consenting address gets no mail.
 */
export async function requestOptIn(services: Services, workspaceId: string, input: OptInRequest, ip: string | null): Promise<void> {
  const email = input.email.trim().toLowerCase();
  const hash = addressHash(email);
  const ctx = systemCtx(workspaceId, ip);
  const pending = await withTenant(services.database.db, ctx, async (tx) => {
    const ws = await workspaceProfile(tx, workspaceId);
    if (!ws) throw notFound('Subscription form');
    const suppressed = await suppressionOf(tx, workspaceId, email);
    if (suppressed && suppressed.reason !== 'unsubscribed') return null;
    const [recent] = await tx
      .select({ id: outreachOptIns.id })
      .from(outreachOptIns)
      .where(and(eq(outreachOptIns.workspaceId, workspaceId), eq(outreachOptIns.addressHash, hash), isNull(outreachOptIns.confirmedAt), gt(outreachOptIns.requestedAt, new Date(Date.now() - RESEND_MINUTES * 60_000))))
      .limit(1);
    if (recent) return null;
    let contactId = await contactByEmail(tx, workspaceId, email);
    if (contactId && !suppressed && (await latestConsent(tx, workspaceId, contactId))?.state === 'granted') return null;
    contactId ??= await insertContact(tx, ctx, { firstName: input.firstName?.trim().slice(0, 100) || null, emails: [email], source: 'Subscription form' });
    const [row] = await tx
      .insert(outreachOptIns)
      .values({ workspaceId, contactId, addressHash: hash, source: input.pageUrl?.slice(0, 500) || 'api', requestedIp: ip, expiresAt: new Date(Date.now() + LINK_DAYS * 86_400_000) })
      .returning({ id: outreachOptIns.id });
    return { id: row!.id, contactId, workspaceName: ws.name };
  });
  if (!pending) return;
  const link = `${services.config.publicUrl}/opt-in/${signedLinkToken(services.secrets.sessionSecret, 'opt-in', workspaceId, pending.id)}`;
  const name = escapeHtml(pending.workspaceName);
  // Transactional: it asks for consent rather than presuming it, and only goes where it was asked for.
  await sendOutreachMail(services, ctx, {
    contactId: pending.contactId,
    stream: 'transactional',
    subject: `Confirm your subscription to ${pending.workspaceName}`,
    html: `<p>Someone (we hope you) asked to receive email from ${name} at this address.</p><p><a href="${link}">Yes, subscribe me</a></p><p>If it was not you, ignore this mail: nothing will be sent. The link works for ${LINK_DAYS} days.</p>`,
    text: `Someone (we hope you) asked to receive email from ${pending.workspaceName} at this address.\n\nYes, subscribe me: ${link}\n\nIf it was not you, ignore this mail: nothing will be sent. The link works for ${LINK_DAYS} days.`,
    idempotencyKey: `opt-in:${pending.id}`,
  });
}

export interface OptInState {
  workspaceName: string;
  confirmed: boolean;
  expired: boolean;
}

async function readOptIn(services: Services, token: string) {
  const ref = readSignedLinkToken(services.secrets.sessionSecret, 'opt-in', token, 'Confirmation link');
  return { ref, load: async (tx: Tx) => {
    const [row] = await tx
      .select({ optIn: outreachOptIns, workspaceName: workspaceNameOf(outreachOptIns.workspaceId) })
      .from(outreachOptIns)
      .where(and(eq(outreachOptIns.workspaceId, ref.workspaceId), eq(outreachOptIns.id, ref.id)));
    if (!row) throw notFound('Confirmation link');
    return row;
  } };
}

/** What the confirmation page shows before the person confirms: opening the link changes nothing (scanners open links). */
export async function optInPage(services: Services, token: string): Promise<OptInState> {
  const { ref, load } = await readOptIn(services, token);
  return withTenant(services.database.db, { workspaceId: ref.workspaceId, userId: null }, async (tx) => {
    const { optIn, workspaceName } = await load(tx);
    return { workspaceName, confirmed: optIn.confirmedAt !== null, expired: optIn.confirmedAt === null && optIn.expiresAt < new Date() };
  });
}

/**
 * MAIL-4: the person confirms. Consent is recorded with source `double_opt_in` and its proof: where
 * and when it was asked for and from which IP, when and from which IP it was confirmed. An earlier
 * unsubscribe is lifted (they asked again, and proved the address is theirs); a bounce or
 * complaint is not. Confirming twice changes nothing; an expired link is refused (410).
 */
export async function confirmOptIn(services: Services, token: string, ip: string | null): Promise<OptInState> {
  const { ref, load } = await readOptIn(services, token);
  const ctx = systemCtx(ref.workspaceId, ip);
  return withTenant(services.database.db, ctx, async (tx) => {
    const { optIn, workspaceName } = await load(tx);
    if (optIn.confirmedAt) return { workspaceName, confirmed: true, expired: false };
    if (optIn.expiresAt < new Date()) throw new AppError('opt_in_expired', 410, 'This confirmation link has expired. Subscribe again to get a new one.');
    const now = new Date();
    await tx.update(outreachOptIns).set({ confirmedAt: now, confirmedIp: ip }).where(and(eq(outreachOptIns.workspaceId, ref.workspaceId), eq(outreachOptIns.id, optIn.id)));
    await tx.delete(outreachSuppressions).where(and(eq(outreachSuppressions.workspaceId, ref.workspaceId), eq(outreachSuppressions.kind, 'email'), eq(outreachSuppressions.addressHash, optIn.addressHash), eq(outreachSuppressions.reason, 'unsubscribed')));
    const proof = `Asked on ${optIn.source} at ${optIn.requestedAt.toISOString()} from ${optIn.requestedIp ?? 'unknown IP'}; confirmed by the emailed link at ${now.toISOString()} from ${ip ?? 'unknown IP'} (opt-in ${optIn.id}).`;
    await recordConsentIn(tx, ctx, { contactId: optIn.contactId, state: 'granted', source: 'double_opt_in', proof });
    await logActivity(tx, ctx, { kind: 'note', subject: 'Subscribed to marketing email (double opt-in)', body: `<p>${escapeHtml(proof)}</p>`, links: [{ recordType: 'contacts', recordId: optIn.contactId }] });
    return { workspaceName, confirmed: true, expired: false };
  });
}
