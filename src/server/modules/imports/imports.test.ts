import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { contactsOf, csv, importFile, importsUrl, reportOf, uploadOk, waitForImport, xlsx } from './imports.fixtures';
import type { ImportMapping } from './imports.contract';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: Owner, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const target = (m: ImportMapping, column: number) => m.find((x) => x.column === column)?.target ?? null;

describe('mapping and preview', () => {
  it('CRM-7 suggests a mapping from header names and common synonyms, custom fields by key or label, and tags', async () => {
    const owner = await ownerWithWorkspace(server);
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'favourite_colour', label: 'Favourite colour', type: 'text' });
    const imp = await uploadOk(
      server,
      owner,
      csv([
        ['First Name', 'Surname', 'E-mail', 'Mobile', 'Zip', 'Company name', 'Job Title', 'favourite colour', 'Labels', 'Shoe size'],
        ['Ada', 'Lovelace', 'ada@example.com', '512 463 4630', '78701', 'Analytical', 'Analyst', 'green', 'vip', '38'],
      ]),
    );
    expect(imp).toMatchObject({ status: 'mapping', fileType: 'csv', encoding: 'utf-8', hasHeader: true, rowsTotal: 1 });
    expect(imp.columns[2]).toEqual({ index: 2, header: 'E-mail', samples: ['ada@example.com'] });
    expect(imp.mapping.map((m) => m.target)).toEqual(['firstName', 'lastName', 'email', 'phone', 'postalCode', 'companyName', 'title', 'custom:favourite_colour', 'tags', null]);

    // Companies: "Website" is the domain; an email list takes its single column even without a header.
    const companies = await uploadOk(server, owner, csv([['Company', 'Website', 'Sector'], ['Globex', 'https://www.globex.com/about', 'Energy']]), 'co.csv', 'companies');
    expect(companies.mapping.map((m) => m.target)).toEqual(['name', 'domain', 'industry']);
    const list = await uploadOk(server, owner, 'a@example.com\nb@example.com\n', 'list.txt', 'email_list');
    expect(list).toMatchObject({ hasHeader: false, columns: [{ header: 'Column 1' }], mapping: [{ column: 0, target: 'email' }] });
  });

  it('CRM-7 the preview shows the first rows as they will be stored, each with its problems, and keeps the mapping', async () => {
    const owner = await ownerWithWorkspace(server);
    const imp = await uploadOk(
      server,
      owner,
      csv([
        ['Name', 'Email', 'Phone', 'Country', 'Lifecycle'],
        ['Ada Lovelace', ' ADA@Example.com ', '(512) 463-4630', 'United States', 'Customer'],
        ['Bad Row', 'not-an-email', '123', 'Narnia', 'vip'],
      ]),
    );
    const res = await owner.client.post(importsUrl(owner, `/${imp.id}/preview`), { object: 'contacts' });
    expect(res.statusCode, res.body).toBe(200);
    const preview = res.json();
    expect(preview.problems).toEqual([]);
    expect(preview.targets.map((t: { key: string }) => t.key)).toEqual(expect.arrayContaining(['email', 'phone', 'tags', 'companyName']));
    expect(preview.rows[0]).toEqual({
      row: 2,
      values: { firstName: 'Ada', lastName: 'Lovelace', emails: ['ada@example.com'], phones: ['+15124634630'], country: 'US', lifecycle: 'customer' },
      errors: [],
    });
    expect(preview.rows[1].row).toBe(3);
    expect(preview.rows[1].errors.map((e: { column: string }) => e.column)).toEqual(['Email', 'Phone', 'Country', 'Lifecycle']);

    // A mapping without name, email or phone cannot start: the preview says so, and start refuses with 400.
    const none = await owner.client.post(importsUrl(owner, `/${imp.id}/preview`), { object: 'contacts', mapping: [{ column: 3, target: 'country' }] });
    expect(none.json().problems).toEqual(expect.arrayContaining([expect.stringMatching(/name, first name, last name, email or phone/)]));
    const start = await owner.client.post(importsUrl(owner, `/${imp.id}/start`), { object: 'contacts', mapping: [{ column: 3, target: 'country' }], options: {} });
    expect(start.statusCode).toBe(400);
    expect(start.json().error.code).toBe('missing_required_column');
    expect((await owner.client.get(importsUrl(owner, `/${imp.id}`))).json().status).toBe('mapping');
  });
});

