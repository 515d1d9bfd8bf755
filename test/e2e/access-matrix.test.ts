/**
 * Who may call what, end to end through the gateway: every endpoint of the API table against
 * every role (anonymous, customer, pending agent, approved agent, admin). Each case sends a
 * valid body and acts on a fresh target, so the only reason for a failure is access; denied
 * writes are checked to have changed nothing. Then the token itself: deleted users, expired,
 * foreign-signed, forged and malformed tokens are all 401.
 */
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { approvedAgent, mintToken, openSession, signedUp, type Actor } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { email, type HttpAnswer, type HttpOptions, type Json } from "../support/http.js";

type Role = "anonymous" | "customer" | "pendingAgent" | "agent" | "admin";
const ROLES: Role[] = ["anonymous", "customer", "pendingAgent", "agent", "admin"];
const PASSWORD = "password-123";

const { stack, api, people } = useStack({ people: true });

/** Every answer of this file passes through here: no hash or password field ever leaves. */
async function call(method: string, path: string, options: HttpOptions = {}): Promise<HttpAnswer<Json>> {
  const res = await api.call(method, path, options);
  expect(JSON.stringify(res.body ?? "")).not.toMatch(/password_hash|\$2[aby]\$/);
  return res;
}

function tokenOf(role: Role): string | undefined {
  return role === "anonymous" ? undefined : people[role].token;
}

function expectErrorShape(res: HttpAnswer<Json>, status: number): void {
  expect(res.body).toEqual(expect.objectContaining({ name: expect.any(String), message: expect.any(String), code: status, type: expect.any(String) }));
}

// ---- fresh targets, so that no case depends on another ----

async function newLoan(product_code?: string): Promise<number> {
  const principal = product_code ? "10000.00" : "100000.00";
  const res = await call("POST", "/api/loan/customer-loan", {
    token: people.agent.token,
    body: { customer_id: people.customer.id, principal, tenure_months: 12, ...(product_code && { product_code }) },
  });
  if (res.status !== 201) throw new Error(`new loan: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

async function approvedLoan(product_code?: string): Promise<number> {
  const id = await newLoan(product_code);
  const res = await call("PUT", `/api/loan/approve-reject-loan/${id}`, { token: people.admin.token, body: { status: "APPROVED" } });
  if (res.status !== 200) throw new Error(`approve loan: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

async function activeLoan(product_code?: string): Promise<number> {
  const id = await approvedLoan(product_code);
  const res = await call("PUT", `/api/loan/disburse-loan/${id}`, { token: people.admin.token, body: { disbursed_on: "2026-01-31" } });
  if (res.status !== 200) throw new Error(`disburse loan: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}

async function repaymentCount(id: number): Promise<number> {
  const res = await call("GET", `/api/loan/repayments/${id}`, { token: people.admin.token });
  expect(res.status).toBe(200);
  return res.body.rows.length as number;
}

async function loanAsAdmin(id: number): Promise<Json> {
  const res = await call("GET", `/api/loan/loan-details/${id}`, { token: people.admin.token });
  expect(res.status).toBe(200);
  return res.body;
}

let products = 0;
const newProductCode = () => `MATRIX-${process.pid}-${++products}`;
const productBody = (code: string) => ({
  code,
  name: "Matrix product",
  min_principal: "1000.00",
  max_principal: "50000.00",
  min_tenure_months: 1,
  max_tenure_months: 24,
  rate_bands: [{ up_to: null, rate: "15.00" }],
});

async function newProduct(): Promise<string> {
  const code = newProductCode();
  const res = await call("POST", "/api/loan/products", { token: people.admin.token, body: productBody(code) });
  if (res.status !== 201) throw new Error(`new product: ${res.status} ${JSON.stringify(res.body)}`);
  return code;
}

/** A product whose loans are charged a flat 100.00 at disbursement. */
async function feeProduct(): Promise<string> {
  const code = newProductCode();
  const res = await call("POST", "/api/loan/products", { token: people.admin.token, body: { ...productBody(code), disbursement_fee: { kind: "FLAT", amount: "100.00" } } });
  if (res.status !== 201) throw new Error(`fee product: ${res.status} ${JSON.stringify(res.body)}`);
  return code;
}

async function productStatus(code: string): Promise<number> {
  return (await call("GET", `/api/loan/products/${code}`, { token: people.admin.token })).status;
}

async function loginStatus(address: string, password: string): Promise<number> {
  return (await call("POST", "/api/user/login", { body: { email: address, password } })).status;
}

async function loanTotal(): Promise<number> {
  const res = await call("GET", "/api/loan/list-loans-admin-agent", { token: people.admin.token });
  expect(res.status).toBe(200);
  return res.body.total as number;
}

/** A user of the given role, fresh for this case, whose password is known. */
async function freshActor(role: Exclude<Role, "anonymous">): Promise<Actor & { password: string }> {
  switch (role) {
    case "customer":
      return { ...(await signedUp(api, "customer")), password: PASSWORD };
    case "agent":
      return { ...(await approvedAgent(api, people.admin.token)), password: PASSWORD };
    case "pendingAgent": {
      const agent = await signedUp(api, "agent");
      return { ...agent, token: await mintToken(stack, agent.id, "agent"), password: PASSWORD };
    }
    case "admin": {
      const address = email("admin");
      const res = await call("POST", "/api/user/create-admin", { token: people.admin.token, body: { email: address, password: PASSWORD, first_name: "Fresh", last_name: "Admin" } });
      if (res.status !== 201) throw new Error(`create admin: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, email: address, token: await api.login(address, PASSWORD), password: PASSWORD };
    }
  }
}

