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
function take() {
  const r = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`));
  if (r) rss.push(Number(r[1]));
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
  take();
  parentPort.postMessage({ rss, pss });
});
