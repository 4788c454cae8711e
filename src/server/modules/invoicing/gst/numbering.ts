// Document numbers per financial year (April to March), as GST rule 46 wants them: at most 16
// characters of letters, digits, '-' and '/', unique and consecutive within a series.

export const MAX_DOCUMENT_NUMBER_LENGTH = 16;
const ALLOWED = /^[A-Za-z0-9/-]+$/;

/** '2026-27' for any date from 1 April 2026 to 31 March 2027. */
export function financialYear(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-\d{2}$/.exec(isoDate);
  if (!m) throw new RangeError('an ISO date (YYYY-MM-DD)');
  const year = Number(m[1]);
  const start = Number(m[2]) >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export interface SeriesFormat {
  prefix: string; // e.g. 'INV'; may be empty
  digits: number; // zero-padded width of the counter; the counter never exceeds 10^digits - 1
}

export function formatDocumentNumber(series: SeriesFormat, fy: string, n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError('numbers start at 1');
  if (n > maxNumber(series)) throw new RangeError(`this series ends at ${maxNumber(series)}`);
  const counter = String(n).padStart(series.digits, '0');
  return series.prefix ? `${series.prefix}/${fy}/${counter}` : `${fy}/${counter}`;
}

export function maxNumber(series: SeriesFormat): number {
  return 10 ** series.digits - 1;
}

export type SeriesCheck = { ok: true; longest: string } | { ok: false; field: 'prefix' | 'digits'; message: string };

/** Refuses a series whose longest number would break the 16-character rule. */
export function checkSeriesFormat(series: SeriesFormat): SeriesCheck {
  if (!Number.isInteger(series.digits) || series.digits < 1 || series.digits > 9) {
    return { ok: false, field: 'digits', message: 'The counter has 1 to 9 digits.' };
  }
  if (series.prefix !== '' && !ALLOWED.test(series.prefix)) {
    return { ok: false, field: 'prefix', message: "A prefix holds letters, digits, '-' and '/' only." };
  }
  const longest = formatDocumentNumber(series, '2026-27', maxNumber(series));
  if (longest.length > MAX_DOCUMENT_NUMBER_LENGTH) {
    return {
      ok: false,
      field: 'prefix',
      message: `The longest number of this series, ${longest}, has ${longest.length} characters; GST allows ${MAX_DOCUMENT_NUMBER_LENGTH}.`,
    };
  }
  return { ok: true, longest };
}
