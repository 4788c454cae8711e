// `npm run bench -- --only outreach [--mails 100000] [--outreach-port 3113 --outreach-pg-port 55233] [--write]`:
// issue 17's Measure section. The server runs as `npm start` runs it (the bundled server in its own
// Node process, embedded PostgreSQL below it); a campaign of N personalised mails (10 % of the
// audience on the suppression list, checked per mail at send time) is made through the API and sent
// by the server's own job into a lean SMTP sink in a third process (bench/lib/smtp-sink.mjs: counts
// messages and Message-IDs, never parses MIME). In the same run, nodemailer (pooled, 5 connections)
// sends the same rendered mail to the same recipients through the same sink. CPU and RSS are the
// server process's own (/proc), PostgreSQL's apart.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { startKestrel } from './lib/kestrel';
import { cpuPressure, describeMachine, measureAvailability, type Availability, type Machine } from './lib/machine';
import { cpuSeconds, freePort, sampleMemory, serverProcess } from './lib/processes';
import { int, mib, ms, percentile, ratio, table } from './lib/stats';

export interface OutreachBenchResult {
  machine: Machine;
  contacts: number;
  suppressed: number;
  seedMs: number;
  createMs: number;
  kestrel: Arm & { skipped: number; duplicates: number; distinctIds: number; peakRssKib: number; startRssKib: number; bootRssKib: number; pgCpuMs: number; pgPeakPssKib: number };
  nodemailer: Arm;
  sinkCpuMs: number;
  pressure: { start: number | null; end: number | null };
  load: { start: number; mid: number; end: number };
  availability: { start: Availability; end: Availability };
}
interface Arm { mails: number; seconds: number; perMail: number[]; cpuMs: number }

interface SinkStats { messages: number; bytes: number; distinctIds: number; duplicates: number; firstMs: number; lastMs: number; cpu: NodeJS.CpuUsage; rssKib: number }

