// `npx tsx bench/young-gen-page.ts [--port P --pg-port Q] [--runs N] [--semi 0,32]`: decision 028's question, one
// run: what the server's young generation (`KESTREL_SEMI_SPACE_MIB`, 0 = Node's default) costs a contacts
// page (`POST …/views/query`, 50 rows, 10 connections) in server CPU per request, and what it keeps resident.
// The settings alternate (default, 32, default, 32 …) on the same machine, each on a fresh server over the same
// kind of data dir, so a busy host's drift falls on both alike.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startKestrel } from './lib/kestrel';
import { cpuSeconds, serverProcess } from './lib/processes';

const { values } = parseArgs({ options: { port: { type: 'string' }, 'pg-port': { type: 'string' }, runs: { type: 'string' }, semi: { type: 'string' }, seconds: { type: 'string' } } });
const settings = (values.semi ?? '0,32').split(',');
const runs = Number(values.runs ?? 2);
const seconds = Number(values.seconds ?? 8);
const rssOf = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const results: string[] = [];
for (let r = 0; r < runs; r++) {
  for (const semi of settings) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-younggen-'));
    const k = await startKestrel(dataDir, { LOG_LEVEL: 'warn', DEMO_WORKSPACE: 'true', RATE_LIMIT_PER_MINUTE: '100000000', KESTREL_SEMI_SPACE_MIB: semi }, values['pg-port'] ? Number(values['pg-port']) : undefined, values.port ? Number(values.port) : undefined);
    try {
      const pid = serverProcess(k.pid);
      const signIn = await fetch(`${k.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', origin: k.url }, body: JSON.stringify(k.demoLogin) });
      const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'))!;
      const me = (await (await fetch(`${k.url}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string; workspaces: { id: string }[] };
      const ws = me.workspaces[0]!.id;
      const headers = { cookie, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken, origin: k.url };
      for (let i = 0; i < 50; i++) await fetch(`${k.url}/api/workspaces/${ws}/contacts`, { method: 'POST', headers, body: JSON.stringify({ firstName: `Bench${i}`, emails: [`bench${i}@example.test`] }) });
      const body = JSON.stringify({ view: { object: 'contacts' }, limit: 50 });
      const url = `${k.url}/api/workspaces/${ws}/views/query`;
      const idle = rssOf(pid);
      await autocannon({ url, method: 'POST', headers, body, connections: 10, duration: 2 });
      const cpu0 = cpuSeconds(pid).self;
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 250);
      const res = await autocannon({ url, method: 'POST', headers, body, connections: 10, duration: seconds });
      clearInterval(sampler);
      const cpu = cpuSeconds(pid).self - cpu0;
      if (res.non2xx || res.errors) throw new Error(`${res.non2xx} non-2xx answers, ${res.errors} errors`);
      const line = `| ${r + 1} | ${semi === '0' ? "Node's default" : `${semi} MiB`} | ${idle.toFixed(0)} MiB | ${peak.toFixed(0)} MiB | ${res.requests.average.toFixed(0)} | ${((cpu * 1000) / res.requests.total).toFixed(2)} ms | ${os.loadavg()[0]!.toFixed(1)} |`;
      console.log(line);
      results.push(line);
    } finally {
      await k.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
console.log(['| Run | Semi-space | Idle RSS | Peak RSS under load | Requests/s | Server CPU per request | Load (1 min) |', '|---|---|---|---|---|---|---|', ...results].join('\n'));
