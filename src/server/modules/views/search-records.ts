import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { RecordType } from '../crm/crm.contract';
import { companies, contacts, deals } from '../crm/crm.schema';
import { loadVisibility, visibleRecords, type Visibility } from '../crm/visibility';
import type { SearchResult } from './views.contract';

/**
 * CRM-6 command palette: fuzzy search across contacts (names, emails, phones), companies
 * (name, domain) and deals (name) with pg_trgm. Each object has one lower-cased search text
 * with a GiST trigram index led by workspace_id (search_knn migration). Word similarity matches
 * the query against the best-matching stretch of that text, so a prefix ("joh") and a
 * misspelling ("Jonh Smiht") both find "John Smith"; the index is walked nearest first and
 * stops after the candidates asked for. The match runs in `kestrel_search_candidates`:
 * under row-level security PostgreSQL will not use an index for pg_trgm's non-LEAKPROOF
 * operators, so the function matches inside the transaction's workspace as the table owner
 * and this query joins its ids back under RLS and the member's visibility.
 */

/**
 * Well below pg_trgm's default of 0.6: "jonh smiht" has a word similarity of only 0.36 to
 * "john smith" (transposed letters in short words share few trigrams); ranking puts the close
 * matches first anyway.
 */
const WORD_SIMILARITY_THRESHOLD = 0.3;

const CANDIDATES = 100;

/**
 * Optimal string alignment distance: edits, where swapping two neighbouring letters counts as
 * one — the commonest typo ("jonh"), which trigrams and Levenshtein both punish twice.
 */
export function typoDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Closeness of the query to the best of the shown texts (and their parts), blended with the trigram score. */
function rank(q: string, texts: (string | null)[], trigram: number): number {
  let best = 0;
  for (const text of texts) {
    if (!text) continue;
    const lower = text.toLowerCase();
    for (const part of [lower, ...lower.split(/\s*·\s*|@/)]) {
      if (!part) continue;
      const target = part.length > q.length + 3 && part.startsWith(q.slice(0, 2)) ? part.slice(0, q.length) : part;
      best = Math.max(best, 1 - typoDistance(q, target) / Math.max(q.length, target.length));
    }
  }
  return 0.75 * best + 0.25 * trigram;
}

interface Hit {
  id: string;
  title: string | null;
  subtitle: string | null;
  score: number;
}

function titleAndSubtitle(type: RecordType): { title: SQL; subtitle: SQL } {
  if (type === 'contacts') {
    return {
      title: sql`coalesce(nullif(concat_ws(' ', ${contacts.firstName}, ${contacts.lastName}), ''), ${contacts.email}::text, ${contacts.phone}, 'Unnamed contact')`,
      subtitle: sql`nullif(concat_ws(' · ', ${contacts.email}::text, ${contacts.phone}), '')`,
    };
  }
  if (type === 'companies') return { title: sql`${companies.name}`, subtitle: sql`${companies.domain}::text` };
  return { title: sql`${deals.name}`, subtitle: sql`nullif(concat_ws(' ', ${deals.amount}::text, ${deals.currency}), '')` };
}

async function searchOne(tx: Tx, visibility: Visibility, type: RecordType, q: string, limit: number): Promise<(Hit & { type: RecordType })[]> {
  const table = { contacts, companies, deals }[type];
  const { title, subtitle } = titleAndSubtitle(type);
  const digits = q.replace(/[^\d]/g, '');
  // A phone number typed in any format: its digits inside the stored E.164 form.
  const phone = type === 'contacts' && digits.length >= 4 && /^[\d\s()+.-]+$/.test(q) ? digits : '';
  // Trigram scores rank "jon smith" above "john smith" for "jonh smiht"; a wider set of
  // candidates is re-ranked by edit distance below. A restricted member's are also narrowed.
  const candidates = Math.max(CANDIDATES, visibility.kind === 'all' ? limit : limit * 10);
  const found = sql`kestrel_search_candidates(${type}, ${q}, ${phone}, ${candidates}::int, ${WORD_SIMILARITY_THRESHOLD}::real)`;
  const rows = await tx
    .select({ id: table.id, title: sql<string | null>`${title}`, subtitle: sql<string | null>`${subtitle}`, score: sql<number>`found.score` })
    .from(table)
    .innerJoin(sql`${found} AS found`, sql`found.id = ${table.id}`)
    .where(and(eq(table.workspaceId, visibility.workspaceId), visibleRecords(visibility, type)))
    .orderBy(sql`found.score DESC`, table.id)
    .limit(candidates);
  return rows.map((r) => ({ ...r, type, score: rank(q, [r.title, r.subtitle], Number(r.score)) }));
}

export async function searchRecords(db: Db, ctx: WorkspaceContext, query: { q: string; types: RecordType[]; limit: number }): Promise<SearchResult[]> {
  const q = query.q.toLowerCase();
  return withTenant(db, ctx, async (tx) => {
    const visibility = await loadVisibility(tx, ctx);
    const hits = [];
    for (const type of query.types) hits.push(...(await searchOne(tx, visibility, type, q, query.limit)));
    return hits
      .sort((a, b) => b.score - a.score)
      .slice(0, query.limit)
      .map((h) => ({ type: h.type, id: h.id, title: h.title ?? '', subtitle: h.subtitle, score: Math.round(h.score * 1000) / 1000 }));
  });
}
