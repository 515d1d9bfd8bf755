/**
 * The benchmark's baseline: a bare node:http + pg server that does, per endpoint, what
 * loanstack does — verifies the same JWT (HS256, issuer "loanstack", KeyObject made once),
 * looks the token's user up by id, checks the role, and runs the same SQL on the same
 * databases — and answers the same JSON. No framework, no cache, no broker.
 *
 * Env: BASELINE_PORT (0 = any), USERS_DATABASE_URL, LOANS_DATABASE_URL, JWT_SECRET,
 * DB_POOL_MAX (10, as loanstack's default per service), BASELINE_OUTBOX_TABLE (outbox).
 * Prints "baseline listening on http://127.0.0.1:PORT" when ready.
 */
import crypto from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import bcrypt from "bcryptjs";
import jwt from "jsonwebtoken";
import { Pool } from "pg";
// The same pure arithmetic loanstack uses (decimal.js), so both compute the same EMI.
import { loanTerms } from "../domain/loan-math.js";
import { daysPastDue } from "../domain/arrears.js";
import { positionOf, scheduleView, shareFigures } from "../domain/loan-book.js";
import { replay, sumParts, type ReplayTransaction } from "../domain/replay.js";
import { todayUtc } from "../domain/calendar.js";
import { fromCents, toCents } from "../domain/cents.js";
import { buildSchedule } from "../domain/schedule.js";

const ISSUER = "loanstack";
const STATUSES = ["NEW", "APPROVED", "REJECTED"];
/** Every column of loans, as Sequelize selects the model's attributes; the keys are not answered. */
const LOAN_COLUMNS =
  "id, customer_id, agent_id, principal, interest_rate, tenure_months, emi, status, version, decided_by, decided_at, created_at, updated_at, request_key, decision_key, " +
  "disbursed_on, disbursed_by, disbursement_key, closed_at, total_interest, outstanding_principal, outstanding_interest, outstanding_fee, outstanding_penalty, next_due_date, product_code, disbursement_fee";

/** As loanstack's toLoan: the keys and the servicing bookkeeping left out, days past due as of today. */
function toLoan(row: Record<string, unknown>): Record<string, unknown> {
  const {
    request_key: _r,
    decision_key: _d,
    disbursed_by: _b,
    disbursement_key: _k,
    total_interest: _t,
    outstanding_principal,
    outstanding_interest,
    outstanding_fee,
    outstanding_penalty,
    next_due_date,
    ...loan
  } = row;
  const serviced = loan.status === "ACTIVE" || loan.status === "CLOSED" || loan.status === "WRITTEN_OFF";
  const nextDue = next_due_date === null || next_due_date === undefined ? null : asDate(next_due_date);
  return {
    ...loan,
    disbursed_on: loan.disbursed_on ? asDate(loan.disbursed_on) : null,
    outstanding_principal: serviced ? outstanding_principal : null,
    outstanding_interest: serviced ? outstanding_interest : null,
    outstanding_fee: serviced ? outstanding_fee : null,
    outstanding_penalty: serviced ? outstanding_penalty : null,
    next_due_date: serviced ? nextDue : null,
    days_past_due: serviced ? daysPastDue(nextDue, todayUtc()) : null,
  };
}
/** DATE columns as the loans service's DATEONLY attributes answer them: "YYYY-MM-DD". */
function asDate(v: unknown): string {
  if (!(v instanceof Date)) return v as string;
  return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, "0")}-${String(v.getDate()).padStart(2, "0")}`;
}
const BODY_LIMIT = 1024 * 1024;
/**
 * The bench points this at a copy of loanstack's outbox table (same columns, indexes and
 * sequence) so that loanstack's relay, running in the same database, never delivers the
 * baseline's events on the baseline's time (or on its own).
 */
const OUTBOX = /^[a-z_]+$/.test(process.env.BASELINE_OUTBOX_TABLE ?? "") ? process.env.BASELINE_OUTBOX_TABLE! : "outbox";

const secret = process.env.JWT_SECRET;
if (!secret) throw new Error("JWT_SECRET is required");
const key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
const poolMax = Number(process.env.DB_POOL_MAX ?? 10);
const users = new Pool({ connectionString: process.env.USERS_DATABASE_URL, max: poolMax });
const loans = new Pool({ connectionString: process.env.LOANS_DATABASE_URL, max: poolMax });
const dummyHash = bcrypt.hashSync("not a password of anyone", 10);

interface AuthUser {
  id: number;
  email: string;
  role: "admin" | "agent" | "customer";
  is_approved: boolean;
}

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(json) });
  res.end(json);
}

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > BODY_LIMIT) reject(new HttpError(413, "PAYLOAD_TOO_LARGE", "request body too large"));
      else chunks.push(c);
    });
    req.on("end", () => {
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, "INVALID_REQUEST_BODY", "malformed JSON body"));
      }
    });
    req.on("error", reject);
  });
}

/** The token's user, as loanstack's gateway resolves it (users.resolve's query, session included), or a 401. */
async function authenticate(req: IncomingMessage): Promise<AuthUser> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match) throw new HttpError(401, "NO_TOKEN", "sign in first: send Authorization: Bearer <token>");
  let id: number;
  let sid: unknown;
  try {
    const claims = jwt.verify(match[1]!, key, { algorithms: ["HS256"], issuer: ISSUER }) as jwt.JwtPayload;
    id = Number(claims.sub);
    sid = claims.sid;
  } catch {
    throw new HttpError(401, "INVALID_TOKEN", "invalid or expired token");
  }
  if (!Number.isInteger(id) || id <= 0 || typeof sid !== "string") throw new HttpError(401, "INVALID_TOKEN", "invalid or expired token");
  // The same check as users.resolve: the user of a live session.
  const { rows } = await users.query<AuthUser>(
    `SELECT u.id, u.email, u.role, u.is_approved FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    [sid, id],
  );
  if (!rows[0]) throw new HttpError(401, "INVALID_TOKEN", "the session has ended or its user no longer exists");
  return rows[0];
}

