import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startPlatform, type Platform } from '../platform/boot';
import { ConfigError, loadConfig, type Config } from '../platform/config';
import { createLogger } from '../platform/logger';
import type { Services } from '../platform/services';
import { CliError, type CliIo } from './command';

export function loadCliConfig(io: CliIo): Config {
  try {
    return loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * Without DATABASE_URL the server runs its own PostgreSQL in DATA_DIR. When that server is
 * up, the CLI must talk to its PostgreSQL rather than try to start a second one on the same
 * files (which PostgreSQL refuses); when it is down, the CLI starts it for the command's length.
 */
export async function runningEmbeddedUrl(config: Config): Promise<string | null> {
  const passwordFile = path.resolve(config.DATA_DIR, 'pg-password');
  if (!existsSync(passwordFile)) return null;
  const password = encodeURIComponent(readFileSync(passwordFile, 'utf8').trim());
  const url = `postgres://postgres:${password}@127.0.0.1:${config.EMBEDDED_PG_PORT}/kestrel`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Starts what a command needs (database, migrations, secrets; no jobs nor their code, no HTTP), runs it, and
 * stops everything again. Logs go to stderr at warn level so stdout carries only the answer.
 */
export async function withServices<T>(io: CliIo, run: (services: Services, config: Config) => Promise<T>): Promise<T> {
  let config = loadCliConfig(io);
  if (!config.DATABASE_URL) {
    const url = await runningEmbeddedUrl(config);
    if (url) config = { ...config, DATABASE_URL: url };
  }
  const logger = createLogger('warn', { write: (line: string) => void io.stderr.write(line) });
  let platform: Platform;
  try {
    platform = await startPlatform(config, logger, { runJobs: false, handlers: false });
  } catch (error) {
    throw new CliError(`Could not open the database: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return await run(platform.services, config);
  } finally {
    await platform.shutdown();
  }
}
