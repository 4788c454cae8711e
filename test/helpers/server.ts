import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { closeAfterFile } from './file-cleanup';
import { buildApp } from '../../src/server/app';
import { startPlatform, type Platform } from '../../src/server/platform/boot';
import { loadConfig } from '../../src/server/platform/config';
import { SecretBox } from '../../src/server/platform/crypto/secret-box';
import { createLogger } from '../../src/server/platform/logger';
import type { Services } from '../../src/server/platform/services';
import { createTestDatabase } from './database';
import { keptLogs } from './server-logs';
import { SmtpSink } from './smtp-sink';

export interface TestServer {
  app: FastifyInstance;
  services: Services;
  platform: Platform;
  smtp: SmtpSink;
  /** Base URL when listening (always: browser tests need it). */
  url: string;
  close(): Promise<void>;
}

/**
 * A whole Kestrel on a fresh database, with mail going over real SMTP to a local sink and
 * jobs running. Closed automatically after the file's tests.
 */
/**
 * `logTo` receives the server's log lines (at LOG_LEVEL, default silent); without it, warnings and
 * errors are kept in memory and printed if a test of the file fails (test/helpers/server-logs.ts).
 */
export async function startTestServer(env: Record<string, string> = {}, logTo?: { write(line: string): void }): Promise<TestServer> {
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const databaseUrl = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? (logTo ? 'silent' : 'warn'),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '5',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-test-')),
    SMTP_URL: smtpUrl,
    RATE_LIMIT_PER_MINUTE: '100000',
    KESTREL_SECRET_KEYS: SecretBox.generateSpec('test1'),
    KESTREL_SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    ...env,
  });
  const platform = await startPlatform(config, createLogger(config.LOG_LEVEL, logTo ?? (process.env.TEST_LOG_LEVEL ? undefined : keptLogs)));
  const { app, url, close } = await serve(platform, () => smtp.stop());
  // Links in emails must point at this server.
  if (!env.PUBLIC_URL) (platform.services.config as { publicUrl: string }).publicUrl = url;
  return { app, services: platform.services, platform, smtp, url, close };
}

/** The app over a started platform, listening on a free port; stopped (once) after the file's tests. */
async function serve(platform: Platform, alsoStop: () => Promise<void> = async () => {}) {
  const app = await buildApp(platform.services);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
    await platform.shutdown();
    await alsoStop();
  };
  closeAfterFile(close);
  return { app, url, close };
}

export interface SecondInstance {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/**
 * OPS-2: another Kestrel on the same database with the same settings, as a second instance behind
 * a load balancer would be: its own pools, realtime listener and (with runJobs) job worker, on its
 * own port. Closed after the file's tests unless closed before.
 */
export async function startSecondInstance(server: TestServer, options: { runJobs?: boolean } = {}): Promise<SecondInstance> {
  const config = { ...server.services.config, PORT: 0 };
  const platform = await startPlatform(config, createLogger(config.LOG_LEVEL, process.env.TEST_LOG_LEVEL ? undefined : keptLogs), { runJobs: options.runJobs ?? false });
  const { app, url, close } = await serve(platform);
  return { app, services: platform.services, url, close };
}
