// Builds the generated workspaces: team, pipeline, tags, custom fields, then the records in
// batches (see sql.ts). Runs as the database owner, outside row-level security, because it
// writes many workspaces at once; each row still carries its own workspace id.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { defaultPipeline } from '../../src/server/modules/crm/deals/list-pipelines';
import * as q from './sql';
import { tagColors, tagNames } from './words';

export interface SeedOptions {
  /** Records of the big workspace (the first). */
  contacts: number;
  companies: number;
  deals: number;
  activitiesPerContact: number;
  /** All workspaces, the big one included. */
  workspaces: number;
  /** Contacts of each other workspace; companies and deals scale with it. */
  otherContacts: number;
  seed: number;
  /** The "now" of the dataset: records are created before it. */
  anchor: Date;
}

export const defaultSeedOptions: SeedOptions = {
  contacts: 1_000_000,
  companies: 200_000,
  deals: 300_000,
  activitiesPerContact: 2,
  workspaces: 10,
  otherContacts: 10_000,
  seed: 1,
  anchor: new Date('2026-11-23T00:00:00Z'),
};

export interface SeededWorkspace {
  id: string;
  name: string;
  contacts: number;
  companies: number;
  deals: number;
  activities: number;
  ownerEmail: string;
}

export interface SeedSummary {
  workspaces: SeededWorkspace[];
  /** Sign-in of the big workspace's owner. */
  login: { email: string; password: string };
  seconds: number;
}

