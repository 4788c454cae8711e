import { describe, expect, it } from 'vitest';
import {
  allocate, amountInWords, checkGstin, checkHsnOrSac, checkSeriesFormat, computeDocument, financialYear,
  formatDocumentNumber, gstinCheckCharacter, GstInputError, indianNumberInWords, isB2cLarge, isRateValidOn,
  isUqc, placeOfSupply, taxRegime, type DocumentInput,
} from './index.js';

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof GstInputError) return e.field;
    throw e;
  }
  throw new Error('expected a GstInputError');
}

describe('INV-2 GSTIN', () => {
  it('INV-2 accepts a GSTIN whose mod-36 check character matches and reads its state', () => {
    // 27AAPFU0939F1ZV, by hand: values 2,7,10,10,25,15,30,0,9,3,9,15,1,35 with weights 1,2,1,2…
    // products 2,14,10,20,25,30,30,0,9,6,9,30,1,70 → folded (q+r of 36): 70 → 1+34 = 35, others unchanged
    // sum = 2+14+10+20+25+30+30+0+9+6+9+30+1+35 = 221; 221 mod 36 = 5; (36-5) mod 36 = 31 → 'V'.
    expect(gstinCheckCharacter('27AAPFU0939F1Z')).toBe('V');
    expect(checkGstin('27aapfu0939f1zv ')).toEqual({ ok: true, gstin: '27AAPFU0939F1ZV', stateCode: '27', pan: 'AAPFU0939F' });
  });

  it('INV-2 refuses a wrong check character, a bad shape and a code that is no state', () => {
    expect(checkGstin('27AAPFU0939F1ZW')).toMatchObject({ ok: false, reason: 'check_digit' });
    expect(checkGstin('27AAPFU0939F1Z')).toMatchObject({ ok: false, reason: 'format' });
    expect(checkGstin('27AAPFU0939F0ZV')).toMatchObject({ ok: false, reason: 'format' }); // entity number 0
    const bogusState = `42AAPFU0939F1Z${gstinCheckCharacter('42AAPFU0939F1Z')}`;
    expect(checkGstin(bogusState)).toMatchObject({ ok: false, reason: 'state_code' });
    const foreign = `96AAPFU0939F1Z${gstinCheckCharacter('96AAPFU0939F1Z')}`;
    expect(checkGstin(foreign)).toMatchObject({ ok: false, reason: 'state_code' });
    // every one-character typo of a valid GSTIN's body is caught by the check character
    const valid = '29AAGCB7383J1Z4'.slice(0, 14);
    const good = valid + gstinCheckCharacter(valid);
    expect(checkGstin(good).ok).toBe(true);
    for (let i = 2; i < 12; i++) {
      const c = good[i]!;
      const typo = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'Z' ? 'A' : String.fromCharCode(c.charCodeAt(0) + 1);
      expect(checkGstin(good.slice(0, i) + typo + good.slice(i + 1)).ok).toBe(false);
    }
  });
});

