import type pg from 'pg';
import type { DedupeKey, OnMatch } from './imports.contract';
import type { StagedObject } from './staging';

/**
 * CRM-7: the set-based half of an import. The staged rows are merged into the workspace with a
 * handful of statements — duplicates within the file, matches against existing records, inserts,
 * updates with before-images, tags — whatever the number of rows. $1 is the workspace, $2 the import.
 */

const SEP = `E'\\x1f'`;
const list = (col: string) => `COALESCE(string_to_array(${col}, ${SEP}), '{}')`;
const first = (col: string) => `NULLIF(split_part(COALESCE(${col}, ''), ${SEP}, 1), '')`;
/** Values of `add` not already in `existing`, appended in order. */
const appendNew = (existing: string, add: string) => `CASE WHEN ${add} IS NULL THEN ${existing} ELSE ${existing} || ARRAY(SELECT e FROM unnest(string_to_array(${add}, ${SEP})) e WHERE NOT e = ANY(${existing})) END`;

interface ObjectSql {
  table: StagedObject;
  /** Insert: column → expression over the stage row `s` and company map `cm`. */
  insert: [string, string][];
  /** Update: column → expression over `s`, the existing row `c` and `cm`; also what undo restores. */
  update: [string, string][];
  keyExpr: Partial<Record<DedupeKey, { key: string; column: string; cast: string }>>;
  /** Stage columns that are lists; merged by union when duplicate rows are merged. */
  lists: string[];
  scalars: string[];
}

const text = (cols: string[]) => cols.map((c) => [c, `s.${c}`] as [string, string]);
const keep = (cols: string[]) => cols.map((c) => [c, `COALESCE(s.${c}, c.${c})`] as [string, string]);
const addressCols = ['address_line1', 'address_line2', 'city', 'state', 'postal_code', 'country'];

export const objectSql: Record<StagedObject, ObjectSql> = {
  contacts: {
    table: 'contacts',
    insert: [
      ...text(['first_name', 'last_name', 'title', ...addressCols, 'time_zone']),
      ['email', first('s.emails')],
      ['emails', list('s.emails')],
      ['phone', first('s.phones')],
      ['phones', list('s.phones')],
      ['company_id', 'cm.id'],
      ['owner_user_id', 'COALESCE(s.owner_explicit, s.owner_default)'],
      ['source', `COALESCE(s.source, 'import')`],
      ['lifecycle', `COALESCE(s.lifecycle, 'lead')`],
      ['consent_state', `COALESCE(s.consent_state, 'unknown')`],
      ['restricted', `COALESCE(s.restricted::boolean, false)`],
      ['custom', `COALESCE(s.custom, '{}'::jsonb)`],
    ],
    update: [
      ...keep(['first_name', 'last_name', 'title', ...addressCols, 'time_zone', 'source', 'lifecycle', 'consent_state']),
      ['email', `COALESCE(c.email, ${first('s.emails')}::citext)`],
      ['emails', appendNew('c.emails', 's.emails')],
      ['phone', `COALESCE(c.phone, ${first('s.phones')})`],
      ['phones', appendNew('c.phones', 's.phones')],
      ['restricted', 'COALESCE(s.restricted::boolean, c.restricted)'],
      ['company_id', 'COALESCE(cm.id, c.company_id)'],
      ['owner_user_id', 'COALESCE(s.owner_explicit, c.owner_user_id, s.owner_default)'],
      ['custom', `c.custom || COALESCE(s.custom, '{}'::jsonb)`],
    ],
    keyExpr: {
      email: { key: 'lower(c.email::text)', column: 'c.email', cast: '::citext' },
      phone: { key: 'c.phone', column: 'c.phone', cast: '' },
    },
    lists: ['emails', 'phones', 'tags'],
    scalars: ['first_name', 'last_name', 'title', 'company_name', ...addressCols, 'time_zone', 'owner_explicit', 'source', 'lifecycle', 'consent_state', 'restricted'],
  },
  companies: {
    table: 'companies',
    insert: [
      ...text(['name', 'domain', 'industry', 'size', ...addressCols]),
      ['owner_user_id', 'COALESCE(s.owner_explicit, s.owner_default)'],
      ['custom', `COALESCE(s.custom, '{}'::jsonb)`],
    ],
    update: [
      ...keep(['name', 'industry', 'size', ...addressCols]),
      ['domain', 'COALESCE(c.domain, s.domain::citext)'],
      ['owner_user_id', 'COALESCE(s.owner_explicit, c.owner_user_id, s.owner_default)'],
      ['custom', `c.custom || COALESCE(s.custom, '{}'::jsonb)`],
    ],
    keyExpr: { domain: { key: 'lower(c.domain::text)', column: 'c.domain', cast: '::citext' } },
    lists: ['tags'],
    scalars: ['name', 'domain', 'industry', 'size', ...addressCols, 'owner_explicit'],
  },
};

