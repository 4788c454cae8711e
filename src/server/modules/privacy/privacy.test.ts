import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, TestClient } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { scanDatabase as scan } from '../../../../test/helpers/db-scan';
import { nyWeekday } from '../booking/booking.fixtures';
import { dataEntries } from '../../platform/data/all';
import { withTenant } from '../../platform/db/tenant';
import { isSuppressed, suppressionHash } from './suppression';

let server: TestServer;
type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
let owner: Owner;
let staff: Awaited<ReturnType<typeof addMember>>;

beforeAll(async () => {
  server = await startTestServer({ BOOKING_RATE_LIMIT_PER_MINUTE: '1000' });
  owner = await ownerWithWorkspace(server, 'Privacy Bakery');
  staff = await addMember(server, owner, 'staff');
}, 300_000);

const api = (path: string) => `/api/workspaces/${owner.workspaceId}${path}`;
let counter = 0;

async function ok(res: Promise<{ statusCode: number; body: string; json(): any }>, status = 201) {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.json();
}

/**
 * A person the way Kestrel comes to know one: they book a call from the public booking page
 * (which makes their contact, a meeting on the timeline and a confirmation email), the team adds
 * their phone, a note and a deal, they chat on the website, and an AI call reads their record.
 */
async function knownPerson(first: string, last: string, phone: string) {
  const email = `${first.toLowerCase()}.${last.toLowerCase()}${counter++}@example.test`;
  const schedule = await ok(owner.client.post(api('/booking/schedules'), { name: 'Hours', timeZone: 'America/New_York', weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })), overrides: [] }));
  const type = await ok(owner.client.post(api('/booking/event-types'), { slug: `intro-${counter++}`, title: 'Intro call', durationMinutes: 30, hosts: [{ userId: schedule.userId, scheduleId: schedule.id }] }));
  const visitor = new TestClient(server.app);
  const booked = await ok(visitor.post(`/api/public/booking/${owner.workspaceId}/${type.slug}`, { start: nyWeekday(3 + counter, '10:00'), name: `${first} ${last}`, email, timeZone: 'Asia/Kolkata' }));
  await server.smtp.waitForMail(email, () => true);
  const { contacts } = await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, async (tx) => ({
    contacts: (await tx.execute<{ id: string }>(sql`SELECT id FROM contacts WHERE email = ${email}`)).rows,
  }));
  const contactId = contacts[0]!.id;
  const { version } = (await owner.client.get(api(`/contacts/${contactId}`))).json();
  await ok(owner.client.patch(api(`/contacts/${contactId}`), { phones: [phone], version }), 200);
  await ok(owner.client.post(api('/activities'), { kind: 'note', body: `<p>Talked to ${first} ${last} (${email}, ${phone}) about a wedding cake.</p>`, links: [{ recordType: 'contacts', recordId: contactId }] }));
  await ok(owner.client.post(api('/deals'), { name: 'Wedding cake', contactId }));
  // Website chat and an AI call, written as their modules write them.
  await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, async (tx) => {
    const v = (await tx.execute<{ id: string }>(sql`INSERT INTO visitors (workspace_id, id, name, email, phone, contact_id) VALUES (${owner.workspaceId}, gen_random_uuid(), ${`${first} ${last}`}, ${email}, ${phone}, ${contactId}) RETURNING id`)).rows[0]!;
    const c = (await tx.execute<{ id: string }>(sql`INSERT INTO conversations (workspace_id, id, visitor_id, channel, last_message_preview, contact_id) VALUES (${owner.workspaceId}, gen_random_uuid(), ${v.id}, 'web', ${`I am ${first} ${last}`}, ${contactId}) RETURNING id`)).rows[0]!;
    await tx.execute(sql`INSERT INTO conversation_messages (workspace_id, id, conversation_id, author_kind, body) VALUES (${owner.workspaceId}, gen_random_uuid(), ${c.id}, 'visitor', ${`Hi, ${first} ${last} here, mail me at ${email}`})`);
    await tx.execute(sql`INSERT INTO ai_calls (workspace_id, id, feature, provider_kind, provider_source, model, prompt, record_refs, output, outcome)
      VALUES (${owner.workspaceId}, gen_random_uuid(), 'agent', 'openai', 'workspace', 'gpt-4o-mini', ${JSON.stringify({ system: null, messages: [{ role: 'user', content: `Summarise ${first} ${last} <${email}>` }] })}::jsonb,
              ${JSON.stringify([{ type: 'contacts', id: contactId }])}::jsonb, ${JSON.stringify({ text: `${first} ${last} wants a cake` })}::jsonb, 'ok')`);
  });
  return { email, phone, contactId, bookingId: booked.id as string, name: `${first} ${last}` };
}

