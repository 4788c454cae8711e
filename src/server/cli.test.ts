import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { generate } from 'otplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../test/helpers/database';
import { runCli } from './cli';
import { users } from './modules/accounts/accounts.schema';
import { signIn } from './modules/accounts/sign-in';
import { enableTwoFactor, startTwoFactorSetup } from './modules/accounts/two-factor';
import { memberships, workspaces } from './modules/workspaces/workspaces.schema';
import { verifyPassword } from './platform/auth/passwords';
import { startPlatform, type Platform } from './platform/boot';
import { loadConfig } from './platform/config';
import { SecretBox } from './platform/crypto/secret-box';
import { migrate, migrationsFolder } from './platform/db/migrate';
import { createLogger } from './platform/logger';

const oldKeys = SecretBox.generateSpec('old');
const newKeys = SecretBox.generateSpec('new');
const meta = { ip: '10.9.0.1', userAgent: 'cli-test' };
const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };

let baseEnv: Record<string, string>;
const platforms: Platform[] = [];

beforeAll(async () => {
  baseEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: await createTestDatabase(),
    DATABASE_POOL_SIZE: '2',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kestrel-cli-test-')),
    KESTREL_SECRET_KEYS: oldKeys,
    KESTREL_SESSION_SECRET: 'cli-test-session-secret-that-is-long-enough-0123',
  };
});
afterAll(async () => {
  for (const p of platforms) await p.shutdown();
});

/** Runs a command in-process, as the `kestrel` binary would, and collects what it printed. */
async function cli(argv: string[], env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { env: { ...baseEnv, ...env }, stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } });
  return { code, out, err };
}

/** The app's own services over the same database, to check what the CLI did the way the app sees it. */
async function services(env: Record<string, string> = {}) {
  const platform = await startPlatform(loadConfig({ ...baseEnv, ...env }), createLogger('silent'), { runJobs: false });
  platforms.push(platform);
  return platform.services;
}