// ---- the matrix ----

interface Case {
  path: string;
  body?: unknown;
  /** Replaces the role's token (a fresh actor of that role). */
  token?: string;
  /** Runs after the call: what a success did, or that a denial changed nothing. */
  check?: (res: HttpAnswer<Json>, allowed: boolean) => Promise<void>;
}

interface Endpoint {
  method: "GET" | "POST" | "PUT" | "DELETE";
  route: string;
  allowed: Role[];
  success: number;
  prepare(role: Role): Promise<Case>;
}

const EVERYONE = ROLES;

const ENDPOINTS: Endpoint[] = [
  {
    method: "GET",
    route: "/health",
    allowed: EVERYONE,
    success: 200,
    prepare: async () => ({ path: "/health", check: async (res) => expect(res.body.status).toBe("ok") }),
  },
  {
    method: "POST",
    route: "/api/user/signup",
    allowed: EVERYONE,
    success: 201,
    prepare: async () => {
      const address = email("matrix-signup");
      return {
        path: "/api/user/signup",
        body: { email: address, password: PASSWORD, first_name: "Matrix", last_name: "Signup", is_customer: true, is_agent: false },
        check: async (res) => expect(res.body).toMatchObject({ email: address, role: "customer" }),
      };
    },
  },
  {
    method: "POST",
    route: "/api/user/login",
    allowed: EVERYONE,
    success: 200,
    prepare: async () => ({
      path: "/api/user/login",
      body: { email: people.otherCustomer.email, password: PASSWORD },
      check: async (res) => expect(res.body.user.id).toBe(people.otherCustomer.id),
    }),
  },
  {
    method: "GET",
    route: "/api/user/profile",
    // "any signed-in": a pending agent's (minted) token is a signed-in user too.
    allowed: ["customer", "pendingAgent", "agent", "admin"],
    success: 200,
    prepare: async (role) => ({
      path: "/api/user/profile",
      check: async (res, allowed) => {
        if (allowed && role !== "anonymous") expect(res.body.id).toBe(people[role].id);
      },
    }),
  },
  {
    method: "PUT",
    route: "/api/user/change-password",
    allowed: ["customer", "pendingAgent", "agent", "admin"],
    success: 204,
    prepare: async (role) => {
      const actor = role === "anonymous" ? null : await freshActor(role);
      return {
        path: "/api/user/change-password",
        token: actor?.token,
        body: { current_password: PASSWORD, new_password: "changed-password-9" },
        check: async (_res, allowed) => {
          // A pending agent cannot log in either way; the others now log in with the new password only.
          if (allowed && actor && role !== "pendingAgent") {
            expect(await loginStatus(actor.email, "changed-password-9")).toBe(200);
            expect(await loginStatus(actor.email, PASSWORD)).toBe(401);
          }
        },
      };
    },
  },
  {
    method: "POST",
    route: "/api/user/create-admin",
    allowed: ["admin"],
    success: 201,
    prepare: async () => {
      const address = email("matrix-admin");
      return {
        path: "/api/user/create-admin",
        body: { email: address, password: PASSWORD, first_name: "Matrix", last_name: "Admin" },
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toMatchObject({ email: address, role: "admin", is_approved: true });
          expect(await loginStatus(address, PASSWORD)).toBe(allowed ? 200 : 401);
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/user/list-agents",
    allowed: ["agent", "admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/user/list-agents",
      check: async (res, allowed) => {
        if (allowed) expect(res.body.rows.length).toBeGreaterThan(0);
      },
    }),
  },
  {
    method: "GET",
    route: "/api/user/list-users",
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/user/list-users",
      check: async (res, allowed) => {
        if (allowed) expect(res.body.total).toBeGreaterThan(0);
      },
    }),
  },
  {
    method: "GET",
    route: "/api/user/list-approvals",
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/user/list-approvals",
      check: async (res, allowed) => {
        if (allowed) expect(Array.isArray(res.body.rows)).toBe(true);
      },
    }),
  },
  {
    method: "PUT",
    route: "/api/user/approve-delete/{user_id}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const target = await signedUp(api, "agent");
      return {
        path: `/api/user/approve-delete/${target.id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toMatchObject({ id: target.id, is_approved: true });
          // Approved: it logs in; denied: still waiting (403).
          expect(await loginStatus(target.email, PASSWORD)).toBe(allowed ? 200 : 403);
        },
      };
    },
  },
  {
    method: "DELETE",
    route: "/api/user/approve-delete/{user_id}",
    allowed: ["admin"],
    success: 204,
    prepare: async () => {
      const target = await approvedAgent(api, people.admin.token);
      return {
        path: `/api/user/approve-delete/${target.id}`,
        check: async (_res, allowed) => {
          expect(await loginStatus(target.email, PASSWORD)).toBe(allowed ? 401 : 200);
        },
      };
    },
  },
  {
    method: "POST",
    route: "/api/loan/customer-loan",
    allowed: ["agent"],
    success: 201,
    prepare: async () => {
      const before = await loanTotal();
      return {
        path: "/api/loan/customer-loan",
        body: { customer_id: people.customer.id, principal: "250000.00", tenure_months: 24 },
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toMatchObject({ customer_id: people.customer.id, agent_id: people.agent.id, status: "NEW" });
          expect(await loanTotal()).toBe(before + (allowed ? 1 : 0));
        },
      };
    },
  },
  {
    method: "PUT",
    route: "/api/loan/approve-reject-loan/{loan_id}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const id = await newLoan();
      return {
        path: `/api/loan/approve-reject-loan/${id}`,
        body: { status: "APPROVED" },
        check: async (_res, allowed) => expect((await loanAsAdmin(id)).status).toBe(allowed ? "APPROVED" : "NEW"),
      };
    },
  },
  {
    method: "PUT",
    route: "/api/loan/edit-loan/{loan_id}",
    allowed: ["agent"],
    success: 200,
    prepare: async () => {
      const id = await newLoan();
      return {
        path: `/api/loan/edit-loan/${id}`,
        body: { tenure_months: 36 },
        check: async (_res, allowed) => expect(await loanAsAdmin(id)).toMatchObject(allowed ? { version: 2, tenure_months: 36 } : { version: 1, tenure_months: 12 }),
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/loan-details/{loan_id}",
    // "customer" here is the loan's own customer; another customer is tested below.
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => {
      const id = await newLoan();
      return {
        path: `/api/loan/loan-details/${id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body.id).toBe(id);
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/loan-history/{loan_id}",
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => {
      const id = await newLoan();
      return {
        path: `/api/loan/loan-history/${id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toEqual({ rows: [] });
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/list-loans-admin-agent",
    allowed: ["agent", "admin"],
    success: 200,
    prepare: async () => ({ path: "/api/loan/list-loans-admin-agent" }),
  },
  {
    method: "GET",
    route: "/api/loan/list-loans-customer",
    allowed: ["customer"],
    success: 200,
    prepare: async () => ({ path: "/api/loan/list-loans-customer" }),
  },
  // ---- servicing ----
  {
    method: "PUT",
    route: "/api/loan/disburse-loan/{loan_id}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const id = await approvedLoan();
      return {
        path: `/api/loan/disburse-loan/${id}`,
        body: { disbursed_on: "2026-01-31" },
        check: async (_res, allowed) => expect(await loanAsAdmin(id)).toMatchObject(allowed ? { status: "ACTIVE", disbursed_on: "2026-01-31" } : { status: "APPROVED", disbursed_on: null }),
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/loan-schedule/{loan_id}",
    // the loan's own customer; another customer is tested below
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan();
      return {
        path: `/api/loan/loan-schedule/${id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toMatchObject({ loan_id: id, disbursed_on: "2026-01-31", rows: expect.arrayContaining([expect.objectContaining({ number: 12 })]) });
        },
      };
    },
  },
  {
    method: "POST",
    route: "/api/loan/repayment/{loan_id}",
    allowed: ["agent", "admin"],
    success: 201,
    prepare: async () => {
      const id = await activeLoan();
      return {
        path: `/api/loan/repayment/${id}`,
        body: { amount: "100.00", paid_on: "2026-02-01" },
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toMatchObject({ loan_id: id, amount: "100.00" });
          expect(await repaymentCount(id)).toBe(allowed ? 1 : 0);
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/repayments/{loan_id}",
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan();
      return {
        path: `/api/loan/repayments/${id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toEqual({ rows: [] });
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/repayment/{repayment_id}",
    // "customer" here is the customer of the repayment's loan; another customer is tested in write-keys.test.ts.
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan();
      const made = await call("POST", `/api/loan/repayment/${id}`, { token: people.admin.token, body: { amount: "100.00", paid_on: "2026-02-01" } });
      if (made.status !== 201) throw new Error(`repayment: ${made.status} ${JSON.stringify(made.body)}`);
      return {
        path: `/api/loan/repayment/${made.body.id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body).toEqual(made.body);
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/loan/transactions/{loan_id}",
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan();
      return {
        path: `/api/loan/transactions/${id}`,
        check: async (res, allowed) => {
          if (allowed) expect(res.body.rows.map((t: Json) => t.type)).toEqual(["DISBURSEMENT"]);
        },
      };
    },
  },
  {
    method: "POST",
    route: "/api/loan/repayments/{repayment_id}/reverse",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan();
      const made = await call("POST", `/api/loan/repayment/${id}`, { token: people.admin.token, body: { amount: "100.00", paid_on: "2026-02-01" } });
      if (made.status !== 201) throw new Error(`repayment: ${made.status} ${JSON.stringify(made.body)}`);
      return {
        path: `/api/loan/repayments/${made.body.id}/reverse`,
        body: { reason: "keyed twice" },
        check: async (_res, allowed) => {
          const read = await call("GET", `/api/loan/repayment/${made.body.id}`, { token: people.admin.token });
          expect(read.body.reversed).toBe(allowed);
        },
      };
    },
  },
  {
    method: "POST",
    route: "/api/loan/charges/{transaction_id}/waive",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan(await feeProduct());
      const fee = (await call("GET", `/api/loan/transactions/${id}`, { token: people.admin.token })).body.rows.find((t: Json) => t.type === "FEE");
      return {
        path: `/api/loan/charges/${fee.id}/waive`,
        body: { reason: "goodwill" },
        check: async (_res, allowed) => expect(await loanAsAdmin(id)).toMatchObject({ outstanding_fee: allowed ? "0.00" : "100.00" }),
      };
    },
  },
  {
    method: "POST",
    route: "/api/loan/write-off/{loan_id}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const id = await activeLoan();
      return {
        path: `/api/loan/write-off/${id}`,
        body: { reason: "insolvent" },
        check: async (_res, allowed) => expect(await loanAsAdmin(id)).toMatchObject({ status: allowed ? "WRITTEN_OFF" : "ACTIVE" }),
      };
    },
  },
  {
    method: "POST",
    route: "/api/loan/close-of-business",
    allowed: ["admin"],
    success: 202,
    prepare: async () => ({
      path: "/api/loan/close-of-business",
      body: { business_date: "2026-01-01" },
      check: async (res, allowed) => {
        if (allowed) expect(res.body).toMatchObject({ business_date: "2026-01-01" });
      },
    }),
  },
  {
    method: "GET",
    route: "/api/loan/close-of-business",
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({ path: "/api/loan/close-of-business" }),
  },
  {
    method: "GET",
    route: "/api/loan/close-of-business/{run_id}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const run = await call("POST", "/api/loan/close-of-business", { token: people.admin.token, body: { business_date: "2026-01-02" } });
      if (run.status !== 202) throw new Error(`close of business: ${run.status} ${JSON.stringify(run.body)}`);
      return { path: `/api/loan/close-of-business/${run.body.id}` };
    },
  },
  {
    method: "GET",
    route: "/api/loan/portfolio",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      await activeLoan();
      return {
        path: "/api/loan/portfolio",
        check: async (res, allowed) => {
          if (allowed) expect(res.body.by_status.ACTIVE).toBeGreaterThan(0);
        },
      };
    },
  },
  // ---- products ----
  {
    method: "GET",
    route: "/api/loan/products",
    allowed: ["agent", "admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/loan/products",
      check: async (res, allowed) => {
        if (allowed) expect(res.body.rows.map((p: { code: string }) => p.code)).toContain("STANDARD");
      },
    }),
  },
  {
    method: "GET",
    route: "/api/loan/products/{code}",
    allowed: ["agent", "admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/loan/products/STANDARD",
      check: async (res, allowed) => {
        if (allowed) expect(res.body).toMatchObject({ code: "STANDARD", active: true });
      },
    }),
  },
  {
    method: "POST",
    route: "/api/loan/products",
    allowed: ["admin"],
    success: 201,
    prepare: async () => {
      const code = newProductCode();
      return {
        path: "/api/loan/products",
        body: productBody(code),
        check: async (_res, allowed) => expect(await productStatus(code)).toBe(allowed ? 200 : 404),
      };
    },
  },
  {
    method: "PUT",
    route: "/api/loan/products/{code}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const code = await newProduct();
      return {
        path: `/api/loan/products/${code}`,
        body: { name: "Renamed" },
        check: async (_res, allowed) => {
          const res = await call("GET", `/api/loan/products/${code}`, { token: people.admin.token });
          expect(res.body.name).toBe(allowed ? "Renamed" : "Matrix product");
        },
      };
    },
  },
  {
    method: "DELETE",
    route: "/api/loan/products/{code}",
    allowed: ["admin"],
    success: 204,
    prepare: async () => {
      const code = await newProduct();
      return {
        path: `/api/loan/products/${code}`,
        check: async (_res, allowed) => {
          const res = await call("GET", `/api/loan/products/${code}`, { token: people.admin.token });
          expect(res.body.active).toBe(!allowed);
        },
      };
    },
  },
  // ---- sessions ----
  {
    method: "POST",
    route: "/api/user/token/refresh",
    allowed: EVERYONE,
    success: 200,
    prepare: async () => {
      const session = await call("POST", "/api/user/login", { body: { email: people.otherCustomer.email, password: PASSWORD } });
      return {
        path: "/api/user/token/refresh",
        body: { refresh_token: session.body.refresh_token },
        check: async (res) => expect(res.body.user.id).toBe(people.otherCustomer.id),
      };
    },
  },
  {
    method: "POST",
    route: "/api/user/logout",
    allowed: ["customer", "pendingAgent", "agent", "admin"],
    success: 204,
    prepare: async (role) => {
      const actor = role === "anonymous" ? null : await freshActor(role);
      return {
        path: "/api/user/logout",
        token: actor?.token,
        check: async (_res, allowed) => {
          if (allowed && actor) expect((await call("GET", "/api/user/profile", { token: actor.token })).status).toBe(401);
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/user/sessions",
    allowed: ["customer", "pendingAgent", "agent", "admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/user/sessions",
      check: async (res, allowed) => {
        if (allowed) expect(res.body.rows.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      },
    }),
  },
  {
    method: "DELETE",
    route: "/api/user/sessions/{id}",
    allowed: ["customer", "pendingAgent", "agent", "admin"],
    success: 204,
    prepare: async (role) => {
      const actor = role === "anonymous" ? people.customer : await freshActor(role);
      // A second session of the actor's, the one to end.
      const sid = await openSession(stack, actor.id);
      const other = await mintToken(stack, actor.id, role === "anonymous" ? "customer" : role, { sid });
      return {
        path: `/api/user/sessions/${sid}`,
        token: role === "anonymous" ? undefined : actor.token,
        check: async (_res, allowed) => {
          expect((await call("GET", "/api/user/profile", { token: other })).status).toBe(allowed ? 401 : 200);
          if (allowed) expect((await call("GET", "/api/user/profile", { token: actor.token })).status).toBe(200);
        },
      };
    },
  },
  {
    method: "DELETE",
    route: "/api/user/sessions-of/{user_id}",
    allowed: ["admin"],
    success: 204,
    prepare: async () => {
      const target = await signedUp(api, "customer");
      return {
        path: `/api/user/sessions-of/${target.id}`,
        check: async (_res, allowed) => {
          expect((await call("GET", "/api/user/profile", { token: target.token })).status).toBe(allowed ? 401 : 200);
        },
      };
    },
  },
  {
    method: "GET",
    route: "/api/user/users/{id}",
    // The customer of the matrix reads themselves; the other cases are below ("a user's account").
    allowed: ["customer", "agent", "admin"],
    success: 200,
    prepare: async () => ({
      path: `/api/user/users/${people.customer.id}`,
      check: async (res, allowed) => {
        if (allowed) expect(res.body).toMatchObject({ id: people.customer.id, email: people.customer.email });
      },
    }),
  },
  {
    method: "GET",
    route: "/api/user/search",
    allowed: ["agent", "admin"],
    success: 200,
    // Every actor is a "Test …": an admin finds people of every role, an agent customers only.
    prepare: async (role) => ({
      path: "/api/user/search?q=test&pageSize=100",
      check: async (res, allowed) => {
        if (!allowed) return;
        const roles = new Set(res.body.rows.map((u: { role: string }) => u.role));
        expect(res.body.total).toBeGreaterThan(0);
        if (role === "agent") expect([...roles]).toEqual(["customer"]);
        else expect(roles).toContain("agent");
      },
    }),
  },
  {
    method: "DELETE",
    route: "/api/user/login-failures/{user_id}",
    allowed: ["admin"],
    success: 204,
    prepare: async () => {
      const target = await signedUp(api, "customer");
      for (let i = 0; i < 11; i++) await loginStatus(target.email, "wrong-password");
      return {
        path: `/api/user/login-failures/${target.id}`,
        check: async (_res, allowed) => {
          expect(await loginStatus(target.email, PASSWORD)).toBe(allowed ? 200 : 429);
        },
      };
    },
  },
  // ---- agent lending limits ----
  {
    method: "GET",
    route: "/api/loan/agent-limits",
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/loan/agent-limits",
      check: async (res, allowed) => {
        if (allowed) expect(Array.isArray(res.body.rows)).toBe(true);
      },
    }),
  },
  {
    // An agent reads only their own (the agent's case is theirs; another's is 403, e2e/agent-limits).
    method: "GET",
    route: "/api/loan/agent-limits/{agent_id}",
    allowed: ["admin", "agent"],
    success: 200,
    prepare: async () => ({
      path: `/api/loan/agent-limits/${people.agent.id}`,
      check: async (res, allowed) => {
        if (allowed) expect(res.body).toMatchObject({ agent_id: people.agent.id, limit: expect.any(String) });
      },
    }),
  },
  {
    method: "PUT",
    route: "/api/loan/agent-limits/{agent_id}",
    allowed: ["admin"],
    success: 200,
    prepare: async () => {
      const target = await approvedAgent(api, people.admin.token);
      return {
        path: `/api/loan/agent-limits/${target.id}`,
        body: { limit: "1234.56" },
        check: async (_res, allowed) => {
          const now = await call("GET", `/api/loan/agent-limits/${target.id}`, { token: people.admin.token });
          expect(now.body.limit === "1234.56").toBe(allowed);
        },
      };
    },
  },
  // ---- the audit log and the ledger: the admin's alone ----
  {
    method: "GET",
    route: "/api/audit/events",
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({
      path: "/api/audit/events?entity=user",
      check: async (res, allowed) => {
        if (allowed) expect(res.body.total).toBeGreaterThan(0);
      },
    }),
  },
  ...(["accounts", "trial-balance", "reconciliation"] as const).map((view): Endpoint => ({
    method: "GET",
    route: `/api/ledger/${view}`,
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({
      path: `/api/ledger/${view}`,
      check: async (res, allowed) => {
        if (allowed) expect(res.body).toHaveProperty("as_of");
      },
    }),
  })),
  {
    method: "GET",
    route: "/api/ledger/entries",
    allowed: ["admin"],
    success: 200,
    prepare: async () => ({
      path: `/api/ledger/entries?loan_id=${await activeLoan()}`,
      check: async (res, allowed) => {
        if (allowed) expect(res.body).toMatchObject({ rows: expect.any(Array), total: expect.any(Number) });
      },
    }),
  },
];

