import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { badRequest } from '../../platform/http/errors';

/**
 * CRM-7: reading an uploaded file as rows of text cells, streamed: a CSV is decoded and parsed
 * as it is read, an XLSX sheet is read with exceljs's streaming reader. Nothing holds the whole
 * file in memory.
 */

export type FileType = 'csv' | 'xlsx';
export type Encoding = 'utf-8' | 'utf-8-bom' | 'windows-1252' | 'utf-16le' | 'utf-16be';

export interface FileShape {
  fileType: FileType;
  encoding: Encoding;
  delimiter: string | null;
}

export interface FileRow {
  /** The row number a spreadsheet shows (the header is row 1). */
  row: number;
  cells: string[];
}

export interface RowSource extends FileShape {
  path: string;
  hasHeader: boolean;
}

/** Stands in for a cell the decoder could not read: the row is reported as broken encoding. */
export const REPLACEMENT = '\uFFFD';

const SNIFF_BYTES = 64 * 1024;

const unsupported = (message: string) => badRequest('unsupported_file', message);

const MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel (.xls) or Office file; save it as .xlsx or .csv' },
  { bytes: [0x1f, 0x8b], what: 'a compressed (gzip) file' },
];

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/** A valid UTF-8 prefix, ignoring a multi-byte character cut off at the end of the sample. */
function isUtf8(sample: Buffer, complete: boolean): boolean {
  let end = sample.length;
  if (!complete) {
    // Step back over at most 3 continuation bytes to the start of the last character.
    let i = end - 1;
    while (i > 0 && i > end - 4 && (sample[i]! & 0xc0) === 0x80) i--;
    if (i >= 0 && sample[i]! >= 0xc0) end = i;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

function detectDelimiter(text: string): string {
  const firstLines = text.split(/\r?\n/).slice(0, 5);
  let best = ',';
  let bestScore = 0;
  for (const d of [',', ';', '\t', '|']) {
    // Count outside quotes on each line; a real separator appears on every line.
    const counts = firstLines.filter((l) => l.length > 0).map((line) => {
      let n = 0;
      let quoted = false;
      for (const ch of line) {
        if (ch === '"') quoted = !quoted;
        else if (ch === d && !quoted) n++;
      }
      return n;
    });
    const score = counts.length ? Math.min(...counts) * 10 + counts.reduce((a, b) => a + b, 0) / counts.length : 0;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
}

/** Looks at the first bytes: is this a CSV (in which encoding, which separator) or an XLSX, or something else? */
export async function sniffFile(path: string, fileName: string): Promise<FileShape> {
  const handle = await open(path, 'r');
  let sample: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    sample = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (size === 0) throw badRequest('empty_file', 'The file is empty.');
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  for (const m of MAGIC) if (startsWith(sample, m.bytes)) throw unsupported(`This file is ${m.what}, not a CSV or XLSX spreadsheet.`);
  if (startsWith(sample, [0x50, 0x4b, 0x03, 0x04])) {
    if (ext !== 'xlsx' && ext !== 'xlsm') throw unsupported('This file is a ZIP archive. Upload a .csv file or an Excel .xlsx workbook.');
    return { fileType: 'xlsx', encoding: 'utf-8', delimiter: null };
  }
  if (ext === 'xlsx' || ext === 'xls') throw unsupported('This file is named like an Excel workbook but is not one. Save it as .xlsx or .csv and try again.');
  if (!['csv', 'txt', 'tsv', ''].includes(ext)) throw unsupported(`Files of type .${ext} cannot be imported. Upload a .csv or .xlsx file.`);

  let encoding: Encoding;
  let text: string;
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) {
    encoding = 'utf-8-bom';
    text = new TextDecoder('utf-8').decode(sample.subarray(3));
  } else if (startsWith(sample, [0xff, 0xfe])) {
    encoding = 'utf-16le';
    text = iconv.decode(sample.subarray(2), 'utf-16le');
  } else if (startsWith(sample, [0xfe, 0xff])) {
    encoding = 'utf-16be';
    text = iconv.decode(sample.subarray(2), 'utf-16be');
  } else {
    if (sample.includes(0)) throw unsupported('This file contains binary data, not text. Upload a .csv or .xlsx file.');
    // Invalid UTF-8 at the start is most likely a Windows spreadsheet export (Windows-1252, a superset of Latin-1).
    encoding = isUtf8(sample, sample.length === size) ? 'utf-8' : 'windows-1252';
    text = encoding === 'utf-8' ? new TextDecoder('utf-8').decode(sample) : iconv.decode(sample, 'win1252');
  }
  // eslint-disable-next-line no-control-regex
  const controls = (text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g) ?? []).length;
  if (controls > Math.max(2, text.length / 100)) throw unsupported('This file does not look like text. Upload a .csv or .xlsx file.');
  return { fileType: 'csv', encoding, delimiter: ext === 'tsv' ? '\t' : detectDelimiter(text) };
}

/** Text out of bytes in the file's encoding; invalid UTF-8 becomes U+FFFD, which the row check reports. */
function decoder(encoding: Encoding): Transform {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') {
    const td = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
    return new Transform({
      decodeStrings: true,
      transform(chunk: Buffer, _enc, done) {
        done(null, td.decode(chunk, { stream: true }));
      },
      flush(done) {
        done(null, td.decode());
      },
    });
  }
  const dec = iconv.getDecoder(encoding === 'windows-1252' ? 'win1252' : encoding);
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      done(null, dec.write(chunk));
    },
    flush(done) {
      done(null, dec.end() ?? '');
    },
  });
}

