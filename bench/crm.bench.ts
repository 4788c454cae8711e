// `npm run bench -- --only crm [--write]`: the CRM at a million contacts (issue 3, "Measure").
// Seeds data/bench-crm once (1,000,000 contacts among nine smaller workspaces) and reuses it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/server/app';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import { createLogger } from '../src/server/platform/logger';
import { ensureDataset, ensureImportFile } from './crm-dataset';
import { benchExport, benchImport, copyBaseline, copyIntoContactsBaseline, signInOverHttp, type CopyBaseline, type ExportResult, type ImportResult } from './crm-io';
import { crmScenarios, measure, signIn, type LatencyResult } from './crm-queries';
import { postgresVersion } from './lib/kestrel';
import os from 'node:os';
import { goalsMarkdown, type Goal } from './lib/goals';
import { cpuPressure, describeMachine, measureAvailability, type Availability, type Machine } from './lib/machine';
import { freePort, repoRoot, serverProcess, spawnServer } from './lib/processes';
import { writeBenchBlock } from './lib/report';
import { int, mib, ratio, table } from './lib/stats';

export interface CrmResult {
  machine: Machine;
  postgres: string;
  seconds: number;
  seededSeconds: number | null;
  contacts: number;
  latencies: LatencyResult[];
  copy: CopyBaseline | null;
  /** Issue 14: the same rows COPYed into a copy of the real contacts table (indexes, constraints, triggers). */
  copyContacts: CopyBaseline | null;
  /** Load average (1 min) and the host's pauses at the start and end of the run. */
  host: { loadStart: number; loadEnd: number; start: Availability; end: Availability | null };
  import: ImportResult | null;
  export: ExportResult | null;
  problems: string[];
  /** CPU pressure (% of time some task waited for a CPU, 10 s average) at the start and end of each phase. */
  pressure: { phase: string; start: number | null; end: number | null }[];
}

const MEMORY_BOUND_KIB = 300 * 1024;

