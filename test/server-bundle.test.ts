import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServerBundle } from '../scripts/server-bundle.mjs';

/** The files an ES module loads before it runs: its static imports of our own files, followed recursively. */
function staticGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const code = readFileSync(entry, 'utf8');
  // Static imports only: `import … from "./x.js"` and `import "./x.js"` at the start of a line (esbuild's output); `await import(…)` is lazy.
  for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"(\.[^"]+)"|^import\s*"(\.[^"]+)"/gms)) {
    staticGraph(path.resolve(path.dirname(entry), (m[1] ?? m[2])!), seen);
  }
  return seen;
}

/**
 * Issue 20: `kestrel export` of a million contacts stays under 300 MB because a command loads only
 * its own code and the platform (the job handlers are a lazily loaded chunk) and because drizzle-orm
 * is bundled in (loaded from node_modules as ES modules it alone held ~100 MiB under Node 24;
 * docs/benchmarks.md, "Privacy"). Both are properties of the built bundle, checked here on a fresh build.
 */
describe('the server bundle', () => {
  it('PRIV-2 OPS-3 the CLI loads no job handler up front and no drizzle-orm module from node_modules; the server loads the handlers at boot', async () => {
    const cli = (await buildServerBundle({ name: 'cli', logLevel: 'error' }))!;
    const main = (await buildServerBundle({ name: 'main', logLevel: 'error' }))!;
    const cliFiles = [...staticGraph(cli)];
    const mainFiles = [...staticGraph(main)];
    expect(cliFiles.length).toBeGreaterThan(1);
    const handlers = (files: string[]) => files.filter((f) => readFileSync(f, 'utf8').includes('function registerAllJobs('));
    expect(handlers(cliFiles)).toEqual([]);
    // The chunk exists and is reachable lazily (by `await import`) from the platform both share.
    const lazy = [...new Set(mainFiles.concat(cliFiles))].flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/await import\("(\.[^"]+)"\)/g)].map((m) => path.resolve(path.dirname(f), m[1]!)));
    expect(handlers([...new Set(lazy)]).length).toBe(1);
    for (const f of new Set([...cliFiles, ...mainFiles])) expect(readFileSync(f, 'utf8'), f).not.toMatch(/from\s*"drizzle-orm|import\("drizzle-orm/);
  }, 120_000);
});
