/**
 * fastest-validator rules (an action's `params`) as JSON Schema, the way moleculer-auto-openapi
 * reads them: each rule is first normalised by the validator itself, so the shorthand
 * ("string|min:3", arrays of rules) reads like the long form; then its type is mapped.
 * Only what the validator enforces is said. A rule type with no JSON Schema meaning is
 * refused with the action and field named, so no action is published with a guessed contract.
 */
import Validator, { type ValidationRuleObject, type ValidationSchema } from "fastest-validator";
import type { JsonSchema, JsonType } from "../../../sdk/schemas.js";

const validator = new Validator();

/**
 * The validator's `normalize` rewrites the object it is given (a multi rule's `optional`
 * becomes false, shorthands become objects): it is only ever given a copy, never the
 * action's own `params`, which Moleculer compiles.
 */
function normalised(rules: unknown): unknown {
  return validator.normalize(copy(rules));
}

function copy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copy) as T;
  if (value && typeof value === "object" && !(value instanceof RegExp)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)])) as T;
  return value;
}

/** A rule as `normalize` leaves it: every key of every rule type, loosely. */
type Rule = ValidationRuleObject & Record<string, unknown>;

export interface ObjectSchema {
  properties: Record<string, JsonSchema>;
  required: string[];
  /** `$$strict: true`: a field not listed is refused. */
  closed: boolean;
}

/** The rules of an action's `params`, each with whether it must be sent. */
export function paramsSchema(params: ValidationSchema, where: string): ObjectSchema {
  const rules = normalised(params) as Record<string, Rule> & { $$strict?: unknown };
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [field, rule] of Object.entries(rules) as Array<[string, Rule]>) {
    if (field.startsWith("$$")) continue; // validator options such as $$strict, not fields
    properties[field] = ruleSchema(rule, `${where}.${field}`);
    if (!isOptional(rule) && !isOptional(params[field] as Rule)) required.push(field);
  }
  return { properties, required, closed: rules.$$strict === true };
}

/** `normalize` turns a multi rule's own `optional: true` into false; the original says. */
function isOptional(rule: Rule | string | undefined): boolean {
  return typeof rule === "object" && !Array.isArray(rule) && (rule.optional === true || rule.default !== undefined);
}

export function ruleSchema(rule: Rule, where: string): JsonSchema {
  const schema = typed(rule, where);
  if (rule.default !== undefined && typeof rule.default !== "function") schema.default = rule.default;
  if (rule.nullable === true && typeof schema.type === "string") schema.type = [schema.type, "null"];
  return schema;
}

function typed(rule: Rule, where: string): JsonSchema {
  switch (rule.type) {
    case "string":
      return stringSchema(rule);
    case "number":
      return numberSchema(rule);
    case "boolean":
      return { type: "boolean" };
    case "enum": {
      const values = rule.values as unknown[];
      return { type: jsonTypeOf(values), enum: values };
    }
    case "equal":
      return { const: rule.value };
    case "email":
      return { type: "string", format: "email", ...bounds(rule, "minLength", "maxLength") };
    case "uuid":
      return { type: "string", format: "uuid" };
    case "url":
      return { type: "string", format: "uri" };
    case "date":
      return { type: "string", format: "date-time" };
    case "multi": {
      const alternatives = (rule.rules as Rule[]).map((r, i) => ruleSchema(normalised(r) as Rule, `${where}[${i}]`));
      return decimalOf(alternatives) ?? { oneOf: alternatives };
    }
    case "array":
      return arraySchema(rule, where);
    case "object":
      return objectSchema(rule, where);
    case "any":
      return {};
    default:
      throw new Error(`OpenAPI: ${where} uses the rule type "${rule.type}", which services/api/openapi/fv-schema.ts cannot describe yet: add it there`);
  }
}

/**
 * A decimal string or a number (money): documented as the string alone, `format: decimal`.
 * A `oneOf [string, number]` would have every generator offer a float for money; the
 * number is still accepted, and the description says so.
 */
