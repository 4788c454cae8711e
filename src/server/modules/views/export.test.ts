import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace, type TestClient } from '../../../../test/helpers/client';
import { parseCsv } from '../../../../test/helpers/csv';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { withTenant } from '../../platform/db/tenant';
import { recordTypes } from '../crm/crm.contract';
import { prepareView } from './compile-view';
import { neutralise, quote } from './csv';
import { exportLine, exportQuery } from './export-lines';
import { chosenColumns } from './read-rows';
import { sql } from 'drizzle-orm';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});

type Owner = Awaited<ReturnType<typeof ownerWithWorkspace>>;
const api = (o: { workspaceId: string }, path: string) => `/api/workspaces/${o.workspaceId}${path}`;
const make = async (client: TestClient, o: Owner, path: string, body: unknown) => {
  const res = await client.post(api(o, path), body);
  if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json();
};

async function workspaceWithContacts(name = 'Export Co') {
  const owner = await ownerWithWorkspace(server, name);
  await make(owner.client, owner, '/custom-fields', { object: 'contacts', key: 'industry', label: 'Industry', type: 'select', options: ['retail', 'health'] });
  const vip = await make(owner.client, owner, '/tags', { name: 'vip' });
  const evil = await make(owner.client, owner, '/contacts', {
    firstName: '=HYPERLINK("http://evil.example","click")',
    lastName: 'Mallory',
    title: '+1 cmd|calc',
    source: '@SUM(A1)',
    lifecycle: 'lead',
    custom: { industry: 'retail' },
  });
  await make(owner.client, owner, `/contacts/${evil.id}/tags`, { tagId: vip.id });
  const plain = await make(owner.client, owner, '/contacts', { firstName: 'Plain', lastName: 'Person', title: '-2+3', lifecycle: 'customer', emails: ['plain@example.com'] });
  return { owner, evil: evil.id as string, plain: plain.id as string };
}

