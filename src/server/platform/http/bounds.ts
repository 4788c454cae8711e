import { z } from 'zod';

/**
 * Bounded primitives for request contracts: every number and string a caller sends is bounded by
 * what its column holds, so bad input is a 400 and never reaches PostgreSQL as an error (a 500).
 * Imports only zod: the web app shares the contracts.
 */

/** PostgreSQL `integer` (int4). */
export const INT4_MAX = 2_147_483_647;
export const INT4_MIN = -2_147_483_648;

/** A whole number an `integer` column holds. */
export const int4 = () => z.int32('Use a whole number.');

/** The version a client read, for optimistic locking (an `integer` starting at 1). */
export const versionInput = () => int4().min(1, 'Not a version.');

/** A place in an ordered list (rules, stages): an `integer`, at most 10,000. */
export const positionInput = () => int4().min(0, 'Cannot be negative.').max(10_000, 'At most 10,000.');

/** Tokens of one model call: far below `integer`, and low enough that their cost fits `numeric(14, 8)`. */
export const tokenCountInput = () => int4().min(0, 'Cannot be negative.').max(10_000_000, 'At most 10,000,000 tokens.');

/** A JSON object of free keys (custom values): keys and count bounded. */
export const boundedRecord = <V extends z.ZodType>(value: V, { maxKeys = 200, maxKeyLength = 100 } = {}) =>
  z.record(z.string().max(maxKeyLength, `Keys of at most ${maxKeyLength} characters.`), value).refine((r) => Object.keys(r).length <= maxKeys, `At most ${maxKeys} entries.`);

/**
 * A whole number a `bigint` column holds (money in minor units, sequence positions), between
 * `min` and `max`, both within what JavaScript counts exactly. Marked int64 in the API document so
 * clients use a 64-bit type.
 */
export const int8 = (min: number, max: number) => z.int('Use a whole number.').min(min).max(max).meta({ format: 'int64' });
