import { FieldErrors } from '../../platform/http/field-errors';
import type { FieldCatalog, ServerField } from './fields';
import { isGroup, opsByKind, valueShape, type FilterCondition, type FilterGroup, type ViewDefinition } from './views.contract';

/**
 * CRM-6 bad input: a view naming a field the object does not have, an operator the field's
 * type does not take, or a value of the wrong type is a 400 whose details name the path
 * (`view.filter.conditions.1.value`) and the field.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DEPTH = 4;

const isDate = (v: unknown): v is string => typeof v === 'string' && DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** The message for one value of `field`, or null when it fits. */
function checkOne(field: ServerField, value: unknown): string | null {
  switch (field.kind) {
    case 'text':
      return typeof value === 'string' && value.length > 0 && value.length <= 500 ? null : `${field.label} needs text (1 to 500 characters).`;
    case 'enum':
    case 'multi':
      if (typeof value !== 'string') return `${field.label} needs one of: ${field.options?.join(', ')}.`;
      return field.options?.includes(value) ? null : `"${value}" is not an option of ${field.label} (${field.options?.join(', ')}).`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : `${field.label} needs a number.`;
    case 'date':
    case 'datetime':
      return isDate(value) ? null : `${field.label} needs a date like 2026-03-31.`;
    case 'user':
      return value === 'me' || (typeof value === 'string' && UUID.test(value)) ? null : `${field.label} needs a user id or "me".`;
    case 'ref':
    case 'tags':
      return typeof value === 'string' && UUID.test(value) ? null : `${field.label} needs an id.`;
    case 'boolean':
    case 'activity':
      return `${field.label} takes no value here.`;
  }
}

function checkCondition(c: FilterCondition, path: string, catalog: FieldCatalog, errors: FieldErrors): void {
  const field = catalog.get(c.field);
  if (!field) {
    errors.add(`${path}.field`, `Unknown field "${c.field}".`);
    return;
  }
  if (!opsByKind[field.kind].includes(c.op)) {
    errors.add(`${path}.op`, `${field.label} (${c.field}) cannot be filtered with "${c.op}"; use one of: ${opsByKind[field.kind].join(', ')}.`);
    return;
  }
  const at = `${path}.value`;
  const named = (message: string) => `${message.replace(/\.$/, '')} (field ${c.field}).`;
  switch (valueShape(c.op)) {
    case 'none':
      if (c.value !== undefined && c.value !== null) errors.add(at, named(`"${c.op}" takes no value`));
      return;
    case 'one': {
      const problem = checkOne(field, c.value);
      if (problem) errors.add(at, named(problem));
      return;
    }
    case 'list': {
      if (!Array.isArray(c.value) || c.value.length === 0 || c.value.length > 100) {
        errors.add(at, named(`"${c.op}" needs a list of 1 to 100 values`));
        return;
      }
      c.value.forEach((v, i) => {
        const problem = checkOne(field, v);
        if (problem) errors.add(`${at}.${i}`, named(problem));
      });
      return;
    }
    case 'range': {
      if (!Array.isArray(c.value) || c.value.length !== 2) {
        errors.add(at, named('"between" needs two values: [from, to]'));
        return;
      }
      c.value.forEach((v, i) => {
        const problem = checkOne(field, v);
        if (problem) errors.add(`${at}.${i}`, named(problem));
      });
      return;
    }
    case 'days':
      if (!Number.isInteger(c.value) || (c.value as number) < 0 || (c.value as number) > 36_500) errors.add(at, named('Needs a whole number of days (0 to 36500)'));
      return;
  }
}

function checkGroup(g: FilterGroup, path: string, depth: number, catalog: FieldCatalog, errors: FieldErrors): void {
  if (depth > MAX_DEPTH) {
    errors.add(path, `Filters nest at most ${MAX_DEPTH} groups deep.`);
    return;
  }
  g.conditions.forEach((node, i) => {
    const at = `${path}.conditions.${i}`;
    if (isGroup(node)) checkGroup(node, at, depth + 1, catalog, errors);
    else checkCondition(node, at, catalog, errors);
  });
}

/** Throws a 400 naming every problem; `prefix` is where the definition sits in the request body. */
export function validateView(def: ViewDefinition, catalog: FieldCatalog, prefix: string): void {
  const errors = new FieldErrors();
  def.columns?.forEach((key, i) => {
    if (!catalog.has(key)) errors.add(`${prefix}.columns.${i}`, `Unknown field "${key}".`);
  });
  if (def.filter) checkGroup(def.filter, `${prefix}.filter`, 1, catalog, errors);
  if (def.sort) {
    const field = catalog.get(def.sort.field);
    if (!field) errors.add(`${prefix}.sort.field`, `Unknown field "${def.sort.field}".`);
    else if (!field.sortable) errors.add(`${prefix}.sort.field`, `${field.label} (${def.sort.field}) cannot be sorted on.`);
  }
  if (def.groupBy) {
    const field = catalog.get(def.groupBy);
    if (!field) errors.add(`${prefix}.groupBy`, `Unknown field "${def.groupBy}".`);
    else if (!field.groupable) errors.add(`${prefix}.groupBy`, `${field.label} (${def.groupBy}) cannot be grouped by.`);
  }
  errors.throwIfAny();
}
