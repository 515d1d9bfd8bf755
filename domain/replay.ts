/**
 * A loan's servicing as a pure replay of its terms and its transactions, as Fineract keeps it:
 * every money movement is an append-only transaction with a value date, and the schedule's
 * paid state, the outstanding figures and every repayment's share follow from replaying the
 * ones not reversed, by value date. Nothing is frozen at recording time, so reversing a
 * repayment re-allocates every other one, and a CLOSED loan can owe again.
 *
 * The rules (SPEC "A loan's transactions"):
 * - Transactions apply by value date; on one date charges come first (a repayment pays the
 *   charges dated on or before its own date), then waivers, then repayments, then a write-off;
 *   ties in recording order (id).
 * - A repayment fills installments oldest first; within one, penalty, then fee, then
 *   interest, then principal. What is left once everything due is paid is `unallocated`
 *   (the caller refuses a repayment that would leave any).
 * - A waiver takes up to its amount of the unpaid part of the charge it names.
 * - A write-off takes everything still owed; nothing is owed after it.
 * - Close of business (`penalty` with `chargeUpTo`, never on a written-off loan): installment k whose principal and
 *   interest are not fully paid by the repayments dated up to its due date + grace days owes a
 *   penalty dated the day after, when that day is on or before `chargeUpTo` and k has none yet.
 *   It is decided at that point of the replay, so an earlier penalty that a later repayment
 *   had to pay first is taken into account, and the new penalty is listed in `newPenalties`.
 *
 * Amounts are integer cents (cents.ts) from end to end: the caller parses once and formats once.
 */
import type { CalendarDate, TransactionType } from "../sdk/contracts.js";
import { addDays } from "./calendar.js";
import { divideHalfUp, minCents, type Cents } from "./cents.js";
import type { Installment } from "./schedule.js";

/** A transaction as the replay reads it. */
export interface ReplayTransaction {
  /** The recording order: ties of one value date go by it. */
  id: number;
  type: TransactionType;
  amount: Cents;
  value_date: CalendarDate;
  /** FEE and PENALTY: the installment it is due with. */
  installment_number: number | null;
  /** WAIVER: the FEE or PENALTY transaction it waives. */
  charge_id: number | null;
  reversed: boolean;
}

/** The product's penalty rule as the loan copied it. PERCENT: `amount` in hundredths of a percent ("1.50" % = 150n). */
export interface PenaltyRule {
  grace_days: number;
  kind: "FLAT" | "PERCENT";
  amount: Cents;
}

export interface ReplayOptions {
  penalty?: PenaltyRule | null;
  /** Charge the penalties due on or before this date (close of business); none without it. */
  chargeUpTo?: CalendarDate;
  /** Decide no more penalties once one is charged (asking only when the first falls due). */
  firstPenaltyOnly?: boolean;
}

/** Money by part. */
export interface Parts {
  principal: Cents;
  interest: Cents;
  fee: Cents;
  penalty: Cents;
}

export type ChargeType = "FEE" | "PENALTY";

export interface ChargeState {
  id: number;
  type: ChargeType;
  installment_number: number;
  value_date: CalendarDate;
  amount: Cents;
  paid: Cents;
  waived: Cents;
  written_off: Cents;
}

export interface InstallmentState {
  number: number;
  due_date: CalendarDate;
  /** What is due: the schedule's principal and interest, and the charges booked against it. */
  due: Parts;
  paid: Parts;
  waived: Parts;
  written_off: Parts;
}

export interface RepaymentShare extends Parts {
  id: number;
  installments: (Parts & { number: number })[];
  /** What found nothing due to pay. */
  unallocated: Cents;
}

export interface NewPenalty {
  installment_number: number;
  value_date: CalendarDate;
  amount: Cents;
}

export interface Replay {
  installments: InstallmentState[];
  /** The repayments not reversed, in the order they were applied. */
  repayments: RepaymentShare[];
  charges: ChargeState[];
  /** Each waiver not reversed: what it took off its charge. */
  waivers: { id: number; charge_id: number; amount: Cents }[];
  /** What the write-off took, when there is one. */
  written_off: Parts | null;
  newPenalties: NewPenalty[];
  outstanding: Parts;
  /** The due date of the oldest installment with anything unpaid; null when nothing is. */
  next_due_date: CalendarDate | null;
}