export interface ReadOptions {
  /** Stop after this many data rows (preview). */
  limit?: number;
  /** Told about records the CSV parser had to skip (an unclosed quote, an oversized record). */
  onBadRecord?: (row: number, reason: string) => void;
  /** Bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
}

/** The header row and then the data rows of the file (the first sheet of a workbook). */
export async function* readRows(source: RowSource, options: ReadOptions = {}): AsyncGenerator<FileRow & { header?: boolean }> {
  if (source.fileType === 'xlsx') yield* readXlsx(source, options);
  else yield* readCsv(source, options);
}

async function* readCsv(source: RowSource, options: ReadOptions): AsyncGenerator<FileRow & { header?: boolean }> {
  const input = createReadStream(source.path, { highWaterMark: 64 * 1024 });
  if (options.onBytes) {
    let bytes = 0;
    input.on('data', (c) => options.onBytes!((bytes += c.length)));
  }
  const parser = parse({
    delimiter: source.delimiter ?? ',',
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // A runaway quote must not swallow the rest of the file into memory.
    max_record_size: 1_000_000,
  });
  let index = 0;
  // Record i is spreadsheet row i + 1 whether or not record 0 is a header.
  const rowOf = (i: number) => i + 1;
  parser.on('skip', (err: Error & { lines?: number }) => {
    options.onBadRecord?.(err.lines ?? rowOf(index), `This line could not be read as CSV (${err.message.replace(/^Invalid \w+: /, '')}).`);
  });
  const stream: Readable = input.pipe(decoder(source.encoding)).pipe(parser);
  try {
    for await (const cells of stream as AsyncIterable<string[]>) {
      const isHeader = source.hasHeader && index === 0;
      index++;
      yield { row: rowOf(index - 1), cells, ...(isHeader ? { header: true } : {}) };
      if (options.limit !== undefined && index >= options.limit + (source.hasHeader ? 1 : 0)) break;
    }
  } finally {
    input.destroy();
  }
}

type CellValue = ExcelJS.CellValue;

/** A spreadsheet cell as the text a person sees. Dates become YYYY-MM-DD (or an ISO timestamp when there is a time). */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: CellValue }).result ?? null);
    if ('hyperlink' in value) return cellText((value as { text?: CellValue }).text ?? (value as { hyperlink: string }).hyperlink);
    if ('error' in value) return '';
  }
  return String(value);
}

async function* readXlsx(source: RowSource, options: ReadOptions): AsyncGenerator<FileRow & { header?: boolean }> {
  const input = createReadStream(source.path, { highWaterMark: 256 * 1024 });
  if (options.onBytes) {
    let bytes = 0;
    input.on('data', (c) => options.onBytes!((bytes += c.length)));
  }
  // Styles are read so that date cells come back as dates rather than serial numbers.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'ignore' });
  let index = 0;
  let sawSheet = false;
  try {
    for await (const sheet of reader) {
      sawSheet = true;
      for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as CellValue[];
        const cells: string[] = [];
        for (let c = 1; c < values.length; c++) cells.push(cellText(values[c] ?? null));
        if (cells.every((c) => c.trim() === '')) continue;
        const isHeader = source.hasHeader && index === 0;
        index++;
        yield { row: row.number, cells, ...(isHeader ? { header: true } : {}) };
        if (options.limit !== undefined && index >= options.limit + (source.hasHeader ? 1 : 0)) return;
      }
      // Only the first sheet is imported.
      return;
    }
  } catch (error) {
    throw unsupported(`This workbook could not be read (${error instanceof Error ? error.message : 'unknown reason'}). Save it again as .xlsx or .csv.`);
  } finally {
    input.destroy();
  }
  if (!sawSheet) throw unsupported('This file is not an Excel workbook with a sheet. Upload a .csv or .xlsx file.');
}

export interface FileOverview {
  hasHeader: boolean;
  headers: string[];
  samples: string[][];
  rowsTotal: number | null;
}

const looksLikeEmail = (s: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim());

/**
 * The columns and the first rows of a file. A file whose first row already holds an email
 * address (an email list, one per line) has no header; its columns are named "Column 1" ….
 */
export async function overview(path: string, shape: FileShape, fileSize: number, sampleRows = 20): Promise<FileOverview> {
  const rows: FileRow[] = [];
  for await (const r of readRows({ ...shape, path, hasHeader: false }, { limit: sampleRows + 1 })) {
    rows.push(r);
    if (rows.length > sampleRows) break;
  }
  if (!rows.length) throw badRequest('empty_file', 'The file has no rows.');
  const first = rows[0]!.cells;
  const hasHeader = !first.some(looksLikeEmail);
  const data = hasHeader ? rows.slice(1) : rows;
  const width = Math.max(first.length, ...data.map((r) => r.cells.length));
  const headers = Array.from({ length: width }, (_, i) => (hasHeader ? (first[i] ?? '').trim() : '') || `Column ${i + 1}`);
  let rowsTotal: number | null = null;
  if (shape.fileType === 'csv') {
    // Bytes per row of the sample, scaled to the file: a good-enough estimate for a progress bar.
    const sampleText = data.map((r) => r.cells.join(',')).join('\n');
    const perRow = data.length ? Math.max(1, Buffer.byteLength(sampleText) / data.length + 1) : 0;
    rowsTotal = data.length < sampleRows ? data.length : Math.round(fileSize / perRow);
  } else if (data.length < sampleRows) rowsTotal = data.length;
  return { hasHeader, headers, samples: data.map((r) => r.cells), rowsTotal };
}
