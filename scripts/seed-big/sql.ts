// SQL that builds the records of one generated workspace inside PostgreSQL, a batch per
// statement: `generate_series` numbers the rows and `hashint8extended(i, key)` stands in for a
// random generator, so the same seed gives the same rows and nothing crosses the wire but SQL.
//
// Every row's id is a UUIDv7 whose time part is the row's `created_at` and whose random part
// is an md5 of (key, index): a row's id can be recomputed from its index alone, which is how
// contacts point at companies and deals at contacts without a look-up.
import * as words from './words';

/** Session helpers, gone when the connection closes. Created once per connection. */
export const sessionSetup = [
  `CREATE OR REPLACE FUNCTION pg_temp.rnd(k bigint, i bigint) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$ SELECT hashint8extended(i, k) & 9223372036854775807 $$`,
  // 48-bit milliseconds, version 7, 12 random bits, variant 10, 62 random bits (two hashes).
  `CREATE OR REPLACE FUNCTION pg_temp.v7(ts_ms bigint, k bigint, i bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
     AS $$ SELECT (lpad(to_hex(ts_ms), 12, '0') || '7' || lpad(to_hex(hashint8extended(i, k) & 4095), 3, '0')
                   || to_hex(8 + (hashint8extended(i, k + 7919) & 3)) || lpad(to_hex((hashint8extended(i, k + 7919) >> 4) & 1152921504606846975), 15, '0'))::uuid $$`,
  `SET synchronous_commit = off`,
  `SET work_mem = '128MB'`,
  `SET temp_buffers = '256MB'`,
  // New rows go to the GIN indexes' pending lists (trigram search, custom fields) and are merged in bulk.
  `SET gin_pending_list_limit = '64MB'`,
  `SET client_min_messages = warning`,
];

/** Salts: one per kind of random choice, so that no two choices about a row are correlated. */
export const salt = {
  workspaceId: 1, userId: 2, pipelineId: 3, stageId: 4, tagId: 5, fieldId: 6,
  companyId: 10, contactId: 11, dealId: 12, activityId: 13,
  // contacts
  first: 20, last: 21, place: 22, hasCompany: 23, company: 24, email: 25, emailStyle: 26, mailDomain: 27, phone: 28, phoneDigits: 29,
  title: 30, street: 31, source: 32, lifecycle: 33, consent: 34, owner: 35, custom1: 36, custom2: 37, custom3: 38, tags: 39, updated: 40, noName: 41,
  // companies
  coPlace: 50, coSuffix: 51, coIndustry: 52, coSize: 53, coOwner: 54, coStreet: 55, coCustom: 56, coTags: 57, coPostal: 58,
  // deals
  dealContact: 60, dealStage: 61, dealAmount: 62, dealWord: 63, dealOwner: 64, dealClose: 65, dealCustom: 66, dealTags: 67,
  // activities
  actCount: 70, actKind: 71, actTime: 72, actDetail: 73, actAuthor: 74,
} as const;

export interface WorkspacePlan {
  index: number;
  workspaceId: string;
  /** Base of this workspace's hash keys: seed and workspace index. */
  key: bigint;
  contacts: number;
  companies: number;
  deals: number;
  activitiesPerContact: number;
  currency: string;
  /** Team members who own records, by user id. */
  team: string[];
  /** The generated data ends here (the "now" of the dataset), in ms since the epoch. */
  anchorMs: number;
}

const DAY = 86_400_000;
const YEAR = 365 * DAY;
/** How far back records were created: companies first, then contacts, then deals. */
export const spans = { companies: 4 * YEAR, contacts: 3 * YEAR, deals: 2 * YEAR };

