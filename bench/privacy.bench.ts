// `npx tsx bench/privacy.bench.ts [--contacts 1000000] [--write]`: issue 20's Measure, in one process
// against embedded PostgreSQL: the workspace export (PRIV-2) of a workspace of N contacts — rows/s
// and the process's peak memory while it runs (goal < 300 MB) — against a baseline in the same
// run that reads the same rows through the same cursor and writes nothing; erasure of one person
// in it (PRIV-3); backup and restore of the database (SEC-3). The workspace is seeded with the CRM
// bench's set-based SQL (generate_series), not row by row. `--data-dir D` keeps the database in D
// between runs (seeded on the first, reused after: a 1M seed takes ~20 min); `--skip-backup` leaves
// out the backup and restore.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { seedBig, defaultSeedOptions } from '../scripts/seed-big/generate';
import { hashPassword } from '../src/server/platform/auth/passwords';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import { backupDatabase, restoreDatabase } from '../src/server/platform/db/backup';
import { migrate } from '../src/server/platform/db/migrate';
import { createLogger } from '../src/server/platform/logger';
import { to as copyTo } from 'pg-copy-streams';
import { exportedTables } from '../src/server/modules/privacy/build-archive';
import { eraseWorkspacePerson } from '../src/server/modules/privacy/person-privacy';
import { describeMachine, measureAvailability } from './lib/machine';
import { serverBuildOptions } from '../scripts/server-bundle.mjs';
import { repoRoot } from './lib/processes';
import { writeBenchBlock } from './lib/report';
import { int, ms, ratio, table } from './lib/stats';

const { values } = parseArgs({ options: { write: { type: 'boolean' }, contacts: { type: 'string', default: '1000000' }, port: { type: 'string', default: '55279' }, 'restore-compare': { type: 'boolean' }, 'semi-space': { type: 'string', default: '8' }, 'data-dir': { type: 'string' }, 'skip-backup': { type: 'boolean' } } });
const CONTACTS = Number(values.contacts);

/** Linux: the process's peak resident memory since the last reset (VmHWM), in MiB; writing 5 to clear_refs resets it. */
const peakRssMib = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');
const cpuMs = (from: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
};

