/**
 * A start that cannot succeed ends: `node dist/server.js` with a database that does not
 * answer retries for DB_CONNECT_TIMEOUT seconds, then exits non-zero with one line naming
 * the variable (it used to retry forever). The password of the URL never shows.
 */
import net from "node:net";
import { runServerUntilExit } from "../support/server-process.js";

/** A port nothing listens on (taken, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A URL on the test's PostgreSQL server, for a database of that name. */
function onTestServer(database: string): string {
  const url = new URL(process.env.TEST_LOANS_SERVER_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

const base = { SERVICES: "loans", NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", DB_CONNECT_TIMEOUT: "2" };
/** Well past DB_CONNECT_TIMEOUT: the bound only tells "it ended" from "it hangs". */
const ENDS_WITHIN_MS = 25_000;

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}

test("a database server that does not answer: exit 1 after DB_CONNECT_TIMEOUT, one line naming LOANS_DATABASE_URL", async () => {
  const port = await closedPort();
  const run = await runServerUntilExit({ ...base, LOANS_DATABASE_URL: `postgres://loans:s3cret-pw@127.0.0.1:${port}/loans` }, ENDS_WITHIN_MS);
  expect(run.code).toBe(1);
  expect(lastLine(run.stderr)).toBe(
    `loanstack could not start: LOANS_DATABASE_URL: no connection to 127.0.0.1:${port}/loans (connect ECONNREFUSED 127.0.0.1:${port}); gave up after 2 s (DB_CONNECT_TIMEOUT)`,
  );
  expect(run.stdout + run.stderr).not.toContain("s3cret-pw");
});

test("a database that does not exist on a live server: the same, with the server's reason", async () => {
  const run = await runServerUntilExit({ ...base, LOANS_DATABASE_URL: onTestServer("loanstack_no_such_database") }, ENDS_WITHIN_MS);
  expect(run.code).toBe(1);
  expect(lastLine(run.stderr)).toMatch(
    /^loanstack could not start: LOANS_DATABASE_URL: no connection to 127\.0\.0\.1:\d+\/loanstack_no_such_database \(.*"loanstack_no_such_database" does not exist\); gave up after 2 s \(DB_CONNECT_TIMEOUT\)$/,
  );
});

test("a DB_CONNECT_TIMEOUT that is not a whole number of seconds is refused at once", async () => {
  const run = await runServerUntilExit({ ...base, LOANS_DATABASE_URL: onTestServer("postgres"), DB_CONNECT_TIMEOUT: "0" }, ENDS_WITHIN_MS);
  expect(run.code).toBe(1);
  expect(lastLine(run.stderr)).toBe('loanstack could not start: DB_CONNECT_TIMEOUT must be an integer >= 1, got "0"');
});