export async function benchCrm(options: { runs?: number; importRows?: number; readsOnly?: boolean; importOnly?: boolean; log?: (l: string) => void } = {}): Promise<CrmResult> {
  const runs = options.runs ?? 200;
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const began = performance.now();
  const machine = describeMachine();
  // BENCH_CRM_DATA_DIR: keep the generated million-contact dataset outside the worktree (it is reused).
  const dataDir = process.env.BENCH_CRM_DATA_DIR ? path.resolve(process.env.BENCH_CRM_DATA_DIR) : path.join(repoRoot, 'data/bench-crm');
  const pressure: CrmResult['pressure'] = [];
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const entry = { phase: name, start: cpuPressure(10), end: null as number | null };
    pressure.push(entry);
    try {
      return await fn();
    } finally {
      entry.end = cpuPressure(10);
    }
  };
  const problems: string[] = [];

  // The server as its own process, the way `npm start` runs it, on the benchmark's database.
  // BENCH_APP_PORT / BENCH_PG_PORT: fixed ports on a machine shared with other runs.
  const port = process.env.BENCH_APP_PORT ? Number(process.env.BENCH_APP_PORT) : await freePort();
  const pgPort = process.env.BENCH_PG_PORT ? Number(process.env.BENCH_PG_PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  log(`CRM: starting Kestrel on ${dataDir}…`);
  const server = await spawnServer({
    args: ['scripts/start.mjs'],
    env: {
      NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), DEMO_WORKSPACE: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000', IMPORT_MAX_BYTES: String(2 * 1024 ** 3), LOG_LEVEL: 'info', WORKER_CONCURRENCY: '1',
      DATABASE_URL: undefined, DATABASE_APP_URL: undefined, PUBLIC_URL: undefined, KESTREL_SECRET_KEYS: undefined, KESTREL_SESSION_SECRET: undefined, SMTP_URL: undefined, RESEND_API_KEY: undefined,
    },
    logFile: path.join(os.tmpdir(), `kestrel-bench-crm-${Date.now()}.log`),
    readyPattern: /Kestrel is ready at/,
    url,
    timeoutMs: 900_000,
  });
  const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
  const ownerUrl = `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel`;
  const appDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-crm-app-'));
  let platform: Awaited<ReturnType<typeof startPlatform>> | null = null;
  const latencies: LatencyResult[] = [];
  let copy: CopyBaseline | null = null;
  let copyContacts: CopyBaseline | null = null;
  const host: CrmResult['host'] = { loadStart: os.loadavg()[0]!, loadEnd: 0, start: measureAvailability(), end: null };
  const ending = () => {
    host.loadEnd = os.loadavg()[0]!;
    host.end = measureAvailability();
    return host;
  };
  let imported: ImportResult | null = null;
  let exported: ExportResult | null = null;
  let seededSeconds: number | null = null;
  let contacts = 0;
  try {
    const postgres = await postgresVersion(dataDir, pgPort);
    const dataset = await phase('seed', () => ensureDataset(ownerUrl, dataDir, undefined, (l) => log(`  seed: ${l}`)));
    seededSeconds = dataset.seededSeconds;
    contacts = dataset.contacts;
    log(seededSeconds === null ? `  seed: reusing the generated data in ${dataDir}` : `  seed: generated in ${seededSeconds.toFixed(0)} s`);

    // Latency in this process through app.inject, on a pool of its own to the same database.
    const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: ownerUrl, DATA_DIR: appDir, DEMO_WORKSPACE: 'false', RATE_LIMIT_PER_MINUTE: '100000000', LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '0' });
    platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
    const app = await buildApp(platform.services);
    const headers = await signIn(app, dataset.login);
    for (const scenario of options.importOnly ? [] : crmScenarios(dataset.workspaceId)) {
      try {
        latencies.push(await phase(scenario.key, () => measure(app, headers, ownerUrl, scenario, runs, log)));
      } catch (error) {
        problems.push(`${scenario.key}: ${String(error).slice(0, 400)}`);
        log(`  ${scenario.key}: FAILED ${String(error).slice(0, 400)}`);
      }
    }
    await app.close();
    if (options.readsOnly) {
      problems.push('reads only (--crm-reads-only): export, COPY and import not measured in this run');
      return { machine, postgres, seconds: (performance.now() - began) / 1000, seededSeconds, contacts, latencies, copy, copyContacts, host: ending(), import: imported, export: exported, problems, pressure };
    }

    const session = await signInOverHttp(url, dataset.login);
    if (options.importOnly) problems.push('import only (--crm-import-only): reads and export not measured in this run');
    else try {
      exported = await phase('export', () => benchExport(session, dataset.workspaceId, serverProcess(server.pid)));
      log(`  export: ${int(exported.rows)} rows in ${exported.seconds.toFixed(1)} s (${int(exported.rowsPerSecond)} rows/s), peak RSS ${mib(exported.memory.peakRssKib)}`);
    } catch (error) {
      problems.push(`export: ${String(error).slice(0, 400)}`);
    }
    const file = await phase('import file', () => ensureImportFile(ownerUrl, dataset.workspaceId, dataDir, options.importRows ?? 1_000_000));
    copy = await phase('copy', () => copyBaseline(ownerUrl, file));
    log(`  copy: ${int(copy.rows)} rows in ${copy.seconds.toFixed(1)} s (${int(copy.rowsPerSecond)} rows/s)`);
    try {
      copyContacts = await phase('copy into contacts', () => copyIntoContactsBaseline(ownerUrl, file, dataset.workspaceId));
      log(`  copy into a copy of contacts: ${int(copyContacts.rows)} rows in ${copyContacts.seconds.toFixed(1)} s (${int(copyContacts.rowsPerSecond)} rows/s)`);
    } catch (error) {
      problems.push(`copy into contacts: ${String(error).slice(0, 400)}`);
      log(`  copy into contacts: FAILED ${String(error).slice(0, 400)}`);
    }
    try {
      imported = await phase('import', () => benchImport(session, dataset.workspaceId, serverProcess(server.pid), file, log));
      log(`  import: CPU (upload to end) server ${imported.cpu.server.toFixed(1)} s (${((imported.cpu.server / imported.rows) * 1e6).toFixed(0)} µs/row), PostgreSQL ${imported.cpu.postgres.toFixed(1)} s${imported.undo?.cpu ? `; undo: server ${imported.undo.cpu.server.toFixed(1)} s, PostgreSQL ${imported.undo.cpu.postgres.toFixed(1)} s` : ''}`);
      log(`  import: ${imported.status}, ${int(imported.rowsPerSecond)} rows/s, peak RSS ${mib(imported.memory.peakRssKib)}${imported.memory.idleRssKib ? ` (${mib(imported.memory.idleRssKib)} before the upload)` : ''}${imported.memory.rssByPhase ? `; by phase ${Object.entries(imported.memory.rssByPhase).map(([k, v]) => `${k} ${mib(v)}`).join(', ')}` : ''}`);
      // The import job logs where its time went (run-import.ts, "import profile").
      const line = server.output().split('\n').reverse().find((l) => l.includes('"import profile"'));
      if (line) {
        const p = JSON.parse(line) as NonNullable<ImportResult['profile']>;
        imported.profile = p;
        log(`  import profile: ${p.seconds} s, staging ${p.staging.toFixed(1)} s\n    ${p.steps.join('\n    ')}`);
        if (p.memory) log(`  import memory (MiB): ${memoryLine(p.memory)}`);
      }
    } catch (error) {
      problems.push(`import: ${String(error).slice(0, 400)}`);
      log(`  import: FAILED ${String(error).slice(0, 400)}`);
    }
    return { machine, postgres, seconds: (performance.now() - began) / 1000, seededSeconds, contacts, latencies, copy, copyContacts, host: ending(), import: imported, export: exported, problems, pressure };
  } finally {
    await platform?.shutdown();
    await server.stop();
    rmSync(appDir, { recursive: true, force: true });
  }
}

