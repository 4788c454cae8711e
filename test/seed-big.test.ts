import { beforeAll, describe, expect, it } from 'vitest';
import { seedBig, type SeedOptions, type SeedSummary } from '../scripts/seed-big/generate';
import { slug } from '../scripts/seed-big/sql';
import { emailSchema } from '../src/server/modules/accounts/accounts.contract';
import { normaliseDomain, toE164 } from '../src/server/modules/crm/normalise';
import { hashPassword } from '../src/server/platform/auth/passwords';
import { TestClient } from './helpers/client';
import { startTestServer, type TestServer } from './helpers/server';

const options: SeedOptions = {
  contacts: 2000,
  companies: 400,
  deals: 600,
  activitiesPerContact: 2,
  workspaces: 2,
  otherContacts: 500,
  seed: 7,
  anchor: new Date('2026-11-23T00:00:00Z'),
};

let server: TestServer;
let summary: SeedSummary;
let indexesBefore: string[];
const indexDefinitions = async () => (await sql<{ d: string }>(`SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)).map((r) => r.d);
const sql = async <T = Record<string, unknown>>(text: string, params: unknown[] = []) => (await server.services.database.systemPool.query(text, params)).rows as T[];

/** One digest of everything generated except the password hash (new each run). */
async function digest(): Promise<string> {
  const [row] = await sql<{ d: string }>(`
    SELECT md5(string_agg(t, '|' ORDER BY t)) AS d FROM (
      SELECT c::text AS t FROM contacts c WHERE workspace_id = ANY($1)
      UNION ALL SELECT c::text FROM companies c WHERE workspace_id = ANY($1)
      UNION ALL SELECT d::text FROM deals d WHERE workspace_id = ANY($1)
      UNION ALL SELECT r::text FROM record_tags r WHERE workspace_id = ANY($1)
      UNION ALL SELECT a::text FROM activities a WHERE workspace_id = ANY($1)
      UNION ALL SELECT (id, email, name)::text FROM users WHERE email LIKE '%@seed7.kestrel.localhost') x`, [summary.workspaces.map((w) => w.id)]);
  return row!.d;
}

beforeAll(async () => {
  server = await startTestServer();
  indexesBefore = await indexDefinitions();
  summary = await seedBig(server.services.database.ownerUrl, options, (p) => hashPassword(p, server.services.passwordPolicy));
}, 300_000);

describe('seed:big data generator', () => {
  it('OPS the bulk load drops secondary indexes while it writes and leaves every index as the migrations made it', async () => {
    expect(await indexDefinitions()).toEqual(indexesBefore);
    expect(indexesBefore.some((d) => d.includes('contacts_words_idx'))).toBe(true);
    expect((await sql(`SELECT 1 FROM pg_namespace WHERE nspname = 'seed_big'`)).length).toBe(0);
  });

  it('OPS CRM-6 makes the requested numbers of records, each in its own workspace', async () => {
    expect(summary.workspaces).toHaveLength(2);
    const [big, other] = summary.workspaces;
    for (const [w, expected] of [[big!, { contacts: 2000, companies: 400, deals: 600 }], [other!, { contacts: 500, companies: 100, deals: 150 }]] as const) {
      for (const [table, n] of Object.entries(expected)) {
        const [row] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE workspace_id = $1`, [w.id]);
        expect(row!.n, `${w.name} ${table}`).toBe(n);
      }
      const members = await sql<{ role: string }>(`SELECT role FROM memberships WHERE workspace_id = $1`, [w.id]);
      expect(members.map((m) => m.role)).toContain('owner');
    }
    // Rows that point at others point inside their own workspace.
    const [broken] = await sql<{ contacts: number; deals: number; tags: number; links: number; owners: number }>(`
      SELECT
        (SELECT count(*)::int FROM contacts c WHERE c.workspace_id = ANY($1) AND c.company_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM companies co WHERE co.workspace_id = c.workspace_id AND co.id = c.company_id)) AS contacts,
        (SELECT count(*)::int FROM deals d WHERE d.workspace_id = ANY($1) AND (
           NOT EXISTS (SELECT 1 FROM pipeline_stages s WHERE s.workspace_id = d.workspace_id AND s.pipeline_id = d.pipeline_id AND s.id = d.stage_id AND s.kind = d.status)
           OR (d.contact_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.workspace_id = d.workspace_id AND c.id = d.contact_id))
           OR (d.company_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM companies c WHERE c.workspace_id = d.workspace_id AND c.id = d.company_id)))) AS deals,
        (SELECT count(*)::int FROM record_tags r WHERE r.workspace_id = ANY($1) AND NOT EXISTS (
           SELECT 1 FROM contacts c WHERE r.record_type = 'contacts' AND c.workspace_id = r.workspace_id AND c.id = r.record_id
           UNION ALL SELECT 1 FROM companies c WHERE r.record_type = 'companies' AND c.workspace_id = r.workspace_id AND c.id = r.record_id
           UNION ALL SELECT 1 FROM deals d WHERE r.record_type = 'deals' AND d.workspace_id = r.workspace_id AND d.id = r.record_id)) AS tags,
        (SELECT count(*)::int FROM activity_links l WHERE l.workspace_id = ANY($1) AND NOT EXISTS (
           SELECT 1 FROM contacts c WHERE l.record_type = 'contacts' AND c.workspace_id = l.workspace_id AND c.id = l.record_id
           UNION ALL SELECT 1 FROM companies c WHERE l.record_type = 'companies' AND c.workspace_id = l.workspace_id AND c.id = l.record_id)) AS links,
        (SELECT count(*)::int FROM contacts c WHERE c.workspace_id = ANY($1) AND c.owner_user_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.workspace_id = c.workspace_id AND m.user_id = c.owner_user_id)) AS owners`,
      [summary.workspaces.map((w) => w.id)]);
    expect(broken).toEqual({ contacts: 0, deals: 0, tags: 0, links: 0, owners: 0 });
    const [timeline] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM activities WHERE workspace_id = $1`, [big!.id]);
    expect(timeline!.n).toBe(big!.activities);
    expect(timeline!.n).toBeGreaterThan(2000); // two per contact on average
  });

  it('OPS CRM-1 emails are lower-case and valid, phones E.164 and valid, domains normalised, ids UUIDv7 matching created_at', async () => {
    const contacts = await sql<{ id: string; email: string | null; emails: string[]; phone: string | null; phones: string[]; created_ms: string }>(
      `SELECT id, email::text, emails, phone, phones, (extract(epoch FROM created_at) * 1000)::bigint::text AS created_ms FROM contacts WHERE workspace_id = ANY($1)`,
      [summary.workspaces.map((w) => w.id)],
    );
    expect(contacts.length).toBe(2500);
    for (const c of contacts) {
      expect(c.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Number.parseInt(c.id.replace(/-/g, '').slice(0, 12), 16)).toBe(Number(c.created_ms));
      if (c.email) {
        expect(c.emails[0]).toBe(c.email);
        for (const e of c.emails) expect(emailSchema.safeParse(e), e).toEqual({ success: true, data: e });
      } else expect(c.emails).toEqual([]);
      if (c.phone) {
        expect(c.phones).toEqual([c.phone]);
        expect(toE164(c.phone, null), c.phone).toBe(c.phone);
      } else expect(c.phones).toEqual([]);
    }
    const withEmail = contacts.filter((c) => c.email).length;
    expect(new Set(contacts.map((c) => c.email).filter(Boolean)).size / withEmail).toBeGreaterThan(0.99);
    const companies = await sql<{ domain: string }>(`SELECT domain::text FROM companies WHERE workspace_id = ANY($1)`, [summary.workspaces.map((w) => w.id)]);
    for (const { domain } of companies) expect(normaliseDomain(domain), domain).toBe(domain);
    expect(slug("Núñez O'Brien Łukasz Weiß Nguyễn")).toBe('nunezobrienlukaszweissnguyen');
  });

  it('OPS CRM-6 a realistic mix: accented names, a slice of 94xxx zip codes, owners, lifecycles, custom values and tags', async () => {
    const [mix] = await sql<Record<string, number>>(`
      SELECT count(*) FILTER (WHERE first_name ~ '[^A-Za-z -]' OR last_name ~ '[^A-Za-z '' -]')::float / count(*) AS accented,
             count(*) FILTER (WHERE postal_code LIKE '94%')::float / count(*) AS zip94,
             count(*) FILTER (WHERE country = 'IN')::float / count(*) AS india,
             count(DISTINCT owner_user_id)::int AS owners,
             count(DISTINCT lifecycle)::int AS lifecycles,
             count(*) FILTER (WHERE custom ? 'loyalty_tier')::float / count(*) AS tiered,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM record_tags r WHERE r.workspace_id = c.workspace_id AND r.record_type = 'contacts' AND r.record_id = c.id))::float / count(*) AS tagged
      FROM contacts c WHERE workspace_id = $1`, [summary.workspaces[0]!.id]);
    expect(mix!.accented).toBeGreaterThan(0.05);
    expect(mix!.zip94).toBeGreaterThan(0.05);
    expect(mix!.zip94).toBeLessThan(0.16);
    expect(mix!.india).toBeGreaterThan(0.1);
    expect(mix!.owners).toBe(5);
    expect(mix!.lifecycles).toBe(4);
    expect(mix!.tiered).toBeGreaterThan(0.4);
    expect(mix!.tagged).toBeGreaterThan(0.2);
    const fields = await sql<{ type: string }>(`SELECT DISTINCT type FROM custom_field_definitions WHERE workspace_id = $1`, [summary.workspaces[0]!.id]);
    expect(fields.map((f) => f.type).sort()).toEqual(['checkbox', 'date', 'number', 'select', 'text']);
  });

  it('OPS CRM-6 every seeded name word is in its workspace\'s search vocabulary', async () => {
    for (const w of summary.workspaces) {
      const [missing] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM contacts c
         WHERE c.workspace_id = $1 AND NOT kestrel_words(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) <@ ARRAY(SELECT term FROM search_terms WHERE workspace_id = $1 AND record_type = 'contacts')`,
        [w.id],
      );
      expect(missing!.n).toBe(0);
      const [companies] = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM search_terms WHERE workspace_id = $1 AND record_type = 'companies'`, [w.id]);
      expect(companies!.n).toBeGreaterThan(0);
    }
  });

  it('OPS CRM-6 the big workspace owner signs in and the API lists the seeded contacts newest first, and only those', async () => {
    const client = new TestClient(server.app);
    const signIn = await client.post('/api/auth/sign-in', summary.login);
    expect(signIn.statusCode).toBe(200);
    const [big, other] = summary.workspaces;
    const page = await client.get(`/api/workspaces/${big!.id}/contacts?limit=50`);
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body.items).toHaveLength(50);
    expect(body.nextCursor).toBeTruthy();
    const newest = await sql<{ id: string }>(`SELECT id FROM contacts WHERE workspace_id = $1 ORDER BY id DESC LIMIT 50`, [big!.id]);
    expect(body.items.map((c: { id: string }) => c.id)).toEqual(newest.map((r) => r.id));
    const deals = await client.get(`/api/workspaces/${big!.id}/deals?limit=20`);
    expect(deals.statusCode).toBe(200);
    expect(deals.json().items).toHaveLength(20);
    // The other workspace's owner is someone else: this login does not reach it.
    expect((await client.get(`/api/workspaces/${other!.id}/contacts`)).statusCode).toBe(404);
  });

  it('OPS the same seed gives the same data again', async () => {
    const before = await digest();
    summary = await seedBig(server.services.database.ownerUrl, options, (p) => hashPassword(p, server.services.passwordPolicy));
    expect(await digest()).toBe(before);
  }, 300_000);
});
