import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresVersion, startKestrel } from './lib/kestrel';
import { embeddedPostgresStopped, freePort } from './lib/processes';
import { median, ms, ratio, table } from './lib/stats';

export interface StartRun {
  label: string;
  wallReadyMs: number;
  reportedReadyMs: number | null;
  shutdownMs: number;
  exit: string;
  postgresStopped: boolean;
}

export interface StartupResult {
  runs: StartRun[];
  dataDir: string;
  postgresVersion: string;
}

/**
 * Time from starting the server to "Kestrel is ready at": once on an empty DATA_DIR
 * (initdb, migrations, demo workspace), then `laterRuns` times on the same directory.
 * Each run ends with SIGTERM; the time to exit and whether PostgreSQL went with it are recorded.
 */
export async function benchStartup(laterRuns = 3): Promise<StartupResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kestrel-bench-'));
  const pgPort = await freePort();
  const runs: StartRun[] = [];
  let version = '';
  for (let i = 0; i <= laterRuns; i++) {
    const server = await startKestrel(dataDir, {}, pgPort);
    if (i === 0) version = await postgresVersion(dataDir, pgPort);
    const stopped = await server.stop();
    runs.push({
      label: i === 0 ? 'first (empty DATA_DIR)' : `later ${i}`,
      wallReadyMs: server.wallReadyMs,
      reportedReadyMs: server.reportedReadyMs,
      shutdownMs: stopped.shutdownMs,
      exit: stopped.signal ? `signal ${stopped.signal}` : `code ${stopped.code}`,
      postgresStopped: await embeddedPostgresStopped(dataDir, pgPort),
    });
    process.stderr.write(`  start-up ${runs.at(-1)!.label}: ready in ${ms(server.wallReadyMs)}\n`);
  }
  return { runs, dataDir, postgresVersion: version };
}

export function startupMarkdown(r: StartupResult): string {
  const later = r.runs.slice(1);
  const first = r.runs[0]!;
  const laterMedian = median(later.map((x) => x.wallReadyMs));
  return [
    table(
      ['Run', 'Ready, wall clock', 'of which loading code', 'of which the server\'s own start (it prints this)', 'SIGTERM → exit', 'Exit', 'PostgreSQL stopped'],
      r.runs.map((x) => [
        x.label,
        ms(x.wallReadyMs),
        x.reportedReadyMs === null ? '—' : ms(x.wallReadyMs - x.reportedReadyMs),
        x.reportedReadyMs === null ? '—' : ms(x.reportedReadyMs),
        ms(x.shutdownMs),
        x.exit,
        x.postgresStopped ? 'yes' : '**no**',
      ]),
    ),
    '',
    `Later runs, median: **${ms(laterMedian)}** — ${ratio(laterMedian / first.wallReadyMs)} of the first run's ${ms(first.wallReadyMs)}.`,
  ].join('\n');
}
