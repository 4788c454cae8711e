import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip as gzipCallback } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * Writes a .br and a .gz beside each script, style sheet and page of the build: the server sends
 * them (@fastify/static preCompressed) to browsers that accept them, with no compression per request.
 */
function precompress(): Plugin {
  const brotli = promisify(brotliCompress);
  const gzip = promisify(gzipCallback);
  return {
    name: 'kestrel-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const files = Object.values(bundle).filter((file) => /\.(js|css|html|svg)$/.test(file.fileName));
      await Promise.all(
        files.map(async (file) => {
          const source = Buffer.from(file.type === 'chunk' ? file.code : file.source);
          if (source.length < 1024) return;
          const target = path.join(options.dir!, file.fileName);
          // Brotli's best quality costs seconds once per build and saves every visitor ~7 % over quality 9.
          await writeFile(`${target}.br`, await brotli(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
          await writeFile(`${target}.gz`, await gzip(source, { level: 9 }));
        }),
      );
    },
  };
}

/**
 * Writes dist/web/.sources.json: every file of ours the build read (the web app and the server
 * contracts it imports). `npm start` rebuilds only when one of them (or src/web) changed, not on
 * every server-only change.
 */
function recordSources(): Plugin {
  return {
    name: 'kestrel-record-sources',
    apply: 'build',
    async writeBundle(options) {
      const ours = [...this.getModuleIds()]
        .map((id) => id.split('?')[0]!)
        .filter((id) => path.isAbsolute(id) && id.startsWith(repoRoot) && !id.includes(`${path.sep}node_modules${path.sep}`))
        .map((id) => path.relative(repoRoot, id))
        .sort();
      await writeFile(path.join(options.dir!, '.sources.json'), JSON.stringify([...new Set(ours)]));
    },
  };
}

/**
 * The web app lives in src/web and builds to dist/web, which the server serves with a SPA
 * fallback. The server's CSP forbids inline scripts and styles, so nothing may be inlined.
 */
export default defineConfig({
  root: path.resolve(repoRoot, 'src/web'),
  base: '/',
  plugins: [react(), tailwindcss(), precompress(), recordSources()],
  build: {
    outDir: path.resolve(repoRoot, 'dist/web'),
    emptyOutDir: true,
    // Inlined assets would become data: URLs for fonts/scripts, which the CSP refuses.
    assetsInlineLimit: 0,
    sourcemap: true,
    // test/web-bundle.test.ts reads the manifest to add up what the first page after sign-in loads.
    manifest: true,
    rolldownOptions: {
      // A bare z.object(…)/z.string(…) call only builds a schema: the ones a page does not use (the web
      // imports shared contracts for a few constants and form schemas) are left out of its chunks.
      treeshake: { manualPureFunctions: ['z'] },
      output: {
        // Libraries change less often than the app: their own chunks stay cached across upgrades.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 3 },
            { name: 'tanstack', test: /node_modules[\\/]@tanstack[\\/]/, priority: 2 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