function allow(user: AuthUser, roles: AuthUser["role"][]): void {
  if (!user.is_approved || !roles.includes(user.role)) throw new HttpError(403, "FORBIDDEN", "your role may not do this");
}

function positiveInt(value: string | null, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new HttpError(422, "VALIDATION_ERROR", "Parameters validation error!", [{ field: name }]);
  return n;
}

function pageOf(query: URLSearchParams) {
  const page = positiveInt(query.get("page"), "page", 1);
  const pageSize = positiveInt(query.get("pageSize"), "pageSize", 20, 100);
  const status = query.get("status");
  if (status !== null && !STATUSES.includes(status)) throw new HttpError(422, "VALIDATION_ERROR", "Parameters validation error!", [{ field: "status" }]);
  return { page, pageSize, status, offset: (page - 1) * pageSize };
}

const toPage = (rows: unknown[], total: number, page: number, pageSize: number) => ({ rows, total, page, pageSize, totalPages: Math.ceil(total / pageSize) });

/** GET /api/loan/list-loans-customer: the customer's page and COUNT(*), as findAndCountAll runs them. */
async function listMine(req: IncomingMessage, query: URLSearchParams) {
  const user = await authenticate(req);
  allow(user, ["customer"]);
  const { page, pageSize, status, offset } = pageOf(query);
  const where = status ? "customer_id = $1 AND status = $2" : "customer_id = $1";
  const args: unknown[] = status ? [user.id, status] : [user.id];
  const [count, rows] = await Promise.all([
    loans.query<{ count: string }>(`SELECT count(*) AS count FROM loans WHERE ${where}`, args),
    loans.query(`SELECT ${LOAN_COLUMNS} FROM loans WHERE ${where} ORDER BY id DESC LIMIT ${pageSize} OFFSET ${offset}`, args),
  ]);
  return toPage(rows.rows.map(toLoan), Number(count.rows[0]!.count), page, pageSize);
}

/** GET /api/loan/list-loans-admin-agent: the page, and the total from the trigger-kept loan_counts. */
async function listAll(req: IncomingMessage, query: URLSearchParams) {
  const user = await authenticate(req);
  allow(user, ["admin", "agent"]);
  const { page, pageSize, status, offset } = pageOf(query);
  const [rows, total] = await Promise.all([
    loans.query(`SELECT ${LOAN_COLUMNS} FROM loans${status ? " WHERE status = $1" : ""} ORDER BY id DESC LIMIT ${pageSize} OFFSET ${offset}`, status ? [status] : []),
    loans.query<{ total: string | null }>(`SELECT sum(n) AS total FROM loan_counts${status ? " WHERE status = $1" : ""}`, status ? [status] : []),
  ]);
  return toPage(rows.rows.map(toLoan), Number(total.rows[0]?.total ?? 0), page, pageSize);
}

