/**
 * Telling a live process from a dead one by more than its pid: real processes, a real
 * zombie (a child whose parent never reaps it), and a record whose start time differs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { formatIdentity, identityOf, isRunning, isSameLiveProcess, parseIdentity, workingDirectoryOf } from "../../services/shared/process-identity.js";
import { killAll, zombie } from "../support/processes.js";

const started: ChildProcess[] = [];
afterAll(() => killAll(started));

test("this process is itself, live, with a start time", () => {
  const me = identityOf();
  expect(me).toEqual({ pid: process.pid, start: expect.stringMatching(/^[0-9a-f-]+:\d+$/) });
  expect(isRunning(process.pid)).toBe(true);
  expect(isSameLiveProcess(me)).toBe(true);
  expect(workingDirectoryOf(process.pid)).toBe(process.cwd());
});

test("a zombie is not running, although kill(pid, 0) still reaches it", async () => {
  const z = await zombie();
  started.push(z.parent);
  expect(() => process.kill(z.pid, 0)).not.toThrow();
  expect(isRunning(z.pid)).toBe(false);
  expect(isSameLiveProcess({ pid: z.pid, start: null })).toBe(false);
});

test("a live pid with another start time is another process (a reused pid)", () => {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  started.push(child);
  const real = identityOf(child.pid!);
  expect(isSameLiveProcess(real)).toBe(true);
  expect(isSameLiveProcess({ pid: child.pid!, start: `${real.start!.split(":")[0]}:1` })).toBe(false);
  expect(isSameLiveProcess({ pid: child.pid!, start: `another-boot:${real.start!.split(":")[1]}` })).toBe(false);
});

test("a process that exited and was reaped is gone", async () => {
  const child = spawn("true", { stdio: "ignore" });
  const identity = identityOf(child.pid!);
  await new Promise((resolve) => child.once("exit", resolve));
  expect(isRunning(child.pid!)).toBe(false);
  expect(isSameLiveProcess(identity)).toBe(false);
});

test("the record reads back; a bare pid (the older owner file) has no start time; junk is no record", () => {
  const me = identityOf();
  expect(parseIdentity(formatIdentity(me))).toEqual(me);
  expect(parseIdentity("1234\n")).toEqual({ pid: 1234, start: null });
  expect(parseIdentity("")).toBeNull();
  expect(parseIdentity('{"pid":"x"}')).toBeNull();
});
