import { expect } from 'vitest';
import { AppError } from '../../src/server/platform/http/errors';

/** The AppError a call fails with (its code, status and details), failing the test if it succeeds or throws anything else. */
export async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the call to fail');
}
