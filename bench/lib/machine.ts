import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { repoRoot } from './processes';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  ramGib: number;
  os: string;
  node: string;
  commit: string;
  /** Other work on the machine when the run started (it skews results): 1-minute load average, CPU pressure in %. */
  loadAtStart: number;
  pressureAtStart: number | null;
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

function commit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/**
 * Share of the last minute (or 10 s) in which some runnable task waited for a CPU (Linux PSI),
 * in %. Near 0 on an idle machine; high values mean other work was competing with the benchmark.
 */
export function cpuPressure(window: 10 | 60 = 60): number | null {
  try {
    const match = new RegExp(`^some .*avg${window}=([\\d.]+)`, 'm').exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export function describeMachine(): Machine {
  return {
    date: new Date().toISOString().slice(0, 10),
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    ramGib: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit: commit(),
    loadAtStart: os.loadavg()[0]!,
    pressureAtStart: cpuPressure(),
  };
}

export interface Availability {
  /** Share of wall time a busy loop actually ran, in %. */
  runningPct: number;
  /** Pauses of 5 ms or more the loop saw, and the longest. */
  pauses: number;
  longestMs: number;
}

/**
 * How much of the wall clock this process really gets: a busy loop that reads the clock and
 * counts the gaps of 5 ms or more between two reads. On a dedicated core it runs ~100 % of the
 * time; a virtual machine whose host is busy freezes it for whole slices, and everything
 * measured here (latency tails above all) is stretched by the same pauses.
 */
export function measureAvailability(durationMs = 3000): Availability {
  const start = performance.now();
  let last = start;
  let paused = 0;
  let pauses = 0;
  let longestMs = 0;
  for (;;) {
    const now = performance.now();
    const gap = now - last;
    if (gap >= 5) {
      paused += gap;
      pauses++;
      longestMs = Math.max(longestMs, gap);
    }
    last = now;
    if (now - start >= durationMs) break;
  }
  return { runningPct: (100 * (durationMs - paused)) / durationMs, pauses, longestMs };
}
