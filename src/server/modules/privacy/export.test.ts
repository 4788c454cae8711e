import { stat } from 'node:fs/promises';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { addMember } from '../../../../test/helpers/client';
import { parseCsv } from '../../../../test/helpers/csv';
import { privacyTestBed } from '../../../../test/helpers/privacy';
import { exportedTables } from './build-archive';
import { exportDir } from './manage-exports';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const bed = privacyTestBed('Export Everything Co', 'Someone Else');
const { api, made, readyExport } = bed;

describe('data export (PRIV-2)', () => {
  it('PRIV-2 the owner exports everything — every exported registry table as JSON and CSV in a zip — built by a job with progress, downloadable once', async () => {
    const contact = await made(bed.owner.client.post(api(bed.owner, '/contacts'), { firstName: 'Esha', lastName: 'Exported', emails: ['esha@example.test'], title: '=SUM(A1)' }));
    await made(bed.owner.client.post(api(bed.owner, '/activities'), { kind: 'note', body: '<p>A note that must be exported</p>', links: [{ recordType: 'contacts', recordId: contact.id }] }));
    await made(bed.owner.client.post(api(bed.owner, '/deals'), { name: 'Exported deal', contactId: contact.id }));
    await made(bed.other.client.post(api(bed.other, '/contacts'), { firstName: 'Not', lastName: 'Mine', emails: ['other@example.test'] }));

    const { id, downloadUrl } = await readyExport(bed.owner);
    const status = (await bed.owner.client.get(api(bed.owner, `/privacy/exports/${id}`))).json();
    expect(status.rowsTotal).toBeGreaterThan(5);
    expect(status.rowsDone).toBe(status.rowsTotal);
    // On disk under DATA_DIR, readable by the server's user only.
    const file = `${exportDir(bed.server.services.config.DATA_DIR, bed.owner.workspaceId)}/${id}.zip`;
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const res = await bed.owner.client.get(downloadUrl);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const zip = await JSZip.loadAsync(res.rawPayload);
    for (const t of exportedTables()) {
      expect(zip.file(`json/${t.table}.json`), t.table).not.toBeNull();
      expect(zip.file(`csv/${t.table}.csv`), t.table).not.toBeNull();
    }
    const contacts = JSON.parse(await zip.file('json/contacts.json')!.async('string'));
    expect(contacts.map((c: { first_name: string }) => c.first_name)).toEqual(['Esha']);
    const notes = JSON.parse(await zip.file('json/activities.json')!.async('string'));
    expect(notes[0].body_text).toContain('A note that must be exported');
    expect(JSON.parse(await zip.file('json/deals.json')!.async('string'))[0].name).toBe('Exported deal');
    // Secrets and hashes stay out (the registry's omit lists).
    expect(JSON.parse(await zip.file('json/invitations.json')!.async('string'))).toEqual([]);
    expect(JSON.parse(await zip.file('json/privacy_exports.json')!.async('string'))[0]).not.toHaveProperty('token_hash');
    // CSV: a header, one line a row, formulas neutralised.
    const csv = parseCsv(await zip.file('csv/contacts.csv')!.async('string'));
    expect(csv[0]).toContain('first_name');
    expect(csv[1]![csv[0]!.indexOf('title')]).toBe("'=SUM(A1)");
    // Nothing of another workspace.
    expect(await zip.file('json/contacts.json')!.async('string')).not.toContain('other@example.test');

    // Once: the second download is refused and the file is gone.
    await expect.poll(async () => stat(file).then(() => true, () => false)).toBe(false);
    const again = await bed.owner.client.get(downloadUrl);
    expect(again.statusCode).toBe(410);
    expect(again.json().error.code).toBe('export_unavailable');
    const audit = (await bed.owner.client.get(api(bed.owner, '/audit?limit=50'))).json().entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['privacy.export_requested', 'privacy.export_downloaded']));
  });

  it('PRIV-2 a wrong token, a staff member and another workspace cannot download; staff cannot ask for an export (403)', async () => {
    const { downloadUrl } = await readyExport(bed.owner);
    expect((await bed.owner.client.get(downloadUrl.replace(/token=.*/, `token=${'x'.repeat(43)}`))).statusCode).toBe(410);
    const staff = await addMember(bed.server, bed.owner, 'staff');
    expect((await staff.client.post(api(bed.owner, '/privacy/exports'))).statusCode).toBe(403);
    expect((await staff.client.get(downloadUrl)).statusCode).toBe(403);
    expect((await bed.other.client.get(downloadUrl)).statusCode).toBe(404);
    // Still there for its bed.owner.
    expect((await bed.owner.client.get(downloadUrl)).statusCode).toBe(200);
  });

  it('OPS-3 PRIV-2 kestrel export --workspace ID --out FILE writes the same archive from the command line, mode 0600', async () => {
    await made(bed.other.client.post(api(bed.other, '/contacts'), { firstName: 'Cli', lastName: 'Exported', emails: ['cli@example.test'] }));
    const out = path.join(await mkdtemp(path.join(tmpdir(), 'kestrel-export-')), 'bed.other.zip');
    const { code, stdout, stderr } = await bed.cli(['export', '--workspace', bed.other.workspaceId, '--out', out]);
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toBe(out);
    expect(stderr).toMatch(/Exported \d+ rows from \d+ tables/);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const zip = await JSZip.loadAsync(await readFile(out));
    const contacts = await zip.file('json/contacts.json')!.async('string');
    expect(contacts).toContain('cli@example.test');
    expect(contacts).not.toContain('esha@example.test');
    const missing = await bed.cli(['export', '--workspace', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No workspace has the id');
  });
});