describe('importing', () => {
  it('CRM-7 a CSV imports contacts in the background with progress: phones E.164, companies by name, custom fields, tags, territory owner', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'budget', label: 'Budget', type: 'currency' });
    await owner.client.post(api(owner, '/companies'), { name: 'Globex' });
    // CRM-10: a territory rule gives zip codes 94xxx to the staff member.
    const rule = await owner.client.post(api(owner, '/territory-rules'), { name: 'Bay Area', matchKind: 'postal_prefix', matchValues: ['94'], ownerUserId: staff.userId });
    expect(rule.statusCode, rule.body).toBe(201);
    const rows: (string | number)[][] = [['First name', 'Last name', 'Email', 'Phone', 'Company', 'Zip', 'Budget', 'Tags', 'Owner']];
    for (let i = 0; i < 600; i++) rows.push([`P${i}`, 'Smith', `p${i}@example.com`, `512-555-${String(1000 + i).slice(-4)}`, i % 2 ? 'Globex' : 'Initech', i % 3 ? '78701' : '94105', '1,250.50', 'lead; 2026', '']);
    rows.push(['Olga', 'Owner', 'olga@example.com', '', '', '94105', '', '', owner.email]);
    const done = await importFile(server, owner, csv(rows));
    expect(done).toMatchObject({ status: 'completed', created: 601, updated: 0, skipped: 0, failed: 0, rowsProcessed: 601, rowsTotal: 601, errorCount: 0, canUndo: true });
    const all = await contactsOf(server, owner.workspaceId);
    expect(all).toHaveLength(601);
    const p0 = all.find((c) => c.email === 'p0@example.com')!;
    expect(p0).toMatchObject({ first_name: 'P0', last_name: 'Smith', phone: '+15125551000', company_name: 'Initech', postal_code: '94105', source: 'import', custom: { budget: 1250.5 }, tag_names: ['2026', 'lead'] });
    expect(p0.owner_user_id).toBe(staff.userId);
    expect(all.find((c) => c.email === 'p1@example.com')).toMatchObject({ company_name: 'Globex', owner_user_id: owner.userId });
    // An owner named in the file wins over the territory rule.
    expect(all.find((c) => c.email === 'olga@example.com')).toMatchObject({ owner_user_id: owner.userId });
    const { rows: companies } = await server.services.database.systemPool.query(`SELECT name FROM companies WHERE workspace_id = $1 ORDER BY name`, [owner.workspaceId]);
    expect(companies.map((c) => c.name)).toEqual(['Globex', 'Initech']);
    const audit = (await owner.client.get(api(owner, '/audit?action=import.started'))).json().entries;
    expect(audit[0]).toMatchObject({ action: 'import.started', targetId: done.id, details: { fileName: 'people.csv', object: 'contacts' } });
    const list = (await owner.client.get(importsUrl(owner))).json().items;
    expect(list[0]).toMatchObject({ id: done.id, status: 'completed', createdByName: 'Olive Owner' });
  });

  it('CRM-7 an XLSX workbook imports like a CSV, dates and numbers included', async () => {
    const owner = await ownerWithWorkspace(server);
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'signed_up', label: 'Signed up', type: 'date' });
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'seats', label: 'Seats', type: 'number' });
    const file = await xlsx([
      ['Full name', 'Email address', 'Signed up', 'Seats', 'City'],
      ['Grace Hopper', 'grace@navy.test', new Date(Date.UTC(2024, 2, 5)), 12, 'Arlington'],
      ['Alan Turing', 'alan@bletchley.test', '2023-06-23', 3, 'London'],
    ]);
    const done = await importFile(server, owner, file, {}, { fileName: 'people.xlsx' });
    expect(done).toMatchObject({ status: 'completed', fileType: 'xlsx', created: 2, failed: 0 });
    const all = await contactsOf(server, owner.workspaceId);
    expect(all.map((c) => [c.first_name, c.last_name, c.email, c.custom, c.city])).toEqual([
      ['Alan', 'Turing', 'alan@bletchley.test', { signed_up: '2023-06-23', seats: 3 }, 'London'],
      ['Grace', 'Hopper', 'grace@navy.test', { signed_up: '2024-03-05', seats: 12 }, 'Arlington'],
    ]);
  });

  it('CRM-7 dedupe by email: update merges into the existing contact, skip leaves it, create adds another', async () => {
    const owner = await ownerWithWorkspace(server);
    const existing = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Ada', lastName: 'Old', emails: ['ada@example.com'], title: 'Keeps this' })).json();
    const file = csv([['Email', 'Last name', 'City'], ['ADA@example.com', 'Lovelace', 'London'], ['new@example.com', 'New', '']]);

    const skip = await importFile(server, owner, file, { onMatch: 'skip' });
    expect(skip).toMatchObject({ created: 1, updated: 0, skipped: 1 });
    expect((await owner.client.get(api(owner, `/contacts/${existing.id}`))).json()).toMatchObject({ lastName: 'Old', version: 1 });

    const update = await importFile(server, owner, file, { onMatch: 'update' });
    // The second row matches the contact the first import created; it has nothing new, so it is skipped.
    expect(update).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    expect((await owner.client.get(api(owner, `/contacts/${existing.id}`))).json()).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', city: 'London', title: 'Keeps this', version: 2 });

    const create = await importFile(server, owner, file, { onMatch: 'create' });
    expect(create).toMatchObject({ created: 2, updated: 0 });
    const ada = (await contactsOf(server, owner.workspaceId)).filter((c) => c.email === 'ada@example.com');
    expect(ada).toHaveLength(2);
  });

  it('CRM-7 dedupe by phone (E.164 whatever the format) and companies by domain', async () => {
    const owner = await ownerWithWorkspace(server);
    const bob = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Bob', phones: ['+1 512 463 4630'] })).json();
    const byPhone = await importFile(server, owner, csv([['Phone', 'Title'], ['(512) 463-4630', 'Plumber'], ['512.463.9999', 'Roofer']]), { dedupeKey: 'phone', onMatch: 'update' });
    expect(byPhone).toMatchObject({ created: 1, updated: 1 });
    expect((await owner.client.get(api(owner, `/contacts/${bob.id}`))).json()).toMatchObject({ firstName: 'Bob', title: 'Plumber', phones: ['+15124634630'] });

    const globex = (await owner.client.post(api(owner, '/companies'), { name: 'Globex', domain: 'globex.com' })).json();
    const file = csv([['Company', 'Website', 'Industry'], ['Globex Corp', 'https://www.GLOBEX.com/about', 'Energy'], ['Initech', 'initech.com', 'Software']]);
    const skip = await importFile(server, owner, file, { dedupeKey: 'domain', onMatch: 'skip' }, { object: 'companies', fileName: 'co.csv' });
    expect(skip).toMatchObject({ created: 1, skipped: 1 });
    const update = await importFile(server, owner, file, { dedupeKey: 'domain', onMatch: 'update' }, { object: 'companies', fileName: 'co.csv' });
    // Initech, created by the first run with the same values, has nothing new: skipped.
    expect(update).toMatchObject({ created: 0, updated: 1, skipped: 1 });
    expect((await owner.client.get(api(owner, `/companies/${globex.id}`))).json()).toMatchObject({ name: 'Globex Corp', domain: 'globex.com', industry: 'Energy' });
  });

  it('CRM-7 bad rows are reported by row and column in a downloadable CSV while the valid rest imports; duplicates in the file are merged and reported', async () => {
    const owner = await ownerWithWorkspace(server);
    const file = csv([
      ['Name', 'Email', 'Phone', 'City'],
      ['Ada Lovelace', 'ada@example.com', '512 463 4630', 'London'],
      ['No Email', 'ada(at)example.com', '', ''],
      ['Bad Phone', 'bp@example.com', '12', ''],
      ['', '', '', 'Only a city'],
      ['Ada L.', 'Ada@Example.com', '+44 20 7946 0958', ''],
      ['=cmd()', 'formula@example.com', '', ''],
      ['', '', '', ''],
    ]);
    const done = await importFile(server, owner, file, { onMatch: 'update' });
    expect(done).toMatchObject({ status: 'completed', created: 2, failed: 3, errorCount: 4 });
    const report = await reportOf(owner, done.id);
    expect(report).toEqual([
      ['3', 'Email', 'Not a valid email address.', 'ada(at)example.com'],
      ['4', 'Phone', 'Not a valid phone number.', '12'],
      ['5', '', 'A contact needs a name, an email or a phone.', ''],
      ['6', 'Email', 'Same email as row 2: merged into that row', 'ada@example.com'],
    ]);
    const ada = (await contactsOf(server, owner.workspaceId)).find((c) => c.email === 'ada@example.com')!;
    // Merged: the later row's name wins, phones are united.
    expect(ada).toMatchObject({ first_name: 'Ada', last_name: 'L.', phones: ['+15124634630', '+442079460958'] });
    // A value that a spreadsheet would run is neutralised in the report download (CRM-8 rule).
    const formula = await importFile(server, owner, csv([['Name', 'Email'], ['=HYPERLINK("x")', 'nope']]));
    expect((await reportOf(owner, formula.id))[0]).toEqual(['2', 'Email', 'Not a valid email address.', 'nope']);
  });

  it('CRM-7 rows of the same email in one file unite their custom values, the later row winning a field it fills', async () => {
    const owner = await ownerWithWorkspace(server);
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'seats', label: 'Seats', type: 'number' });
    await owner.client.post(api(owner, '/custom-fields'), { object: 'contacts', key: 'plan', label: 'Plan', type: 'text' });
    const file = csv([
      ['Name', 'Email', 'Seats', 'Plan'],
      ['Grace Hopper', 'grace@example.com', '5', 'basic'],
      ['Alan Turing', 'alan@example.com', '', 'pro'],
      ['Grace H.', 'GRACE@example.com', '', 'team'],
      ['Grace', 'grace@example.com', '12', ''],
    ]);
    const done = await importFile(server, owner, file, { onMatch: 'update' });
    expect(done).toMatchObject({ status: 'completed', created: 2 });
    const all = await contactsOf(server, owner.workspaceId);
    expect(all.find((c) => c.email === 'grace@example.com')?.custom).toEqual({ seats: 12, plan: 'team' });
    expect(all.find((c) => c.email === 'alan@example.com')?.custom).toEqual({ plan: 'pro' });
  });

  it('CRM-7 all-or-nothing: one bad row and nothing is imported, the workspace untouched, the report kept', async () => {
    const owner = await ownerWithWorkspace(server);
    const existing = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Keep', emails: ['keep@example.com'] })).json();
    const file = csv([['Name', 'Email'], ['Keep Changed', 'keep@example.com'], ['New Person', 'new@example.com'], ['Broken', 'broken@']]);
    const done = await importFile(server, owner, file, { mode: 'all_or_nothing', onMatch: 'update' });
    expect(done).toMatchObject({ status: 'failed', created: 0, updated: 0, failed: 1, errorCount: 1, canUndo: false });
    expect(done.error).toMatch(/nothing was imported/);
    const all = await contactsOf(server, owner.workspaceId);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: existing.id, first_name: 'Keep', version: 1 });
    expect(await reportOf(owner, done.id)).toEqual([['4', 'Email', 'Not a valid email address.', 'broken@']]);
  });

  it('CRM-7 an email list goes into a named tag, creating contacts as needed and tagging existing ones', async () => {
    const owner = await ownerWithWorkspace(server);
    const known = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Known', emails: ['known@example.com'] })).json();
    const done = await importFile(server, owner, 'Known@example.com\nfresh@example.com\nfresh@example.com\nnot an address\n', { tagName: 'Newsletter' }, { object: 'email_list', fileName: 'list.txt' });
    expect(done).toMatchObject({ status: 'completed', created: 1, updated: 1, failed: 1 });
    const all = await contactsOf(server, owner.workspaceId);
    expect(all.map((c) => [c.email, c.tag_names])).toEqual([
      ['fresh@example.com', ['Newsletter']],
      ['known@example.com', ['Newsletter']],
    ]);
    expect((await owner.client.get(api(owner, `/contacts/${known.id}`))).json()).toMatchObject({ firstName: 'Known', version: 1 });
    const noTag = await uploadOk(server, owner, 'a@example.com\n', 'l.txt', 'email_list');
    const start = await owner.client.post(importsUrl(owner, `/${noTag.id}/start`), { object: 'email_list', mapping: noTag.mapping, options: {} });
    expect(start.statusCode).toBe(400);
    expect(start.json().error.details.fields).toHaveProperty(['options.tagName']);
  });
});

