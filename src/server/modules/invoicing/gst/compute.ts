// The tax arithmetic of one quote, invoice or credit note, in integer paise. Pure: the same
// input always gives the same document, so golden tests pin it down.
import { checkHsnOrSac, isUqc } from './codes.js';
import { checkGstin } from './gstin.js';
import { allocate, mulDivRound, roundToRupee } from './money.js';

/** The largest line value, ₹100 crore: keeps every product of amounts and rates exact. */
export const MAX_LINE_PAISE = 100_00_00_000_00;
import { formatRate, isRateValidOn } from './rates.js';
import { EXPORT_STATE_CODE, gstState, isDomesticStateCode, isStateCode } from './state-codes.js';

export class GstInputError extends Error {
  constructor(public readonly field: string, message: string) {
    super(message);
    this.name = 'GstInputError';
  }
}

export type SupplyKind = 'regular' | 'sez-with-payment' | 'sez-without-payment' | 'export-with-payment' | 'export-without-payment';
export type TaxRegime = 'cgst-sgst' | 'cgst-utgst' | 'igst' | 'zero-rated';
export type Discount = { kind: 'percent'; bps: number } | { kind: 'amount'; paise: number };

const isExport = (k: SupplyKind) => k === 'export-with-payment' || k === 'export-without-payment';

/**
 * Place of supply: 96 for exports; a registered buyer's GSTIN state; else the buyer's address
 * state; else (a walk-in sale over the counter) the supplier's own state.
 */
export function placeOfSupply(input: {
  supplyKind: SupplyKind;
  supplierStateCode: string;
  buyerGstin?: string | null;
  buyerStateCode?: string | null;
}): string {
  if (isExport(input.supplyKind)) return EXPORT_STATE_CODE;
  if (input.buyerGstin) {
    const check = checkGstin(input.buyerGstin);
    if (!check.ok) throw new GstInputError('buyerGstin', check.message);
    return check.stateCode;
  }
  if (input.buyerStateCode) {
    if (!isDomesticStateCode(input.buyerStateCode)) throw new GstInputError('buyerStateCode', `${input.buyerStateCode} is not a GST state code.`);
    return input.buyerStateCode;
  }
  return input.supplierStateCode;
}

/** Which taxes apply: intra-state CGST+SGST (or CGST+UTGST in a UT without legislature), else IGST. */
export function taxRegime(input: { supplierStateCode: string; placeOfSupply: string; supplyKind: SupplyKind }): TaxRegime {
  if (!isDomesticStateCode(input.supplierStateCode)) {
    throw new GstInputError('supplierStateCode', `${input.supplierStateCode} is not a GST state code.`);
  }
  if (!isStateCode(input.placeOfSupply)) {
    throw new GstInputError('placeOfSupply', `${input.placeOfSupply} is not a GST state code.`);
  }
  const exporting = isExport(input.supplyKind);
  if (exporting !== (input.placeOfSupply === EXPORT_STATE_CODE)) {
    throw new GstInputError('placeOfSupply', exporting ? 'An export has place of supply 96.' : 'Place of supply 96 is for exports.');
  }
  if (input.supplyKind === 'export-without-payment' || input.supplyKind === 'sez-without-payment') return 'zero-rated';
  if (input.supplyKind !== 'regular') return 'igst';
  if (input.placeOfSupply !== input.supplierStateCode) return 'igst';
  return gstState(input.placeOfSupply)!.kind === 'ut-without-legislature' ? 'cgst-utgst' : 'cgst-sgst';
}

export interface LineInput {
  hsn: string;
  uqc: string;
  quantityMilli: number; // thousandths of a unit: 1500 = 1.5 kg
  unitPricePaise: number;
  priceIncludesTax?: boolean;
  rateBps: number;
  cessBps?: number;
  discount?: Discount | null;
}

export interface DocumentInput {
  date: string; // ISO date of the document
  rateDate?: string; // the date whose rates apply: a credit note's original invoice date; else `date`
  supplierStateCode: string;
  placeOfSupply: string;
  supplyKind: SupplyKind;
  lines: readonly LineInput[];
  discount?: Discount | null; // invoice-level, spread over the lines in proportion
}

