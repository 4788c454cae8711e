/**
 * Money, shown one way everywhere: an amount in minor units (cents, paise) of a currency,
 * formatted for a locale (the workspace's, see workspaceLocale). Amounts the API sends as
 * decimal strings ("1250.50") go through toMinorUnits first; formatAmount does both.
 */

const formatters = new Map<string, Intl.NumberFormat>();

/** The open workspace's locale (see workspaceLocale), set by the app shell: money without a locale given uses it. */
let workspaceMoneyLocale: string | undefined;
export function setMoneyLocale(locale: string | undefined): void {
  workspaceMoneyLocale = locale;
}

function formatter(currency: string, locale: string | undefined, fractionDigits?: number): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}|${fractionDigits ?? ''}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      ...(fractionDigits === undefined ? {} : { minimumFractionDigits: Math.min(fractionDigits, 2), maximumFractionDigits: fractionDigits }),
    });
    formatters.set(key, f);
  }
  return f;
}

/** How many minor units a currency has after the point: 2 for USD and INR, 0 for JPY, 3 for KWD. */
export function currencyDigits(currency: string): number {
  try {
    return formatter(currency, 'en').resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** A decimal amount ("1250.5" or 1250.5, in major units) in minor units (125050). */
export function toMinorUnits(amount: string | number, currency: string): number {
  const n = typeof amount === 'number' ? amount : Number(amount);
  return Math.round(n * 10 ** currencyDigits(currency));
}

/**
 * "$1,250.50", "₹12,50,000", "1.250,50 €" — the currency's symbol and minor units in the locale's
 * grouping. Whole amounts drop their zeros ("$1,250"). Amounts below one minor unit (an AI call
 * that cost 0.0012 cents) keep up to four significant digits instead of showing as zero.
 */
export function formatMoney(amountMinor: number, currency: string, locale: string | undefined = workspaceMoneyLocale): string {
  if (!Number.isFinite(amountMinor)) return '—';
  const digits = currencyDigits(currency);
  const major = amountMinor / 10 ** digits;
  try {
    if (amountMinor !== 0 && Math.abs(amountMinor) < 1) {
      // Enough places to show four significant digits of a fraction of a minor unit.
      const places = Math.min(20, digits + Math.max(0, Math.ceil(-Math.log10(Math.abs(amountMinor)))) + 3);
      return formatter(currency, locale, places).format(major);
    }
    const whole = Number.isInteger(amountMinor) && amountMinor % 10 ** digits === 0;
    return formatter(currency, locale, whole ? 0 : digits).format(major);
  } catch {
    return `${major.toFixed(digits)} ${currency}`;
  }
}

/** A decimal amount from the API (or nothing) formatted as money; "—" when there is none. */
export function formatAmount(amount: string | number | null | undefined, currency: string, locale: string | undefined = workspaceMoneyLocale, opts: { compact?: boolean } = {}): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  if (opts.compact) {
    // Chart axes: "$1.2M", "₹12L" — short, in the same currency and locale.
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(n);
    } catch {
      return `${n} ${currency}`;
    }
  }
  return formatMoney(toMinorUnits(n, currency), currency, locale);
}

/**
 * The locale money is shown in: the person's language with the workspace's country, so an
 * Indian workspace groups in lakhs (en-IN) and a German one writes 1.250,50 € (de-DE when the
 * browser speaks German, en-DE otherwise). Without a country, the browser's own locale.
 */
export function workspaceLocale(country: string | null | undefined, language = typeof navigator === 'undefined' ? 'en' : navigator.language): string | undefined {
  const lang = (language || 'en').split('-')[0] || 'en';
  if (!country) return typeof navigator === 'undefined' ? undefined : navigator.language;
  const tag = `${lang}-${country}`;
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length ? tag : `en-${country}`;
  } catch {
    return undefined;
  }
}
