import { sql, type SQL } from 'drizzle-orm';
import { dataEntries } from '../../platform/data/all';
import type { DataEntry } from '../../platform/data/registry';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { badRequest } from '../../platform/http/errors';
import { toE164 } from '../crm';
import { columnCatalogue, identifies, indexedCandidates, lookupNeedles, mentions, type Identity } from './person-match';
import { normaliseEmail } from './suppression';

export interface PersonQuery {
  email?: string | undefined;
  phone?: string | undefined;
}

export interface PersonHits {
  table: string;
  module: string;
  description: string;
  /** Kept after erasure because the law requires it (BILL-5). */
  retained: boolean;
  count: number;
  /** Ids of the first rows (tables with an `id` column). */
  ids: string[];
}

const SAMPLE = 20;

/** The phone as E.164: given with its country code, or in the workspace's country. */
export function normalisePhone(phone: string, region: string | null): string {
  const e164 = toE164(phone, region) ?? toE164(phone, null);
  if (!e164) throw badRequest('validation_failed', 'Not a valid phone number; include the country code, like +91 98765 43210.', { fields: { phone: 'Not a valid phone number.' }, in: 'body' });
  return e164;
}

/** Workspace tables that can mention a person. Account tables (users, sessions, mail) are looked at apart. */
export const personTables = (): DataEntry[] => dataEntries().filter((e) => e.scope === 'workspace' && e.person);

/**
 * The person behind an email and/or phone in this workspace: the given values, widened by the
 * contacts they find (their other addresses and numbers, their names) and by the names the person
 * gave elsewhere (a booking, the website chat).
 */
export async function resolveIdentity(tx: Tx, ctx: Pick<WorkspaceContext, 'workspaceId'>, query: PersonQuery): Promise<Identity> {
  const emails = query.email ? [normaliseEmail(query.email)] : [];
  const region = await workspaceCountry(tx, ctx.workspaceId);
  const phones = query.phone ? [normalisePhone(query.phone, region)] : [];
  if (!emails.length && !phones.length) throw badRequest('validation_failed', 'Give an email address or a phone number.', { fields: { email: 'Required without a phone.' }, in: 'body' });
  const { rows } = await tx.execute<{ id: string; first_name: string | null; last_name: string | null; emails: string[]; phones: string[] }>(sql`
    SELECT id, first_name, last_name, array_remove(array_prepend(email::text, emails::text[]), NULL) AS emails, array_remove(array_prepend(phone, phones), NULL) AS phones
    FROM contacts
    WHERE workspace_id = ${ctx.workspaceId}
      AND ${indexedCandidates('contacts', { emails, phones, names: [], contactIds: [] }, [])}
      AND (lower(email::text) = ANY(${sql.param(emails)}::text[]) OR emails::text[] && ${sql.param(emails)}::text[] OR phone = ANY(${sql.param(phones)}::text[]) OR phones && ${sql.param(phones)}::text[])`);
  const who: Identity = { emails: [...emails], phones: [...phones], names: [], contactIds: [] };
  const add = (list: string[], v: string | null | undefined) => {
    if (v && !list.includes(v)) list.push(v);
  };
  for (const r of rows) {
    who.contactIds.push(r.id);
    for (const e of r.emails) add(who.emails, normaliseEmail(e));
    for (const p of r.phones) add(who.phones, p);
    add(who.names, [r.first_name, r.last_name].filter(Boolean).join(' ').trim());
  }
  // Names given with the same address elsewhere: a booking's attendee, a chat visitor.
  const columns = await columnCatalogue(tx);
  for (const entry of personTables()) {
    const nameColumns = entry.person?.name ?? [];
    const tableColumns = columns.get(entry.table);
    if (!nameColumns.length || !tableColumns || entry.table === 'contacts') continue;
    const match = identifies(entry, tableColumns, who);
    if (!match) continue;
    const names = sql.join(nameColumns.map((c) => sql.identifier(c)), sql`, `);
    const found = await tx.execute<Record<string, string | null>>(sql`SELECT DISTINCT ${names} FROM ${sql.identifier(entry.table)} WHERE workspace_id = ${ctx.workspaceId} AND (${match}) LIMIT 50`);
    for (const r of found.rows) for (const v of Object.values(r)) add(who.names, v?.trim());
  }
  return who;
}

async function workspaceCountry(tx: Tx, workspaceId: string): Promise<string | null> {
  const { rows } = await tx.execute<{ country: string | null }>(sql`SELECT country FROM workspaces WHERE id = ${workspaceId}`);
  return rows[0]?.country ?? null;
}

/** PRIV-1: every row of the workspace that is about the person or mentions their address or number, table by table. */
export async function findPerson(
  tx: Tx,
  ctx: Pick<WorkspaceContext, 'workspaceId'>,
  who: Identity,
  /** Only these tables (erasure asks only of the retained ones); every person table by default, the workspace's members too. */
  only?: (entry: DataEntry) => boolean,
): Promise<PersonHits[]> {
  const columns = await columnCatalogue(tx);
  const hits: PersonHits[] = [];
  for (const entry of personTables().filter((e) => !only || only(e))) {
    const tableColumns = columns.get(entry.table);
    if (!tableColumns) continue;
    const conditions = [identifies(entry, tableColumns, who), mentions(entry, tableColumns, lookupNeedles(who))].filter((c): c is SQL => c !== null);
    if (!conditions.length) continue;
    const narrowed = indexedCandidates(entry.table, who, lookupNeedles(who));
    const where = sql`workspace_id = ${ctx.workspaceId} AND (${sql.join(conditions, sql` OR `)})${narrowed ? sql` AND ${narrowed}` : sql``}`;
    const hasId = tableColumns.has('id');
    const { rows } = await tx.execute<{ count: number; ids: string[] | null }>(
      sql`SELECT count(*)::int AS count, ${hasId ? sql`(array_agg(id::text ORDER BY id))[1:${SAMPLE}]` : sql`NULL::text[]`} AS ids FROM ${sql.identifier(entry.table)} WHERE ${where}`,
    );
    const count = rows[0]?.count ?? 0;
    if (count > 0) hits.push({ table: entry.table, module: entry.module, description: entry.description, retained: entry.erase.kind === 'retained', count, ids: rows[0]?.ids ?? [] });
  }
  // Members of this workspace with that address (their account is theirs to delete, PRIV-3).
  if (who.emails.length && !only) {
    const { rows } = await tx.execute<{ id: string }>(
      sql`SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id AND m.workspace_id = ${ctx.workspaceId} WHERE lower(u.email::text) = ANY(${sql.param(who.emails)}::text[])`,
    );
    const users = dataEntries().find((e) => e.table === 'users')!;
    if (rows.length) hits.push({ table: 'users', module: users.module, description: users.description, retained: false, count: rows.length, ids: rows.map((r) => r.id) });
  }
  return hits;
}