export interface TaxAmounts {
  taxablePaise: number;
  cgstPaise: number;
  sgstPaise: number;
  utgstPaise: number;
  igstPaise: number;
  cessPaise: number;
}

export interface LineResult extends TaxAmounts {
  hsn: string;
  uqc: string;
  quantityMilli: number;
  rateBps: number;
  grossPaise: number;
  lineDiscountPaise: number;
  invoiceDiscountPaise: number;
  totalPaise: number;
}

export interface HsnSummaryRow extends TaxAmounts {
  hsn: string;
  uqc: string;
  rateBps: number;
  quantityMilli: number;
}

export interface DocumentResult extends TaxAmounts {
  regime: TaxRegime;
  lines: LineResult[];
  discountPaise: number; // line and invoice discounts together
  exactTotalPaise: number;
  roundOffPaise: number; // grand total minus exact total, between -49 and +50 paise (50 paise round up)
  grandTotalPaise: number;
  hsnSummary: HsnSummaryRow[];
}

function discountAmount(d: Discount | null | undefined, base: number, field: string): number {
  if (!d) return 0;
  if (d.kind === 'percent') {
    if (!Number.isInteger(d.bps) || d.bps < 0 || d.bps > 10000) throw new GstInputError(field, 'A discount is 0 to 100 %.');
    return mulDivRound(base, d.bps, 10000);
  }
  if (!Number.isSafeInteger(d.paise) || d.paise < 0) throw new GstInputError(field, 'A discount is a non-negative amount in paise.');
  if (d.paise > base) throw new GstInputError(field, 'The discount is larger than the amount it applies to.');
  return d.paise;
}

function taxes(taxable: number, rateBps: number, cessBps: number, regime: TaxRegime): Omit<TaxAmounts, 'taxablePaise'> {
  const zero = { cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: 0, cessPaise: 0 };
  if (regime === 'zero-rated') return zero;
  const cessPaise = mulDivRound(taxable, cessBps, 10000);
  // Each half is rounded on its own, as printed: 0.25 % splits into 0.125 % + 0.125 %.
  const half = mulDivRound(taxable, rateBps, 20000);
  if (regime === 'cgst-sgst') return { ...zero, cgstPaise: half, sgstPaise: half, cessPaise };
  if (regime === 'cgst-utgst') return { ...zero, cgstPaise: half, utgstPaise: half, cessPaise };
  return { ...zero, igstPaise: mulDivRound(taxable, rateBps, 10000), cessPaise };
}

const sumOf = <T>(rows: readonly T[], pick: (r: T) => number) => rows.reduce((a, r) => a + pick(r), 0);

