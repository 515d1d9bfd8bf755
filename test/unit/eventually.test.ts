/** The tests' one way to wait (test/support/eventually.ts): retries, the failure it reports, GiveUp. */
import { eventually, GiveUp } from "../support/eventually.js";

test("tries again until the check passes, and answers what it returned", async () => {
  let tries = 0;
  const value = await eventually(
    () => {
      tries += 1;
      expect(tries).toBe(3);
      return "third";
    },
    { what: "the third try", intervalMs: 1 },
  );
  expect({ value, tries }).toEqual({ value: "third", tries: 3 });
});

test("past the time, fails with the check's last error, what was awaited and how long it waited", async () => {
  let tries = 0;
  const started = Date.now();
  const failure = await eventually(
    () => {
      tries += 1;
      expect(tries).toBe(0);
    },
    { what: "a count of zero", timeoutMs: 200, intervalMs: 20 },
  ).then(
    () => new Error("it passed"),
    (error: unknown) => error as Error,
  );
  expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  // eslint-disable-next-line no-control-regex -- Jest colours its matchers' messages with ESC sequences
  const plain = failure.message.replace(/\u001b\[\d+m/g, "");
  expect(plain).toMatch(new RegExp(`^a count of zero: still failing after \\d+ ms \\(${tries} tries\\): expect\\(received\\)\\.toBe\\(expected\\)`));
  expect(plain).toContain(`Received: ${tries}`);
  expect(failure.stack).toContain("a count of zero: still failing");
  expect(tries).toBeGreaterThan(2);
});

test("GiveUp ends the wait at once", async () => {
  let tries = 0;
  const failure = eventually(
    () => {
      tries += 1;
      throw new GiveUp("the process exited");
    },
    { what: "a process to start", timeoutMs: 10_000 },
  );
  await expect(failure).rejects.toThrow(/^a process to start: still failing after \d+ ms \(1 try\): the process exited$/);
  expect(tries).toBe(1);
});

test("an async check that rejects is retried like one that throws", async () => {
  let tries = 0;
  await expect(
    eventually(
      async () => {
        tries += 1;
        if (tries < 2) throw new Error("not yet");
      },
      { what: "the second try", intervalMs: 1 },
    ),
  ).resolves.toBeUndefined();
  expect(tries).toBe(2);
});
