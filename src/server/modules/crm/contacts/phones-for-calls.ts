import type { Tx } from '../../../platform/db/database';
import type { WorkspaceContext } from '../../../platform/db/tenant';
import { toE164 } from '../normalise';
import { workspaceDefaults } from '../records';
import { assertRecordAccess } from '../visibility';
import { findContactRow } from './get-contact';

/** CALL-1, CALL-2: a phone number as typed, in E.164 with the workspace's country as the default region; null when not a valid number. */
export async function normalisePhone(tx: Tx, ctx: WorkspaceContext, input: string): Promise<string | null> {
  const { region } = await workspaceDefaults(tx, ctx);
  return toE164(input, region);
}

/**
 * CALL-1, CALL-2: what a call (or a "don't call me") needs of a contact, through the CRM's own
 * rules: the caller may write to the record (else 404 as if unseen, or 403), the row is locked when
 * asked, and its numbers are given main one first. Undefined when the contact is gone.
 */
export async function contactPhonesForCall(tx: Tx, ctx: WorkspaceContext, contactId: string, opts: { lock?: boolean } = {}): Promise<{ phone: string | null; phones: string[] } | undefined> {
  await assertRecordAccess(tx, ctx, 'contacts', contactId, 'write');
  const row = await findContactRow(tx, ctx, contactId, opts);
  return row ? { phone: row.phone ?? null, phones: row.phones ?? [] } : undefined;
}
