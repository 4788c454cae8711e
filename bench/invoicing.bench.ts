// `npx tsx bench/invoicing.bench.ts [--write] [--invoices 100000] [--pdf-runs 200]`: INV-2 invoice PDF
// rendering (20 lines) and INV-4 GSTR-1 for a month of 100,000 invoices, each against a baseline
// measured in the same run (a one-line PDF; a bare SQL aggregate of the same rows), so the ratios
// hold on a busy or slow machine. With --write the report goes into docs/benchmarks.md; --out FILE
// keeps the GSTR-1 JSON of the last run.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import PDFDocument from 'pdfkit';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { createDatabase } from '../src/server/platform/db/database';
import { ensureDatabase, startEmbeddedPostgres } from '../src/server/platform/db/embedded';
import { migrate } from '../src/server/platform/db/migrate';
import type { InvoiceDocument } from '../src/server/modules/invoicing/invoicing.contract';
import { gstr1ForMonth } from '../src/server/modules/invoicing/load-returns';
import { renderInvoicePdf } from '../src/server/modules/invoicing/render-invoice-pdf';
import { writeBenchBlock } from './lib/report';
import { describeMachine } from './lib/machine';
import { median, ms, percentile, ratio, table } from './lib/stats';
import { repoRoot } from './lib/processes';

const { values } = parseArgs({ options: { write: { type: 'boolean' }, invoices: { type: 'string', default: '100000' }, 'pdf-runs': { type: 'string', default: '200' }, port: { type: 'string', default: '55217' }, out: { type: 'string' } } });
const INVOICES = Number(values.invoices);
const PDF_RUNS = Number(values['pdf-runs']);

function twentyLineInvoice(): InvoiceDocument {
  const lines = Array.from({ length: 20 }, (_, i) => {
    const taxable = 1_000_00 * (i + 1);
    return { position: i, productId: null, description: `Item ${i + 1}: stainless steel fitting, grade 304`, hsn: '73079990', uqc: 'NOS', quantityMilli: (i + 1) * 1000, unitPricePaise: 1_000_00, priceIncludesTax: false, rateBps: 1800, cessBps: 0, discount: null, taxablePaise: taxable, cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: taxable * 18 / 100, cessPaise: 0, totalPaise: taxable * 118 / 100 };
  });
  const taxable = lines.reduce((s, l) => s + l.taxablePaise, 0);
  return {
    id: uuidv7(), documentType: 'invoice', status: 'issued', seriesId: uuidv7(), number: 'INV/2026-27/0042', financialYear: '2026-27', documentDate: '2026-06-15', dueDate: '2026-06-30', companyId: null, contactId: null,
    buyerName: 'Pune Distributors LLP', buyerGstin: '27AAPFU0939F1ZV', buyerStateCode: null, supplierGstin: '29AAGCB7383J1Z4', supplierStateCode: '29', placeOfSupply: '27', supplyKind: 'regular', regime: 'igst',
    originalDocumentId: null, discount: null, taxablePaise: taxable, cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: taxable * 18 / 100, cessPaise: 0, roundOffPaise: 0, grandTotalPaise: taxable * 118 / 100, paidPaise: 0,
    amountInWords: 'Rupees Two Lakh Forty Seven Thousand Eight Hundred Only', notes: null, version: 1, issuedAt: null, cancelledAt: null, overdue: false, createdAt: '', updatedAt: '', lines,
  };
}

function onePdfLine(): Promise<Buffer> {
  const pdf = new PDFDocument({ size: 'A4', margin: 40 });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => pdf.on('end', () => resolve(Buffer.concat(chunks))));
  pdf.font('Helvetica').fontSize(10).text('Baseline: one line of text on one page.');
  pdf.end();
  return done;
}

