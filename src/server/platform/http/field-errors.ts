import { badRequest } from './errors';

/**
 * Field-level failures in the same shape as schema validation errors, so that a client shows
 * them the same way: `{ code: 'validation_failed', details: { fields: { 'phones.0': '…' } } }`.
 */
export class FieldErrors {
  private readonly fields: Record<string, string> = {};
  add(field: string, message: string): void {
    this.fields[field] ??= message;
  }
  get any(): boolean {
    return Object.keys(this.fields).length > 0;
  }
  throwIfAny(): void {
    if (this.any) throw invalidFields(this.fields);
  }
}

export const invalidFields = (fields: Record<string, string>) =>
  badRequest('validation_failed', `Some fields are not valid (${Object.keys(fields).join(', ')}).`, { fields, in: 'body' });
