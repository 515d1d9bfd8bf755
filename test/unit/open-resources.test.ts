/**
 * The list of stacks and browsers still being opened (open-resources.ts), which after-file.ts
 * empties when a test file ends: an opening is listed until it settles, and closing an
 * abandoned one waits for it to finish opening, then closes what it opened.
 */
import { closeAbandonedOpenings, pendingOpenings, trackOpening } from "../support/open-resources.js";

function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(err: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets the settle handlers run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test("listed while it opens; gone once it opened (its owner has it) or failed", async () => {
  const opened = deferred<string>();
  const failed = deferred<string>();
  trackOpening("thing A", opened.promise, async () => undefined);
  trackOpening("thing B", failed.promise, async () => undefined);
  expect(pendingOpenings()).toEqual(["thing A", "thing B"]);
  opened.resolve("A");
  failed.reject(new Error("no browser"));
  await settle();
  expect(pendingOpenings()).toEqual([]);
});

test("an abandoned opening is awaited, then what it opened is closed; a failed one needs no closing", async () => {
  const late = deferred<string>();
  const failing = deferred<string>();
  const closed: string[] = [];
  trackOpening("the late stack", late.promise, async (value) => void closed.push(value));
  trackOpening("the failing browser", failing.promise, async (value) => void closed.push(value));
  const reported: string[] = [];
  const closing = closeAbandonedOpenings((what) => reported.push(what));
  await settle();
  expect(closed).toEqual([]); // still opening: nothing to close yet
  late.resolve("stack"); // the set-up timed out long ago; the stack arrives only now
  failing.reject(new Error("no browser"));
  await closing;
  expect({ reported, closed, pending: pendingOpenings() }).toEqual({ reported: ["the late stack", "the failing browser"], closed: ["stack"], pending: [] });
});
