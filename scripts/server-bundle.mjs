// The one "build when stale" of the server's bundles, shared by `npm start` (scripts/start.mjs,
// dist/server/main.js) and the `kestrel` CLI (bin/kestrel.mjs, dist/server/cli.js): both entry points
// are rebuilt together with esbuild when any file under src/server, package.json,
// package-lock.json or this file is newer than the one asked for. Code is split (ESM chunks under
// dist/server/chunks): what an entry loads lazily (`await import(…)`, as the job handlers are by
// platform/boot.ts) stays on disk until a process asks for it, so `kestrel export` never loads the
// server's routes or job handlers.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time of a file, or of a folder and everything in it. */
export function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let t = s.mtimeMs;
  for (const entry of readdirSync(p)) t = Math.max(t, newest(path.join(p, entry)));
  return t;
}

// This file too: a change in how the bundle is built makes it stale.
const serverSources = () => [path.join(root, 'src/server'), path.join(root, 'package.json'), path.join(root, 'package-lock.json'), fileURLToPath(import.meta.url)].filter(existsSync);

/** Whether `bundle` is missing or older than the server's sources. */
export function serverBundleStale(bundle) {
  return !existsSync(bundle) || Math.max(...serverSources().map(newest)) > statSync(bundle).mtimeMs;
}

/**
 * Dependencies bundled in rather than loaded from node_modules. drizzle-orm ships ~450 small ES
 * modules: under Node 24, importing them from node_modules leaves a process ~100 MiB larger than
 * the same code bundled (measured with 8 MiB semi-spaces: `import('drizzle-orm/node-postgres')`
 * alone 158 MiB resident, 227 MiB peak; bundled 55 MiB; Node 20 61 MiB), which was most of what
 * kept `kestrel export` over 300 MB (docs/benchmarks.md, issue 20).
 */
export const inlinedPackages = ['drizzle-orm'];

/** esbuild options of every server bundle (the bench's export child uses them too). */
export function serverBuildOptions() {
  const inlined = new RegExp(`^(${inlinedPackages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(/|$)`);
  return {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    plugins: [
      {
        name: 'external-packages',
        setup(build) {
          // A bare specifier (a package or a node: builtin) stays external unless it is inlined.
          build.onResolve({ filter: /^[^./]/ }, (args) => (inlined.test(args.path) ? undefined : { path: args.path, external: true }));
        },
      },
    ],
  };
}

export const serverEntries = { main: 'src/server/main.ts', cli: 'src/server/cli.ts' };
const outDir = path.join(root, 'dist/server');
const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Builds dist/server/main.js and dist/server/cli.js (and their chunks) when `name`'s is stale, and
 * returns the path of `name`'s, or null when its source is absent and nothing was built. Built in a
 * folder beside, then moved in: chunks first (their names carry a hash of their content, so a
 * process already running keeps finding its own), then the entry files by rename — two processes
 * started at once never run a half-written file. Chunks no entry uses any more are removed a week
 * on. `onBuild` is called before a build (a message for the person waiting).
 */
export async function buildServerBundle({ name, logLevel = 'warning', onBuild = () => {} }) {
  const outfile = path.join(outDir, `${name}.js`);
  if (!existsSync(path.join(root, serverEntries[name]))) return existsSync(outfile) ? outfile : null;
  if (!serverBundleStale(outfile)) return outfile;
  onBuild();
  const { build } = await import('esbuild');
  const partialDir = path.join(root, 'dist', `.server-build-${process.pid}`);
  try {
    await build({ ...serverBuildOptions(), entryPoints: Object.fromEntries(Object.entries(serverEntries).map(([n, e]) => [n, path.join(root, e)])), outdir: partialDir, sourcemap: true, logLevel });
    mkdirSync(path.join(outDir, 'chunks'), { recursive: true });
    const fresh = new Set(readdirSync(path.join(partialDir, 'chunks')));
    for (const chunk of fresh) renameSync(path.join(partialDir, 'chunks', chunk), path.join(outDir, 'chunks', chunk));
    for (const file of readdirSync(partialDir)) if (file !== 'chunks') renameSync(path.join(partialDir, file), path.join(outDir, file));
    for (const chunk of readdirSync(path.join(outDir, 'chunks'))) {
      const p = path.join(outDir, 'chunks', chunk);
      if (!fresh.has(chunk) && Date.now() - statSync(p).mtimeMs > WEEK_MS) rmSync(p, { force: true });
    }
  } finally {
    rmSync(partialDir, { recursive: true, force: true });
  }
  return outfile;
}
