/** How values read on the pages. Money stays a decimal string: grouped, never a float. */
import type { Money, Timestamp, User } from "../../../sdk/index.js";

/** "1250000.00" → "1,250,000.00". */
export function money(value: Money | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const [whole = "", cents] = value.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return cents === undefined ? grouped : `${grouped}.${cents}`;
}

/** "12.00" → "12.00 %". */
export function rate(value: string): string {
  return `${value} %`;
}

/** An ISO timestamp as "2026-12-01 07:38 UTC": the same for every reader, wherever they are. */
export function when(value: Timestamp | null | undefined): string {
  if (!value) return "—";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function fullName(user: Pick<User, "first_name" | "last_name">): string {
  return `${user.first_name} ${user.last_name}`.trim();
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