/** Issue 14 scope 3, judged on this run's own figures. */
export function crmGoals(r: CrmResult): Goal[] {
  const goals: Goal[] = [];
  const i = r.import;
  if (!i) return goals;
  if (r.copyContacts) {
    const x = i.rowsPerSecond / r.copyContacts.rowsPerSecond;
    goals.push({ goal: 'Import ≥ 0.25× a COPY of the same rows into a copy of the contacts table (indexes, constraints, triggers)', measured: `${ratio(x)} (${int(i.rowsPerSecond)} against ${int(r.copyContacts.rowsPerSecond)} rows/s)`, met: x >= 0.25 });
  }
  goals.push({ goal: 'Import ≥ 4,500 rows/s (10× the 450 rows/s of session 7)', measured: `${int(i.rowsPerSecond)} rows/s over ${int(i.rows)} rows`, met: i.rowsPerSecond >= 4_500 });
  goals.push({ goal: 'Server memory during the import < 300 MiB', measured: `peak RSS ${mib(i.memory.peakRssKib)}${i.memory.idleRssKib ? ` (${mib(i.memory.idleRssKib)} before the upload)` : ''}; PostgreSQL peak PSS ${mib(i.memory.postgresPeakPssKib)}`, met: i.memory.peakRssKib < MEMORY_BOUND_KIB });
  if (i.undo) goals.push({ goal: 'Undo of the whole import works', measured: i.undo.error ?? `${i.undo.seconds.toFixed(1)} s: ${int(i.undo.deleted)} deleted, ${int(i.undo.restored)} restored, ${int(i.undo.kept)} kept`, met: !i.undo.error && i.undo.kept === 0 && i.undo.deleted >= i.created });
  return goals;
}

