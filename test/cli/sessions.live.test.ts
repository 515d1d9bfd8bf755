/**
 * loanctl's sessions, the real binary against a live gateway: the refresh token kept in the
 * 0600 credentials file; an expired access token renewed silently (also by several loanctl
 * processes at once, which share one refresh); `logout` ending the session on the server;
 * `sessions list|end|end-all`.
 */
import fs from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { LoanClient, type SessionList, type User } from "../../sdk/index.js";
import { mintToken } from "../support/actors.js";
import { useStack } from "../support/fixture.js";
import { email } from "../support/http.js";
import { configHome, loanctl, parsed, requireBuild, type Result, type RunOptions } from "./loanctl.js";

jest.setTimeout(120_000);

const PASSWORD = "password-123";
const { stack, api } = useStack();
const homes: string[] = [];

interface Stored {
  apiUrl: string;
  token: string;
  refreshToken?: string;
  refreshExpiresAt?: string;
  expiresAt: string;
  user: { id: number; email: string; role: string };
}

beforeAll(async () => {
  requireBuild();
});
afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

/** One person's loanctl: a config directory of their own, logged in as `user`. */
async function signedIn(user: { email: string }, password = PASSWORD) {
  const home = configHome();
  homes.push(home);
  const run = (args: string[], options: RunOptions = {}): Promise<Result> => loanctl(args, { ...options, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url, ...options.env } });
  const login = await run(["login", "--email", user.email, "--password-stdin"], { input: `${password}\n` });
  expect(login).toMatchObject({ code: 0 });
  const file = path.join(home, "loanctl", "credentials.json");
  const stored = (): Stored => JSON.parse(fs.readFileSync(file, "utf8")) as Stored;
  /** The stored access token replaced by an expired one of the same session, as after two hours. */
  const expire = async (): Promise<string> => {
    const now = stored();
    const sid = (jwt.decode(now.token) as { sid: string }).sid;
    const token = await mintToken(stack, now.user.id, now.user.role, { sid, expiresIn: "-10s" });
    fs.writeFileSync(file, JSON.stringify({ ...now, token, expiresAt: new Date(Date.now() - 10_000).toISOString() }), { mode: 0o600 });
    return token;
  };
  return { home, run, file, stored, expire };
}

async function customer(): Promise<User & { email: string }> {
  const address = email("cli-sess");
  return {
    ...(await new LoanClient({ baseUrl: stack.url }).signup({ email: address, password: PASSWORD, first_name: "Cli", last_name: "Session", is_customer: true, is_agent: false })),
    email: address,
  };
}

const profileStatus = async (token: string) => (await api.call("GET", "/api/user/profile", { token })).status;

test("login keeps the refresh token in the 0600 file, and never prints a token", async () => {
  const user = await customer();
  const home = configHome();
  homes.push(home);
  const result = await loanctl(["--json", "login", "--email", user.email, "--password-stdin"], { input: `${PASSWORD}\n`, env: { XDG_CONFIG_HOME: home, LOANCTL_API_URL: stack.url } });
  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(/token/i);
  expect(parsed<{ session_expires_at: string }>(result).session_expires_at).toEqual(expect.any(String));
  const file = path.join(home, "loanctl", "credentials.json");
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const stored = JSON.parse(fs.readFileSync(file, "utf8")) as Stored;
  expect(stored.refreshToken).toMatch(/^[\w-]{43}$/);
  expect(Date.parse(stored.refreshExpiresAt!)).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
});

test("an expired access token is renewed silently: the command works, the file holds the new pair (0600)", async () => {
  const user = await customer();
  const me = await signedIn(user);
  const before = me.stored();
  const expired = await me.expire();
  expect(await profileStatus(expired)).toBe(401);
  const whoami = await me.run(["--json", "whoami"]);
  expect(whoami.code).toBe(0);
  expect(whoami.stderr).toBe("");
  expect(parsed<User>(whoami)).toMatchObject({ id: user.id });
  const after = me.stored();
  expect(after.token).not.toBe(expired);
  expect(after.refreshToken).not.toBe(before.refreshToken);
  expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.now());
  expect(fs.statSync(me.file).mode & 0o777).toBe(0o600);
  expect(await profileStatus(after.token)).toBe(200);
  // the same session goes on
  expect((jwt.decode(after.token) as { sid: string }).sid).toBe((jwt.decode(before.token) as { sid: string }).sid);
});

test("several loanctl processes with an expired token at once share one refresh; the session lives on", async () => {
  const user = await customer();
  const me = await signedIn(user);
  await me.expire();
  const runs = await Promise.all(Array.from({ length: 4 }, () => me.run(["--json", "whoami"])));
  for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const list = await me.run(["--json", "sessions", "list"]);
  expect(list.code).toBe(0);
  expect(parsed<SessionList>(list).rows).toHaveLength(1);
  expect(fs.existsSync(`${me.file}.lock`)).toBe(false);
});