let standard: Promise<string> | undefined;
/** STANDARD's terms as loanstack copies them onto each loan, read once. */
function standardTerms(): Promise<string> {
  standard ??= loans
    .query<{ terms: unknown }>(
      `SELECT json_build_object('code', code, 'min_principal', min_principal::text, 'max_principal', max_principal::text, 'min_tenure_months', min_tenure_months,
              'max_tenure_months', max_tenure_months, 'rate_bands', rate_bands, 'disbursement_fee', disbursement_fee, 'penalty', penalty) AS terms FROM products WHERE code = 'STANDARD'`,
    )
    .then((r) => JSON.stringify(r.rows[0]?.terms ?? null));
  return standard;
}

/**
 * POST /api/loan/customer-loan: customer check, then in one transaction the look-up of the
 * request's key (loanstack's idempotency check), the loan row and the outbox row.
 */
async function requestLoan(req: IncomingMessage) {
  const user = await authenticate(req);
  allow(user, ["agent"]);
  const body = await readJson(req);
  const customerId = Number(body.customer_id);
  const tenure = Number(body.tenure_months);
  const principal = body.principal;
  const invalid = (field: string) => new HttpError(422, "VALIDATION_ERROR", "Parameters validation error!", [{ field }]);
  if (!Number.isInteger(customerId) || customerId < 1) throw invalid("customer_id");
  if (!Number.isInteger(tenure) || tenure < 1 || tenure > 360) throw invalid("tenure_months");
  if (!((typeof principal === "string" && /^\s*\d+(\.\d{1,2})?\s*$/.test(principal)) || (typeof principal === "number" && principal > 0))) throw invalid("principal");
  const terms = loanTerms(String(principal).trim(), tenure);
  const { rows: found } = await users.query<{ count: string }>("SELECT count(*) AS count FROM users WHERE id = $1 AND role = 'customer'", [customerId]);
  if (Number(found[0]!.count) !== 1) throw invalid("customer_id");
  // As loanstack: the write's key is the client's Idempotency-Key (per caller), else one per request.
  const clientKey = req.headers["idempotency-key"];
  if (typeof clientKey === "string" && clientKey.length > 100) throw invalid("Idempotency-Key");
  const requestKey = typeof clientKey === "string" && clientKey !== "" ? `client:${user.id}:${clientKey}` : `request:${crypto.randomUUID()}`;
  const client = await loans.connect();
  try {
    await client.query("BEGIN");
    const done = await client.query(`SELECT ${LOAN_COLUMNS} FROM loans WHERE request_key = $1 LIMIT 1`, [requestKey]);
    if (done.rows[0]) {
      await client.query("COMMIT");
      return toLoan(done.rows[0] as Record<string, unknown>);
    }
    // As loanstack: the agent's limit row locked, its trigger-kept used amount checked.
    const lock = () => client.query<{ limit: string | null; used: string }>(`SELECT "limit", used FROM agent_limits WHERE agent_id = $1 FOR UPDATE`, [user.id]);
    let row = (await lock()).rows[0];
    if (!row) {
      await client.query(`INSERT INTO agent_limits (agent_id, "limit", source) VALUES ($1, NULL, 'default') ON CONFLICT (agent_id) DO NOTHING`, [user.id]);
      row = (await lock()).rows[0]!;
    }
    if (row.limit !== null && toCents(row.used) + toCents(terms.principal) > toCents(row.limit)) throw new HttpError(422, "AGENT_LIMIT_EXCEEDED", "over the limit");
    const { rows } = await client.query(
      `INSERT INTO loans (customer_id, agent_id, principal, interest_rate, tenure_months, emi, status, version, request_key, product_code, product_terms, disbursement_fee, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'NEW', 1, $7, 'STANDARD', $8, 0, now(), now()) RETURNING ${LOAN_COLUMNS}`,
      [customerId, user.id, terms.principal, terms.interest_rate, terms.tenure_months, terms.emi, requestKey, await standardTerms()],
    );
    const loan = toLoan(rows[0] as Record<string, unknown>);
    await client.query(`INSERT INTO ${OUTBOX} (event, payload) VALUES ($1, $2)`, ["loan.created", JSON.stringify({ actor_id: user.id, loan })]);
    await client.query("COMMIT");
    return loan;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** POST /api/user/login: the user by email, bcrypt compare (cost from the stored hash), a token. */
async function login(req: IncomingMessage) {
  const body = await readJson(req);
  const email = typeof body.email === "string" ? body.email.trim() : "";
  const password = typeof body.password === "string" ? body.password : "";
  const { rows } = await users.query("SELECT id, email, password_hash, first_name, last_name, role, is_approved, created_at, updated_at FROM users WHERE lower(email) = $1", [email.toLowerCase()]);
  const row = rows[0] as (AuthUser & { password_hash: string; first_name: string; last_name: string; created_at: Date; updated_at: Date }) | undefined;
  const ok = await bcrypt.compare(password, row?.password_hash ?? dummyHash);
  if (!row || !ok) throw new HttpError(401, "INVALID_CREDENTIALS", "Invalid email or password");
  if (!row.is_approved) throw new HttpError(403, "AGENT_NOT_APPROVED", "This agent account is waiting for an admin's approval");
  const token = jwt.sign({ role: row.role }, key, { algorithm: "HS256", subject: String(row.id), issuer: ISSUER, expiresIn: "2h" });
  const { password_hash: _hash, ...user } = row;
  return { token, token_type: "Bearer", expires_in: 7200, user };
}

// ---- servicing: the same SQL as loanstack's loans.schedule and loans.repay, the same pure arithmetic ----

const SERVICED_COLUMNS = LOAN_COLUMNS;
const REPAYMENT_COLUMNS = "id, loan_id, type, amount, principal_part, interest_part, fee_part, penalty_part, allocation, value_date, recorded_by, request_key, created_at, reversed";
/** What the replay reads of a loan's transactions. */
const REPLAYED_COLUMNS = "id, type, amount, value_date, installment_number, charge_id, reversed";

interface ReplayedRow {
  id: string;
  type: ReplayTransaction["type"];
  amount: string;
  value_date: Date | string;
  installment_number: number | null;
  charge_id: string | null;
  reversed: boolean;
}

const toReplayed = (t: ReplayedRow): ReplayTransaction => ({
  id: Number(t.id),
  type: t.type,
  amount: toCents(t.amount),
  value_date: asDate(t.value_date),
  installment_number: t.installment_number,
  charge_id: t.charge_id === null ? null : Number(t.charge_id),
  reversed: t.reversed,
});

interface ServicedRow {
  id: number;
  customer_id: number;
  principal: string;
  interest_rate: string;
  tenure_months: number;
  emi: string;
  status: string;
  disbursed_on: string | null;
  total_interest: string | null;
  outstanding_principal: string | null;
  outstanding_interest: string | null;
}

/** GET /api/loan/loan-schedule/:id (admin, agent, the loan's customer): one loan by id, the schedule as of today. */
async function loanSchedule(req: IncomingMessage, id: number) {
  const user = await authenticate(req);
  allow(user, ["admin", "agent", "customer"]);
  const { rows } = await loans.query<ServicedRow>(`SELECT ${SERVICED_COLUMNS} FROM loans WHERE id = $1`, [id]);
  const loan = rows[0];
  if (!loan) throw new HttpError(404, "NOT_FOUND", `loan ${id} not found`);
  if (user.role === "customer" && loan.customer_id !== user.id) throw new HttpError(403, "FORBIDDEN", "this loan belongs to another customer");
  const asOf = todayUtc();
  const disbursedOn = loan.disbursed_on ? asDate(loan.disbursed_on) : null;
  const schedule = buildSchedule(loan, disbursedOn ?? asOf);
  const transactions = disbursedOn ? (await loans.query<ReplayedRow>(`SELECT ${REPLAYED_COLUMNS} FROM loan_transactions WHERE loan_id = $1`, [id])).rows.map(toReplayed) : [];
  return { loan_id: loan.id, disbursed_on: disbursedOn, as_of: asOf, ...scheduleView(schedule, replay(schedule, transactions), asOf) };
}

/**
 * POST /api/loan/repayment/:id (admin, agent): in one transaction the loan under FOR
 * UPDATE, the request key's look-up, the repayment, the loan's new figures, the outbox row.
 */
async function repay(req: IncomingMessage, id: number) {
  const user = await authenticate(req);
  allow(user, ["admin", "agent"]);
  const body = await readJson(req);
  const invalid = (field: string) => new HttpError(422, "VALIDATION_ERROR", "Parameters validation error!", [{ field }]);
  if (typeof body.amount !== "string" || !/^\d+(\.\d{1,2})?$/.test(body.amount) || toCents(body.amount) <= 0n) throw invalid("amount");
  const amount = fromCents(toCents(body.amount));
  const paidOn = todayUtc();
  const requestKey = `request:${crypto.randomUUID()}`;
  const client = await loans.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<ServicedRow>(`SELECT ${SERVICED_COLUMNS} FROM loans WHERE id = $1 FOR UPDATE`, [id]);
    const loan = rows[0];
    if (!loan) throw new HttpError(404, "NOT_FOUND", `loan ${id} not found`);
    await client.query(`SELECT ${REPAYMENT_COLUMNS} FROM loan_transactions WHERE request_key = $1 LIMIT 1`, [requestKey]);
    if (loan.status !== "ACTIVE") throw new HttpError(409, "LOAN_NOT_REPAYABLE", `loan ${id} is ${loan.status}`);
    // As loanstack: the loan's transactions after the lock, replayed with the new repayment.
    const stored = (await client.query<ReplayedRow>(`SELECT ${REPLAYED_COLUMNS} FROM loan_transactions WHERE loan_id = $1`, [id])).rows.map(toReplayed);
    const schedule = buildSchedule(loan, asDate(loan.disbursed_on));
    const book = replay(schedule, [
      ...stored,
      { id: Number.MAX_SAFE_INTEGER, type: "REPAYMENT", amount: toCents(amount), value_date: paidOn, installment_number: null, charge_id: null, reversed: false },
    ]);
    if (book.repayments.some((r) => r.unallocated > 0n)) throw invalid("amount");
    const share = shareFigures(book.repayments.find((r) => r.id === Number.MAX_SAFE_INTEGER)!);
    const position = positionOf(book);
    const closes = sumParts(book.outstanding) === 0n;
    const inserted = await client.query(
      `INSERT INTO loan_transactions (loan_id, type, amount, principal_part, interest_part, fee_part, penalty_part, allocation, value_date, recorded_by, request_key, created_at)
       VALUES ($1, 'REPAYMENT', $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) RETURNING ${REPAYMENT_COLUMNS}`,
      [id, amount, share.principal_part, share.interest_part, share.fee_part, share.penalty_part, JSON.stringify(share.allocation), paidOn, user.id, requestKey],
    );
    const after = await client.query(
      `UPDATE loans SET outstanding_principal = $2, outstanding_interest = $3, outstanding_fee = $4, outstanding_penalty = $5, next_due_date = $6, status = $7, closed_at = $8, updated_at = now() WHERE id = $1 RETURNING ${SERVICED_COLUMNS}`,
      [
        id,
        position.outstanding_principal,
        position.outstanding_interest,
        position.outstanding_fee,
        position.outstanding_penalty,
        position.next_due_date,
        closes ? "CLOSED" : "ACTIVE",
        closes ? new Date() : null,
      ],
    );
    const { request_key: _k, type: _t, value_date, ...repayment } = inserted.rows[0] as Record<string, unknown>;
    const answer = { ...repayment, id: Number(repayment.id), paid_on: asDate(value_date as string) };
    await client.query(`INSERT INTO ${OUTBOX} (event, payload) VALUES ($1, $2)`, [
      "loan.repaid",
      JSON.stringify({ actor_id: user.id, repayment: answer, reallocated: [], before: toLoan(loan as unknown as Record<string, unknown>), loan: toLoan(after.rows[0] as Record<string, unknown>) }),
    ]);
    await client.query("COMMIT");
    return answer;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const SERVICING_ROUTES: Array<[RegExp, (req: IncomingMessage, id: number) => Promise<unknown>, number]> = [
  [/^GET \/api\/loan\/loan-schedule\/(\d+)$/, loanSchedule, 200],
  [/^POST \/api\/loan\/repayment\/(\d+)$/, repay, 201],
];

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const at = `${req.method} ${url.pathname}`;
  for (const [pattern, handler, status] of SERVICING_ROUTES) {
    const match = pattern.exec(at);
    if (match) return send(res, status, await handler(req, Number(match[1])));
  }
  switch (at) {
    case "GET /api/loan/list-loans-customer":
      return send(res, 200, await listMine(req, url.searchParams));
    case "GET /api/loan/list-loans-admin-agent":
      return send(res, 200, await listAll(req, url.searchParams));
    case "POST /api/loan/customer-loan":
      return send(res, 201, await requestLoan(req));
    case "POST /api/user/login":
      return send(res, 200, await login(req));
    case "GET /health":
      return send(res, 200, { status: "ok" });
    default:
      throw new HttpError(404, "NOT_FOUND", "Not found");
  }
}

const server = http.createServer((req, res) => {
  route(req, res).catch((err: unknown) => {
    const e = err instanceof HttpError ? err : new HttpError(500, "INTERNAL_ERROR", err instanceof Error ? err.message : String(err));
    if (e.code >= 500) console.error("request failed:", req.method, req.url, err);
    if (!res.headersSent) send(res, e.code, { name: e.name, message: e.message, code: e.code, type: e.type, data: e.data });
  });
});

server.listen(Number(process.env.BASELINE_PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  const port = address && typeof address === "object" ? address.port : 0;
  console.log(`baseline listening on http://127.0.0.1:${port}`);
});

function shutdown(): void {
  server.close();
  server.closeAllConnections();
  void Promise.all([users.end(), loans.end()]).finally(() => process.exit(0));
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