describe('INV-2 codes, rates, place of supply and tax regime', () => {
  it('INV-2 HSN is 4, 6 or 8 digits of goods chapters; SAC is 6 digits starting 99', () => {
    for (const ok of ['8471', '847130', '84713010', '0902']) expect(checkHsnOrSac(ok)).toEqual({ ok: true, kind: 'hsn' });
    expect(checkHsnOrSac('998314')).toEqual({ ok: true, kind: 'sac' });
    for (const bad of ['84713', '8471301', '9983', '99831', '0000', '84A1', '']) expect(checkHsnOrSac(bad).ok).toBe(false);
    expect(isUqc('NOS')).toBe(true);
    expect(isUqc('PIECES')).toBe(false);
  });

  it('INV-2 the 22 Sep 2025 rate change: 12 and 28 % end, 40 % begins, by invoice date', () => {
    expect(isRateValidOn(1200, '2025-09-21')).toBe(true);
    expect(isRateValidOn(2800, '2025-09-21')).toBe(true);
    expect(isRateValidOn(4000, '2025-09-21')).toBe(false);
    expect(isRateValidOn(1200, '2025-09-22')).toBe(false);
    expect(isRateValidOn(2800, '2025-09-22')).toBe(false);
    expect(isRateValidOn(4000, '2025-09-22')).toBe(true);
    for (const r of [0, 25, 300, 500, 1800]) {
      expect(isRateValidOn(r, '2020-01-01')).toBe(true);
      expect(isRateValidOn(r, '2026-06-01')).toBe(true);
    }
    expect(isRateValidOn(1800, '2017-06-30')).toBe(false); // before GST
    expect(isRateValidOn(1700, '2026-06-01')).toBe(false);
  });

  it('INV-2 place of supply: GSTIN state, else address state, else the counter, 96 for exports', () => {
    const base = { supplierStateCode: '29', supplyKind: 'regular' as const };
    expect(placeOfSupply({ ...base, buyerGstin: '27AAPFU0939F1ZV', buyerStateCode: '33' })).toBe('27');
    expect(placeOfSupply({ ...base, buyerStateCode: '33' })).toBe('33');
    expect(placeOfSupply(base)).toBe('29');
    expect(placeOfSupply({ ...base, supplyKind: 'export-with-payment', buyerStateCode: '27' })).toBe('96');
    expect(fieldOf(() => placeOfSupply({ ...base, buyerStateCode: '99' }))).toBe('buyerStateCode');
    expect(fieldOf(() => placeOfSupply({ ...base, buyerGstin: '27AAPFU0939F1ZW' }))).toBe('buyerGstin');
  });

  it('INV-2 regime: CGST+SGST in a state or UT with legislature, CGST+UTGST in a UT without, IGST across, zero-rated without payment', () => {
    const r = (s: string, p: string, k: Parameters<typeof taxRegime>[0]['supplyKind'] = 'regular') =>
      taxRegime({ supplierStateCode: s, placeOfSupply: p, supplyKind: k });
    expect(r('29', '29')).toBe('cgst-sgst');
    expect(r('07', '07')).toBe('cgst-sgst'); // Delhi has a legislature
    expect(r('34', '34')).toBe('cgst-sgst'); // Puducherry too
    for (const ut of ['04', '25', '26', '31', '35', '38', '97']) expect(r(ut, ut)).toBe('cgst-utgst');
    expect(r('29', '27')).toBe('igst');
    expect(r('04', '03')).toBe('igst');
    expect(r('29', '29', 'sez-with-payment')).toBe('igst');
    expect(r('29', '29', 'sez-without-payment')).toBe('zero-rated');
    expect(r('29', '96', 'export-with-payment')).toBe('igst');
    expect(r('29', '96', 'export-without-payment')).toBe('zero-rated');
    expect(fieldOf(() => r('29', '42'))).toBe('placeOfSupply');
    expect(fieldOf(() => r('29', '96'))).toBe('placeOfSupply');
    expect(fieldOf(() => r('29', '27', 'export-with-payment'))).toBe('placeOfSupply');
    expect(fieldOf(() => r('96', '29'))).toBe('supplierStateCode');
  });

  it('INV-2 B2C large follows the invoice date: ₹2.5 lakh before 1 Aug 2024, ₹1 lakh since', () => {
    const sale = { regime: 'igst' as const, supplyKind: 'regular' as const, buyerRegistered: false, invoiceValuePaise: 2_00_000_00 };
    expect(isB2cLarge({ ...sale, date: '2024-07-31' })).toBe(false);
    expect(isB2cLarge({ ...sale, date: '2024-08-01' })).toBe(true);
    expect(isB2cLarge({ ...sale, date: '2024-07-31', invoiceValuePaise: 2_50_000_01 })).toBe(true);
    expect(isB2cLarge({ ...sale, date: '2024-08-01', invoiceValuePaise: 1_00_000_00 })).toBe(false); // "more than"
    expect(isB2cLarge({ ...sale, date: '2026-01-01', buyerRegistered: true })).toBe(false);
    expect(isB2cLarge({ ...sale, date: '2026-01-01', regime: 'cgst-sgst' })).toBe(false);
  });
});

