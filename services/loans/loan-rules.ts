/**
 * The loan's guarded state and input rules: one table of which command a loan's status
 * allows, one validator each for an acceptable principal, repayment amount and servicing
 * date. Each failure is one named error.
 */
import Decimal from "decimal.js";
import { PRINCIPAL_MAX, PRINCIPAL_MIN, type CalendarDate, type LoanStatus, type Money } from "../../sdk/contracts.js";
import { ConflictError, fieldError } from "../shared/errors.js";
import { LAST_CALENDAR_DATE, isCalendarDate, monthsFit } from "../../domain/calendar.js";
import { toMoney } from "../../domain/loan-math.js";

/** A principal as sent: a decimal string or a number with at most two places, in range. */
export function parsePrincipal(value: string | number): Money {
  let amount: Decimal;
  try {
    amount = new Decimal(value);
  } catch {
    throw fieldError("principal", "principal must be a decimal amount like 250000.00", "money");
  }
  if (!amount.isFinite() || amount.decimalPlaces() > 2) {
    throw fieldError("principal", "principal must be a decimal amount with at most two places", "money");
  }
  if (amount.lt(PRINCIPAL_MIN) || amount.gt(PRINCIPAL_MAX)) {
    throw fieldError("principal", `principal must be between ${PRINCIPAL_MIN} and ${PRINCIPAL_MAX}`, "moneyRange");
  }
  return toMoney(amount);
}

/** A repayment amount as sent: more than 0, at most two places (its ceiling is checked under the loan's lock). */
export function parseAmount(value: string | number): Money {
  let amount: Decimal;
  try {
    amount = new Decimal(value);
  } catch {
    throw fieldError("amount", "amount must be a decimal amount like 11768.37", "money");
  }
  if (!amount.isFinite() || amount.decimalPlaces() > 2) throw fieldError("amount", "amount must be a decimal amount with at most two places", "money");
  if (amount.lte(0)) throw fieldError("amount", "amount must be more than 0", "moneyMin");
  return toMoney(amount);
}

/**
 * A servicing date (disbursed_on, paid_on): a real calendar date, default `today` (the
 * service's clock, UTC), never after it, and not before `notBefore` when given.
 */
export function parseServiceDate(field: string, value: string | undefined, today: CalendarDate, notBefore?: { date: CalendarDate; what: string }): CalendarDate {
  const date = value ?? today;
  if (!isCalendarDate(date)) throw fieldError(field, `${field} must be a calendar date YYYY-MM-DD (from 1900)`, "date");
  if (date > today) throw fieldError(field, `${field} must not be in the future (today is ${today} UTC)`, "dateMax");
  if (notBefore && date < notBefore.date) throw fieldError(field, `${field} must not be before ${notBefore.what}, ${notBefore.date}`, "dateMin");
  return date;
}

/** `as_of`: any real calendar date (arrears may be looked at ahead), default `today` (the service's clock, UTC). */
export function parseAsOf(value: string | undefined, today: CalendarDate): CalendarDate {
  const date = value ?? today;
  if (!isCalendarDate(date)) throw fieldError("as_of", "as_of must be a calendar date YYYY-MM-DD (from 1900)", "date");
  return date;
}

/**
 * A schedule projected as if disbursed on `asOf` (a loan not yet disbursed) needs its due
 * dates to be calendar dates too: its last installment no later than 9999-12-31.
 */
export function assertProjectable(asOf: CalendarDate, tenureMonths: number): void {
  if (!monthsFit(asOf, tenureMonths)) {
    throw fieldError("as_of", `as_of is too far ahead to project this loan's ${tenureMonths} monthly installments from it: the last would fall after ${LAST_CALENDAR_DATE}`, "dateMax");
  }
}

export type LoanCommand = "edit" | "decide" | "disburse" | "repay" | "writeOff";

/** Which status each command needs; anything else is the named 409. */
const TRANSITIONS: Record<LoanCommand, { from: LoanStatus; done: string; type: string }> = {
  edit: { from: "NEW", done: "edited", type: "LOAN_NOT_EDITABLE" },
  decide: { from: "NEW", done: "decided", type: "LOAN_ALREADY_DECIDED" },
  disburse: { from: "APPROVED", done: "disbursed", type: "LOAN_NOT_DISBURSABLE" },
  repay: { from: "ACTIVE", done: "repaid", type: "LOAN_NOT_REPAYABLE" },
  writeOff: { from: "ACTIVE", done: "written off", type: "LOAN_NOT_ACTIVE" },
};

export function assertCan(loan: { id: number; status: LoanStatus }, command: LoanCommand): void {
  const rule = TRANSITIONS[command];
  if (loan.status !== rule.from) {
    throw new ConflictError(`loan ${loan.id} is ${loan.status}: only ${rule.from === "ACTIVE" || rule.from === "APPROVED" ? "an" : "a"} ${rule.from} loan can be ${rule.done}`, rule.type, {
      status: loan.status,
    });
  }
}

/** Only a loan waiting for a decision may be edited or decided. */
export function assertNew(loan: { id: number; status: LoanStatus }, action: "edit" | "decide"): void {
  assertCan(loan, action);
}