/** The import job's own memory notes: RSS (V8 heap used / total, external) per phase, in MiB. */
const memoryLine = (m: NonNullable<NonNullable<ImportResult['profile']>['memory']>) =>
  Object.entries(m).map(([phase, v]) => `${phase} ${v.rss} (heap ${v.heapUsed}/${v.heapTotal}, external ${v.external}${v.newSpace === undefined ? "" : `, new space ${v.newSpace}`})`).join('; ');

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const pct = (v: number | null) => (v === null ? '?' : `${v.toFixed(0)} %`);

export function crmMarkdown(r: CrmResult): string {
  const out: string[] = [];
  out.push(`Measured ${r.machine.date} on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.ramGib} GiB RAM, ${r.machine.os}; Node ${r.machine.node}, PostgreSQL ${r.postgres} (embedded, default settings); commit ${r.machine.commit}. ` +
    `The run took ${r.seconds.toFixed(0)} s${r.seededSeconds !== null ? `, of which ${r.seededSeconds.toFixed(0)} s generating the data` : ' (data generated by an earlier run, reused)'}.`);
  out.push('');
  out.push(`Data: \`npm run seed:big\` defaults — a workspace of ${int(r.contacts)} contacts, 200,000 companies, 300,000 deals and their timelines, among nine workspaces of 10,000 contacts each.`);
  out.push('');
  const pauses = (a: Availability | null) => (a ? `a busy loop ran ${a.runningPct.toFixed(0)} % of 3 s (${a.pauses} pauses ≥ 5 ms, longest ${a.longestMs.toFixed(0)} ms)` : '?');
  out.push(`Host: load average (1 min) ${r.host.loadStart.toFixed(2)} at the start and ${r.host.loadEnd.toFixed(2)} at the end; ${pauses(r.host.start)} at the start and ${pauses(r.host.end)} at the end.`);
  out.push('');
  out.push('Other work on this shared machine (CPU pressure: share of time some task waited for a CPU, 10 s average, at the start → end of each phase): ' +
    r.pressure.map((p) => `${p.phase} ${pct(p.start)} → ${pct(p.end)}`).join(', ') + '.');
  out.push('');
  out.push('### Reading: server time per request (`app.inject` of the real routes, sequential)');
  out.push('');
  out.push(table(['What', 'Runs', 'p50', 'p95', 'p99', 'Bound (p95)', ''], r.latencies.map((l) => [l.label, l.runs, `${l.p50.toFixed(1)} ms`, `${l.p95.toFixed(1)} ms`, `${l.p99.toFixed(1)} ms`, `≤ ${l.boundMs} ms`, verdict(l.p95 <= l.boundMs)])));
  out.push('');
  out.push('Plans (EXPLAIN ANALYZE, BUFFERS of the slowest statement of one request, replayed as the app role so row-level security applies):');
  out.push('');
  for (const l of r.latencies) {
    out.push(`- **${l.key}**: ${l.plan?.summary ?? 'no plan captured'}`);
  }
  out.push('');
  for (const l of r.latencies) {
    if (!l.plan?.text) continue;
    out.push(`<details><summary>${l.key}: plan</summary>\n\n\`\`\`\n${l.plan.text.split('\n').slice(0, 40).join('\n')}\n\`\`\`\n</details>\n`);
  }
  out.push('### Import and export');
  out.push('');
  const rows: (string | number)[][] = [];
  if (r.copy) rows.push(['Plain `COPY` of the same CSV into a bare unlogged table (12 text columns)', `${int(r.copy.rowsPerSecond)} rows/s`, `${r.copy.seconds.toFixed(1)} s`, '—', '—', '—']);
  if (r.copyContacts) rows.push(['`COPY` of the same rows, as contacts, into a copy of the contacts table with its indexes, constraints and triggers (rolled back)', `${int(r.copyContacts.rowsPerSecond)} rows/s`, `${r.copyContacts.seconds.toFixed(1)} s`, '—', '—', '—']);
  if (r.import) {
    const i = r.import;
    rows.push([
      `Import (CRM-7) of ${int(i.rows)} rows, dedupe by email, matches updated: ${int(i.created)} created, ${int(i.updated)} updated, ${int(i.skipped)} skipped, ${int(i.failed)} rejected`,
      `${int(i.rowsPerSecond)} rows/s (job); ${int(i.rows / i.endToEndSeconds)} rows/s with the upload`,
      `${i.runSeconds.toFixed(1)} s + ${i.uploadSeconds.toFixed(1)} s upload`,
      `≥ 50,000 rows/s: ${verdict(i.rowsPerSecond >= 50_000)}`,
      `${mib(i.memory.peakRssKib)} (< 300 MiB: ${verdict(i.memory.peakRssKib < MEMORY_BOUND_KIB)})`,
      mib(i.memory.postgresPeakPssKib),
    ]);
  }
  if (r.export) {
    const e = r.export;
    rows.push([`Export (CRM-8) of every contact as CSV, streamed (${(e.bytes / 1024 ** 2).toFixed(0)} MiB)`, `${int(e.rowsPerSecond)} rows/s`, `${e.seconds.toFixed(1)} s`, '—', `${mib(e.memory.peakRssKib)} (< 300 MiB: ${verdict(e.memory.peakRssKib < MEMORY_BOUND_KIB)})`, mib(e.memory.postgresPeakPssKib)]);
  }
  out.push(table(['What', 'Rate', 'Time', 'Bound', 'Server peak RSS', 'PostgreSQL peak PSS'], rows));
  out.push('');
  const goals = crmGoals(r);
  if (goals.length) {
    out.push('Issue 14 goals for the import, in this run:');
    out.push('');
    out.push(goalsMarkdown(goals));
    out.push('');
  }
  if (r.import && r.copyContacts) out.push(`Import against a COPY into a copy of the contacts table, same rows, same run: ${ratio(r.import.rowsPerSecond / r.copyContacts.rowsPerSecond)}.`);
  if (r.import && r.copy) out.push(`Import against plain COPY, same rows, same run: ${ratio(r.import.rowsPerSecond / r.copy.rowsPerSecond)} (COPY is ${(r.copy.rowsPerSecond / r.import.rowsPerSecond).toFixed(1)} times faster).`);
  if (r.import) out.push(`CPU from the upload's first byte to the job's end: the server ${r.import.cpu.server.toFixed(1)} s (${((r.import.cpu.server / r.import.rows) * 1e6).toFixed(0)} µs per row), its embedded PostgreSQL ${r.import.cpu.postgres.toFixed(1)} s.`);
  if (r.import?.undo) {
    const u = r.import.undo;
    out.push(u.error ? `Undo of the import failed: ${u.error}` : `Undo of the whole import afterwards: ${u.seconds.toFixed(1)} s (${int(u.deleted)} deleted, ${int(u.restored)} restored, ${int(u.kept)} kept).`);
  }
  if (r.import?.profile) {
    const p = r.import.profile;
    out.push('');
    out.push(`Where the import's ${p.seconds.toFixed(1)} s went (the job's own log; wall time per statement, summed):`);
    out.push('');
    out.push('```');
    out.push(`${p.staging.toFixed(2)} s  reading, checking and normalising the file while COPYing good rows into the stage`);
    for (const step of p.steps) if (!step.includes('staging:')) out.push(step);
    out.push('```');
    if (p.memory) {
      out.push('');
      out.push(`The job's own memory notes, RSS (V8 heap used/total, external) in MiB: ${memoryLine(p.memory)}.`);
    }
    out.push('');
  }
  if (r.import?.mapped.length) out.push(`Mapping used (the suggestion): ${r.import.mapped.join(', ')}.`);
  if (r.problems.length) {
    out.push('');
    out.push('Problems in this run:');
    for (const p of r.problems) out.push(`- ${p}`);
  }
  return out.join('\n');
}

/** Puts the measured part into the "## CRM" section of docs/benchmarks.md, leaving the rest alone. */
export function writeCrmSection(markdown: string): string {
  return writeBenchBlock('crm', '## CRM', markdown);
}
