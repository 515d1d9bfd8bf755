/**
 * Loan products end to end through the gateway on real PostgreSQL (SPEC "Products and agent
 * lending limits"): STANDARD from LOAN_RATE_TABLE at first start (once, across restarts and
 * instances starting together), the product rules as 422s naming the field, the actions and
 * who may call them, product.changed in the outbox and the audit log, and loans taking their
 * product's terms at request and edit and keeping them after.
 */
import { Client } from "pg";
import { STANDARD_PRODUCT_CODE } from "../../sdk/contracts.js";
import { OPERATIONS } from "../../sdk/operations.js";
import { createTestDatabases } from "../support/databases.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";
import type { HttpAnswer, HttpOptions, Json } from "../support/http.js";
import { startStack, type Stack } from "../support/stack.js";

// Not the default table: STANDARD must be made from the configured one.
const RATE_TABLE = "60000:15,*:10.25";
const STANDARD_BANDS = [
  { up_to: "60000.00", rate: "15.00" },
  { up_to: null, rate: "10.25" },
];

const { stack, api, people, restart } = useStack({ people: true, env: { LOAN_RATE_TABLE: RATE_TABLE } });

const call = (method: string, path: string, options?: HttpOptions): Promise<HttpAnswer<Json>> => api.call(method, `/api/v1${path}`, options);
const asAdmin = (method: string, path: string, body?: unknown) => call(method, path, { token: people.admin.token, body });
const asAgent = (method: string, path: string, body?: unknown) => call(method, path, { token: people.agent.token, body });

let codes = 0;
/** A code unique to this run. */
const newCode = (prefix = "P") => `${prefix}-${process.pid}-${++codes}`;

/**
 * The OpenAPI document's own request example (principal 1000.00–50000.00, tenure 3–24, two
 * bands, a 1.50 % fee, a FLAT penalty) under another code: every test below also proves the
 * documented example is a product the API takes.
 */
function productBody(code: string, change: Record<string, unknown> = {}): Record<string, unknown> {
  const example = OPERATIONS["loans.createProduct"]?.requestExample;
  if (!example) throw new Error("the document has no request example for createProduct");
  return { ...(example as Record<string, unknown>), code, ...change };
}

async function createProduct(change: Record<string, unknown> = {}): Promise<Json> {
  const res = await asAdmin("POST", "/loan/products", productBody(newCode(), change));
  expect(res.status).toBe(201);
  return res.body;
}

async function requestLoan(body: Record<string, unknown>): Promise<HttpAnswer<Json>> {
  return asAgent("POST", "/loan/customer-loan", { customer_id: people.customer.id, ...body });
}

/** The 422's failed fields. */
const fieldsOf = (res: HttpAnswer<Json>): string[] => (res.body.data as { field: string }[]).map((f) => f.field);

function expect422(res: HttpAnswer<Json>, field: string, message?: RegExp): void {
  expect({ status: res.status, type: res.body.type }).toEqual({ status: 422, type: "VALIDATION_ERROR" });
  expect(fieldsOf(res)).toContain(field);
  if (message) expect(res.body.message + JSON.stringify(res.body.data)).toMatch(message);
}

async function withLoansDb<T>(run: (db: Client) => Promise<T>, url = stack.databases.loans): Promise<T> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

