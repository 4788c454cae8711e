import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, spawnServer, type SpawnedServer } from './processes';

export interface KestrelProcess extends SpawnedServer {
  dataDir: string;
  pgPort: number;
  demoLogin: { email: string; password: string } | null;
}

/**
 * A bench server's environment: development defaults on its own port and embedded PostgreSQL in
 * DATA_DIR; nothing from the bench's own environment may point it at another database, mail server
 * or set of keys.
 */
export function isolatedEnv(dataDir: string, port: number, pgPort: number): Record<string, string | undefined> {
  return {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(pgPort),
    DATABASE_URL: undefined,
    DATABASE_APP_URL: undefined,
    PUBLIC_URL: undefined,
    KESTREL_SECRET_KEYS: undefined,
    KESTREL_SESSION_SECRET: undefined,
    SMTP_URL: undefined,
    RESEND_API_KEY: undefined,
  };
}

/**
 * Runs the server the way `npm start` does (scripts/start.mjs: rebuilds what is stale, then runs
 * the bundled server in its own Node process), embedded PostgreSQL in DATA_DIR, development defaults. Nothing from the bench's
 * own environment may point it at another database.
 */
export async function startKestrel(dataDir: string, env: Record<string, string> = {}, pgPort?: number, appPort?: number): Promise<KestrelProcess> {
  const port = appPort ?? (await freePort());
  const embeddedPort = pgPort ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const server = await spawnServer({
    args: ['scripts/start.mjs'],
    env: { ...isolatedEnv(dataDir, port, embeddedPort), ...env },
    logFile: path.join(dataDir, `server-${Date.now()}.log`),
    readyPattern: /Kestrel is ready at/,
    url,
  });
  const demo = /Demo login: (\S+) \/ (\S+)/.exec(server.output());
  return { ...server, dataDir, pgPort: embeddedPort, demoLogin: demo ? { email: demo[1]!, password: demo[2]! } : null };
}

/** The embedded server's version, asked of the running server itself. */
export async function postgresVersion(dataDir: string, pgPort: number): Promise<string> {
  const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
  const client = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/postgres` });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]!.server_version;
  } finally {
    await client.end();
  }
}
