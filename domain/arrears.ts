/** Arrears as of a date: computed on demand (`as_of`), never by a nightly job that could be missed. */
import type { CalendarDate } from "../sdk/contracts.js";
import { daysBetween } from "./calendar.js";

/** Days from the oldest unpaid due date to `asOf` when it is past, else 0. */
export function daysPastDue(nextDueDate: CalendarDate | null, asOf: CalendarDate): number {
  return nextDueDate === null ? 0 : Math.max(0, daysBetween(nextDueDate, asOf));
}
