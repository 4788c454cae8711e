// Integer paise arithmetic. Every amount is a safe integer; no floating point reaches a total.

export function assertSafe(value: number, what: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} is outside the range of exact integers`);
  return value;
}

/** numerator / denominator rounded half away from zero, for integers with denominator > 0. */
export function divRound(numerator: number, denominator: number): number {
  assertSafe(numerator, 'amount');
  const sign = numerator < 0 ? -1 : 1;
  const n = Math.abs(numerator);
  const q = Math.floor(n / denominator);
  const r = n - q * denominator;
  return sign * (2 * r >= denominator ? q + 1 : q);
}

/** a × b / d rounded half away from zero, exact for any safe integers (computed in BigInt). */
export function mulDivRound(a: number, b: number, d: number): number {
  const n = BigInt(a) * BigInt(b);
  const den = BigInt(d);
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let q = abs / den;
  if (2n * (abs - q * den) >= den) q += 1n;
  return assertSafe(Number(neg ? -q : q), 'amount');
}

/**
 * Splits `total` across `weights` in proportion, by largest remainder, so the parts add up to
 * `total` exactly. Ties go to the earlier weight.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = BigInt(weights.reduce((a, b) => a + b, 0));
  if (sum === 0n) return weights.map(() => 0);
  const t = BigInt(total);
  const parts = weights.map((w) => Number((t * BigInt(w)) / sum));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => ({ i, rem: (t * BigInt(w)) % sum }))
    .sort((a, b) => (b.rem > a.rem ? 1 : b.rem < a.rem ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left === 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/** Rounds paise to the whole rupee, 50 paise and more up. */
export function roundToRupee(paise: number): number {
  return divRound(paise, 100) * 100;
}
