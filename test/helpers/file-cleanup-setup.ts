import { afterAll, afterEach } from 'vitest';
import { runFileCleanups } from './file-cleanup';
import { takeKeptLogs } from './server-logs';

// A setup file runs before each test file, so these hooks belong to every file (see file-cleanup.ts).
afterAll(runFileCleanups, 120_000);

// A failed test prints what its servers warned about (test/helpers/server-logs.ts); a passing one forgets it.
afterEach(({ task }) => {
  const lines = takeKeptLogs();
  if (task.result?.state === 'fail' && lines.length) {
    process.stderr.write(`\n── the server's warnings and errors during "${task.name}" (last ${lines.length}) ──\n${lines.join('\n')}\n──\n`);
  }
});