function expectedStatus(endpoint: Endpoint, role: Role): number {
  if (endpoint.allowed.includes(role)) return endpoint.success;
  return role === "anonymous" ? 401 : 403;
}

describe.each(ENDPOINTS.map((e) => [`${e.method} ${e.route}`, e] as const))("%s", (_name, endpoint) => {
  test.each(ROLES.map((role) => [role, expectedStatus(endpoint, role)] as const))("as %s → %i", async (role, status) => {
    const c = await endpoint.prepare(role);
    const res = await call(endpoint.method, c.path, { token: c.token ?? tokenOf(role), body: c.body });
    // The body rides along, so that a wrong status shows why.
    expect({ status: res.status, body: res.body }).toEqual({ status, body: res.body });
    if (status >= 400) expectErrorShape(res, status);
    if (status === 204) expect(res.body).toBeNull();
    await c.check?.(res, status < 400);
  });
});

test("the matrix covers every row of the API table", () => {
  const rows = ENDPOINTS.map((e) => `${e.method} ${e.route}`);
  expect(new Set(rows).size).toBe(52); // 18 of the core API, 6 of servicing, 7 of transactions and close of business, 5 of sessions, 2 of the accounts' admin, 1 user search, 5 of products, 3 of agent limits, the audit log, 4 of the ledger
});