describe("STANDARD", () => {
  test("exists from the first start: LOAN_RATE_TABLE's bands, 1000.00–10000000.00, 1–360 months, no fee, no penalty", async () => {
    const res = await asAdmin("GET", `/loan/products/${STANDARD_PRODUCT_CODE}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: "STANDARD",
      name: "Standard",
      active: true,
      min_principal: "1000.00",
      max_principal: "10000000.00",
      min_tenure_months: 1,
      max_tenure_months: 360,
      rate_bands: STANDARD_BANDS,
      disbursement_fee: null,
      penalty: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  test("a loan requested without a product is a STANDARD loan, as before: the table's rate, no fee", async () => {
    const res = await requestLoan({ principal: "250000.00", tenure_months: 24 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ product_code: "STANDARD", interest_rate: "10.25", disbursement_fee: "0.00", principal: "250000.00" });
    const small = await requestLoan({ principal: "60000.00", tenure_months: 12 });
    expect(small.body).toMatchObject({ interest_rate: "15.00", product_code: "STANDARD" });
  });

  test("a restart neither makes it again nor changes it", async () => {
    expect((await asAdmin("PUT", "/loan/products/STANDARD", { name: "Standard (renamed)" })).status).toBe(200);
    await restart();
    const res = await asAdmin("GET", "/loan/products/STANDARD");
    expect(res.body).toMatchObject({ name: "Standard (renamed)", rate_bands: STANDARD_BANDS });
    expect(await withLoansDb(async (db) => (await db.query("SELECT count(*)::int AS n FROM products WHERE code = 'STANDARD'")).rows[0].n)).toBe(1);
  });

  test("several loans instances starting at once on a fresh database make it once", async () => {
    const databases = await createTestDatabases();
    const stacks: Stack[] = [];
    try {
      const started = await Promise.allSettled([0, 1, 2].map(() => startStack({ databases, services: ["loans"], env: { LOAN_RATE_TABLE: RATE_TABLE } })));
      for (const s of started) if (s.status === "fulfilled") stacks.push(s.value);
      expect(started.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
      const rows = await withLoansDb(async (db) => (await db.query("SELECT code, rate_bands FROM products")).rows, databases.loans);
      expect(rows).toEqual([{ code: "STANDARD", rate_bands: STANDARD_BANDS }]);
    } finally {
      for (const s of stacks) await s.stopBroker();
      await databases.drop();
    }
  }, 60_000);
});

describe("create", () => {
  test("201 with the product and its Location; the Location reads it; its code taken → 409", async () => {
    const code = newCode();
    const res = await asAdmin(
      "POST",
      "/loan/products",
      productBody(code, {
        max_principal: 50000,
        rate_bands: [
          { up_to: 10000, rate: 18 },
          { up_to: null, rate: "16" },
        ],
      }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`/api/v1/loan/products/${code}`);
    expect(res.body).toEqual({
      code,
      name: "Micro loan",
      active: true,
      min_principal: "1000.00",
      max_principal: "50000.00",
      min_tenure_months: 3,
      max_tenure_months: 24,
      rate_bands: [
        { up_to: "10000.00", rate: "18.00" },
        { up_to: null, rate: "16.00" },
      ],
      disbursement_fee: { kind: "PERCENT", amount: "1.50" },
      penalty: { grace_days: 5, kind: "FLAT", amount: "200.00" },
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const read = await call("GET", res.headers.get("location")!.replace("/api/v1", ""), { token: people.agent.token });
    expect(read.body).toEqual(res.body);

    const again = await asAdmin("POST", "/loan/products", productBody(code, { name: "Another" }));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: "PRODUCT_CODE_TAKEN" });
    expect((await asAdmin("GET", `/loan/products/${code}`)).body.name).toBe("Micro loan");
  });

  test("no fee and no penalty: null", async () => {
    const product = await createProduct({ disbursement_fee: null, penalty: undefined });
    expect(product).toMatchObject({ disbursement_fee: null, penalty: null });
  });

  test.each([
    ["a lower-case code", { code: "micro" }, "code"],
    ["a code of one character", { code: "M" }, "code"],
    ["a code of 33 characters", { code: "M".repeat(33) }, "code"],
    ["no name", { name: undefined }, "name"],
    ["an empty name", { name: "" }, "name"],
    ["a principal with three places", { min_principal: "1000.001" }, "min_principal"],
    ["a principal below 1000.00", { min_principal: "999.99" }, "min_principal"],
    ["a principal above 10000000.00", { max_principal: "10000000.01" }, "max_principal"],
    ["min_principal above max_principal", { min_principal: "50000.01" }, "min_principal"],
    ["a tenure of 0", { min_tenure_months: 0 }, "min_tenure_months"],
    ["a tenure of 361", { max_tenure_months: 361 }, "max_tenure_months"],
    ["min_tenure_months above max_tenure_months", { min_tenure_months: 25 }, "min_tenure_months"],
    ["no bands", { rate_bands: [] }, "rate_bands"],
    ["a last band with a bound", { rate_bands: [{ up_to: "10000.00", rate: "18.00" }] }, "rate_bands[0].up_to"],
    [
      "bands not ascending",
      {
        rate_bands: [
          { up_to: "20000.00", rate: "18.00" },
          { up_to: "10000.00", rate: "17.00" },
          { up_to: null, rate: "16.00" },
        ],
      },
      "rate_bands[1].up_to",
    ],
    [
      "a null bound before the last band",
      {
        rate_bands: [
          { up_to: null, rate: "18.00" },
          { up_to: null, rate: "16.00" },
        ],
      },
      "rate_bands[0].up_to",
    ],
    ["a rate above 100.00", { rate_bands: [{ up_to: null, rate: "100.01" }] }, "rate_bands[0].rate"],
    ["a rate with three places", { rate_bands: [{ up_to: null, rate: "9.125" }] }, "rate_bands[0].rate"],
    ["a fee of an unknown kind", { disbursement_fee: { kind: "DAILY", amount: "1.00" } }, "disbursement_fee.kind"],
    ["a PERCENT fee above 100", { disbursement_fee: { kind: "PERCENT", amount: "100.01" } }, "disbursement_fee.amount"],
    ["a FLAT fee that is no amount", { disbursement_fee: { kind: "FLAT", amount: "lots" } }, "disbursement_fee.amount"],
    ["a penalty of an unknown kind", { penalty: { grace_days: 1, kind: "DAILY", amount: "1.00" } }, "penalty.kind"],
    ["a PERCENT penalty above 100", { penalty: { grace_days: 1, kind: "PERCENT", amount: "120.00" } }, "penalty.amount"],
    ["negative grace days", { penalty: { grace_days: -1, kind: "FLAT", amount: "1.00" } }, "penalty.grace_days"],
    ["fractional grace days", { penalty: { grace_days: 1.5, kind: "FLAT", amount: "1.00" } }, "penalty.grace_days"],
  ])("%s → 422 naming the field, nothing created", async (_what, change, field) => {
    const body = productBody(newCode(), change);
    const res = await asAdmin("POST", "/loan/products", body);
    expect422(res, field);
    if (typeof body.code === "string" && /^[A-Z0-9_-]{2,32}$/.test(body.code)) expect((await asAdmin("GET", `/loan/products/${body.code}`)).status).toBe(404);
  });

  test("only an admin writes: an approved agent → 403, a customer → 403, anonymous → 401", async () => {
    expect((await asAgent("POST", "/loan/products", productBody(newCode()))).status).toBe(403);
    expect((await call("POST", "/loan/products", { token: people.customer.token, body: productBody(newCode()) })).status).toBe(403);
    expect((await call("POST", "/loan/products", { body: productBody(newCode()) })).status).toBe(401);
  });
});

describe("read", () => {
  test("unknown → 404; admins and approved agents read, customers and pending agents do not", async () => {
    const missing = await asAgent("GET", "/loan/products/NO-SUCH-PRODUCT");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ type: "NOT_FOUND", data: { entity: "product", id: "NO-SUCH-PRODUCT" } });
    expect((await call("GET", "/loan/products/STANDARD", { token: people.customer.token })).status).toBe(403);
    expect((await call("GET", "/loan/products", { token: people.pendingAgent.token })).status).toBe(403);
  });

  test("the list is paginated by code and filters on ?active", async () => {
    const a = await createProduct();
    const b = await createProduct();
    expect((await asAdmin("DELETE", `/loan/products/${b.code}`)).status).toBe(204);
    const all = await asAgent("GET", "/loan/products?pageSize=100");
    expect(all.status).toBe(200);
    const allCodes = all.body.rows.map((p: { code: string }) => p.code);
    expect(allCodes).toEqual([...allCodes].sort());
    expect(allCodes).toEqual(expect.arrayContaining(["STANDARD", a.code, b.code]));
    expect(all.body.total).toBe(allCodes.length);

    const active = await asAgent("GET", "/loan/products?active=true&pageSize=100");
    expect(active.body.rows.every((p: { active: boolean }) => p.active)).toBe(true);
    expect(active.body.rows.map((p: { code: string }) => p.code)).toContain(a.code);
    expect(active.body.rows.map((p: { code: string }) => p.code)).not.toContain(b.code);
    const inactive = await asAgent("GET", "/loan/products?active=false&pageSize=100");
    expect(inactive.body.rows.map((p: { code: string }) => p.code)).toContain(b.code);
    expect(inactive.body.rows.every((p: { active: boolean }) => !p.active)).toBe(true);
    expect(active.body.total + inactive.body.total).toBe(all.body.total);

    const page1 = await asAgent("GET", "/loan/products?pageSize=1&page=1");
    const page2 = await asAgent("GET", "/loan/products?pageSize=1&page=2");
    expect(page1.body).toMatchObject({ page: 1, pageSize: 1, total: all.body.total, totalPages: all.body.total });
    expect([page1.body.rows[0].code, page2.body.rows[0].code]).toEqual(allCodes.slice(0, 2));
    const beyond = await asAgent("GET", `/loan/products?pageSize=1&page=${all.body.total + 1}`);
    expect(beyond.body).toMatchObject({ rows: [], total: all.body.total });
  });
});

describe("update and deactivate", () => {
  test("any field but the code; the fields sent are checked with those kept; unknown → 404", async () => {
    const p = await createProduct();
    const res = await asAdmin("PUT", `/loan/products/${p.code}`, { name: "Micro (2026)", max_tenure_months: 36, disbursement_fee: { kind: "FLAT", amount: 150 }, penalty: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...p, name: "Micro (2026)", max_tenure_months: 36, disbursement_fee: { kind: "FLAT", amount: "150.00" }, penalty: null, updated_at: expect.any(String) });
    expect422(await asAdmin("PUT", `/loan/products/${p.code}`, { min_principal: "60000.00" }), "min_principal");
    expect422(await asAdmin("PUT", `/loan/products/${p.code}`, { max_tenure_months: 2 }), "min_tenure_months");
    expect422(await asAdmin("PUT", `/loan/products/${p.code}`, { rate_bands: [{ up_to: "5.00", rate: "1.00" }] }), "rate_bands[0].up_to");
    expect((await asAdmin("GET", `/loan/products/${p.code}`)).body).toEqual(res.body);
    expect((await asAdmin("PUT", "/loan/products/NO-SUCH-PRODUCT", { name: "x" })).status).toBe(404);
    expect((await asAgent("PUT", `/loan/products/${p.code}`, { name: "agent" })).status).toBe(403);
  });

  test("deactivated: 204, no new loans with it (422 on product_code); `active: true` reactivates", async () => {
    const p = await createProduct();
    expect((await asAgent("DELETE", `/loan/products/${p.code}`)).status).toBe(403);
    const gone = await asAdmin("DELETE", `/loan/products/${p.code}`);
    expect(gone.status).toBe(204);
    expect(gone.body).toBeNull();
    expect((await asAdmin("GET", `/loan/products/${p.code}`)).body.active).toBe(false);
    expect422(await requestLoan({ principal: "5000.00", tenure_months: 12, product_code: p.code }), "product_code", /deactivated/);
    expect((await asAdmin("DELETE", `/loan/products/${p.code}`)).status).toBe(204); // again: still deactivated
    const back = await asAdmin("PUT", `/loan/products/${p.code}`, { active: true });
    expect(back.body.active).toBe(true);
    expect((await requestLoan({ principal: "5000.00", tenure_months: 12, product_code: p.code })).status).toBe(201);
    expect((await asAdmin("DELETE", "/loan/products/NO-SUCH-PRODUCT")).status).toBe(404);
  });

  test("each change is a product.changed event, in the outbox and the audit log, with the product before and after", async () => {
    const p = await createProduct();
    await asAdmin("PUT", `/loan/products/${p.code}`, { name: "Changed" });
    await asAdmin("DELETE", `/loan/products/${p.code}`);
    const outbox = await withLoansDb(
      async (db) => (await db.query("SELECT payload FROM outbox WHERE event = 'product.changed' AND payload->'product'->>'code' = $1 ORDER BY id", [p.code])).rows as { payload: Json }[],
    );
    expect(outbox.map((r) => [r.payload.before?.name ?? null, r.payload.product.name, r.payload.product.active])).toEqual([
      [null, "Micro loan", true],
      ["Micro loan", "Changed", true],
      ["Changed", "Changed", false],
    ]);
    const productId = outbox[0]!.payload.product_id as number;
    expect(outbox.every((r) => r.payload.product_id === productId && r.payload.actor_id === people.admin.id)).toBe(true);
    const trail = await eventually(
      async () => {
        const res = await asAdmin("GET", `/audit/events?entity=product&entity_id=${productId}&pageSize=100`);
        expect(res.body.total).toBe(3);
        return res.body.rows as Json[];
      },
      { what: "the product's three audit events" },
    );
    expect(trail.map((e) => [e.event, e.entity, e.actor_id, e.before?.name ?? null, e.after.active])).toEqual([
      ["product.changed", "product", people.admin.id, null, true],
      ["product.changed", "product", people.admin.id, "Micro loan", true],
      ["product.changed", "product", people.admin.id, "Changed", false],
    ]);
  });
});

describe("loans with a product", () => {
  test("the rate from the product's bands, the fee on the principal, the product's code; its terms copied on the loan", async () => {
    const p = await createProduct();
    const low = await requestLoan({ principal: "10000.00", tenure_months: 12, product_code: p.code });
    expect(low.status).toBe(201);
    // 1.50 % of 10000.00; the band up to 10000.00 is inclusive.
    expect(low.body).toMatchObject({ product_code: p.code, interest_rate: "18.00", disbursement_fee: "150.00", principal: "10000.00", tenure_months: 12 });
    const high = await requestLoan({ principal: "33333.33", tenure_months: 24, product_code: p.code });
    // 33333.33 × 1.5 % = 499.99995 → 500.00 half-up
    expect(high.body).toMatchObject({ interest_rate: "16.00", disbursement_fee: "500.00" });
    const terms = await withLoansDb(async (db) => (await db.query("SELECT product_terms, disbursement_fee FROM loans WHERE id = $1", [high.body.id])).rows[0]);
    expect(terms).toEqual({
      product_terms: {
        code: p.code,
        min_principal: "1000.00",
        max_principal: "50000.00",
        min_tenure_months: 3,
        max_tenure_months: 24,
        rate_bands: p.rate_bands,
        disbursement_fee: p.disbursement_fee,
        penalty: p.penalty,
      },
      disbursement_fee: "500.00",
    });
    const flat = await createProduct({ disbursement_fee: { kind: "FLAT", amount: "75.00" } });
    expect((await requestLoan({ principal: "2000.00", tenure_months: 6, product_code: flat.code })).body.disbursement_fee).toBe("75.00");
  });

  test.each([
    ["principal", { principal: "1999.99", tenure_months: 12 }, /at least 2000\.00/],
    ["principal", { principal: "50000.01", tenure_months: 12 }, /at most 50000\.00/],
    ["tenure_months", { principal: "5000.00", tenure_months: 2 }, /at least 3/],
    ["tenure_months", { principal: "5000.00", tenure_months: 25 }, /at most 24/],
  ])("outside the product's bounds → 422 naming %s and the bound", async (field, loan, bound) => {
    const p = await createProduct({ min_principal: "2000.00" });
    expect422(await requestLoan({ ...loan, product_code: p.code }), field, bound);
  });

  test("an unknown or malformed product → 422 on product_code", async () => {
    expect422(await requestLoan({ principal: "5000.00", tenure_months: 12, product_code: "NO-SUCH-PRODUCT" }), "product_code", /does not exist/);
    expect422(await requestLoan({ principal: "5000.00", tenure_months: 12, product_code: "lower case" }), "product_code");
  });

  test("a product change never alters an existing loan: rate, EMI, fee and the copied terms stay", async () => {
    const p = await createProduct();
    const loan = (await requestLoan({ principal: "20000.00", tenure_months: 12, product_code: p.code })).body;
    const approvedLoan = (await requestLoan({ principal: "20000.00", tenure_months: 12, product_code: p.code })).body;
    expect((await asAdmin("PUT", `/loan/approve-reject-loan/${approvedLoan.id}`, { status: "APPROVED" })).status).toBe(200);
    const storedTerms = async (id: number) => withLoansDb(async (db) => (await db.query("SELECT product_terms FROM loans WHERE id = $1", [id])).rows[0].product_terms);
    const termsBefore = await storedTerms(loan.id);

    const changed = await asAdmin("PUT", `/loan/products/${p.code}`, { rate_bands: [{ up_to: null, rate: "5.00" }], disbursement_fee: { kind: "FLAT", amount: "999.00" }, max_principal: "30000.00" });
    expect(changed.status).toBe(200);
    for (const before of [loan, approvedLoan]) {
      const after = (await asAdmin("GET", `/loan/loan-details/${before.id}`)).body;
      expect(after).toMatchObject({ interest_rate: "16.00", emi: before.emi, disbursement_fee: "300.00", product_code: p.code, version: before.version });
    }
    expect(await storedTerms(loan.id)).toEqual(termsBefore);
    // And deactivating it leaves its loans alone too.
    expect((await asAdmin("DELETE", `/loan/products/${p.code}`)).status).toBe(204);
    expect((await asAdmin("GET", `/loan/loan-details/${loan.id}`)).body).toMatchObject({ interest_rate: "16.00", emi: loan.emi, product_code: p.code });
  });

  test("an edit while NEW re-copies the product's current terms and re-checks its bounds; after the decision nothing changes them", async () => {
    const p = await createProduct();
    const loan = (await requestLoan({ principal: "20000.00", tenure_months: 12, product_code: p.code })).body;
    await asAdmin("PUT", `/loan/products/${p.code}`, { rate_bands: [{ up_to: null, rate: "11.00" }], disbursement_fee: { kind: "FLAT", amount: "99.00" }, max_tenure_months: 18 });

    expect422(await asAgent("PUT", `/loan/edit-loan/${loan.id}`, { tenure_months: 24 }), "tenure_months", /at most 18/);
    const edited = await asAgent("PUT", `/loan/edit-loan/${loan.id}`, { tenure_months: 18 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ interest_rate: "11.00", disbursement_fee: "99.00", tenure_months: 18, version: 2, product_code: p.code });
    const copied = await withLoansDb(async (db) => (await db.query("SELECT product_terms FROM loans WHERE id = $1", [loan.id])).rows[0].product_terms);
    expect(copied).toMatchObject({ max_tenure_months: 18, rate_bands: [{ up_to: null, rate: "11.00" }], disbursement_fee: { kind: "FLAT", amount: "99.00" } });

    expect((await asAdmin("PUT", `/loan/approve-reject-loan/${loan.id}`, { status: "APPROVED" })).status).toBe(200);
    await asAdmin("PUT", `/loan/products/${p.code}`, { rate_bands: [{ up_to: null, rate: "3.00" }] });
    expect((await asAgent("PUT", `/loan/edit-loan/${loan.id}`, { tenure_months: 12 })).status).toBe(409);
    expect((await asAdmin("GET", `/loan/loan-details/${loan.id}`)).body).toMatchObject({ interest_rate: "11.00", emi: edited.body.emi, disbursement_fee: "99.00" });
  });

  test("an edit of a loan whose product was deactivated since keeps to that product", async () => {
    const p = await createProduct();
    const loan = (await requestLoan({ principal: "20000.00", tenure_months: 12, product_code: p.code })).body;
    await asAdmin("DELETE", `/loan/products/${p.code}`);
    const edited = await asAgent("PUT", `/loan/edit-loan/${loan.id}`, { principal: "5000.00" });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ product_code: p.code, interest_rate: "18.00", disbursement_fee: "75.00" });
  });
});

// Last: it deactivates every product but STANDARD.
describe("the last active product", () => {
  test("cannot be deactivated (409 LAST_ACTIVE_PRODUCT), by DELETE or by `active: false`", async () => {
    const active = await asAdmin("GET", "/loan/products?active=true&pageSize=100");
    for (const p of active.body.rows as { code: string }[]) if (p.code !== "STANDARD") expect((await asAdmin("DELETE", `/loan/products/${p.code}`)).status).toBe(204);
    const last = await asAdmin("DELETE", "/loan/products/STANDARD");
    expect(last.status).toBe(409);
    expect(last.body).toMatchObject({ type: "LAST_ACTIVE_PRODUCT" });
    expect((await asAdmin("PUT", "/loan/products/STANDARD", { active: false })).status).toBe(409);
    expect((await asAdmin("GET", "/loan/products/STANDARD")).body.active).toBe(true);
  });

  test("of two concurrent deactivations of the last two active products, one is refused", async () => {
    const p = await createProduct();
    const [a, b] = await Promise.all([asAdmin("DELETE", `/loan/products/${p.code}`), asAdmin("DELETE", "/loan/products/STANDARD")]);
    expect([a.status, b.status].sort()).toEqual([204, 409]);
    const active = await asAdmin("GET", "/loan/products?active=true");
    expect(active.body.total).toBe(1);
    // Put STANDARD back for anything after.
    await asAdmin("PUT", "/loan/products/STANDARD", { active: true });
  });
});