describe('retention (PRIV-4)', () => {
  it('PRIV-4 OPS-3 kestrel retention run deletes sent mail and audit entries past 90 days and expired export archives; recent ones and unsent mail stay', async () => {
    const system = bed.sys();
    const old = "now() - interval '91 days'";
    await system.query(`INSERT INTO mail_outbox (id, kind, template, to_address, from_address, subject, status, created_at) VALUES
      (gen_random_uuid(), 'transactional', 'x', 'old-sent@example.test', 'k@example.test', 'Old', 'sent', ${old}),
      (gen_random_uuid(), 'transactional', 'x', 'old-queued@example.test', 'k@example.test', 'Waiting', 'queued', ${old}),
      (gen_random_uuid(), 'transactional', 'x', 'new-sent@example.test', 'k@example.test', 'New', 'sent', now())`);
    await system.query(`INSERT INTO audit_log (workspace_id, id, action, created_at) VALUES ($1, gen_random_uuid(), 'retention.old', ${old}), ($1, gen_random_uuid(), 'retention.new', now())`, [bed.owner.workspaceId]);
    const { id } = await readyExport(bed.owner);
    const file = `${exportDir(bed.server.services.config.DATA_DIR, bed.owner.workspaceId)}/${id}.zip`;
    await system.query(`UPDATE privacy_exports SET expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);

    const { code, stdout, stderr } = await bed.cli(['retention', 'run']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/mail log: [1-9]\d* deleted/);
    expect(stdout).toMatch(/audit log: [1-9]\d* deleted/);
    expect(stdout).toMatch(/expired exports: 1 deleted/);

    const mail = (await system.query<{ to_address: string }>(`SELECT to_address FROM mail_outbox WHERE to_address LIKE '%-%@example.test' AND from_address = 'k@example.test'`)).rows.map((r) => r.to_address).sort();
    expect(mail).toEqual(['new-sent@example.test', 'old-queued@example.test']);
    const actions = (await system.query<{ action: string }>(`SELECT action FROM audit_log WHERE action LIKE 'retention.%'`)).rows.map((r) => r.action);
    expect(actions).toEqual(['retention.new']);
    await expect(stat(file)).rejects.toThrow();
    expect((await bed.owner.client.get(api(bed.owner, `/privacy/exports/${id}`))).json().status).toBe('expired');
  });
});
