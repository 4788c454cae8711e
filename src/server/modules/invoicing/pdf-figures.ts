import type { InvoiceDocument } from './invoicing.contract';
export { gstState } from './gst';

/** 15-06-2026: the day first, as Indian invoices and the GST portal write dates. */
export const dayFirst = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;
/** 2, or 1.5 (thousandths of a unit shown without trailing zeros). */
export const quantityText = (milli: number) => (milli % 1000 === 0 ? String(milli / 1000) : (milli / 1000).toFixed(3).replace(/0+$/, ''));

type Line = InvoiceDocument['lines'][number];
export interface HsnRow { hsn: string; uqc: string; rateBps: number; quantityMilli: number; taxablePaise: number; cgstPaise: number; sgstPaise: number; utgstPaise: number; igstPaise: number; cessPaise: number }

/** Stored lines grouped by HSN, unit and rate, summed exactly (the GST engine's summary, from saved lines). */
export function hsnSummaryOf(lines: readonly Line[]): HsnRow[] {
  const rows = new Map<string, HsnRow>();
  for (const l of lines) {
    const key = `${l.hsn}|${l.uqc}|${l.rateBps}`;
    const r = rows.get(key) ?? { hsn: l.hsn, uqc: l.uqc, rateBps: l.rateBps, quantityMilli: 0, taxablePaise: 0, cgstPaise: 0, sgstPaise: 0, utgstPaise: 0, igstPaise: 0, cessPaise: 0 };
    r.quantityMilli += l.quantityMilli;
    r.taxablePaise += l.taxablePaise;
    r.cgstPaise += l.cgstPaise;
    r.sgstPaise += l.sgstPaise;
    r.utgstPaise += l.utgstPaise;
    r.igstPaise += l.igstPaise;
    r.cessPaise += l.cessPaise;
    rows.set(key, r);
  }
  return [...rows.values()];
}

export const typeNames = { invoice: 'tax invoice', quote: 'quotation', credit_note: 'credit note' } as const;
