// Import of a million-row CSV and export of a million contacts, against a Kestrel running as its
// own process (so its resident memory is the server's alone), with a plain COPY of the same file
// into a bare unlogged table as the yardstick.
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { parse } from 'csv-parse';
import { from as copyFrom } from 'pg-copy-streams';
import { uuidv7 } from 'uuidv7';
import { toE164 } from '../src/server/modules/crm/normalise';
import type { ImportFile } from './crm-dataset';
import { cpuSeconds, sampleMemory } from './lib/processes';

export interface HttpSession {
  base: string;
  headers: Record<string, string>;
}

interface Answer {
  status: number;
  body: string;
}

/** A request without client-side time limits: undoing a million rows may take minutes. */
function request(url: string, options: { method: string; headers?: Record<string, string>; body?: string | NodeJS.ReadableStream }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (typeof options.body === 'string' || options.body === undefined) req.end(options.body);
    else options.body.pipe(req);
  });
}

async function json<T>(s: HttpSession, method: string, path: string, body?: unknown, expect = [200]): Promise<T> {
  const res = await request(`${s.base}${path}`, { method, headers: { ...s.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
  return JSON.parse(res.body) as T;
}

export async function signInOverHttp(base: string, login: { email: string; password: string }): Promise<HttpSession> {
  const origin = base;
  const signIn = await fetch(`${base}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify(login) });
  if (signIn.status !== 200) throw new Error(`sign-in failed: ${signIn.status} ${await signIn.text()}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('kestrel_session'));
  if (!cookie) throw new Error('sign-in set no session cookie');
  const me = (await (await fetch(`${base}/api/auth/me`, { headers: { cookie } })).json()) as { csrfToken: string };
  return { base, headers: { cookie, origin, 'x-csrf-token': me.csrfToken } };
}

export interface Memory {
  samples: number;
  /** The server's RSS just before the phase began: what the phase itself added is peak − this. */
  idleRssKib?: number;
  /** The largest RSS seen at each phase of the job (polled once a second). */
  rssByPhase?: Record<string, number>;
  peakRssKib: number;
  meanRssKib: number;
  postgresPeakPssKib: number;
}

/** A process's resident memory now, from /proc (null when it cannot be read). */
function rssKib(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const memoryOf = (m: { rss: number[]; pss: number[] }): Memory => ({
  samples: m.rss.length,
  peakRssKib: Math.max(...m.rss),
  meanRssKib: m.rss.reduce((a, b) => a + b, 0) / Math.max(1, m.rss.length),
  postgresPeakPssKib: Math.max(...m.pss),
});

export interface CopyBaseline {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** The same file into an unlogged table of text columns, no checks, no indexes: the floor. */
export async function copyBaseline(ownerUrl: string, file: ImportFile): Promise<CopyBaseline> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const cols = Array.from({ length: 12 }, (_, i) => `c${i + 1} text`).join(', ');
    await client.query(`DROP TABLE IF EXISTS bench_copy_baseline; CREATE UNLOGGED TABLE bench_copy_baseline (${cols})`);
    const t0 = performance.now();
    await pipeline(createReadStream(file.path), client.query(copyFrom(`COPY bench_copy_baseline FROM STDIN WITH (FORMAT csv, HEADER true)`)));
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_copy_baseline`);
    await client.query(`DROP TABLE bench_copy_baseline`);
    return { rows: rows[0]!.n, seconds, rowsPerSecond: rows[0]!.n / seconds };
  } finally {
    await client.end();
  }
}

/** COPY text format: backslash, tab, newline and carriage return escaped; null as \N. */
const copyCell = (v: string | null) => (v === null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!));
const arrayLiteral = (v: string | null) => (v === null ? '{}' : `{"${v.replace(/["\\]/g, (c) => `\\${c}`)}"}`);
const CONTACT_COPY_COLUMNS = ['workspace_id', 'id', 'first_name', 'last_name', 'email', 'emails', 'phone', 'phones', 'company_id', 'title', 'city', 'state', 'postal_code', 'country', 'owner_user_id', 'source', 'lifecycle'];

/**
 * The import file's rows as the contacts rows they become (ids, lower-cased emails, E.164
 * phones, the company by name when the workspace has it, the owner), in COPY text format.
 * Written once next to the CSV, so that the timed COPY reads a ready file.
 */
async function contactsCopyFile(client: pg.Client, file: ImportFile, workspaceId: string): Promise<string> {
  const out = file.path.replace(/\.csv$/, '.contacts.copy');
  if (existsSync(out) && existsSync(`${out}.json`) && JSON.parse(readFileSync(`${out}.json`, 'utf8')).workspaceId === workspaceId) return out;
  const companies = new Map<string, string>();
  for (const r of (await client.query<{ n: string; id: string }>(`SELECT DISTINCT ON (lower(name)) lower(name) AS n, id FROM companies WHERE workspace_id = $1 ORDER BY lower(name), id`, [workspaceId])).rows) companies.set(r.n, r.id);
  const owner = (await client.query<{ id: string }>(`SELECT user_id AS id FROM memberships WHERE workspace_id = $1 AND role = 'owner' LIMIT 1`, [workspaceId])).rows[0]?.id ?? null;
  const stream = createWriteStream(out);
  const write = (s: string) => (stream.write(s) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r())));
  let chunk = '';
  for await (const rec of createReadStream(file.path).pipe(parse({ from_line: 2, relax_column_count: true })) as AsyncIterable<string[]>) {
    const [first, last, email, phone, company, title, city, state, zip, country, lifecycle, source] = Array.from({ length: 12 }, (_, k) => rec[k] || null);
    const mail = email?.toLowerCase() ?? null;
    const e164 = phone ? toE164(phone, country ?? 'US') : null;
    const life = lifecycle && ['lead', 'prospect', 'customer', 'churned'].includes(lifecycle.toLowerCase()) ? lifecycle.toLowerCase() : 'lead';
    const cells = [workspaceId, uuidv7(), first, last, mail, arrayLiteral(mail), e164, arrayLiteral(e164), company ? (companies.get(company.toLowerCase()) ?? null) : null, title, city, state, zip, country, owner, source, life];
    chunk += `${cells.map((c) => copyCell(c ?? null)).join('\t')}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  writeFileSync(`${out}.json`, JSON.stringify({ workspaceId }));
  return out;
}

/**
 * Issue 14's yardstick for the import: the same rows, as contacts, COPYed into a copy of the
 * real contacts table with all its indexes, check constraints, foreign keys and triggers — the
 * schema's own limit on this machine. The copy is `contacts` in a schema of its own (the
 * triggers' function tells tables apart by name), made, filled and rolled back in one
 * transaction, so the triggers' writes (search vocabulary, the plan's contact count) vanish.
 * The copy starts empty, as `LIKE … INCLUDING ALL` makes it: its indexes are smaller than the
 * live table's while it fills, which favours the COPY.
 */
export async function copyIntoContactsBaseline(ownerUrl: string, file: ImportFile, workspaceId: string): Promise<CopyBaseline> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const copyFile = await contactsCopyFile(client, file, workspaceId);
    await client.query('BEGIN');
    await client.query(`CREATE SCHEMA bench_copy; CREATE TABLE bench_copy.contacts (LIKE public.contacts INCLUDING ALL)`);
    const fks = await client.query<{ name: string; def: string }>(`SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'public.contacts'::regclass AND contype = 'f'`);
    for (const fk of fks.rows) await client.query(`ALTER TABLE bench_copy.contacts ADD CONSTRAINT ${client.escapeIdentifier(fk.name)} ${fk.def.replace(/REFERENCES (\w+)\(/, 'REFERENCES public.$1(')}`);
    const triggers = await client.query<{ def: string }>(`SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = 'public.contacts'::regclass AND NOT tgisinternal`);
    for (const t of triggers.rows) await client.query(t.def.replace(' ON public.contacts ', ' ON bench_copy.contacts '));
    const t0 = performance.now();
    await pipeline(createReadStream(copyFile), client.query(copyFrom(`COPY bench_copy.contacts (${CONTACT_COPY_COLUMNS.join(', ')}) FROM STDIN`)));
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_copy.contacts`);
    return { rows: rows[0]!.n, seconds, rowsPerSecond: rows[0]!.n / seconds };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}

interface ImportView {
  id: string;
  status: string;
  phase: string | null;
  rowsProcessed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errorCount: number;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  mapping: { column: number; target: string | null }[];
  undoResult: { deleted: number; restored: number; keptChanged: number; keptInUse: number } | null;
}

export interface ImportResult {
  rows: number;
  uploadSeconds: number;
  /** From the job starting to the import's finish, as the server recorded them. */
  runSeconds: number;
  /** From the first byte uploaded to the finish. */
  endToEndSeconds: number;
  rowsPerSecond: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  status: string;
  error: string | null;
  mapped: string[];
  memory: Memory;
  /** CPU seconds from the upload's first byte to the job's end: the server process itself, and its embedded PostgreSQL (all its processes). */
  cpu: { server: number; postgres: number };
  undo: { seconds: number; deleted: number; restored: number; kept: number; error: string | null; cpu?: { server: number; postgres: number } } | null;
  /** Where the job's time went, from its own log line. */
  profile?: { seconds: number; staging: number; steps: string[]; memory?: Record<string, { rss: number; heapUsed: number; heapTotal: number; external: number; newSpace?: number }> };
}

/** Upload, map (the suggestion), start with dedupe by email (matches updated), wait; then undo. */
export async function benchImport(s: HttpSession, workspaceId: string, pid: number, file: ImportFile, log: (l: string) => void): Promise<ImportResult> {
  const base = `/api/workspaces/${workspaceId}/imports`;
  const idleRssKib = rssKib(pid);
  /** Largest RSS seen at the once-a-second polls, by the import's phase: where the memory goes. */
  const rssByPhase: Record<string, number> = {};
  const sampler = sampleMemory(pid, 250);
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  let memory: Memory;
  let done: ImportView;
  let uploadSeconds: number;
  let mapped: string[] = [];
  try {
    const up = await request(`${s.base}${base}?fileName=leads-1m.csv&object=contacts`, {
      method: 'POST',
      headers: { ...s.headers, 'content-type': 'text/csv' },
      body: createReadStream(file.path),
    });
    if (up.status !== 201) throw new Error(`upload: HTTP ${up.status} ${up.body.slice(0, 500)}`);
    uploadSeconds = (performance.now() - t0) / 1000;
    const uploaded = JSON.parse(up.body) as ImportView & { columns: { header: string }[] };
    log(`  import: uploaded ${(file.bytes / 1024 ** 2).toFixed(0)} MB in ${uploadSeconds.toFixed(1)} s`);
    const preview = await json<{ mapping: ImportView['mapping']; problems: string[] }>(s, 'POST', `${base}/${uploaded.id}/preview`, { object: 'contacts' });
    mapped = preview.mapping.filter((m) => m.target).map((m) => `${uploaded.columns[m.column]?.header} → ${m.target}`);
    await json(s, 'POST', `${base}/${uploaded.id}/start`, { object: 'contacts', mapping: preview.mapping, options: { dedupeKey: 'email', onMatch: 'update', mode: 'valid_rows' } }, [202]);
    let last = '';
    for (;;) {
      await new Promise((r) => setTimeout(r, 1000));
      done = await json<ImportView>(s, 'GET', `${base}/${uploaded.id}`);
      const rss = rssKib(pid);
      const phase = done.phase ?? done.status;
      if (rss !== null && rss > (rssByPhase[phase] ?? 0)) rssByPhase[phase] = rss;
      const line = `  import: ${done.status}${done.phase ? ` (${done.phase})` : ''}, ${done.rowsProcessed.toLocaleString('en-US')} rows`;
      if (line !== last && (done.rowsProcessed % 100_000 < 5_000 || done.status !== 'running')) log(line);
      last = line;
      if (done.status === 'completed' || done.status === 'failed') break;
    }
  } finally {
    memory = { ...memoryOf(await sampler.stop()), ...(idleRssKib !== null ? { idleRssKib } : {}), rssByPhase };
  }
  const cpu1 = cpuSeconds(pid);
  const endToEndSeconds = (performance.now() - t0) / 1000;
  const runSeconds = done.startedAt && done.finishedAt ? (Date.parse(done.finishedAt) - Date.parse(done.startedAt)) / 1000 : Number.NaN;
  const result: ImportResult = {
    rows: file.rows,
    uploadSeconds,
    runSeconds,
    endToEndSeconds,
    rowsPerSecond: file.rows / runSeconds,
    created: done.created,
    updated: done.updated,
    skipped: done.skipped,
    failed: done.failed,
    status: done.status,
    error: done.error,
    mapped,
    memory,
    cpu: { server: cpu1.self - cpu0.self, postgres: cpu1.descendants - cpu0.descendants },
    undo: null,
  };
  if (done.status === 'completed') {
    log('  import: undoing it, so the dataset stays as generated');
    const u0 = performance.now();
    try {
      const undone = await json<ImportView>(s, 'POST', `${base}/${done.id}/undo`);
      const r = undone.undoResult;
      const cpu2 = cpuSeconds(pid);
      result.undo = { seconds: (performance.now() - u0) / 1000, deleted: r?.deleted ?? 0, restored: r?.restored ?? 0, kept: (r?.keptChanged ?? 0) + (r?.keptInUse ?? 0), error: null, cpu: { server: cpu2.self - cpu1.self, postgres: cpu2.descendants - cpu1.descendants } };
    } catch (error) {
      result.undo = { seconds: (performance.now() - u0) / 1000, deleted: 0, restored: 0, kept: 0, error: String(error).slice(0, 300) };
    }
  }
  return result;
}

export interface ExportResult {
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  memory: Memory;
}

/** Every contact of the workspace as CSV, read as fast as the server sends it. */
export async function benchExport(s: HttpSession, workspaceId: string, pid: number): Promise<ExportResult> {
  const sampler = sampleMemory(pid, 250);
  const t0 = performance.now();
  let bytes = 0;
  let lines = 0;
  let memory: Memory;
  try {
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${s.base}/api/workspaces/${workspaceId}/export?object=contacts&format=csv`, { headers: s.headers }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`export: HTTP ${res.statusCode}`));
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          });
          res.on('end', resolve);
          res.on('error', reject);
        })
        .on('error', reject);
    });
  } finally {
    memory = memoryOf(await sampler.stop());
  }
  const seconds = (performance.now() - t0) / 1000;
  return { rows: lines - 1, bytes, seconds, rowsPerSecond: (lines - 1) / seconds, memory };
}
