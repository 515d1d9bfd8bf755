/** Calendar dates "YYYY-MM-DD" (UTC), as the servicing API takes and answers them. */
import type { CalendarDate } from "../../../sdk/index.js";

/** Today in UTC, the server's default for disbursed_on and paid_on. */
export function todayUtc(): CalendarDate {
  return new Date().toISOString().slice(0, 10);
}

export function day(value: CalendarDate | null | undefined): string {
  return value ?? "—";
}

/** Yesterday in UTC: close of business's default business date (the day that ended). */
export function yesterdayUtc(): CalendarDate {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}
