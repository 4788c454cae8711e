import { mkdtempSync, statSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TestClient, ownerWithWorkspace } from '../../../test/helpers/client';
import { createTestDatabase } from '../../../test/helpers/database';
import { startTestServer } from '../../../test/helpers/server';
import { runCli } from '../cli';
import { SecretBox } from '../platform/crypto/secret-box';
import { backupDate, backupFileName, pruneBackups } from '../platform/db/backup';
import { scheduledBackupJob } from '../platform/jobs/backup.job';

const keys = SecretBox.generateSpec('bk1');
const sessionSecret = 'backup-test-session-secret-that-is-long-enough-0123';

async function cli(argv: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    env: { NODE_ENV: 'test', DATABASE_POOL_SIZE: '2', DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-bk-')), KESTREL_SECRET_KEYS: keys, KESTREL_SESSION_SECRET: sessionSecret, ...env },
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

/** Rows per table of the public schema, counted exactly. */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t.name] = Number((await client.query(`SELECT count(*) AS n FROM ${client.escapeIdentifier(t.name)}`)).rows[0].n);
    return counts;
  } finally {
    await client.end();
  }
}

/** Every index of the public schema with its definition: a restore builds the secondary ones again after the rows. */
async function indexes(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ d: string }>("SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname")).rows.map((r) => r.d);
  } finally {
    await client.end();
  }
}

