// Run by bench/privacy.bench.ts in its own Node process: boots the platform on DATABASE_URL the way
// `kestrel export` does, then writes one workspace's archive, and prints what it cost as JSON:
// the process's memory before (after a full GC) and its peak while exporting (VmHWM, reset first).
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { writeWorkspaceArchive } from '../../src/server/modules/privacy/build-archive';
import { startPlatform } from '../../src/server/platform/boot';
import { loadConfig } from '../../src/server/platform/config';
import { createLogger } from '../../src/server/platform/logger';

const [workspaceId, file] = process.argv.slice(2) as [string, string];
const platform = await startPlatform(loadConfig(process.env), createLogger('silent'), { runJobs: false, handlers: false });
const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))![1]);
(globalThis as { gc?: () => void }).gc?.();
const beforeKib = kib('VmRSS');
const beforeUsage = process.memoryUsage();
writeFileSync('/proc/self/clear_refs', '5');
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await writeWorkspaceArchive(platform.services.database.db, workspaceId, createWriteStream(file, { mode: 0o600 }), process.env.DATA_DIR!);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const peakKib = kib('VmHWM');
await platform.shutdown();
process.stdout.write(`${JSON.stringify({ ...result, ms, cpuMs: (cpu.user + cpu.system) / 1000, beforeMib: beforeKib / 1024, peakMib: peakKib / 1024, beforeHeapMib: beforeUsage.heapUsed / 1048576, beforeExternalMib: beforeUsage.external / 1048576, execArgv: process.execArgv, nodeOptions: process.env.NODE_OPTIONS ?? null })}\n`);
process.exit(0);
