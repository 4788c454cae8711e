// Issue 14 (import memory): the import job's staging phase alone — read the CSV, check and normalise
// each row, COPY it into a temporary stage — against a plain PostgreSQL, sampling the process's
// memory (RSS, V8 heap, external, array buffers) as it goes. No million-contact workspace needed.
// `npx tsx bench/import-staging-memory.ts --file x.csv --pg postgres://… [--rows 1000000]`
import { createWriteStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { rowNormaliser } from '../src/server/modules/imports/normalise-row';
import { readRows } from '../src/server/modules/imports/read-file';
import { stageRows } from '../src/server/modules/imports/run-import';
import { createStageSql } from '../src/server/modules/imports/staging';
import { suggestMapping } from '../src/server/modules/imports/targets';

const { values } = parseArgs({ options: { file: { type: 'string' }, pg: { type: 'string' }, rows: { type: 'string', default: '1000000' } } });
const file = values.file!;
const rows = Number(values.rows);

if (!existsSync(file)) {
  const out = createWriteStream(file);
  const write = (s: string) => (out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write('First Name,Last Name,Email,Phone,Company,Job Title,City,State,Zip,Country,Lifecycle,Lead Source\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `Ann${i % 97},Smith${i % 89},lead${i}@example-leads.com,(415) ${200 + (i % 700)}-${String(i % 10000).padStart(4, '0')},Smith Bakery,Owner,Springfield,IL,627${String(i % 100).padStart(2, '0')},US,lead,Web\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((r) => out.end(() => r()));
}

const mib = (b: number) => Math.round(b / 1024 / 1024);
const note = () => {
  const m = process.memoryUsage();
  const space = (name: string) => mib(v8.getHeapSpaceStatistics().find((x) => x.space_name === name)?.space_size ?? 0);
  return { newSpace: space('new_space'), oldSpace: space('old_space'), rss: mib(m.rss), heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) };
};
const headers = ['First Name', 'Last Name', 'Email', 'Phone', 'Company', 'Job Title', 'City', 'State', 'Zip', 'Country', 'Lifecycle', 'Lead Source'];
const normalise = rowNormaliser({ object: 'contacts', mapping: suggestMapping('contacts', headers, []), headers, customFields: [], region: 'US', members: new Map(), dedupeKey: 'email', territoryOwner: null, importerId: null });
const client = new pg.Client({ connectionString: values.pg });
await client.connect();
await client.query('BEGIN');
await client.query(createStageSql('contacts'));
const start = note();
let peak = start;
const began = performance.now();
const staged = await stageRows(client, 'contacts', readRows({ path: file, fileType: 'csv', encoding: 'utf-8', delimiter: ',', hasHeader: true }), {
  normalise,
  newId: uuidv7,
  onRow: (processed) => {
    if ((processed & 8191) === 0) {
      const n = note();
      if (n.rss > peak.rss) peak = n;
    }
  },
  onProblems: () => {},
  betweenBatches: async () => {},
});
const seconds = (performance.now() - began) / 1000;
await client.query('ROLLBACK');
await client.end();
console.log(JSON.stringify({ rows: staged.processed, staged: staged.staged, seconds: Math.round(seconds * 10) / 10, start, peak, end: note(), flags: process.execArgv.filter((a) => a.startsWith('--max')) }));
