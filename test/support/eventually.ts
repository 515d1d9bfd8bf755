/**
 * Waiting for what happens later (an event relayed to the audit log, a process started, a page
 * updated): one helper instead of a loop in each test. The check is an assertion; it runs again
 * until it passes or the time is up, and then the test fails with its last failure.
 */
export interface EventuallyOptions {
  /** What is awaited, for the failure: "the loan's three audit events". */
  what: string;
  /** How long to keep trying (10 s). */
  timeoutMs?: number;
  /** The pause between two tries (100 ms). */
  intervalMs?: number;
}

/** Thrown by a check when trying again cannot help (the process it waits for has exited): ends the wait at once. */
export class GiveUp extends Error {
  override name = "GiveUp";
}

/**
 * Runs `check` until it returns without throwing and answers what it returned. Once `timeoutMs`
 * has passed (or the check threw GiveUp), throws the check's last error, prefixed with `what`,
 * how long it waited and how many tries it made.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions): Promise<T> {
  const { what, timeoutMs = 10_000, intervalMs = 100 } = options;
  const start = Date.now();
  for (let tries = 1; ; tries += 1) {
    try {
      return await check();
    } catch (error) {
      const waited = Date.now() - start;
      if (error instanceof GiveUp || waited >= timeoutMs) throw lastFailure(error, `${what}: still failing after ${waited} ms (${tries} ${tries === 1 ? "try" : "tries"})`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, timeoutMs - waited)));
    }
  }
}

/** The check's own error (a Jest assertion keeps its diff and the line of its `expect`), with what was awaited in front. */
function lastFailure(error: unknown, prefix: string): Error {
  if (!(error instanceof Error)) return new Error(`${prefix}: ${String(error)}`);
  const message = `${prefix}: ${error.message}`;
  const head = `${error.name}: ${error.message}`;
  const frames = error.stack?.startsWith(head) ? error.stack.slice(head.length) : `\n${error.stack ?? ""}`;
  error.message = message;
  error.stack = `${error.name}: ${message}${frames}`;
  return error;
}
