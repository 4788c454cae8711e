import { AppError } from './errors';

/*
 * INT-4: a webhook body whose signature holds is still untrusted input — the provider's shape is
 * checked level by level and element by element, never assumed, so an odd body is ignored or a
 * 400, never a 500.
 */

/** A parsed JSON value read as an object: anything else (`null`, a list, a string, a number) is an empty one. */
export const objectOr = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** The 400 for a signed event of a shape Kestrel does not read, naming each field that did not fit. */
export function signedEventRefused(issues: readonly { path: readonly PropertyKey[]; message: string }[]): AppError {
  const fields = Object.fromEntries(issues.map((i) => [i.path.map(String).join('.') || '(event)', i.message]));
  return new AppError('webhook_invalid', 400, 'The webhook is signed but its event is not of a shape Kestrel reads.', { fields });
}
