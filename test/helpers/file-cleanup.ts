/**
 * What a test file opened (its server, database, browser) is closed when the file ends.
 *
 * Helpers are called inside `beforeAll`, and an `afterAll` registered there never runs (Vitest
 * collects hooks before it runs them): each file's servers, pools and databases used to stay open
 * until its process exited. Helpers hand their closing here instead; test/helpers/file-cleanup-setup.ts
 * (a setup file, so its `afterAll` is collected with every file) runs them, newest first, after the
 * file's own hooks. That lets the suite run files one after another in one process (`isolate: false`).
 */
type Cleanup = () => unknown;

const pending: Cleanup[] = [];

/** Runs `fn` after the current test file's tests, before anything registered earlier. */
export function closeAfterFile(fn: Cleanup): void {
  pending.push(fn);
}

/** Runs and forgets every pending cleanup, newest first; every one runs even if one fails. */
export async function runFileCleanups(): Promise<void> {
  const errors: unknown[] = [];
  while (pending.length) {
    const fn = pending.pop()!;
    try {
      await fn();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanups of this test file failed`);
}
