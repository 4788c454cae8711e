import { sql } from 'drizzle-orm';
import { dataEntries } from '../../platform/data/all';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { scrubAiCalls } from '../ai';
import { personTables } from './find-person';
import { columnCatalogue, identifies, indexedCandidates, scrubNeedles, scrubStatement, type Identity } from './person-match';
import { suppress } from './suppression';

export interface ErasureCounts {
  /** Rows deleted, unlinked or scrubbed, per table. */
  deleted: Record<string, number>;
  unlinked: Record<string, number>;
  scrubbed: Record<string, number>;
}

/**
 * PRIV-3: erases a person (a contact, a chat visitor, a booking attendee) from a workspace, as
 * each table declares in the data registry: rows about them deleted (or unlinked), their
 * addresses, numbers and full name replaced by `[erased]` in every free text that mentions them,
 * the AI calls that read them scrubbed, and a hash of each address kept so they are not
 * contacted again. Tables the law keeps (BILL-5: invoices) are left as they are.
 */
export async function erasePerson(
  tx: Tx,
  ctx: Pick<WorkspaceContext, 'workspaceId'>,
  who: Identity,
  /** A deleted account's owner is not an erased contact: their address is not put on the do-not-contact list (nor is anyone when nothing was about them). */
  options: { suppress: boolean } = { suppress: true },
): Promise<ErasureCounts> {
  const columns = await columnCatalogue(tx);
  const counts: ErasureCounts = { deleted: {}, unlinked: {}, scrubbed: {} };
  const note = (bucket: Record<string, number>, table: string, n: number) => {
    if (n > 0) bucket[table] = (bucket[table] ?? 0) + n;
  };
  const ws = sql`workspace_id = ${ctx.workspaceId}`;
  const ids = sql`${sql.param(who.contactIds)}::uuid[]`;

  if (who.contactIds.length) {
    // The timeline items on the person's record are about them (their links go with them).
    const activities = await tx.execute(sql`
      DELETE FROM activities a WHERE a.${ws} AND EXISTS (
        SELECT 1 FROM activity_links l WHERE l.workspace_id = a.workspace_id AND l.activity_id = a.id AND l.record_type = 'contacts' AND l.record_id = ANY(${ids}))`);
    note(counts.deleted, 'activities', activities.rowCount ?? 0);
    // The AI calls that read the contact forget their prompt and output (AI-4).
    for (const id of who.contactIds) note(counts.scrubbed, 'ai_calls', await scrubAiCalls(tx, ctx, { record: { type: 'contacts', id } }));
  }
  // Their bookings' holds free the hosts' time.
  const bookings = dataEntries().find((e) => e.table === 'bookings');
  const bookingMatch = bookings && identifies(bookings, columns.get('bookings')!, who);
  if (bookingMatch) {
    const holds = await tx.execute(sql`
      DELETE FROM booking_holds h WHERE h.${ws} AND h.id IN (SELECT unnest(hold_ids) FROM bookings WHERE ${ws} AND (${bookingMatch}))`);
    note(counts.deleted, 'booking_holds', holds.rowCount ?? 0);
  }

  // Rows about the person: every table but contacts first (deals point at contacts), then contacts.
  const tables = personTables().filter((e) => e.erase.kind !== 'retained');
  const ordered = [...tables.filter((e) => e.table !== 'contacts'), ...tables.filter((e) => e.table === 'contacts')];
  for (const entry of ordered) {
    const tableColumns = columns.get(entry.table);
    const match = tableColumns && identifies(entry, tableColumns, who);
    if (!match) continue;
    if (entry.person?.onErase === 'unlink' && entry.person.contactId) {
      const r = await tx.execute(sql`UPDATE ${sql.identifier(entry.table)} SET ${sql.identifier(entry.person.contactId)} = NULL WHERE ${ws} AND ${sql.identifier(entry.person.contactId)} = ANY(${ids})`);
      note(counts.unlinked, entry.table, r.rowCount ?? 0);
    } else {
      const narrowed = indexedCandidates(entry.table, who, []);
      const r = await tx.execute(sql`DELETE FROM ${sql.identifier(entry.table)} WHERE ${ws} AND (${match})${narrowed ? sql` AND ${narrowed}` : sql``}`);
      note(counts.deleted, entry.table, r.rowCount ?? 0);
    }
  }

  // Free text anywhere that still mentions them.
  const needles = scrubNeedles(who);
  for (const entry of tables) {
    const tableColumns = columns.get(entry.table);
    const narrowed = indexedCandidates(entry.table, { ...who, emails: [], phones: [], contactIds: [] }, needles);
    const statement = tableColumns && scrubStatement(entry, tableColumns, needles, narrowed ? sql`${ws} AND ${narrowed}` : ws);
    if (!statement) continue;
    const r = await tx.execute(statement);
    note(counts.scrubbed, entry.table, r.rowCount ?? 0);
  }

  // The mail this workspace sent (not another's, not the instance's own): mail to the person goes, mentions are scrubbed.
  const outbox = dataEntries().find((e) => e.table === 'mail_outbox');
  const outboxColumns = columns.get('mail_outbox');
  if (outbox && outboxColumns) {
    const match = identifies(outbox, outboxColumns, who);
    if (match) note(counts.deleted, 'mail_outbox', (await tx.execute(sql`DELETE FROM mail_outbox WHERE ${ws} AND (${match})`)).rowCount ?? 0);
    const statement = scrubStatement(outbox, outboxColumns, needles, ws);
    if (statement) note(counts.scrubbed, 'mail_outbox', (await tx.execute(statement)).rowCount ?? 0);
  }

  // Fuzzy search's vocabulary forgets the name's words no other contact still has.
  if (who.contactIds.length) {
    const words = await tx.execute(sql`
      DELETE FROM search_terms t WHERE t.${ws} AND t.record_type = 'contacts'
        AND t.term = ANY(SELECT unnest(kestrel_words(${who.names.join(' ')})))
        AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = t.workspace_id AND c.words @> ARRAY[t.term])`);
    note(counts.deleted, 'search_terms', words.rowCount ?? 0);
  }
  // A company's or deal's name that held the person's name (scrubbed above) fed the vocabulary too.
  // Only then: no index answers "does another deal's name still have this word", so this reads them all.
  for (const table of ['companies', 'deals'] as const) {
    if (!counts.scrubbed[table] || !who.names.length) continue;
    const words = await tx.execute(sql`
      DELETE FROM search_terms t WHERE t.${ws} AND t.record_type = ${table}
        AND t.term = ANY(SELECT unnest(kestrel_words(${who.names.join(' ')})))
        AND NOT EXISTS (SELECT 1 FROM ${sql.identifier(table)} r WHERE r.workspace_id = t.workspace_id AND kestrel_words(r.name) @> ARRAY[t.term])`);
    note(counts.deleted, 'search_terms', words.rowCount ?? 0);
  }

  const erased = [counts.deleted, counts.unlinked, counts.scrubbed].some((bucket) => Object.keys(bucket).length > 0);
  if (options.suppress && erased) {
    // MAIL-4: the one suppression list, which outreach checks at send time for every message.
    await suppress(tx, ctx.workspaceId, { emails: who.emails, phones: who.phones });
  }
  return counts;
}