const profiles = [
  { name: 'Bayview Supply Co', category: 'Wholesale', city: 'San Francisco', state: 'CA', postalCode: '94107', country: 'US', timeZone: 'America/Los_Angeles', currency: 'USD' },
  { name: 'Chai & Co', category: 'Food & beverage', city: 'Bengaluru', state: 'KA', postalCode: '560001', country: 'IN', timeZone: 'Asia/Kolkata', currency: 'INR' },
  { name: 'Thames Dental', category: 'Health care', city: 'London', state: 'England', postalCode: 'EC1A 1BB', country: 'GB', timeZone: 'Europe/London', currency: 'GBP' },
  { name: 'Müller Elektro', category: 'Construction', city: 'Berlin', state: 'BE', postalCode: '10115', country: 'DE', timeZone: 'Europe/Berlin', currency: 'EUR' },
  { name: 'Lone Star Plumbing', category: 'Home services', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US', timeZone: 'America/Chicago', currency: 'USD' },
  { name: 'Maple Roofing', category: 'Construction', city: 'Toronto', state: 'ON', postalCode: 'M5V 2T6', country: 'CA', timeZone: 'America/Toronto', currency: 'CAD' },
  { name: 'Harbour Fitness', category: 'Fitness', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'AU', timeZone: 'Australia/Sydney', currency: 'AUD' },
  { name: 'Deccan Spices', category: 'Retail', city: 'Hyderabad', state: 'TG', postalCode: '500001', country: 'IN', timeZone: 'Asia/Kolkata', currency: 'INR' },
  { name: 'Brooklyn Bread Lab', category: 'Food & beverage', city: 'Brooklyn', state: 'NY', postalCode: '11201', country: 'US', timeZone: 'America/New_York', currency: 'USD' },
  { name: 'Pune Motors', category: 'Automotive', city: 'Pune', state: 'MH', postalCode: '411001', country: 'IN', timeZone: 'Asia/Kolkata', currency: 'INR' },
];

const team = [
  { role: 'owner', local: 'owner', name: 'Olivia Okafor' },
  { role: 'admin', local: 'admin', name: 'Arjun Mehta' },
  { role: 'staff', local: 'staff1', name: 'Sofía Núñez' },
  { role: 'staff', local: 'staff2', name: 'Jürgen Weiß' },
  { role: 'staff', local: 'staff3', name: 'Mei Chen' },
] as const;

const stageWeights = [25, 20, 15, 10, 18, 12]; // Lead-in … Lost, out of 100

const customFields = [
  { object: 'contacts', key: 'loyalty_tier', label: 'Loyalty tier', type: 'select', options: ['Bronze', 'Silver', 'Gold', 'Platinum'] },
  { object: 'contacts', key: 'lifetime_value', label: 'Lifetime value', type: 'number', options: [] },
  { object: 'contacts', key: 'first_purchase', label: 'First purchase', type: 'date', options: [] },
  { object: 'contacts', key: 'referral_code', label: 'Referral code', type: 'text', options: [] },
  { object: 'contacts', key: 'newsletter_opt_in', label: 'Newsletter opt-in', type: 'checkbox', options: [] },
  { object: 'companies', key: 'segment', label: 'Segment', type: 'select', options: ['SMB', 'Mid-market', 'Enterprise'] },
  { object: 'companies', key: 'employees', label: 'Employees', type: 'number', options: [] },
  { object: 'companies', key: 'founded_on', label: 'Founded', type: 'date', options: [] },
  { object: 'companies', key: 'account_notes', label: 'Account notes', type: 'text', options: [] },
  { object: 'deals', key: 'deal_type', label: 'Deal type', type: 'select', options: ['New business', 'Upsell', 'Renewal'] },
  { object: 'deals', key: 'competitor', label: 'Competitor', type: 'text', options: [] },
  { object: 'deals', key: 'signed_on', label: 'Signed on', type: 'date', options: [] },
] as const;

export const seedEmailDomain = (seed: number) => `seed${seed}.kestrel.localhost`;

type Log = (line: string) => void;

/**
 * Replaces the workspaces of this seed (same ids, same users) with freshly generated ones.
 * `hashPassword` hashes the big owner's new password the way the app does.
 */
export async function seedBig(ownerUrl: string, options: SeedOptions, hashPassword: (p: string) => Promise<string>, log: Log = () => {}): Promise<SeedSummary> {
  const began = performance.now();
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  client.on('error', () => {});
  try {
    for (const statement of q.sessionSetup) await client.query(statement);
    await client.query(q.placesTableSql());
    const hasActivities = (await client.query(`SELECT to_regclass('public.activities') IS NOT NULL AND to_regclass('public.activity_links') IS NOT NULL AS ok`)).rows[0].ok as boolean;
    if (!hasActivities && options.activitiesPerContact > 0) log('No activities table in this database yet: timelines are skipped.');

    const anchorMs = options.anchor.getTime();
    const seedKey = BigInt(options.seed) * 1_000_000n;
    const v7 = async (tsMs: number, key: bigint, i: number) => (await client.query(`SELECT pg_temp.v7($1, $2, $3) AS id`, [tsMs, key.toString(), i])).rows[0].id as string;
    const workspaceIds: string[] = [];
    for (let w = 0; w < options.workspaces; w++) workspaceIds.push(await v7(anchorMs - 5 * 365 * 86_400_000 + w, seedKey + 999_000n, w));

    // Index maintenance row by row costs far more than building each index once at the end;
    // deleting an earlier run is faster without them too.
    await dropSecondaryIndexes(client, log);
    // Without the checks, deleting a million contacts does not scan every referencing table once
    // per row (those columns' indexes are dropped above); the workspaces' own delete below runs
    // with them, so its cascades still clear every other table that points at the seeded rows.
    await skipForeignKeyChecks(client, log);
    await step(log, 'Removing an earlier run of this seed', async () => {
      // Children first, table by table: much faster than one cascade from the workspace rows.
      const present = (await client.query(`SELECT x FROM unnest($1::text[]) AS x WHERE to_regclass(x) IS NOT NULL`, [seededTables])).rows.map((r) => r.x as string);
      for (const t of [...bulkTables].reverse()) {
        if (present.includes(t)) await client.query(`DELETE FROM ${client.escapeIdentifier(t)} WHERE workspace_id = ANY($1::uuid[])`, [workspaceIds]);
      }
      const replica = (await client.query(`SHOW session_replication_role`)).rows[0].session_replication_role === 'replica';
      if (replica) await client.query(`SET session_replication_role = origin`);
      await client.query(`DELETE FROM workspaces WHERE id = ANY($1::uuid[])`, [workspaceIds]);
      await client.query(`DELETE FROM users WHERE email LIKE $1`, [`%@${seedEmailDomain(options.seed)}`]);
      if (replica) await client.query(`SET session_replication_role = replica`);
    });

    const password = `seed-${randomBytes(9).toString('base64url')}`;
    const passwordHash = await hashPassword(password);
    const seeded: SeededWorkspace[] = [];
    for (let w = 0; w < options.workspaces; w++) {
      const big = w === 0;
      const plan: q.WorkspacePlan = {
        index: w,
        workspaceId: workspaceIds[w]!,
        key: seedKey + BigInt(w) * 1000n,
        contacts: big ? options.contacts : options.otherContacts,
        companies: big ? options.companies : Math.round(options.otherContacts / 5),
        deals: big ? options.deals : Math.round((options.otherContacts * 3) / 10),
        activitiesPerContact: hasActivities ? options.activitiesPerContact : 0,
        currency: profiles[w % profiles.length]!.currency,
        team: [],
        anchorMs,
      };
      const profile = profiles[w % profiles.length]!;
      const name = w < profiles.length ? profile.name : `${profile.name} ${Math.floor(w / profiles.length) + 1}`;
      log(`Workspace ${w + 1}/${options.workspaces}: ${name} — ${plan.contacts.toLocaleString('en-US')} contacts, ${plan.companies.toLocaleString('en-US')} companies, ${plan.deals.toLocaleString('en-US')} deals`);
      const members = big ? team : team.filter((m) => m.role === 'owner' || m.local === 'staff1' || m.local === 'staff2');
      const emails = members.map((m) => `ws${w + 1}.${m.local}@${seedEmailDomain(options.seed)}`);
      const created = new Date(anchorMs - 5 * 365 * 86_400_000);
      for (const [m, member] of members.entries()) {
        const id = await v7(created.getTime() + m, plan.key + BigInt(q.salt.userId), m);
        plan.team.push(id);
        await client.query(
          `INSERT INTO users (id, email, name, password_hash, email_verified_at, age_confirmed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $5, $5)`,
          [id, emails[m], member.name, member.role === 'owner' ? passwordHash : null, created],
        );
      }
      await client.query(
        `INSERT INTO workspaces (id, name, category, city, state, postal_code, country, time_zone, currency, mailing_address, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
        [plan.workspaceId, name, profile.category, profile.city, profile.state, profile.postalCode, profile.country, profile.timeZone, profile.currency, `${profile.city}, ${profile.postalCode}, ${profile.country}`, created],
      );
      for (const [m, member] of members.entries()) {
        await client.query(`INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`, [plan.workspaceId, plan.team[m], member.role, created]);
      }
      await setUpWorkspace(client, plan, created, v7);
      const tagIds = (await client.query(`SELECT id FROM tags WHERE workspace_id = $1 ORDER BY name`, [plan.workspaceId])).rows.map((r) => r.id as string);

      if (plan.companies > 0) {
        await step(log, '  companies: names and domains', async () => {
          for (const s of q.companiesSql(plan)) await client.query(s);
        });
        await batches(log, '  companies', plan.companies, 100_000, (lo, hi) => client.query(q.insertCompaniesSql(plan, lo, hi)));
      } else {
        await client.query(`DROP TABLE IF EXISTS pg_temp.seed_co; CREATE TEMP TABLE seed_co (j bigint PRIMARY KEY, id uuid, ts bigint, name text, domain text, slot int)`);
      }
      await batches(log, '  contacts', plan.contacts, 100_000, (lo, hi) => client.query(q.insertContactsSql(plan, lo, hi)));
      await batches(log, '  deals', plan.deals, 100_000, (lo, hi) => client.query(q.insertDealsSql(plan, lo, hi)));
      for (const table of ['contacts', 'companies', 'deals'] as const) {
        const n = { contacts: plan.contacts, companies: plan.companies, deals: plan.deals }[table];
        await batches(log, `  tags on ${table}`, n, 250_000, (lo, hi) => client.query(q.insertRecordTagsSql(plan, table, tagIds, lo, hi)));
      }
      let activities = 0;
      if (plan.activitiesPerContact > 0) {
        await batches(log, '  timelines (contacts done)', plan.contacts, 50_000, async (lo, hi) => {
          const [base, insert, links] = q.insertActivitiesSql(plan, lo, hi);
          await client.query(base!);
          activities += (await client.query(insert!)).rowCount ?? 0;
          await client.query(links!);
        });
      }
      seeded.push({ id: plan.workspaceId, name, contacts: plan.contacts, companies: plan.companies, deals: plan.deals, activities, ownerEmail: emails[0]! });
    }

    await client.query(`DROP TABLE IF EXISTS pg_temp.seed_co, pg_temp.seed_act, pg_temp.seed_stage, pg_temp.seed_place`);
    await restoreIndexes(client, log);
    // The vocabulary triggers did not run if foreign-key checks were skipped (replica role).
    await step(log, 'Search vocabulary', async () => {
      await client.query(`SELECT kestrel_rebuild_search_terms()`);
    });
    const tables = seededTables.filter((t) => hasActivities || !t.startsWith('activit'));
    // VACUUM as well: it marks the new pages all-visible, which index-only scans need.
    await step(log, 'VACUUM ANALYZE', async () => {
      for (const t of tables) await client.query(`VACUUM (ANALYZE) ${client.escapeIdentifier(t)}`);
    });
    return { workspaces: seeded, login: { email: seeded[0]!.ownerEmail, password }, seconds: (performance.now() - began) / 1000 };
  } finally {
    await client.end();
  }
}

/** In the order they are filled. */
const bulkTables = ['companies', 'contacts', 'deals', 'record_tags', 'activities', 'activity_links'];
const seededTables = ['users', 'workspaces', 'memberships', 'pipelines', 'pipeline_stages', 'tags', 'custom_field_definitions', 'companies', 'contacts', 'deals', 'record_tags', 'activities', 'activity_links'];

/**
 * Drops the bulk tables' secondary indexes (not those behind a constraint, nor unique ones),
 * remembering their definitions in a table of their own schema first, so that a run killed
 * half-way still has them to build at the end of its next run (`restoreIndexes`).
 */
async function dropSecondaryIndexes(client: pg.Client, log: Log): Promise<void> {
  await step(log, 'Dropping secondary indexes for the bulk load', async () => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS seed_big`);
    await client.query(`CREATE TABLE IF NOT EXISTS seed_big.dropped_indexes (name text PRIMARY KEY, definition text NOT NULL)`);
    await client.query(
      `INSERT INTO seed_big.dropped_indexes (name, definition)
       SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(i.indexrelid)
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE i.indrelid IN (SELECT to_regclass(x) FROM unnest($1::text[]) AS x) AND NOT i.indisunique
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       ON CONFLICT (name) DO NOTHING`,
      [bulkTables],
    );
    const { rows } = await client.query(`SELECT name FROM seed_big.dropped_indexes`);
    for (const r of rows) await client.query(`DROP INDEX IF EXISTS ${r.name as string}`);
  });
}

/** Builds again the indexes `dropSecondaryIndexes` dropped (in this run or a killed earlier one). */
async function restoreIndexes(client: pg.Client, log: Log): Promise<void> {
  if (!(await client.query(`SELECT to_regclass('seed_big.dropped_indexes') IS NOT NULL AS ok`)).rows[0].ok) return;
  const { rows } = await client.query(`SELECT name, definition FROM seed_big.dropped_indexes ORDER BY name`);
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const r of rows) {
    await step(log, `Building ${r.name as string}`, async () => {
      await client.query((r.definition as string).replace(/^CREATE INDEX /, 'CREATE INDEX IF NOT EXISTS '));
      await client.query(`DELETE FROM seed_big.dropped_indexes WHERE name = $1`, [r.name]);
    });
  }
  await client.query(`DROP SCHEMA seed_big CASCADE`);
}