describe("a loan's own customer", () => {
  test.each(["loan-details", "loan-history", "loan-schedule", "repayments"])("another customer reading %s → 403, the loan's customer → 200", async (what) => {
    const id = what === "repayments" ? await activeLoan() : await newLoan();
    const other = await call("GET", `/api/loan/${what}/${id}`, { token: people.otherCustomer.token });
    expect(other.status).toBe(403);
    expectErrorShape(other, 403);
    const own = await call("GET", `/api/loan/${what}/${id}`, { token: people.customer.token });
    expect(own.status).toBe(200);
  });

  test("list-loans-customer shows another customer none of the first one's loans", async () => {
    const id = await newLoan();
    const other = await call("GET", "/api/loan/list-loans-customer", { token: people.otherCustomer.token });
    expect(other.status).toBe(200);
    expect(other.body.rows.map((l: { id: number }) => l.id)).not.toContain(id);
    const own = await call("GET", "/api/loan/list-loans-customer?pageSize=100", { token: people.customer.token });
    expect(own.body.rows.map((l: { id: number }) => l.id)).toContain(id);
  });
});

describe("a user's account (GET user/users/{id})", () => {
  const read = (id: number, token: string) => call("GET", `/api/v1/user/users/${id}`, { token });
  const MISSING = 987_654_321;

  test("an admin reads anyone: a customer, an agent, a pending agent, an admin", async () => {
    for (const who of [people.customer, people.agent, people.pendingAgent, people.admin]) {
      const res = await read(who.id, people.admin.token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: who.id, email: who.email });
    }
    expect((await read(MISSING, people.admin.token)).status).toBe(404);
  });

  test("an approved agent reads customers, not agents or admins (403), and 404 for no one", async () => {
    for (const who of [people.customer, people.otherCustomer]) expect(await read(who.id, people.agent.token)).toMatchObject({ status: 200, body: { id: who.id, role: "customer" } });
    for (const who of [people.pendingAgent, people.admin, people.agent]) {
      const res = await read(who.id, people.agent.token);
      expect(res.status).toBe(403);
      expectErrorShape(res, 403);
    }
    expect((await read(MISSING, people.agent.token)).status).toBe(404);
  });

  test("a customer reads themselves only: anyone else, or an id nobody has, is 403", async () => {
    expect(await read(people.customer.id, people.customer.token)).toMatchObject({ status: 200, body: { id: people.customer.id, email: people.customer.email } });
    for (const id of [people.otherCustomer.id, people.agent.id, people.admin.id, MISSING]) {
      const res = await read(id, people.customer.token);
      expect(res.status).toBe(403);
      expectErrorShape(res, 403);
    }
  });

  test("a pending agent reads no one, themselves included", async () => {
    for (const who of [people.customer, people.pendingAgent]) expect((await read(who.id, people.pendingAgent.token)).status).toBe(403);
  });
});

