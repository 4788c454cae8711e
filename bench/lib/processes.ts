import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Ports a shared machine gave this run (`BENCH_PORTS=3151-3154,55251-55254`), handed out in turn,
 * each checked free; without it, any free port the system picks.
 */
const assignedPorts = (process.env.BENCH_PORTS ?? '')
  .split(',')
  .filter(Boolean)
  .flatMap((range) => {
    const [from, to = from] = range.split('-').map(Number) as [number, number?];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  });
let nextAssigned = 0;

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.on('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < assignedPorts.length; tries++) {
    const port = assignedPorts[nextAssigned++ % assignedPorts.length]!;
    if (await portIsFree(port)) return port;
  }
  if (assignedPorts.length) throw new Error(`BENCH_PORTS: none of ${assignedPorts.join(', ')} is free`);
  return anyFreePort();
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (millis: number) => new Promise((r) => setTimeout(r, millis));

function childrenOf(pid: number): number[] {
  try {
    const list = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return list ? list.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

/**
 * `npm start` runs a launcher (scripts/start.mjs) that builds what is stale and then runs the
 * server in a child Node process: that child is the server whose CPU and memory count.
 */
export function serverProcess(launcherPid: number): number {
  for (const child of childrenOf(launcherPid)) {
    try {
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('dist/server/main.js')) return child;
    } catch {
      // gone meanwhile
    }
  }
  return launcherPid;
}

/** User + system CPU seconds a process has used, from /proc/<pid>/stat (Linux). */
function cpuSecondsOf(pid: number, withReaped = false): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of stat; here shifted by the two before ") ".
    const ticks = Number(fields[11]) + Number(fields[12]) + (withReaped ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

const CLOCK_TICKS = 100; // USER_HZ, 100 on every mainstream Linux build

/**
 * CPU time of a server process and, separately, of everything below it (the embedded
 * PostgreSQL and its backends, including backends that have exited). Contention on a busy
 * machine stretches wall-clock figures; CPU seconds per request stay comparable.
 */
export function cpuSeconds(pid: number): { self: number; descendants: number } {
  let descendants = 0;
  const stack = childrenOf(pid);
  while (stack.length) {
    const p = stack.pop()!;
    descendants += cpuSecondsOf(p, true);
    stack.push(...childrenOf(p));
  }
  return { self: cpuSecondsOf(pid), descendants };
}

/**
 * Samples a process's resident set size (what `ps -o rss=` shows) and the proportional set
 * size of all its descendants (the embedded PostgreSQL) every `everyMs` until stopped. The
 * sampling runs in a worker thread: autocannon keeps this thread's event loop so busy that
 * timers here would fire late and few.
 */
export function sampleMemory(pid: number, everyMs = 250) {
  const worker = new Worker(new URL('./memory-sampler.worker.mjs', import.meta.url), { workerData: { pid, everyMs } });
  const done = new Promise<{ rss: number[]; pss: number[] }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const samples = await done;
      await worker.terminate();
      return samples;
    },
  };
}

export interface SpawnedServer {
  child: ChildProcess;
  pid: number;
  url: string;
  /** From spawn to the ready line appearing in its output, measured here. */
  wallReadyMs: number;
  /** What the server printed itself: "(NNN ms)" from its own start to listening. */
  reportedReadyMs: number | null;
  output(): string;
  stop(): Promise<{ shutdownMs: number; code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a server process with its output going to a file (as it would to journald), and
 * waits for `readyPattern` to appear there. Polls every 5 ms.
 */
export async function spawnServer(options: {
  args: string[];
  env: Record<string, string | undefined>;
  logFile: string;
  readyPattern: RegExp;
  url: string;
  timeoutMs?: number;
}): Promise<SpawnedServer> {
  const fd = openSync(options.logFile, 'w');
  const env = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const started = performance.now();
  const child = spawn(process.execPath, options.args, { cwd: repoRoot, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const output = () => (existsSync(options.logFile) ? readFileSync(options.logFile, 'utf8') : '');
  const deadline = started + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (options.readyPattern.test(output())) break;
    if (exited) throw new Error(`Server exited (${JSON.stringify(exited)}) before it was ready:\n${output().slice(-3000)}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Server not ready after ${options.timeoutMs ?? 120_000} ms:\n${output().slice(-3000)}`);
    }
    await sleep(5);
  }
  const wallReadyMs = performance.now() - started;
  const reported = /Kestrel is ready at \S+\s+\((\d+) ms\)/.exec(output());
  return {
    child,
    pid: child.pid!,
    url: options.url,
    wallReadyMs,
    reportedReadyMs: reported ? Number(reported[1]) : null,
    output,
    async stop() {
      const t0 = performance.now();
      if (!exited) child.kill('SIGTERM');
      const timeout = sleep(30_000).then(() => null);
      const result = await Promise.race([exit, timeout]);
      if (!result) {
        child.kill('SIGKILL');
        return { shutdownMs: Number.POSITIVE_INFINITY, ...(await exit) };
      }
      return { shutdownMs: performance.now() - t0, ...result };
    },
  };
}

/** After the server is gone: is its embedded PostgreSQL gone too? Stops an orphan if not. */
export async function embeddedPostgresStopped(dataDir: string, pgPort: number): Promise<boolean> {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  for (let i = 0; i < 50; i++) {
    if (!existsSync(pidFile) && !(await portAcceptsConnections(pgPort))) return true;
    await sleep(100);
  }
  // An orphan we started: stop it so the next run can use the directory.
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (pid) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 100 && existsSync(pidFile); i++) await sleep(100);
  return false;
}