export const k = (plan: WorkspacePlan, s: number) => (plan.key + BigInt(s)).toString();
/** A value in [0, 2^63) for row `i`, different for each salt. */
const r = (plan: WorkspacePlan, s: number, i: string) => `pg_temp.rnd(${k(plan, s)}, ${i})`;
/** Creation time (ms) of row `i` of `n`, spread evenly over `span` ending at the anchor. */
export const tsOf = (plan: WorkspacePlan, n: number, span: number, i: string) => `(${plan.anchorMs - span}::bigint + (${i}::bigint * ${span}::bigint) / ${Math.max(n, 1)})`;
const pick = (list: readonly string[], rand: string) => `(${arr(list)})[1 + ${rand} % ${list.length}]`;
export const arr = (list: readonly string[]) => `ARRAY[${list.map(lit).join(',')}]::text[]`;
export const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** Letters and digits of a name without accents, for email local parts and domains: "Núñez" → "nunez". */
export function slug(name: string): string {
  const special: Record<string, string> = { ø: 'o', ł: 'l', ß: 'ss', ı: 'i', đ: 'd', æ: 'ae', œ: 'oe', å: 'a' };
  return name.toLowerCase().replace(/[øłßıđæœå]/g, (c) => special[c]!).normalize('NFD').replace(/[^a-z0-9]/g, '');
}
const msToTs = (ms: string) => `to_timestamp((${ms})::double precision / 1000)`;

export const contactId = (plan: WorkspacePlan, i: string) => `pg_temp.v7(${tsOf(plan, plan.contacts, spans.contacts, i)}, ${k(plan, salt.contactId)}, ${i})`;
/** Index of contact `i`'s company, or NULL (a fifth of the contacts have none). */
export const contactCompanyIndex = (plan: WorkspacePlan, i: string) =>
  plan.companies > 0 ? `CASE WHEN ${r(plan, salt.hasCompany, i)} % 100 < 80 THEN ${r(plan, salt.company, i)} % ${plan.companies} END` : 'NULL::bigint';
/** 1-based positions in the name lists; a few contacts have no last name. */
const firstIndex = (plan: WorkspacePlan, i: string) => `(1 + ${r(plan, salt.first, i)} % ${words.firstNames.length})`;
const lastIndex = (plan: WorkspacePlan, i: string) => `CASE WHEN ${r(plan, salt.noName, i)} % 100 >= 2 THEN 1 + ${r(plan, salt.last, i)} % ${words.lastNames.length} END`;
const contactFirst = (plan: WorkspacePlan, i: string) => `(${arr(words.firstNames)})[${firstIndex(plan, i)}]`;
const contactLast = (plan: WorkspacePlan, i: string) => `(${arr(words.lastNames)})[${lastIndex(plan, i)}]`;

/**
 * The places, one row per weight unit (100 in all), and the generated companies of the
 * workspace by index: contacts and deals join them to copy a company's id, name and domain.
 */
export function placesTableSql(): string {
  const rows = words.places.flatMap((p) => Array.from({ length: p.weight }, () => p));
  const tld: Record<string, string> = { US: 'com', IN: 'in', GB: 'co.uk', DE: 'de', CA: 'ca', AU: 'com.au' };
  const values = rows.map((p, slot) =>
    `(${slot}, ${lit(p.city)}, ${lit(p.state)}, ${lit(p.country)}, ${lit(p.postal)}, ${lit(p.postalKind)}, ${10 ** Math.max(0, p.postalLength - p.postal.length)}, ${Math.max(0, p.postalLength - p.postal.length)}, ` +
    `${lit(p.timeZone)}, ${lit(p.phoneKind)}, ${lit(p.countryCode)}, ${arr(p.phonePrefixes)}, ${p.phoneLength}, ${10 ** p.phoneLength}, ${lit(tld[p.country] ?? 'com')})`,
  );
  return `DROP TABLE IF EXISTS pg_temp.seed_place;
    CREATE TEMP TABLE seed_place (slot int PRIMARY KEY, city text, state text, country text, postal text, postal_kind text, postal_mod int, postal_digits int,
      time_zone text, phone_kind text, country_code text, phone_prefixes text[], phone_length int, phone_mod bigint, tld text);
    INSERT INTO seed_place VALUES ${values.join(',\n')};
    ANALYZE seed_place;`;
}
export const placeSlots = () => words.places.reduce((n, p) => n + p.weight, 0);

