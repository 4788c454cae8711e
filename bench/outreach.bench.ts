// `npm run bench -- --only outreach [--mails 100000] [--write]`: issue 17's Measure section. A
// campaign of N personalised mails (10 % of the audience on the suppression list, checked per mail
// at send time) sent by Kestrel's own campaign runner into a local SMTP sink, against nodemailer
// sending the same rendered mails to the same sink in the same run; both through a pooled SMTP
// transport. The sink only counts what it receives (no parsing), so it costs both sides alike.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { users } from '../src/server/modules/accounts/accounts.schema';
import { tags } from '../src/server/modules/crm/crm.schema';
import { createCampaign } from '../src/server/modules/outreach/campaigns/manage-campaigns';
import { outreachCampaigns } from '../src/server/modules/outreach/campaigns/campaigns.schema';
import { runCampaign } from '../src/server/modules/outreach/campaigns/send-campaign';
import { createTemplate } from '../src/server/modules/outreach/templates/manage-templates';
import { memberships, workspaces } from '../src/server/modules/workspaces/workspaces.schema';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import type { WorkspaceContext } from '../src/server/platform/db/tenant';
import { createLogger } from '../src/server/platform/logger';
import type { OutgoingMail } from '../src/server/platform/mail/transport';
import { cpuPressure, describeMachine, measureAvailability, type Availability, type Machine } from './lib/machine';
import { freePort } from './lib/processes';
import { int, mib, ms, percentile, ratio, table } from './lib/stats';

export interface OutreachBenchResult {
  machine: Machine;
  contacts: number;
  suppressed: number;
  seedMs: number;
  createMs: number;
  kestrel: Arm & { skipped: number; peakRssKib: number; startRssKib: number; bootRssKib: number; peakHeapKib: number; pgCpuMs: number | null };
  nodemailer: Arm;
  pressure: { start: number | null; end: number | null };
  load: { start: number; end: number };
  availability: { start: Availability; end: Availability };
}
interface Arm { mails: number; seconds: number; perMail: number[]; cpuMs: number }

/** A loopback SMTP server that only counts messages and the time each arrived. */
class CountingSink {
  arrivals: number[] = [];
  bytes = 0;
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 0,
    onData: (stream, _session, callback) => {
      stream.on('data', (c: Buffer) => (this.bytes += c.length));
      stream.on('end', () => {
        this.arrivals.push(performance.now());
        callback();
      });
    },
  });
  port = 0;
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }
  reset() {
    this.arrivals = [];
    this.bytes = 0;
  }
  stop = () => new Promise<void>((resolve) => this.server.close(() => resolve()));
}

/** CPU of the embedded PostgreSQL server (in ms): its postmaster (with its exited children) and its live backends. */
function postgresCpuMs(): number | null {
  try {
    const stats = new Map<number, string[]>();
    let postmaster = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        stats.set(Number(pid), stat.slice(stat.lastIndexOf(')') + 2).split(' '));
        if (!postmaster && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(pgMarker) && /\(postgres\)/.test(stat)) postmaster = Number(pid);
      } catch {
        /* gone */
      }
    }
    if (!postmaster) return null;
    let ticks = 0;
    for (const [pid, f] of stats) {
      if (pid === postmaster) ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
      else if (Number(f[1]) === postmaster) ticks += Number(f[11]) + Number(f[12]);
    }
    return (ticks * 1000) / 100;
  } catch {
    return null;
  }
}
let pgMarker = '';