describe('INV-2 golden invoices (hand-computed, all money in paise)', () => {
  it('INV-2 intra-state Karnataka: CGST+SGST, a line discount, round-off up by 1 paisa', () => {
    const doc = computeDocument({
      date: '2026-06-15', supplierStateCode: '29', placeOfSupply: '29', supplyKind: 'regular',
      lines: [
        { hsn: '8471', uqc: 'NOS', quantityMilli: 2000, unitPricePaise: 1_250_00, rateBps: 1800, discount: { kind: 'percent', bps: 1000 } },
        { hsn: '998314', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 999_99, rateBps: 1800 },
      ],
    });
    // line 1: 2 × 125000 = 250000; −10 % = −25000 → taxable 225000; 9 % each = 20250.00 → CGST 20250, SGST 20250
    // line 2: 99999 taxable; 9 % = 8999.91 → 9000 each
    // taxable 324999; CGST 29250; SGST 29250; exact 324999 + 58500 = 383499 (₹3,834.99) → ₹3,835, round-off +1
    expect(doc.regime).toBe('cgst-sgst');
    expect(doc.lines.map((l) => [l.taxablePaise, l.cgstPaise, l.sgstPaise])).toEqual([[225000, 20250, 20250], [99999, 9000, 9000]]);
    expect(doc).toMatchObject({ taxablePaise: 324999, cgstPaise: 29250, sgstPaise: 29250, igstPaise: 0, discountPaise: 25000, exactTotalPaise: 383499, roundOffPaise: 1, grandTotalPaise: 383500 });
    expect(amountInWords(doc.grandTotalPaise)).toBe('Rupees Three Thousand Eight Hundred Thirty Five Only');
  });

  it('INV-2 inter-state Karnataka → Maharashtra: IGST, mixed rates 5/18/40 %, invoice discount allocated exactly', () => {
    const input: DocumentInput = {
      date: '2026-07-01', supplierStateCode: '29',
      placeOfSupply: placeOfSupply({ supplyKind: 'regular', supplierStateCode: '29', buyerGstin: '27AAPFU0939F1ZV' }),
      supplyKind: 'regular', discount: { kind: 'amount', paise: 100_00 },
      lines: [
        { hsn: '0902', uqc: 'KGS', quantityMilli: 1500, unitPricePaise: 400_00, rateBps: 500 },
        { hsn: '84713010', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 30_000_00, rateBps: 1800 },
        { hsn: '2202', uqc: 'BTL', quantityMilli: 24000, unitPricePaise: 40_00, rateBps: 4000 },
      ],
    };
    const doc = computeDocument(input);
    // gross: 1.5 × 40000 = 60000; 3000000; 24 × 4000 = 96000; sum 3156000
    // ₹100 = 10000 spread: 10000×60000/3156000 = 190.11; ×3000000/… = 9505.70; ×96000/… = 304.18
    // floors 190 + 9505 + 304 = 9999; the 1 left goes to the largest remainder (line 2) → 190, 9506, 304
    // taxable 59810, 2990494, 95696 (sum 3146000)
    // IGST 5 % of 59810 = 2990.5 → 2991; 18 % of 2990494 = 538288.92 → 538289; 40 % of 95696 = 38278.4 → 38278
    // IGST 579558; exact 3725558 (₹37,255.58) → ₹37,256, round-off +42
    expect(input.placeOfSupply).toBe('27');
    expect(doc.regime).toBe('igst');
    expect(doc.lines.map((l) => l.invoiceDiscountPaise)).toEqual([190, 9506, 304]);
    expect(doc.lines.map((l) => [l.taxablePaise, l.igstPaise])).toEqual([[59810, 2991], [2990494, 538289], [95696, 38278]]);
    expect(doc).toMatchObject({ taxablePaise: 3146000, igstPaise: 579558, cgstPaise: 0, sgstPaise: 0, exactTotalPaise: 3725558, roundOffPaise: 42, grandTotalPaise: 3725600, discountPaise: 10000 });
    expect(doc.hsnSummary.map((h) => [h.hsn, h.rateBps, h.taxablePaise, h.igstPaise])).toEqual([
      ['0902', 500, 59810, 2991], ['84713010', 1800, 2990494, 538289], ['2202', 4000, 95696, 38278],
    ]);
    expect(amountInWords(doc.grandTotalPaise)).toBe('Rupees Thirty Seven Thousand Two Hundred Fifty Six Only');
  });

  it('INV-2 intra-state with a 7.5 % invoice discount on top of a line discount: spread before tax by largest remainder; lines, totals and HSN summary agree', () => {
    const doc = computeDocument({
      date: '2026-08-01', supplierStateCode: '29', placeOfSupply: '29', supplyKind: 'regular', discount: { kind: 'percent', bps: 750 },
      lines: [
        { hsn: '6109', uqc: 'PCS', quantityMilli: 3000, unitPricePaise: 499_00, rateBps: 500 },
        { hsn: '6109', uqc: 'PCS', quantityMilli: 2000, unitPricePaise: 1_299_00, rateBps: 1800, discount: { kind: 'percent', bps: 1000 } },
        { hsn: '6109', uqc: 'PCS', quantityMilli: 1000, unitPricePaise: 350_50, rateBps: 500 },
      ],
    });
    // nets after line discounts: 3 × 49900 = 149700; 2 × 129900 = 259800 − 10 % (25980) = 233820; 35050; sum 418570
    // invoice discount 7.5 % of 418570 = 31392.75 → 31393
    // shares: 31393 × 149700/418570 = 11227.589; × 233820/… = 17536.640; × 35050/… = 2628.771
    // floors 11227 + 17536 + 2628 = 31391; 2 left → largest remainders (line 3, then line 2) → 11227, 17537, 2629
    // taxable 138473, 216283, 32421 (sum 387177 = 418570 − 31393)
    // halves: 138473 × 2.5 % = 3461.825 → 3462; 216283 × 9 % = 19465.47 → 19465; 32421 × 2.5 % = 810.525 → 811
    // CGST = SGST = 23738; line totals 145397 + 255213 + 34043 = 434653 (₹4,346.53) → ₹4,347, round-off +47
    expect(doc.regime).toBe('cgst-sgst');
    expect(doc.lines.map((l) => l.invoiceDiscountPaise)).toEqual([11227, 17537, 2629]);
    expect(doc.lines.map((l) => [l.taxablePaise, l.cgstPaise, l.sgstPaise, l.totalPaise])).toEqual([[138473, 3462, 3462, 145397], [216283, 19465, 19465, 255213], [32421, 811, 811, 34043]]);
    expect(doc).toMatchObject({ taxablePaise: 387177, cgstPaise: 23738, sgstPaise: 23738, discountPaise: 57373, exactTotalPaise: 434653, roundOffPaise: 47, grandTotalPaise: 434700 });
    // HSN summary by code, unit and rate: the 5 % lines together.
    expect(doc.hsnSummary.map((h) => [h.hsn, h.rateBps, h.quantityMilli, h.taxablePaise, h.cgstPaise, h.sgstPaise])).toEqual([
      ['6109', 500, 4000, 170894, 4273, 4273], ['6109', 1800, 2000, 216283, 19465, 19465],
    ]);
    expect(amountInWords(doc.grandTotalPaise)).toBe('Rupees Four Thousand Three Hundred Forty Seven Only');
  });

  it('INV-2 union territory Chandigarh: CGST+UTGST, 0.25 % split into halves rounded per line', () => {
    const doc = computeDocument({
      date: '2026-05-10', supplierStateCode: '04', placeOfSupply: '04', supplyKind: 'regular',
      lines: [
        { hsn: '998311', uqc: 'OTH', quantityMilli: 1000, unitPricePaise: 10_000_00, rateBps: 1800 },
        { hsn: '7102', uqc: 'GMS', quantityMilli: 1000, unitPricePaise: 3_333_33, rateBps: 25 },
      ],
    });
    // line 1: 1000000 × 9 % = 90000 CGST, 90000 UTGST
    // line 2: 333333 × 0.125 % = 416.67 → 417 CGST, 417 UTGST
    // taxable 1333333; CGST 90417; UTGST 90417; exact 1514167 (₹15,141.67) → ₹15,142, round-off +33
    expect(doc.regime).toBe('cgst-utgst');
    expect(doc).toMatchObject({ taxablePaise: 1333333, cgstPaise: 90417, utgstPaise: 90417, sgstPaise: 0, igstPaise: 0, exactTotalPaise: 1514167, roundOffPaise: 33, grandTotalPaise: 1514200 });
  });

  it('INV-2 export: zero-rated under LUT, IGST with payment, place of supply 96', () => {
    const line = { hsn: '6109', uqc: 'PCS', quantityMilli: 10000, unitPricePaise: 1_234_56, rateBps: 1800 };
    const lut = computeDocument({ date: '2026-08-01', supplierStateCode: '29', placeOfSupply: '96', supplyKind: 'export-without-payment', lines: [line] });
    // 10 × 123456 = 1234560, no tax; ₹12,345.60 → ₹12,346, round-off +40
    expect(lut).toMatchObject({ regime: 'zero-rated', taxablePaise: 1234560, igstPaise: 0, exactTotalPaise: 1234560, roundOffPaise: 40, grandTotalPaise: 1234600 });
    const paid = computeDocument({ date: '2026-08-01', supplierStateCode: '29', placeOfSupply: '96', supplyKind: 'export-with-payment', lines: [line] });
    // IGST 18 % of 1234560 = 222220.8 → 222221; exact 1456781 → 1456800, round-off +19
    expect(paid).toMatchObject({ regime: 'igst', igstPaise: 222221, exactTotalPaise: 1456781, roundOffPaise: 19, grandTotalPaise: 1456800 });
  });

  it('INV-2 rounding: 40 paise down, 50 paise up; a tax-inclusive price gives back its taxable value', () => {
    const at = (unitPricePaise: number, extra: object = {}) => computeDocument({
      date: '2026-06-01', supplierStateCode: '29', placeOfSupply: '29', supplyKind: 'regular',
      lines: [{ hsn: '1006', uqc: 'KGS', quantityMilli: 1000, unitPricePaise, rateBps: 0, ...extra }],
    });
    expect(at(100_40)).toMatchObject({ exactTotalPaise: 10040, roundOffPaise: -40, grandTotalPaise: 10000 });
    expect(at(100_50)).toMatchObject({ exactTotalPaise: 10050, roundOffPaise: 50, grandTotalPaise: 10100 });
    expect(at(100_49)).toMatchObject({ roundOffPaise: -49, grandTotalPaise: 10000 });
    // ₹118.00 including 18 %: taxable 11800 × 10000 / 11800 = 10000; CGST 900 + SGST 900 = 11800 again
    expect(at(118_00, { rateBps: 1800, priceIncludesTax: true })).toMatchObject({ taxablePaise: 10000, cgstPaise: 900, sgstPaise: 900, grandTotalPaise: 11800, roundOffPaise: 0 });
    // with cess 12 % on top of 28 % (an old invoice): ₹140 incl. → 14000 × 10000 / 14000 = 10000 taxable, cess 1200
    const cess = computeDocument({
      date: '2025-01-10', supplierStateCode: '29', placeOfSupply: '27', supplyKind: 'regular',
      lines: [{ hsn: '8703', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 140_00, rateBps: 2800, cessBps: 1200, priceIncludesTax: true }],
    });
    expect(cess).toMatchObject({ taxablePaise: 10000, igstPaise: 2800, cessPaise: 1200, grandTotalPaise: 14000 });
  });

  it('INV-2 credit note for a return: same arithmetic, and rates of the original invoice date', () => {
    // returning 1 of the 2 discounted laptops above: 125000 − 10 % = 112500; 9 % = 10125 each;
    // exact 132750 (₹1,327.50) → ₹1,328, round-off +50
    const note = computeDocument({
      date: '2026-07-20', supplierStateCode: '29', placeOfSupply: '29', supplyKind: 'regular',
      lines: [{ hsn: '8471', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 1_250_00, rateBps: 1800, discount: { kind: 'percent', bps: 1000 } }],
    });
    expect(note).toMatchObject({ taxablePaise: 112500, cgstPaise: 10125, sgstPaise: 10125, exactTotalPaise: 132750, roundOffPaise: 50, grandTotalPaise: 132800 });
    // a credit note in October 2025 for a September 2025 invoice at 12 %: 2 × 150000 = 300000; 6 % = 18000 each
    const old = {
      date: '2025-10-15', supplierStateCode: '29', placeOfSupply: '29', supplyKind: 'regular' as const,
      lines: [{ hsn: '6109', uqc: 'PCS', quantityMilli: 2000, unitPricePaise: 1_500_00, rateBps: 1200 }],
    };
    expect(computeDocument({ ...old, rateDate: '2025-09-01' })).toMatchObject({ taxablePaise: 300000, cgstPaise: 18000, sgstPaise: 18000, grandTotalPaise: 336000 });
    expect(fieldOf(() => computeDocument(old))).toBe('lines.0.rateBps');
  });

  it('INV-2 bad lines name their field', () => {
    const ok = { hsn: '8471', uqc: 'NOS', quantityMilli: 1000, unitPricePaise: 100, rateBps: 1800 };
    const doc = (line: object, extra: object = {}) => () => computeDocument({
      date: '2026-06-01', supplierStateCode: '29', placeOfSupply: '29', supplyKind: 'regular', lines: [ok, { ...ok, ...line }], ...extra,
    });
    expect(fieldOf(doc({ hsn: '84713' }))).toBe('lines.1.hsn');
    expect(fieldOf(doc({ uqc: 'XYZ' }))).toBe('lines.1.uqc');
    expect(fieldOf(doc({ quantityMilli: -1000 }))).toBe('lines.1.quantityMilli');
    expect(fieldOf(doc({ quantityMilli: 0 }))).toBe('lines.1.quantityMilli');
    expect(fieldOf(doc({ unitPricePaise: -1 }))).toBe('lines.1.unitPricePaise');
    expect(fieldOf(doc({ rateBps: 1200 }))).toBe('lines.1.rateBps');
    expect(fieldOf(doc({ discount: { kind: 'amount', paise: 101 } }))).toBe('lines.1.discount');
    expect(fieldOf(doc({}, { discount: { kind: 'percent', bps: 10001 } }))).toBe('discount');
    expect(fieldOf(doc({}, { placeOfSupply: '00' }))).toBe('placeOfSupply');
  });

  it('INV-2 lines, totals and HSN summary always add up exactly (500 random documents)', () => {
    let seed = 42;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
    const rates = [0, 25, 300, 500, 1800, 4000];
    const hsns = ['8471', '0902', '998314', '6109'];
    for (let k = 0; k < 500; k++) {
      const lines = Array.from({ length: 1 + rnd(8) }, () => ({
        hsn: hsns[rnd(4)]!, uqc: 'NOS', quantityMilli: 1 + rnd(20000), unitPricePaise: rnd(5_000_000), rateBps: rates[rnd(6)]!,
        cessBps: rnd(4) === 0 ? rnd(3000) : 0, priceIncludesTax: rnd(2) === 0,
        discount: rnd(3) === 0 ? { kind: 'percent' as const, bps: rnd(5000) } : null,
      }));
      const pos = ['29', '27', '04'][rnd(3)]!;
      const doc = computeDocument({ date: '2026-06-01', supplierStateCode: pos === '04' ? '04' : '29', placeOfSupply: pos, supplyKind: 'regular', lines, discount: { kind: 'percent', bps: rnd(2000) } });
      for (const key of ['taxablePaise', 'cgstPaise', 'sgstPaise', 'utgstPaise', 'igstPaise', 'cessPaise'] as const) {
        expect(doc.lines.reduce((a, l) => a + l[key], 0)).toBe(doc[key]);
        expect(doc.hsnSummary.reduce((a, h) => a + h[key], 0)).toBe(doc[key]);
      }
      const taxTotal = doc.cgstPaise + doc.sgstPaise + doc.utgstPaise + doc.igstPaise + doc.cessPaise;
      expect(doc.exactTotalPaise).toBe(doc.taxablePaise + taxTotal);
      expect(doc.grandTotalPaise % 100).toBe(0);
      expect(doc.roundOffPaise).toBeGreaterThanOrEqual(-49);
      expect(doc.roundOffPaise).toBeLessThanOrEqual(50);
      for (const l of doc.lines) expect(Number.isSafeInteger(l.totalPaise)).toBe(true);
    }
  });

  it('INV-2 allocation by largest remainder adds up to the amount', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(0, [5, 7])).toEqual([0, 0]);
    expect(allocate(10, [0, 0])).toEqual([0, 0]);
    expect(allocate(7, [0, 3, 1])).toEqual([0, 5, 2]);
  });
});