const email = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}@example.test`;

describe('kestrel CLI', () => {
  it('OPS-3 user create makes a verified user who can sign in', async () => {
    const app = await services();
    const ann = email('ann');
    const created = await cli(['user', 'create', '--email', ann.toUpperCase(), '--name', 'Ann Lee', '--password', 'correct horse battery']);
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.out).toContain(`Created user ${ann}`);
    expect(created.out).not.toContain('correct horse battery');

    const [row] = await app.database.system.select().from(users).where(eq(users.email, ann));
    expect(row!.name).toBe('Ann Lee');
    expect(row!.emailVerifiedAt).toBeInstanceOf(Date);
    expect(row!.ageConfirmedAt).toBeInstanceOf(Date);
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(row!.passwordHash!, 'correct horse battery')).toEqual({ ok: true, needsRehash: false });
    const session = await signIn(app, ann, 'correct horse battery', meta);
    expect(session.mfaPending).toBe(false);

    // Without --password one is generated, printed once, and works.
    const bob = email('bob');
    const generated = await cli(['user', 'create', '--email', bob, '--name', 'Bob']);
    expect(generated.code).toBe(0);
    const password = /Password: (\S+)/.exec(generated.out)?.[1];
    expect(password?.length).toBeGreaterThanOrEqual(16);
    const [bobRow] = await app.database.system.select().from(users).where(eq(users.email, bob));
    expect((await verifyPassword(bobRow!.passwordHash!, password!)).ok).toBe(true);

    const again = await cli(['user', 'create', '--email', ann, '--name', 'Someone Else', '--password', 'another password']);
    expect(again.code).toBe(1);
    expect(again.err).toContain(`A user with the email ${ann} already exists.`);
    const short = await cli(['user', 'create', '--email', email('c'), '--name', 'C', '--password', 'short']);
    expect(short.code).toBe(2);
    expect(short.err).toContain('--password: Use at least 10 characters.');
  });

  it('OPS-3 workspace create makes the user its owner', async () => {
    const app = await services();
    const owner = email('owner');
    expect((await cli(['user', 'create', '--email', owner, '--name', 'Olive Owner', '--password', 'owner password 1'])).code).toBe(0);

    const created = await cli(['workspace', 'create', '--name', 'Lee Plumbing', '--owner', owner, '--country', 'us', '--currency', 'USD', '--time-zone', 'America/Chicago']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^[0-9a-f-]{36}\n$/);
    const workspaceId = created.out.trim();

    const [user] = await app.database.system.select().from(users).where(eq(users.email, owner));
    const [member] = await app.database.system.select().from(memberships).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, user!.id)));
    expect(member!.role).toBe('owner');
    const [ws] = await app.database.system.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    expect(ws).toMatchObject({ name: 'Lee Plumbing', country: 'US', currency: 'USD', timeZone: 'America/Chicago' });

    const noOwner = await cli(['workspace', 'create', '--name', 'Ghost Co', '--owner', email('nobody')]);
    expect(noOwner.code).toBe(1);
    expect(noOwner.err).toMatch(/No user has the email .*kestrel user create/);
    const badZone = await cli(['workspace', 'create', '--name', 'X', '--owner', owner, '--time-zone', 'Mars/Olympus']);
    expect(badZone.code).toBe(2);
    expect(badZone.err).toContain('--time-zone: Unknown time zone.');
  });

  it('SEC-2 secrets rotate re-seals TOTP secrets under the new key and old ones still open before rotation', async () => {
    const before = await services({ KESTREL_SECRET_KEYS: oldKeys });
    const address = email('totp');
    await cli(['user', 'create', '--email', address, '--name', 'Tess', '--password', 'totp user password']);
    const [user] = await before.database.system.select().from(users).where(eq(users.email, address));
    // Sealed by the module's own code, with its own AAD, under box A ("old").
    const { secret } = await startTwoFactorSetup(before, user!.id);
    const readSealed = async () => (await before.database.system.select().from(users).where(eq(users.id, user!.id)))[0]!.totpSecretSealed!;
    const sealedOld = await readSealed();
    expect(sealedOld.split('.')[1]).toBe('old');

    // The new key goes first; the old one still opens what it sealed.
    const rotated = `${newKeys},${oldKeys}`;
    expect(SecretBox.fromSpec(rotated).open(sealedOld, `user:${user!.id}:totp`)).toBe(secret);

    const run = await cli(['secrets', 'rotate'], { KESTREL_SECRET_KEYS: rotated });
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toContain('users.totp_secret_sealed: 1 re-sealed');
    expect(run.out).toContain('Re-sealed 1 secret under key "new".');

    const sealedNew = await readSealed();
    expect(sealedNew.split('.')[1]).toBe('new');
    expect(SecretBox.fromSpec(newKeys).open(sealedNew, `user:${user!.id}:totp`)).toBe(secret);
    // The app, configured with only the new key, accepts a code from the same authenticator.
    const after = await services({ KESTREL_SECRET_KEYS: newKeys });
    await expect(enableTwoFactor(after, user!.id, await generate({ secret }), meta)).resolves.toHaveLength(10);

    const second = await cli(['secrets', 'rotate'], { KESTREL_SECRET_KEYS: rotated });
    expect(second.code).toBe(0);
    expect(second.out).toContain('Re-sealed 0 secrets under key "new".');
  });

  it('SEC-2 secrets rotate fails loudly on a secret sealed with a key that is no longer listed', async () => {
    const app = await services();
    const address = email('lost');
    await cli(['user', 'create', '--email', address, '--name', 'Lost Key', '--password', 'lost key password']);
    const lost = SecretBox.fromSpec(SecretBox.generateSpec('gone'));
    const [user] = await app.database.system.select().from(users).where(eq(users.email, address));
    await app.database.system.update(users).set({ totpSecretSealed: lost.seal('JBSWY3DPEHPK3PXP', `user:${user!.id}:totp`) }).where(eq(users.id, user!.id));
    try {
      const run = await cli(['secrets', 'rotate'], { KESTREL_SECRET_KEYS: `${newKeys},${oldKeys}` });
      expect(run.code).toBe(1);
      expect(run.err).toContain(`users.totp_secret_sealed {"id":"${user!.id}"}: Secret sealed with unknown key "gone"`);
      expect(run.err).toContain('1 secret could not be opened');
    } finally {
      await app.database.system.update(users).set({ totpSecretSealed: null }).where(eq(users.id, user!.id));
    }
  });

  it('SEC-2 secrets generate-key prints a key spec the secret box accepts', async () => {
    const run = await cli(['secrets', 'generate-key', '--id', 'k2026']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^k2026:[A-Za-z0-9+/]{43}=\n$/);
    expect(SecretBox.fromSpec(run.out.trim()).currentKeyId).toBe('k2026');
    expect((await cli(['secrets', 'generate-key', '--id', 'no spaces'])).code).toBe(2);
  });

  it('OPS-3 migrate is idempotent', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await cli(['migrate']);
      expect(run).toMatchObject({ code: 0, err: '' });
      expect(run.out).toBe(`Database is up to date: 0 migrations applied now, ${journal.entries.length} in total.\n`);
    }
  });

  it('OPS-3 two instances migrating at once do not race', async () => {
    const adminUrl = inject('pgAdminUrl');
    const name = `kt_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    try {
      await expect(Promise.all([migrate(url.toString()), migrate(url.toString())])).resolves.toHaveLength(2);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      await check.end();
      expect(rows[0]!.n).toBe(journal.entries.length);
      const third = await cli(['migrate'], { DATABASE_URL: url.toString() });
      expect(third.out).toContain('0 migrations applied now');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 180_000); // two CLI processes each boot Node and migrate a fresh database: over a minute on a 2-core host at load 10+

  it('OPS-3 usage errors exit 2 with a helpful message', async () => {
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: kestrel <command>');
    expect(none.err).toContain('user create');

    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown command "frobnicate"');

    const group = await cli(['secrets']);
    expect(group.code).toBe(2);
    expect(group.err).toContain('"kestrel secrets" needs a subcommand: rotate, generate-key.');

    const missing = await cli(['user', 'create', '--name', 'No Email']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Missing --email.');
    expect(missing.err).toContain('Run "kestrel user create --help"');

    const typo = await cli(['workspace', 'create', '--nmae', 'X']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("Unknown option '--nmae'");

    const stray = await cli(['migrate', 'now']);
    expect(stray.code).toBe(2);

    const help = await cli(['user', 'create', '--help']);
    expect(help).toMatchObject({ code: 0, err: '' });
    expect(help.out).toContain('Usage: kestrel user create --email EMAIL --name NAME [--password PASSWORD]');
    expect((await cli(['--help'])).out).toContain('secrets rotate');

    // A broken environment is a failure (1), not a usage error, and says what is wrong.
    const badConfig = await cli(['migrate'], { DATABASE_URL: 'not a url' });
    expect(badConfig.code).toBe(1);
    expect(badConfig.err).toContain('Invalid configuration');
    expect(badConfig.err).toContain('DATABASE_URL');
  });
});
