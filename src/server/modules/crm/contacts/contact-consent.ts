import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { contacts } from '../crm.schema';

/**
 * MAIL-4 (used by outreach): sets a contact's marketing consent state, what the CRM shows and
 * filters on, bumping its version as any edit does. Returns false when there is no such contact.
 */
export async function setContactConsentState(tx: Tx, workspaceId: string, contactId: string, state: 'granted' | 'withdrawn'): Promise<boolean> {
  const rows = await tx
    .update(contacts)
    .set({ consentState: state, version: sql`${contacts.version} + 1`, updatedAt: new Date() })
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)))
    .returning({ id: contacts.id });
  return rows.length > 0;
}

/** MAIL-4 (used by outreach): a contact's address, consent state and restriction (PRIV-5), or null when there is no such contact. */
export async function readContactMailFacts(tx: Tx, workspaceId: string, contactId: string) {
  const [row] = await tx
    .select({ email: contacts.email, consentState: contacts.consentState, restricted: contacts.restricted })
    .from(contacts)
    .where(and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)));
  return row ?? null;
}
