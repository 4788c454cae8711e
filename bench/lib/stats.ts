export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** 1234.5 ms → "1.23 s", 87.4 → "87 ms". */
export const ms = (value: number): string => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`);

export const mib = (kib: number): string => `${(kib / 1024).toFixed(0)} MiB`;

export const int = (value: number): string => Math.round(value).toLocaleString('en-US');

export const ratio = (value: number): string => `${value.toFixed(value < 0.1 ? 3 : 2)}×`;

export function table(header: string[], rows: (string | number)[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The q-quantile (0.95 for p95) by the nearest-rank method: a value that was measured. */
export const percentile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};
