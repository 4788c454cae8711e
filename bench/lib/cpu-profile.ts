import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Where a `node --cpu-prof` profile's samples went in a wall-clock window: self samples by function
 * and by package or source file, and inclusive samples (a sample counts once for each package or
 * file on its stack). Bundled code is traced back to its source through the bundle's source map.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const maps = new Map<string, SourceMap | null>();
function sourceMapOf(url: string): SourceMap | null {
  if (!maps.has(url)) {
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url)!;
}

/** `package` for node_modules, `src/…` for our own files, `node:…` for Node's, else the frame's kind. */
function whereOf(frame: ProfileNode['callFrame']): { group: string; file: string } {
  if (!frame.url) return { group: frame.functionName || '(native)', file: '' };
  let file = frame.url;
  if (file.startsWith('file://') && file.includes('/dist/server/')) {
    const entry = sourceMapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber);
    if (entry && 'originalSource' in entry && entry.originalSource) file = entry.originalSource;
  }
  // drizzle-orm is bundled; its source map names its own `src/` under node_modules.
  if (/node_modules\/src\//.test(file)) return { group: 'drizzle-orm', file };
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (nm) return { group: nm[1]!, file };
  const src = /\/(src\/.*)$/.exec(file);
  if (src) return { group: src[1]!, file: src[1]! };
  if (file.startsWith('node:')) return { group: 'node:' + file.slice(5).split('/')[0], file };
  return { group: file, file };
}

export function summariseProfile(file: string, window: { from: number; to: number }, top = 35): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The profile's clock is not the wall clock: the window is the busiest stretch of its length.
  const times: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  const lengthUs = (window.to - window.from) * 1000;
  const busy = (i: number) => {
    const name = byId.get(p.samples[i]!)!.callFrame.functionName;
    return name !== '(idle)' && name !== '(program)';
  };
  let best = 0;
  let bestStart = 0;
  let count = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    if (busy(i)) count++;
    while (times[i]! - times[j]! > lengthUs) {
      if (busy(j)) count--;
      j++;
    }
    if (count > best) {
      best = count;
      bestStart = j;
    }
  }
  const from = times[bestStart]!;
  const selfFn = new Map<string, number>();
  const selfGroup = new Map<string, number>();
  const inclGroup = new Map<string, number>();
  const inclFn = new Map<string, number>();
  let total = 0;
  const whereCache = new Map<number, { group: string; file: string }>();
  const where = (n: ProfileNode) => {
    let w = whereCache.get(n.id);
    if (!w) whereCache.set(n.id, (w = whereOf(n.callFrame)));
    return w;
  };
  for (let i = bestStart; i < times.length && times[i]! - from <= lengthUs; i++) {
    const leaf = byId.get(p.samples[i]!)!;
    if (leaf.callFrame.functionName === '(idle)') continue;
    total++;
    const w = where(leaf);
    const fnKey = `${leaf.callFrame.functionName || '(anonymous)'} ${w.file}`;
    selfFn.set(fnKey, (selfFn.get(fnKey) ?? 0) + 1);
    selfGroup.set(w.group, (selfGroup.get(w.group) ?? 0) + 1);
    const groups = new Set<string>();
    const fns = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const nw = where(n);
      groups.add(nw.group);
      fns.add(`${n.callFrame.functionName || '(anonymous)'} ${nw.file}`);
    }
    for (const g of groups) inclGroup.set(g, (inclGroup.get(g) ?? 0) + 1);
    for (const f of fns) inclFn.set(f, (inclFn.get(f) ?? 0) + 1);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
  const list = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${pct(v)}  ${k}`)
      .join('\n');
  return [
    `${total} busy samples in the load window (${(lengthUs / 1e6).toFixed(1)} s)`,
    'Self, by package or file:',
    list(selfGroup, 25),
    'Inclusive, by package or file:',
    list(inclGroup, 40),
    'Self, by function:',
    list(selfFn, top),
    'Inclusive, by function:',
    list(inclFn, 60),
  ].join('\n');
}