describe('kestrel backup and restore', () => {
  it('SEC-3 back up, restore into a new empty database: every row count matches and the owner signs in', async () => {
    const a = await startTestServer({ KESTREL_SECRET_KEYS: keys, KESTREL_SESSION_SECRET: sessionSecret });
    const owner = await ownerWithWorkspace(a, 'Backup Plumbing');
    for (const [firstName, note] of [['Ada', 'line one\nline two\ttab \\ backslash'], ['Bo', 'émoji 🐦 and "quotes"']] as const) {
      const res = await owner.client.post(`/api/workspaces/${owner.workspaceId}/contacts`, { firstName, lastName: 'Lee', emails: [`${firstName.toLowerCase()}@example.com`], title: note });
      expect(res.statusCode).toBe(201);
    }
    const sourceUrl = a.services.database.ownerUrl;
    const before = await rowCounts(sourceUrl);
    expect(before.contacts).toBe(2);
    expect(before.users).toBeGreaterThan(0);

    const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-backups-'));
    const file = path.join(dir, 'one.kbackup');
    const backup = await cli(['backup', '--output', file], { DATABASE_URL: sourceUrl });
    expect(backup).toMatchObject({ code: 0 });
    expect(backup.out).toMatch(/Backed up \d+ rows of \d+ tables/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // Never overwrites.
    const again = await cli(['backup', '--output', file], { DATABASE_URL: sourceUrl });
    expect(again.code).toBe(1);
    expect(again.err).toContain('already exists');

    // The nightly job (BACKUP_DIR set) writes one more, 0600, and drops what is past the window.
    const nightly = mkdtempSync(path.join(tmpdir(), 'kestrel-nightly-'));
    const stale = backupFileName(new Date(Date.now() - 40 * 86_400_000));
    writeFileSync(path.join(nightly, stale), 'old');
    await scheduledBackupJob.run({}, { ...a.services, config: { ...a.services.config, BACKUP_DIR: nightly } });
    const written = readdirSync(nightly);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^kestrel-\d{8}T\d{6}Z\.kbackup$/);
    expect(statSync(path.join(nightly, written[0]!)).mode & 0o777).toBe(0o600);

    // A database that is not empty is refused, and keeps its rows.
    const intoSource = await cli(['restore', '--file', file], { DATABASE_URL: sourceUrl });
    expect(intoSource.code).toBe(1);
    expect(intoSource.err).toMatch(/The database is not empty .* Nothing was restored\./);
    expect(await rowCounts(sourceUrl)).toEqual(before);

    // The wrong secrets key is refused before anything is written.
    const emptyUrl = await createTestDatabase();
    const wrongKey = await cli(['restore', '--file', file], { DATABASE_URL: emptyUrl, KESTREL_SECRET_KEYS: SecretBox.generateSpec('other') });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toMatch(/secrets keys do not match this backup .*"bk1".* Nothing was restored\./);
    expect(Object.values(await rowCounts(emptyUrl)).every((n) => n === 0)).toBe(true);

    const restored = await cli(['restore', '--file', file], { DATABASE_URL: emptyUrl });
    expect(restored.err).toBe('');
    expect(restored).toMatchObject({ code: 0 });
    expect(await rowCounts(emptyUrl)).toEqual(before);
    // Secondary indexes, dropped for the load, are all there again, as defined.
    const sourceIndexes = await indexes(sourceUrl);
    expect(sourceIndexes.length).toBeGreaterThan(100);
    expect(await indexes(emptyUrl)).toEqual(sourceIndexes);

    // The restored installation works: the owner signs in with their password and sees their contacts.
    const b = await startTestServer({ DATABASE_URL: emptyUrl, KESTREL_SECRET_KEYS: keys, KESTREL_SESSION_SECRET: sessionSecret });
    const client = new TestClient(b.app);
    const signIn = await client.post('/api/auth/sign-in', { email: owner.email, password: owner.password });
    expect(signIn.statusCode).toBe(200);
    const list = await client.get(`/api/workspaces/${owner.workspaceId}/contacts`);
    expect(list.statusCode).toBe(200);
    expect(JSON.stringify(list.json())).toContain('line one\\nline two\\ttab \\\\ backslash');
    // Sequences continue after the restored rows: a new contact is added without a clash.
    expect((await client.post(`/api/workspaces/${owner.workspaceId}/contacts`, { firstName: 'New', lastName: 'One' })).statusCode).toBe(201);
  }, 180_000);

  it('SEC-3 a damaged or foreign file is refused with a message', async () => {
    const emptyUrl = await createTestDatabase();
    const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-backups-'));
    const junk = path.join(dir, 'junk.kbackup');
    writeFileSync(junk, 'not a backup');
    const res = await cli(['restore', '--file', junk], { DATABASE_URL: emptyUrl });
    expect(res.code).toBe(1);
    expect(res.err).toContain('is not a Kestrel backup');
    expect((await cli(['restore', '--file', path.join(dir, 'missing.kbackup')], { DATABASE_URL: emptyUrl })).err).toContain('does not exist');
    expect((await cli(['restore'], { DATABASE_URL: emptyUrl })).code).toBe(2);
  });

  it('SEC-3 scheduled backups keep a rolling 30-day window: older backups are deleted, other files kept', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-prune-'));
    const now = new Date('2026-12-02T03:23:00Z');
    const daysAgo = (d: number, extraMs = 0) => backupFileName(new Date(now.getTime() - d * 86_400_000 - extraMs));
    const keep = [daysAgo(0), daysAgo(1), daysAgo(29), daysAgo(30)];
    const drop = [daysAgo(30, 1000), daysAgo(31), daysAgo(400)];
    for (const name of [...keep, ...drop, 'notes.txt', 'kestrel-manual.kbackup']) writeFileSync(path.join(dir, name), 'x');
    expect(backupDate(daysAgo(31))?.toISOString()).toBe('2026-11-01T03:23:00.000Z');

    const deleted = await pruneBackups(dir, now, 30);
    expect(deleted.sort()).toEqual(drop.sort());
    expect(readdirSync(dir).sort()).toEqual([...keep, 'notes.txt', 'kestrel-manual.kbackup'].sort());
    for (const name of drop) expect(existsSync(path.join(dir, name))).toBe(false);
  });

  it('OPS-3 the CLI help lists backup and restore, and each command explains the key kept apart', async () => {
    const overview = await cli(['--help'], {});
    expect(overview.out).toMatch(/\n  backup +Back up the database/);
    expect(overview.out).toMatch(/\n  restore +Restore a backup into a new, empty database/);
    expect((await cli(['backup', '--help'], {})).out).toContain('The secrets key is NOT in the backup');
    expect((await cli(['restore', '--help'], {})).out).toContain('Usage: kestrel restore --file FILE');
  });
});
