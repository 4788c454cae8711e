#!/usr/bin/env node
// Builds the chat widget (CONV-1) into dist/widget: a versioned, immutable bundle
// `widget.<hash>.js` and a tiny loader `widget.js` that sites embed (short cache) and that loads it.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildWidget(outDir = path.join(root, 'dist/widget')) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(root, 'src/widget/main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const code = result.outputFiles[0].text;
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 10);
  const file = `widget.${hash}.js`;
  // The loader passes its own script tag's data-workspace on, and finds the bundle next to itself.
  const loader = `(function(){var s=document.currentScript;if(!s)return;var n=document.createElement('script');n.src=new URL('widget/${file}',s.src).href;n.async=true;n.setAttribute('data-workspace',s.getAttribute('data-workspace')||'');document.head.appendChild(n)})();\n`;
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (/^widget\.[0-9a-f]{10}\.js$/.test(f)) rmSync(path.join(outDir, f));
  writeFileSync(path.join(outDir, file), code);
  writeFileSync(path.join(outDir, 'widget.js'), loader);
  return { file, code, loader };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { file, code } = await buildWidget();
  console.log(`dist/widget/${file} ${(code.length / 1024).toFixed(1)} KiB`);
}
