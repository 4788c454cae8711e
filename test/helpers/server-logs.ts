/**
 * The warnings and errors of the servers a test file starts, kept in memory (the last few hundred
 * lines) and printed when a test fails, so a failure seen once in a whole run (a job that failed
 * and was retried, a provider call refused) leaves its cause in the output. Tests that read the
 * log themselves pass their own destination to `startTestServer` and are not kept here.
 */
const MAX_LINES = 300;
const lines: string[] = [];

export const keptLogs = {
  write(line: string): void {
    if (lines.length >= MAX_LINES) lines.shift();
    lines.push(line.trimEnd());
  },
};

/** The lines kept since the last call, forgotten once read. */
export function takeKeptLogs(): string[] {
  return lines.splice(0);
}
