/**
 * fastest-validator rules as the OpenAPI document describes them (services/api/openapi/
 * fv-schema.ts): the long form and the shorthand alike, bounds kept, optional and default
 * fields not required, and the action's own rules left as they were.
 */
import { paramsSchema } from "../../services/api/openapi/fv-schema.js";
import { pageParams } from "../../services/shared/pagination.js";
import { emailParam, idParam } from "../../services/shared/params.js";

test("numbers: integer, positive as exclusiveMinimum 0, min and max, default", () => {
  const { properties, required } = paramsSchema({ ...pageParams, id: idParam }, "t");
  expect(properties.pageSize).toEqual({ type: "integer", exclusiveMinimum: 0, maximum: 100, default: 20 });
  expect(properties.id).toEqual({ type: "integer", exclusiveMinimum: 0, maximum: 2147483647 });
  expect(required).toEqual(["id"]);
});

test("strings: length bounds and the pattern's source", () => {
  const { properties } = paramsSchema({ email: emailParam }, "t");
  expect(properties.email).toEqual({ type: "string", minLength: 3, maxLength: 254, pattern: emailParam.pattern.source });
  expect(new RegExp(properties.email!.pattern!).test("ada@example.com")).toBe(true);
});

test("shorthand, enums, multi rules, arrays, objects and $$strict", () => {
  const schema = paramsSchema(
    {
      $$strict: true,
      name: "string|min:2|max:5",
      role: { type: "enum", values: ["a", "b"], optional: true },
      amount: [
        { type: "string", pattern: /^\d+$/ },
        { type: "number", min: 1 },
      ],
      tags: { type: "array", items: "string", max: 3 },
      address: { type: "object", props: { city: "string", zip: { type: "string", optional: true } } },
      when: { type: "date", convert: true, nullable: true },
    },
    "t",
  );
  expect(schema.properties).toEqual({
    name: { type: "string", minLength: 2, maxLength: 5 },
    role: { type: "string", enum: ["a", "b"] },
    amount: {
      oneOf: [
        { type: "string", pattern: "^\\d+$" },
        { type: "number", minimum: 1 },
      ],
    },
    tags: { type: "array", maxItems: 3, items: { type: "string" } },
    address: { type: "object", properties: { city: { type: "string" }, zip: { type: "string" } }, required: ["city"] },
    when: { type: ["string", "null"], format: "date-time" },
  });
  expect(schema.required).toEqual(["name", "amount", "tags", "address", "when"]);
  expect(schema.closed).toBe(true);
});

test("an optional multi rule stays optional, and the action's rules are not rewritten", () => {
  const params = { principal: { type: "multi", rules: [{ type: "string" }, { type: "number" }], optional: true }, name: "string|min:1" };
  const before = JSON.stringify(params);
  expect(paramsSchema(params, "t").required).toEqual(["name"]);
  expect(JSON.stringify(params)).toBe(before);
});

test("a rule type it cannot describe is refused, naming the action and the field", () => {
  expect(() => paramsSchema({ card: { type: "luhn" } }, "billing.pay")).toThrow(/billing\.pay\.card uses the rule type "luhn"/);
});