const RANK: Record<TransactionType, number> = { DISBURSEMENT: 0, FEE: 0, PENALTY: 0, WAIVER: 1, REPAYMENT: 2, WRITE_OFF: 3 };
const PART_ORDER = ["penalty", "fee", "interest", "principal"] as const;

const zero = (): Parts => ({ principal: 0n, interest: 0n, fee: 0n, penalty: 0n });
export const sumParts = (p: Parts): Cents => p.principal + p.interest + p.fee + p.penalty;

function byValueDate(a: ReplayTransaction, b: ReplayTransaction): number {
  if (a.value_date !== b.value_date) return a.value_date < b.value_date ? -1 : 1;
  return RANK[a.type] - RANK[b.type] || a.id - b.id;
}

/** Unpaid of one part of an installment. */
function unpaidPart(row: InstallmentState, part: keyof Parts): Cents {
  return row.due[part] - row.paid[part] - row.waived[part] - row.written_off[part];
}

export function unpaidOf(row: InstallmentState): Cents {
  return unpaidPart(row, "principal") + unpaidPart(row, "interest") + unpaidPart(row, "fee") + unpaidPart(row, "penalty");
}

const chargeUnpaid = (c: ChargeState): Cents => c.amount - c.paid - c.waived - c.written_off;
const partOf = (type: ChargeType): "fee" | "penalty" => (type === "FEE" ? "fee" : "penalty");

class Book {
  readonly rows: InstallmentState[];
  readonly charges: ChargeState[] = [];
  private readonly chargesByRow = new Map<number, ChargeState[]>();
  private readonly chargeById = new Map<number, ChargeState>();
  writtenOff: Parts | null = null;

  constructor(schedule: readonly Installment[]) {
    this.rows = schedule.map((s) => ({
      number: s.number,
      due_date: s.due_date,
      due: { principal: s.principal, interest: s.interest, fee: 0n, penalty: 0n },
      paid: zero(),
      waived: zero(),
      written_off: zero(),
    }));
  }

  row(number: number): InstallmentState {
    const row = this.rows[number - 1];
    if (!row) throw new RangeError(`the schedule has no installment ${number}`);
    return row;
  }

  charge(id: number, type: ChargeType, number: number, value_date: CalendarDate, amount: Cents): void {
    const charge: ChargeState = { id, type, installment_number: number, value_date, amount, paid: 0n, waived: 0n, written_off: 0n };
    this.row(number).due[partOf(type)] += amount;
    this.charges.push(charge);
    this.chargeById.set(id, charge);
    const list = this.chargesByRow.get(number) ?? [];
    list.push(charge);
    this.chargesByRow.set(number, list);
  }

  waive(chargeId: number, amount: Cents): Cents {
    const charge = this.chargeById.get(chargeId);
    if (!charge) return 0n;
    const taken = minCents(amount, chargeUnpaid(charge));
    charge.waived += taken;
    this.row(charge.installment_number).waived[partOf(charge.type)] += taken;
    return taken;
  }

  /** Pays up to `amount` of one part of a row: a charge part pays its charges in booking order. */
  private pay(row: InstallmentState, part: keyof Parts, amount: Cents): Cents {
    let taken = minCents(amount, unpaidPart(row, part));
    if (taken <= 0n) return 0n;
    row.paid[part] += taken;
    if (part === "fee" || part === "penalty") {
      let left = taken;
      for (const c of this.chargesByRow.get(row.number) ?? []) {
        if (partOf(c.type) !== part || left === 0n) continue;
        const share = minCents(left, chargeUnpaid(c));
        c.paid += share;
        left -= share;
      }
      taken -= left; // always 0: the row's part is the sum of its charges
    }
    return taken;
  }

  repay(id: number, amount: Cents): RepaymentShare {
    const share: RepaymentShare = { id, ...zero(), installments: [], unallocated: 0n };
    let left = this.writtenOff ? 0n : amount;
    for (const row of this.rows) {
      if (left === 0n) break;
      const took = zero();
      for (const part of PART_ORDER) {
        const paid = this.pay(row, part, left);
        took[part] = paid;
        share[part] += paid;
        left -= paid;
      }
      if (sumParts(took) > 0n) share.installments.push({ number: row.number, ...took });
    }
    share.unallocated = this.writtenOff ? amount : left;
    return share;
  }

  writeOff(): Parts {
    const total = zero();
    for (const row of this.rows) {
      for (const part of PART_ORDER) {
        const rest = unpaidPart(row, part);
        row.written_off[part] += rest;
        total[part] += rest;
      }
    }
    for (const c of this.charges) c.written_off += chargeUnpaid(c);
    this.writtenOff = total;
    return total;
  }
}

