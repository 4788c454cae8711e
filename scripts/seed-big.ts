// `npm run seed:big [-- --contacts 1000000 --companies 200000 --deals 300000 --activities-per-contact 2
//   --workspaces 10 --other-contacts 10000 --seed 1 --database-url postgres://…]`
// Fills the app's database (the embedded one in DATA_DIR unless DATABASE_URL or --database-url
// says otherwise) with one big generated workspace among smaller ones, then prints a login
// for the big workspace's owner. Running it again with the same seed replaces that data.
import 'dotenv/config';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '../src/server/platform/auth/passwords';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import { createLogger } from '../src/server/platform/logger';
import { defaultSeedOptions, seedBig, type SeedOptions } from './seed-big/generate';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string' },
    companies: { type: 'string' },
    deals: { type: 'string' },
    'activities-per-contact': { type: 'string' },
    workspaces: { type: 'string' },
    'other-contacts': { type: 'string' },
    seed: { type: 'string' },
    anchor: { type: 'string' },
    'database-url': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(`Usage: npm run seed:big -- [options]
  --contacts N                 contacts of the big workspace (default ${defaultSeedOptions.contacts})
  --companies N                companies of the big workspace (default ${defaultSeedOptions.companies})
  --deals N                    deals of the big workspace (default ${defaultSeedOptions.deals})
  --activities-per-contact N   timeline items per contact on average (default ${defaultSeedOptions.activitiesPerContact}, at most 31)
  --workspaces N               workspaces in all, the big one included (default ${defaultSeedOptions.workspaces})
  --other-contacts N           contacts of each other workspace (default ${defaultSeedOptions.otherContacts})
  --seed S                     same seed, same data (default ${defaultSeedOptions.seed})
  --anchor ISO-DATE            the dataset's "now" (default ${defaultSeedOptions.anchor.toISOString()})
  --database-url URL           PostgreSQL owner URL (default: DATABASE_URL, else the embedded database in DATA_DIR)
`);
  process.exit(0);
}

function count(name: string, raw: string | undefined, fallback: number, max = 100_000_000): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`--${name}: expected a whole number from 0 to ${max}, got "${raw}"`);
    process.exit(64);
  }
  return n;
}

const contacts = count('contacts', values.contacts, defaultSeedOptions.contacts);
const options: SeedOptions = {
  contacts,
  companies: count('companies', values.companies, defaultSeedOptions.companies),
  deals: count('deals', values.deals, defaultSeedOptions.deals),
  activitiesPerContact: count('activities-per-contact', values['activities-per-contact'], defaultSeedOptions.activitiesPerContact, 31),
  workspaces: Math.max(1, count('workspaces', values.workspaces, defaultSeedOptions.workspaces, 1000)),
  otherContacts: count('other-contacts', values['other-contacts'], Math.min(defaultSeedOptions.otherContacts, contacts)),
  seed: count('seed', values.seed, defaultSeedOptions.seed, 1_000_000),
  anchor: values.anchor ? new Date(values.anchor) : defaultSeedOptions.anchor,
};
if (Number.isNaN(options.anchor.getTime())) {
  console.error(`--anchor: not a date: "${values.anchor}"`);
  process.exit(64);
}

const config = loadConfig({ ...process.env, ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}), DEMO_WORKSPACE: 'false' });
const logger = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
const log = (line: string) => process.stdout.write(`${line}\n`);

log(config.DATABASE_URL ? 'Database: DATABASE_URL' : `Database: embedded PostgreSQL in ${path.resolve(config.DATA_DIR)} (port ${config.EMBEDDED_PG_PORT}); stop a running Kestrel first`);
// The same start-up as the server: embedded PostgreSQL when needed, then migrations.
const platform = await startPlatform(config, logger, { runJobs: false });
try {
  const summary = await seedBig(platform.services.database.ownerUrl, options, (p) => hashPassword(p, platform.services.passwordPolicy), log);
  const loginFile = path.resolve(config.DATA_DIR, `seed-big-login-${options.seed}.json`);
  writeFileSync(loginFile, JSON.stringify({ ...summary.login, workspaceId: summary.workspaces[0]!.id }), { mode: 0o600 });
  log('');
  for (const w of summary.workspaces) {
    log(`  ${w.name.padEnd(22)} ${w.id}  ${w.contacts.toLocaleString('en-US')} contacts, ${w.companies.toLocaleString('en-US')} companies, ${w.deals.toLocaleString('en-US')} deals, ${w.activities.toLocaleString('en-US')} activities`);
  }
  log(`\n  Done in ${summary.seconds.toFixed(0)} s.`);
  log(`  Login for ${summary.workspaces[0]!.name}: ${summary.login.email} / ${summary.login.password}  (also in ${loginFile})`);
} finally {
  await platform.shutdown();
}