export async function benchOutreach(options: { mails?: number } = {}): Promise<OutreachBenchResult> {
  const N = options.mails ?? 100_000;
  const suppressedEvery = 10;
  const machine = describeMachine();
  const availabilityStart = measureAvailability();
  const pressureStart = cpuPressure(10);
  const sink = new CountingSink();
  await sink.start();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}?pool=true`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-outreach-'));
  const pgPort = await freePort();
  pgMarker = dataDir;
  const config = loadConfig({
    NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort),
    DEMO_WORKSPACE: 'false', WORKER_CONCURRENCY: '0', SMTP_URL: smtpUrl, MAIL_FROM: 'Kestrel <mail@kestrel.example>', PUBLIC_URL: 'https://crm.example.com',
  });
  const platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
  /** The process once the platform is up (tsx, the server's modules, the sink, no campaign yet). */
  const bootRssKib = process.memoryUsage().rss / 1024;
  let kestrel: OutreachBenchResult['kestrel'];
  let baseline: Arm;
  let seedMs = 0;
  let createMs = 0;
  try {
    const { system, systemPool } = platform.services.database;
    const [user] = await system.insert(users).values({ email: `bench-outreach-${Date.now()}@example.test`, name: 'Bench Owner' }).returning({ id: users.id });
    const [ws] = await system.insert(workspaces).values({ name: 'Outreach Bench Co', mailingAddress: '12 Quay Street, Portsmouth PO1 2AB, UK' }).returning({ id: workspaces.id });
    const workspaceId = ws!.id;
    await system.insert(memberships).values({ workspaceId, userId: user!.id, role: 'owner' });
    const ctx: WorkspaceContext = { workspaceId, userId: user!.id, role: 'owner' };
    const [tag] = await system.insert(tags).values({ workspaceId, name: 'Newsletter' }).returning({ id: tags.id });

    // Set-based seeding: N consented, tagged contacts; every 10th address on the suppression list.
    process.stderr.write(`Seeding ${int(N)} contacts…\n`);
    const t0 = performance.now();
    await systemPool.query(
      `INSERT INTO contacts (workspace_id, id, first_name, last_name, email, emails, consent_state)
       SELECT $1::uuid, gen_random_uuid(), 'Reader' || g, 'Number ' || g, 'reader' || g || '@example.test', ARRAY['reader' || g || '@example.test'], 'granted'
       FROM generate_series(1, $2::int) g`,
      [workspaceId, N],
    );
    await systemPool.query(`INSERT INTO outreach_consents (workspace_id, id, contact_id, state, source, proof) SELECT workspace_id, gen_random_uuid(), id, 'granted', 'form', 'https://shop.example/newsletter' FROM contacts WHERE workspace_id = $1`, [workspaceId]);
    await systemPool.query(`INSERT INTO record_tags (workspace_id, tag_id, record_type, record_id) SELECT workspace_id, $2::uuid, 'contacts', id FROM contacts WHERE workspace_id = $1`, [workspaceId, tag!.id]);
    await systemPool.query(
      `INSERT INTO outreach_suppressions (workspace_id, kind, address_hash, reason, source)
       SELECT $1::uuid, 'email', encode(sha256(convert_to(lower('reader' || g || '@example.test'), 'UTF8')), 'hex'), 'unsubscribed', 'bench'
       FROM generate_series($2::int, $3::int, $2::int) g`,
      [workspaceId, suppressedEvery, N],
    );
    await systemPool.query('ANALYZE contacts; ANALYZE outreach_consents; ANALYZE record_tags; ANALYZE outreach_suppressions');
    seedMs = performance.now() - t0;

    const template = await createTemplate(platform.services.database.db, ctx, {
      name: 'Spring news',
      subject: 'Spring at {{workspace.name}}, {{contact.firstName}}',
      html: '<p>Hello {{contact.firstName | "there"}} {{contact.lastName}},</p><p>Our spring menu is here: fresh bread every morning, and a table by the window for you.</p><p><a href="https://shop.example/menu">See the menu</a></p>',
    } as never);

    // Capture the first mail as Kestrel renders it, for the nodemailer arm to send the same mail.
    const transport = platform.services.mail.transport;
    const send = transport.send.bind(transport);
    let sample: OutgoingMail | null = null;
    (transport as { send: typeof send }).send = async (mail) => {
      sample ??= mail;
      return send(mail);
    };

    const t1 = performance.now();
    const campaign = await createCampaign(platform.services, ctx, { name: 'Spring menu', templateId: template.id, tagId: tag!.id } as never);
    createMs = performance.now() - t1;

    process.stderr.write(`Kestrel campaign of ${int(N)} recipients…\n`);
    sink.reset();
    globalThis.gc?.();
    const startRssKib = process.memoryUsage().rss / 1024;
    let peakRssKib = 0;
    let peakHeapKib = 0;
    const rssTimer = setInterval(() => {
      const m = process.memoryUsage();
      peakRssKib = Math.max(peakRssKib, m.rss / 1024);
      peakHeapKib = Math.max(peakHeapKib, m.heapUsed / 1024);
    }, 250);
    const progress = setInterval(() => process.stderr.write(`\r${int(sink.arrivals.length)} mails`), 2000);
    const pg0 = postgresCpuMs();
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (;;) {
      await runCampaign(platform.services, workspaceId, campaign.id);
      const [row] = await system.select({ status: outreachCampaigns.status }).from(outreachCampaigns).where(eq(outreachCampaigns.id, campaign.id));
      if (row!.status !== 'sending') break;
    }
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pg1 = postgresCpuMs();
    clearInterval(rssTimer);
    clearInterval(progress);
    process.stderr.write('\n');
    const counts = await systemPool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outreach_campaign_recipients WHERE workspace_id = $1 AND campaign_id = $2 GROUP BY status`, [workspaceId, campaign.id]);
    const by = Object.fromEntries(counts.rows.map((r) => [r.status, r.n]));
    if ((by.sent ?? 0) !== sink.arrivals.length) throw new Error(`Sent ${by.sent} but the sink got ${sink.arrivals.length}`);
    const gaps = sink.arrivals.slice(1).map((t, i) => t - sink.arrivals[i]!);
    kestrel = {
      mails: by.sent ?? 0, skipped: by.skipped ?? 0, seconds, perMail: gaps, cpuMs: (cpu.user + cpu.system) / 1000, peakRssKib, startRssKib, bootRssKib, peakHeapKib,
      pgCpuMs: pg0 !== null && pg1 !== null ? pg1 - pg0 : null,
    };

    // nodemailer alone: the same rendered mail (only the recipient changes) to the same recipients, pooled.
    process.stderr.write(`nodemailer, ${int(kestrel.mails)} mails…\n`);
    const mail = sample as OutgoingMail | null;
    if (!mail) throw new Error('The campaign sent nothing');
    const recipients = (await systemPool.query<{ email: string }>(`SELECT c.email FROM outreach_campaign_recipients r JOIN contacts c ON c.workspace_id = r.workspace_id AND c.id = r.contact_id WHERE r.workspace_id = $1 AND r.campaign_id = $2 AND r.status = 'sent'`, [workspaceId, campaign.id])).rows.map((r) => r.email);
    const mailer = nodemailer.createTransport(smtpUrl);
    sink.reset();
    const perMail: number[] = [];
    const cpuB = process.cpuUsage();
    const startB = performance.now();
    // As many in flight as the pool has connections (nodemailer's default 5).
    let next = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (next < recipients.length) {
          const to = recipients[next++]!;
          const s = performance.now();
          await mailer.sendMail({ from: mail.from, to, subject: mail.subject, text: mail.text, html: mail.html ?? undefined, headers: mail.headers });
          perMail.push(performance.now() - s);
        }
      }),
    );
    const secondsB = (performance.now() - startB) / 1000;
    const cpuBUsed = process.cpuUsage(cpuB);
    mailer.close();
    baseline = { mails: recipients.length, seconds: secondsB, perMail, cpuMs: (cpuBUsed.user + cpuBUsed.system) / 1000 };
  } finally {
    await platform.shutdown();
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    machine, contacts: N, suppressed: Math.floor(N / suppressedEvery), seedMs, createMs, kestrel, nodemailer: baseline,
    pressure: { start: pressureStart, end: cpuPressure(10) }, load: { start: machine.loadAtStart, end: os.loadavg()[0]! }, availability: { start: availabilityStart, end: measureAvailability() },
  };
}

