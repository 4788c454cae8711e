// GST rates in basis points (1800 = 18 %, 25 = 0.25 %) with the dates they apply.
// On 22 September 2025 the 12 % and 28 % slabs ended and 40 % began; an invoice keeps the
// rates valid on its own date, so old invoices still carry 12 and 28.

export interface RatePeriod {
  from: string; // ISO date, inclusive
  until: string | null; // ISO date, inclusive; null while current
  ratesBps: readonly number[];
}

export const GST_START = '2017-07-01';
export const RATE_REFORM_2025 = '2025-09-22';

export const RATE_TABLE: readonly RatePeriod[] = [
  { from: GST_START, until: '2025-09-21', ratesBps: [0, 25, 300, 500, 1200, 1800, 2800] },
  { from: RATE_REFORM_2025, until: null, ratesBps: [0, 25, 300, 500, 1800, 4000] },
];

export function ratesOn(date: string): readonly number[] {
  const period = RATE_TABLE.find((p) => date >= p.from && (p.until === null || date <= p.until));
  return period ? period.ratesBps : [];
}

export function isRateValidOn(rateBps: number, date: string): boolean {
  return ratesOn(date).includes(rateBps);
}

/** Every rate ever in the table, for a product's default rate. */
export const ALL_RATES_BPS: readonly number[] = [...new Set(RATE_TABLE.flatMap((p) => p.ratesBps))].sort((a, b) => a - b);

export function formatRate(rateBps: number): string {
  return `${rateBps / 100}%`;
}