describe('undo', () => {
  it('CRM-7 undo deletes what the import created and restores what it updated, except records changed since, which it reports', async () => {
    const owner = await ownerWithWorkspace(server);
    const staff = await addMember(server, owner, 'staff');
    const a = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Ann', emails: ['ann@example.com'], city: 'Austin' })).json();
    const b = (await owner.client.post(api(owner, '/contacts'), { firstName: 'Ben', emails: ['ben@example.com'], city: 'Boston' })).json();
    const file = csv([['Email', 'City', 'Company', 'Tags'], ['ann@example.com', 'Paris', 'NewCo', 'imported'], ['ben@example.com', 'Rome', '', 'imported'], ['cat@example.com', 'Oslo', 'NewCo', ''], ['dan@example.com', 'Lima', '', '']]);
    const done = await importFile(server, { client: staff.client, workspaceId: owner.workspaceId }, file, { onMatch: 'update' });
    expect(done).toMatchObject({ created: 2, updated: 2 });

    // After the import someone edits Ben, and a deal is opened for Dan: both stay.
    const benNow = (await owner.client.get(api(owner, `/contacts/${b.id}`))).json();
    expect((await owner.client.patch(api(owner, `/contacts/${b.id}`), { title: 'Edited later', version: benNow.version })).statusCode).toBe(200);
    const dan = (await contactsOf(server, owner.workspaceId)).find((c) => c.email === 'dan@example.com')!;
    expect((await owner.client.post(api(owner, '/deals'), { name: 'Dan deal', contactId: dan.id })).statusCode).toBe(201);

    // A staff member who did not run it cannot undo; the importer can.
    const other = await addMember(server, owner, 'staff');
    expect((await other.client.post(importsUrl(owner, `/${done.id}/undo`))).statusCode).toBe(403);
    const undo = await staff.client.post(importsUrl(owner, `/${done.id}/undo`));
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json()).toMatchObject({ status: 'undone', canUndo: false, undoResult: { deleted: 2, restored: 1, keptChanged: 1, keptInUse: 1 } });
    expect(undo.json().undoResult.keptIds).toEqual(expect.arrayContaining([b.id, dan.id]));

    const all = await contactsOf(server, owner.workspaceId);
    expect(all.map((c) => c.email)).toEqual(['ann@example.com', 'ben@example.com', 'dan@example.com']);
    expect(all[0]).toMatchObject({ id: a.id, city: 'Austin', company_id: null, tag_names: null });
    expect(all[1]).toMatchObject({ city: 'Rome', title: 'Edited later', tag_names: null });
    const { rows: leftover } = await server.services.database.systemPool.query(`SELECT name FROM companies WHERE workspace_id = $1 UNION ALL SELECT name FROM tags WHERE workspace_id = $1`, [owner.workspaceId]);
    expect(leftover).toEqual([]);
    expect((await owner.client.post(importsUrl(owner, `/${done.id}/undo`))).json().error.code).toBe('not_undoable');
    const audit = (await owner.client.get(api(owner, '/audit?action=import.undone'))).json().entries;
    expect(audit[0]).toMatchObject({ targetId: done.id, details: { deleted: 2, restored: 1 } });
  });
});

describe('tenancy', () => {
  it('CRM-7 another workspace cannot see, download, start or undo an import (404)', async () => {
    const owner = await ownerWithWorkspace(server);
    const stranger = await ownerWithWorkspace(server, 'Other Co');
    const done = await importFile(server, owner, csv([['Email'], ['x@example.com']]));
    // The stranger uses their own workspace in the URL with our import's id, and ours directly.
    for (const url of [`/api/workspaces/${stranger.workspaceId}/imports/${done.id}`, `/api/workspaces/${owner.workspaceId}/imports/${done.id}`]) {
      expect((await stranger.client.get(url)).statusCode).toBe(404);
      expect((await stranger.client.get(`${url}/report.csv`)).statusCode).toBe(404);
      expect((await stranger.client.post(`${url}/undo`)).statusCode).toBe(404);
    }
    expect((await stranger.client.get(`/api/workspaces/${stranger.workspaceId}/imports`)).json().items).toEqual([]);
    expect((await owner.client.get(importsUrl(owner, `/${done.id}`))).json().status).toBe('completed');
    await waitForImport(owner, done.id);
  });
});
