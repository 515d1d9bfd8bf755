/**
 * Loan servicing, a mixin of the loans service: disbursement, the repayment schedule,
 * repayments, and the portfolio. Every money change locks the loan's row, reads its
 * transactions and replays them with the new one (loan-book.ts): concurrent changes of a
 * loan go one after the other, none lost, and the loan row's figures and each repayment's
 * share are the replay's, written in the same statement as the new transaction. Each write
 * remembers its request key, so a retried one is done once.
 */
import type { Service } from "moleculer";
import type { ActionParams, ActionResult, CalendarDate, Money, Repayment } from "../../sdk/contracts.js";
import { callerOf, type AppContext } from "../shared/context.js";
import { ForbiddenError, NotFoundError, fieldError } from "../shared/errors.js";
import { dateParam, idParam } from "../shared/params.js";
import { defineMixin } from "../shared/schema.js";
import { todayOf } from "../../domain/clock.js";
import { fromCents, toCents } from "../../domain/cents.js";
import { excessOf, scheduleView } from "../../domain/loan-book.js";
import { buildSchedule, totalInterest } from "../../domain/schedule.js";
import type { LoanRow } from "./loan.model.js";
import { assertCan, assertProjectable, parseAmount, parseAsOf, parseServiceDate } from "./loan-rules.js";
import { toLoan } from "./loan-view.js";
import type { LoansThis } from "./loans-this.js";
import { publishPortfolio, registerPortfolioGauges } from "./portfolio-metrics.js";
import { projection, replayBook, shareChanges, toReplayTransaction, unstoredShare, UNSTORED_ID, type Book } from "./loan-book.js";
import { toRepayment, toTransaction, type NewTransactionRow, type TransactionRow } from "./transaction.model.js";
import { IdempotencyKeyMismatchError, markReplayed, writeKey } from "./write-key.js";

interface ServicingVars {
  recordRepayment(ctx: AppContext, id: number, amount: Money, paidOn: string | undefined): Promise<Repayment>;
  refreshPortfolioGauges(): Promise<void>;
  portfolioTimer?: NodeJS.Timeout;
}
type ServicingThis = LoansThis & ServicingVars;
type Ctx<A extends "loans.disburse" | "loans.schedule" | "loans.repay" | "loans.repayments" | "loans.repayment" | "loans.portfolio"> = AppContext<ActionParams<A>>;

const amountParam = {
  type: "multi",
  rules: [
    { type: "string", pattern: /^\s*-?\d+(\.\d+)?\s*$/, messages: { stringPattern: "amount must be a decimal amount like 11768.37" } },
    { type: "number", positive: true },
  ],
} as const;

interface RepaymentPlan {
  book: Book;
  paidOn: CalendarDate;
}

/** The repayment's rules and its replay on the locked loan; throws the named error a rule makes. */
function planRepayment(loan: LoanRow, stored: readonly TransactionRow[], amount: Money, paidOnParam: string | undefined, today: CalendarDate): RepaymentPlan {
  assertCan(loan, "repay");
  const paidOn = parseServiceDate("paid_on", paidOnParam, today, { date: loan.disbursed_on!, what: "the disbursement" });
  const cents = toCents(amount);
  const added = { id: UNSTORED_ID, type: "REPAYMENT" as const, amount: cents, value_date: paidOn, installment_number: null, charge_id: null, reversed: false };
  const book = replayBook(loan, [...stored.map(toReplayTransaction), added]);
  // More than the loan owes (as of each repayment's date: a charge dated later is not payable by it).
  const excess = excessOf(book.replay);
  if (excess > 0n) throw fieldError("amount", `amount must be at most the outstanding total, ${fromCents(cents - excess)}`, "moneyMax");
  return { book, paidOn };
}

/**
 * A retry of a repayment that committed answers it. The key's claim already refused another
 * request with a client's key; a key's repayment of another loan would be one too.
 */
function retried(ctx: AppContext, done: TransactionRow, loanId: number): Repayment {
  if (done.loan_id !== loanId || done.type !== "REPAYMENT") throw new IdempotencyKeyMismatchError();
  markReplayed(ctx);
  return toRepayment(done);
}

