import { gstState } from './state-codes.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
// A regular taxpayer's GSTIN: state code, PAN, entity number, 'Z', check character.
const SHAPE = /^[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/;

/**
 * The GST portal's check character: over the first 14 characters, weights alternate 1, 2; each
 * product is folded as quotient + remainder of 36 (Luhn mod 36); the check is (36 - sum mod 36) mod 36.
 */
export function gstinCheckCharacter(first14: string): string {
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    const value = ALPHABET.indexOf(first14[i]!);
    if (value < 0) throw new Error('GSTIN characters are digits and capital letters');
    const product = value * (i % 2 === 0 ? 1 : 2);
    sum += Math.floor(product / 36) + (product % 36);
  }
  return ALPHABET[(36 - (sum % 36)) % 36]!;
}

export type GstinCheck =
  | { ok: true; gstin: string; stateCode: string; pan: string }
  | { ok: false; reason: 'format' | 'state_code' | 'check_digit'; message: string };

export function checkGstin(input: string): GstinCheck {
  const gstin = input.trim().toUpperCase();
  if (!SHAPE.test(gstin)) {
    return { ok: false, reason: 'format', message: 'A GSTIN is 15 characters: state code, PAN, entity number, Z, check character.' };
  }
  const stateCode = gstin.slice(0, 2);
  const state = gstState(stateCode);
  if (!state || state.kind === 'foreign') {
    return { ok: false, reason: 'state_code', message: `${stateCode} is not a GST state code.` };
  }
  if (gstinCheckCharacter(gstin.slice(0, 14)) !== gstin[14]) {
    return { ok: false, reason: 'check_digit', message: 'The GSTIN check character does not match; look for a typing mistake.' };
  }
  return { ok: true, gstin, stateCode, pan: gstin.slice(2, 12) };
}