describe("the token", () => {
  const sign = (payload: object, secret: string | Buffer, options: jwt.SignOptions = {}) => jwt.sign(payload, secret, { algorithm: "HS256", issuer: "loanstack", ...options });

  test("a deleted agent's token stops working at once", async () => {
    const agent = await approvedAgent(api, people.admin.token);
    // Used first, so that its user is resolved (and cached) by the gateway.
    expect((await call("GET", "/api/user/profile", { token: agent.token })).status).toBe(200);
    expect((await call("GET", "/api/loan/list-loans-admin-agent", { token: agent.token })).status).toBe(200);
    const deleted = await call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token });
    expect(deleted.status).toBe(204);
    const profile = await call("GET", "/api/user/profile", { token: agent.token });
    expect(profile.status).toBe(401);
    expectErrorShape(profile, 401);
    expect((await call("GET", "/api/loan/list-loans-admin-agent", { token: agent.token })).status).toBe(401);
    expect((await call("POST", "/api/loan/customer-loan", { token: agent.token, body: { customer_id: people.customer.id, principal: "5000.00", tenure_months: 6 } })).status).toBe(401);
  });

  test("a deleted pending agent's token stops working at once", async () => {
    const agent = await signedUp(api, "agent");
    const token = await mintToken(stack, agent.id, "agent");
    expect((await call("GET", "/api/user/profile", { token })).status).toBe(200);
    expect((await call("DELETE", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token })).status).toBe(204);
    expect((await call("GET", "/api/user/profile", { token })).status).toBe(401);
  });

  test("an agent's token works on agent endpoints the moment it is approved", async () => {
    const agent = await signedUp(api, "agent");
    const token = await mintToken(stack, agent.id, "agent");
    expect((await call("GET", "/api/loan/list-loans-admin-agent", { token })).status).toBe(403);
    expect((await call("PUT", `/api/user/approve-delete/${agent.id}`, { token: people.admin.token })).status).toBe(200);
    expect((await call("GET", "/api/loan/list-loans-admin-agent", { token })).status).toBe(200);
  });

  test("an expired token → 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    // Of a live session, with the stack's secret: expired is the one thing wrong with it.
    const sid = await openSession(stack, people.admin.id);
    const token = sign({ role: "admin", sid, iat: now - 7200, exp: now - 60 }, stack.jwtSecret, { subject: String(people.admin.id) });
    const res = await call("GET", "/api/user/profile", { token });
    expect(res.status).toBe(401);
    expectErrorShape(res, 401);
    expect((await call("GET", "/api/user/list-users", { token })).status).toBe(401);
  });

  test("a token signed with another secret → 401", async () => {
    const sid = await openSession(stack, people.admin.id);
    const token = sign({ role: "admin", sid }, crypto.randomBytes(32).toString("hex"), { subject: String(people.admin.id), expiresIn: "1h" });
    const res = await call("GET", "/api/user/list-users", { token });
    expect(res.status).toBe(401);
    expectErrorShape(res, 401);
  });

  test("an unsigned (alg none) token → 401", async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const sid = await openSession(stack, people.admin.id);
    const token = `${part({ alg: "none", typ: "JWT" })}.${part({ sub: String(people.admin.id), role: "admin", sid, iss: "loanstack", iat: now, exp: now + 3600 })}.`;
    expect((await call("GET", "/api/user/list-users", { token })).status).toBe(401);
  });

  test("a token of another issuer → 401", async () => {
    const sid = await openSession(stack, people.admin.id);
    const token = jwt.sign({ role: "admin", sid }, stack.jwtSecret, { algorithm: "HS256", issuer: "someone-else", subject: String(people.admin.id), expiresIn: "1h" });
    expect((await call("GET", "/api/user/list-users", { token })).status).toBe(401);
  });

  test("a well-signed token of a user that does not exist → 401", async () => {
    const token = await mintToken(stack, 987654, "admin");
    expect((await call("GET", "/api/user/profile", { token })).status).toBe(401);
  });

  test("the role claimed in a token is not trusted: a customer's token claiming admin → 403", async () => {
    const token = await mintToken(stack, people.customer.id, "admin");
    expect((await call("GET", "/api/user/list-users", { token })).status).toBe(403);
    const profile = await call("GET", "/api/user/profile", { token });
    expect(profile.body).toMatchObject({ id: people.customer.id, role: "customer" });
  });

  test.each([
    ["no scheme", () => people.admin.token],
    ["Basic scheme", () => `Basic ${Buffer.from("admin:admin").toString("base64")}`],
    ["Token scheme", () => `Token ${people.admin.token}`],
    ["Bearer without a token", () => "Bearer"],
    ["Bearer with garbage", () => "Bearer not-a-jwt"],
    ["Bearer with two tokens", () => `Bearer ${people.admin.token} ${people.admin.token}`],
    ["Bearer with a truncated token", () => `Bearer ${people.admin.token.slice(0, -5)}`],
  ])("a malformed Authorization header (%s) → 401", async (_kind, header) => {
    const res = await call("GET", "/api/user/list-users", { headers: { authorization: header() } });
    expect(res.status).toBe(401);
    expectErrorShape(res, 401);
  });

  test("the same admin token, well formed, is accepted (the cases above fail for the header alone)", async () => {
    expect((await call("GET", "/api/user/list-users", { headers: { authorization: `Bearer ${people.admin.token}` } })).status).toBe(200);
    expect((await call("GET", "/api/user/list-users", { headers: { authorization: `bearer ${people.admin.token}` } })).status).toBe(200);
  });
});
