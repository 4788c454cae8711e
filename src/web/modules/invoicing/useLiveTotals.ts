import { computeDocument, GstInputError, placeOfSupply, type Discount, type DocumentResult, type SupplyKind } from '../../../server/modules/invoicing/gst/compute';
import { parseQuantity, parseRupees } from './format';

export interface LineDraft {
  key: number;
  productId: string;
  description: string;
  hsn: string;
  uqc: string;
  quantity: string;
  price: string;
  priceIncludesTax: boolean;
  rateBps: number;
  cessBps: number;
  /** The discount as typed: a percentage, or rupees off the line when `discountKind` is 'amount'. */
  discountText: string;
  discountKind: Discount['kind'];
}

export interface HeadDraft {
  documentDate: string;
  buyerGstin: string;
  buyerStateCode: string;
  supplyKind: SupplyKind;
  /** The invoice-level discount as typed: a percentage, or rupees off the whole invoice, spread over the lines before tax. */
  discountText: string;
  discountKind: Discount['kind'];
}

/** "10" or "12.5" percent → basis points; empty is no discount; null when unreadable. */
export function percentBps(text: string): number | null | undefined {
  if (!text.trim()) return undefined;
  const m = /^\s*(\d{1,3})(?:\.(\d{0,2}))?\s*$/.exec(text);
  if (!m) return null;
  const bps = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return bps <= 10000 ? bps : null;
}

/** A line's discount from its field: "10" % → 1000 bps, or "150.50" ₹ → 15050 paise; empty is none; null when unreadable. */
export function lineDiscount(text: string, kind: Discount['kind']): Discount | null | undefined {
  if (!text.trim()) return undefined;
  if (kind === 'percent') {
    const bps = percentBps(text);
    return bps === null ? null : bps ? { kind: 'percent', bps } : undefined;
  }
  const paise = parseRupees(text);
  return paise === null ? null : paise ? { kind: 'amount', paise } : undefined;
}

export type Live = { ok: true; pos: string; result: DocumentResult } | { ok: false; field: string; message: string };

/**
 * The same GST engine the server runs (pure, no server imports), so the totals on screen are the
 * totals the invoice will carry: place of supply, regime, tax per line, round-off. A credit note's
 * rates are those of its invoice's date (`rateDate`).
 */
export function liveTotals(head: HeadDraft, lines: LineDraft[], supplierStateCode: string, rateDate?: string): Live {
  try {
    const pos = placeOfSupply({ supplyKind: head.supplyKind, supplierStateCode, buyerGstin: head.buyerGstin.trim() || null, buyerStateCode: head.buyerStateCode || null });
    const inputs = lines.map((l, i) => {
      const quantityMilli = parseQuantity(l.quantity);
      if (quantityMilli === null) throw new GstInputError(`lines.${i}.quantityMilli`, 'A quantity like 2 or 1.5.');
      const unitPricePaise = parseRupees(l.price);
      if (unitPricePaise === null) throw new GstInputError(`lines.${i}.unitPricePaise`, 'A price in rupees like 1250 or 99.50.');
      const discount = lineDiscount(l.discountText, l.discountKind);
      if (discount === null) throw new GstInputError(`lines.${i}.discount`, l.discountKind === 'percent' ? 'A discount from 0 to 100 %.' : 'A discount in rupees like 150 or 99.50.');
      return { hsn: l.hsn.trim(), uqc: l.uqc.trim().toUpperCase(), quantityMilli, unitPricePaise, priceIncludesTax: l.priceIncludesTax, rateBps: l.rateBps, cessBps: l.cessBps, discount: discount ?? null };
    });
    const discount = lineDiscount(head.discountText, head.discountKind);
    if (discount === null) throw new GstInputError('discount', head.discountKind === 'percent' ? 'A discount from 0 to 100 %.' : 'A discount in rupees like 500 or 99.50.');
    const result = computeDocument({ date: head.documentDate, ...(rateDate ? { rateDate } : {}), supplierStateCode, placeOfSupply: pos, supplyKind: head.supplyKind, lines: inputs, discount: discount ?? null });
    return { ok: true, pos, result };
  } catch (e) {
    if (e instanceof GstInputError) return { ok: false, field: e.field, message: e.message };
    throw e;
  }
}
