/**
 * Money as the business writes it: the workspace's currency in its locale (the reader's
 * language with the workspace's country, so an Indian workspace shows ₹1,00,000 and a German
 * one 1.000 €). Amounts arrive as decimal strings in major units.
 */
export function moneyLocale(country: string | null | undefined): string | undefined {
  const language = typeof navigator === 'undefined' ? 'en' : (navigator.language || 'en').split('-')[0]!;
  if (!country) return undefined;
  try {
    return Intl.getCanonicalLocales(`${language}-${country}`)[0];
  } catch {
    return undefined;
  }
}

export function formatMoney(amount: string | number | null | undefined, currency: string, locale?: string, opts: { compact?: boolean } = {}): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const n = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  try {
    return new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      ...(opts.compact ? { notation: 'compact', maximumFractionDigits: 1 } : { maximumFractionDigits: n % 1 === 0 ? 0 : 2 }),
    }).format(n);
  } catch {
    return `${n.toFixed(2)} ${currency}`;
  }
}
