/**
 * A loan's book in the loans service: its stored transactions replayed over its schedule
 * (domain/replay.ts), parsed from the rows once, and what a change writes back: the loan
 * row's projection (outstanding figures, next due date, CLOSED and back) and the shares of
 * the repayments the change moved. Every writer of a loan's money calls `replayBook` under
 * the loan's row lock on the transactions it read after taking it.
 */
import type { CalendarDate, InstallmentAllocation, LoanStatus, Reallocation } from "../../sdk/contracts.js";
import { LAST_CALENDAR_DATE } from "../../domain/calendar.js";
import { toCents } from "../../domain/cents.js";
import { positionOf, shareFigures, formatParts, isSettled, type ShareFigures } from "../../domain/loan-book.js";
import { replay, type PenaltyRule, type Replay, type ReplayOptions, type ReplayTransaction } from "../../domain/replay.js";
import { buildSchedule, type Installment } from "../../domain/schedule.js";
import type { LoanRow } from "./loan.model.js";
import type { LoanChange } from "./loan-repository.js";
import type { TransactionRow } from "./transaction.model.js";

/** A transaction not stored yet sorts after every stored one of its value date. */
export const UNSTORED_ID = Number.MAX_SAFE_INTEGER;

export function toReplayTransaction(row: Pick<TransactionRow, "id" | "type" | "amount" | "value_date" | "installment_number" | "charge_id" | "reversed">): ReplayTransaction {
  return {
    id: Number(row.id),
    type: row.type,
    amount: toCents(row.amount),
    value_date: row.value_date,
    installment_number: row.installment_number,
    charge_id: row.charge_id === null ? null : Number(row.charge_id),
    reversed: row.reversed,
  };
}

/** The loan's penalty rule as its product's terms had it when the loan was last edited. */
export function penaltyRuleOf(loan: LoanRow): PenaltyRule | null {
  const rule = loan.product_terms?.penalty;
  return rule ? { grace_days: rule.grace_days, kind: rule.kind, amount: toCents(rule.amount) } : null;
}

export function scheduleOf(loan: LoanRow): Installment[] {
  if (!loan.disbursed_on) throw new Error(`loan ${loan.id} is ${loan.status} without a disbursement date`);
  return buildSchedule(loan, loan.disbursed_on);
}

export interface Book {
  schedule: Installment[];
  replay: Replay;
  transactions: readonly ReplayTransaction[];
  penalty: PenaltyRule | null;
}

export function replayBook(loan: LoanRow, transactions: readonly ReplayTransaction[], options: Omit<ReplayOptions, "penalty"> = {}): Book {
  const schedule = scheduleOf(loan);
  const penalty = penaltyRuleOf(loan);
  return { schedule, replay: replay(schedule, transactions, { ...options, penalty }), transactions, penalty };
}

/**
 * The first date close of business has a penalty to charge on this book: the replay charging
 * every penalty it ever would (the installments paid in time owe none) names the first; the
 * replay is the same as the book's up to that date. Null: none, whatever the dates.
 */
function nextPenaltyDate(book: Book, withCharges: readonly ReplayTransaction[]): CalendarDate | null {
  if (!book.penalty) return null;
  const ahead = replay(book.schedule, withCharges, { penalty: book.penalty, chargeUpTo: LAST_CALENDAR_DATE, firstPenaltyOnly: true });
  return ahead.newPenalties[0]?.value_date ?? null;
}

/**
 * The loan row's columns after the replay: its figures, and its status where they move it
 * (ACTIVE with nothing owed closes; CLOSED owing again reopens). A WRITTEN_OFF loan keeps its status.
 */
export function projection(loan: LoanRow, book: Book, now: Date): Omit<LoanChange, "updated_at"> {
  const position = positionOf(book.replay);
  const settled = isSettled(book.replay);
  const status: LoanStatus = loan.status === "ACTIVE" && settled ? "CLOSED" : loan.status === "CLOSED" && !settled ? "ACTIVE" : loan.status;
  const closed_at = status === "CLOSED" ? (loan.status === "CLOSED" ? loan.closed_at : now) : null;
  const charged = book.replay.newPenalties.map((p, i) => ({
    id: -(i + 1),
    type: "PENALTY" as const,
    amount: p.amount,
    value_date: p.value_date,
    installment_number: p.installment_number,
    charge_id: null,
    reversed: false,
  }));
  const next_penalty_date = status === "ACTIVE" ? nextPenaltyDate(book, [...book.transactions, ...charged]) : null;
  return { ...position, status, closed_at, next_penalty_date };
}

/** A stored repayment whose share the replay changed: its new figures, and the event's record of it. */
export interface ShareChange {
  id: number;
  figures: ShareFigures;
  reallocation: Reallocation;
}

const partsOfRow = (r: Pick<TransactionRow, "principal_part" | "interest_part" | "fee_part" | "penalty_part">) => ({
  principal: r.principal_part,
  interest: r.interest_part,
  fee: r.fee_part,
  penalty: r.penalty_part,
});

/** Field by field: a stored allocation comes back from JSONB with its keys in JSONB's order, not the replay's. */
const sameInstallments = (a: readonly InstallmentAllocation[], b: readonly InstallmentAllocation[]): boolean =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i]!;
    return x.number === y.number && x.principal === y.principal && x.interest === y.interest && x.fee === y.fee && x.penalty === y.penalty;
  });

const sameFigures = (row: TransactionRow, f: ShareFigures): boolean =>
  row.principal_part === f.principal_part &&
  row.interest_part === f.interest_part &&
  row.fee_part === f.fee_part &&
  row.penalty_part === f.penalty_part &&
  sameInstallments(row.allocation, f.allocation);

/** The stored repayments (not reversed) whose share differs from the replay's. */
export function shareChanges(stored: readonly TransactionRow[], book: Book): ShareChange[] {
  const shares = new Map(book.replay.repayments.map((s) => [s.id, s]));
  const changes: ShareChange[] = [];
  for (const row of stored) {
    if (row.type !== "REPAYMENT" || row.reversed) continue;
    const share = shares.get(Number(row.id));
    if (!share) continue;
    const figures = shareFigures(share);
    if (sameFigures(row, figures)) continue;
    changes.push({
      id: Number(row.id),
      figures,
      reallocation: { repayment_id: Number(row.id), paid_on: row.value_date, before: partsOfRow(row), after: formatParts(share) },
    });
  }
  return changes;
}

/** The new (unstored) repayment's share in the replay. */
export function unstoredShare(book: Book): ShareFigures {
  const share = book.replay.repayments.find((s) => s.id === UNSTORED_ID);
  if (!share) throw new Error("the replay has no share for the new repayment");
  return shareFigures(share);
}