const keptDir = values['data-dir'] ? path.resolve(values['data-dir']) : null;
if (keptDir) mkdirSync(keptDir, { recursive: true });
// The export child is built before the (long) seeding, so the run measures the code as it was when it began.
// Built with the server bundle's own options (scripts/server-bundle.mjs: split, drizzle-orm inlined).
const childDir = path.join(repoRoot, `dist/bench/export-child-${process.pid}`);
const childBundle = path.join(childDir, 'export-child.js');
await (await import('esbuild')).build({ ...serverBuildOptions(), entryPoints: [path.join(repoRoot, 'bench/lib/export-child.ts')], outdir: childDir, logLevel: 'warning' });
const dataDir = keptDir ?? mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-privacy-'));
const seededFile = path.join(dataDir, `seeded-${CONTACTS}.json`);
const config = loadConfig({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMBEDDED_PG_PORT: values.port!, DEMO_WORKSPACE: 'false', WORKER_CONCURRENCY: '0' });
const platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
const machine = describeMachine();
const availabilityStart = measureAvailability();
const log = (l: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${l}\n`);
const rows: (string | number)[][] = [];
let notes: string[] = [];
try {
  const { db, ownerUrl } = platform.services.database;
  const reused = existsSync(seededFile);
  let seedSeconds: number;
  let workspaceId: string;
  if (reused) {
    ({ workspaceId, seedSeconds } = JSON.parse(readFileSync(seededFile, 'utf8')) as { workspaceId: string; seedSeconds: number });
    log(`Reusing the workspace of ${int(CONTACTS)} contacts seeded in ${dataDir}`);
  } else {
    log(`Seeding a workspace of ${int(CONTACTS)} contacts (generate_series)…`);
    const seedStart = performance.now();
    const seeded = await seedBig(
      ownerUrl,
      { ...defaultSeedOptions, contacts: CONTACTS, companies: Math.round(CONTACTS / 10), deals: Math.round(CONTACTS / 10), activitiesPerContact: 0, workspaces: 2, otherContacts: 1000 },
      (p) => hashPassword(p),
      log,
    );
    seedSeconds = (performance.now() - seedStart) / 1000;
    workspaceId = seeded.workspaces[0]!.id;
    if (keptDir) writeFileSync(seededFile, JSON.stringify({ workspaceId, seedSeconds }));
  }
  const owner = await platform.services.database.system.execute<{ user_id: string }>(sql`SELECT user_id FROM memberships WHERE workspace_id = ${workspaceId} AND role = 'owner' LIMIT 1`);
  const ctx = { workspaceId, userId: owner.rows[0]!.user_id, role: 'owner' as const };
  await platform.services.database.systemPool.query('VACUUM ANALYZE');

  // Baseline: the same rows leaving PostgreSQL by a bare COPY (its own text format), drained to nowhere.
  log('Baseline: bare COPY of every exported row…');
  const { systemPool } = platform.services.database;
  const tables = (await systemPool.query<{ t: string }>(`SELECT table_name AS t FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'workspace_id'`)).rows.map((r) => r.t);
  const exported = exportedTables().map((e) => e.table).filter((t) => tables.includes(t));
  const baseClient = await systemPool.connect();
  const baseStart = performance.now();
  let baseRows = 0;
  try {
    for (const t of exported) {
      const stream = baseClient.query(copyTo(`COPY (SELECT * FROM ${baseClient.escapeIdentifier(t)} WHERE workspace_id = '${workspaceId}') TO STDOUT`));
      for await (const chunk of stream as AsyncIterable<Buffer>) for (const b of chunk) if (b === 10) baseRows++;
    }
  } finally {
    baseClient.release();
  }
  const baseMs = performance.now() - baseStart;

  // The export itself, in its own Node process booted the way `kestrel export` boots: its memory
  // before the export (after a full GC) and its peak while exporting (VmHWM) are the export's alone.
  // The child runs from one esbuild bundle (dependencies external), as `npm start` runs the server
  // (scripts/start.mjs) and as the export job therefore runs in production: not under tsx.
  log('Export (its own process, built like the server bundle)…');
  const file = path.join(dataDir, 'export.zip');
  // Node 24's default young generation alone keeps ~120 MiB more resident than Node 20's (measured:
  // the bundle loaded, 285 MiB by default, 183 MiB with 16 MiB semi-spaces); 8, as bin/kestrel.mjs
  // runs the CLI; 0 keeps Node's default.
  const semiSpace = Number(values['semi-space']);
  const child = spawnSync(process.execPath, ['--expose-gc', ...(semiSpace ? [`--max-semi-space-size=${semiSpace}`] : []), childBundle, workspaceId, file], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: ownerUrl, DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '2' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`export failed (${child.status}): ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { rows: number; tables: number; ms: number; cpuMs: number; beforeMib: number; peakMib: number; beforeHeapMib: number; beforeExternalMib: number; execArgv: string[]; nodeOptions: string | null };
  log(`Export child: ${JSON.stringify(result)}`);
  const zipBytes = statSync(file).size;
  rmSync(file);
  rows.push([
    `Workspace export (PRIV-2): ${int(result.rows)} rows of ${result.tables} tables, JSON + CSV in a zip (${(zipBytes / 1048576).toFixed(0)} MiB)`,
    `${int(result.rows / (result.ms / 1000))} rows/s`,
    ms(result.ms),
    `${ratio(result.ms / baseMs)} a bare COPY of the same rows (${ms(baseMs)}, ${int(baseRows / (baseMs / 1000))} rows/s)`,
    `${((result.cpuMs / result.rows) * 1000).toFixed(1)} µs/row`,
  ]);
  const peak = result.peakMib;
  const before = result.beforeMib;

  log('Erasure of one person…');
  const { rows: [victim] } = await platform.services.database.systemPool.query<{ email: string }>(
    `SELECT email::text FROM contacts WHERE workspace_id = $1 AND email IS NOT NULL ORDER BY id OFFSET $2 LIMIT 1`, [workspaceId, Math.floor(CONTACTS / 2)]);
  const eraseStart = performance.now();
  const erased = await eraseWorkspacePerson(db, ctx, { email: victim!.email });
  const eraseMs = performance.now() - eraseStart;
  log(`Erasure: ${eraseMs.toFixed(0)} ms`);
  const what = (['deleted', 'unlinked', 'scrubbed'] as const).flatMap((bucket) => Object.entries(erased[bucket]).map(([table, n]) => `${n} ${table} ${bucket}`)).join(', ');
  rows.push([`Erasure of one person (PRIV-3): every registry table searched; ${what || 'nothing'}`, '—', ms(eraseMs), '—', '—']);
  if (!values['skip-backup']) {
    log('Backup…');
    const backupFile = path.join(dataDir, 'bench.kbackup');
    const backupCpu = process.cpuUsage();
    const backupStart = performance.now();
    const backup = await backupDatabase(ownerUrl, platform.services.secrets.box, backupFile);
    const backupMs = performance.now() - backupStart;
    const backupRows = Object.values(backup.rows).reduce((a, b) => a + b, 0);
    rows.push([`Backup (SEC-3): ${int(backupRows)} rows, ${(backup.bytes / 1048576).toFixed(0)} MiB gzipped`, `${int(backupRows / (backupMs / 1000))} rows/s`, ms(backupMs), '—', `${(cpuMs(backupCpu) / backupRows * 1000).toFixed(1)} µs/row`]);

    const restoreInto = async (name: string, indexesAfterData: boolean) => {
      const admin = new pg.Client({ connectionString: ownerUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const target = new URL(ownerUrl);
      target.pathname = `/${name}`;
      await migrate(target.toString());
      resetPeak();
      const restoreCpu = process.cpuUsage();
      const restoreStart = performance.now();
      await restoreDatabase(target.toString(), platform.services.secrets.box, backupFile, { indexesAfterData });
      const restoreMs = performance.now() - restoreStart;
      const admin2 = new pg.Client({ connectionString: ownerUrl });
      await admin2.connect();
      await admin2.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin2.end();
      return { restoreMs, cpu: cpuMs(restoreCpu), peak: peakRssMib() };
    };
    let keptMs: number | null = null;
    if (values['restore-compare']) {
      log('Restore with every index kept while rows arrive (the former way)…');
      const kept = await restoreInto('kestrel_restore_kept', false);
      keptMs = kept.restoreMs;
      rows.push([`Restore (SEC-3), every index kept while rows arrive (before)`, `${int(backupRows / (kept.restoreMs / 1000))} rows/s`, ms(kept.restoreMs), `${ratio(kept.restoreMs / backupMs)} the backup`, `${(kept.cpu / backupRows * 1000).toFixed(1)} µs/row`]);
    }
    log('Restore into a new, migrated database (secondary indexes built after the data)…');
    const restored = await restoreInto('kestrel_restore_bench', true);
    const restoreMs = restored.restoreMs;
    rmSync(backupFile);
    rows.push([`Restore (SEC-3) into an empty database, one transaction, secondary indexes built after the data (maintenance_work_mem 256MB)`, `${int(backupRows / (restoreMs / 1000))} rows/s`, ms(restoreMs), `${ratio(restoreMs / backupMs)} the backup${keptMs ? `; ${ratio(restoreMs / keptMs)} the restore with indexes kept` : ''}`, `${(restored.cpu / backupRows * 1000).toFixed(1)} µs/row; this process peaked at ${restored.peak.toFixed(0)} MiB`]);

  }
  notes = [
    `- Peak memory of the process while the export ran: **${peak.toFixed(0)} MiB** (VmHWM of a process booted like \`kestrel export\`, run from an esbuild bundle as \`npm start\` runs the server, ${semiSpace ? `with \`--max-semi-space-size=${semiSpace}\`` : 'with Node’s default young generation'}; it is the only Node process of the export — PostgreSQL's own memory is not in it) ; the process held ${before.toFixed(0)} MiB before it began (booted, after a full GC; ${result.beforeHeapMib.toFixed(0)} MiB of it JavaScript heap, ${result.beforeExternalMib.toFixed(0)} MiB external), so the export itself added **${(peak - before).toFixed(0)} MiB** — goal < 300 MB: ${peak < 286 ? 'met' : `missed by the whole process (every module loaded); the export's own share ${peak - before < 286 ? 'met' : 'missed'}`}.`,
    `- Seeding took ${seedSeconds.toFixed(0)} s${reused ? ' (in an earlier run; this one reused the database)' : ''} (set-based, \`scripts/seed-big\`): ${int(CONTACTS)} contacts, ${int(CONTACTS / 10)} companies, ${int(CONTACTS / 10)} deals, one more workspace of 1,000 contacts beside it.`,
  ];
} finally {
  const availabilityEnd = measureAvailability();
  notes.push(
    `- Load average (1 min) ${machine.loadAtStart.toFixed(2)} at the start and ${os.loadavg()[0]!.toFixed(2)} at the end. A busy loop ran ${availabilityStart.runningPct.toFixed(0)} % of a 3 s window at the start (${availabilityStart.pauses} pauses ≥ 5 ms, longest ${availabilityStart.longestMs.toFixed(0)} ms) and ${availabilityEnd.runningPct.toFixed(0)} % at the end (${availabilityEnd.pauses} pauses, longest ${availabilityEnd.longestMs.toFixed(0)} ms).`,
  );
  await platform.shutdown();
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
  rmSync(childDir, { recursive: true, force: true });
}

const md = [
  `Measured ${machine.date} on ${machine.cores} cores of ${machine.cpu}, Node ${machine.node}, commit ${machine.commit}, in one process (the server's own code paths) against embedded PostgreSQL, on the shared development machine while other work ran. CPU is the Node process's.`,
  '',
  table(['What', 'Rate', 'Time', 'Against baseline', 'CPU'], rows),
  '',
  ...notes,
].join('\n');
console.log(md);
if (values.write) console.log(`Written to ${writeBenchBlock(`privacy-${CONTACTS}`, '## Privacy: export, erasure, backup and restore (issue 20)', md)}`);
process.exit(0);
