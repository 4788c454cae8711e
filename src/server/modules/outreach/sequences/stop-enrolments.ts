import { sql } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/database';
import { withTenant } from '../../../platform/db/tenant';
import type { Services } from '../../../platform/services';
import { readReturnDate } from './return-date';
import { DAY_MS, nextSendTime } from './send-window';
import { outreachSequenceEnrolments as enrolments } from './sequences.schema';

/** The same hash as `addressHash` (sha256 of the trimmed, lower-cased address), in SQL. */
export const emailHashSql = (email: unknown) => sql`encode(sha256(convert_to(lower(trim(${email}::text)), 'UTF8')), 'hex')`;

type EndState = 'replied' | 'unsubscribed' | 'bounced' | 'stopped';

/** The end state for a reason a send was blocked or an address suppressed. */
export const endStateFor = (reason: string): EndState => (reason === 'unsubscribed' ? 'unsubscribed' : reason === 'bounced' ? 'bounced' : 'stopped');

const end = (state: EndState, reason: string) => sql`state = ${state}, stop_reason = ${reason}, next_send_at = NULL, paused_until = NULL, claimed_at = NULL, ended_at = now()`;

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
      WHERE e.workspace_id = ${workspaceId} AND e.state IN ('active', 'paused')
        AND c.workspace_id = e.workspace_id AND c.id = e.contact_id AND c.email = ${senderEmail}`);
    return r.rowCount ?? 0;
  });
}

/** MAIL-4: an address put on the suppression list (unsubscribe, bounce, complaint, erasure) ends its contacts' sequences in the same transaction. */
export async function stopSequencesForAddress(tx: Tx, workspaceId: string, hash: string, reason: string): Promise<void> {
  await tx.execute(sql`
    UPDATE ${enrolments} e SET ${end(endStateFor(reason), reason)}
    FROM contacts c
    WHERE e.workspace_id = ${workspaceId} AND e.state IN ('active', 'paused')
      AND c.workspace_id = e.workspace_id AND c.id = e.contact_id
      AND ${emailHashSql(sql`c.email`)} = ${hash}`);
}

/**
 * MAIL-2: the contact booked a meeting: every sequence they are in ends at once (`meeting_booked`),
 * in the booking's own transaction. Called by outreach's own listener on booking's `booked` event (outreach.events.ts). Returns how many ended.
 */
export async function stopSequencesForContact(tx: Tx, workspaceId: string, contactId: string, reason = 'meeting_booked'): Promise<number> {
  const r = await tx.execute(sql`
    UPDATE ${enrolments} SET ${end('stopped', reason.slice(0, 300))}
    WHERE workspace_id = ${workspaceId} AND contact_id = ${contactId} AND state IN ('active', 'paused')`);
  return r.rowCount ?? 0;
}

/** When an out-of-office reply names no return date we can read, the contact is paused this long. */
export const AUTO_REPLY_PAUSE_DAYS = 7;

/**
 * MAIL-2: an automatic reply (RFC 3834 `Auto-Submitted`, `Precedence: bulk`, out of office) is not a
 * reply: the contact's active enrolments are paused, never stopped, and resumed by the due sender
 * in the first send window on or after the return date the reply names, read in the lead's own
 * time zone (`readReturnDate`: "back on 14 December", "bis zum 3.1.", "until Friday"), or
 * `AUTO_REPLY_PAUSE_DAYS` days on when it names none. Returns how many were paused.
 */
export async function pauseSequencesOnAutoReply(services: Services, workspaceId: string, senderEmail: string, reply: { text?: string; now?: Date } = {}): Promise<number> {
  const now = reply.now ?? new Date();
  return withTenant(services.database.db, { workspaceId, userId: null }, async (tx) => {
    const rows = await tx.execute<{ sequence_id: string; contact_id: string; time_zone: string | null }>(sql`
      SELECT e.sequence_id, e.contact_id, e.time_zone FROM ${enrolments} e
      JOIN contacts c ON c.workspace_id = e.workspace_id AND c.id = e.contact_id
      WHERE e.workspace_id = ${workspaceId} AND e.state = 'active'
        AND (c.email = ${senderEmail} OR c.emails @> ARRAY[${senderEmail}]::text[])
      FOR UPDATE OF e`);
    const fallback = new Date(now.getTime() + AUTO_REPLY_PAUSE_DAYS * DAY_MS);
    for (const r of rows.rows) {
      const zones = r.time_zone ? r.time_zone.split(',') : [];
      const back = reply.text ? readReturnDate(reply.text, zones[0] ?? 'UTC', now) : null;
      const resume = nextSendTime(back ?? fallback, zones);
      await tx.execute(sql`
        UPDATE ${enrolments} SET state = 'paused', paused_until = ${resume.toISOString()}::timestamptz, claimed_at = NULL,
          next_send_at = greatest(next_send_at, ${resume.toISOString()}::timestamptz)
        WHERE workspace_id = ${workspaceId} AND sequence_id = ${r.sequence_id} AND contact_id = ${r.contact_id}`);
    }
    return rows.rows.length;
  });
}
