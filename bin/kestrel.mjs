#!/usr/bin/env node
// `npx kestrel <command>`: runs the CLI in a child Node process and hands back its exit code. Like
// `npm start` (scripts/start.mjs) it runs the bundle's dist/server/cli.js, built with esbuild
// when the server's sources are newer than it: a process that loads the bundle holds ~170 MiB where
// one compiling every TypeScript file with tsx holds ~290 MiB, which is what kept `kestrel export` of
// a large workspace above 300 MB (bench/privacy.bench.ts). When the bundle cannot be built (no
// esbuild, a read-only install), the CLI runs through tsx as before. Any working directory works.
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
const args = ['--max-semi-space-size=8', ...(built ? [built] : ['--import', import.meta.resolve('tsx'), cli])];
const child = spawn(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });

// Ctrl-C reaches the child through the terminal's process group too; forwarding covers `kill <pid>`.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`kestrel: could not start Node: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
