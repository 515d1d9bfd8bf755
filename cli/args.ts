/**
 * Parsers of loanctl's arguments: ids, counts, money, statuses. Each throws commander's
 * InvalidArgumentError so a bad value is a usage error with the option named.
 */
import { InvalidArgumentError } from "commander";
import { LOAN_STATUSES, ROLES, type LoanStatus, type Role } from "../sdk/contracts.js";

export function positiveInt(value: string): number {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < 1 || !Number.isSafeInteger(Number(trimmed))) {
    throw new InvalidArgumentError("must be a positive integer");
  }
  return Number(trimmed);
}

export function nonNegativeInt(value: string): number {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
    throw new InvalidArgumentError("must be an integer >= 0");
  }
  return Number(trimmed);
}

/**
 * A decimal amount as the API wants it, a string with two places: "250000" -> "250000.00".
 * Digits may be grouped with "_" or ","; more than two decimals is refused, never rounded.
 * Answers undefined when the text is not an amount.
 */
export function toMoney(value: string): string | undefined {
  const text = value.trim().replace(/[_,](?=\d{3}(\D|$))/g, "");
  const match = /^(\d+)(?:\.(\d{0,2}))?$/.exec(text);
  if (!match) return undefined;
  const whole = match[1]!.replace(/^0+(?=\d)/, "");
  const cents = (match[2] ?? "").padEnd(2, "0");
  return `${whole}.${cents}`;
}

export function money(value: string): string {
  const amount = toMoney(value);
  if (amount === undefined) throw new InvalidArgumentError("must be an amount like 250000 or 250000.50");
  return amount;
}

export function loanStatus(value: string): LoanStatus {
  const upper = value.trim().toUpperCase();
  if (!(LOAN_STATUSES as readonly string[]).includes(upper)) {
    throw new InvalidArgumentError(`must be one of ${LOAN_STATUSES.join(", ")}`);
  }
  return upper as LoanStatus;
}

export function role(value: string): Role {
  const lower = value.trim().toLowerCase();
  if (!(ROLES as readonly string[]).includes(lower)) throw new InvalidArgumentError(`must be one of ${ROLES.join(", ")}`);
  return lower as Role;
}

export function pageSize(value: string): number {
  const size = positiveInt(value);
  if (size > 100) throw new InvalidArgumentError("must be at most 100");
  return size;
}

/** A calendar date YYYY-MM-DD (UTC), a real one: 2026-02-30 is refused here already. */
export function calendarDate(value: string): string {
  const text = value.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const real = match !== null && y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (!real) throw new InvalidArgumentError("must be a date like 2026-01-31");
  return text;
}

/** The most a reason may hold: the API's own limit. */
export const REASON_MAX = 500;

/** Why a money change is made, for the audit log: 1-500 characters, no control characters. */
export function reasonText(value: string): string {
  const text = value.trim();
  if (text === "") throw new InvalidArgumentError('must say why, e.g. --reason "cheque bounced"');
  if (text.length > REASON_MAX) throw new InvalidArgumentError(`must be at most ${REASON_MAX} characters (got ${text.length})`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new InvalidArgumentError("must be one line of text, without control characters");
  return text;
}
