import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, type TestClient } from '../../../../test/helpers/client';
import { parseCsv } from '../../../../test/helpers/csv';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { contactsOf, csv, importFile, importsUrl, reportOf, uploadOk, waitForImport } from './imports.fixtures';

/**
 * CRM-8 → CRM-7: what Kestrel exports, Kestrel imports back without edits — owners by name,
 * neutralised formula cells, every column mapped by itself — and international addresses
 * (RFC 6531) are addresses.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
async function make(client: TestClient, o: { workspaceId: string }, path: string, body: unknown) {
  const res = await client.post(api(o, path), body);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json();
}

const customFields = [
  { key: 'notes', label: 'Notes', type: 'text' },
  { key: 'seats', label: 'Seats', type: 'number' },
  { key: 'budget', label: 'Budget', type: 'currency' },
  { key: 'renewal', label: 'Renewal', type: 'date' },
  { key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] },
  { key: 'channels', label: 'Channels', type: 'multi_select', options: ['email', 'phone', 'sms'] },
  { key: 'vip_flag', label: 'VIP', type: 'checkbox' },
  { key: 'site', label: 'Site', type: 'url' },
  { key: 'billing_email', label: 'Billing email', type: 'email' },
  { key: 'desk_phone', label: 'Desk phone', type: 'phone' },
];

/** Columns that say when and by whom, not what: a new workspace has its own ids and times. */
const bookkeeping = new Set(['id', 'Created', 'Updated', 'Last activity', 'Score']);

/** An export as records keyed by a column, without the bookkeeping columns. */
function records(text: string, keyColumn: string): Map<string, Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const rec: Record<string, string> = {};
    header!.forEach((h, i) => {
      if (!bookkeeping.has(h)) rec[h] = r[i] ?? '';
    });
    out.set(rec[keyColumn]!, rec);
  }
  return out;
}

async function exportCsv(o: { client: TestClient; workspaceId: string }, object: string): Promise<string> {
  const res = await o.client.get(api(o, `/export?format=csv&object=${object}`));
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
}

