// Issue 14 profiling helper (not part of `npm run bench`): many agent steps and bare SDK calls, with Node CPU per step.
// `npx tsx bench/agent-step-profile.ts [both|loop|bare|ab] [runs]`; `ab` interleaves them and prints the time to each step's call;
// PROF=/tmp/x writes /tmp/x-loop-step.cpuprofile (and -bare-call) of the timed part only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText, tool } from 'ai';
import { z } from 'zod';
import { FakeAi } from '../test/fakes/ai';
import { agentResultSchema } from '../src/server/modules/agents/agents.contract';
import { runLoop } from '../src/server/modules/agents/runtime/agent-loop';
import { defineTool, RecordBook } from '../src/server/modules/agents/runtime/tool';
import { startPlatform } from '../src/server/platform/boot';
import { loadConfig } from '../src/server/platform/config';
import { createLogger } from '../src/server/platform/logger';
import { seed } from './ai.bench';
import { freePort } from './lib/processes';
import { median } from './lib/stats';

const mode = process.argv[2] ?? 'both';
const runs = Number(process.argv[3] ?? 30);
const steps = 10;
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kestrel-agent-step-'));
const fake = await new FakeAi().start();
const config = loadConfig({ NODE_ENV: 'development', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), DEMO_WORKSPACE: 'false', WORKER_CONCURRENCY: '0', AI_PROVIDER: 'openai_compatible', AI_BASE_URL: fake.baseUrl, AI_MODEL: 'bench-model' });
const platform = await startPlatform(config, createLogger('silent'), { runJobs: false });
try {
  const { ctx } = await seed(platform, 1);
  const { services } = platform;
  const noop = defineTool({ name: 'noop', description: 'Does nothing.', input: z.strictObject({}), changes: false, run: async () => ({ output: 'ok', summary: 'ok' }) });
  fake.otherwise({ toolCalls: [{ name: 'noop', input: {} }] });
  const phases: number[][] = [];
  const loopOnce = async () => {
    const marks = [performance.now()];
    const outcome = await runLoop(services, ctx, { feature: 'bench', agent: 'forge', system: 'bench', tools: [noop], finish: 'result', maxSteps: steps, timeLimitMs: 600_000 }, { runId: '00000000-0000-7000-8000-000000000001', messages: [{ role: 'user', content: 'Go.' }], records: new RecordBook(), redact: false, emit: (e) => { if (e.type === 'call') marks.push(performance.now()); } });
    marks.push(performance.now());
    phases.push(marks.slice(1).map((m, i) => m - marks[i]!));
    if (outcome.steps !== steps) throw new Error(String(outcome.error));
  };
  const model = createOpenAICompatible({ name: 'bench', baseURL: fake.baseUrl, includeUsage: true }).chatModel('bench-model');
  const bareTools = { noop: tool({ description: noop.description, inputSchema: noop.input }), finish: tool({ description: 'Answer.', inputSchema: agentResultSchema }) };
  const bareOnce = async () => {
    const stream = streamText({ model, system: 'bench', messages: [{ role: 'user', content: 'Go.' }], tools: bareTools, maxRetries: 0 });
    for await (const part of stream.fullStream) void part;
    await stream.response;
  };
  const measure = async (name: string, fn: () => Promise<void>, n: number, per: number) => {
    for (let i = 0; i < 3; i++) await fn();
    const session = process.env.PROF ? new Session() : null;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn();
      times.push((performance.now() - t0) / per);
    }
    const cpu = process.cpuUsage(cpu0);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${process.env.PROF}-${name.replace(' ', '-')}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    }
    console.log(`${name}: p50 ${median(times).toFixed(2)} ms, node CPU ${((cpu.user + cpu.system) / 1000 / (n * per)).toFixed(2)} ms per step (${n * per} steps), load ${os.loadavg()[0]!.toFixed(1)}`);
  };
  if (mode === 'ab') {
    // Interleaved: a run, then as many bare calls as it has steps; per step.
    const kinds = { loop: [] as number[], bare: [] as number[] };
    const cpu = { loop: 0, bare: 0 };
    for (let i = 0; i < 3; i++) {
      await loopOnce();
      await bareOnce();
    }
    const one = async (k: keyof typeof kinds, fn: () => Promise<void>, per: number) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn();
      kinds[k].push((performance.now() - t0) / per);
      const c = process.cpuUsage(c0);
      cpu[k] += (c.user + c.system) / 1000;
    };
    for (let r = 0; r < runs; r++) {
      await one('loop', loopOnce, steps);
      for (let i = 0; i < steps; i++) await one('bare', bareOnce, 1);
    }
    for (const k of ['loop', 'bare'] as const) {
      const n = k === 'bare' ? kinds[k].length : kinds[k].length * steps;
      console.log(`${k}: p50 ${median(kinds[k]).toFixed(2)} ms, node CPU ${(cpu[k] / n).toFixed(2)} ms per step`);
    }
    console.log(`load ${os.loadavg()[0]!.toFixed(1)}`);
    const cols = phases[0]!.length;
    console.log('median ms to each call event (step 1 … step 10), then the tail after the last:', Array.from({ length: cols }, (_, i) => median(phases.map((p) => p[i]!)).toFixed(1)).join(' '));
  }
  if (mode === 'both' || mode === 'loop') await measure('loop step', loopOnce, runs, steps);
  if (mode === 'both' || mode === 'bare') await measure('bare call', bareOnce, runs * steps, 1);
} finally {
  await platform.shutdown();
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
