// `npx tsx bench/billing.bench.ts [--write] [--runs 200]`: what billing adds to the requests that
// spend (issue 19's Measure): a contact create and an AI call with billing on against billing
// off, in the same process against the same database, the arms interleaved in small batches so
// that load on a shared machine falls on each alike. A third arm turns the contact-count trigger
// off too, to see what it costs a self-hosted install with billing off.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FakeAi } from '../test/fakes/ai';
import { users } from '../src/server/modules/accounts/accounts.schema';
import { runModel } from '../src/server/modules/ai/run-model';
import { configureBilling } from '../src/server/modules/billing/limits';
import { createContact } from '../src/server/modules/crm/contacts/create-contact';
import { memberships, workspaces } from '../src/server/modules/workspaces/workspaces.schema';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import type { WorkspaceContext } from '../src/server/platform/db/tenant';
import { createLogger } from '../src/server/platform/logger';
import { describeMachine, measureAvailability } from './lib/machine';
import { freePort } from './lib/processes';
import { writeBenchBlock } from './lib/report';
import { ms, percentile, ratio, table } from './lib/stats';

const { values } = parseArgs({ options: { write: { type: 'boolean' }, runs: { type: 'string', default: '200' } } });
const RUNS = Number(values.runs);
const BATCH = 10;

type Arm = 'on' | 'off' | 'offNoTrigger';
const arms: Arm[] = ['on', 'off', 'offNoTrigger'];
interface Sample { times: number[]; cpuMs: number; n: number }
const empty = (): Record<Arm, Sample> => ({ on: { times: [], cpuMs: 0, n: 0 }, off: { times: [], cpuMs: 0, n: 0 }, offNoTrigger: { times: [], cpuMs: 0, n: 0 } });

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-bench-billing-'));
const fake = await new FakeAi().start();
const plans = { plans: [{ id: 'bench', name: 'Bench', priceMinor: 0, currency: 'USD', limits: { seats: 1_000_000, contacts: 1_000_000_000, ai_runs: 1_000_000_000, emails: 1_000_000 } }] };
const config = loadConfig({
  NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), DEMO_WORKSPACE: 'false', WORKER_CONCURRENCY: '0',
  BILLING_ENABLED: 'true', BILLING_PLANS: JSON.stringify(plans), AI_PROVIDER: 'openai_compatible', AI_BASE_URL: fake.baseUrl, AI_MODEL: 'bench-model',
});
const platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
const machine = describeMachine();
const availabilityStart = measureAvailability();
let availabilityEnd = availabilityStart;
const contacts = empty();
const ai = empty();
try {
  const { system, db, systemPool } = platform.services.database;
  const [user] = await system.insert(users).values({ email: `bench-billing-${Date.now()}@example.test`, name: 'Bench Owner' }).returning({ id: users.id });
  const [ws] = await system.insert(workspaces).values({ name: 'Billing Bench Co' }).returning({ id: workspaces.id });
  await system.insert(memberships).values({ workspaceId: ws!.id, userId: user!.id, role: 'owner' });
  const ctx: WorkspaceContext = { workspaceId: ws!.id, userId: user!.id, role: 'owner' };

  const setArm = async (arm: Arm) => {
    configureBilling({ ...config, billing: { ...config.billing, enabled: arm === 'on' } });
    const state = arm === 'offNoTrigger' ? 'DISABLE' : 'ENABLE';
    await systemPool.query(`ALTER TABLE contacts ${state} TRIGGER contacts_count_added`);
  };
  let i = 0;
  const ops = {
    contact: () => createContact(db, ctx, { firstName: `Bench ${i++}`, emails: [`bench${i}@example.test`] } as never),
    ai: () => runModel(platform.services, ctx, { feature: 'bench', messages: [{ role: 'user', content: 'Say OK.' }] }),
  };
  const measure = async (sample: Sample, fn: () => Promise<unknown>) => {
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < BATCH; k++) {
      const t0 = performance.now();
      await fn();
      sample.times.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(cpu0);
    sample.cpuMs += (cpu.user + cpu.system) / 1000;
    sample.n += BATCH;
  };
  // Warm-up in every arm, not counted.
  for (const arm of arms) {
    await setArm(arm);
    for (let k = 0; k < 5; k++) {
      await ops.contact();
      await ops.ai();
    }
  }
  for (let round = 0; round < RUNS / BATCH; round++) {
    for (const arm of round % 2 ? [...arms].reverse() : arms) {
      await setArm(arm);
      await measure(contacts[arm], ops.contact);
      await measure(ai[arm], ops.ai);
    }
    process.stderr.write(`\r${(round + 1) * BATCH}/${RUNS}`);
  }
  process.stderr.write('\n');
  await setArm('on');
} finally {
  availabilityEnd = measureAvailability();
  await platform.shutdown();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

const p = (s: Sample, q: number) => percentile(s.times, q);
const row = (label: string, s: Sample, base: Sample) => [label, ms(p(s, 0.5)), ms(p(s, 0.95)), `${(s.cpuMs / s.n).toFixed(2)} ms`, ratio(p(s, 0.5) / p(base, 0.5))];
const md = [
  `Measured ${machine.date} on ${machine.cores} cores of ${machine.cpu}, Node ${machine.node}, commit ${machine.commit} (load ${machine.loadAtStart.toFixed(1)} at the start, shared with other work), in process against embedded PostgreSQL; ${RUNS} timed operations per arm after 5 warm-ups, the arms interleaved in batches of ${BATCH}. The AI provider is the test suite's wire-format fake on localhost answering at once, so the AI call's time is Kestrel's own (provider resolution, limits, billing, the call record). CPU is the Node process's per operation (PostgreSQL's own work is not in it). Ratios are p50 against billing off.`,
  '',
  table(['Operation', 'p50', 'p95', 'CPU / op', 'p50 vs off'], [
    row('Contact create, billing on (plan read, counter row locked, trigger counts)', contacts.on, contacts.off),
    row('Contact create, billing off', contacts.off, contacts.off),
    row('Contact create, billing off and the count trigger disabled', contacts.offNoTrigger, contacts.off),
    row('AI call, billing on (one statement reads the plan and raises the AI runs counter, in the provider lookup\'s transaction)', ai.on, ai.off),
    row('AI call, billing off', ai.off, ai.off),
  ]),
  '',
  `- Billing adds ${ms(p(contacts.on, 0.5) - p(contacts.off, 0.5))} to a contact create and ${ms(p(ai.on, 0.5) - p(ai.off, 0.5))} to an AI call at p50 (issue 19: "at most a few milliseconds").`,
  `- The contact-count trigger with billing off: ${ms(p(contacts.off, 0.5) - p(contacts.offNoTrigger, 0.5))} at p50.`,
  `- A busy loop ran ${availabilityStart.runningPct.toFixed(0)} % of a 3 s wall-clock window at the start (${availabilityStart.pauses} pauses of 5 ms or more, longest ${availabilityStart.longestMs.toFixed(0)} ms) and ${availabilityEnd.runningPct.toFixed(0)} % at the end (${availabilityEnd.pauses} pauses, longest ${availabilityEnd.longestMs.toFixed(0)} ms): the host's pauses stretch both arms alike.`,
].join('\n');
console.log(md);
if (values.write) console.log(`Written to ${writeBenchBlock('billing', '## Billing (BILL-1)', md)}`);
process.exit(0);