/** The same person joins a second workspace (invited, accepting while signed in). */
async function join(owner: Owner, workspaceId: string, member: { client: TestClient; email: string }) {
  const inv = await owner.client.post(`/api/workspaces/${workspaceId}/invitations`, { email: member.email, role: 'staff' });
  expect(inv.statusCode, inv.body).toBe(201);
  const mail = await server.smtp.waitForMail(member.email, (m) => m.subject.includes('invited you') && m.text.includes('Round Trip B'));
  const token = /\/invite\/([^\s"<>]+)/.exec(mail.text)![1]!;
  const acc = await member.client.post(`/api/invitations/${token}/accept`);
  expect(acc.statusCode, acc.body).toBe(200);
}

describe('round trip', () => {
  it('CRM-8 CRM-7 an export of contacts and companies imports back unchanged into a new workspace: owners by name, formula cells, every column mapped', async () => {
    const owner = await ownerWithWorkspace(server, 'Round Trip A');
    const staff = await addMember(server, owner, 'staff');
    const b = await owner.client.post('/api/workspaces', { name: 'Round Trip B', country: 'US', state: 'TX', timeZone: 'America/Chicago', currency: 'USD' });
    expect(b.statusCode, b.body).toBe(201);
    const other = { client: owner.client, workspaceId: b.json().id as string };
    await join(owner, other.workspaceId, staff);
    for (const ws of [owner, other]) for (const f of customFields) await make(owner.client, ws, '/custom-fields', { object: 'contacts', ...f });
    await make(owner.client, owner, '/custom-fields', { object: 'companies', key: 'segment', label: 'Segment', type: 'text' });
    await make(owner.client, other, '/custom-fields', { object: 'companies', key: 'segment', label: 'Segment', type: 'text' });

    const globex = await make(owner.client, owner, '/companies', {
      name: 'Globex', domain: 'globex.com', industry: 'Energy', size: '51-200', addressLine1: '1 Main St', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US', ownerUserId: staff.userId, custom: { segment: '=enterprise' },
    });
    await make(owner.client, owner, '/companies', { name: '@Home Bakery', domain: 'home.example' });
    const vip = await make(owner.client, owner, '/tags', { name: 'vip' });
    const plus = await make(owner.client, owner, '/tags', { name: '+partners' });
    await make(owner.client, owner, `/companies/${globex.id}/tags`, { tagId: vip.id });

    const full = await make(owner.client, owner, '/contacts', {
      firstName: '=HYPERLINK("http://evil.example","click")', lastName: 'de la Cruz',
      emails: ['müller@bücher.de'], phones: ['+1 512 463 4630'], title: '-Head of growth',
      companyId: globex.id, addressLine1: '12 Elm St', addressLine2: 'Suite 4', city: 'Austin', state: 'TX', postalCode: '78701', country: 'US',
      timeZone: 'America/Chicago', ownerUserId: staff.userId, source: '@webinar', lifecycle: 'customer', consentState: 'granted', restricted: true,
      custom: { notes: 'Met at "the fair", liked it', seats: -5, budget: 1250.5, renewal: '2026-03-31', tier: 'gold', channels: ['email', 'sms'], vip_flag: true, site: 'https://example.com/a', billing_email: 'δοκιμή@παράδειγμα.δοκιμή', desk_phone: '+44 20 7946 0018' },
    });
    for (const t of [vip, plus]) await make(owner.client, owner, `/contacts/${full.id}/tags`, { tagId: t.id });
    await make(owner.client, owner, '/contacts', { emails: ['plain@example.com'], lifecycle: 'lead', custom: { vip_flag: false } });
    await make(owner.client, owner, '/contacts', { firstName: 'Ann', phones: ['+15125550100'], ownerUserId: owner.userId, consentState: 'denied' });

    const companiesA = await exportCsv(owner, 'companies');
    const contactsA = await exportCsv(owner, 'contacts');
    // What a spreadsheet would see: neutralised cells and the owner's name.
    expect(contactsA).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(contactsA).toContain("'+15124634630");
    expect(contactsA).toContain('staff person');

    // Companies first (contacts name theirs), then contacts, each file exactly as exported.
    const coImport = await importFile(server, other, companiesA, {}, { object: 'companies', fileName: 'companies.csv' });
    expect(coImport).toMatchObject({ status: 'completed', created: 2, failed: 0 });
    const upload = await uploadOk(server, other, contactsA, 'contacts.csv');
    const mapped = new Map(upload.mapping.map((m) => [upload.columns[m.column]!.header, m.target]));
    for (const [header, target] of mapped) {
      if (bookkeeping.has(header)) continue;
      expect(target, `the export's "${header}" column maps by itself`).not.toBeNull();
    }
    expect(mapped.get('Owner')).toBe('owner');
    expect(mapped.get('Restricted')).toBe('restricted');
    expect(mapped.get('Billing email')).toBe('custom:billing_email');
    const start = await other.client.post(importsUrl(other, `/${upload.id}/start`), { object: 'contacts', mapping: upload.mapping, options: { dedupeKey: 'email', onMatch: 'update', mode: 'all_or_nothing' } });
    expect(start.statusCode, start.body).toBe(202);
    const done = await waitForImport(other, upload.id);
    expect(done.failed, JSON.stringify(await reportOf(other, upload.id))).toBe(0);
    expect(done).toMatchObject({ status: 'completed', created: 3 });

    // Field by field: the new workspace exports what the old one did.
    const [before, after] = [records(contactsA, 'Email'), records(await exportCsv(other, 'contacts'), 'Email')];
    expect(after.size).toBe(3);
    // Only a contact without a source changes: imported records say where they came from.
    for (const [key, rec] of before) expect(after.get(key), key).toEqual({ ...rec, Source: rec.Source || 'import' });
    const [coBefore, coAfter] = [records(companiesA, 'Name'), records(await exportCsv(other, 'companies'), 'Name')];
    for (const [key, rec] of coBefore) expect(coAfter.get(key), key).toEqual(rec);

    // And as stored: the raw values, not only their rendering.
    const stored = (await contactsOf(server, other.workspaceId)).find((c) => c.last_name === 'de la Cruz');
    expect(stored).toMatchObject({
      first_name: '=HYPERLINK("http://evil.example","click")', email: 'müller@bücher.de', phone: '+15124634630', title: '-Head of growth',
      source: '@webinar', owner_user_id: staff.userId, restricted: true, lifecycle: 'customer', consent_state: 'granted', address_line2: 'Suite 4', company_name: 'Globex',
      tag_names: ['+partners', 'vip'],
    });
    expect(stored.custom).toEqual({ notes: 'Met at "the fair", liked it', seats: -5, budget: 1250.5, renewal: '2026-03-31', tier: 'gold', channels: ['email', 'sms'], vip_flag: true, site: 'https://example.com/a', billing_email: 'δοκιμή@παράδειγμα.δοκιμή', desk_phone: '+442079460018' });
  });

  it('CRM-7 an owner column may name a member by name or email; an unknown or ambiguous name is a row error that says what to do', async () => {
    const owner = await ownerWithWorkspace(server, 'Owners by name');
    const staff = await addMember(server, owner, 'staff');
    const admin = await addMember(server, owner, 'admin');
    // Two members go by the same name.
    const renames = [await admin.client.patch('/api/auth/profile', { name: 'Sam Same' }), await staff.client.patch('/api/auth/profile', { name: 'Sam Same' })];
    expect(renames.map((r) => r.statusCode)).toEqual([204, 204]);
    const imp = await importFile(server, owner, csv([
      ['Email', 'Owner'],
      ['a@example.com', 'olive owner'],
      ['b@example.com', staff.email.toUpperCase()],
      ['c@example.com', 'Nobody Here'],
      ['d@example.com', 'Sam  Same'],
    ]));
    expect(imp).toMatchObject({ status: 'completed', created: 2, failed: 2 });
    const byEmail = new Map((await contactsOf(server, owner.workspaceId)).map((c) => [c.email, c.owner_user_id]));
    expect(byEmail.get('a@example.com')).toBe(owner.userId);
    expect(byEmail.get('b@example.com')).toBe(staff.userId);
    const report = await reportOf(owner, imp.id);
    expect(report).toEqual([
      ['4', 'Owner', 'Not a team member of this workspace: use their name or email address.', 'Nobody Here'],
      ['5', 'Owner', "More than one team member is called Sam  Same: use the owner's email address instead.", 'Sam  Same'],
    ]);
  });

  it("CRM-7 only the apostrophe an export adds is taken off: '=1 is =1, 'til stays 'til", async () => {
    const owner = await ownerWithWorkspace(server, 'Apostrophes');
    const imp = await importFile(server, owner, csv([
      ['First name', 'Last name', 'Email', 'Title'],
      ["'=1+2", "'til", 'x@example.com', "''-quoted"],
      ["'@here", "O'Brien", 'y@example.com', "'\tTabbed"],
    ]));
    expect(imp).toMatchObject({ status: 'completed', created: 2, failed: 0 });
    const rows = await contactsOf(server, owner.workspaceId);
    expect(rows.map((r) => [r.first_name, r.last_name, r.title])).toEqual([
      ['=1+2', "'til", "''-quoted"],
      ['@here', "O'Brien", 'Tabbed'],
    ]);
  });

  it('CRM-7 international email addresses (RFC 6531) import, dedupe in any case or Unicode form, and are accepted by the API', async () => {
    const owner = await ownerWithWorkspace(server, 'Weltweit');
    const imp = await importFile(server, owner, csv([
      ['Name', 'Email'],
      ['Jürgen Müller', 'Müller@Bücher.de'],
      ['Ajay', 'अजय@डाटा.भारत'],
      ['Li', '用户@例子.广告'],
      // The same address as the first, its ü decomposed (u + combining diaeresis) and in other case.
      ['J. Müller', 'MU\u0308LLER@bücher.de'],
      ['Broken', 'müller@@bücher.de'],
    ]));
    expect(imp).toMatchObject({ status: 'completed', created: 3, failed: 1 });
    expect((await contactsOf(server, owner.workspaceId)).map((c) => c.email).sort()).toEqual(['müller@bücher.de', '用户@例子.广告', 'अजय@डाटा.भारत'].sort());

    const created = await owner.client.post(api(owner, '/contacts'), { firstName: 'Zoë', emails: ['zoë@exämple.com'] });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().email).toBe('zoë@exämple.com');
    const bad = await owner.client.post(api(owner, '/contacts'), { firstName: 'No', emails: ['zoë@exämple'] });
    expect(bad.statusCode).toBe(400);

    // Mail to one goes out over SMTP (SMTPUTF8): an invitation, received by a real SMTP server.
    const invite = await owner.client.post(api(owner, '/invitations'), { email: 'Zoë@Exämple.com', role: 'staff' });
    expect(invite.statusCode, invite.body).toBe(201);
    const mail = await server.smtp.waitForMail('zoë@exämple.com', (m) => m.subject.includes('invited you'));
    expect(mail.headers.get('to')).toMatchObject({ text: 'zoë@exämple.com' });
  });
});