/**
 * Foreign-key checks cost more than generating the rows, and the generated keys are right by
 * construction (the test checks them). `session_replication_role = replica` skips them, but
 * it would skip the app's own triggers too, so it is used only when there are none on the
 * tables written and the role may set it (a superuser, as with the embedded database).
 */
async function skipForeignKeyChecks(client: pg.Client, log: Log): Promise<void> {
  let { rows } = await client.query(
    `SELECT tgrelid::regclass::text AS t, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid IN (SELECT to_regclass(x) FROM unnest($1::text[]) AS x)`,
    [seededTables],
  );
  // The search vocabulary's triggers (search_vocabulary migration) are rebuilt in one pass after the load.
  rows = rows.filter((r) => !/_search_terms_(insert|update)$/.test(r.tgname as string));
  if (rows.length) {
    log(`Foreign keys are checked row by row: the app has triggers on ${rows.map((r) => `${r.t}.${r.tgname}`).join(', ')}.`);
    return;
  }
  try {
    await client.query(`SET session_replication_role = replica`);
  } catch {
    log('Foreign keys are checked row by row (this database role may not skip them).');
  }
}

/** The default pipeline (as the app makes it), tags and custom field definitions. */
async function setUpWorkspace(client: pg.Client, plan: q.WorkspacePlan, created: Date, v7: (ts: number, key: bigint, i: number) => Promise<string>): Promise<void> {
  const t = created.getTime();
  const pipelineId = await v7(t, plan.key + BigInt(q.salt.pipelineId), 0);
  await client.query(`INSERT INTO pipelines (workspace_id, id, name, position, created_at, updated_at) VALUES ($1, $2, $3, 0, $4, $4)`, [plan.workspaceId, pipelineId, defaultPipeline.name, created]);
  const stageIds: string[] = [];
  for (const [position, stage] of defaultPipeline.stages.entries()) {
    const id = await v7(t + position, plan.key + BigInt(q.salt.stageId), position);
    stageIds.push(id);
    await client.query(
      `INSERT INTO pipeline_stages (workspace_id, id, pipeline_id, name, position, probability, kind, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [plan.workspaceId, id, pipelineId, stage.name, position, stage.probability, stage.kind, created],
    );
  }
  const slots = stageWeights.flatMap((weight, s) => Array.from({ length: weight }, () => s));
  await client.query(`DROP TABLE IF EXISTS pg_temp.seed_stage`);
  await client.query(
    `CREATE TEMP TABLE seed_stage AS
     SELECT (slot - 1)::int AS slot, $2::uuid AS pipeline_id, s.id AS stage_id, s.kind, s.probability
     FROM unnest($1::int[]) WITH ORDINALITY AS u(stage, slot)
     JOIN pipeline_stages s ON s.workspace_id = $3 AND s.pipeline_id = $2 AND s.position = u.stage`,
    [slots, pipelineId, plan.workspaceId],
  );
  for (const [i, name] of tagNames.entries()) {
    await client.query(`INSERT INTO tags (workspace_id, id, name, color, created_at) VALUES ($1, $2, $3, $4, $5)`, [
      plan.workspaceId, await v7(t + i, plan.key + BigInt(q.salt.tagId), i), name, tagColors[i % tagColors.length], created,
    ]);
  }
  for (const [i, f] of customFields.entries()) {
    await client.query(
      `INSERT INTO custom_field_definitions (workspace_id, id, object, key, label, type, options, required, position, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, false, $8, $9, $9)`,
      [plan.workspaceId, await v7(t + i, plan.key + BigInt(q.salt.fieldId), i), f.object, f.key, f.label, f.type, f.options, i, created],
    );
  }
}

async function step(log: Log, label: string, fn: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await fn();
  log(`${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** Runs `fn` over [0, n) in slices of `size`, printing progress and the rate. */
async function batches(log: Log, label: string, n: number, size: number, fn: (lo: number, hi: number) => Promise<unknown>): Promise<void> {
  if (n <= 0) return;
  const t0 = performance.now();
  for (let lo = 0; lo < n; lo += size) {
    const hi = Math.min(n, lo + size);
    await fn(lo, hi);
    const s = (performance.now() - t0) / 1000;
    if (hi === n || n > size) log(`${label} ${hi.toLocaleString('en-US')}/${n.toLocaleString('en-US')} (${s.toFixed(1)} s, ${Math.round(hi / s).toLocaleString('en-US')}/s)`);
  }
}