/** The lean SMTP sink in its own process, asked over IPC. */
class SinkProcess {
  private child!: ChildProcess;
  port = 0;
  async start() {
    this.child = fork(new URL('./lib/smtp-sink.mjs', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.port = (await this.ask<{ port: number }>(null, 'port')).port;
  }
  private ask<T>(message: string | null, key: string): Promise<T> {
    return new Promise((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (!(key in m)) return;
        this.child.off('message', on);
        resolve(m as T);
      };
      this.child.on('message', on);
      if (message) this.child.send(message);
    });
  }
  reset = () => this.ask('reset', 'reset');
  stats = async () => (await this.ask<{ stats: SinkStats }>('stats', 'stats')).stats;
  sample = async () => (await this.ask<{ sample: string | null }>('sample', 'sample')).sample;
  stop() {
    this.child.kill('SIGTERM');
  }
}

const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

export async function benchOutreach(options: { mails?: number; port?: number; pgPort?: number } = {}): Promise<OutreachBenchResult> {
  const N = options.mails ?? 100_000;
  const suppressedEvery = 10;
  const machine = describeMachine();
  const availabilityStart = measureAvailability();
  const pressureStart = cpuPressure(10);
  const sink = new SinkProcess();
  await sink.start();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-outreach-'));
  const pgPort = options.pgPort ?? (await freePort());
  const kestrelProcess = await startKestrel(
    dataDir,
    { LOG_LEVEL: 'warn', DEMO_WORKSPACE: 'true', SMTP_URL: smtpUrl, MAIL_FROM: 'Kestrel <mail@kestrel.example>', PUBLIC_URL: 'https://crm.example.com' },
    pgPort,
    options.port,
  );
  const serverPid = serverProcess(kestrelProcess.pid);
  const rssOf = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  const bootRssKib = rssOf(serverPid);
  const password = encodeURIComponent(readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim());
  const db = new pg.Client({ connectionString: `postgres://postgres:${password}@127.0.0.1:${pgPort}/kestrel` });
  await db.connect();
  let kestrel: OutreachBenchResult['kestrel'];
  let baseline: Arm;
  let seedMs = 0;
  let createMs = 0;
  let loadMid = 0;
  try {
    const base = kestrelProcess.url;
    if (!kestrelProcess.demoLogin) throw new Error('Kestrel printed no demo login');
    const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify(kestrelProcess.demoLogin) });
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'));
    if (!cookie) throw new Error(`Sign-in set no session cookie (${signIn.status})`);
    const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string; workspaces: { id: string }[] };
    const workspaceId = me.workspaces[0]!.id;
    const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken, origin: base };
    const post = async <T>(url: string, body: unknown): Promise<T> => {
      const r = await fetch(`${base}/api/workspaces/${workspaceId}${url}`, { method: 'POST', headers, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    };

    // Set-based seeding straight into the server's database: N consented, tagged contacts; every 10th address suppressed.
    process.stderr.write(`Seeding ${int(N)} contacts…\n`);
    const t0 = performance.now();
    await db.query(`UPDATE workspaces SET name = 'Outreach Bench Co', mailing_address = '12 Quay Street, Portsmouth PO1 2AB, UK' WHERE id = $1`, [workspaceId]);
    const tag = (await db.query<{ id: string }>(`INSERT INTO tags (workspace_id, id, name) VALUES ($1, gen_random_uuid(), 'Newsletter bench') RETURNING id`, [workspaceId])).rows[0]!.id;
    await db.query(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, consent_state)
       SELECT $1::uuid, gen_random_uuid(), 'Reader' || g, 'Number ' || g, 'reader' || g || '@example.test', ARRAY['reader' || g || '@example.test'], 'granted'
       FROM generate_series(1, $2::int) g`,
      [workspaceId, N],
    );
    await db.query(`INSERT INTO outreach_consents (workspace_id, id, contact_id, state, source, proof) SELECT workspace_id, gen_random_uuid(), id, 'granted', 'form', 'https://shop.example/newsletter' FROM contacts WHERE workspace_id = $1 AND email LIKE 'reader%@example.test'`, [workspaceId]);
    await db.query(`INSERT INTO record_tags (workspace_id, tag_id, record_type, record_id) SELECT workspace_id, $2::uuid, 'contacts', id FROM contacts WHERE workspace_id = $1 AND email LIKE 'reader%@example.test'`, [workspaceId, tag]);
    await db.query(
      `INSERT INTO outreach_suppressions (workspace_id, kind, address_hash, reason, source)
       SELECT $1::uuid, 'email', encode(sha256(convert_to(lower('reader' || g || '@example.test'), 'UTF8')), 'hex'), 'unsubscribed', 'bench'
       FROM generate_series($2::int, $3::int, $2::int) g`,
      [workspaceId, suppressedEvery, N],
    );
    await db.query('ANALYZE contacts; ANALYZE outreach_consents; ANALYZE record_tags; ANALYZE outreach_suppressions');
    seedMs = performance.now() - t0;

    const template = await post<{ id: string }>('/outreach/templates', {
      name: 'Spring news',
      subject: 'Spring at {{workspace.name}}, {{contact.firstName}}',
      html: '<p>Hello {{contact.firstName | "there"}} {{contact.lastName}},</p><p>Our spring menu is here: fresh bread every morning, and a table by the window for you.</p><p><a href="https://shop.example/menu">See the menu</a></p>',
    });

    process.stderr.write(`Kestrel campaign of ${int(N)} recipients…\n`);
    await sink.reset();
    const startRssKib = rssOf(serverPid);
    const memory = sampleMemory(serverPid);
    const cpu0 = cpuSeconds(serverPid);
    const t1 = performance.now();
    const campaign = await post<{ id: string }>('/outreach/campaigns', { name: 'Spring menu', templateId: template.id, tagId: tag });
    createMs = performance.now() - t1;
    const start = performance.now();
    let lastReport = 0;
    for (;;) {
      await sleep(250);
      const { rows } = await db.query<{ status: string }>('SELECT status FROM outreach_campaigns WHERE id = $1', [campaign.id]);
      if (rows[0]!.status !== 'sending' && rows[0]!.status !== 'scheduled') break;
      if (performance.now() - lastReport > 2000) {
        lastReport = performance.now();
        const s = await sink.stats();
        if (!loadMid && s.messages >= N * 0.45) loadMid = os.loadavg()[0]!;
        process.stderr.write(`\r${int(s.messages)} mails`);
      }
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu1 = cpuSeconds(serverPid);
    const mem = await memory.stop();
    process.stderr.write('\n');
    const stats = await sink.stats();
    const counts = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outreach_campaign_recipients WHERE workspace_id = $1 AND campaign_id = $2 GROUP BY status`, [workspaceId, campaign.id]);
    const by = Object.fromEntries(counts.rows.map((r) => [r.status, r.n]));
    if ((by.sent ?? 0) !== stats.messages) throw new Error(`Sent ${by.sent} but the sink got ${stats.messages}`);
    kestrel = {
      mails: by.sent ?? 0, skipped: by.skipped ?? 0, seconds, perMail: [], cpuMs: (cpu1.self - cpu0.self) * 1000, pgCpuMs: (cpu1.descendants - cpu0.descendants) * 1000,
      duplicates: stats.duplicates, distinctIds: stats.distinctIds,
      peakRssKib: Math.max(...mem.rss), startRssKib, bootRssKib, pgPeakPssKib: Math.max(...mem.pss),
    };

    // nodemailer alone: the same rendered mail as the sink received it (only the recipient and Message-ID change), pooled.
    process.stderr.write(`nodemailer, ${int(kestrel.mails)} mails…\n`);
    const raw = await sink.sample();
    if (!raw) throw new Error('The campaign sent nothing');
    const parsed = await simpleParser(Buffer.from(raw, 'latin1'));
    const extra: Record<string, string> = {};
    for (const name of ['list-unsubscribe', 'list-unsubscribe-post', 'reply-to', 'x-kestrel-message']) {
      const line = parsed.headerLines.find((h) => h.key === name);
      if (line) extra[name] = line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim();
    }
    const mail = { from: parsed.from!.text, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : undefined, headers: extra };
    const recipients = (await db.query<{ email: string }>(`SELECT c.email FROM outreach_campaign_recipients r JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id WHERE r.workspace_id = $1 AND r.campaign_id = $2 AND r.status = 'sent'`, [workspaceId, campaign.id])).rows.map((r) => r.email);
    const mailer = nodemailer.createTransport(`${smtpUrl}?pool=true`);
    await sink.reset();
    const perMail: number[] = [];
    const cpuB = process.cpuUsage();
    const startB = performance.now();
    // As many in flight as the pool has connections (nodemailer's default 5).
    let next = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (next < recipients.length) {
          const i = next++;
          const s = performance.now();
          await mailer.sendMail({ ...mail, to: recipients[i]!, messageId: `<bench-${i}@kestrel.example>` });
          perMail.push(performance.now() - s);
        }
      }),
    );
    const secondsB = (performance.now() - startB) / 1000;
    const cpuBUsed = process.cpuUsage(cpuB);
    mailer.close();
    const statsB = await sink.stats();
    if (statsB.messages !== recipients.length) throw new Error(`nodemailer sent ${recipients.length} but the sink got ${statsB.messages}`);
    baseline = { mails: recipients.length, seconds: secondsB, perMail, cpuMs: (cpuBUsed.user + cpuBUsed.system) / 1000 };
    const sinkCpu = statsB.cpu;
    return {
      machine, contacts: N, suppressed: Math.floor(N / suppressedEvery), seedMs, createMs, kestrel, nodemailer: baseline, sinkCpuMs: (sinkCpu.user + sinkCpu.system) / 1000,
      pressure: { start: pressureStart, end: cpuPressure(10) }, load: { start: machine.loadAtStart, mid: loadMid, end: os.loadavg()[0]! }, availability: { start: availabilityStart, end: measureAvailability() },
    };
  } finally {
    await db.end();
    await kestrelProcess.stop();
    sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const rate = (a: Arm) => a.mails / a.seconds;

export function outreachMarkdown(r: OutreachBenchResult): string {
  const k = r.kestrel;
  const b = r.nodemailer;
  const pause = (a: Availability) => `${a.runningPct.toFixed(0)} % (${a.pauses} pauses of 5 ms or more, longest ${a.longestMs.toFixed(0)} ms)`;
  return [
    `Measured ${r.machine.date} on ${r.machine.cores} cores of ${r.machine.cpu}, Node ${r.machine.node}, commit ${r.machine.commit}; load average (1 min) ${r.load.start.toFixed(2)} at the start, ${r.load.mid.toFixed(2)} halfway through the campaign and ${r.load.end.toFixed(2)} at the end, CPU pressure ${r.pressure.start ?? '?'} % / ${r.pressure.end ?? '?'} % (a shared machine: other agents' work competes for both cores). The server runs as \`npm start\` runs it (the bundled server in its own Node process, embedded PostgreSQL); the SMTP sink is a third process that counts messages and Message-IDs without parsing MIME (bench/lib/smtp-sink.mjs, PIPELINING offered), the same for both arms.`,
    '',
    `${int(r.contacts)} consented, tagged contacts seeded with set-based SQL (${ms(r.seedMs)}), ${int(r.suppressed)} of their addresses (10 %) on the suppression list; the template has five merge fields and the campaign is made through the API (\`POST …/outreach/campaigns\`, ${ms(r.createMs)} to fix its recipients) and sent by the server's own job. Kestrel checks suppression, restriction and consent for each mail at send time, writes the message row and the timeline activity, and marks the recipient; nodemailer then sends the same rendered mail (only the recipient and Message-ID change) to the ${int(b.mails)} addresses Kestrel sent to, pooled, 5 in flight.`,
    '',
    table(['Sender', 'Mails', 'Time', 'Mails/s', 'Node CPU per mail', 'vs nodemailer'], [
      [`Kestrel campaign (${int(k.skipped)} skipped as suppressed)`, int(k.mails), ms(k.seconds * 1000), int(rate(k)), `${(k.cpuMs / k.mails).toFixed(2)} ms`, ratio(rate(k) / rate(b))],
      ['nodemailer alone, pooled', int(b.mails), ms(b.seconds * 1000), int(rate(b)), `${(b.cpuMs / b.mails).toFixed(2)} ms`, ratio(1)],
    ]),
    '',
    `- Goal ≥ 1,000 mails/s: ${rate(k) >= 1000 ? 'met' : 'missed'} (${int(rate(k))} mails/s). Server RSS < 300 MB: ${k.peakRssKib * 1024 < 300e6 ? 'met' : 'missed'} (the server process: ${mib(k.bootRssKib)} once ready, ${mib(k.startRssKib)} just before the campaign, peak ${mib(k.peakRssKib)} during it; embedded PostgreSQL's PSS apart, peak ${mib(k.pgPeakPssKib)}).`,
    `- PostgreSQL's CPU during the campaign: ${ms(k.pgCpuMs)} in all, ${(k.pgCpuMs / k.mails).toFixed(2)} ms per mail sent (not in the Node figure). The sink used ${ms(r.sinkCpuMs)} of CPU for both arms together.`,
    `- The sink saw ${int(k.distinctIds)} distinct Message-IDs for ${int(k.mails)} mails (${int(k.duplicates)} repeated). nodemailer's p50 / p95 per \`sendMail\`: ${ms(percentile(b.perMail, 0.5))} / ${ms(percentile(b.perMail, 0.95))}.`,
    `- A busy loop ran ${pause(r.availability.start)} of a 3 s window at the start and ${pause(r.availability.end)} at the end: below 100 % the host froze the virtual machine, which stretches both arms alike.`,
  ].join('\n');
}
