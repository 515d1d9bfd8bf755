/**
 * The SDK's types and the OpenAPI document cannot drift apart: openapi-typescript turns the
 * document into types, and tsc checks drift.assert.ts, which holds them equal to the types
 * of sdk/contracts.ts and to what each LoanClient method resolves to. A second run on a
 * document with one field renamed must fail, so the check is known to bite.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { documentFromCode } from "../../app/openapi.js";
import type { OpenApiDocument } from "../../services/api/openapi/types.js";

const run = promisify(execFile);
const HERE = __dirname;
const TSC = require.resolve("typescript/bin/tsc");
// Its CLI, in a process of its own: the package is ESM inside, which Jest's loader cannot run.
const OPENAPI_TS = path.join(path.dirname(require.resolve("openapi-typescript/package.json")), "bin", "cli.js");

/** Writes the document and the types openapi-typescript makes of it into `dir`/generated. */
async function generate(dir: string, document: OpenApiDocument): Promise<void> {
  const out = path.join(dir, "generated");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "openapi.json"), JSON.stringify(document, null, 2));
  await run(process.execPath, [OPENAPI_TS, path.join(out, "openapi.json"), "-o", path.join(out, "openapi.ts")], { cwd: dir });
}

/** Generates the types beside a copy of the assertions in `dir`, runs tsc there. */
async function check(dir: string, document: OpenApiDocument): Promise<{ ok: boolean; output: string }> {
  await generate(dir, document);
  const depth = path.relative(dir, path.resolve(HERE, "../..")).split(path.sep).join("/");
  const assertions = fs.readFileSync(path.join(HERE, "drift.assert.ts"), "utf8").replaceAll('"../../sdk/', `"${depth}/sdk/`);
  if (dir !== HERE) fs.writeFileSync(path.join(dir, "drift.assert.ts"), assertions);
  const tsconfig = {
    extends: path.relative(dir, path.resolve(HERE, "../../tsconfig.json")),
    compilerOptions: { noEmit: true, types: ["node"], rootDir: depth },
    files: ["drift.assert.ts"],
    include: [],
    exclude: [],
  };
  if (dir !== HERE) fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  try {
    const { stdout } = await run(process.execPath, [TSC, "-p", path.join(dir, "tsconfig.json")], { cwd: dir });
    return { ok: true, output: stdout };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** tsc's lines about drift.assert.ts, each followed by the assertion it points at. */
function withSource(output: string): string {
  const lines = fs.readFileSync(path.join(HERE, "drift.assert.ts"), "utf8").split("\n");
  return output.replace(/drift\.assert\.ts\((\d+),\d+\): [^\n]*/g, (line, n: string) => `${line}\n      at: ${lines[Number(n) - 1]!.trim()}`);
}

test("types generated from the document agree with sdk/contracts.ts and the SDK's methods", async () => {
  const result = await check(HERE, documentFromCode());
  if (!result.ok) throw new Error(`The OpenAPI document and the SDK's types disagree:\n${withSource(result.output)}`);
}, 120_000);

test("a field renamed in the document fails that check, naming the type", async () => {
  const document = documentFromCode();
  const loan = document.components.schemas.Loan!;
  const { principal, ...rest } = loan.properties!;
  loan.properties = { ...rest, principal_amount: principal! };
  loan.required = loan.required!.map((f) => (f === "principal" ? "principal_amount" : f));
  const dir = path.join(HERE, "generated", "renamed");
  const result = await check(dir, document);
  expect(result.ok).toBe(false);
  expect(result.output).toMatch(/drift\.assert\.ts.*error TS/);
  expect(result.output).toMatch(/getLoan|Loan/);
}, 120_000);