const rate = (a: Arm) => a.mails / a.seconds;

export function outreachMarkdown(r: OutreachBenchResult): string {
  const k = r.kestrel;
  const b = r.nodemailer;
  const pause = (a: Availability) => `${a.runningPct.toFixed(0)} % (${a.pauses} pauses of 5 ms or more, longest ${a.longestMs.toFixed(0)} ms)`;
  return [
    `Measured ${r.machine.date} on ${r.machine.cores} cores of ${r.machine.cpu}, Node ${r.machine.node}, commit ${r.machine.commit}; load average (1 min) ${r.load.start.toFixed(2)} at the start and ${r.load.end.toFixed(2)} at the end, CPU pressure ${r.pressure.start ?? '?'} % / ${r.pressure.end ?? '?'} % (a shared machine: other agents' work competes for both cores). In process against embedded PostgreSQL; a loopback SMTP sink that only counts bytes; pooled SMTP transport (\`?pool=true\`) on both sides.`,
    '',
    `${int(r.contacts)} consented, tagged contacts seeded with set-based SQL (${ms(r.seedMs)}), ${int(r.suppressed)} of their addresses (10 %) on the suppression list; the campaign is made from a template with five merge fields (${ms(r.createMs)} to fix its recipients). Kestrel's runner renders each mail, checks suppression, restriction and consent for each one at send time, writes the message row and the timeline activity, and marks the recipient; nodemailer then sends the same rendered mail (only the recipient changes) to the ${int(b.mails)} addresses Kestrel sent to, 5 in flight (the pool's connections).`,
    '',
    table(['Sender', 'Mails', 'Time', 'Mails/s', 'p50 / p95 per mail', 'Node CPU per mail', 'vs nodemailer'], [
      [`Kestrel campaign runner (${int(k.skipped)} skipped as suppressed)`, int(k.mails), ms(k.seconds * 1000), int(rate(k)), `${ms(percentile(k.perMail, 0.5))} / ${ms(percentile(k.perMail, 0.95))}`, `${(k.cpuMs / k.mails).toFixed(2)} ms`, ratio(rate(k) / rate(b))],
      ['nodemailer alone, pooled', int(b.mails), ms(b.seconds * 1000), int(rate(b)), `${ms(percentile(b.perMail, 0.5))} / ${ms(percentile(b.perMail, 0.95))}`, `${(b.cpuMs / b.mails).toFixed(2)} ms`, ratio(1)],
    ]),
    '',
    `- Goal ≥ 1,000 mails/s: ${rate(k) >= 1000 ? 'met' : 'missed'} (${int(rate(k))} mails/s). Server RSS < 300 MB: ${k.peakRssKib / 1024 < 300 ? 'met' : 'missed'} (peak ${mib(k.peakRssKib)} of the Node process during the campaign, the sink included; ${mib(k.bootRssKib)} once the platform was up under tsx, ${mib(k.startRssKib)} after seeding, just before the campaign; V8 heap in use at most ${mib(k.peakHeapKib)}).`,
    `- Kestrel's p50/p95 per mail is the gap between two mails arriving at the sink (the runner checks a batch of 100 in one transaction before its mails leave through a window of 8, so the gaps are near zero while the window sends and long between batches); nodemailer's is each \`sendMail\` call.`,
    `- PostgreSQL's CPU during the campaign: ${k.pgCpuMs === null ? 'not measured' : `${ms(k.pgCpuMs)} in all, ${(k.pgCpuMs / k.mails).toFixed(2)} ms per mail sent`} (not in the Node figure).`,
    `- A busy loop ran ${pause(r.availability.start)} of a 3 s window at the start and ${pause(r.availability.end)} at the end: below 100 % the host froze the virtual machine, which stretches both arms alike.`,
  ].join('\n');
}