test("logout ends the session on the server: its access and refresh tokens stop working", async () => {
  const user = await customer();
  const me = await signedIn(user);
  const other = await signedIn(user);
  const { token, refreshToken } = me.stored();
  expect(await profileStatus(token)).toBe(200);
  const out = await me.run(["logout"]);
  expect(out.code).toBe(0);
  expect(out.stderr).toMatch(/the session is ended/);
  expect(fs.existsSync(me.file)).toBe(false);
  expect(await profileStatus(token)).toBe(401);
  expect((await api.call("POST", "/api/user/token/refresh", { body: { refresh_token: refreshToken } })).status).toBe(401);
  // another session of the same user lives
  expect((await other.run(["whoami"])).code).toBe(0);
});

test("logout with an expired access token renews it to end the session", async () => {
  const user = await customer();
  const me = await signedIn(user);
  const { refreshToken } = me.stored();
  await me.expire();
  const out = await me.run(["--json", "logout"]);
  expect(out.code).toBe(0);
  expect(parsed(out)).toEqual({ logged_out: true, session_ended: true });
  expect((await api.call("POST", "/api/user/token/refresh", { body: { refresh_token: refreshToken } })).status).toBe(401);
});

test("sessions list: a table, * on this one; --json is the API's answer", async () => {
  const user = await customer();
  const laptop = await signedIn(user);
  await signedIn(user);
  const table = await laptop.run(["sessions", "list"]);
  expect(table.code).toBe(0);
  const lines = table.stdout.trimEnd().split("\n");
  expect(lines[0]).toMatch(/^ID +CURRENT +STARTED \(UTC\) +LAST USED \(UTC\) +ADDRESS +CLIENT$/);
  expect(lines).toHaveLength(3);
  const sid = (jwt.decode(laptop.stored().token) as { sid: string }).sid;
  expect(lines.find((l) => l.startsWith(sid))).toMatch(/^\S+ +\* .* 127\.0\.0\.1 +\S/);
  const json = parsed<SessionList>(await laptop.run(["--json", "sessions", "ls"]));
  expect(json.rows).toHaveLength(2);
  expect(json.rows.filter((s) => s.current).map((s) => s.id)).toEqual([sid]);
});

test("sessions end <id>: another of mine stops at once; someone else's is not found; this one logs me out", async () => {
  const user = await customer();
  const laptop = await signedIn(user);
  const phone = await signedIn(user);
  const phoneSid = (jwt.decode(phone.stored().token) as { sid: string }).sid;
  const stranger = await signedIn(await customer());
  const strangerSid = (jwt.decode(stranger.stored().token) as { sid: string }).sid;

  const notMine = await laptop.run(["sessions", "end", strangerSid]);
  expect(notMine.code).toBe(1);
  expect(notMine.stderr).toMatch(/not found/);
  expect((await stranger.run(["whoami"])).code).toBe(0);

  const ended = await laptop.run(["sessions", "end", phoneSid]);
  expect(ended.code).toBe(0);
  expect(ended.stderr).toMatch(new RegExp(`Ended session ${phoneSid}`));
  const revoked = await phone.run(["whoami"]);
  expect(revoked.code).toBe(4);
  expect(revoked.stderr).toMatch(/expired or was revoked/);

  const mine = (jwt.decode(laptop.stored().token) as { sid: string }).sid;
  const self = await laptop.run(["sessions", "end", mine]);
  expect(self.code).toBe(0);
  expect(self.stderr).toMatch(/you are logged out/);
  expect(fs.existsSync(laptop.file)).toBe(false);
});

test("sessions end-all <user-id> (admin) asks first, then ends every session of the user", async () => {
  const user = await customer();
  const victim = await signedIn(user);
  const boss = await signedIn(stack.admin, stack.admin.password);
  const unconfirmed = await boss.run(["sessions", "end-all", String(user.id)]);
  expect(unconfirmed.code).toBe(2);
  expect((await victim.run(["whoami"])).code).toBe(0);
  const done = await boss.run(["sessions", "end-all", String(user.id), "--yes"]);
  expect(done.code).toBe(0);
  expect((await victim.run(["whoami"])).code).toBe(4);
  const refused = await victim.run(["sessions", "end-all", String(user.id), "--yes"]);
  expect(refused.code).toBe(4);
});

test("a new login ends the session this config held before, and sessions list loanctl by name and version", async () => {
  const user = await customer();
  const me = await signedIn(user);
  const first = me.stored().token;
  const again = await me.run(["login", "--email", user.email, "--password-stdin"], { input: `${PASSWORD}\n` });
  expect(again.code).toBe(0);
  expect(again.stderr).toContain(`Ended the previous session of ${user.email}`);
  expect(await profileStatus(first)).toBe(401);
  expect(await profileStatus(me.stored().token)).toBe(200);
  const list = parsed<SessionList>(await me.run(["--json", "sessions", "list"]));
  const version = (JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8")) as { version: string }).version;
  expect(list.rows).toEqual([expect.objectContaining({ current: true, user_agent: `loanctl/${version}` })]);
});
