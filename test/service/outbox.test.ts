/**
 * The outbox relay stops for good: once `stop()` resolved no relay pass runs, not even one
 * asked for while the last pass was running (such a pass used to start after the service
 * stopped, against a database being closed, and outlive the test that stopped it), nor one
 * a write's nudge had asked for and that was still waiting out its coalescing window.
 */
import type { Service } from "moleculer";
import type { Outbox } from "../../services/shared/outbox.js";
import { eventually } from "../support/eventually.js";
import { useStack } from "../support/fixture.js";

const { stack } = useStack();

const outboxOf = (service: string) => (stack.broker.getLocalService(service) as Service & { outbox: Outbox }).outbox;

test("a pass asked for during the last one does not start after stop()", async () => {
  const outbox = outboxOf("loans");
  outbox.relayNow(); // a pass starts
  expect(outbox.relayRunning).toBe(true);
  outbox.relayNow(); // ... and is asked to go once more
  await outbox.stop();
  expect(outbox.relayRunning).toBe(false);
  outbox.relayNow(); // a poll after the stop
  outbox.nudge(); // a write's nudge after the stop
  expect(outbox.relayRunning).toBe(false);
  expect(outbox.relayDue).toBe(false);
});

test("a write's nudge waiting out its window does not start a pass after stop()", async () => {
  const outbox = outboxOf("users"); // the loans one stopped in the test above
  // Not while a poll's pass runs. From the check that passes to the checks below only promise
  // callbacks run (no timer, so no poll's pass starts in between).
  await eventually(() => expect(outbox.relayRunning).toBe(false), { what: "no poll's pass running", intervalMs: 5 });
  outbox.nudge();
  outbox.nudge(); // a burst of writes: one pass for all of them
  expect(outbox.relayDue).toBe(true);
  expect(outbox.relayRunning).toBe(false);
  await outbox.stop();
  expect(outbox.relayDue).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 100)); // well past the window
  expect(outbox.relayRunning).toBe(false);
});
