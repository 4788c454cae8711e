import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';

/** What outreach needs of a contact to decide and personalise a mail: its address, names, zone, consent state and company. */
export interface ContactForMail {
  id: string;
  email: string | null;
  restricted: boolean;
  consentState: string;
  timeZone: string | null;
  postalCode: string | null;
  country: string | null;
  /** The contact's merge values: `contact.*` and `company.name`. */
  merge: {
    'contact.firstName': string | null;
    'contact.lastName': string | null;
    'contact.fullName': string | null;
    'contact.email': string | null;
    'contact.title': string | null;
    'company.name': string | null;
  };
}

type Row = {
  id: string;
  email: string | null;
  restricted: boolean;
  consent_state: string;
  time_zone: string | null;
  postal_code: string | null;
  country: string | null;
  first_name: string | null;
  last_name: string | null;
  title: string | null;
  company_name: string | null;
};

/**
 * CRM-1 for MAIL-2/MAIL-4: many contacts in ONE statement (a campaign's batch, or one mail), with
 * their company's name: the read outreach makes instead of joining the CRM's tables itself.
 * Contacts not found (deleted) are absent from the map. Runs in the caller's tenant transaction.
 */
export async function readMergeValuesBatch(tx: Tx, workspaceId: string, contactIds: string[]): Promise<Map<string, ContactForMail>> {
  const out = new Map<string, ContactForMail>();
  if (!contactIds.length) return out;
  const r = await tx.execute<Row>(sql`
    SELECT c.id, c.email, c.restricted, c.consent_state, c.time_zone, c.postal_code, c.country, c.first_name, c.last_name, c.title, co.name AS company_name
    FROM contacts c
    LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id
    WHERE c.workspace_id = ${workspaceId} AND c.id = ANY(${sql.param(contactIds)}::uuid[])`);
  for (const row of r.rows) {
    out.set(row.id, {
      id: row.id,
      email: row.email,
      restricted: row.restricted,
      consentState: row.consent_state,
      timeZone: row.time_zone,
      postalCode: row.postal_code,
      country: row.country,
      merge: {
        'contact.firstName': row.first_name,
        'contact.lastName': row.last_name,
        'contact.fullName': [row.first_name, row.last_name].filter(Boolean).join(' ') || null,
        'contact.email': row.email,
        'contact.title': row.title,
        'company.name': row.company_name,
      },
    });
  }
  return out;
}