function decimalOf(alternatives: JsonSchema[]): JsonSchema | undefined {
  const text = alternatives.find((s) => s.type === "string" && s.format === "decimal");
  const others = alternatives.filter((s) => s !== text);
  if (!text || others.length === 0 || !others.every((s) => s.type === "number" || s.type === "integer")) return undefined;
  return { ...text, description: 'A decimal string, e.g. "250000.00"; a JSON number is accepted too, but only a string is exact' };
}

/** Patterns whose strings are a calendar date, or a decimal number: those get a `format`. */
const CALENDAR_DATE = "^\\d{4}-\\d{2}-\\d{2}$";
function isDecimalPattern(pattern: string): boolean {
  const re = new RegExp(pattern);
  return ["250000.00", "12", "0.5"].every((s) => re.test(s)) && !["", "x", "1e5", "1,5"].some((s) => re.test(s));
}

function stringSchema(rule: Rule): JsonSchema {
  const schema: JsonSchema = { type: "string", ...bounds(rule, "minLength", "maxLength") };
  if (typeof rule.length === "number") Object.assign(schema, { minLength: rule.length, maxLength: rule.length });
  if (rule.empty === false && schema.minLength === undefined) schema.minLength = 1;
  if (rule.pattern) schema.pattern = rule.pattern instanceof RegExp ? rule.pattern.source : String(rule.pattern);
  if (Array.isArray(rule.enum)) schema.enum = rule.enum;
  if (rule.numeric) schema.pattern = "^-?\\d+(\\.\\d+)?$";
  if (schema.pattern === CALENDAR_DATE) schema.format = "date";
  else if (schema.pattern && isDecimalPattern(schema.pattern)) schema.format = "decimal";
  return schema;
}

function numberSchema(rule: Rule): JsonSchema {
  const schema: JsonSchema = { type: rule.integer ? "integer" : "number", ...bounds(rule, "minimum", "maximum") };
  if (rule.positive && (schema.minimum === undefined || schema.minimum <= 0)) {
    delete schema.minimum;
    schema.exclusiveMinimum = 0;
  }
  if (rule.negative && (schema.maximum === undefined || schema.maximum >= 0)) {
    delete schema.maximum;
    schema.exclusiveMaximum = 0;
  }
  if (typeof rule.equal === "number") schema.const = rule.equal;
  return schema;
}

function arraySchema(rule: Rule, where: string): JsonSchema {
  const schema: JsonSchema = { type: "array", ...bounds(rule, "minItems", "maxItems") };
  if (rule.items) schema.items = ruleSchema(normalised(rule.items) as Rule, `${where}[]`);
  if (rule.unique) schema.uniqueItems = true;
  return schema;
}

function objectSchema(rule: Rule, where: string): JsonSchema {
  const props = (rule.props ?? rule.properties) as ValidationSchema | undefined;
  if (!props) return { type: "object" };
  const { properties, required } = paramsSchema(props, where);
  const schema: JsonSchema = { type: "object", properties };
  if (required.length) schema.required = required;
  // "remove" drops unknown fields silently: they are accepted, so only `true` closes it.
  if (rule.strict === true) schema.additionalProperties = false;
  return schema;
}

/** fastest-validator's `min`/`max` under the JSON Schema names of this type. */
function bounds<L extends keyof JsonSchema, U extends keyof JsonSchema>(rule: Rule, lower: L, upper: U): Partial<Record<L | U, number>> {
  const out: Partial<Record<L | U, number>> = {};
  if (typeof rule.min === "number") out[lower] = rule.min;
  if (typeof rule.max === "number") out[upper] = rule.max;
  return out;
}

function jsonTypeOf(values: unknown[]): JsonType | JsonType[] {
  const types = [...new Set(values.map((v) => (typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : (typeof v as JsonType))))];
  return types.length === 1 ? types[0]! : types;
}
