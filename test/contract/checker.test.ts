/**
 * The check every e2e answer passes through (test/support/contract.ts) catches what it is
 * there to catch: fields added, dropped or mistyped, unlisted statuses, missing headers,
 * bodies where none belong, and errors off the shared shape.
 */
import { EXAMPLE_LOAN, EXAMPLE_USER } from "../../sdk/schemas.js";
import { checkAnswer } from "../support/contract.js";

const json = (extra: Record<string, string> = {}) => new Headers({ "content-type": "application/json; charset=utf-8", ...extra });
const answer = (status: number, body: unknown, headers = json()) => ({ status, body, headers });
const notFound = { name: "NotFoundError", message: "loan 9 not found", code: 404, type: "NOT_FOUND", data: { entity: "loan", id: 9 } };

test("an answer as documented passes, under /api/v1 and /api alike", () => {
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/42", answer(200, EXAMPLE_LOAN))).not.toThrow();
  expect(() => checkAnswer("GET", "/api/loan/loan-details/42?x=1", answer(200, EXAMPLE_LOAN))).not.toThrow();
  expect(() => checkAnswer("GET", "/api/loan/loan-details/9", answer(404, notFound))).not.toThrow();
  expect(() => checkAnswer("DELETE", "/api/v1/user/approve-delete/3", answer(204, null, new Headers()))).not.toThrow();
});

test("a field added, dropped or retyped fails, naming it", () => {
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/42", answer(200, { ...EXAMPLE_LOAN, fee: "1.00" }))).toThrow(/getLoan .*additional properties "fee"/);
  const { emi: _emi, ...noEmi } = EXAMPLE_LOAN;
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/42", answer(200, noEmi))).toThrow(/required property 'emi'/);
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/42", answer(200, { ...EXAMPLE_LOAN, principal: 250000 }))).toThrow(/\/principal must be string/);
  expect(() => checkAnswer("GET", "/api/v1/user/profile", answer(200, { ...EXAMPLE_USER, password_hash: "$2b$" }))).toThrow(/password_hash/);
});

test("a status the operation does not list fails, a 500 above all", () => {
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/42", answer(500, { name: "InternalServerError", message: "x", code: 500, type: "INTERNAL_ERROR" }))).toThrow(
    /answered 500, which the document does not list for getLoan/,
  );
  expect(() => checkAnswer("GET", "/api/v1/user/profile", answer(409, { name: "ConflictError", message: "x", code: 409, type: "X" }))).toThrow(/does not list/);
});

test("a 201 without its Location, or a Location off /api/v1, fails", () => {
  expect(() => checkAnswer("POST", "/api/v1/loan/customer-loan", answer(201, EXAMPLE_LOAN))).toThrow(/without the Location header/);
  expect(() => checkAnswer("POST", "/api/v1/loan/customer-loan", answer(201, EXAMPLE_LOAN, json({ location: "/api/loan/loan-details/42" })))).toThrow(/header Location/);
  expect(() => checkAnswer("POST", "/api/v1/loan/customer-loan", answer(201, EXAMPLE_LOAN, json({ location: "/api/v1/loan/loan-details/42" })))).not.toThrow();
});

test("a body on a 204, an error whose code is not its status, a non-JSON error: all fail", () => {
  expect(() => checkAnswer("PUT", "/api/v1/user/change-password", answer(204, { ok: true }))).toThrow(/documents as empty/);
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/9", answer(404, { ...notFound, code: 400 }))).toThrow(/code is 400/);
  expect(() => checkAnswer("GET", "/api/v1/loan/loan-details/9", answer(404, "Not found", new Headers({ "content-type": "text/plain" })))).toThrow(/not JSON/);
});

test("a path the document does not know: an error must be in the shared shape, a success is refused", () => {
  expect(() => checkAnswer("GET", "/api/v1/nope", answer(404, { name: "NotFoundError", message: "Not found", code: 404, type: "NOT_FOUND" }))).not.toThrow();
  expect(() => checkAnswer("GET", "/api/v1/nope", answer(404, { error: "not found" }))).toThrow(/the error shape/);
  expect(() => checkAnswer("GET", "/api/v1/secret-route", answer(200, {}))).toThrow(/no such operation/);
  expect(() => checkAnswer("GET", "/docs", answer(200, "<html>", new Headers({ "content-type": "text/html" })))).not.toThrow();
});