const scanDatabase = (needle: string) => scan(server, needle);

describe('privacy: a person (PRIV-1, PRIV-3)', () => {
  it('PRIV-1 an admin looks a person up by email or phone and sees every record that mentions them, table by table; audited', async () => {
    const p = await knownPerson('Ishaan', 'Lookupwala', '+91 98765 11111');
    const byEmail = await ok(owner.client.post(api('/privacy/lookup'), { email: p.email.toUpperCase() }), 200);
    expect(byEmail.found).toBe(true);
    expect(byEmail.contactIds).toEqual([p.contactId]);
    const tables = Object.fromEntries(byEmail.hits.map((h: { table: string; count: number }) => [h.table, h.count]));
    for (const t of ['contacts', 'bookings', 'activities', 'deals', 'visitors', 'conversations', 'conversation_messages', 'ai_calls']) expect(tables[t], t).toBeGreaterThan(0);
    expect(byEmail.hits.find((h: { table: string }) => h.table === 'contacts').ids).toEqual([p.contactId]);
    const byPhone = await ok(owner.client.post(api('/privacy/lookup'), { phone: '+919876511111' }), 200);
    expect(byPhone.contactIds).toEqual([p.contactId]);
    expect(byPhone.total).toBe(byEmail.total);
    // Nothing found is a clear answer.
    const nobody = await ok(owner.client.post(api('/privacy/lookup'), { email: 'nobody-here@example.test' }), 200);
    expect(nobody).toEqual({ found: false, total: 0, contactIds: [], hits: [] });
    const audit = (await owner.client.get(api('/audit?action=privacy.person_looked_up'))).json().entries;
    expect(audit.map((e: { details: { found: boolean } }) => e.details.found)).toEqual([false, true, true]);
    // The audit names the person by hash, never by address.
    expect(JSON.stringify(audit)).not.toContain(p.email);
    expect(audit[2].details.emailSha256).toBe(suppressionHash(p.email));
  });

  it('PRIV-1 PRIV-3 staff and clients cannot look up or erase a person (403); bad input is a 400', async () => {
    expect((await staff.client.post(api('/privacy/lookup'), { email: 'a@example.test' })).statusCode).toBe(403);
    expect((await staff.client.post(api('/privacy/erase'), { email: 'a@example.test' })).statusCode).toBe(403);
    const client = await addMember(server, owner, 'client');
    expect((await client.client.post(api('/privacy/lookup'), { email: 'a@example.test' })).statusCode).toBe(403);
    expect((await owner.client.post(api('/privacy/lookup'), {})).statusCode).toBe(400);
    expect((await owner.client.post(api('/privacy/lookup'), { phone: 'not a phone' })).statusCode).toBe(400);
    expect((await owner.client.post(api('/privacy/erase'), { email: 'x'.repeat(330) + '@example.test' })).statusCode).toBe(400);
  });

  it('PRIV-3 erasing a person leaves no row anywhere in the database with their email, phone or name, only a hash that keeps them from being mailed again', async () => {
    const p = await knownPerson('Zorawar', 'Quillfeather', '+91 98765 43210');
    const other = await knownPerson('Meera', 'Staysafe', '+91 98765 22222');
    // Another contact's own free text mentions them (found through the contacts' trigram index, issue 20), in capitals too.
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) =>
      tx.execute(sql`UPDATE contacts SET title = ${`Assistant to ${p.email.toUpperCase()}`}, address_line2 = 'c/o ZORAWAR Quillfeather' WHERE id = ${other.contactId}`));
    // Records not linked to them mention them too, found through the indexes on activities, companies and deals (issue 20):
    // an email to their address in capitals on another's timeline, a note on it, a company's field, another's deal.
    await ok(owner.client.post(api('/custom-fields'), { object: 'companies', key: 'planner', label: 'Planner', type: 'text' }));
    const company = await ok(owner.client.post(api('/companies'), { name: 'Quill Events', custom: { planner: `ZORAWAR QUILLFEATHER <${p.email}>` } }));
    const otherDeal = await ok(owner.client.post(api('/deals'), { name: 'Cake Zorawar Quillfeather ordered for Meera', contactId: other.contactId }));
    await ok(owner.client.post(api('/activities'), { kind: 'note', body: `<p>Meera asked us to call ${p.phone.replace(/\s/g, '')} too.</p>`, links: [{ recordType: 'contacts', recordId: other.contactId }] }));
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, (tx) =>
      tx.execute(sql`INSERT INTO activities (workspace_id, id, kind, subject, body, occurred_at, email_direction, email_from, email_to)
        VALUES (${owner.workspaceId}, gen_random_uuid(), 'email', 'Cake tasting', 'See you on Friday', now(), 'outbound', 'bakery@example.test', ARRAY[${p.email.toUpperCase()}]::text[])`));
    // Before: the scan finds them (so the scan can fail).
    expect((await scanDatabase(p.email)).length).toBeGreaterThan(3);
    expect((await scanDatabase('Zorawar Quillfeather')).length).toBeGreaterThan(3);

    const erased = await ok(owner.client.post(api('/privacy/erase'), { email: p.email }), 200);
    expect(erased.deleted).toMatchObject({ contacts: 1, bookings: 1, visitors: 1 });
    expect(erased.unlinked).toMatchObject({ deals: 1 });
    expect(erased.scrubbed).toMatchObject({ contacts: 1 });
    const { rows: [mention] } = await server.services.database.system.execute<{ title: string; address_line2: string }>(sql`SELECT title, address_line2 FROM contacts WHERE id = ${other.contactId}`);
    expect(mention).toEqual({ title: 'Assistant to [erased]', address_line2: 'c/o [erased]' });
    expect(erased.scrubbed).toMatchObject({ companies: 1, deals: 1 });
    expect(erased.scrubbed.activities).toBeGreaterThanOrEqual(1);
    expect(erased.deleted.activities).toBeGreaterThanOrEqual(1);
    const { rows: [kept] } = await server.services.database.system.execute<{ custom: unknown; name: string }>(sql`SELECT c.custom, d.name FROM companies c, deals d WHERE c.id = ${company.id} AND d.id = ${otherDeal.id}`);
    expect(kept).toEqual({ custom: { planner: '[erased] <[erased]>' }, name: 'Cake [erased] ordered for Meera' });

    for (const needle of [p.email, '9876543210', 'Zorawar Quillfeather', 'Quillfeather']) expect(await scanDatabase(needle), needle).toEqual([]);
    // Everyone else is untouched.
    const still = await ok(owner.client.post(api('/privacy/lookup'), { email: other.email }), 200);
    expect(still.contactIds).toEqual([other.contactId]);
    expect((await scanDatabase('Meera Staysafe')).length).toBeGreaterThan(3);
    // The deal stays, without its contact; the hash remembers the address.
    const deals = (await owner.client.get(api('/deals'))).json();
    expect(JSON.stringify(deals)).not.toContain(p.contactId);
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, async (tx) => {
      expect(await isSuppressed(tx, owner.workspaceId, p.email.toUpperCase())).toBe(true);
      expect(await isSuppressed(tx, owner.workspaceId, other.email)).toBe(false);
    });
    // MAIL-4: the one suppression list, which outreach checks at send time, holds the email and the phone, as hashes.
    const { rows: blocked } = await server.services.database.system.execute(sql`SELECT kind, reason, source FROM outreach_suppressions WHERE workspace_id = ${owner.workspaceId} ORDER BY kind`);
    expect(blocked).toEqual([{ kind: 'email', reason: 'erased', source: 'erasure' }, { kind: 'phone', reason: 'erased', source: 'erasure' }]);
    const audit = (await owner.client.get(api('/audit?action=privacy.person_erased'))).json().entries;
    expect(audit[0].details).toMatchObject({ found: true, deleted: { contacts: 1 } });
  });

  it('PRIV-1 PRIV-3 the indexed search of activities, companies and deals reads every column the data registry says identifies or mentions a person there', async () => {
    // kestrel_person_rows narrows erasure and lookup to the rows it finds: a column the registry adds but the function does not read would leave a person behind.
    const { rows: [fn] } = await server.services.database.system.execute<{ def: string }>(sql`SELECT pg_get_functiondef('kestrel_person_rows(text, text[], text[], uuid[])'::regprocedure) AS def`);
    const entries = dataEntries().filter((e) => ['activities', 'companies', 'deals'].includes(e.table));
    expect(entries.map((e) => e.table).sort()).toEqual(['activities', 'companies', 'deals']);
    for (const e of entries) {
      const start = fn!.def.indexOf(`tbl = '${e.table}'`);
      expect(start, e.table).toBeGreaterThan(0);
      const section = fn!.def.slice(start, fn!.def.indexOf('$q$ USING', start));
      expect(section, e.table).toContain(`FROM ${e.table} `);
      for (const c of e.person?.text ?? []) expect(section, `${e.table}.${c}`).toMatch(new RegExp(`coalesce\\(\\w\\.${c}(::text)?, ''\\)`));
      for (const c of e.person?.email ?? []) expect(section, `${e.table}.${c}`).toContain(`kestrel_lower_all(a.${c}) && $2`);
      if (e.person?.contactId) expect(section, `${e.table}.${e.person.contactId}`).toContain(`.${e.person.contactId} = ANY($2)`);
      // Numbers and record links are not searched there: a registry that declares them needs the function to.
      expect(e.person?.phone ?? [], e.table).toEqual([]);
      expect(e.person?.record, e.table).toBeUndefined();
    }
  });

  it('PRIV-3 erasing an address that is nowhere says "nothing found", audited, and erases nothing', async () => {
    const res = await owner.client.post(api('/privacy/erase'), { email: 'never-seen@example.test' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('nothing_found');
    const audit = (await owner.client.get(api('/audit?action=privacy.person_erased'))).json().entries;
    expect(audit[0].details).toMatchObject({ found: false, emailSha256: suppressionHash('never-seen@example.test') });
    // The erasure ran (it is what says nothing was there) but suppressed no one.
    await withTenant(server.services.database.db, { workspaceId: owner.workspaceId, userId: null }, async (tx) => {
      expect(await isSuppressed(tx, owner.workspaceId, 'never-seen@example.test')).toBe(false);
    });
  });

  it('PRIV-10 a report that a person is a minor erases them at once and keeps the report, by hash, without their data', async () => {
    const p = await knownPerson('Tilly', 'Youngling', '+91 98765 33333');
    expect((await staff.client.post(api('/privacy/minor-report'), { email: p.email })).statusCode).toBe(403);
    const erased = await ok(owner.client.post(api('/privacy/minor-report'), { email: p.email }), 200);
    expect(erased.deleted).toMatchObject({ contacts: 1 });
    for (const needle of [p.email, 'Tilly Youngling']) expect(await scanDatabase(needle), needle).toEqual([]);
    const audit = (await owner.client.get(api('/audit?action=privacy.minor_reported'))).json().entries;
    expect(audit).toHaveLength(1);
    expect(audit[0].details).toMatchObject({ found: true, emailSha256: suppressionHash(p.email), deleted: { contacts: 1 } });
    expect(JSON.stringify(audit)).not.toContain(p.email);
  });
});
