// The CRM benchmark's data: the generated workspaces (seeded once into data/bench-crm and reused)
// and a 1,000,000-row CSV of leads to import, a tenth of them people the workspace already has.
import { createWriteStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { defaultSeedOptions, seedBig, type SeedOptions } from '../scripts/seed-big/generate';
import { hashPassword } from '../src/server/platform/auth/passwords';

export interface Dataset {
  workspaceId: string;
  login: { email: string; password: string };
  contacts: number;
  /** Seconds the seed took in this run, or null when an earlier run's data was reused. */
  seededSeconds: number | null;
}

/** Seeds the default dataset unless the database already holds it (same seed, same counts). */
export async function ensureDataset(ownerUrl: string, dataDir: string, options: SeedOptions = defaultSeedOptions, log: (l: string) => void = () => {}): Promise<Dataset> {
  const loginFile = path.join(dataDir, `bench-crm-login-${options.seed}.json`);
  if (existsSync(loginFile)) {
    const saved = JSON.parse(readFileSync(loginFile, 'utf8')) as Dataset & { options: SeedOptions };
    const client = new pg.Client({ connectionString: ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM contacts WHERE workspace_id = $1`, [saved.workspaceId]);
      if (rows[0]?.n === options.contacts && saved.options.workspaces === options.workspaces) return { ...saved, seededSeconds: null };
      log(`The saved dataset has ${rows[0]?.n ?? 0} contacts, not ${options.contacts}: seeding again.`);
    } finally {
      await client.end();
    }
  }
  const summary = await seedBig(ownerUrl, options, (p) => hashPassword(p), log);
  const dataset: Dataset = { workspaceId: summary.workspaces[0]!.id, login: summary.login, contacts: options.contacts, seededSeconds: summary.seconds };
  writeFileSync(loginFile, JSON.stringify({ ...dataset, options }), { mode: 0o600 });
  return dataset;
}

const first = ['James', 'María', 'Priya', 'Chen', 'Olivia', 'Jürgen', 'Aarav', 'Chloé', 'Noah', 'Fatima', 'Søren', 'Lucía', 'Kwame', 'Yuki', 'Ananya', 'Liam'];
const last = ['Smith', 'García', 'Sharma', 'Wang', 'Müller', 'Patel', 'Dubois', 'Okafor', 'Tanaka', 'Núñez', "O'Brien", 'Kowalski', 'Iyer', 'Johnson', 'Lee', 'Costa'];
const cities = [
  ['San Francisco', 'CA', '941', 'US', '415'], ['Austin', 'TX', '787', 'US', '512'], ['New York', 'NY', '100', 'US', '212'], ['Seattle', 'WA', '981', 'US', '206'],
  ['Bengaluru', 'KA', '560', 'IN', '98'], ['Mumbai', 'MH', '400', 'IN', '99'], ['Chicago', 'IL', '606', 'US', '312'], ['Oakland', 'CA', '946', 'US', '510'],
] as const;
const lifecycles = ['lead', 'lead', 'prospect', 'customer'];
const sources = ['Trade show', 'Webinar', 'Purchased list', 'Website form'];

/** A small, fast, deterministic generator (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export interface ImportFile {
  path: string;
  rows: number;
  bytes: number;
  /** Rows whose email is already a contact of the workspace (updates when deduplicating by email). */
  existing: number;
  /** Rows repeating an email seen earlier in the file. */
  repeats: number;
  /** Rows with an invalid email or phone (go to the report). */
  invalid: number;
}

/**
 * 1,000,000 leads as a CSV a person might upload: 10 % are people the workspace already has
 * (their emails are read from it), 1 % repeat an earlier row, 0.5 % have a broken email or phone.
 */
export async function ensureImportFile(ownerUrl: string, workspaceId: string, dataDir: string, rows = 1_000_000): Promise<ImportFile> {
  const file = path.join(dataDir, `import-${rows}.csv`);
  const metaFile = `${file}.json`;
  if (existsSync(file) && existsSync(metaFile)) return JSON.parse(readFileSync(metaFile, 'utf8')) as ImportFile;
  const existingShare = 0.1;
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  let known: string[];
  try {
    const { rows: r } = await client.query<{ email: string }>(
      `SELECT email::text FROM contacts WHERE workspace_id = $1 AND email IS NOT NULL ORDER BY id LIMIT $2`,
      [workspaceId, Math.round(rows * existingShare)],
    );
    known = r.map((x) => x.email);
  } finally {
    await client.end();
  }
  const rnd = random(20261123);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('First Name,Last Name,Email,Phone,Company,Job Title,City,State,Zip,Country,Lifecycle,Lead Source\n');
  let existing = 0;
  let repeats = 0;
  let invalid = 0;
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const [city, state, zip3, country, area] = pick(cities);
    const f = pick(first);
    const l = pick(last);
    let email: string;
    const roll = rnd();
    if (roll < existingShare && existing < known.length) email = known[existing++]!;
    else if (roll < existingShare + 0.01 && i > 100) {
      email = `lead${Math.floor(rnd() * i)}@example-leads.com`;
      repeats++;
    } else email = `lead${i}@example-leads.com`;
    let phone = country === 'US' ? `(${area}) ${200 + Math.floor(rnd() * 700)}-${String(Math.floor(rnd() * 10000)).padStart(4, '0')}` : `+91 ${area}${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`;
    if (rnd() < 0.005) {
      invalid++;
      if (rnd() < 0.5) email = `${f.toLowerCase()}.at.example.com`;
      else phone = '12';
    }
    const zip = country === 'US' ? `${zip3}${String(Math.floor(rnd() * 100)).padStart(2, '0')}` : `${zip3}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}`;
    chunk += [f, l, email, phone, `${pick(last)} ${pick(['Bakery', 'Dental', 'Labs', 'Motors', 'Foods'])}`, pick(['Owner', 'Manager', 'Buyer', '']), city, state, zip, country, pick(lifecycles), pick(sources)]
      .map(csvCell)
      .join(',') + '\n';
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const meta: ImportFile = { path: file, rows, bytes: statSync(file).size, existing, repeats, invalid };
  writeFileSync(metaFile, JSON.stringify(meta));
  return meta;
}
