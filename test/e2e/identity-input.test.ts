/**
 * Emails and names, and where a new user can be read, through real HTTP: emails are stored
 * NFC-normalised (and logins normalise too); an email or a name with a control, zero-width or
 * bidirectional-override character → 422 naming the field, on signup and create-admin. A 201
 * of signup or create-admin names the user's own resource, GET /api/v1/user/users/{id} (admin).
 */
import { useStack } from "../support/fixture.js";
import { email, type Json } from "../support/http.js";

const PASSWORD = "password-123";
const { api, people } = useStack({ people: true });

const signup = (body: Record<string, unknown>) =>
  api.call("POST", "/api/v1/user/signup", { body: { email: email("id"), password: PASSWORD, first_name: "Ada", last_name: "Lovelace", is_customer: true, is_agent: false, ...body } });
const createAdmin = (body: Record<string, unknown>) =>
  api.call("POST", "/api/v1/user/create-admin", { token: people.admin.token, body: { email: email("adm"), password: PASSWORD, first_name: "Ada", last_name: "Admin", ...body } });

/** Each of the characters that make a lookalike or reorder what is shown. */
const INVISIBLE: Array<[string, string]> = [
  ["zero-width space", "\u200b"],
  ["zero-width non-joiner", "\u200c"],
  ["zero-width joiner", "\u200d"],
  ["word joiner", "\u2060"],
  ["byte-order mark", "\ufeff"],
  ["left-to-right mark", "\u200e"],
  ["right-to-left mark", "\u200f"],
  ["left-to-right embedding", "\u202a"],
  ["right-to-left override", "\u202e"],
  ["left-to-right isolate", "\u2066"],
  ["pop directional isolate", "\u2069"],
  ["control (BEL)", "\u0007"],
  ["control (DEL)", "\u007f"],
  ["C1 control", "\u0085"],
];

function expect422(res: { status: number; body: Json }, field: string): void {
  expect(res.status).toBe(422);
  expect(res.body.type).toBe("VALIDATION_ERROR");
  expect(res.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
}

describe.each(INVISIBLE)("a %s", (_name, ch) => {
  test("in an email → 422 on signup and create-admin", async () => {
    const address = email("car").replace("car", `car${ch}ol`);
    expect422(await signup({ email: address }), "email");
    expect422(await createAdmin({ email: address }), "email");
  });

  test("in a first or last name → 422 naming it", async () => {
    expect422(await signup({ first_name: `Ad${ch}a` }), "first_name");
    expect422(await signup({ last_name: `Love${ch}lace` }), "last_name");
    expect422(await createAdmin({ last_name: `Ad${ch}min` }), "last_name");
  });
});

test("names in any script, with accents and spaces, are taken", async () => {
  const res = await signup({ first_name: "Zoë Ærin", last_name: "O'Brien-Núñez 山田 محمد" });
  expect(res.status).toBe(201);
  expect(res.body.last_name).toBe("O'Brien-Núñez 山田 محمد");
});

test("an email is stored NFC-normalised, is one account whichever form is sent, and logs in from either form", async () => {
  const local = `jose${Date.now().toString(36)}`;
  const composed = `${local}\u00e9@example.test`; // é as one code point
  const decomposed = `${local}e\u0301@example.test`; // e + combining acute
  const res = await signup({ email: decomposed });
  expect(res.status).toBe(201);
  expect(res.body.email).toBe(composed);
  expect((await signup({ email: composed })).status).toBe(409);
  expect((await api.call("POST", "/api/v1/user/login", { body: { email: composed, password: PASSWORD } })).status).toBe(200);
  expect((await api.call("POST", "/api/v1/user/login", { body: { email: decomposed, password: PASSWORD } })).status).toBe(200);
});

describe("GET /api/v1/user/users/{id} and the Location of a new user", () => {
  test("signup's 201 names /api/v1/user/users/{id}, which an admin reads", async () => {
    const res = await signup({});
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/user/users/${res.body.id}`);
    const read = await api.call("GET", res.headers.get("location")!, { token: people.admin.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  test("create-admin's 201 names the new admin, not a list", async () => {
    const res = await createAdmin({});
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/user/users/${res.body.id}`);
    const read = await api.call("GET", `/api/user/users/${res.body.id}`, { token: people.admin.token });
    expect(read.body).toEqual(res.body);
  });

  test("an unknown id → 404; a customer reads only themselves, an agent only customers (else 403); anonymous → 401", async () => {
    expect((await api.call("GET", "/api/v1/user/users/99999999", { token: people.admin.token })).status).toBe(404);
    expect((await api.call("GET", `/api/v1/user/users/${people.customer.id}`, { token: people.customer.token })).status).toBe(200);
    expect((await api.call("GET", `/api/v1/user/users/${people.otherCustomer.id}`, { token: people.customer.token })).status).toBe(403);
    expect((await api.call("GET", `/api/v1/user/users/${people.customer.id}`, { token: people.agent.token })).status).toBe(200);
    expect((await api.call("GET", `/api/v1/user/users/${people.admin.id}`, { token: people.agent.token })).status).toBe(403);
    expect((await api.call("GET", `/api/v1/user/users/${people.customer.id}`)).status).toBe(401);
  });

  test("the answer never holds the password hash", async () => {
    const read = await api.call("GET", `/api/v1/user/users/${people.customer.id}`, { token: people.admin.token });
    expect(read.status).toBe(200);
    expect(Object.keys(read.body).sort()).toEqual(["created_at", "email", "first_name", "id", "is_approved", "last_name", "role", "updated_at"]);
  });
});
