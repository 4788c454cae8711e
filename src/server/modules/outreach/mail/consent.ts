import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../../platform/db/tenant';
import { notFound } from '../../../platform/http/errors';
import { readContactMailFacts, setContactConsentState } from '../../crm';
import { outreachConsents, outreachSuppressions, type consentSources, type suppressionReasons } from '../outreach.schema';
import { addressHash } from './unsubscribe-token';
import { stopSequencesForAddress } from '../sequences/stop-enrolments';

export type ConsentSource = (typeof consentSources)[number];
export type SuppressionReason = (typeof suppressionReasons)[number];

export interface ConsentInput {
  contactId: string;
  state: 'granted' | 'withdrawn';
  source: ConsentSource;
  proof?: string | null;
}

/**
 * MAIL-4: records a grant or withdrawal of marketing consent with its source, time and proof,
 * and keeps the contact's consent state (what the CRM shows and filters on) in step.
 */
export async function recordConsentIn(tx: Tx, ctx: WorkspaceContext, input: ConsentInput): Promise<{ id: string; recordedAt: Date }> {
  if (!(await setContactConsentState(tx, ctx.workspaceId, input.contactId, input.state))) throw notFound('Contact');
  const [row] = await tx
    .insert(outreachConsents)
    .values({ workspaceId: ctx.workspaceId, contactId: input.contactId, state: input.state, source: input.source, proof: input.proof ?? null, recordedByUserId: ctx.userId })
    .returning({ id: outreachConsents.id, recordedAt: outreachConsents.recordedAt });
  return row!;
}

export const recordConsent = (db: Db, ctx: WorkspaceContext, input: ConsentInput) => withTenant(db, ctx, (tx) => recordConsentIn(tx, ctx, input)).then(() => contactMailStatus(db, ctx, input.contactId));

/** Puts an email address on the suppression list; the first reason stays (an unsubscribed address that later bounces is still unsubscribed). */
export async function suppressAddress(tx: Tx, workspaceId: string, hash: string, reason: SuppressionReason, source: string): Promise<boolean> {
  const rows = await tx.insert(outreachSuppressions).values({ workspaceId, addressHash: hash, reason, source }).onConflictDoNothing().returning({ reason: outreachSuppressions.reason });
  // MAIL-2, MAIL-4: whoever has this address gets no further step of any sequence.
  await stopSequencesForAddress(tx, workspaceId, hash, reason);
  return rows.length > 0;
}

export async function suppressionOf(tx: Tx, workspaceId: string, address: string) {
  const [row] = await tx
    .select({ reason: outreachSuppressions.reason, source: outreachSuppressions.source, createdAt: outreachSuppressions.createdAt })
    .from(outreachSuppressions)
    .where(and(eq(outreachSuppressions.workspaceId, workspaceId), eq(outreachSuppressions.kind, 'email'), eq(outreachSuppressions.addressHash, addressHash(address))));
  return row ?? null;
}

/** MAIL-4: whether a contact may get marketing mail, and why not: consent with its source and time, suppression, restriction. */
export async function contactMailStatus(db: Db, ctx: WorkspaceContext, contactId: string) {
  return withTenant(db, ctx, async (tx) => {
    const contact = await readContactMailFacts(tx, ctx.workspaceId, contactId);
    if (!contact) throw notFound('Contact');
    const consent = await latestConsent(tx, ctx.workspaceId, contactId);
    const suppression = contact.email ? await suppressionOf(tx, ctx.workspaceId, contact.email) : null;
    return {
      consentState: contact.consentState,
      consent: consent ? { ...consent, recordedAt: consent.recordedAt.toISOString() } : null,
      suppression: suppression ? { ...suppression, createdAt: suppression.createdAt.toISOString() } : null,
      restricted: contact.restricted,
      marketingAllowed: !!contact.email && contact.consentState === 'granted' && consent?.state === 'granted' && !suppression && !contact.restricted,
    };
  });
}

/** The contact's latest recorded consent: a grant counts only with its source and time on record. */
export async function latestConsent(tx: Tx, workspaceId: string, contactId: string) {
  const [consent] = await tx
    .select({ state: outreachConsents.state, source: outreachConsents.source, proof: outreachConsents.proof, recordedAt: outreachConsents.recordedAt })
    .from(outreachConsents)
    .where(and(eq(outreachConsents.workspaceId, workspaceId), eq(outreachConsents.contactId, contactId)))
    .orderBy(desc(outreachConsents.recordedAt), desc(outreachConsents.id))
    .limit(1);
  return consent ?? null;
}

/**
 * MAIL-4 for PRIV-3: when a person is erased their email addresses and phone numbers (E.164,
 * normalised by the caller) stay uncontactable. The privacy module calls this in its erasure
 * transaction; only the hashes are kept, and erasure wins over an earlier reason.
 */
export async function suppressErased(tx: Tx, workspaceId: string, values: { emails: string[]; phones: string[] }): Promise<void> {
  const rows = [
    ...values.emails.map((e) => ({ workspaceId, kind: 'email' as const, addressHash: addressHash(e), reason: 'erased' as const, source: 'erasure' })),
    ...values.phones.map((p) => ({ workspaceId, kind: 'phone' as const, addressHash: addressHash(p), reason: 'erased' as const, source: 'erasure' })),
  ];
  if (!rows.length) return;
  await tx
    .insert(outreachSuppressions)
    .values(rows)
    .onConflictDoUpdate({ target: [outreachSuppressions.workspaceId, outreachSuppressions.kind, outreachSuppressions.addressHash], set: { reason: 'erased', source: 'erasure' } });
}

/** MAIL-4 for PRIV-3: one erased email address stays unmailable (see `suppressErased`). */
export const suppressErasedAddress = (tx: Tx, workspaceId: string, address: string): Promise<void> => suppressErased(tx, workspaceId, { emails: [address], phones: [] });
