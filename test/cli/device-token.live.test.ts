/**
 * loanctl and the login limit, the real binary against a live gateway: `login` keeps the
 * device token in a 0600 file of its config directory (kept across `logout`) and sends it on
 * the next login, so the owner gets in while their email is locked for everyone else;
 * `users show ID` and `users unlock ID` (admin).
 */
import fs from "node:fs";
import path from "node:path";
import { useStack } from "../support/fixture.js";
import { email } from "../support/http.js";
import { configHome, loanctl, parsed, requireBuild, type Result, type RunOptions } from "./loanctl.js";

jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack, api } = useStack();
const homes: string[] = [];

beforeAll(async () => {
  requireBuild();
});
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

function person() {
  const home = configHome();
  homes.push(home);
  const run = (args: string[], options: RunOptions = {}): Promise<Result> => loanctl(args, { ...options, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url, ...options.env } });
  const login = (address: string, password = PASSWORD) => run(["login", "--email", address, "--password-stdin"], { input: `${password}\n` });
  return { home, run, login, devices: path.join(home, "loanctl", "devices.json") };
}

async function customer(): Promise<{ id: number; email: string }> {
  const address = email("cli-dev");
  const user = await api.signup("customer", address);
  return { id: user.id, email: address };
}

const attack = async (address: string) => {
  for (let i = 0; i < 11; i++) await api.call("POST", "/api/v1/user/login", { body: { email: address, password: "wrong-password" } });
};

test("login keeps the device token in a 0600 file, never prints it, keeps it across logout and sends it: the owner gets in under attack", async () => {
  const user = await customer();
  const owner = person();
  const first = await owner.login(user.email);
  expect(first).toMatchObject({ code: 0 });
  expect(fs.statSync(owner.devices).mode & 0o777).toBe(0o600);
  const stored = fs.readFileSync(owner.devices, "utf8");
  const token = (Object.values(JSON.parse(stored)) as Array<Record<string, string>>).flatMap((m) => Object.values(m))[0]!;
  expect(token).toEqual(expect.any(String));
  expect(first.stdout + first.stderr).not.toContain(token);
  expect((await owner.run(["logout"])).code).toBe(0);
  expect(fs.existsSync(owner.devices)).toBe(true);

  await attack(user.email);
  // Another machine, without the device token: locked out.
  const stranger = await person().login(user.email);
  expect(stranger.code).not.toBe(0);
  expect(stranger.stderr).toMatch(/too many/i);
  // The owner's machine sends its device token: in.
  const again = await owner.login(user.email);
  expect(again).toMatchObject({ code: 0 });
  expect((await owner.run(["--json", "whoami"])).code).toBe(0);
});

test("users show ID and users unlock ID (admin), with --help", async () => {
  const admin = person();
  expect((await admin.login(stack.admin.email, stack.admin.password)).code).toBe(0);
  const user = await customer();
  const shown = await admin.run(["--json", "users", "show", String(user.id)]);
  expect(shown).toMatchObject({ code: 0 });
  expect(parsed<{ id: number; email: string }>(shown)).toMatchObject({ id: user.id, email: user.email });
  const table = await admin.run(["users", "show", String(user.id)]);
  expect(table.stdout).toContain(user.email);

  await attack(user.email);
  expect((await person().login(user.email)).code).not.toBe(0);
  const unlocked = await admin.run(["users", "unlock", String(user.id)]);
  expect(unlocked).toMatchObject({ code: 0 });
  expect(unlocked.stderr + unlocked.stdout).toMatch(/cleared|unlocked/i);
  expect((await person().login(user.email)).code).toBe(0);

  const missing = await admin.run(["users", "show", "99999999"]);
  expect(missing.code).not.toBe(0);
  expect(missing.stderr).toMatch(/not found/i);
  for (const sub of ["show", "unlock"]) {
    const help = await admin.run(["users", sub, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Example/);
  }
});
