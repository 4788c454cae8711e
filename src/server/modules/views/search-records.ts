import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../platform/db/database';
import { withTenant, type WorkspaceContext } from '../../platform/db/tenant';
import type { RecordType } from '../crm/crm.contract';
import { companies, contacts, deals } from '../crm/crm.schema';
import { loadVisibility, visibleRecords, type Visibility } from '../crm';
import type { SearchResult } from './views.contract';

/**
 * CRM-6 command palette: fuzzy search across contacts (names, emails, phones), companies
 * (name, domain) and deals (name). Each query word is read against the workspace's vocabulary
 * of name words (search_terms, kept by triggers; the search_vocabulary migration): the words
 * nearest by trigram distance and those it begins are accepted when they are a typo or two
 * away ("jonh" → john) or continue it ("joh" → john, johnson). Records are then found by exact
 * word through GIN indexes: first those holding the best reading of every word, then any
 * accepted reading; a single token also matches the start of an email or domain, and digits
 * match inside phone numbers. Both steps run in SECURITY DEFINER functions inside the
 * transaction's workspace (pg_trgm and array operators are not LEAKPROOF, so under row-level
 * security no index would serve them); this query joins their ids back under RLS and the
 * member's visibility, and the hits are ranked by edit distance to what is shown.
 */

/** How many vocabulary words to consider per query word, by each of the two ways. */
const TERMS_PER_WORD = 24;

const CANDIDATES = 100;

/** Edits a word of this length may be away from a vocabulary word and still be read as it. */
const allowedEdits = (length: number) => (length <= 2 ? 0 : length <= 5 ? 1 : 2);

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

/** Closeness of the query to the best of the shown texts (and their parts), blended with the match tier. */
function rank(q: string, texts: (string | null)[], tierScore: number): number {
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
  return 0.75 * best + 0.25 * tierScore;
}

/**
 * Per query word, the vocabulary words it may stand for: `best` (exact, else the closest) and
 * `all` accepted. A word with no reading is left out, so "john zzz" still finds John.
 */
