import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../platform/db/database';
import type { WorkspaceContext } from '../../platform/db/tenant';
import { emailAddressPattern, normaliseEmail } from '../accounts/accounts.contract';
import type { RecordType } from './crm.contract';
import { customFieldDefinitions, type CustomValues } from './crm.schema';
import { toE164, type FieldErrors } from './normalise';

type Definition = typeof customFieldDefinitions.$inferSelect;

const emailCheck = z.string().max(254).regex(emailAddressPattern);
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** One value against its definition: the stored form, or a message saying what is wrong. */
function checkValue(def: Definition, value: unknown, region: string | null): { value: unknown } | { error: string } {
  switch (def.type) {
    case 'text':
      return typeof value === 'string' && value.length <= 10_000 ? { value: value.trim() } : { error: 'Expected text (at most 10,000 characters).' };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { value } : { error: 'Expected a number.' };
    case 'currency':
      return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) < 1e12 && Math.abs(value * 100 - Math.round(value * 100)) < 1e-6
        ? { value }
        : { error: 'Expected an amount with at most 2 decimals.' };
    case 'date':
      return typeof value === 'string' && isDate(value) ? { value } : { error: 'Expected a date like 2026-03-31.' };
    case 'checkbox':
      return typeof value === 'boolean' ? { value } : { error: 'Expected true or false.' };
    case 'select':
      return typeof value === 'string' && def.options.includes(value) ? { value } : { error: `Expected one of: ${def.options.join(', ')}.` };
    case 'multi_select':
      return Array.isArray(value) && value.every((v) => typeof v === 'string' && def.options.includes(v))
        ? { value: [...new Set(value as string[])] }
        : { error: `Expected a list of: ${def.options.join(', ')}.` };
    case 'url': {
      if (typeof value !== 'string') return { error: 'Expected a web address.' };
      try {
        const url = new URL(value.trim());
        return url.protocol === 'http:' || url.protocol === 'https:' ? { value: url.toString() } : { error: 'Expected an http or https address.' };
      } catch {
        return { error: 'Expected a web address like https://example.com.' };
      }
    }
    case 'email': {
      const email = typeof value === 'string' ? normaliseEmail(value) : null;
      return email && emailCheck.safeParse(email).success ? { value: email } : { error: 'Expected an email address.' };
    }
    case 'phone': {
      const phone = typeof value === 'string' ? toE164(value, region) : null;
      return phone ? { value: phone } : { error: 'Expected a phone number.' };
    }
  }
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * CRM-5: checks custom values against the object's definitions and merges them into the
 * record's current values (`previous`, or null on create). A null value clears a field.
 * Errors are named `custom.<key>`.
 */
export async function checkCustomValues(
  tx: Tx,
  ctx: WorkspaceContext,
  object: RecordType,
  input: Record<string, unknown> | undefined,
  previous: CustomValues | null,
  region: string | null,
  errors: FieldErrors,
): Promise<CustomValues> {
  const defs = await tx
    .select()
    .from(customFieldDefinitions)
    .where(and(eq(customFieldDefinitions.workspaceId, ctx.workspaceId), eq(customFieldDefinitions.object, object)))
    .orderBy(asc(customFieldDefinitions.position));
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const merged: CustomValues = { ...(previous ?? {}) };
  for (const [key, value] of Object.entries(input ?? {})) {
    const def = byKey.get(key);
    if (!def) {
      errors.add(`custom.${key}`, `There is no custom field "${key}" on ${object}.`);
      continue;
    }
    if (isEmpty(value)) {
      delete merged[key];
      continue;
    }
    const checked = checkValue(def, value, region);
    if ('error' in checked) errors.add(`custom.${key}`, checked.error);
    else merged[key] = checked.value;
  }
  // Required fields must have a value after the write, whether it is a create or an update that clears one.
  for (const def of defs) {
    const touched = input !== undefined && key(input, def.key);
    if (def.required && isEmpty(merged[def.key]) && (previous === null || touched)) errors.add(`custom.${def.key}`, `${def.label} is required.`);
  }
  return merged;
}

const key = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
