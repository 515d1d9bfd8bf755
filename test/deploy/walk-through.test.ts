/**
 * The README's walk-through, run: its block pasted into bash as one piece, as a reader would
 * (issue 21), in an empty directory with the checkout's build — the embedded PostgreSQL, a
 * first admin from ADMIN_EMAIL/ADMIN_PASSWORD, every curl in order. Only the port is another
 * (a free one instead of 8000); what each step prints is held to what the README says it prints.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { ROOT, readText } from "./artifacts";

const run = promisify(execFile);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanstack-walk-through-"));
  fs.chmodSync(dir, 0o755); // a checkout's mode: the embedded PostgreSQL's own user enters it
  // `node dist/server.js` from the reader's checkout: here a link to this one's build.
  fs.symlinkSync(path.join(ROOT, "dist"), path.join(dir, "dist"));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

jest.setTimeout(120_000);

test("the README's walk-through runs pasted as one block, and prints what the README says", async () => {
  const block = /```sh\n([\s\S]*?)```/.exec(readText("README.md").split("## Walk-through with curl")[1] ?? "")?.[1] ?? "";
  expect(block).toContain("API=http://localhost:8000");
  const port = await freePort();
  const script = `set -u\n${block.replace("API=http://localhost:8000", `API=http://127.0.0.1:${port}`)}\nwait $SERVER; echo "server exited $?"`;
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    PORT: String(port),
    HOST: "127.0.0.1",
    BCRYPT_ROUNDS: "4",
  };
  const { stdout } = await run("bash", ["-c", script], { cwd: dir, env, timeout: 110_000, maxBuffer: 1 << 24 });
  const lines = stdout.split("\n");
  if (!lines[0]) throw new Error(`the walk-through printed:\n${stdout}\nloanstack.log:\n${fs.readFileSync(path.join(dir, "loanstack.log"), "utf8")}`);
  expect(JSON.parse(lines[0]!)).toMatchObject({ status: "ok" });
  expect(lines).toContain("true");
  expect(lines).toContain("APPROVED");
  expect(lines).toContain("ACTIVE");
  expect(stdout).toMatch(/"principal":"250000\.00","interest_rate":"12\.00","tenure_months":24,"emi":"11768\.37","status":"NEW"/);
  expect(stdout).toMatch(/"loan_id":1,"amount":"11768\.37","principal_part":"9268\.37","interest_part":"2500\.00"/);
  expect(stdout).toMatch(/loan\.created loan\.decided loan\.disbursed/);
  // The last step stops the server it started, cleanly.
  expect(lines).toContain("server exited 0");
  expect(fs.existsSync(path.join(dir, "data"))).toBe(true);
});
