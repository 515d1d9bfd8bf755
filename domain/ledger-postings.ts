/**
 * The ledger's posting rules, cash basis (SPEC "The ledger"): which balanced journal entries
 * a money event makes. Pure, in integer cents.
 *
 * Every entry follows from the event's payload alone, never from what the ledger holds:
 * entries only add, so the books come out the same whatever order the events arrive in (a
 * redelivery is kept out by the event's key, not here). A change that moved other
 * repayments' allocations carries each one's parts before and after: the old entry is
 * swapped (REVERSAL) and the new one posted (REALLOCATION), so the books equal the current
 * allocation. Fees and penalties charged, and waivers, post nothing until paid.
 */
import type { DomainEvent, LedgerAccountCode, LedgerEntryKind, LoanHistoryTransaction, Money, MoneyParts, Reallocation } from "../sdk/contracts.js";
import { toCents, type Cents } from "./cents.js";

export interface PlannedLine {
  account: LedgerAccountCode;
  debit: Cents;
  credit: Cents;
}

export interface PlannedEntry {
  kind: LedgerEntryKind;
  loan_id: number;
  transaction_id: number | null;
  value_date: string;
  lines: PlannedLine[];
}

/** What a repayment paid of each part, in cents. */
interface PaidParts {
  principal: Cents;
  interest: Cents;
  fee: Cents;
  penalty: Cents;
}

const CASH = "1000";
const RECEIVABLE = "1100";
const INCOME_OF = { principal: RECEIVABLE, interest: "4000", fee: "4100", penalty: "4200" } as const satisfies Record<keyof PaidParts, LedgerAccountCode>;
const LOSSES = "5000";

const debit = (account: LedgerAccountCode, cents: Cents): PlannedLine => ({ account, debit: cents, credit: 0n });
const credit = (account: LedgerAccountCode, cents: Cents): PlannedLine => ({ account, debit: 0n, credit: cents });
const swapped = (line: PlannedLine): PlannedLine => ({ account: line.account, debit: line.credit, credit: line.debit });

function partsOf(p: MoneyParts): PaidParts {
  return { principal: toCents(p.principal), interest: toCents(p.interest), fee: toCents(p.fee), penalty: toCents(p.penalty) };
}

function transactionParts(t: { principal_part: Money; interest_part: Money; fee_part: Money; penalty_part: Money }): PaidParts {
  return partsOf({ principal: t.principal_part, interest: t.interest_part, fee: t.fee_part, penalty: t.penalty_part });
}

/**
 * Dr Cash what the parts add up to (a repayment's amount: it is always fully allocated),
 * Cr each part's account; zero lines left out. Null when nothing was paid.
 */
function repaymentLines(parts: PaidParts): PlannedLine[] | null {
  const credits = (Object.keys(INCOME_OF) as (keyof PaidParts)[]).filter((part) => parts[part] !== 0n).map((part) => credit(INCOME_OF[part], parts[part]));
  if (credits.length === 0) return null;
  const cash = credits.reduce((sum, line) => sum + line.credit, 0n);
  return [debit(CASH, cash), ...credits];
}

function entry(kind: LedgerEntryKind, loanId: number, transactionId: number | null, valueDate: string, lines: PlannedLine[] | null): PlannedEntry[] {
  return lines ? [{ kind, loan_id: loanId, transaction_id: transactionId, value_date: valueDate, lines }] : [];
}

function repayment(loanId: number, id: number, valueDate: string, parts: PaidParts): PlannedEntry[] {
  return entry("REPAYMENT", loanId, id, valueDate, repaymentLines(parts));
}

/** A repayment's entry with debits and credits swapped. */
function reversal(loanId: number, id: number, valueDate: string, parts: PaidParts): PlannedEntry[] {
  return entry("REVERSAL", loanId, id, valueDate, repaymentLines(parts)?.map(swapped) ?? null);
}

const sameParts = (a: MoneyParts, b: MoneyParts): boolean => a.principal === b.principal && a.interest === b.interest && a.fee === b.fee && a.penalty === b.penalty;

/**
 * Each moved repayment: its old allocation swapped out, its new one posted. One whose parts
 * stayed (it moved between installments only) touches no account: nothing.
 */
function reallocations(loanId: number, moved: readonly Reallocation[]): PlannedEntry[] {
  return moved
    .filter((r) => !sameParts(r.before, r.after))
    .flatMap((r) => [...reversal(loanId, r.repayment_id, r.paid_on, partsOf(r.before)), ...entry("REALLOCATION", loanId, r.repayment_id, r.paid_on, repaymentLines(partsOf(r.after)))]);
}

function disbursement(loanId: number, transactionId: number | null, valueDate: string, principal: Cents): PlannedEntry[] {
  return entry("DISBURSEMENT", loanId, transactionId, valueDate, principal === 0n ? null : [debit(RECEIVABLE, principal), credit(CASH, principal)]);
}

/** Cash basis: only the principal is lost; unpaid interest, fees and penalties were never income. */
function writeOff(loanId: number, transactionId: number, valueDate: string, principal: Cents): PlannedEntry[] {
  return entry("WRITE_OFF", loanId, transactionId, valueDate, principal === 0n ? null : [debit(LOSSES, principal), credit(RECEIVABLE, principal)]);
}

function historyEntries(loanId: number, t: LoanHistoryTransaction): PlannedEntry[] {
  const parts = transactionParts(t);
  switch (t.type) {
    case "DISBURSEMENT":
      return disbursement(loanId, t.id, t.value_date, parts.principal);
    case "REPAYMENT":
      return repayment(loanId, t.id, t.value_date, parts);
    case "WRITE_OFF":
      return writeOff(loanId, t.id, t.value_date, parts.principal);
    default:
      return []; // charges and waivers: nothing until paid
  }
}

/** The entries an event makes, in order; none for an event that moves no money. */
export function postingsOf(e: DomainEvent): PlannedEntry[] {
  switch (e.event) {
    case "loan.disbursed": {
      const { loan } = e.payload;
      if (!loan.disbursed_on) throw new Error(`loan.disbursed ${e.id}: loan ${loan.id} has no disbursed_on`);
      return disbursement(loan.id, null, loan.disbursed_on, toCents(loan.principal));
    }
    case "loan.repaid": {
      const { repayment: r, reallocated, loan } = e.payload;
      return [...repayment(loan.id, r.id, r.paid_on, transactionParts(r)), ...reallocations(loan.id, reallocated)];
    }
    case "loan.repayment_reversed": {
      const { repayment: r, reallocated, loan } = e.payload;
      return [...reversal(loan.id, r.id, r.paid_on, transactionParts(r)), ...reallocations(loan.id, reallocated)];
    }
    case "loan.written_off": {
      const { transaction: t, reallocated, loan } = e.payload;
      return [...reallocations(loan.id, reallocated), ...writeOff(loan.id, t.id, t.value_date, toCents(t.principal_part))];
    }
    case "loan.charged":
    case "loan.charge_waived":
      return reallocations(e.payload.loan.id, e.payload.reallocated);
    case "loan.history":
      return e.payload.transactions.flatMap((t) => historyEntries(e.payload.loan_id, t));
    default:
      return [];
  }
}

/** The events the ledger takes (subscriptions.ts): those `postingsOf` may post for. */
export const LEDGER_EVENTS = ["loan.disbursed", "loan.repaid", "loan.repayment_reversed", "loan.written_off", "loan.charged", "loan.charge_waived", "loan.history"] as const;
