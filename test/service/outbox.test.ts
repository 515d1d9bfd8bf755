/**
 * The outbox relay stops for good: once `stop()` resolved no relay pass runs, not even one
 * asked for while the last pass was running (such a pass used to start after the service
 * stopped, against a database being closed, and outlive the test that stopped it).
 */
import type { Service } from "moleculer";
import type { Outbox } from "../../services/shared/outbox.js";
import { startStack, type Stack } from "../support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.stop());

const outboxOf = (service: string) => (stack.broker.getLocalService(service) as Service & { outbox: Outbox }).outbox;

test("a pass asked for during the last one does not start after stop()", async () => {
  const outbox = outboxOf("loans");
  outbox.nudge(); // a pass starts
  expect(outbox.relayRunning).toBe(true);
  outbox.nudge(); // ... and is asked to go once more
  await outbox.stop();
  expect(outbox.relayRunning).toBe(false);
  outbox.nudge(); // a write's nudge after the stop
  expect(outbox.relayRunning).toBe(false);
});
