/**
 * Where "today" comes from. Business dates (a payment's default date, "not in the future",
 * days past due) are decided by one clock: the node that starts the services hands it to
 * them (systemClock unless a test pins one with fixedClock), and the loans service passes
 * the date down, so no rule reads the system's time on its own.
 */
import type { CalendarDate } from "../sdk/contracts.js";
import { todayUtc } from "./calendar.js";

export interface Clock {
  now(): Date;
}

/** The machine's time. */
export const systemClock: Clock = { now: () => new Date() };

/** Always the instant `at` ("2026-06-15" is that day's midnight UTC). */
export function fixedClock(at: Date | string): Clock {
  const millis = new Date(at).getTime();
  if (Number.isNaN(millis)) throw new RangeError(`not an instant: "${String(at)}"`);
  return { now: () => new Date(millis) };
}

/** The clock's calendar date in UTC. */
export function todayOf(clock: Clock): CalendarDate {
  return todayUtc(clock.now());
}
