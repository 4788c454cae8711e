import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document (as zod 4 writes them):
 * `valid` makes values the schema accepts (mostly: refinements the schema cannot express may
 * still refuse them), `hostile` makes values it should refuse, one bad spot at a time anywhere in
 * the value: wrong types, huge and negative numbers, long and odd strings, nulls, unknown keys.
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

export interface ArbitraryOptions {
  /** components.schemas of the document, for `$ref`s. */
  components: Record<string, JsonSchema>;
  /** Values to prefer for a property or parameter of this name (ids of real records). */
  known?: (name: string) => string[] | undefined;
  /** Where strings with format `uri` point: the fuzz never makes calls leave the machine. */
  uriBase?: string;
  /** Every property present, every number at a bound of its schema, free text at its longest. */
  extremes?: boolean;
}

const MAX_DEPTH = 4;

/** Strings that have broken servers: NUL, lone surrogates, control and direction characters, injection shapes. */
export const oddStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '\u0007\u001b[31m\r\n\t',
  '😀'.repeat(300),
  "'; DROP TABLE contacts; --",
  '%00%ff%',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '{{7*7}}${7*7}',
  '\\',
  '0',
  '-1',
  'null',
  'true',
  '1e309',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
  '=1+1',
];

export const hugeNumbers = [2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 1e21, 1e308, -1e308, -1, 0, 0.5, -0.000001, Number.MAX_SAFE_INTEGER];

/** One hostile value, whatever the schema: wrong types, extremes, long and odd strings. */
export const hostileLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constantFrom(...hugeNumbers),
  fc.constantFrom(...oddStrings),
  fc.constantFrom('x'.repeat(5_000), 'x'.repeat(100_000), 'é'.repeat(70_000)),
  fc.boolean(),
  fc.constantFrom<unknown>([], {}, [null], { a: { b: { c: [1, 'x', null] } } }, Array.from({ length: 5000 }, (_, i) => i)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 2 }),
);

