// The one "build when stale" of the server's bundles, shared by `npm start` (scripts/start.mjs,
// dist/server/main.js) and the `kestrel` CLI (bin/kestrel.mjs, dist/server/cli.js): a bundle is
// rebuilt with esbuild (dependencies stay in node_modules) when any file under src/server,
// package.json or package-lock.json is newer than it.
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

const serverSources = () => [path.join(root, 'src/server'), path.join(root, 'package.json'), path.join(root, 'package-lock.json')].filter(existsSync);

/** Whether `bundle` is missing or older than the server's sources. */
export function serverBundleStale(bundle) {
  return !existsSync(bundle) || Math.max(...serverSources().map(newest)) > statSync(bundle).mtimeMs;
}

/**
 * Builds `outfile` from the server entry point `entry` when it is stale, and returns it. Built
 * beside, then renamed: two processes started at once never run a half-written file. `onBuild`
 * is called before a build (a message for the person waiting).
 */
export async function buildServerBundle({ entry, outfile, sourcemap = false, logLevel = 'warning', onBuild = () => {} }) {
  if (!existsSync(entry)) return existsSync(outfile) ? outfile : null;
  if (!serverBundleStale(outfile)) return outfile;
  onBuild();
  const { build } = await import('esbuild');
  // In a folder of its own under the same name, so a source map's reference to it stays right once moved.
  const partialDir = path.join(path.dirname(outfile), `.build-${process.pid}`);
  const partial = path.join(partialDir, path.basename(outfile));
  try {
    await build({ entryPoints: [entry], outfile: partial, bundle: true, platform: 'node', format: 'esm', target: 'node24', packages: 'external', sourcemap, logLevel });
    if (sourcemap) renameSync(`${partial}.map`, `${outfile}.map`);
    renameSync(partial, outfile);
  } finally {
    rmSync(partialDir, { recursive: true, force: true });
  }
  return outfile;
}
