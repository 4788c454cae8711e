import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * The web app lives in src/web and builds to dist/web, which the server serves with a SPA
 * fallback. The server's CSP forbids inline scripts and styles, so nothing may be inlined.
 */
export default defineConfig({
  root: path.resolve(repoRoot, 'src/web'),
  base: '/',
  plugins: [react(), tailwindcss()],
  build: {
    outDir: path.resolve(repoRoot, 'dist/web'),
    emptyOutDir: true,
    // Inlined assets would become data: URLs for fonts/scripts, which the CSP refuses.
    assetsInlineLimit: 0,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