export function computeDocument(input: DocumentInput): DocumentResult {
  const regime = taxRegime(input);
  if (input.lines.length === 0) throw new GstInputError('lines', 'A document has at least one line.');

  const afterLineDiscount = input.lines.map((line, i) => {
    const at = `lines.${i}`;
    const code = checkHsnOrSac(line.hsn);
    if (!code.ok) throw new GstInputError(`${at}.hsn`, code.message);
    if (!isUqc(line.uqc)) throw new GstInputError(`${at}.uqc`, `${line.uqc} is not a GST unit quantity code (UQC).`);
    if (!Number.isSafeInteger(line.quantityMilli) || line.quantityMilli <= 0) throw new GstInputError(`${at}.quantityMilli`, 'The quantity is more than zero.');
    if (!Number.isSafeInteger(line.unitPricePaise) || line.unitPricePaise < 0) throw new GstInputError(`${at}.unitPricePaise`, 'The price is zero or more, in paise.');
    const rateDate = input.rateDate ?? input.date;
    if (!isRateValidOn(line.rateBps, rateDate)) {
      throw new GstInputError(`${at}.rateBps`, `${formatRate(line.rateBps)} is not a GST rate on ${rateDate}.`);
    }
    const cess = line.cessBps ?? 0;
    if (!Number.isInteger(cess) || cess < 0 || cess > 50000) throw new GstInputError(`${at}.cessBps`, 'Cess is 0 to 500 %.');
    const gross = mulDivRound(line.quantityMilli, line.unitPricePaise, 1000);
    if (gross > MAX_LINE_PAISE) throw new GstInputError(`${at}.quantityMilli`, 'A line is worth at most ₹100 crore.');
    const lineDiscount = discountAmount(line.discount, gross, `${at}.discount`);
    return { gross, lineDiscount, net: gross - lineDiscount };
  });

  const nets = afterLineDiscount.map((l) => l.net);
  const invoiceDiscount = discountAmount(input.discount, sumOf(nets, (n) => n), 'discount');
  const shares = allocate(invoiceDiscount, nets);

  const lines: LineResult[] = input.lines.map((line, i) => {
    const { gross, lineDiscount, net } = afterLineDiscount[i]!;
    const value = net - shares[i]!;
    const cessBps = line.cessBps ?? 0;
    // A tax-inclusive price is the value plus tax: the taxable part is value / (1 + rate + cess).
    const taxable = line.priceIncludesTax && regime !== 'zero-rated'
      ? mulDivRound(value, 10000, 10000 + line.rateBps + cessBps)
      : value;
    const t = taxes(taxable, line.rateBps, cessBps, regime);
    return {
      hsn: line.hsn,
      uqc: line.uqc,
      quantityMilli: line.quantityMilli,
      rateBps: line.rateBps,
      grossPaise: gross,
      lineDiscountPaise: lineDiscount,
      invoiceDiscountPaise: shares[i]!,
      taxablePaise: taxable,
      ...t,
      totalPaise: taxable + t.cgstPaise + t.sgstPaise + t.utgstPaise + t.igstPaise + t.cessPaise,
    };
  });

  const amounts = sumAmounts(lines);
  const exactTotal = sumOf(lines, (l) => l.totalPaise);
  const grandTotal = roundToRupee(exactTotal);
  return {
    regime,
    lines,
    ...amounts,
    discountPaise: sumOf(lines, (l) => l.lineDiscountPaise + l.invoiceDiscountPaise),
    exactTotalPaise: exactTotal,
    roundOffPaise: grandTotal - exactTotal,
    grandTotalPaise: grandTotal,
    hsnSummary: hsnSummary(lines),
  };
}

function sumAmounts(rows: readonly TaxAmounts[]): TaxAmounts {
  return {
    taxablePaise: sumOf(rows, (r) => r.taxablePaise),
    cgstPaise: sumOf(rows, (r) => r.cgstPaise),
    sgstPaise: sumOf(rows, (r) => r.sgstPaise),
    utgstPaise: sumOf(rows, (r) => r.utgstPaise),
    igstPaise: sumOf(rows, (r) => r.igstPaise),
    cessPaise: sumOf(rows, (r) => r.cessPaise),
  };
}

/** One row per HSN, unit and rate, summed from the lines so it adds up to the totals exactly. */
export function hsnSummary(lines: readonly LineResult[]): HsnSummaryRow[] {
  const groups = new Map<string, LineResult[]>();
  for (const l of lines) {
    const key = `${l.hsn}|${l.uqc}|${l.rateBps}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.values()].map((g) => ({
    hsn: g[0]!.hsn,
    uqc: g[0]!.uqc,
    rateBps: g[0]!.rateBps,
    quantityMilli: sumOf(g, (l) => l.quantityMilli),
    ...sumAmounts(g),
  }));
}

/** B2C large (GSTR-1 table 5): an inter-state sale to an unregistered buyer above the threshold of its date. */
export function b2cLargeThresholdPaise(date: string): number {
  return date < '2024-08-01' ? 250_000_00 : 100_000_00;
}

export function isB2cLarge(input: { date: string; regime: TaxRegime; supplyKind: SupplyKind; buyerRegistered: boolean; invoiceValuePaise: number }): boolean {
  return !input.buyerRegistered && input.supplyKind === 'regular' && input.regime === 'igst'
    && input.invoiceValuePaise > b2cLargeThresholdPaise(input.date);
}
