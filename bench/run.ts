// `npm run bench [-- --write] [-- --only startup,http,passwords,ai,web]` (also `crm`, `booking`, `outreach`, `live` and `privacy`, not in the default run): measures, prints a markdown
// report, and with --write puts it into docs/benchmarks.md between the results markers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { aiGoals, aiMarkdown, benchAi } from './ai.bench';
import { goalsMarkdown, type Goal } from './lib/goals';
import { benchBooking, bookingMarkdown } from './booking.bench';
import { benchLive, liveMarkdown } from './live.bench';
import { benchCrm, crmGoals, crmMarkdown, writeCrmSection } from './crm.bench';
import { benchHttp, defaultLoad, httpGoals, httpMarkdown } from './http.bench';
import { cpuPressure, describeMachine, measureAvailability } from './lib/machine';
import { repoRoot } from './lib/processes';
import { writeBenchBlock } from './lib/report';
import { benchOutreach, outreachMarkdown } from './outreach.bench';
import { benchPasswords, passwordsMarkdown } from './passwords.bench';
import { benchStartup, startupMarkdown } from './startup.bench';
import { benchWeb, webGoals, webMarkdown, writeWebSection } from './web.bench';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
const all = ['startup', 'http', 'passwords', 'ai', 'web'] as const;
/** Not in the default run: the CRM bench generates (once) and reads a million-contact workspace; booking (issue 16) runs on its own. */
const optional = ['crm', 'booking', 'outreach', 'live', 'privacy'] as const;

const { values } = parseArgs({
  options: {
    write: { type: 'boolean' },
    only: { type: 'string' },
    /** CRM: runs per reading scenario (default 200) and rows in the import file (default 1,000,000). */
    'crm-runs': { type: 'string' },
    'crm-import-rows': { type: 'string' },
    /** Outreach: mails in the campaign (default 100,000), e.g. 5000 for a quick check. */
    mails: { type: 'string' },
    /** Outreach: the server's and its embedded PostgreSQL's ports (free ones when not given). */
    'outreach-port': { type: 'string' },
    'outreach-pg-port': { type: 'string' },
    /** Privacy (issue 20): contacts in the workspace (default 1,000,000), and --restore-compare to also time the restore with every index kept. */
    contacts: { type: 'string' },
    'restore-compare': { type: 'boolean' },
    /** CRM: only the reading scenarios (no export, COPY or import), e.g. to check a plan quickly. */
    'crm-reads-only': { type: 'boolean' },
    /** CRM: only COPY and the import (no reading scenarios, no export). */
    'crm-import-only': { type: 'boolean' },
    /** HTTP: seconds per load run (default 8), e.g. 3 for a quick check while developing. */
    'http-seconds': { type: 'string' },
    /** Web: visits per network profile and cache state (default 10). */
    'web-runs': { type: 'string' },
    /** Live chat: visitors (default 1000), seconds of sending (30), mean ms between one visitor's messages (5000). */
    'live-visitors': { type: 'string' },
    'live-seconds': { type: 'string' },
    'live-interval': { type: 'string' },
    /** Wait (up to --quiet-wait seconds) until CPU pressure over 10 s is below this %, on a shared machine. */
    'quiet-below': { type: 'string' },
    'quiet-wait': { type: 'string', default: '600' },
  },
});
const only = new Set(values.only ? values.only.split(',') : all);
for (const name of only) if (![...all, ...optional].includes(name as (typeof all)[number])) throw new Error(`--only: unknown bench "${name}" (${[...all, ...optional].join(', ')})`);

