/**
 * Calendar dates of loan servicing: "YYYY-MM-DD" strings in UTC, never timestamps, so a
 * due date is the same day wherever the server runs. Pure; day counts are whole numbers.
 */
import type { CalendarDate } from "../sdk/contracts.js";

const DAY_MS = 86_400_000;
const SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Below 1900 is a typing mistake, not a loan book (and Date.UTC reads years 0–99 as 19xx). */
const MIN_YEAR = 1900;

interface Ymd {
  y: number;
  m: number;
  d: number;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!;
}

function parts(date: CalendarDate): Ymd | null {
  const match = SHAPE.exec(date);
  if (!match) return null;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < MIN_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return { y, m, d };
}

function format({ y, m, d }: Ymd): CalendarDate {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** A real calendar date in the YYYY-MM-DD form (2026-02-30 is not one). */
export function isCalendarDate(value: unknown): value is CalendarDate {
  return typeof value === "string" && parts(value) !== null;
}

function mustParse(date: CalendarDate): Ymd {
  const ymd = parts(date);
  if (!ymd) throw new RangeError(`not a calendar date (YYYY-MM-DD): "${date}"`);
  return ymd;
}

function monthsLater({ y, m, d }: Ymd, months: number): CalendarDate {
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return format({ y: year, m: month, d: Math.min(d, daysInMonth(year, month)) });
}

/** The date `months` months later, on the same day, or the month's last day when it has fewer. */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  return monthsLater(mustParse(date), months);
}

/** The last date of the YYYY-MM-DD form; a date months after it cannot be written. */
export const LAST_CALENDAR_DATE: CalendarDate = "9999-12-31";

/** Whether `date` plus `months` months still falls on or before LAST_CALENDAR_DATE. */
export function monthsFit(date: CalendarDate, months: number): boolean {
  const { y, m } = mustParse(date);
  return y * 12 + (m - 1) + months <= 9999 * 12 + 11;
}

/** addMonths(date, 1..n): each counted from `date` itself, never from the clamped one before. */
export function monthlyDates(date: CalendarDate, n: number): CalendarDate[] {
  const start = mustParse(date);
  return Array.from({ length: n }, (_, i) => monthsLater(start, i + 1));
}

function dayNumber(date: CalendarDate): number {
  const { y, m, d } = mustParse(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return dayNumber(to) - dayNumber(from);
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Today in UTC. */
export function todayUtc(now: Date = new Date()): CalendarDate {
  return now.toISOString().slice(0, 10);
}
