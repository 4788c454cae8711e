#!/usr/bin/env node
// `npx kestrel <command>`: runs the CLI in a child Node process and hands back its exit code. Like
// `npm start` (scripts/start.mjs) it runs the bundle's dist/server/cli.js, built with esbuild
// when the server's sources are newer than it (scripts/server-bundle.mjs): a command loads only its
// own code and the platform, not the server's routes or job handlers, and drizzle-orm is bundled in;
// `kestrel export` of a 200,000-contact workspace peaks at ~190 MiB where under tsx it took ~400
// (bench/privacy.bench.ts, docs/benchmarks.md). When the bundle cannot be built (no esbuild, a
// read-only install), the CLI runs through tsx as before. Any working directory works.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import path from 'node:path';
import { buildServerBundle, root } from '../scripts/server-bundle.mjs';

const cli = path.join(root, 'src/server/cli.ts');

async function builtCli() {
  try {
    return await buildServerBundle({ name: 'cli', logLevel: 'error' });
  } catch {
    return null;
  }
}

const built = await builtCli();
// A smaller young generation: Node 24's default keeps ~100 MiB more resident than 16 MiB semi-spaces
// (measured with the bundle loaded: 285 against 183 MiB). The CLI runs batch work (exports, imports,
// backups), where memory matters more than the few extra scavenges. 8 MiB rather than 16: the export
// of a 200,000-contact workspace peaked at 295–305 MiB against 325–330 MiB, and took less CPU, not
// more (7.3–7.7 s against 10.1–11.9 s; docs/benchmarks.md, issue 20).
// Since drizzle-orm is bundled in, the gap is smaller: exporting 1,000,000 contacts peaked at 190 MiB
// with 8 against 241 MiB with Node's default (load 11–16, 2026-12-03).
const args = ['--max-semi-space-size=8', ...(built ? [built] : ['--import', import.meta.resolve('tsx'), cli])];
const child = spawn(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });

// Ctrl-C reaches the child through the terminal's process group too; forwarding covers `kill <pid>`.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`kestrel: could not start Node: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
