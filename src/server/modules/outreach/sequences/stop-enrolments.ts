import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant } from '../../../platform/db/tenant';
import type { Services } from '../../../platform/services';
import { outreachSequenceEnrolments as enrolments } from './sequences.schema';

/** The same hash as `addressHash` (sha256 of the trimmed, lower-cased address), in SQL. */
export const emailHashSql = (email: unknown) => sql`encode(sha256(convert_to(lower(trim(${email}::text)), 'UTF8')), 'hex')`;

type EndState = 'replied' | 'unsubscribed' | 'bounced' | 'stopped';

/** The end state for a reason a send was blocked or an address suppressed. */
export const endStateFor = (reason: string): EndState => (reason === 'unsubscribed' ? 'unsubscribed' : reason === 'bounced' ? 'bounced' : 'stopped');

const end = (state: EndState, reason: string) => sql`state = ${state}, stop_reason = ${reason}, next_send_at = NULL, claimed_at = NULL, ended_at = now()`;

/**
 * MAIL-2: a reply from a contact ends every sequence they are in, at once. Called by the
 * conversations' inbound email (not for automatic replies); the sender is matched to contacts by
 * their address. Returns how many enrolments ended.
 */
export async function stopSequencesOnReply(services: Services, workspaceId: string, senderEmail: string): Promise<number> {
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const r = await tx.execute(sql`
      UPDATE ${enrolments} e SET ${end('replied', 'replied')}
      FROM contacts c
      WHERE e.workspace_id = ${workspaceId} AND e.state = 'active'
        AND c.workspace_id = e.workspace_id AND c.id = e.contact_id AND c.email = ${senderEmail}`);
    return r.rowCount ?? 0;
  });
}

/** MAIL-4: an address put on the suppression list (unsubscribe, bounce, complaint, erasure) ends its contacts' sequences in the same transaction. */
export async function stopSequencesForAddress(tx: Tx, workspaceId: string, hash: string, reason: string): Promise<void> {
  await tx.execute(sql`
    UPDATE ${enrolments} e SET ${end(endStateFor(reason), reason)}
    FROM contacts c
    WHERE e.workspace_id = ${workspaceId} AND e.state = 'active'
      AND c.workspace_id = e.workspace_id AND c.id = e.contact_id
      AND ${emailHashSql(sql`c.email`)} = ${hash}`);
}