if (values['quiet-below']) {
  const limit = Number(values['quiet-below']);
  const until = Date.now() + Number(values['quiet-wait']) * 1000;
  for (let p = cpuPressure(10); p !== null && p >= limit && Date.now() < until; p = cpuPressure(10)) {
    process.stderr.write(`Waiting for a quieter machine: CPU pressure ${p.toFixed(0)} % ≥ ${limit} %\n`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

const began = performance.now();
const pct = (value: number | null) => (value === null ? 'unknown' : `${value.toFixed(0)} %`);
const machine = describeMachine();
const availabilityAtStart = measureAvailability();
const sections: string[] = [];
let dataDir: string | null = null;
let postgres = 'not started in this run';
let crmReport: string | null = null;
/** Issue 14's goals, each with met or missed, printed and written with the figures. */
const goals: Goal[] = [];
let webReport: string | null = null;
let bookingReport: string | null = null;
let outreachReport: string | null = null;
let liveReport: string | null = null;

try {
  if (only.has('startup')) {
    process.stderr.write('Start-up…\n');
    const r = await benchStartup(3);
    dataDir = r.dataDir;
    postgres = `${r.postgresVersion} (embedded)`;
    sections.push(`### 1. Start-up: \`npm start\` (\`node scripts/start.mjs\`) until "Kestrel is ready at"\n\n${startupMarkdown(r)}`);
  }
  if (only.has('http')) {
    process.stderr.write('HTTP throughput and memory…\n');
    dataDir ??= mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-'));
    const r = await benchHttp(dataDir, values['http-seconds'] ? { ...defaultLoad, durationSeconds: Number(values['http-seconds']), warmupSeconds: 1 } : defaultLoad);
    goals.push(...httpGoals(r));
    sections.push(`### 2. Requests per second: signed-in \`GET /api/auth/me\` and a contacts page against bare Fastify making as many PostgreSQL round trips\n\n${httpMarkdown(r)}`);
  }
  if (only.has('passwords')) {
    process.stderr.write('Password hashing…\n');
    const r = await benchPasswords(20);
    sections.push(`### 3. Password hashing: argon2id at Kestrel's parameters against bcrypt cost 10\n\n${passwordsMarkdown(r)}`);
  }
  if (only.has('ai')) {
    process.stderr.write('AI agents: context, tokens and overhead per step…\n');
    const r = await benchAi();
    goals.push(...aiGoals(r));
    sections.push(`### 4. AI agents without the model: context for a deal with ${r.timelineItems} timeline items, tokens sent, overhead per step\n\n${aiMarkdown(r)}`);
  }
  if (only.has('web')) {
    process.stderr.write('Web app: Largest Contentful Paint of the contacts page in headless Chromium…\n');
    const pressureAtStart = cpuPressure();
    dataDir ??= mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-'));
    const r = await benchWeb(dataDir, values['web-runs'] ? Number(values['web-runs']) : undefined);
    const busy = `Other work on this shared machine: CPU pressure (share of the last minute some task waited for a CPU) ${pct(pressureAtStart)} at the start and ${pct(cpuPressure())} at the end.`;
    webReport = webMarkdown(r, machine, busy);
    goals.push(...webGoals(r));
  }
  if (only.has('crm')) {
    process.stderr.write('CRM at a million contacts…\n');
    const crm = await benchCrm({
        runs: values['crm-runs'] ? Number(values['crm-runs']) : undefined,
        importRows: values['crm-import-rows'] ? Number(values['crm-import-rows']) : undefined,
        readsOnly: values['crm-reads-only'] ?? false,
        importOnly: values['crm-import-only'] ?? false,
    });
    goals.push(...crmGoals(crm));
    crmReport = crmMarkdown(crm);
  }
  if (only.has('booking')) {
    process.stderr.write('Booking: free slots of a 10-member team against bare SQL, 200 attempts on one slot…\n');
    bookingReport = bookingMarkdown(await benchBooking());
  }
  if (only.has('outreach')) {
    process.stderr.write('Outreach: a campaign into a local SMTP sink against nodemailer…\n');
    outreachReport = outreachMarkdown(await benchOutreach({ mails: values.mails ? Number(values.mails) : undefined, port: values['outreach-port'] ? Number(values['outreach-port']) : undefined, pgPort: values['outreach-pg-port'] ? Number(values['outreach-pg-port']) : undefined }));
  }
  if (only.has('live')) {
    const num = (v: string | undefined) => (v ? Number(v) : undefined);
    liveReport = liveMarkdown(await benchLive({ visitors: num(values['live-visitors']), seconds: num(values['live-seconds']), intervalMs: num(values['live-interval']) }));
  }
  if (only.has('privacy')) {
    // Its own process (bench/privacy.bench.ts): it spawns the export child and measures its peak memory, and writes its own block.
    process.stderr.write('Privacy: workspace export, erasure, backup and restore…\n');
    const args = ['--import', 'tsx', path.join(repoRoot, 'bench/privacy.bench.ts'), ...(values.contacts ? ['--contacts', values.contacts] : []), ...(values['restore-compare'] ? ['--restore-compare'] : []), ...(values.write ? ['--write'] : [])];
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`the privacy bench failed (${r.status ?? r.signal})`);
  }
} finally {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}

const availabilityAtEnd = measureAvailability();
const seconds = (performance.now() - began) / 1000;
const report = [
  START,
  `## Results of ${machine.date}`,
  '',
  `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGib} GiB RAM, ${machine.os}`,
  `- Node ${machine.node}, PostgreSQL ${postgres}`,
  `- Commit ${machine.commit}; the whole run took ${seconds.toFixed(0)} s`,
  `- Other work on the machine: load average (1 min) ${machine.loadAtStart.toFixed(2)} at the start and ${os.loadavg()[0]!.toFixed(2)} at the end; ` +
    `CPU pressure (share of the last minute some task waited for a CPU) ${pct(machine.pressureAtStart)} at the start and ${pct(cpuPressure())} at the end`,
  `- A busy loop ran ${availabilityAtStart.runningPct.toFixed(0)} % of a 3 s wall-clock window at the start (${availabilityAtStart.pauses} pauses of 5 ms or more, longest ${availabilityAtStart.longestMs.toFixed(0)} ms) ` +
    `and ${availabilityAtEnd.runningPct.toFixed(0)} % at the end (${availabilityAtEnd.pauses} pauses, longest ${availabilityAtEnd.longestMs.toFixed(0)} ms): ` +
    `below 100 % the virtual machine itself was frozen by its host, which stretches every latency here alike`,
  '',
  ...(goals.length ? ['### Goals (issue 14)', '', goalsMarkdown(goals), ''] : []),
  ...sections.flatMap((s) => [s, '']),
  END,
].join('\n');

if (sections.length) process.stdout.write(`${report}\n`);
for (const g of goals) process.stderr.write(`${g.met ? 'MET   ' : 'MISSED'} ${g.goal}: ${g.measured}\n`);
if (webReport) {
  process.stdout.write(`\n## Web app\n\n${webReport}\n`);
  if (values.write) process.stderr.write(`Wrote the web section of ${path.relative(process.cwd(), writeWebSection(webReport))}\n`);
}
if (bookingReport) {
  process.stdout.write(`\n## Booking (issue 16)\n\n${bookingReport}\n`);
  if (values.write) process.stderr.write(`Wrote the booking section of ${path.relative(process.cwd(), writeBenchBlock('booking', '## Booking (issue 16)', bookingReport))}\n`);
}
if (outreachReport) {
  process.stdout.write(`\n## Outreach campaigns (issue 17)\n\n${outreachReport}\n`);
  if (values.write) process.stderr.write(`Wrote the outreach section of ${path.relative(process.cwd(), writeBenchBlock('outreach', '## Outreach campaigns (issue 17)', outreachReport))}\n`);
}
if (liveReport) {
  process.stdout.write(`\n## Live chat (issue 15)\n\n${liveReport}\n`);
  if (values.write) process.stderr.write(`Wrote the live chat section of ${path.relative(process.cwd(), writeBenchBlock('live', '## Live chat (issue 15)', liveReport))}\n`);
}
if (crmReport) {
  process.stdout.write(`\n## CRM\n\n${crmReport}\n`);
  if (values.write) process.stderr.write(`Wrote the CRM section of ${path.relative(process.cwd(), writeCrmSection(crmReport))}\n`);
}

if (values.write && sections.length) {
  const file = path.join(repoRoot, 'docs/benchmarks.md');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\n';
  // The new figures replace the block between the markers; the block they replace moves to the
  // top of "Earlier results", so the history stays beside them.
  const HISTORY = '## Earlier results';
  let next: string;
  if (current.includes(START) && current.includes(END)) {
    const previous = current.slice(current.indexOf(START) + START.length, current.indexOf(END)).trim();
    let rest = current.slice(current.indexOf(END) + END.length);
    const demoted = previous.replace(/^(#{2,5}) /gm, '#$1 ');
    rest = rest.includes(HISTORY) ? rest.replace(HISTORY, `${HISTORY}\n\n${demoted}\n`) : `\n\n${HISTORY}\n\n${demoted}\n${rest}`;
    next = current.slice(0, current.indexOf(START)) + report + rest;
  } else next = `${current.trimEnd()}\n\n${report}\n`;
  writeFileSync(file, next);
  process.stderr.write(`Wrote ${path.relative(process.cwd(), file)}\n`);
}
