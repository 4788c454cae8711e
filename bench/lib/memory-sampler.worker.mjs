// Worker thread of sampleMemory() (processes.ts): reads /proc (Linux) on its own event loop.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { pid, everyMs } = workerData;
const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return ''; // the process ended meanwhile
  }
};
const children = (p) => read(`/proc/${p}/task/${p}/children`).trim().split(/\s+/).filter(Boolean).map(Number);

const rss = [];
const pss = [];
// PSS is read far less often than RSS: smaps_rollup walks every page a process maps, and for
// backends mapping a gigabyte of shared buffers, reading it four times a second kept a whole
// core busy in the kernel, slowing the import being measured (seen 2026-11-24).
const PSS_EVERY_MS = 5000;
let lastPss = -Infinity;
function take(final = false) {
  const r = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`));
  if (r) rss.push(Number(r[1]));
  const now = performance.now();
  if (!final && now - lastPss < PSS_EVERY_MS) return;
  lastPss = now;
  // PSS, not RSS, for PostgreSQL: its backends share buffers that RSS would count once each.
  let total = 0;
  const stack = children(pid);
  while (stack.length) {
    const p = stack.pop();
    const m = /^Pss:\s+(\d+) kB/m.exec(read(`/proc/${p}/smaps_rollup`));
    if (m) total += Number(m[1]);
    stack.push(...children(p));
  }
  pss.push(total);
}

take();
const timer = setInterval(take, everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  take(true);
  parentPort.postMessage({ rss, pss });
});