const postalCode = (p: string, rand: string) => `CASE ${p}.postal_kind
    WHEN 'digits' THEN ${p}.postal || lpad((${rand} % ${p}.postal_mod)::text, ${p}.postal_digits, '0')
    WHEN 'outward' THEN ${p}.postal || ' ' || (${rand} % 10)::text || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + ((${rand} / 10) % 20)::int, 1) || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + ((${rand} / 200) % 20)::int, 1)
    ELSE ${p}.postal || ' ' || (${rand} % 10)::text || substr('ABCEGHJKLMNPRSTVWXYZ', 1 + ((${rand} / 10) % 20)::int, 1) || ((${rand} / 200) % 10)::text END`;
const ownerOf = (plan: WorkspacePlan, rand: string) => `CASE WHEN ${rand} % 100 < 5 THEN NULL ELSE (${arr(plan.team)}::uuid[])[1 + (${rand} / 100) % ${plan.team.length}] END`;
const isoDate = (ms: string) => `to_char(${msToTs(ms)} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;

/** Companies are built into a temp table first; contacts and deals read names and domains from it. */
export function companiesSql(plan: WorkspacePlan): string[] {
  const P = words.companyPrefixes.length;
  const C = words.companyCores.length;
  const ts = tsOf(plan, plan.companies, spans.companies, 'j');
  return [
    `DROP TABLE IF EXISTS pg_temp.seed_co`,
    `CREATE TEMP TABLE seed_co AS
      SELECT j, pg_temp.v7(${ts}, ${k(plan, salt.companyId)}, j) AS id, ${ts} AS ts, name, n.slug || CASE WHEN b > 0 THEN b::text ELSE '' END || '.' ||
               CASE WHEN core = 'Software' AND p.country = 'US' THEN 'io' ELSE p.tld END AS domain, p.slot
      FROM (SELECT j, (${arr(words.companyPrefixes)})[1 + a] AS prefix, (${arr(words.companyCores)})[1 + b2] AS core,
                   (${arr(words.companyPrefixes.map(slug))})[1 + a] || (${arr(words.companyCores.map(slug))})[1 + b2] AS slug, b
            FROM (SELECT j, j % ${P} AS a, ((j / ${P}) % ${C} + (j % ${P}) * 7) % ${C} AS b2, j / ${P * C} AS b FROM generate_series(0, ${plan.companies - 1}::bigint) AS j) ix) n
      CROSS JOIN LATERAL (SELECT trim(n.prefix || ' ' || n.core || ' ' || ${pick(words.companySuffixes, r(plan, salt.coSuffix, 'n.j'))}) AS name) s
      JOIN seed_place p ON p.slot = ${r(plan, salt.coPlace, 'n.j')} % ${placeSlots()}`,
    `ALTER TABLE seed_co ADD PRIMARY KEY (j)`,
    `ANALYZE seed_co`,
  ];
}

export function insertCompaniesSql(plan: WorkspacePlan, lo: number, hi: number): string {
  const rr = (s: number) => r(plan, s, 'c.j');
  return `INSERT INTO companies (workspace_id, id, name, domain, industry, size, address_line1, city, state, postal_code, country, owner_user_id, custom, created_at, updated_at)
    SELECT ${lit(plan.workspaceId)}::uuid, c.id, c.name, c.domain, ${pick(words.industries, rr(salt.coIndustry))}, ${pick(words.companySizes, rr(salt.coSize))},
      CASE WHEN ${rr(salt.coStreet)} % 100 < 85 THEN (1 + ${rr(salt.coStreet)} / 100 % 9800)::text || ' ' || ${pick(words.streets, `(${rr(salt.coStreet)} / 1000000)`)} END,
      p.city, p.state, ${postalCode('p', rr(salt.coPostal))}, p.country, ${ownerOf(plan, rr(salt.coOwner))},
      jsonb_strip_nulls(jsonb_build_object(
        'segment', CASE WHEN ${rr(salt.coCustom)} % 100 < 80 THEN (ARRAY['SMB','SMB','SMB','Mid-market','Enterprise'])[1 + ${rr(salt.coCustom)} / 100 % 5] END,
        'employees', CASE WHEN ${rr(salt.coCustom)} / 1000 % 100 < 60 THEN 1 + ${rr(salt.coCustom)} / 100000 % 2000 END,
        'founded_on', CASE WHEN ${rr(salt.coCustom)} / 1000 % 100 < 40 THEN ${isoDate(`c.ts - ${YEAR}::bigint * (1 + ${rr(salt.coCustom)} / 7 % 40)`)} END,
        'account_notes', CASE WHEN ${rr(salt.coCustom)} / 10 % 100 < 10 THEN 'Prefers email; invoices quarterly.' END)),
      ${msToTs('c.ts')}, ${msToTs(`least(${plan.anchorMs}::bigint, c.ts + ${rr(salt.coCustom)} % ${30 * DAY})`)}
    FROM seed_co c JOIN seed_place p ON p.slot = c.slot
    WHERE c.j >= ${lo} AND c.j < ${hi}`;
}

export function insertContactsSql(plan: WorkspacePlan, lo: number, hi: number): string {
  const rr = (s: number) => r(plan, s, 'g.i');
  const rx = (s: number) => r(plan, s, 'x.i');
  const ry = (s: number) => r(plan, s, 'y.i');
  const ts = tsOf(plan, plan.contacts, spans.contacts, 'g.i');
  const freeLocal = `CASE ${rx(salt.emailStyle)} % 5 WHEN 0 THEN x.fs || '.' || x.ls WHEN 1 THEN x.fs || x.ls WHEN 2 THEN left(x.fs, 1) || x.ls WHEN 3 THEN x.fs || '_' || x.ls ELSE x.fs END || x.i::text`;
  const workLocal = `CASE WHEN ${rx(salt.emailStyle)} % 3 = 0 AND x.ls <> '' THEN left(x.fs, 1) || x.ls WHEN x.ls <> '' THEN x.fs || '.' || x.ls ELSE x.fs END`;
  return `WITH g AS MATERIALIZED (
      SELECT g.i, ${ts} AS ts, ${firstIndex(plan, 'g.i')} AS fi, ${lastIndex(plan, 'g.i')} AS li,
             ${contactCompanyIndex(plan, 'g.i')} AS co_j, ${rr(salt.place)} % ${placeSlots()} AS slot,
             ${rr(salt.email)} AS re, ${rr(salt.phoneDigits)} AS rp, ${rr(salt.street)} AS rs, ${rr(salt.lifecycle)} AS rl,
             ${rr(salt.custom1)} AS rc1, ${rr(salt.custom2)} AS rc2
      FROM generate_series(${lo}::bigint, ${hi - 1}::bigint) AS g(i)),
    x AS MATERIALIZED (
      SELECT g.*, (${arr(words.firstNames)})[g.fi] AS first_name, (${arr(words.lastNames)})[g.li] AS last_name,
             (${arr(words.firstNames.map(slug))})[g.fi] AS fs, coalesce((${arr(words.lastNames.map(slug))})[g.li], '') AS ls, co.id AS company_id, co.domain AS co_domain,
             CASE WHEN g.rl % 100 < 50 THEN 'lead' WHEN g.rl % 100 < 75 THEN 'prospect' WHEN g.rl % 100 < 95 THEN 'customer' ELSE 'churned' END AS lifecycle
      FROM g LEFT JOIN seed_co co ON co.j = g.co_j),
    y AS MATERIALIZED (
      SELECT x.*, p.city, p.state, p.country, p.time_zone, ${postalCode('p', 'x.rs')} AS postal_code,
             (x.rs / 1000) % 100 < 88 AS located,
             CASE WHEN x.re % 100 < 4 THEN NULL
                  WHEN x.co_domain IS NOT NULL AND x.re % 100 < 45 THEN ${workLocal} || '@' || x.co_domain
                  ELSE ${freeLocal} || '@' || ${pick(words.freeMailDomains, rx(salt.mailDomain))} END AS email,
             CASE WHEN x.re % 100 >= 4 AND x.re / 100 % 100 < 10 AND x.ls <> '' THEN x.ls || '.' || x.fs || x.i::text || '@' || ${pick(words.freeMailDomains, `(${rx(salt.mailDomain)} / 100)`)} END AS email2,
             CASE WHEN x.rp % 100 < 85 THEN '+' || p.country_code || p.phone_prefixes[1 + (x.rp / 100) % cardinality(p.phone_prefixes)] ||
                  CASE p.phone_kind WHEN 'nanp' THEN (2 + (x.rp / 10000) % 8)::text || lpad(((x.rp / 100000) % 1000000)::text, 6, '0')
                       ELSE lpad(((x.rp / 10000) % p.phone_mod)::text, p.phone_length, '0') END END AS phone
      FROM x JOIN seed_place p ON p.slot = x.slot)
    INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, phone, phones, title, company_id, address_line1, city, state, postal_code, country,
      time_zone, owner_user_id, source, lifecycle, consent_state, restricted, custom, created_at, updated_at)
    SELECT ${lit(plan.workspaceId)}::uuid, pg_temp.v7(y.ts, ${k(plan, salt.contactId)}, y.i), y.first_name, y.last_name, y.email,
      CASE WHEN y.email IS NULL THEN '{}'::text[] WHEN y.email2 IS NULL THEN ARRAY[y.email] ELSE ARRAY[y.email, y.email2] END,
      y.phone, CASE WHEN y.phone IS NULL THEN '{}'::text[] ELSE ARRAY[y.phone] END,
      CASE WHEN ${ry(salt.title)} % 100 < 80 THEN ${pick(words.titles, `(${ry(salt.title)} / 100)`)} END,
      y.company_id,
      CASE WHEN y.located AND (y.rs / 100000) % 100 < 80 THEN (1 + (y.rs / 10000000) % 9800)::text || ' ' || ${pick(words.streets, '(y.rs / 100000000000)')} END,
      CASE WHEN y.located THEN y.city END, CASE WHEN y.located THEN y.state END, CASE WHEN y.located THEN y.postal_code END,
      CASE WHEN y.located THEN y.country END, CASE WHEN y.located THEN y.time_zone END,
      ${ownerOf(plan, ry(salt.owner))}, ${pick(words.sources, ry(salt.source))}, y.lifecycle,
      CASE WHEN ${ry(salt.consent)} % 100 < 50 THEN 'unknown' WHEN ${ry(salt.consent)} % 100 < 85 THEN 'granted' WHEN ${ry(salt.consent)} % 100 < 95 THEN 'denied' ELSE 'withdrawn' END,
      ${ry(salt.consent)} / 100 % 1000 < 10,
      jsonb_strip_nulls(jsonb_build_object(
        'loyalty_tier', CASE WHEN y.rc1 % 100 < 60 THEN CASE WHEN y.rc1 / 100 % 100 < 50 THEN 'Bronze' WHEN y.rc1 / 100 % 100 < 80 THEN 'Silver' WHEN y.rc1 / 100 % 100 < 95 THEN 'Gold' ELSE 'Platinum' END END,
        'lifetime_value', CASE WHEN y.lifecycle IN ('customer', 'churned') THEN round((y.rc1 / 10000 % 5000000)::numeric / 100, 2) END,
        'first_purchase', CASE WHEN y.lifecycle IN ('customer', 'churned') THEN ${isoDate(`y.ts + (y.rc2 % ${180 * DAY})`)} END,
        'referral_code', CASE WHEN y.rc2 / 1000 % 100 < 15 THEN upper(substr(md5(y.i::text || 'ref'), 1, 8)) END,
        'newsletter_opt_in', CASE WHEN y.rc2 / 100000 % 100 < 50 THEN y.rc2 / 10000000 % 2 = 0 END)),
      ${msToTs('y.ts')}, ${msToTs(`least(${plan.anchorMs}::bigint, y.ts + ${ry(salt.updated)} % ${45 * DAY})`)}
    FROM y`;
}

export function insertDealsSql(plan: WorkspacePlan, lo: number, hi: number): string {
  const rr = (s: number) => r(plan, s, 'g.i');
  const rx = (s: number) => r(plan, s, 'x.i');
  const ts = tsOf(plan, plan.deals, spans.deals, 'g.i');
  const hasContact = plan.contacts > 0 ? `${rr(salt.dealContact)} % 100 < 90` : 'false';
  return `WITH g AS MATERIALIZED (
      SELECT g.i, ${ts} AS ts, CASE WHEN ${hasContact} THEN ${rr(salt.dealContact)} / 100 % ${Math.max(plan.contacts, 1)} END AS c,
             ${rr(salt.dealStage)} % 100 AS stage_slot, ${rr(salt.dealAmount)} AS ra, ${rr(salt.dealClose)} AS rc, ${rr(salt.dealCustom)} AS rx
      FROM generate_series(${lo}::bigint, ${hi - 1}::bigint) AS g(i)),
    x AS MATERIALIZED (
      SELECT g.*, CASE WHEN g.c IS NOT NULL THEN ${contactId(plan, 'g.c')} END AS contact_id,
             CASE WHEN g.c IS NOT NULL THEN ${contactCompanyIndex(plan, 'g.c')} ELSE ${plan.companies > 0 ? `g.rx % ${plan.companies}` : 'NULL::bigint'} END AS co_j,
             CASE WHEN g.c IS NOT NULL THEN coalesce(${contactLast(plan, 'g.c')}, ${contactFirst(plan, 'g.c')}) END AS person
      FROM g)
    INSERT INTO deals (workspace_id, id, name, pipeline_id, stage_id, amount, currency, expected_close_date, probability, owner_user_id, contact_id, company_id,
      status, lost_reason, closed_at, custom, created_at, updated_at)
    SELECT ${lit(plan.workspaceId)}::uuid, pg_temp.v7(x.ts, ${k(plan, salt.dealId)}, x.i),
      coalesce(co.name, x.person, 'Walk-in') || ' – ' || ${pick(words.dealWords, rx(salt.dealWord))},
      s.pipeline_id, s.stage_id,
      CASE WHEN x.ra % 100 < 95 THEN ((1 + x.ra / 100 % 999) * (ARRAY[5, 10, 10, 25, 50, 100, 250, 1000])[1 + x.ra / 100000 % 8])::numeric(14, 2) END,
      ${lit(plan.currency)},
      (${msToTs(`x.ts + ${14 * DAY}::bigint + x.rc % ${120 * DAY}`)})::date,
      s.probability, ${ownerOf(plan, rx(salt.dealOwner))}, x.contact_id, co.id, s.kind,
      CASE WHEN s.kind = 'lost' THEN ${pick(words.lostReasons, '(x.rc / 7)')} END,
      CASE WHEN s.kind <> 'open' THEN ${msToTs(`least(${plan.anchorMs}::bigint, x.ts + ${7 * DAY}::bigint + x.rc % ${90 * DAY})`)} END,
      jsonb_strip_nulls(jsonb_build_object(
        'deal_type', CASE WHEN x.rx % 100 < 85 THEN (ARRAY['New business', 'New business', 'Upsell', 'Renewal'])[1 + x.rx / 100 % 4] END,
        'competitor', CASE WHEN x.rx / 1000 % 100 < 30 THEN ${pick(words.competitors, '(x.rx / 100000)')} END,
        'signed_on', CASE WHEN s.kind = 'won' THEN ${isoDate(`least(${plan.anchorMs}::bigint, x.ts + ${7 * DAY}::bigint + x.rc % ${90 * DAY})`)} END)),
      ${msToTs('x.ts')}, ${msToTs(`least(${plan.anchorMs}::bigint, x.ts + x.rc % ${20 * DAY})`)}
    FROM x JOIN seed_stage s ON s.slot = x.stage_slot
    LEFT JOIN seed_co co ON co.j = x.co_j`;
}

/** Tags on about a third of the records: one, sometimes two different ones. */
export function insertRecordTagsSql(plan: WorkspacePlan, table: 'contacts' | 'companies' | 'deals', tagIds: string[], lo: number, hi: number): string {
  const n = { contacts: plan.contacts, companies: plan.companies, deals: plan.deals }[table];
  const span = spans[table];
  const idSalt = { contacts: salt.contactId, companies: salt.companyId, deals: salt.dealId }[table];
  const tagSalt = { contacts: salt.tags, companies: salt.coTags, deals: salt.dealTags }[table];
  const nt = tagIds.length;
  return `INSERT INTO record_tags (workspace_id, tag_id, record_type, record_id, created_at)
    SELECT ${lit(plan.workspaceId)}::uuid, (${arr(tagIds)}::uuid[])[1 + t.slot], ${lit(table)}, pg_temp.v7(g.ts, ${k(plan, idSalt)}, g.i), to_timestamp(g.ts::double precision / 1000)
    FROM (SELECT i, ${tsOf(plan, n, span, 'i')} AS ts, ${r(plan, tagSalt, 'i')} AS rt FROM generate_series(${lo}::bigint, ${hi - 1}::bigint) AS i) g
    CROSS JOIN LATERAL (VALUES (g.rt / 100 % ${nt}), (CASE WHEN g.rt % 100 < 8 THEN (g.rt / 100 % ${nt} + 1 + g.rt / 10000 % ${Math.max(nt - 1, 1)}) % ${nt} END)) AS t(slot)
    WHERE g.rt % 100 < 33 AND t.slot IS NOT NULL`;
}

/**
 * Timelines: each contact gets 0 … 2N activities (N on average) between its creation and the
 * anchor, linked to the contact and, inferred, to its company.
 */
export function insertActivitiesSql(plan: WorkspacePlan, lo: number, hi: number): string[] {
  const per = plan.activitiesPerContact;
  const ts = tsOf(plan, plan.contacts, spans.contacts, 'i');
  const kinds = `CASE WHEN a.rk % 100 < 30 THEN 'note' WHEN a.rk % 100 < 55 THEN 'call' WHEN a.rk % 100 < 80 THEN 'email' WHEN a.rk % 100 < 90 THEN 'meeting' ELSE 'task' END`;
  const base = `DROP TABLE IF EXISTS pg_temp.seed_act;
    CREATE TEMP TABLE seed_act AS
    SELECT a.*, ${kinds} AS kind, pg_temp.v7(a.at, ${k(plan, salt.activityId)}, a.c * 64 + a.n) AS id
    FROM (
      SELECT c.i AS c, n.n, c.ts, c.contact_id, c.co_j,
             c.ts + (pg_temp.rnd(${k(plan, salt.actTime)}, c.i * 64 + n.n) % greatest(${plan.anchorMs}::bigint - c.ts, 1)) AS at,
             pg_temp.rnd(${k(plan, salt.actKind)}, c.i * 64 + n.n) AS rk, pg_temp.rnd(${k(plan, salt.actDetail)}, c.i * 64 + n.n) AS rd,
             pg_temp.rnd(${k(plan, salt.actAuthor)}, c.i * 64 + n.n) AS ra
      FROM (SELECT i, ${ts} AS ts, ${contactId(plan, 'i')} AS contact_id, ${contactCompanyIndex(plan, 'i')} AS co_j
            FROM generate_series(${lo}::bigint, ${hi - 1}::bigint) AS i) c
      CROSS JOIN LATERAL generate_series(0, (pg_temp.rnd(${k(plan, salt.actCount)}, c.i) % ${2 * per + 1})::int - 1) AS n(n)) a`;
  const at = `to_timestamp(a.at::double precision / 1000)`;
  const minutes = (m: string) => `make_interval(mins => (${m})::int)`;
  const insert = `INSERT INTO activities (workspace_id, id, kind, subject, body, body_text, occurred_at, call_outcome, call_duration_seconds, email_direction, email_from, email_to,
      meeting_starts_at, meeting_ends_at, meeting_location, task_due_at, assignee_user_id, completed_at, completed_by_user_id, author_user_id, created_at, updated_at)
    SELECT ${lit(plan.workspaceId)}::uuid, a.id, a.kind,
      CASE a.kind WHEN 'call' THEN 'Call' WHEN 'email' THEN ${pick(['Quote', 'Follow-up', 'Re: your order', 'Invoice question', 'Meeting notes'], '(a.rd / 7)')}
                  WHEN 'meeting' THEN ${pick(['Discovery call', 'Demo', 'Quarterly review', 'Site visit'], '(a.rd / 7)')}
                  WHEN 'task' THEN ${pick(['Send quote', 'Call back', 'Prepare proposal', 'Check in'], '(a.rd / 7)')} END,
      '<p>' || ${pick(['Spoke about pricing for next quarter.', 'Wants a demo with the team.', 'Asked for references.', 'Happy with the last delivery.', 'Budget approved; waiting on legal.'], '(a.rd / 11)')} || '</p>',
      ${pick(['Spoke about pricing for next quarter.', 'Wants a demo with the team.', 'Asked for references.', 'Happy with the last delivery.', 'Budget approved; waiting on legal.'], '(a.rd / 11)')},
      ${at},
      CASE WHEN a.kind = 'call' THEN (ARRAY['connected', 'connected', 'left_voicemail', 'no_answer', 'busy', 'wrong_number'])[1 + a.rd % 6] END,
      CASE WHEN a.kind = 'call' THEN (a.rd / 10 % 1800)::int END,
      CASE WHEN a.kind = 'email' THEN (ARRAY['outbound', 'inbound'])[1 + a.rd % 2] END,
      NULL, '{}'::text[],
      CASE WHEN a.kind = 'meeting' THEN ${at} END, CASE WHEN a.kind = 'meeting' THEN ${at} + ${minutes('30 * (1 + a.rd % 4)')} END,
      CASE WHEN a.kind = 'meeting' THEN (ARRAY['Video call', 'Their office', 'Our office', 'Phone'])[1 + a.rd / 100 % 4] END,
      CASE WHEN a.kind = 'task' THEN ${at} + make_interval(days => (1 + a.rd % 14)::int) END,
      CASE WHEN a.kind = 'task' THEN (${arr(plan.team)}::uuid[])[1 + a.ra % ${plan.team.length}] END,
      CASE WHEN a.kind = 'task' AND a.at < ${plan.anchorMs - 14 * DAY}::bigint THEN ${at} + make_interval(days => (a.rd % 10)::int) END,
      CASE WHEN a.kind = 'task' AND a.at < ${plan.anchorMs - 14 * DAY}::bigint THEN (${arr(plan.team)}::uuid[])[1 + a.ra % ${plan.team.length}] END,
      (${arr(plan.team)}::uuid[])[1 + a.ra / 100 % ${plan.team.length}],
      ${at}, ${at}
    FROM seed_act a`;
  const links = `INSERT INTO activity_links (workspace_id, activity_id, record_type, record_id, occurred_at, kind, inferred)
    SELECT ${lit(plan.workspaceId)}::uuid, a.id, 'contacts', a.contact_id, to_timestamp(a.at::double precision / 1000), a.kind, false FROM seed_act a
    UNION ALL
    SELECT ${lit(plan.workspaceId)}::uuid, a.id, 'companies', co.id, to_timestamp(a.at::double precision / 1000), a.kind, true FROM seed_act a JOIN seed_co co ON co.j = a.co_j`;
  return [base, insert, links];
}
