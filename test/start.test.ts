import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { serverNodeFlags } from '../scripts/server-flags.mjs';
import { freePort } from './helpers/ports';

/** The command line of the server process scripts/start.mjs spawned (its child running the bundle), from /proc. */
function serverCommandLine(launcherPid: number): string[] {
  for (const child of readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, 'utf8').trim().split(/\s+/)) {
    const args = readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0');
    if (args.some((a) => a.endsWith('dist/server/main.js'))) return args;
  }
  throw new Error('scripts/start.mjs has no child running dist/server/main.js');
}

/**
 * The first of the two commands, for real (`npm start` runs scripts/start.mjs: it builds what is
 * stale, then runs the bundled server): the server process starts its own embedded
 * PostgreSQL in an empty data directory, prints the URL and a demo login, serves, and on
 * SIGTERM stops PostgreSQL and exits cleanly.
 */
describe('npm start', () => {
  it('OPS-1 SEC-1 CONV-6 starts on embedded PostgreSQL with a demo login (the operator, who alone reads the development mailbox) to a workspace with a CRM, a booking page, templates, assistant answers and an inbox (a website chat handed to a person, an email thread) to look at, answers, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kestrel-start-'));
    const [port, pgPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['scripts/start.mjs'], {
      env: { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(port), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn', DATABASE_URL: '', SMTP_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (out.includes('Kestrel is ready at')) (clearInterval(t), resolve());
          if (child.exitCode !== null) (clearInterval(t), reject(new Error(out)));
        }, 100);
      });
      expect(out).toContain(`http://127.0.0.1:${port}`);
      // Issue 17 (decisions 028, 029): the server itself runs with the heap settings that keep a 100,000-mail campaign under 300 MB.
      if (process.platform === 'linux' && !process.env.KESTREL_SEMI_SPACE_MIB && !process.env.KESTREL_HEAP_GROWING_PERCENT) {
        expect(serverCommandLine(child.pid!)).toEqual(expect.arrayContaining(['--max-semi-space-size=16', '--heap-growing-percent=50']));
      }
      const login = /Demo login: (\S+) \/ (\S+)/.exec(out)!;
      expect(login[1]).toBe('demo@kestrel.localhost');
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/ready`)).status).toBe(200);
      const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: JSON.stringify({ email: login[1], password: login[2] }) });
      expect(signIn.status).toBe(200);
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const me = await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json();
      // SEC-1: the development mailbox is the demo owner's (the instance's operator), not anyone's.
      expect((await fetch(`${base}/api/dev/mailbox`)).status).toBe(401);
      expect((await fetch(`${base}/api/dev/mailbox`, { headers: { cookie } })).status).toBe(200);
      expect(out).not.toContain('WARNING');
      expect(me.workspaces).toEqual([expect.objectContaining({ name: 'Demo Bakery', role: 'owner' })]);
      // The demo workspace is not empty: contacts at companies, deals across the pipeline, timelines and open tasks.
      const ws = `${base}/api/workspaces/${me.workspaces[0].id}`;
      const get = async (p: string) => (await fetch(`${ws}${p}`, { headers: { cookie } })).json();
      const contacts = await get('/contacts?limit=100');
      expect(contacts.items.length).toBeGreaterThanOrEqual(10);
      expect(contacts.items.filter((c: { company: unknown }) => c.company).length).toBeGreaterThanOrEqual(5);
      const deals = await get('/deals?limit=100');
      expect(new Set(deals.items.map((d: { status: string }) => d.status))).toEqual(new Set(['open', 'won', 'lost']));
      const pipelines = await get('/pipelines');
      const openStages = pipelines.pipelines[0].stages.filter((s: { kind: string }) => s.kind === 'open').map((s: { id: string }) => s.id);
      expect(new Set(deals.items.map((d: { stageId: string }) => d.stageId).filter((id: string) => openStages.includes(id))).size).toBe(openStages.length);
      const withTimeline = deals.items.find((d: { name: string }) => d.name.startsWith('Green Fork'));
      const timeline = await get(`/timeline?recordType=deals&recordId=${withTimeline.id}`);
      expect(timeline.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['call', 'email']);
      const tasks = await get('/tasks?assignee=me&status=open');
      expect(tasks.items.length).toBe(3);
      // BOOK-1 MAIL-2 CONV-2: a booking page whose public page offers times, a template and a call script, FAQ answers for the assistant.
      const eventTypes = await get('/booking/event-types');
      expect(eventTypes.items.map((e: { slug: string }) => e.slug)).toEqual(['cake-tasting']);
      const slots = await (await fetch(`${base}/api/public/booking/${me.workspaces[0].id}/cake-tasting?timeZone=Europe/London`)).json();
      expect(slots.slots.length).toBeGreaterThan(0);
      expect((await get('/outreach/templates')).items.map((t: { name: string }) => t.name)).toEqual(['Wedding season tasting invitation']);
      expect((await get('/outreach/templates?kind=call_script')).items.map((t: { name: string }) => t.name)).toEqual(['Wholesale intro call']);
      expect((await get('/knowledge')).items.filter((k: { kind: string }) => k.kind === 'faq').length).toBe(3);
      // CONV-1..3, CONV-6: the inbox on day one: a website chat about prices handed to a person (the
      // visitor left their details: a lead), and an email thread with Nora on her contact.
      type Summary = { id: string; channel: string; subject: string | null; holder: string; visitorName: string | null; contactId: string | null; handoffRequested: boolean };
      const inbox = (await get('/conversations?status=open')).items as Summary[];
      expect(inbox.map((c) => `${c.channel}: ${c.subject ?? c.visitorName}`).sort()).toEqual(['email: Tasting for the Haddad wedding', 'web: Ben Carter']);
      const nora = contacts.items.find((c: { firstName: string }) => c.firstName === 'Nora');
      const email = inbox.find((c) => c.channel === 'email')!;
      expect(email).toMatchObject({ contactId: nora.id, unread: 1 });
      const chat = inbox.find((c) => c.channel === 'web')!;
      const ben = contacts.items.find((c: { firstName: string }) => c.firstName === 'Ben');
      expect(chat).toMatchObject({ holder: 'human', handoffRequested: true, contactId: ben.id });
      expect((await get(`/conversations/${chat.id}`)).messages.filter((m: { author: string }) => m.author === 'visitor')[0].body).toMatch(/How much is a two-tier wedding cake/);
      type Message = { author: string; deliveryStatus: string | null; meta: { error?: string } };
      const thread = async () => (await get(`/conversations/${email.id}`)).messages.filter((m: Message) => m.author !== 'system') as Message[];
      expect((await thread()).map((m) => m.author)).toEqual(['visitor', 'staff', 'visitor']);
      // Without a mail server the owner's reply is kept in the development mailbox: it says so, rather than "Sending" for ever.
      const reply = await vi.waitFor(
        async () => {
          const m = (await thread())[1]!;
          expect(m.deliveryStatus).toBe('failed');
          return m;
        },
        { timeout: 30_000, interval: 200 },
      );
      expect(reply.meta.error).toBe('This Kestrel server has no mail server set up (SMTP_URL or RESEND_API_KEY), so the mail was kept in the development mailbox.');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // PostgreSQL went down with it: its port is free again.
    await new Promise<void>((resolve, reject) => {
      const s = createServer();
      s.once('error', reject);
      s.listen(pgPort, '127.0.0.1', () => s.close(() => resolve()));
    });
  }, 240_000);

  it('OPS-1 issue 17: the server\'s heap settings default to 16 MiB semi-spaces and a 50 % heap growth, each overridable, 0 meaning Node\'s own, and a setting that is not a whole number is refused by name', () => {
    expect(serverNodeFlags({})).toEqual({ flags: ['--max-semi-space-size=16', '--heap-growing-percent=50'] });
    expect(serverNodeFlags({ KESTREL_SEMI_SPACE_MIB: '', KESTREL_HEAP_GROWING_PERCENT: '' })).toEqual({ flags: ['--max-semi-space-size=16', '--heap-growing-percent=50'] });
    expect(serverNodeFlags({ KESTREL_HEAP_GROWING_PERCENT: '0' })).toEqual({ flags: ['--max-semi-space-size=16'] });
    expect(serverNodeFlags({ KESTREL_SEMI_SPACE_MIB: '0', KESTREL_HEAP_GROWING_PERCENT: '0' })).toEqual({ flags: [] });
    expect(serverNodeFlags({ KESTREL_SEMI_SPACE_MIB: '8', KESTREL_HEAP_GROWING_PERCENT: '25' })).toEqual({ flags: ['--max-semi-space-size=8', '--heap-growing-percent=25'] });
    expect(serverNodeFlags({ KESTREL_HEAP_GROWING_PERCENT: '1.5x' }).error).toMatch(/KESTREL_HEAP_GROWING_PERCENT must be a whole number .*"1\.5x"/);
    expect(serverNodeFlags({ KESTREL_SEMI_SPACE_MIB: '-1' }).error).toMatch(/KESTREL_SEMI_SPACE_MIB must be a whole number of MiB .*"-1"/);
  });
});