/** The penalty an installment owes when `unpaid` of its principal and interest is left. */
export function penaltyAmount(rule: PenaltyRule, unpaid: Cents): Cents {
  return rule.kind === "FLAT" ? rule.amount : divideHalfUp(unpaid * rule.amount, 10_000n);
}

/** Penalties for each installment, decided in due order at the end of its grace period. */
class PenaltyCheckpoints {
  private next = 0;
  private readonly charged: Set<number>;
  /** Each installment's penalty date, worked out once when first needed (it is compared at every transaction). */
  private readonly dates: CalendarDate[] = [];
  readonly created: NewPenalty[] = [];

  constructor(
    private readonly book: Book,
    private readonly rule: PenaltyRule | null | undefined,
    private readonly upTo: CalendarDate | undefined,
    already: Iterable<number>,
    private readonly firstOnly = false,
  ) {
    this.charged = new Set(already);
  }

  /** Decides every installment whose penalty date is on or before `date` (before the transactions of that date). */
  until(date: CalendarDate): void {
    const { rule, upTo, book } = this;
    if (!rule || upTo === undefined) return;
    while (this.next < book.rows.length) {
      if (this.firstOnly && this.created.length > 0) return;
      const row = book.rows[this.next]!;
      const penaltyDate = (this.dates[this.next] ??= addDays(row.due_date, rule.grace_days + 1));
      if (penaltyDate > date || penaltyDate > upTo) return;
      this.next++;
      if (book.writtenOff || this.charged.has(row.number)) continue;
      const unpaid = unpaidPart(row, "principal") + unpaidPart(row, "interest");
      const amount = unpaid > 0n ? penaltyAmount(rule, unpaid) : 0n;
      if (amount <= 0n) continue;
      this.charged.add(row.number);
      // A new charge has no id yet: it sorts after every recorded one of its date.
      book.charge(-(this.created.length + 1), "PENALTY", row.number, penaltyDate, amount);
      this.created.push({ installment_number: row.number, value_date: penaltyDate, amount });
    }
  }
}

export function replay(schedule: readonly Installment[], transactions: readonly ReplayTransaction[], options: ReplayOptions = {}): Replay {
  const book = new Book(schedule);
  const live = transactions.filter((t) => !t.reversed && t.type !== "DISBURSEMENT").sort(byValueDate);
  const penalised = live.filter((t) => t.type === "PENALTY").map((t) => t.installment_number!);
  // A written-off loan owes nothing more: no penalty is charged on it, whatever its date.
  const rule = live.some((t) => t.type === "WRITE_OFF") ? null : options.penalty;
  const checkpoints = new PenaltyCheckpoints(book, rule, options.chargeUpTo, penalised, options.firstPenaltyOnly);
  const repayments: RepaymentShare[] = [];
  const waivers: Replay["waivers"] = [];
  for (const t of live) {
    checkpoints.until(t.value_date);
    switch (t.type) {
      case "FEE":
      case "PENALTY":
        book.charge(t.id, t.type, t.installment_number!, t.value_date, t.amount);
        break;
      case "WAIVER":
        waivers.push({ id: t.id, charge_id: t.charge_id!, amount: book.waive(t.charge_id!, t.amount) });
        break;
      case "REPAYMENT":
        repayments.push(book.repay(t.id, t.amount));
        break;
      case "WRITE_OFF":
        if (!book.writtenOff) book.writeOff();
        break;
    }
  }
  if (options.chargeUpTo !== undefined) checkpoints.until(options.chargeUpTo);
  return {
    installments: book.rows,
    repayments,
    charges: book.charges,
    waivers,
    written_off: book.writtenOff,
    newPenalties: checkpoints.created,
    outstanding: outstandingOf(book.rows),
    next_due_date: book.rows.find((r) => unpaidOf(r) > 0n)?.due_date ?? null,
  };
}

function outstandingOf(rows: readonly InstallmentState[]): Parts {
  const total = zero();
  for (const row of rows) for (const part of PART_ORDER) total[part] += unpaidPart(row, part);
  return total;
}

/** What fell due before `asOf` and is not paid. */
export function overdueAt(rows: readonly InstallmentState[], asOf: CalendarDate): Cents {
  let overdue = 0n;
  for (const row of rows) if (row.due_date < asOf) overdue += unpaidOf(row);
  return overdue;
}
