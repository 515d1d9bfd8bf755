/**
 * loanctl in a new user's first hour, the real binary: one step after `npm install` puts it
 * on the PATH (`npm link`, here into a scratch prefix), and `loanctl help <command> <sub>`
 * prints that subcommand's help, not its parent's.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loanctl, requireBuild } from "./loanctl.js";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
let prefix: string;

jest.setTimeout(120_000);

beforeAll(() => {
  requireBuild();
  prefix = fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-link-"));
});
afterAll(() => fs.rmSync(prefix, { recursive: true, force: true }));

test("npm link puts loanctl on the PATH, running the checkout's build", async () => {
  // npm's global folder is the prefix: the README's `npm link`, without touching the machine's.
  await run("npm", ["link", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: ROOT, env: { ...process.env, npm_config_prefix: prefix } });
  const bin = path.join(prefix, "bin");
  expect(fs.realpathSync(path.join(bin, "loanctl"))).toBe(fs.realpathSync(path.join(ROOT, "dist/cli/loanctl.js")));
  const { stdout } = await run("loanctl", ["--version"], { env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` } });
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
  expect(stdout.trim()).toBe(version);
});

test("help <command> <sub> prints the subcommand's help", async () => {
  const sub = await loanctl(["help", "loans", "disburse"]);
  expect(sub.code).toBe(0);
  expect(sub.stdout).toMatch(/^Usage: loanctl loans disburse/m);
  const flag = await loanctl(["loans", "disburse", "--help"]);
  expect(sub.stdout).toBe(flag.stdout);
  const parent = await loanctl(["help", "loans"]);
  expect(parent.stdout).toMatch(/^Usage: loanctl loans/m);
  expect(parent.stdout).not.toMatch(/^Usage: loanctl loans disburse/m);
});