describe('INV-2 amount in words and numbering', () => {
  it('INV-2 amounts in words in lakh and crore', () => {
    expect(amountInWords(0)).toBe('Rupees Zero Only');
    expect(amountInWords(5)).toBe('Rupees Zero and Five Paise Only');
    expect(amountInWords(1_00_000_00)).toBe('Rupees One Lakh Only');
    expect(amountInWords(2_50_000_50)).toBe('Rupees Two Lakh Fifty Thousand and Fifty Paise Only');
    expect(amountInWords(12_34_56_789_01)).toBe('Rupees Twelve Crore Thirty Four Lakh Fifty Six Thousand Seven Hundred Eighty Nine and One Paise Only');
    expect(indianNumberInWords(100_00_00_000)).toBe('One Hundred Crore');
    expect(indianNumberInWords(1_01_00_11_019)).toBe('One Hundred One Crore Eleven Thousand Nineteen');
    expect(amountInWords(-1_00)).toBe('Minus Rupees One Only');
  });

  it('INV-2 numbers per financial year, April to March, at most 16 characters', () => {
    expect(financialYear('2026-04-01')).toBe('2026-27');
    expect(financialYear('2027-03-31')).toBe('2026-27');
    expect(financialYear('2026-03-31')).toBe('2025-26');
    expect(financialYear('2099-12-01')).toBe('2099-00');
    expect(formatDocumentNumber({ prefix: 'INV', digits: 4 }, '2026-27', 42)).toBe('INV/2026-27/0042');
    expect(() => formatDocumentNumber({ prefix: 'INV', digits: 4 }, '2026-27', 10000)).toThrow(RangeError);
    expect(checkSeriesFormat({ prefix: 'INV', digits: 4 })).toEqual({ ok: true, longest: 'INV/2026-27/9999' });
    expect(checkSeriesFormat({ prefix: '', digits: 8 })).toEqual({ ok: true, longest: '2026-27/99999999' });
    expect(checkSeriesFormat({ prefix: 'INV', digits: 5 })).toMatchObject({ ok: false, field: 'prefix' });
    expect(checkSeriesFormat({ prefix: 'INVOICE', digits: 3 })).toMatchObject({ ok: false, field: 'prefix' });
    expect(checkSeriesFormat({ prefix: 'IN V', digits: 2 })).toMatchObject({ ok: false, field: 'prefix' });
    expect(checkSeriesFormat({ prefix: 'CN', digits: 0 })).toMatchObject({ ok: false, field: 'digits' });
  });
});