async function timeRuns(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 10; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function benchPdf() {
  const doc = twentyLineInvoice();
  const supplier = { legalName: 'Bengaluru Traders Pvt Ltd', gstin: '29AAGCB7383J1Z4', stateCode: '29', address: ['12 MG Road', 'Bengaluru, Karnataka, 560001'] };
  const invoice = await timeRuns(PDF_RUNS, () => renderInvoicePdf({ doc, supplier, original: null }));
  const baseline = await timeRuns(PDF_RUNS, onePdfLine);
  return { invoice, baseline, bytes: (await renderInvoicePdf({ doc, supplier, original: null })).length };
}

/** A month of invoices: B2B across states, B2C at the counter, a few B2C large and exports; two lines each. */
async function seed(ownerUrl: string, n: number): Promise<string> {
  const c = new pg.Client({ connectionString: ownerUrl });
  await c.connect();
  const workspaceId = uuidv7();
  const seriesId = uuidv7();
  await c.query('BEGIN');
  await c.query(`INSERT INTO workspaces (id, name) VALUES ($1, 'Bench Traders')`, [workspaceId]);
  await c.query(`INSERT INTO invoicing_settings (workspace_id, legal_name, gstin, state_code) VALUES ($1, 'Bench Traders', '29AAGCB7383J1Z4', '29')`, [workspaceId]);
  await c.query(`INSERT INTO document_series (workspace_id, id, document_type, prefix, digits) VALUES ($1, $2, 'invoice', 'INV', 6)`, [workspaceId, seriesId]);
  await c.query(`
    INSERT INTO invoicing_documents (workspace_id, id, document_type, status, series_id, financial_year, sequence, number, document_date, buyer_name, buyer_gstin,
      supplier_gstin, supplier_state_code, place_of_supply, supply_kind, regime, taxable_paise, cgst_paise, sgst_paise, igst_paise, grand_total_paise)
    SELECT $1, gen_random_uuid(), 'invoice', 'issued', $2, '2026-27', i, 'INV/2026-27/' || lpad(i::text, 6, '0'), date '2026-06-01' + (i % 30),
      'Buyer ' || (i % 5000), CASE WHEN i % 3 = 0 THEN '27AAPFU0939F1ZV' END, '29AAGCB7383J1Z4', '29',
      CASE WHEN i % 50 = 1 THEN '96' WHEN i % 3 = 0 THEN '27' WHEN i % 3 = 1 THEN '29' ELSE '33' END,
      CASE WHEN i % 50 = 1 THEN 'export-without-payment' ELSE 'regular' END,
      CASE WHEN i % 50 = 1 THEN 'zero-rated' WHEN i % 3 = 1 THEN 'cgst-sgst' ELSE 'igst' END,
      300000 + (i % 7) * 2000000, 0, 0, 0, 0
    FROM generate_series(1, $3::int) AS i`, [workspaceId, seriesId, n]);
  await c.query(`
    INSERT INTO invoicing_document_lines (workspace_id, document_id, position, description, hsn, uqc, quantity_milli, unit_price_paise, rate_bps, taxable_paise, cgst_paise, sgst_paise, igst_paise, total_paise)
    SELECT d.workspace_id, d.id, p, CASE p WHEN 0 THEN 'Laptop' ELSE 'Installation' END, CASE p WHEN 0 THEN '8471' ELSE '998314' END, CASE p WHEN 0 THEN 'NOS' ELSE 'OTH' END,
      1000, d.taxable_paise / 2, CASE p WHEN 0 THEN 1800 ELSE 500 END, d.taxable_paise / 2,
      CASE WHEN d.regime = 'cgst-sgst' THEN d.taxable_paise / 2 * (CASE p WHEN 0 THEN 9 ELSE 25 END) / (CASE p WHEN 0 THEN 100 ELSE 1000 END) ELSE 0 END,
      CASE WHEN d.regime = 'cgst-sgst' THEN d.taxable_paise / 2 * (CASE p WHEN 0 THEN 9 ELSE 25 END) / (CASE p WHEN 0 THEN 100 ELSE 1000 END) ELSE 0 END,
      CASE WHEN d.regime = 'igst' THEN d.taxable_paise / 2 * (CASE p WHEN 0 THEN 18 ELSE 5 END) / 100 ELSE 0 END, 0
    FROM invoicing_documents d CROSS JOIN generate_series(0, 1) AS p WHERE d.workspace_id = $1`, [workspaceId]);
  await c.query(`UPDATE invoicing_documents d SET cgst_paise = s.c, sgst_paise = s.s, igst_paise = s.g, grand_total_paise = round((d.taxable_paise + s.c + s.s + s.g) / 100.0) * 100
    FROM (SELECT document_id, sum(cgst_paise) c, sum(sgst_paise) s, sum(igst_paise) g FROM invoicing_document_lines WHERE workspace_id = $1 GROUP BY 1) s WHERE d.workspace_id = $1 AND d.id = s.document_id`, [workspaceId]);
  await c.query('COMMIT');
  await c.query('ANALYZE invoicing_documents; ANALYZE invoicing_document_lines');
  await c.end();
  return workspaceId;
}

async function benchGstr1() {
  const dataDir = path.join(repoRoot, 'data/bench-invoicing');
  mkdirSync(dataDir, { recursive: true });
  const pgServer = await startEmbeddedPostgres({ dataDir, port: Number(values.port) });
  const dbName = `bench_inv_${Date.now()}`;
  await ensureDatabase(pgServer.adminUrl, dbName);
  const ownerUrl = pgServer.urlFor(dbName);
  try {
    await migrate(ownerUrl);
    const t0 = performance.now();
    const workspaceId = await seed(ownerUrl, INVOICES);
    const seedMs = performance.now() - t0;
    const database = createDatabase({ ownerUrl, poolSize: 4 });
    const ctx = { workspaceId, userId: null, role: 'owner' as const };
    const bare = async () => database.systemPool.query(`
      SELECT d.buyer_gstin IS NOT NULL AS registered, d.place_of_supply, d.supply_kind, l.hsn, l.rate_bps, count(DISTINCT d.id), sum(l.taxable_paise), sum(l.igst_paise), sum(l.cgst_paise), sum(l.sgst_paise), sum(l.quantity_milli)
      FROM invoicing_documents d JOIN invoicing_document_lines l ON l.workspace_id = d.workspace_id AND l.document_id = d.id
      WHERE d.workspace_id = $1 AND d.document_type = 'invoice' AND d.number IS NOT NULL AND d.document_date >= '2026-06-01' AND d.document_date < '2026-07-01'
      GROUP BY 1, 2, 3, 4, 5`, [workspaceId]);
    const runs = 3;
    const bareMs: number[] = [];
    const fullMs: number[] = [];
    let peakRss = 0;
    let sizes = { b2b: 0, b2cl: 0, b2cs: 0, exp: 0, hsn: 0, bytes: 0 };
    await bare();
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await bare();
      bareMs.push(performance.now() - t);
      global.gc?.();
      const before = process.memoryUsage().rss;
      const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss - before); }, 20);
      t = performance.now();
      const g = await gstr1ForMonth(database.db, ctx, '2026-06');
      const json = JSON.stringify(g);
      fullMs.push(performance.now() - t);
      // --out keeps the JSON, to check a change to the loader gives the same bytes.
      if (values.out && i === runs - 1) writeFileSync(values.out, json);
      clearInterval(sampler);
      peakRss = Math.max(peakRss, process.memoryUsage().rss - before);
      sizes = { b2b: (g.b2b as { inv: unknown[] }[]).reduce((s, b) => s + b.inv.length, 0), b2cl: (g.b2cl as { inv: unknown[] }[]).reduce((s, b) => s + b.inv.length, 0), b2cs: g.b2cs.length, exp: (g.exp as { inv: unknown[] }[]).reduce((s, b) => s + b.inv.length, 0), hsn: g.hsn.data.length, bytes: json.length };
    }
    await database.close();
    return { seedMs, bareMs, fullMs, peakRss, sizes };
  } finally {
    const admin = new pg.Client({ connectionString: pgServer.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    await pgServer.stop();
  }
}

const machine = describeMachine();
const pdf = await benchPdf();
const gstr = await benchGstr1();
const p = (xs: number[], q: number) => percentile(xs, q);
const md = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${machine.cores} cores of ${machine.cpu} (load ${machine.loadAtStart.toFixed(1)} at the start, shared with other work); ratios are to a baseline timed in the same run.`,
  '',
  `**Invoice PDF** (pdfkit, A4, 20 lines, ${Math.round(pdf.bytes / 1024)} KiB), ${PDF_RUNS} renders after 10 warm-ups:`,
  '',
  table(['', 'p50', 'p95', 'p50 vs baseline'], [
    ['20-line tax invoice', ms(p(pdf.invoice, 0.5)), ms(p(pdf.invoice, 0.95)), ratio(p(pdf.invoice, 0.5) / p(pdf.baseline, 0.5))],
    ['baseline: one line of text', ms(p(pdf.baseline, 0.5)), ms(p(pdf.baseline, 0.95)), '1.00×'],
  ]),
  '',
  `**GSTR-1 JSON for a month of ${INVOICES.toLocaleString('en-US')} invoices** (${(INVOICES * 2).toLocaleString('en-US')} lines; seeded in ${ms(gstr.seedMs)}), median of 3 runs: ${gstr.sizes.b2b.toLocaleString('en-US')} B2B and ${gstr.sizes.b2cl.toLocaleString('en-US')} B2C-large invoices, ${gstr.sizes.exp.toLocaleString('en-US')} exports, ${gstr.sizes.b2cs} B2CS rows, ${gstr.sizes.hsn} HSN rows, ${(gstr.sizes.bytes / 1048576).toFixed(1)} MiB of JSON:`,
  '',
  table(['', 'time', 'vs bare SQL', 'memory (peak RSS growth)'], [
    ['gstr1ForMonth (load documents and lines, build, serialise)', ms(median(gstr.fullMs)), ratio(median(gstr.fullMs) / median(gstr.bareMs)), `${(gstr.peakRss / 1048576).toFixed(0)} MiB`],
    ['bare SQL aggregate of the same rows (GROUP BY in PostgreSQL)', ms(median(gstr.bareMs)), '1.00×', '—'],
  ]),
].join('\n');
console.log(md);
if (values.write) console.log(`Written to ${writeBenchBlock('invoicing', '## Invoicing (INV-2, INV-4)', md)}`);
process.exit(0);