export const servicing = defineMixin<Omit<ServicingThis, keyof Service>>({
  actions: {
    disburse: {
      access: ["admin"],
      params: { id: idParam, disbursed_on: dateParam },
      async handler(this: ServicingThis, ctx: Ctx<"loans.disburse">): Promise<ActionResult<"loans.disburse">> {
        const disbursedOn = parseServiceDate("disbursed_on", ctx.params.disbursed_on, todayOf(this.clock));
        const admin = callerOf(ctx).id;
        const key = writeKey(ctx);
        const disbursement_key = key.key;
        let customerId: number | undefined;
        return this.unitOfWork
          .run(ctx, { plainSql: true }, async (work) => {
            await this.loans.claimWriteKey(work, key);
            const locked = await this.journal.lockLoan(work, ctx.params.id, disbursement_key);
            if (!locked) throw new NotFoundError("loan", ctx.params.id);
            const { loan } = locked;
            customerId = loan.customer_id;
            const today = todayOf(this.clock);
            if (loan.disbursement_key === disbursement_key) {
              markReplayed(ctx); // this very disbursement, retried
              return toLoan(loan, today);
            }
            assertCan(loan, "disburse");
            const now = new Date();
            const schedule = buildSchedule(loan, disbursedOn);
            const disbursed: LoanRow = { ...loan, status: "ACTIVE", disbursed_on: disbursedOn, disbursed_by: admin, disbursement_key, total_interest: totalInterest(schedule) };
            const base = { loan_id: loan.id, interest_part: "0.00", fee_part: "0.00", penalty_part: "0.00", allocation: [], value_date: disbursedOn, charge_id: null, recorded_by: admin };
            const rest = { reason: null, request_key: null, created_at: now, reversed: false, reversed_at: null, reversed_by: null, reversal_reason: null, reversal_key: null };
            const insert: NewTransactionRow[] = [{ ...base, ...rest, type: "DISBURSEMENT", amount: loan.principal, principal_part: loan.principal, installment_number: null }];
            // The product's disbursement fee is charged with the first installment, dated the disbursement.
            const fee = toCents(loan.disbursement_fee) > 0n;
            if (fee) insert.push({ ...base, ...rest, type: "FEE", amount: loan.disbursement_fee, principal_part: "0.00", fee_part: loan.disbursement_fee, installment_number: 1 });
            const book = replayBook(
              disbursed,
              insert.map((t, i) => toReplayTransaction({ ...t, id: i + 1 })),
            );
            const change = { ...projection(disbursed, book, now), disbursed_on: disbursedOn, disbursed_by: admin, disbursement_key, total_interest: disbursed.total_interest, updated_at: now };
            const before = toLoan(loan, today);
            const after = toLoan({ ...disbursed, ...change }, today);
            work.publish("loan.disbursed", { actor_id: admin, before, loan: after });
            if (fee) work.publish("loan.charged", { actor_id: admin, before, loan: after, reallocated: [], charges: [toTransaction({ ...insert[1]!, id: 0 })] }, ["charges", "0", "id"]);
            await this.journal.applyChange(work, { loanId: loan.id, insert, idOf: fee ? 1 : 0, change, shares: [] });
            return after;
          })
          .finally(() => this.clearLists(customerId));
      },
    },

    schedule: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam, as_of: dateParam },
      async handler(this: ServicingThis, ctx: Ctx<"loans.schedule">): Promise<ActionResult<"loans.schedule">> {
        const asOf = parseAsOf(ctx.params.as_of, todayOf(this.clock));
        const loan = await this.findVisible(ctx.params.id, callerOf(ctx));
        if (loan.disbursed_on === null) {
          // Before disbursement: a projection, as if the money went out on as_of.
          assertProjectable(asOf, loan.tenure_months);
          const projected = { ...loan, disbursed_on: asOf };
          const book = replayBook(projected, []);
          return { loan_id: loan.id, disbursed_on: null, as_of: asOf, ...scheduleView(book.schedule, book.replay, asOf) };
        }
        const book = replayBook(loan, (await this.journal.transactionsOf(loan.id)).map(toReplayTransaction));
        return { loan_id: loan.id, disbursed_on: loan.disbursed_on, as_of: asOf, ...scheduleView(book.schedule, book.replay, asOf) };
      },
    },

    repay: {
      access: ["admin", "agent"],
      params: { id: idParam, amount: amountParam, paid_on: dateParam },
      async handler(this: ServicingThis, ctx: Ctx<"loans.repay">): Promise<ActionResult<"loans.repay">> {
        const amount = parseAmount(ctx.params.amount);
        const repayment = await this.recordRepayment(ctx, ctx.params.id, amount, ctx.params.paid_on);
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/loan/repayment/${repayment.id}`;
        return repayment;
      },
    },

    repayment: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam },
      async handler(this: ServicingThis, ctx: Ctx<"loans.repayment">): Promise<ActionResult<"loans.repayment">> {
        const repayment = await this.journal.byId(ctx.params.id);
        if (!repayment || repayment.type !== "REPAYMENT") throw new NotFoundError("repayment", ctx.params.id);
        const caller = callerOf(ctx);
        if (caller.role === "customer" && (await this.loans.customerOf(repayment.loan_id)) !== caller.id) throw new ForbiddenError("this repayment is of another customer's loan");
        return toRepayment(repayment);
      },
    },

    repayments: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam },
      async handler(this: ServicingThis, ctx: Ctx<"loans.repayments">): Promise<ActionResult<"loans.repayments">> {
        const loan = await this.findVisible(ctx.params.id, callerOf(ctx));
        return { rows: (await this.journal.repaymentsOf(loan.id)).map(toRepayment) };
      },
    },

    portfolio: {
      access: ["admin"],
      params: { as_of: dateParam },
      handler(this: ServicingThis, ctx: Ctx<"loans.portfolio">): Promise<ActionResult<"loans.portfolio">> {
        return this.loans.portfolio(parseAsOf(ctx.params.as_of, todayOf(this.clock)));
      },
    },
  },

  methods: {
    /**
     * Under the loan's row lock: the repayment, the loan's replay with it (its share, the
     * other repayments' moved shares, the loan's new figures, CLOSED when nothing is left)
     * and the events, in one statement of one transaction.
     */
    async recordRepayment(this: ServicingThis, ctx: AppContext, id: number, amount: Money, paidOnParam: string | undefined): Promise<Repayment> {
      const key = writeKey(ctx);
      const request_key = key.key;
      const recorder = callerOf(ctx).id;
      let customerId: number | undefined;
      return (
        this.unitOfWork
          .run(ctx, { plainSql: true }, async (work) => {
            // A client's key first: a retry waits here for the first with it, then finds its repayment below.
            await this.loans.claimWriteKey(work, key);
            const locked = await this.journal.lockLoan(work, id, request_key);
            if (!locked) throw new NotFoundError("loan", id);
            const { loan } = locked;
            customerId = loan.customer_id;
            const today = todayOf(this.clock);
            if (locked.done) return retried(ctx, locked.done, id);
            let plan: RepaymentPlan;
            let stored: TransactionRow[] = [];
            try {
              if (loan.status === "ACTIVE") stored = await this.journal.lockedTransactions(work, id);
              plan = planRepayment(loan, stored, amount, paidOnParam, today);
            } catch (err) {
              // A retry that waited for the lock while its original committed finds it only now.
              const done = await this.journal.byKey(work, request_key);
              if (done) return retried(ctx, done, id);
              throw err;
            }
            const now = new Date();
            const share = unstoredShare(plan.book);
            const moved = shareChanges(stored, plan.book);
            const change = { ...projection(loan, plan.book, now), updated_at: now };
            const row: NewTransactionRow = {
              loan_id: id,
              type: "REPAYMENT",
              amount,
              ...share,
              value_date: plan.paidOn,
              installment_number: null,
              charge_id: null,
              recorded_by: recorder,
              reason: null,
              request_key,
              created_at: now,
              reversed: false,
              reversed_at: null,
              reversed_by: null,
              reversal_reason: null,
              reversal_key: null,
            };
            // The id comes from the insert: the stored events get it in SQL, the answer below.
            const repayment = toRepayment({ ...row, id: 0 });
            const before = toLoan(loan, today);
            const after = toLoan({ ...loan, ...change }, today);
            const reallocated = moved.map((m) => m.reallocation);
            work.publish("loan.repaid", { actor_id: recorder, repayment, before, loan: after, reallocated }, ["repayment", "id"]);
            if (change.status === "CLOSED") work.publish("loan.closed", { actor_id: recorder, before, loan: after });
            const inserted = await this.journal.applyChange(work, { loanId: id, insert: [row], change, shares: moved });
            if (!inserted) {
              // The key's repayment committed after this transaction's lock statement began.
              const done = await this.journal.byKey(work, request_key);
              if (!done) throw new Error(`repayment ${request_key} conflicted on its key but no repayment has it`);
              return retried(ctx, done, id);
            }
            return toRepayment(inserted[0]!);
          })
          // The loan's customer's lists and the admin/agent lists, whatever the outcome.
          .finally(() => this.clearLists(customerId))
      );
    },

    /** Never throws: a failed refresh (the database away) leaves the last figures. */
    async refreshPortfolioGauges(this: ServicingThis): Promise<void> {
      try {
        publishPortfolio(this.broker.metrics, await this.loans.portfolio(todayOf(this.clock)));
      } catch (err) {
        this.logger.debug("portfolio gauges not refreshed:", err instanceof Error ? err.message : err);
      }
    },
  },

  started(this: ServicingThis) {
    if (!this.broker.isMetricsEnabled()) return;
    registerPortfolioGauges(this.broker.metrics);
    this.portfolioTimer = setInterval(() => void this.refreshPortfolioGauges(), this.config.portfolioMetricsMs);
    this.portfolioTimer.unref();
  },

  stopped(this: ServicingThis) {
    clearInterval(this.portfolioTimer);
  },
});
