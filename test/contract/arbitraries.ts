/**
 * fast-check arbitraries from the document's JSON Schemas: values a schema accepts, and
 * values that break it in one way — a wrong type, a missing field, a bound crossed, an
 * extra field, odd unicode, a huge number.
 */
import fc from "fast-check";
import type { JsonSchema } from "../../sdk/schemas.js";

/** Numbers past every bound, and past what a database column holds. */
const HUGE = [2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, -(2 ** 31) - 1, Number.MIN_VALUE];
/** Strings a careless parser or database trips on. */
const ODD_STRINGS = ["", " ", "\u0000", "\ud800", "\u202eevil", "🦄🦄🦄", "'; DROP TABLE loans; --", "%00", "NaN", "Infinity", "1e400", "-0", "0x10", "../../etc/passwd", "a".repeat(5000)];

/** Any JSON value, unicode included. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue(), fc.string({ unit: "binary", maxLength: 40 }), fc.constantFrom<unknown>(...HUGE, ...ODD_STRINGS, null, true, [], {}));

const INT_MAX = 2 ** 31 - 1;

/** Values of fields that must name something that exists to get past a 404 or 422. */
export type Hints = Record<string, () => fc.Arbitrary<unknown> | undefined>;

/** A value the schema accepts; its `examples` among them, as often as not. */
export function validValue(schema: JsonSchema, hints: Hints = {}): fc.Arbitrary<unknown> {
  const generated = generatedValue(schema, hints);
  return schema.examples?.length ? fc.oneof(fc.constantFrom(...schema.examples), generated) : generated;
}

function generatedValue(schema: JsonSchema, hints: Hints): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf) return fc.oneof(...schema.oneOf.map((s) => validValue(s)));
  switch (typeOf(schema)) {
    case "integer":
      return fc.integer({ min: lower(schema, 1) ?? -INT_MAX, max: Math.min(upper(schema, 1) ?? INT_MAX, INT_MAX) });
    case "number":
      return fc.double({ min: lower(schema, Number.EPSILON) ?? -1e9, max: upper(schema, Number.EPSILON) ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "string":
      return stringValue(schema);
    case "array":
      return fc.array(schema.items ? validValue(schema.items) : anyJson, { minLength: schema.minItems ?? 0, maxLength: schema.maxItems ?? 5 });
    case "object":
      return objectValue(schema, hints);
    default:
      return anyJson;
  }
}

function stringValue(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 200;
  const base = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)) : fc.string({ unit: "grapheme", minLength, maxLength: Math.min(maxLength, minLength + 40) });
  return base.filter((s) => s.length >= minLength && s.length <= maxLength);
}

function objectValue(schema: JsonSchema, hints: Hints = {}): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const model = Object.fromEntries(
    Object.entries(properties).map(([k, v]) => {
      const hinted = hints[k]?.();
      return [k, hinted ? fc.oneof(hinted, validValue(v)) : validValue(v)];
    }),
  );
  return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value of another JSON type than the schema's, or an odd one of the same type. */
export function wrongValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const type = typeOf(schema);
  const others: unknown[] = [null, true, 42, -1, 1.5, "text", [], [1, "a"], { nested: { deeper: 1 } }].filter((v) => !sameType(v, type));
  const bounds: unknown[] = [];
  if (type === "integer" || type === "number") {
    bounds.push(...HUGE, 0, -1, 0.5);
    if (schema.minimum !== undefined) bounds.push(schema.minimum - 1);
    if (schema.maximum !== undefined) bounds.push(schema.maximum + 1, schema.maximum * 1000);
  }
  if (type === "string") {
    bounds.push(...ODD_STRINGS);
    if (schema.maxLength !== undefined) bounds.push("x".repeat(schema.maxLength + 1), "é".repeat(schema.maxLength));
  }
  return fc.oneof(fc.constantFrom(...others, ...bounds), fc.string({ unit: "binary", maxLength: 30 }));
}

/** A body that breaks the object schema in one way. */
export function invalidBody(schema: JsonSchema): fc.Arbitrary<unknown> {
  const properties = Object.entries(schema.properties ?? {});
  const required = (schema.required ?? []) as string[];
  const valid = objectValue(schema);
  const ways: Array<fc.Arbitrary<unknown>> = [
    // An extra field, of any kind.
    fc.tuple(valid, fc.string({ unit: "binary", minLength: 1, maxLength: 12 }), anyJson).map(([body, key, value]) => ({ ...body, [key]: value })),
    // Not an object at all.
    anyJson,
  ];
  if (properties.length) {
    ways.push(fc.tuple(valid, fc.constantFrom(...properties)).chain(([body, [name, field]]) => wrongValue(field).map((value) => ({ ...body, [name]: value }))));
  }
  if (required.length) {
    ways.push(fc.tuple(valid, fc.constantFrom(...required)).map(([body, name]) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== name))));
  }
  return fc.oneof(...ways);
}

/** A query or path value that breaks the parameter's schema, as the text a URL carries. */
export function invalidParamText(schema: JsonSchema): fc.Arbitrary<string> {
  return wrongValue(schema).map((v) => (typeof v === "string" ? v : (JSON.stringify(v) ?? "")));
}

export function paramText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  return type as string | undefined;
}

function sameType(value: unknown, type: string | undefined): boolean {
  if (type === "integer") return Number.isInteger(value);
  if (type === "number") return typeof value === "number";
  if (type === "array") return Array.isArray(value);
  if (type === "object") return typeof value === "object" && value !== null && !Array.isArray(value);
  if (type === "null") return value === null;
  return typeof value === type;
}

function lower(schema: JsonSchema, step: number): number | undefined {
  return schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + step : schema.minimum;
}

function upper(schema: JsonSchema, step: number): number | undefined {
  return schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - step : schema.maximum;
}