export function readings(terms: { wordNo: number; word: string; term: string }[]): { best: string[][]; all: string[][] } {
  const byWord = new Map<number, { word: string; scored: { term: string; cost: number }[] }>();
  for (const t of terms) {
    const entry = byWord.get(t.wordNo) ?? { word: t.word, scored: [] };
    byWord.set(t.wordNo, entry);
    let cost: number | null = null;
    if (t.term === t.word) cost = 0;
    else if (t.word.length >= 2 && t.term.startsWith(t.word)) cost = 0.5;
    else {
      const d = typoDistance(t.word, t.term);
      if (d <= allowedEdits(t.word.length)) cost = d;
    }
    if (cost !== null) entry.scored.push({ term: t.term, cost });
  }
  const best: string[][] = [];
  const all: string[][] = [];
  for (const [, { scored }] of [...byWord].sort((a, b) => a[0] - b[0])) {
    if (!scored.length) continue;
    const min = Math.min(...scored.map((s) => s.cost));
    best.push(scored.filter((s) => s.cost === min).map((s) => s.term));
    all.push(scored.map((s) => s.term));
  }
  return { best, all };
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

/** What one type's records are found by, from the query and its readings; null when nothing can match. */
function matchPlan(type: RecordType, q: string, terms: { wordNo: number; word: string; term: string }[]): { tiers: string[][][]; prefix: string; phone: string } | null {
  const digits = q.replace(/[^\d]/g, '');
  // A phone number typed in any format: its digits inside the stored E.164 form.
  const phone = type === 'contacts' && digits.length >= 4 && /^[\d\s()+.-]+$/.test(q) ? digits : '';
  // One token may also be the start of an email address or a domain.
  const prefix = type !== 'deals' && !/\s/.test(q.trim()) && q.trim().length >= 2 ? q.trim() : '';
  const { best, all } = readings(terms);
  const tiers = best.length ? (JSON.stringify(best) === JSON.stringify(all) ? [best] : [best, all]) : [];
  if (!tiers.length && !prefix && !phone) return null;
  return { tiers, prefix, phone };
}

/** One type's matches joined back under RLS and the member's visibility, as a subquery of the union. */
function recordsQuery(tx: Tx, visibility: Visibility, type: RecordType, plan: { tiers: string[][][]; prefix: string; phone: string }, candidates: number): SQL {
  const table = { contacts, companies, deals }[type];
  const { title, subtitle } = titleAndSubtitle(type);
  const found = sql`kestrel_search_records(${type}, ${JSON.stringify(plan.tiers)}::jsonb, ${plan.prefix}, ${plan.phone}, ${candidates}::int)`;
  const query = tx
    .select({ type: sql<RecordType>`${type}::text`.as('type'), id: table.id, title: sql<string | null>`${title}`.as('title'), subtitle: sql<string | null>`${subtitle}`.as('subtitle'), tier: sql<number>`found.tier`.as('tier') })
    .from(table)
    .innerJoin(sql`${found} AS found`, sql`found.id = ${table.id}`)
    .where(and(eq(table.workspaceId, visibility.workspaceId), visibleRecords(visibility, type)))
    .orderBy(sql`found.tier`, table.id)
    .limit(candidates);
  return sql`(${query})`;
}

/*
 * Issue 14: two statements whatever the number of types: the vocabulary readings of every type
 * in one (a UNION ALL of kestrel_search_terms), then every type's matches in one (a UNION ALL of
 * each type's own ordered, limited query) — was two per type.
 */
export async function searchRecords(db: Db, ctx: WorkspaceContext, query: { q: string; types: RecordType[]; limit: number }): Promise<SearchResult[]> {
  const q = query.q.toLowerCase();
  const types = [...new Set(query.types)];
  return withTenant(db, ctx, async (tx) => {
    const visibility = await loadVisibility(tx, ctx);
    if (!types.length) return [];
    const termsOf = sql.join(
      types.map((type) => sql`SELECT ${type}::text AS type, word_no, word, term FROM kestrel_search_terms(${type}, ${q}, ${TERMS_PER_WORD}::int)`),
      sql` UNION ALL `,
    );
    const terms = await tx.execute<{ type: RecordType; word_no: number; word: string; term: string }>(termsOf);
    // A restricted member's matches are narrowed by visibility after the match: look wider.
    const candidates = Math.max(CANDIDATES, visibility.kind === 'all' ? query.limit : query.limit * 10);
    const parts: SQL[] = [];
    for (const type of types) {
      const plan = matchPlan(type, q, terms.rows.filter((r) => r.type === type).map((r) => ({ wordNo: Number(r.word_no), word: r.word, term: r.term })));
      if (plan) parts.push(recordsQuery(tx, visibility, type, plan, candidates));
    }
    if (!parts.length) return [];
    const rows = (await tx.execute<{ type: RecordType; id: string; title: string | null; subtitle: string | null; tier: number }>(sql.join(parts, sql` UNION ALL `))).rows;
    // Each part's rows in its own order, the parts in the order the types were asked for (ties keep it).
    const byType = new Map(types.map((t, i) => [t, i]));
    return rows
      .map((r, i) => ({ r, i }))
      .sort((a, b) => byType.get(a.r.type)! - byType.get(b.r.type)! || a.i - b.i)
      .map(({ r }) => r)
      .map((r) => ({ type: r.type, id: r.id, title: r.title, subtitle: r.subtitle, score: rank(q, [r.title, r.subtitle], Number(r.tier) === 1 ? 1 : 0.7) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, query.limit)
      .map((h) => ({ type: h.type, id: h.id, title: h.title ?? '', subtitle: h.subtitle, score: Math.round(h.score * 1000) / 1000 }));
  });
}