export function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 20; i++) {
    const name = s.$ref.replace('#/components/schemas/', '');
    const target = components[name];
    if (!target) throw new Error(`unresolved $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

const typesOf = (s: JsonSchema): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);

/** Values the schema accepts. */
export function valid(schema: JsonSchema, opts: ArbitraryOptions, name = '', depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, opts.components);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    // Deep in a recursive schema, prefer branches without references so values stay finite.
    const usable = depth >= MAX_DEPTH ? branches.filter((b) => !b.$ref) : branches;
    return fc.oneof(...(usable.length ? usable : branches).map((b) => valid(b, opts, name, depth + 1)));
  }
  if (s.allOf?.length) return valid(s.allOf[0]!, opts, name, depth + 1);
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((t) => valid({ ...s, type: t }, opts, name, depth)));
  const known = opts.known?.(name);
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = Math.max(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -(2 ** 40)), Number.MIN_SAFE_INTEGER);
      const max = Math.min(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 2 ** 40), Number.MAX_SAFE_INTEGER);
      if (opts.extremes) return fc.constantFrom(min, max);
      const small = fc.integer({ min: Math.max(min, Math.min(max, -1000)), max: Math.min(max, Math.max(min, 1000)) });
      return fc.oneof(small, fc.constantFrom(min, max), fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number));
    }
    case 'number': {
      const min = s.minimum ?? s.exclusiveMinimum ?? -1e15;
      const max = s.maximum ?? s.exclusiveMaximum ?? 1e15;
      if (opts.extremes && s.exclusiveMinimum === undefined && s.exclusiveMaximum === undefined) return fc.constantFrom(min, max);
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: s.exclusiveMinimum !== undefined, maxExcluded: s.exclusiveMaximum !== undefined });
    }
    case 'string':
      return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: validString(s, opts) }) : validString(s, opts);
    case 'array': {
      const items = s.items ?? {};
      const maxLength = Math.min(s.maxItems ?? 4, Math.max(s.minItems ?? 0, depth >= MAX_DEPTH ? 1 : 4));
      return fc.array(valid(items, opts, name, depth + 1), { minLength: s.minItems ?? 0, maxLength });
    }
    case 'object':
    default: {
      if (!s.properties && types[0] !== 'object') return fc.jsonValue({ maxDepth: 2 });
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, opts, k, depth + 1)])),
        { requiredKeys: Object.keys(props).filter((k) => opts.extremes || required.has(k)) },
      ) as fc.Arbitrary<Record<string, unknown>>;
      if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), valid(s.additionalProperties, opts, '', depth + 1), { maxKeys: 3 });
        return fc.tuple(record, extra).map(([r, e]) => ({ ...e, ...r }));
      }
      return record;
    }
  }
}

function validString(s: JsonSchema, opts: ArbitraryOptions): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = s.maxLength ?? 200;
  const fits = (v: string) => v.length >= minLength && v.length <= maxLength;
  switch (s.format) {
    case 'uuid':
      return fc.uuid({ version: 7 });
    case 'email':
      return fc.emailAddress().filter(fits);
    case 'date-time':
      return fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uri':
    case 'url':
      return fc.webPath().map((p) => `${opts.uriBase ?? 'http://127.0.0.1:9'}${p}`).filter(fits);
  }
  if (opts.extremes && !s.pattern) return fc.constant('x'.repeat(Math.max(minLength, Math.min(maxLength, 100_000))));
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
    } catch {
      // A pattern JavaScript cannot compile falls through to free text.
    }
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, 40)) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, Math.max(minLength, 20)) }).filter(fits) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(Math.max(minLength, maxLength))) },
  );
}

/** Values with one hostile spot: the whole value, or one property or item at any depth. */
export function hostile(schema: JsonSchema, opts: ArbitraryOptions, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, opts.components);
  const branches = s.anyOf ?? s.oneOf;
  if (branches && depth < MAX_DEPTH) return fc.oneof(hostileLeaf, ...branches.filter((b) => !typesOf(resolve(b, opts.components)).includes('null')).map((b) => hostile(b, opts, depth + 1)));
  const types = typesOf(s);
  if (depth < MAX_DEPTH && types.includes('object') && s.properties && Object.keys(s.properties).length) {
    const keys = Object.keys(s.properties);
    return fc.oneof(
      { weight: 1, arbitrary: hostileLeaf },
      {
        weight: 4,
        arbitrary: fc
          .tuple(valid(s, opts, '', depth) as fc.Arbitrary<Record<string, unknown>>, fc.constantFrom(...keys), fc.nat())
          .chain(([value, key]) => hostile(s.properties![key]!, opts, depth + 1).map((bad) => ({ ...value, [key]: bad }))),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(valid(s, opts, '', depth) as fc.Arbitrary<Record<string, unknown>>, fc.constantFrom('__proto__', 'constructor', 'unknownField', 'x'.repeat(300)), hostileLeaf)
          .map(([value, key, bad]) => {
            // Keys whose value is undefined vanish from JSON: decide the comma on the JSON, not on the keys.
            const rest = JSON.stringify({ ...value }).slice(1);
            return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(bad) ?? 'null'}${rest === '}' ? '' : ','}${rest}`);
          }),
      },
    );
  }
  if (depth < MAX_DEPTH && types.includes('array') && s.items) {
    return fc.oneof(
      hostileLeaf,
      fc.tuple(valid(s, opts, '', depth) as fc.Arbitrary<unknown[]>, hostile(s.items, opts, depth + 1)).map(([value, bad]) => [...value, bad]),
      fc.constant(Array.from({ length: (s.maxItems ?? 100) + 1 }, () => null)),
    );
  }
  if (types.includes('integer') || types.includes('number')) return fc.oneof(fc.constantFrom(...hugeNumbers), fc.constantFrom((s.minimum ?? 0) - 1, (s.maximum ?? 2 ** 31) + 1), hostileLeaf);
  if (types.includes('string')) return fc.oneof(fc.constantFrom(...oddStrings), fc.constant('y'.repeat((s.maxLength ?? 10_000) + 1)), hostileLeaf);
  return hostileLeaf;
}