export interface MergeOptions {
  object: StagedObject;
  /** Email lists: matched contacts are only tagged, never changed. */
  tagOnly: boolean;
  dedupeKey: DedupeKey;
  onMatch: OnMatch;
  tagName: string | null;
  /** The header of the key column, for the report. */
  keyLabel: string;
  /** Report lines already written; duplicates continue the numbering. */
  reportSeq: number;
  idExpr: string;
  /** BILL-1: how many of `want` new records the plan still allows, and why not the rest. */
  admitNew?: (want: number) => Promise<{ granted: number; message: string | null }>;
}

export interface MergeResult {
  created: number;
  updated: number;
  duplicates: number;
  /** Why rows were left out at a plan limit (BILL-1), or null. */
  limitMessage: string | null;
}

type Q = (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;

/** Runs the merge on the client holding the import's transaction and staging table. */
export async function mergeStaged(q: Q, ws: string, importId: string, o: MergeOptions): Promise<MergeResult> {
  const spec = objectSql[o.object];
  const p = [ws, importId];
  const key = o.dedupeKey === 'none' ? undefined : spec.keyExpr[o.dedupeKey];
  // Statistics only for the columns the statements below join, group or filter on: ANALYZE of
  // every column of a wide stage took ~3 s at 100,000 rows (issue 14). Companies have no company_name.
  await q(`ANALYZE import_stage (row_no, key, existing_id, tags${o.object === 'contacts' ? ', company_name' : ''})`);

  // 1. The same key twice in the file: reported; merged into the first row, skipped, or both created.
  let duplicates = 0;
  if (key) {
    await q(`CREATE TEMP TABLE import_dups ON COMMIT DROP AS SELECT key, min(row_no) AS leader FROM import_stage WHERE key IS NOT NULL GROUP BY key HAVING count(*) > 1`);
    const what = o.onMatch === 'create' && !o.tagOnly ? 'imported as a separate record' : o.onMatch === 'update' || o.tagOnly ? 'merged into that row' : 'skipped';
    const r = await q(
      `INSERT INTO import_row_errors (workspace_id, import_id, seq, row, "column", reason, value)
       SELECT $1, $2, $3::int + row_number() OVER (ORDER BY s.row_no), s.row_no, $4, 'Same ' || $5 || ' as row ' || d.leader || ': ' || $6, s.key
       FROM import_stage s JOIN import_dups d ON d.key = s.key AND s.row_no <> d.leader`,
      [...p, o.reportSeq, o.keyLabel, o.dedupeKey, what],
    );
    duplicates = r.rowCount ?? 0;
    if (duplicates && (o.onMatch === 'update' || o.tagOnly)) {
      // Later rows win for single values (when not empty); lists are united in file order.
      const scalar = spec.scalars.map((c) => `${c} = COALESCE(m.${c}, l.${c})`);
      const lists = spec.lists.map(
        (c) => `${c} = (SELECT NULLIF(string_agg(e, ${SEP} ORDER BY i), '') FROM (SELECT e, min(i) AS i FROM unnest(string_to_array(m.${c}, ${SEP})) WITH ORDINALITY u(e, i) GROUP BY e) x)`,
      );
      // Custom values are united per key in one grouped pass (later rows win a key), not
      // looked up per group: a look-up per group would read the whole stage once per duplicate.
      await q(
        `UPDATE import_stage l SET ${[...scalar, ...lists, 'custom = mc.custom'].join(', ')}
         FROM (SELECT s.key,
                 ${spec.scalars.map((c) => `(array_agg(s.${c} ORDER BY s.row_no DESC) FILTER (WHERE s.${c} IS NOT NULL))[1] AS ${c}`).join(', ')},
                 ${spec.lists.map((c) => `string_agg(s.${c}, ${SEP} ORDER BY s.row_no) AS ${c}`).join(', ')}
               FROM import_stage s JOIN import_dups d ON d.key = s.key GROUP BY s.key) m
           LEFT JOIN (SELECT s2.key, jsonb_object_agg(e.key, e.value ORDER BY s2.row_no) AS custom
               FROM import_stage s2 JOIN import_dups d2 ON d2.key = s2.key CROSS JOIN LATERAL jsonb_each(COALESCE(s2.custom, '{}'::jsonb)) e
               GROUP BY s2.key) mc ON mc.key = m.key,
           import_dups d
         WHERE l.key = m.key AND d.key = l.key AND l.row_no = d.leader`,
      );
    }
    if (duplicates && !(o.onMatch === 'create' && !o.tagOnly)) {
      await q(`DELETE FROM import_stage s USING import_dups d WHERE s.key = d.key AND s.row_no <> d.leader`);
    }
  }

  // 2. Matches against records already in the workspace (the oldest record wins a tie).
  if (key && (o.onMatch !== 'create' || o.tagOnly)) {
    await q(
      `UPDATE import_stage s SET existing_id = m.id
       FROM (SELECT DISTINCT ON (${key.key}) ${key.key} AS key, c.id FROM ${spec.table} c
             WHERE c.workspace_id = $1 AND ${key.column} IN (SELECT key${key.cast} FROM import_stage WHERE key IS NOT NULL)
             ORDER BY ${key.key}, c.id) m
       WHERE s.key = m.key`,
      [ws],
    );
  }
  // The statistics taken above knew no matches yet (existing_id all null): with them the planner
  // expects one matched row and joins the update's before-images to its result by a nested loop,
  // n² in the matches (57 s for 9,890 matches at 100,000 rows, issue 14). Taken again now.
  if (key && (o.onMatch !== 'create' || o.tagOnly)) await q('ANALYZE import_stage (existing_id)');
  const skipMatched = o.onMatch === 'skip' && !o.tagOnly;
  // Rows that will create or change something.
  const active = skipMatched ? 's.existing_id IS NULL' : 'true';

  // 2b. BILL-1: new records beyond the plan's limit are left out, in file order, each reported.
  let limitMessage: string | null = null;
  if (o.admitNew) {
    const want = Number((await q(`SELECT count(*) AS n FROM import_stage WHERE existing_id IS NULL`)).rows[0].n);
    const admitted = await o.admitNew(want);
    if (admitted.granted < want) {
      limitMessage = admitted.message;
      await q(
        `WITH cut AS (DELETE FROM import_stage WHERE row_no IN (SELECT row_no FROM import_stage WHERE existing_id IS NULL ORDER BY row_no OFFSET $3) RETURNING row_no)
         INSERT INTO import_row_errors (workspace_id, import_id, seq, row, "column", reason, value)
         SELECT $1, $2, $4::int + row_number() OVER (ORDER BY row_no), row_no, NULL, $5, NULL FROM cut`,
        [...p, admitted.granted, o.reportSeq + duplicates, `Not imported: ${admitted.message ?? 'the plan limit is reached.'}`],
      );
    }
  }

  // 3. Contacts name their company: existing companies by name, new ones created.
  const companies = o.object === 'contacts';
  if (companies) {
    await q(
      `CREATE TEMP TABLE import_company_map ON COMMIT DROP AS
       SELECT DISTINCT ON (lower(c.name)) lower(c.name) AS lname, c.id FROM companies c
       WHERE c.workspace_id = $1 AND lower(c.name) IN (SELECT lower(company_name) FROM import_stage WHERE company_name IS NOT NULL)
       ORDER BY lower(c.name), c.id`,
      [ws],
    );
    await q(
      `WITH names AS (
         SELECT DISTINCT ON (lower(s.company_name)) s.company_name, COALESCE(s.owner_explicit, s.owner_default) AS owner FROM import_stage s
         WHERE s.company_name IS NOT NULL AND ${active}
           AND lower(s.company_name) NOT IN (SELECT lname FROM import_company_map)
         ORDER BY lower(s.company_name), s.row_no),
       ins AS (INSERT INTO companies (workspace_id, id, name, owner_user_id) SELECT $1, ${o.idExpr}, company_name, owner FROM names RETURNING id, name),
       rec AS (INSERT INTO import_records (workspace_id, import_id, record_type, record_id, action, version_after) SELECT $1, $2, 'companies', id, 'created', 1 FROM ins)
       INSERT INTO import_company_map SELECT lower(name), id FROM ins`,
      p,
    );
  }
  const cmJoin = companies ? 'LEFT JOIN import_company_map cm ON cm.lname = lower(s.company_name)' : '';

  // 4. Updates of matched records, keeping each one's before-image; a row that changes nothing is skipped.
  let updated = 0;
  if (key && o.onMatch === 'update' && !o.tagOnly) {
    const sets = spec.update.map(([c, e]) => `${c} = ${e}`);
    const changed = `ROW(${spec.update.map(([, e]) => e).join(', ')}) IS DISTINCT FROM ROW(${spec.update.map(([c]) => `c.${c}`).join(', ')})`;
    const r = await q(
      `WITH cand AS (
         SELECT c.id, to_jsonb(c) - 'words' AS before FROM import_stage s JOIN ${spec.table} c ON c.workspace_id = $1 AND c.id = s.existing_id),
       upd AS (
         UPDATE ${spec.table} c SET ${sets.join(', ')}, version = c.version + 1, updated_at = now()
         FROM import_stage s ${cmJoin}
         WHERE c.workspace_id = $1 AND c.id = s.existing_id AND ${changed}
         RETURNING c.id, c.version)
       INSERT INTO import_records (workspace_id, import_id, record_type, record_id, action, before, version_after)
       SELECT $1, $2, '${spec.table}', upd.id, 'updated', cand.before, upd.version FROM upd JOIN cand ON cand.id = upd.id`,
      p,
    );
    updated = r.rowCount ?? 0;
  }

  // 5. New records.
  const ins = await q(
    `WITH ins AS (
       INSERT INTO ${spec.table} (workspace_id, id, ${spec.insert.map(([c]) => c).join(', ')})
       SELECT $1, s.new_id, ${spec.insert.map(([, e]) => e).join(', ')} FROM import_stage s ${cmJoin}
       WHERE s.existing_id IS NULL
       RETURNING id)
     INSERT INTO import_records (workspace_id, import_id, record_type, record_id, action, version_after)
     SELECT $1, $2, '${spec.table}', id, 'created', 1 FROM ins`,
    p,
  );
  const created = ins.rowCount ?? 0;

  // 6. Tags: named in a column, or one tag for the whole import (an email list). Links added to
  // records that already existed are remembered so that undo removes exactly those.
  const hasTags = (await q(`SELECT EXISTS (SELECT 1 FROM import_stage WHERE tags IS NOT NULL) AS any`)).rows[0].any as boolean;
  if (hasTags || o.tagName) {
    const names = `SELECT unnest(string_to_array(s.tags, ${SEP})) AS n FROM import_stage s WHERE s.tags IS NOT NULL AND ${active}` + (o.tagName ? ` UNION ALL SELECT $3::text` : '');
    const tp = o.tagName ? [...p, o.tagName] : p;
    await q(
      `WITH ins AS (
         INSERT INTO tags (workspace_id, id, name) SELECT $1, ${o.idExpr}, n FROM (SELECT DISTINCT ON (lower(n)) n FROM (${names}) x ORDER BY lower(n), n) y
         ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id)
       INSERT INTO import_records (workspace_id, import_id, record_type, record_id, action) SELECT $1, $2, 'tags', id, 'created' FROM ins`,
      tp,
    );
    const links =
      `SELECT COALESCE(s.existing_id, s.new_id) AS record_id, t.id AS tag_id FROM import_stage s CROSS JOIN LATERAL unnest(string_to_array(s.tags, ${SEP})) n
         JOIN tags t ON t.workspace_id = $1 AND t.name = n::citext WHERE s.tags IS NOT NULL AND ${active}` +
      (o.tagName ? ` UNION SELECT COALESCE(s.existing_id, s.new_id), t.id FROM import_stage s JOIN tags t ON t.workspace_id = $1 AND t.name = $3::citext WHERE ${active}` : '');
    await q(
      `WITH ins AS (
         INSERT INTO record_tags (workspace_id, tag_id, record_type, record_id) SELECT DISTINCT $1::uuid, tag_id, '${spec.table}', record_id FROM (${links}) l
         ON CONFLICT DO NOTHING RETURNING record_id, tag_id)
       INSERT INTO import_records (workspace_id, import_id, record_type, record_id, action, added_tag_ids)
       SELECT $1, $2, '${spec.table}', record_id, 'tagged', array_agg(tag_id) FROM ins GROUP BY record_id
       ON CONFLICT (workspace_id, import_id, record_type, record_id) DO UPDATE SET added_tag_ids = EXCLUDED.added_tag_ids`,
      tp,
    );
    if (o.tagOnly) {
      const r = await q(`SELECT count(*)::int AS n FROM import_records WHERE workspace_id = $1 AND import_id = $2 AND record_type = 'contacts' AND action = 'tagged'`, p);
      updated = r.rows[0].n;
    }
  }
  return { created, updated, duplicates, limitMessage };
}
