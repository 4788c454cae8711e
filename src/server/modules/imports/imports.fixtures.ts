import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import type { TestClient } from '../../../../test/helpers/client';
import type { TestServer } from '../../../../test/helpers/server';
import type { Import, ImportMapping } from './imports.contract';

/** Test helpers for the import tests: real files over real HTTP, and waiting for the real job runner. */

export interface Member {
  client: TestClient;
  workspaceId: string;
}

export const importsUrl = (o: Member, path = '') => `/api/workspaces/${o.workspaceId}/imports${path}`;

/** Sends a file as the raw request body, as the web page does. */
export async function upload(server: TestServer, who: { client: TestClient }, workspaceId: string, body: Buffer | string, fileName: string, object = 'contacts', contentType = 'application/octet-stream') {
  const c = who.client;
  return server.app.inject({
    method: 'POST',
    url: `/api/workspaces/${workspaceId}/imports?fileName=${encodeURIComponent(fileName)}&object=${object}`,
    remoteAddress: c.ip,
    headers: { cookie: c.cookie!, 'x-csrf-token': c.csrf!, 'content-type': contentType, 'user-agent': 'KestrelTest/1.0' },
    payload: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  });
}

export async function uploadOk(server: TestServer, o: Member, body: Buffer | string, fileName = 'people.csv', object = 'contacts'): Promise<Import> {
  const res = await upload(server, o, o.workspaceId, body, fileName, object);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function waitForImport(o: Member, id: string, ms = 240_000): Promise<Import> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await o.client.get(importsUrl(o, `/${id}`));
    expect(res.statusCode, res.body).toBe(200);
    const imp = res.json() as Import;
    if (imp.status === 'completed' || imp.status === 'failed') return imp;
    if (Date.now() > end) throw new Error(`import ${id} still ${imp.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Upload, start with the suggested mapping (or the one given), and wait for the job to finish. */
export async function importFile(
  server: TestServer,
  o: Member,
  body: Buffer | string,
  options: Record<string, unknown> = {},
  extra: { fileName?: string; object?: string; mapping?: (m: ImportMapping, imp: Import) => ImportMapping } = {},
): Promise<Import> {
  const object = extra.object ?? 'contacts';
  const imp = await uploadOk(server, o, body, extra.fileName ?? 'people.csv', object);
  const mapping = extra.mapping ? extra.mapping(imp.mapping, imp) : imp.mapping;
  const start = await o.client.post(importsUrl(o, `/${imp.id}/start`), { object, mapping, options: { dedupeKey: object === 'companies' ? 'domain' : 'email', onMatch: 'update', mode: 'valid_rows', ...options } });
  expect(start.statusCode, start.body).toBe(202);
  return waitForImport(o, imp.id);
}

export const csv = (rows: (string | number)[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') + '\r\n';

export async function xlsx(rows: (string | number | Date | boolean | null)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('People');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function contactsOf(server: TestServer, workspaceId: string) {
  const { rows } = await server.services.database.systemPool.query(
    `SELECT c.*, (SELECT array_agg(t.name::text ORDER BY t.name) FROM record_tags rt JOIN tags t ON t.workspace_id = rt.workspace_id AND t.id = rt.tag_id
                  WHERE rt.workspace_id = c.workspace_id AND rt.record_type = 'contacts' AND rt.record_id = c.id) AS tag_names,
            co.name AS company_name
     FROM contacts c LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id
     WHERE c.workspace_id = $1 ORDER BY c.email NULLS LAST, c.first_name`,
    [workspaceId],
  );
  return rows;
}

export async function reportOf(o: Member, id: string): Promise<string[][]> {
  const res = await o.client.get(importsUrl(o, `/${id}/report.csv`));
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/text\/csv/);
  expect(res.headers['content-disposition']).toMatch(/attachment; filename=".*-report\.csv"/);
  const lines = res.body.replace(/^\ufeff/, '').trim().split('\r\n');
  expect(lines[0]).toBe('row,column,reason,value');
  // Simple splitting is enough for the reports of these tests (quoted cells hold no newlines).
  return lines.slice(1).map((l) => (l.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, 4));
}
