#!/usr/bin/env node
// `npm start`: builds the web app and the server bundle when their sources are newer than the last
// build, then runs the server.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildServerBundle, newest, root } from './server-bundle.mjs';
import { serverNodeFlags } from './server-flags.mjs';

/**
 * Kestrel runs on Node 24 (docs/decisions/010). `npm start` already runs this script on the Node 24
 * that the `node` dependency put in node_modules/.bin; `node scripts/start.mjs` on another Node
 * still runs the server on that one.
 */
function supportedNode() {
  if (process.versions.node.split('.')[0] === '24') return process.execPath;
  const local = path.join(root, 'node_modules/node/bin/node');
  if (existsSync(local)) return local;
  console.warn(`Kestrel supports Node 24; this is Node ${process.versions.node}. Run "npm install" to get it in node_modules.`);
  return process.execPath;
}
const built = path.join(root, 'dist/web/index.html');

// The build lists the files of ours it read (vite.config.ts, recordSources): src/web and the server
// contracts it imports. A change to any other server file does not rebuild the web app.
const sourceList = path.join(root, 'dist/web/.sources.json');
function newestSource() {
  const fixed = [newest(path.join(root, 'src/web')), statSync(path.join(root, 'package.json')).mtimeMs, statSync(path.join(root, 'vite.config.ts')).mtimeMs];
  if (!existsSync(sourceList)) return Math.max(...fixed, newest(path.join(root, 'src/server/modules')));
  const listed = JSON.parse(readFileSync(sourceList, 'utf8')).map((f) => statSync(path.join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? Infinity);
  return Math.max(...fixed, ...listed);
}
const stale = !existsSync(built) || newestSource() > statSync(built).mtimeMs;
if (stale && existsSync(path.join(root, 'src/web/index.html'))) {
  console.log('Building the web app…');
  // Always the production build, whatever NODE_ENV the server runs with: with NODE_ENV=development
  // (the benches' and a developer's setting) Vite bundled React's development build, 431 kB where
  // production is 219 kB, and the web bench weighed that (234 kB for the contacts page, not ~176).
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// CONV-1: the chat widget's own bundle, rebuilt when its sources changed.
const widgetDir = path.join(root, 'src/widget');
const widgetLoader = path.join(root, 'dist/widget/widget.js');
if (existsSync(widgetDir) && (!existsSync(widgetLoader) || newest(widgetDir) > statSync(widgetLoader).mtimeMs)) {
  console.log('Building the chat widget…');
  const { buildWidget } = await import('./build-widget.mjs');
  await buildWidget();
}

// The server runs from a bundle (most dependencies stay in node_modules; scripts/server-bundle.mjs): loading it takes a
// fraction of the time that compiling every TypeScript file at start-up with tsx does.
const serverBundle = await buildServerBundle({ name: 'main', onBuild: () => console.log('Building the server…') });

// Source-mapped stack traces are off by default: with them on, every error stack is translated
// through the bundle's map, and a library that builds errors as part of its normal work (the phone
// parser does for each number it rejects) made a million-row import's server grow from ~185 to
// ~325 MiB (measured, 2026-11-24). Stack traces still name the bundle's functions and source files;
// NODE_OPTIONS=--enable-source-maps turns the translation back on for debugging.
// The server's V8 heap settings (scripts/server-flags.mjs; KESTREL_SEMI_SPACE_MIB, KESTREL_HEAP_GROWING_PERCENT).
const { flags: nodeArgs, error } = serverNodeFlags(process.env);
if (error) {
  console.error(error);
  process.exit(1);
}
const server = spawn(supportedNode(), [...nodeArgs, serverBundle], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
