/**
 * A loan's transactions, a mixin of the loans service (SPEC "A loan's transactions"): the
 * list, a repayment's reversal, a charge's waiver, the write-off. Each is a money change
 * like a repayment (servicing.ts): under the loan's row lock, its transactions replayed with
 * the change, written with the loan's projection, the moved shares and the event in one
 * statement. A client's Idempotency-Key is claimed first, so a retried request waits for its
 * original and answers what it did.
 */
import type { Service } from "moleculer";
import { type ActionParams, type ActionResult, type LoanTransaction, type Repayment } from "../../sdk/contracts.js";
import { callerOf, type AppContext } from "../shared/context.js";
import { ConflictError, NotFoundError, fieldError } from "../shared/errors.js";
import { dateParam, idParam, reasonParam } from "../shared/params.js";
import { defineMixin } from "../shared/schema.js";
import { todayOf } from "../../domain/clock.js";
import { fromCents } from "../../domain/cents.js";
import { sumParts } from "../../domain/replay.js";
import { formatParts } from "../../domain/loan-book.js";
import type { LoanRow } from "./loan.model.js";
import { assertCan, parseServiceDate } from "./loan-rules.js";
import { toLoan } from "./loan-view.js";
import type { LoansThis } from "./loans-this.js";
import { projection, replayBook, shareChanges, toReplayTransaction, UNSTORED_ID } from "./loan-book.js";
import type { SqlTransactionWork } from "../shared/unit-of-work.js";
import { toRepayment, toTransaction, type NewTransactionRow, type TransactionRow } from "./transaction.model.js";
import { markReplayed, writeKey, type WriteKey } from "./write-key.js";

type Ctx<A extends "loans.transactions" | "loans.reverseRepayment" | "loans.waiveCharge" | "loans.writeOff"> = AppContext<ActionParams<A>>;

/** What a money change of a locked loan sees: the loan and every one of its transactions. */
interface Locked {
  loan: LoanRow;
  stored: TransactionRow[];
  /** The request's client key was already used for this very request: answer, change nothing. */
  replay: boolean;
}

const NO_REVERSAL = { reversed: false, reversed_at: null, reversed_by: null, reversal_reason: null, reversal_key: null } as const;

interface TransactionsVars {
  lockMoney(work: SqlTransactionWork, loanId: number, key: WriteKey): Promise<Locked>;
}
type TransactionsThis = LoansThis & TransactionsVars;

/** The stored transaction `id` of the locked loan, or the named 404. */
function storedOf(stored: readonly TransactionRow[], id: number, what: string): TransactionRow {
  const row = stored.find((t) => Number(t.id) === id);
  if (!row) throw new NotFoundError(what, id);
  return row;
}