describe('export (CRM-8)', () => {
  it('CRM-8 the database renders every exported cell by the same formula and quoting rules as the header', async () => {
    const tricky = [
      'plain', '', ' lead', 'trail ', '=1+2', '+44 20', '-2+3', '-5', '-5.25', '12', '1e5', '@SUM(A1)', '\tTab', '\rCR', 'a,b', 'say "hi"',
      'two\nlines', 'tab end\t', ' ', '\f', '=HYPERLINK("http://evil.example","click")', "'quoted", '\u00a0nbsp', 'ünïcödé, yes', '-', '=', '--1', '0.5.1',
    ];
    // The JS rules of csv.ts: a plain decimal stays; anything else is neutralised, then quoted.
    const expected = tricky.map((v) => (/^-?\d+(\.\d+)?$/.test(v) ? v : quote(neutralise(v))));
    const { rows } = await server.services.database.pool.query<{ cell: string }>('SELECT kestrel_csv_text(v) AS cell FROM unnest($1::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n', [tricky]);
    expect(rows.map((r) => r.cell)).toEqual(expected);
    const { rows: [empty] } = await server.services.database.pool.query<{ cell: string }>('SELECT kestrel_csv_text(NULL) AS cell');
    expect(empty!.cell).toBe('');
  });

  it('CRM-8 a view exports as streamed CSV with a header row, custom fields and tags as columns, and formula cells neutralised', async () => {
    const { owner, evil, plain } = await workspaceWithContacts();
    const res = await owner.client.post(api(owner, '/export'), {
      format: 'csv',
      view: { object: 'contacts', columns: ['firstName', 'lastName', 'title', 'source', 'custom.industry', 'tags'], sort: { field: 'lastName', direction: 'asc' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    const rows = parseCsv(res.body);
    expect(rows[0]).toEqual(['id', 'First name', 'Last name', 'Title', 'Source', 'Industry', 'Tags']);
    expect(rows.slice(1)).toEqual([
      [evil, `'=HYPERLINK("http://evil.example","click")`, 'Mallory', "'+1 cmd|calc", "'@SUM(A1)", 'retail', 'vip'],
      [plain, 'Plain', 'Person', "'-2+3", '', '', ''],
    ]);
    // The raw text, as a spreadsheet would read it.
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    // Audited.
    const audit = (await owner.client.get(api(owner, '/audit?limit=20'))).json().entries;
    expect(audit.find((e: { action: string }) => e.action === 'crm.export')).toMatchObject({ targetType: 'contacts', details: { format: 'csv' } });
  });

  it('CRM-8 a saved view exports only its rows, as a streamed JSON array; an object exports every column', async () => {
    const { owner, evil, plain } = await workspaceWithContacts();
    const view = await make(owner.client, owner, '/views', {
      name: 'Leads',
      definition: { object: 'contacts', columns: ['name', 'lifecycle', 'tags'], filter: { match: 'all', conditions: [{ field: 'lifecycle', op: 'eq', value: 'lead' }] } },
    });
    const res = await owner.client.get(api(owner, `/export?format=json&viewId=${view.id}`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.headers['content-disposition']).toContain('Leads-');
    expect(JSON.parse(res.body)).toEqual([{ id: evil, name: '=HYPERLINK("http://evil.example","click") Mallory', lifecycle: 'lead', tags: [expect.objectContaining({ name: 'vip' })] }]);

    const all = await owner.client.get(api(owner, '/export?format=csv&object=contacts'));
    const rows = parseCsv(all.body);
    expect(rows[0]).toEqual(expect.arrayContaining(['id', 'Name', 'Email', 'Lifecycle', 'Owner', 'Industry', 'Tags', 'Created']));
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual([evil, plain].sort());
    const emailAt = rows[0]!.indexOf('Email');
    expect(rows.find((r) => r[0] === plain)![emailAt]).toBe('plain@example.com');
    expect(rows.find((r) => r[0] === plain)![rows[0]!.indexOf('Owner')]).toBe('Olive Owner');

    const missing = await owner.client.get(api(owner, '/export?format=csv'));
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.fields).toEqual({ object: expect.any(String) });
    const bad = await owner.client.post(api(owner, '/export'), { format: 'csv', view: { object: 'contacts', filter: { match: 'all', conditions: [{ field: 'custom.nope', op: 'is_empty' }] } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toEqual({ 'view.filter.conditions.0.field': expect.stringContaining('custom.nope') });
  });

  it('CRM-8 an export streams every row in batches and never includes another workspace\'s rows; "everything" covers all objects', async () => {
    const { owner } = await workspaceWithContacts('Big Export');
    const other = await workspaceWithContacts('Other Export');
    // 2,500 more rows than a batch holds, written straight into the table.
    await server.services.database.systemPool.query(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, created_at)
       SELECT $1, gen_random_uuid(), 'Bulk', 'Row ' || g, 'bulk' || g || '@example.com', ARRAY['bulk' || g || '@example.com'], now() - (g || ' seconds')::interval FROM generate_series(1, 2500) g`,
      [owner.workspaceId],
    );
    const res = await owner.client.get(api(owner, '/export?format=csv&object=contacts'));
    expect(res.statusCode).toBe(200);
    const rows = parseCsv(res.body).slice(1);
    expect(rows.length).toBe(2502);
    expect(new Set(rows.map((r) => r[0])).size).toBe(2502);
    expect(res.body).not.toContain(other.evil);
    expect(res.body).not.toContain(other.plain);

    await make(owner.client, owner, '/companies', { name: 'Globex' });
    const everything = await owner.client.get(api(owner, '/export/everything'));
    expect(everything.statusCode).toBe(200);
    const doc = JSON.parse(everything.body);
    expect(Object.keys(doc)).toEqual(['contacts', 'companies', 'deals']);
    expect(doc.contacts.length).toBe(2502);
    expect(doc.companies.map((c: { name: string }) => c.name)).toEqual(['Globex']);
    expect(doc.deals).toEqual([]);
    expect(everything.body).not.toContain(other.evil);
  });

  it('CRM-8 a large export reads labels, tags and last activity by joins and writes exactly the lines a small export writes', async () => {
    const { owner, evil } = await workspaceWithContacts('Bulk Lines');
    const company = await make(owner.client, owner, '/companies', { name: 'Umbrella, Inc.', domain: 'umbrella.test' });
    const contact = await make(owner.client, owner, '/contacts', { firstName: 'Alice', lastName: '"Al" Smith', companyId: company.id, custom: {} });
    await make(owner.client, owner, '/deals', { name: '=Renewal', amount: -12000.5, expectedCloseDate: '2026-03-31', contactId: contact.id, companyId: company.id });
    await make(owner.client, owner, '/deals', { name: 'No links' });
    await make(owner.client, owner, '/activities', { kind: 'note', body: '<p>called</p>', links: [{ recordType: 'contacts', recordId: evil }] });
    const ctx = { workspaceId: owner.workspaceId, userId: owner.userId, role: 'owner' as const };
    for (const object of recordTypes) {
      for (const format of ['csv', 'json'] as const) {
        const [small, bulk] = await withTenant(server.services.database.db, ctx, async (tx) => {
          const view = await prepareView(tx, ctx, { object });
          const columns = chosenColumns(view.catalog, object, [...view.catalog.keys()]);
          const lines = async (isBulk: boolean) =>
            (await tx.execute<{ line: string }>(sql`SELECT ${exportLine(columns, format)} AS line FROM (${exportQuery(view, ctx.workspaceId, columns, format, isBulk)}) s`)).rows.map((r) => r.line);
          return [await lines(false), await lines(true)];
        });
        expect(small.length, `${object} ${format}`).toBeGreaterThan(0);
        expect(bulk, `${object} ${format}`).toEqual(small);
      }
    }
    // The lines carry what the joins read: labels, tags, last activity.
    const contactsJson = await withTenant(server.services.database.db, ctx, async (tx) => {
      const view = await prepareView(tx, ctx, { object: 'contacts' });
      const columns = chosenColumns(view.catalog, 'contacts', [...view.catalog.keys()]);
      return (await tx.execute<{ line: string }>(sql`SELECT ${exportLine(columns, 'json')} AS line FROM (${exportQuery(view, ctx.workspaceId, columns, 'json', true)}) s`)).rows.map((r) => JSON.parse(r.line));
    });
    expect(contactsJson.find((r) => r.id === contact.id)).toMatchObject({ company: { id: company.id, label: 'Umbrella, Inc.' }, owner: { label: 'Olive Owner' } });
    expect(contactsJson.find((r) => r.id === evil)).toMatchObject({ tags: [expect.objectContaining({ name: 'vip' })], lastActivityAt: expect.stringMatching(/^\d{4}-/) });
  });

  it('CRM-8 export follows role visibility and is for the team only', async () => {
    const { owner, evil, plain } = await workspaceWithContacts('Roles Export');
    const staff = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    await owner.client.patch(api(owner, `/contacts/${plain}`), { ownerUserId: staff.userId, version: 1 });
    expect((await owner.client.request('PUT', api(owner, '/crm-settings'), { staffOwnRecordsOnly: true })).statusCode).toBe(200);
    const res = await staff.client.get(api(owner, '/export?format=json&object=contacts'));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).map((r: { id: string }) => r.id)).toEqual([plain]);
    expect(res.body).not.toContain(evil);
    expect((await client.client.get(api(owner, '/export?format=csv&object=contacts'))).statusCode).toBe(403);
  });
});
