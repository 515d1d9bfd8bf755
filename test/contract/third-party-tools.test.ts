/**
 * The served document as integrators' tools take it (SPEC "The OpenAPI document, for
 * generators"; issue 16 item 10): GET /api/v1/openapi.json from a running stack, then
 * - Spectral (`spectral:oas`) and Redocly CLI (`recommended`) lint it with zero errors;
 * - @hey-api/openapi-ts generates a fetch client from it into a temp folder, `tsc --strict`
 *   (the project's TypeScript) compiles that client with generated-client/life.ts, and node
 *   runs a loan's life through it against the stack: signup, approval, request, decision,
 *   disbursement, repayment, schedule.
 * All three tools are devDependencies of exact versions, run offline from node_modules.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { useStack } from "../support/fixture.js";
import { http } from "../support/http.js";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
/** A CLI of node_modules/.bin as the script it links to, run by this test's own node. */
const bin = (name: string): string => fs.realpathSync(path.join(ROOT, "node_modules", ".bin", name));
// No update checks or telemetry: the test runs offline and says nothing to anyone.
const QUIET_ENV = { ...process.env, NO_COLOR: "1", REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", CI: "true" };

/** An answer's body as life.ts printed it: the fields the assertions read, loosely. */
type Body = Record<string, unknown> & { id: number; rows: Array<Record<string, unknown>> };
type Steps = Array<{ step: string; status: number; body: Body; location?: string | null }>;
interface Finding {
  rule: string;
  where: string;
  message: string;
}

const { stack, beforeStop } = useStack();
let dir: string;
// The three tools run at once (each test awaits its own), to keep the file well under a minute.
let spectral: Promise<{ errors: Finding[]; warnings: Finding[] }>;
let redocly: Promise<{ errors: Finding[]; warnings: Finding[] }>;
let life: Promise<Steps>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-openapi-tools-"));
  const res = await http(stack.url, "GET", "/api/v1/openapi.json");
  expect(res.status).toBe(200);
  const documentFile = path.join(dir, "openapi.json");
  fs.writeFileSync(documentFile, JSON.stringify(res.body, null, 2));
  spectral = lintWithSpectral(documentFile);
  redocly = lintWithRedocly(documentFile);
  life = generateAndRun(documentFile);
  // Settled here too, so that a failure is reported by the test that awaits it, not as unhandled.
  for (const p of [spectral, redocly, life]) p.catch(() => undefined);
}, 60_000);
beforeStop(async () => {
  await Promise.allSettled([spectral, redocly, life]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs a node script; a non-zero exit is an answer too (linters exit 1 on findings). */
async function node(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { cwd, env: QUIET_ENV, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function lintWithSpectral(documentFile: string) {
  const ruleset = path.join(dir, "spectral.json");
  fs.writeFileSync(ruleset, JSON.stringify({ extends: [["spectral:oas", "recommended"]] }));
  const out = await node([bin("spectral"), "lint", documentFile, "--ruleset", ruleset, "--format", "json", "--quiet"], dir);
  const results = JSON.parse(out.stdout || "null") as Array<{ code: string; message: string; severity: number; path: string[] }> | null;
  if (!results) throw new Error(`spectral gave no report (exit ${out.code}): ${out.stderr}`);
  const findings = (severity: number): Finding[] => results.filter((r) => r.severity === severity).map((r) => ({ rule: r.code, where: r.path.join("."), message: r.message }));
  return { errors: findings(0), warnings: findings(1) };
}

async function lintWithRedocly(documentFile: string) {
  const out = await node([bin("redocly"), "lint", documentFile, "--extends", "recommended", "--format", "json"], dir);
  const json = out.stdout.slice(out.stdout.indexOf("{"));
  if (!json) throw new Error(`redocly gave no report (exit ${out.code}): ${out.stderr}`);
  const report = JSON.parse(json) as { problems: Array<{ ruleId: string; severity: string; message: string; location?: Array<{ pointer?: string }> }> };
  const findings = (severity: string): Finding[] => report.problems.filter((p) => p.severity === severity).map((p) => ({ rule: p.ruleId, where: p.location?.[0]?.pointer ?? "", message: p.message }));
  return { errors: findings("error"), warnings: findings("warn") };
}

/** Generates the client, compiles it with life.ts under `tsc --strict`, runs it against the stack. */
async function generateAndRun(documentFile: string): Promise<Steps> {
  const project = path.join(dir, "client");
  fs.mkdirSync(project);
  const generated = await node([bin("openapi-ts"), "-i", documentFile, "-o", path.join(project, "gen"), "-c", "@hey-api/client-fetch", "--no-log-file", "-s"], project);
  if (generated.code !== 0) throw new Error(`openapi-ts failed:\n${generated.stdout}${generated.stderr}`);
  fs.copyFileSync(path.join(__dirname, "generated-client", "life.ts"), path.join(project, "life.ts"));
  const tsconfig = {
    compilerOptions: {
      strict: true,
      target: "ES2022",
      module: "node20",
      moduleResolution: "node16",
      lib: ["ES2023", "DOM"],
      types: ["node"],
      typeRoots: [path.join(ROOT, "node_modules", "@types")],
      skipLibCheck: true,
      noEmitOnError: true,
      outDir: "out",
    },
    files: ["life.ts"],
  };
  fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  const compiled = await node([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.json", "--strict"], project);
  if (compiled.code !== 0) throw new Error(`tsc --strict failed on the generated client:\n${compiled.stdout}${compiled.stderr}`);
  const ran = await node([path.join(project, "out", "life.js"), stack.url, stack.admin.email, stack.admin.password], project);
  const steps = JSON.parse(ran.stdout.trim().split("\n").pop() || "[]") as Steps;
  if (ran.code !== 0) throw new Error(`the loan's life stopped: ${ran.stderr}\nsteps: ${JSON.stringify(steps, null, 2)}`);
  return steps;
}

test("Spectral (spectral:oas) finds no error in the served document", async () => {
  const { errors, warnings } = await spectral;
  expect(errors).toEqual([]);
  // Warnings are allowed; the one known and accepted: no `info.contact` (no public contact to give).
  expect(warnings.filter((w) => w.rule !== "info-contact")).toEqual([]);
}, 60_000);

test("Redocly CLI (recommended) finds no error and no warning in the served document", async () => {
  const { errors, warnings } = await redocly;
  expect(errors).toEqual([]);
  expect(warnings).toEqual([]);
}, 60_000);

describe("a client generated by @hey-api/openapi-ts", () => {
  let steps: Steps;
  beforeAll(async () => {
    steps = await life;
  }, 90_000);

  const step = (name: string) => {
    const found = steps.find((s) => s.step === name);
    if (!found) throw new Error(`no step "${name}" in ${JSON.stringify(steps.map((s) => s.step))}`);
    return found;
  };

  test("signs up a customer and an agent (201 and their Location); the admin approves the agent", () => {
    expect(step("signup customer")).toEqual(
      expect.objectContaining({ status: 201, body: expect.objectContaining({ role: "customer", is_approved: true }), location: expect.stringMatching(/^\/api\/v1\//) }),
    );
    expect(step("signup agent")).toEqual(expect.objectContaining({ status: 201, body: expect.objectContaining({ role: "agent", is_approved: false }) }));
    expect(step("login admin")).toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ token_type: "Bearer" }) }));
    expect(step("approve agent")).toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ id: step("signup agent").body.id, is_approved: true }) }));
    expect(step("login agent").status).toBe(200);
  });

  test("reads the errors' real types: NO_TOKEN without a token, a 422's failed fields", () => {
    expect(step("no token")).toEqual(expect.objectContaining({ status: 401, body: expect.objectContaining({ code: 401, type: "NO_TOKEN" }) }));
    expect(step("invalid principal")).toEqual(expect.objectContaining({ status: 422, body: expect.objectContaining({ code: 422, type: "VALIDATION_ERROR" }) }));
    expect(step("invalid principal fields").body as unknown as string[]).toContain("principal");
  });

  test("runs the loan's life: request, approve, disburse, repay, schedule, all money as exact strings", () => {
    const loan = step("request loan");
    expect(loan).toEqual(expect.objectContaining({ status: 201, location: `/api/v1/loan/loan-details/${loan.body.id}` }));
    expect(loan.body).toEqual(
      expect.objectContaining({ status: "NEW", principal: "250000.00", interest_rate: "12.00", emi: "11768.37", tenure_months: 24, customer_id: step("signup customer").body.id }),
    );
    expect(step("approve loan")).toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ status: "APPROVED" }) }));
    expect(step("disburse")).toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ status: "ACTIVE", disbursed_on: "2025-01-15" }) }));
    expect(step("repay")).toEqual(
      expect.objectContaining({
        status: 201,
        body: expect.objectContaining({ loan_id: loan.body.id, amount: "11768.37", principal_part: "9268.37", interest_part: "2500.00", paid_on: "2025-02-10" }),
      }),
    );
    const schedule = step("schedule");
    expect(schedule.status).toBe(200);
    expect(schedule.body.rows).toHaveLength(24);
    expect(schedule.body.rows[0]).toEqual(expect.objectContaining({ number: 1, due_date: "2025-02-15", installment: "11768.37", status: "PAID" }));
    expect(schedule.body.rows[1]).toEqual(expect.objectContaining({ due_date: "2025-03-15", status: "DUE" }));
    expect(schedule.body).toEqual(expect.objectContaining({ as_of: "2025-03-01", outstanding_principal: "240731.63", days_past_due: 0, totals: expect.objectContaining({ interest: "32440.84" }) }));
    expect(step("customer reads the loan")).toEqual(expect.objectContaining({ status: 200, body: expect.objectContaining({ status: "ACTIVE", outstanding_principal: "240731.63" }) }));
  });
});