export const transactions = defineMixin<Omit<TransactionsThis, keyof Service>>({
  actions: {
    transactions: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam },
      async handler(this: TransactionsThis, ctx: Ctx<"loans.transactions">): Promise<ActionResult<"loans.transactions">> {
        const loan = await this.findVisible(ctx.params.id, callerOf(ctx));
        return { rows: (await this.journal.transactionsOf(loan.id)).map(toTransaction) };
      },
    },

    reverseRepayment: {
      access: ["admin"],
      params: { id: idParam, reason: reasonParam },
      async handler(this: TransactionsThis, ctx: Ctx<"loans.reverseRepayment">): Promise<ActionResult<"loans.reverseRepayment">> {
        const found = await this.journal.byId(ctx.params.id);
        if (!found || found.type !== "REPAYMENT") throw new NotFoundError("repayment", ctx.params.id);
        const key = writeKey(ctx);
        const admin = callerOf(ctx).id;
        let customerId: number | undefined;
        return this.unitOfWork
          .run(ctx, { plainSql: true }, async (work): Promise<Repayment> => {
            const { loan, stored, replay } = await this.lockMoney(work, found.loan_id, key);
            customerId = loan.customer_id;
            const target = storedOf(stored, ctx.params.id, "repayment");
            if (replay || (target.reversed && target.reversal_key === key.key)) {
              markReplayed(ctx);
              return toRepayment(target);
            }
            if (target.reversed) throw new ConflictError(`repayment ${target.id} is already reversed`, "ALREADY_REVERSED");
            if (loan.status === "WRITTEN_OFF") throw new ConflictError(`loan ${loan.id} is WRITTEN_OFF: its repayments can no longer be reversed`, "LOAN_WRITTEN_OFF", { status: loan.status });
            const now = new Date();
            const rest = stored.filter((t) => t !== target);
            const book = replayBook(loan, rest.map(toReplayTransaction));
            const moved = shareChanges(rest, book);
            const change = { ...projection(loan, book, now), updated_at: now };
            const today = todayOf(this.clock);
            const reversed: TransactionRow = { ...target, reversed: true, reversed_at: now, reversed_by: admin, reversal_reason: ctx.params.reason, reversal_key: key.key };
            const repayment = toRepayment(reversed);
            work.publish("loan.repayment_reversed", {
              actor_id: admin,
              repayment,
              before: toLoan(loan, today),
              loan: toLoan({ ...loan, ...change }, today),
              reallocated: moved.map((m) => m.reallocation),
            });
            await this.journal.applyChange(work, {
              loanId: loan.id,
              insert: [],
              change,
              shares: moved,
              reverse: { id: ctx.params.id, by: admin, reason: ctx.params.reason, at: now, key: key.key },
            });
            return repayment;
          })
          .finally(() => this.clearLists(customerId));
      },
    },

    waiveCharge: {
      access: ["admin"],
      params: { id: idParam, reason: reasonParam },
      async handler(this: TransactionsThis, ctx: Ctx<"loans.waiveCharge">): Promise<ActionResult<"loans.waiveCharge">> {
        const found = await this.journal.byId(ctx.params.id);
        if (!found || (found.type !== "FEE" && found.type !== "PENALTY")) throw new NotFoundError("charge", ctx.params.id);
        const key = writeKey(ctx);
        const admin = callerOf(ctx).id;
        let customerId: number | undefined;
        return this.unitOfWork
          .run(ctx, { plainSql: true }, async (work): Promise<LoanTransaction> => {
            const { loan, stored, replay } = await this.lockMoney(work, found.loan_id, key);
            customerId = loan.customer_id;
            const charge = storedOf(stored, ctx.params.id, "charge");
            const done = stored.find((t) => t.request_key === key.key && t.type === "WAIVER");
            if (replay || done) {
              markReplayed(ctx);
              if (!done) throw new Error(`waiver ${key.key} was claimed but is not stored`);
              return toTransaction(done);
            }
            const today = todayOf(this.clock);
            const current = replayBook(loan, stored.map(toReplayTransaction));
            const state = current.replay.charges.find((c) => c.id === Number(charge.id))!;
            const unpaid = state.amount - state.paid - state.waived - state.written_off;
            if (unpaid <= 0n) throw new ConflictError(`charge ${charge.id} has nothing unpaid to waive`, "NOTHING_TO_WAIVE");
            const now = new Date();
            const part = fromCents(unpaid);
            const row: NewTransactionRow = {
              loan_id: loan.id,
              type: "WAIVER",
              amount: part,
              principal_part: "0.00",
              interest_part: "0.00",
              fee_part: charge.type === "FEE" ? part : "0.00",
              penalty_part: charge.type === "PENALTY" ? part : "0.00",
              allocation: [],
              value_date: today,
              installment_number: charge.installment_number,
              charge_id: charge.id,
              recorded_by: admin,
              reason: ctx.params.reason,
              request_key: key.key,
              created_at: now,
              ...NO_REVERSAL,
            };
            const book = replayBook(loan, [...stored.map(toReplayTransaction), toReplayTransaction({ ...row, id: UNSTORED_ID })]);
            const moved = shareChanges(stored, book);
            const change = { ...projection(loan, book, now), updated_at: now };
            const waiver = toTransaction({ ...row, id: 0 });
            work.publish(
              "loan.charge_waived",
              { actor_id: admin, waiver, charge: toTransaction(charge), before: toLoan(loan, today), loan: toLoan({ ...loan, ...change }, today), reallocated: moved.map((m) => m.reallocation) },
              ["waiver", "id"],
            );
            const [inserted] = (await this.journal.applyChange(work, { loanId: loan.id, insert: [row], change, shares: moved })) ?? [];
            if (!inserted) throw new Error(`waiver ${key.key} met its key after the lock`);
            return toTransaction(inserted);
          })
          .finally(() => this.clearLists(customerId));
      },
    },

    writeOff: {
      access: ["admin"],
      params: { id: idParam, reason: reasonParam, written_off_on: dateParam },
      async handler(this: TransactionsThis, ctx: Ctx<"loans.writeOff">): Promise<ActionResult<"loans.writeOff">> {
        const key = writeKey(ctx);
        const admin = callerOf(ctx).id;
        let customerId: number | undefined;
        return this.unitOfWork
          .run(ctx, { plainSql: true }, async (work) => {
            const { loan, stored, replay } = await this.lockMoney(work, ctx.params.id, key);
            customerId = loan.customer_id;
            const today = todayOf(this.clock);
            if (replay || stored.some((t) => t.type === "WRITE_OFF" && t.request_key === key.key)) {
              markReplayed(ctx);
              return toLoan(loan, today);
            }
            assertCan(loan, "writeOff");
            const date = parseServiceDate("written_off_on", ctx.params.written_off_on, today, { date: loan.disbursed_on!, what: "the disbursement" });
            // Dated before a repayment it would leave that repayment nothing to pay; before a waiver, it would take what the waiver took.
            const last = stored.filter((t) => (t.type === "REPAYMENT" || t.type === "WAIVER") && !t.reversed).reduce((d, t) => (t.value_date > d ? t.value_date : d), loan.disbursed_on!);
            if (date < last) throw fieldError("written_off_on", `written_off_on must not be before the last repayment or waiver, ${last}`, "dateMin");
            const marker = { id: UNSTORED_ID, type: "WRITE_OFF" as const, amount: 0n, value_date: date, installment_number: null, charge_id: null, reversed: false };
            const book = replayBook(loan, [...stored.map(toReplayTransaction), marker]);
            const taken = book.replay.written_off!;
            const parts = formatParts(taken);
            const now = new Date();
            const row: NewTransactionRow = {
              loan_id: loan.id,
              type: "WRITE_OFF",
              amount: fromCents(sumParts(taken)),
              principal_part: parts.principal,
              interest_part: parts.interest,
              fee_part: parts.fee,
              penalty_part: parts.penalty,
              allocation: [],
              value_date: date,
              installment_number: null,
              charge_id: null,
              recorded_by: admin,
              reason: ctx.params.reason,
              request_key: key.key,
              created_at: now,
              ...NO_REVERSAL,
            };
            const change = { ...projection(loan, book, now), status: "WRITTEN_OFF" as const, written_off_principal: parts.principal, written_off_on: date, updated_at: now };
            const before = toLoan(loan, today);
            const after = toLoan({ ...loan, ...change }, today);
            work.publish("loan.written_off", { actor_id: admin, transaction: toTransaction({ ...row, id: 0 }), before, loan: after, reallocated: [] }, ["transaction", "id"]);
            await this.journal.applyChange(work, { loanId: loan.id, insert: [row], change, shares: [] });
            return after;
          })
          .finally(() => this.clearLists(customerId));
      },
    },
  },

  methods: {
    /** Claims the key, locks the loan (404 when there is none) and reads its transactions after the lock. */
    async lockMoney(this: TransactionsThis, work: SqlTransactionWork, loanId: number, key: WriteKey): Promise<Locked> {
      const claim = await this.loans.claimWriteKey(work, key);
      const locked = await this.journal.lockLoan(work, loanId, key.key);
      if (!locked) throw new NotFoundError("loan", loanId);
      const stored = await this.journal.lockedTransactions(work, loanId);
      return { loan: locked.loan, stored, replay: claim === "replay" };
    },
  },
});
