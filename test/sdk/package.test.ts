/**
 * `loanstack/sdk` as another project sees it once it has installed loanstack: ESM import,
 * CommonJS require and TypeScript types through the package's `exports`; and the SDK and
 * loanctl load nothing of the services (no Moleculer). Needs the build (npm test runs it).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "../..");
const dist = path.join(root, "dist");
let project: string;

beforeAll(() => {
  for (const file of ["sdk/index.js", "sdk/index.d.ts", "esm/sdk/index.js", "esm/package.json", "cli/loanctl.js"]) {
    if (!fs.existsSync(path.join(dist, file))) throw new Error(`dist/${file} is missing: run "npm run build" first (npm test does)`);
  }
  project = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-consumer-"));
  fs.mkdirSync(path.join(project, "node_modules"));
  fs.symlinkSync(root, path.join(project, "node_modules", "loanstack"), "dir");
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", private: true }));
});
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

const node = (args: string[]): string => execFileSync(process.execPath, args, { cwd: project, encoding: "utf8" });
/** Type-checks a file of the consumer project as an app would, strict, against the installed package. */
const tsc = (file: string): string =>
  execFileSync(
    process.execPath,
    [
      path.join(root, "node_modules/typescript/bin/tsc"),
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "--module",
      "node16",
      "--moduleResolution",
      "node16",
      "--target",
      "es2022",
      "--types",
      "node",
      "--typeRoots",
      path.join(root, "node_modules/@types"),
      file,
    ],
    { cwd: project, encoding: "utf8" },
  );

test("ESM import of loanstack/sdk", () => {
  const out = node([
    "--input-type=module",
    "-e",
    `import { LoanClient, LoanApiError, NotFoundError, ROLES, LOAN_STATUSES } from "loanstack/sdk";
     const c = new LoanClient({ baseUrl: "http://x.test", token: "t" });
     console.log(typeof c.listLoans, new NotFoundError("m", { status: 404 }) instanceof LoanApiError, ROLES.join(), LOAN_STATUSES.join());`,
  ]);
  expect(out.trim()).toBe("function true admin,agent,customer NEW,APPROVED,REJECTED,ACTIVE,CLOSED,WRITTEN_OFF");
});

test("CommonJS require of loanstack/sdk", () => {
  const out = node([
    "-e",
    `const { LoanClient, LoanApiError, RateLimitError } = require("loanstack/sdk");
     console.log(typeof new LoanClient().health, new RateLimitError("m", { status: 429 }).kind, LoanApiError.name);`,
  ]);
  expect(out.trim()).toBe("function rate_limited LoanApiError");
});

test("TypeScript finds the types through the exports map", () => {
  fs.writeFileSync(
    path.join(project, "use.ts"),
    `import { LoanClient, type Loan, type LoanApiErrorKind } from "loanstack/sdk";
     const client = new LoanClient({ baseUrl: "http://x.test" });
     export async function emi(id: number): Promise<string> { const loan: Loan = await client.getLoan(id); return loan.emi; }
     export const kind: LoanApiErrorKind = "rate_limited";
     // @ts-expect-error a loan's status is one of five
     export const wrong: Loan["status"] = "PAID";\n`,
  );
  tsc("use.ts");
});

test("the public entry exports the REST client, its errors and the REST types, nothing internal", () => {
  fs.writeFileSync(
    path.join(project, "internal.ts"),
    `import type { Loan, LoginResponse, Repayment } from "loanstack/sdk";
     // @ts-expect-error the services' action contracts are not public
     import type { ActionContracts } from "loanstack/sdk";
     // @ts-expect-error nor the request meta
     import type { ContextMeta } from "loanstack/sdk";
     // @ts-expect-error nor the outbox's events
     import type { OutboxEvent } from "loanstack/sdk";
     // @ts-expect-error nor the audit log's internal record action
     import type { AuditRecordParams } from "loanstack/sdk";
     export type Used = [Loan, LoginResponse, Repayment, ActionContracts, ContextMeta, OutboxEvent, AuditRecordParams];\n`,
  );
  tsc("internal.ts");
  const exported = Object.keys(createRequire(__filename)(path.join(dist, "sdk/index.js")) as object);
  expect(exported).toEqual(expect.arrayContaining(["LoanClient", "LoanApiError", "ROLES", "LOAN_STATUSES"]));
});

test("the SDK and loanctl load no Moleculer and nothing of the services", () => {
  const out = node([
    "-e",
    `require(${JSON.stringify(path.join(dist, "sdk/index.js"))});
     require(${JSON.stringify(path.join(dist, "cli/program.js"))});
     const loaded = Object.keys(require.cache);
     console.log(JSON.stringify(loaded.filter((f) => /moleculer|[\\\\/]services[\\\\/]/.test(f))));`,
  ]);
  expect(JSON.parse(out)).toEqual([]);
  const esm = fs.readdirSync(path.join(dist, "esm/sdk")).filter((f) => f.endsWith(".js"));
  for (const file of esm) {
    const text = fs.readFileSync(path.join(dist, "esm/sdk", file), "utf8");
    expect(text).not.toMatch(/(from|import\()\s*["'](\.\.\/|moleculer)/);
  }
});
