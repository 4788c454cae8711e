import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, ownerWithWorkspace } from '../../../../test/helpers/client';
import { startTestServer, type TestServer } from '../../../../test/helpers/server';
import { contactsOf, csv, importFile, importsUrl, reportOf, upload, uploadOk } from './imports.fixtures';

let server: TestServer;
let owner: Awaited<ReturnType<typeof ownerWithWorkspace>>;
const MAX = 300_000;

beforeAll(async () => {
  server = await startTestServer({ IMPORT_MAX_BYTES: String(MAX) });
  owner = await ownerWithWorkspace(server);
});

const storedUploads = async (workspaceId: string) => readdir(path.join(server.services.config.DATA_DIR, 'imports', workspaceId)).catch(() => [] as string[]);

describe('bad input', () => {
  it('CRM-7 encodings: a UTF-8 BOM and a Windows-1252 export are both read correctly', async () => {
    const o = await ownerWithWorkspace(server);
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Email;Name;City\nzoe@example.com;Zoë Müller;Zürich\n', 'utf8')]);
    const a = await importFile(server, o, bom, {}, { fileName: 'bom.csv' });
    expect(a).toMatchObject({ status: 'completed', encoding: 'utf-8-bom', created: 1 });
    expect(a.columns.map((c) => c.header)).toEqual(['Email', 'Name', 'City']);
    // "Renée Côté, Besançon, 5 €" as Windows-1252 bytes: invalid as UTF-8.
    const latin = Buffer.from('Email,Name,City,Note\nrenee@example.com,Ren\xe9e C\xf4t\xe9,Besan\xe7on,5 \x80\n', 'latin1');
    const b = await importFile(server, o, latin, {}, { fileName: 'latin.csv', mapping: (m) => m.map((x) => (x.column === 3 ? { ...x, target: null } : x)) });
    expect(b).toMatchObject({ status: 'completed', encoding: 'windows-1252', created: 1, failed: 0 });
    const people = await contactsOf(server, o.workspaceId);
    expect(people.map((p) => [p.first_name, p.last_name, p.city])).toEqual([
      ['Renée', 'Côté', 'Besançon'],
      ['Zoë', 'Müller', 'Zürich'],
    ]);
  });

  it('CRM-7 broken UTF-8 further into a file: each broken row is reported, the rest imported', async () => {
    const o = await ownerWithWorkspace(server);
    const good = Array.from({ length: 2000 }, (_, i) => `p${i}@example.com,Person ${i} ünïcode,Town`).join('\n');
    // Past the part of the file that is sniffed for its encoding (64 KB): a stray 0xFF byte.
    const file = Buffer.concat([Buffer.from(`Email,Name,City\n${good}\n`, 'utf8'), Buffer.from('broken@example.com,Bad \xff\xfe Name,Town\n', 'latin1'), Buffer.from('last@example.com,Last One,Town\n')]);
    expect(file.length).toBeGreaterThan(64 * 1024);
    const done = await importFile(server, o, file, {}, { fileName: 'mixed.csv' });
    expect(done).toMatchObject({ status: 'completed', encoding: 'utf-8', created: 2001, failed: 1 });
    const report = await reportOf(o, done.id);
    expect(report).toHaveLength(1);
    expect(report[0]!.slice(0, 2)).toEqual(['2002', 'Name']);
    expect(report[0]![2]).toMatch(/not valid UTF-8/);
  });

  it('CRM-7 a file that is not a spreadsheet is refused with 400 unsupported_file, and nothing is kept', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
    for (const [body, name] of [
      [png, 'contacts.csv'],
      [Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), 'contacts.csv'],
      [Buffer.from('Email\na@example.com\n'), 'contacts.xlsx'],
      [Buffer.from('Email\na@example.com\n'), 'contacts.docx'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'broken.xlsx'],
    ] as const) {
      const res = await upload(server, owner, owner.workspaceId, body, name);
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'unsupported_file', message: expect.any(String), details: {} });
    }
    const empty = await upload(server, owner, owner.workspaceId, Buffer.alloc(0), 'empty.csv');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.code).toBe('empty_file');
    expect(await storedUploads(owner.workspaceId)).toEqual([]);
    expect((await owner.client.get(importsUrl(owner))).json().items).toEqual([]);
  });

  it('CRM-7 an upload over the configured limit is refused with 413 in the error shape, and no file is left behind', async () => {
    const big = Buffer.from(csv([['Email'], ...Array.from({ length: 20_000 }, (_, i) => [`someone${i}@example.com`])]));
    expect(big.length).toBeGreaterThan(MAX);
    const res = await upload(server, owner, owner.workspaceId, big, 'big.csv');
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'file_too_large', message: expect.stringMatching(/larger than/), details: { maxBytes: MAX } } });
    // Without a declared length the server counts while streaming and stops at the limit.
    const chunked = await server.app.inject({
      method: 'POST',
      url: `${importsUrl(owner)}?fileName=big.csv`,
      remoteAddress: owner.client.ip,
      headers: { cookie: owner.client.cookie!, 'x-csrf-token': owner.client.csrf!, 'content-type': 'application/octet-stream' },
      payload: Readable.from([big.subarray(0, 100_000), big.subarray(100_000)]),
    });
    expect(chunked.statusCode).toBe(413);
    expect(chunked.json().error.code).toBe('file_too_large');
    expect(await storedUploads(owner.workspaceId)).toEqual([]);
  });

  it('CRM-7 a missing required column stops the import before it starts (400), for contacts, companies and email lists', async () => {
    const contacts = await uploadOk(server, owner, csv([['City', 'Notes'], ['Austin', 'x']]));
    const c = await owner.client.post(importsUrl(owner, `/${contacts.id}/start`), { object: 'contacts', mapping: contacts.mapping, options: { dedupeKey: 'none' } });
    expect(c.statusCode).toBe(400);
    expect(c.json().error).toMatchObject({ code: 'missing_required_column', details: { problems: [expect.stringMatching(/name.*email or phone/)] } });
    const companies = await uploadOk(server, owner, csv([['Website'], ['globex.com']]), 'co.csv', 'companies');
    const co = await owner.client.post(importsUrl(owner, `/${companies.id}/start`), { object: 'companies', mapping: companies.mapping, options: { dedupeKey: 'domain' } });
    expect(co.statusCode).toBe(400);
    expect(co.json().error.message).toMatch(/company name/);
    // Matching by email needs an email column.
    const noEmail = await uploadOk(server, owner, csv([['Name'], ['Ada']]));
    const ne = await owner.client.post(importsUrl(owner, `/${noEmail.id}/start`), { object: 'contacts', mapping: noEmail.mapping, options: { dedupeKey: 'email' } });
    expect(ne.statusCode).toBe(400);
    expect(ne.json().error.code).toBe('missing_required_column');
    // A mapping naming a column the file does not have.
    const wide = await owner.client.post(importsUrl(owner, `/${noEmail.id}/start`), { object: 'contacts', mapping: [{ column: 7, target: 'email' }], options: {} });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error.code).toBe('validation_failed');
  });

  it('CRM-7 invalid emails and phones and duplicate rows are reported while the rest imports, and nothing in the workspace is lost', async () => {
    const o = await ownerWithWorkspace(server);
    const existing = (await o.client.post(`/api/workspaces/${o.workspaceId}/contacts`, { firstName: 'Existing', lastName: 'Person', emails: ['dup@example.com'], title: 'CEO' })).json();
    const file = csv([
      ['Email', 'Phone', 'First name'],
      ['dup@example.com', '', ''],
      ['nope@', '', 'Bad'],
      ['ok@example.com', 'call me', 'Phone'],
      ['dup@example.com', '', 'Second'],
      ['fine@example.com', '+1 (512) 463-4630', 'Fine'],
    ]);
    const done = await importFile(server, o, file, { onMatch: 'skip' });
    expect(done).toMatchObject({ status: 'completed', created: 1, updated: 0, failed: 2 });
    const report = await reportOf(o, done.id);
    expect(report.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['3', 'Email', 'Not a valid email address.'],
      ['4', 'Phone', 'Not a valid phone number.'],
      ['5', 'Email', 'Same email as row 2: skipped'],
    ]);
    const all = await contactsOf(server, o.workspaceId);
    expect(all.map((c) => c.email)).toEqual(['dup@example.com', 'fine@example.com']);
    expect(all[0]).toMatchObject({ id: existing.id, first_name: 'Existing', title: 'CEO', version: 1 });
    expect(all[1]).toMatchObject({ phone: '+15124634630' });
  });

  it('CRM-7 staff may import, clients may not; a started import cannot be started or discarded twice', async () => {
    const staff = await addMember(server, owner, 'staff');
    const client = await addMember(server, owner, 'client');
    expect((await upload(server, client, owner.workspaceId, csv([['Email'], ['c@example.com']]), 'c.csv')).statusCode).toBe(403);
    const imp = await uploadOk(server, { client: staff.client, workspaceId: owner.workspaceId }, csv([['Email'], ['s@example.com']]), 's.csv');
    const start = () => staff.client.post(importsUrl(owner, `/${imp.id}/start`), { object: 'contacts', mapping: imp.mapping, options: {} });
    expect((await start()).statusCode).toBe(202);
    expect((await start()).json().error.code).toBe('import_started');
    expect((await staff.client.delete(importsUrl(owner, `/${imp.id}`))).statusCode).toBe(409);
    // An upload that was never started can be discarded, file and all.
    const spare = await uploadOk(server, owner, csv([['Email'], ['x@example.com']]), 'x.csv');
    expect(await storedUploads(owner.workspaceId)).toContain(`${spare.id}.upload`);
    expect((await owner.client.delete(importsUrl(owner, `/${spare.id}`))).statusCode).toBe(204);
    expect(await storedUploads(owner.workspaceId)).not.toContain(`${spare.id}.upload`);
    expect((await owner.client.get(importsUrl(owner, `/${spare.id}`))).statusCode).toBe(404);
  });
});
