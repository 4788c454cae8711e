import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // What a file opens is closed when it ends (test/helpers/file-cleanup.ts), so files share a process: loading the
    // app once per worker instead of once per file (docs/decisions/034).
    setupFiles: ['test/helpers/file-cleanup-setup.ts'],
    isolate: false,
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
