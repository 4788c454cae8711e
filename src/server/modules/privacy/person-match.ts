import { sql, type SQL } from 'drizzle-orm';
import type { DataEntry } from '../../platform/data/registry';
import type { Tx } from '../../platform/db/database';
import { escapeLike } from '../../platform/db/escape-like';

/** Who is looked up or erased: the addresses and numbers given, widened by the contacts they find. */
export interface Identity {
  /** Lower-cased. */
  emails: string[];
  /** E.164. */
  phones: string[];
  /** Full names, for scrubbing free text on erasure. */
  names: string[];
  contactIds: string[];
}

type ColumnKind = 'text' | 'array' | 'json';

/** Column kinds of every table, read from the catalogue once: the registry names columns, the database knows their types. */
let catalogue: Map<string, Map<string, ColumnKind>> | undefined;

export async function columnCatalogue(tx: Tx): Promise<Map<string, Map<string, ColumnKind>>> {
  if (catalogue) return catalogue;
  const { rows } = await tx.execute<{ table_name: string; column_name: string; data_type: string }>(
    sql`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const out = new Map<string, Map<string, ColumnKind>>();
  for (const r of rows) {
    const kind: ColumnKind = r.data_type === 'ARRAY' ? 'array' : r.data_type === 'jsonb' || r.data_type === 'json' ? 'json' : 'text';
    if (!out.has(r.table_name)) out.set(r.table_name, new Map());
    out.get(r.table_name)!.set(r.column_name, kind);
  }
  catalogue = out;
  return out;
}

const textArray = (values: string[]) => sql`${sql.param(values)}::text[]`;

function kindOf(columns: Map<string, ColumnKind>, table: string, column: string): ColumnKind {
  const kind = columns.get(column);
  if (!kind) throw new Error(`Data registry: ${table}.${column} is not a column`);
  return kind;
}

function equalsAny(columns: Map<string, ColumnKind>, table: string, column: string, values: string[]): SQL {
  const c = sql.identifier(column);
  // An array is compared whole (one overlap, case-insensitive as citext) rather than unnested row by row.
  return kindOf(columns, table, column) === 'array'
    ? sql`${c}::citext[] && ${sql.param(values)}::citext[]`
    : sql`lower(${c}::text) = ANY(${textArray(values)})`;
}

function asText(columns: Map<string, ColumnKind>, table: string, column: string): SQL {
  const c = sql.identifier(column);
  return kindOf(columns, table, column) === 'array' ? sql`array_to_string(${c}, ' ')` : sql`${c}::text`;
}

/** Rows that are about the person: their address, number or contact. Null when the table cannot say. */
export function identifies(entry: DataEntry, columns: Map<string, ColumnKind>, who: Identity): SQL | null {
  const p = entry.person;
  if (!p) return null;
  const parts: SQL[] = [];
  if (who.emails.length) for (const c of p.email ?? []) parts.push(equalsAny(columns, entry.table, c, who.emails));
  if (who.phones.length) for (const c of p.phone ?? []) parts.push(equalsAny(columns, entry.table, c, who.phones));
  if (who.contactIds.length) {
    if (p.contactId) parts.push(sql`${sql.identifier(p.contactId)} = ANY(${sql.param(who.contactIds)}::uuid[])`);
    if (p.record) parts.push(sql`(${sql.identifier(p.record.type)} = 'contacts' AND ${sql.identifier(p.record.id)} = ANY(${sql.param(who.contactIds)}::uuid[]))`);
  }
  return parts.length ? sql.join(parts, sql` OR `) : null;
}

/**
 * Rows whose free text mentions any of the needles (case-insensitive substring). The row's text
 * columns are lower-cased once, joined by chr(1) (so no address or name matches across two
 * columns), and matched with one LIKE ANY: a third of the cost per row of an ILIKE ANY per column
 * (measured, issue 20), which counts on a million-row table read whole.
 */
export function mentions(entry: DataEntry, columns: Map<string, ColumnKind>, needles: string[]): SQL | null {
  const cols = entry.person?.text ?? [];
  if (!cols.length || !needles.length) return null;
  const patterns = needles.map((n) => `%${escapeLike(n)}%`);
  const text = cols.length === 1 ? asText(columns, entry.table, cols[0]!) : sql`concat_ws(chr(1), ${sql.join(cols.map((c) => asText(columns, entry.table, c)), sql`, `)})`;
  // The patterns are lower-cased by PostgreSQL too (once), so both sides fold case the same way whatever the locale.
  return sql`lower(${text}) LIKE ANY(ARRAY(SELECT lower(p) FROM unnest(${textArray(patterns)}) AS p))`;
}

/** Tables kestrel_person_rows searches by index (db/migrations/…_person_search_more_tables.sql). */
const indexedTables = new Set(['activities', 'companies', 'deals']);

/**
 * Issue 20: the rows a statement about the person can touch, found through indexes — contacts'
 * by kestrel_person_contacts, activities', companies' and deals' by kestrel_person_rows (row-level
 * security keeps the app role's own conditions from using them, so each would read every row).
 * ANDed with the statement's own condition, which still decides: the narrowing only turns a read
 * of every row into a primary-key lookup, so it must find at least every row that condition
 * would (an address, number or contact the table identifies the person by, a needle in its
 * person.text columns). Null for every other table.
 */
export function indexedCandidates(table: string, who: Identity, needles: string[]): SQL | null {
  const patterns = needles.map((n) => `%${escapeLike(n)}%`);
  if (table === 'contacts') {
    return sql`(id = ANY(ARRAY(SELECT id FROM kestrel_person_contacts(${textArray(who.emails)}, ${textArray(who.phones)}, ${textArray(patterns)}))) OR id = ANY(${sql.param(who.contactIds)}::uuid[]))`;
  }
  if (!indexedTables.has(table)) return null;
  return sql`id = ANY(ARRAY(SELECT id FROM kestrel_person_rows(${table}, ${textArray(who.emails)}, ${textArray(patterns)}, ${sql.param(who.contactIds)}::uuid[])))`;
}

/** The needles a lookup searches free text for: addresses and numbers (names are too common to find a person by). */
export const lookupNeedles = (who: Identity) => [...who.emails, ...who.phones.map((p) => p.replace(/^\+/, ''))];

/** What erasure replaces in free text: addresses, numbers (digits, so "+91…" and "91…" both go) and full names. */
export const scrubNeedles = (who: Identity) => [...lookupNeedles(who), ...who.names.filter((n) => n.includes(' ') && n.length >= 5)];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * PRIV-3: an UPDATE that replaces every needle in the entry's free-text columns with `[erased]`
 * (JSON keeps its shape: needles are matched in their JSON-escaped form).
 */
export function scrubStatement(entry: DataEntry, columns: Map<string, ColumnKind>, needles: string[], where: SQL | null): SQL | null {
  const cols = entry.person?.text ?? [];
  const match = mentions(entry, columns, needles);
  if (!cols.length || !match) return null;
  const plain = needles.map(escapeRegex).join('|');
  const json = needles.map((n) => escapeRegex(JSON.stringify(n).slice(1, -1))).join('|');
  const sets = cols.map((c) => {
    const id = sql.identifier(c);
    const kind = kindOf(columns, entry.table, c);
    const value =
      kind === 'array'
        ? sql`(SELECT array_agg(regexp_replace(x, ${plain}, '[erased]', 'gi') ORDER BY i) FROM unnest(${id}) WITH ORDINALITY AS u(x, i))`
        : kind === 'json'
          ? sql`regexp_replace(${id}::text, ${json}, '[erased]', 'gi')::jsonb`
          : sql`regexp_replace(${id}::text, ${plain}, '[erased]', 'gi')`;
    return sql`${id} = ${value}`;
  });
  return sql`UPDATE ${sql.identifier(entry.table)} SET ${sql.join(sets, sql`, `)} WHERE (${match})${where ? sql` AND ${where}` : sql``}`;
}
