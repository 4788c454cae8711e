import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { privacyTestBed } from '../../../test/helpers/privacy';

const bed = privacyTestBed('CLI Import Bakery', 'CLI Import Neighbour');
const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-cli-import-'));
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const contacts = async (o: typeof bed.owner) => (await bed.made(o.client.get(bed.api(o, '/contacts?limit=100')))).items as { firstName: string; lastName: string | null; emails: string[]; tags?: { name: string }[] }[];

describe('kestrel import (OPS-3, CRM-7)', () => {
  it('OPS-3 kestrel import --workspace ID --file FILE imports contacts as the Import page does: matched by header, deduplicated by email, into a list, shown on the Imports page and audited', async () => {
    await bed.made(bed.owner.client.post(bed.api(bed.owner, '/contacts'), { firstName: 'Ann', lastName: 'Old', emails: ['ann@example.test'] }));
    const csv = file('customers.csv', 'First name,Last name,Email\nAnn,Lee,ann@example.test\nBo,Park,bo@example.test\nCy,,not-an-email\n');

    const { code, stdout, stderr } = await bed.cli(['import', '--workspace', bed.owner.workspaceId, '--file', csv, '--list', 'Trade show']);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('Imported 3 rows: 1 created, 1 updated, 0 skipped, 1 failed.');
    expect(stderr).toContain('error report on the Imports page');
    const importId = stdout.trim();
    expect(importId).toMatch(/^[0-9a-f-]{36}$/);

    const people = await contacts(bed.owner);
    const ann = people.filter((c) => c.emails.includes('ann@example.test'));
    expect(ann).toHaveLength(1);
    expect(ann[0]!.lastName).toBe('Lee');
    expect(people.some((c) => c.emails.includes('bo@example.test'))).toBe(true);
    expect(people.some((c) => c.firstName === 'Cy')).toBe(false);
    // Nothing reached the workspace beside it.
    expect((await contacts(bed.other)).some((c) => c.emails.includes('bo@example.test'))).toBe(false);

    // The Imports page lists it as completed, with its counts; the audit log names the CLI.
    const imp = await bed.made(bed.owner.client.get(bed.api(bed.owner, `/imports/${importId}`)));
    expect(imp).toMatchObject({ status: 'completed', created: 1, updated: 1, failed: 1, fileName: 'customers.csv' });
    const audit = await bed.sys().query<{ actor_label: string | null }>(`SELECT actor_label FROM audit_log WHERE workspace_id = $1 AND action = 'import.started' AND target_id = $2`, [bed.owner.workspaceId, importId]);
    expect(audit.rows.map((r) => r.actor_label)).toEqual(['kestrel import']);
    const tagged = await bed.sys().query<{ n: string }>(
      `SELECT count(*) AS n FROM record_tags rt JOIN tags t ON t.workspace_id = rt.workspace_id AND t.id = rt.tag_id WHERE rt.workspace_id = $1 AND rt.record_type = 'contacts' AND t.name = 'Trade show'`,
      [bed.owner.workspaceId],
    );
    expect(Number(tagged.rows[0]!.n)).toBe(2);
  });

  it('OPS-3 kestrel import refuses with a message and imports nothing: an unknown workspace, a missing file, a file with no name or email column, all-or-nothing with a bad row; wrong options are usage errors', async () => {
    const before = (await contacts(bed.other)).length;
    const good = file('ok.csv', 'Name,Email\nDee Fox,dee@example.test\n');

    const unknown = await bed.cli(['import', '--workspace', '00000000-0000-4000-8000-000000000000', '--file', good]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No workspace has the id');

    const missing = await bed.cli(['import', '--workspace', bed.other.workspaceId, '--file', path.join(dir, 'nowhere.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');

    const noColumns = await bed.cli(['import', '--workspace', bed.other.workspaceId, '--file', file('colours.csv', 'Colour,Size\nred,L\n')]);
    expect(noColumns.code).toBe(1);
    expect(noColumns.stderr).toMatch(/kestrel: .*(name|email)/i);

    const strict = await bed.cli(['import', '--workspace', bed.other.workspaceId, '--all-or-nothing', '--file', file('strict.csv', 'Name,Email\nEd Gray,ed@example.test\nFay,broken@\n')]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('nothing was imported (all-or-nothing)');

    expect((await bed.cli(['import', '--workspace', bed.other.workspaceId, '--file', good, '--object', 'deals'])).code).toBe(2);
    expect((await bed.cli(['import', '--workspace', 'nope', '--file', good])).code).toBe(2);
    expect((await bed.cli(['import', '--file', good])).code).toBe(2);
    expect((await contacts(bed.other)).length).toBe(before);
  });

  it('OPS-3 the CLI help lists import beside export, backup, restore and retention', async () => {
    const help = await bed.cli(['--help']);
    for (const name of ['import', 'export', 'backup', 'restore', 'retention run']) expect(help.stdout).toMatch(new RegExp(`\\n  ${name} +\\S`));
    expect((await bed.cli(['import', '--help'])).stdout).toContain('Usage: kestrel import --workspace ID --file FILE');
  });
});
