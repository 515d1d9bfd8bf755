/**
 * Loan servicing, a mixin of the loans service: disbursement, the repayment schedule,
 * repayments, and the portfolio. Disbursement and repayments lock the loan's row, so of
 * concurrent disbursements one wins and concurrent repayments are applied one after the
 * other, none lost; each write remembers its request key, so a retried one is done once.
 * The schedule is recomputed from the terms (schedule.ts) for the one loan read; the
 * figures lists need are kept on the loan row by the transaction that changes them.
 */
import type { Service } from "moleculer";
import type { ActionParams, ActionResult, CalendarDate, Money, Repayment } from "../../sdk/contracts.js";
import { callerOf, type AppContext } from "../shared/context.js";
import { ForbiddenError, NotFoundError } from "../shared/errors.js";
import { dateParam, idParam } from "../shared/params.js";
import { defineMixin } from "../shared/schema.js";
import { allocatePayment, type PaymentAllocation } from "../../domain/allocation.js";
import { paidSoFar, positionAfter, summarize, type LoanPosition } from "../../domain/arrears.js";
import { todayOf } from "../../domain/clock.js";
import { fromCents, toCents } from "../../domain/cents.js";
import type { LoanRow } from "./loan.model.js";
import { assertCan, assertProjectable, assertWithinOutstanding, isPaidOff, parseAmount, parseAsOf, parseServiceDate } from "./loan-rules.js";
import { toLoan } from "./loan-view.js";
import type { LoansThis } from "./loans-this.js";
import { publishPortfolio, registerPortfolioGauges } from "./portfolio-metrics.js";
import type { LoanChange } from "./loan-repository.js";
import { toRepayment, type RepaymentRow } from "./repayment.model.js";
import { buildSchedule, totalInterest } from "../../domain/schedule.js";
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

/** The schedule of a disbursed loan, from its stored terms and disbursement date. */
function scheduleOf(loan: LoanRow) {
  if (!loan.disbursed_on) throw new Error(`loan ${loan.id} is ${loan.status} without a disbursement date`);
  return buildSchedule(loan, loan.disbursed_on);
}

interface RepaymentPlan {
  paidOn: CalendarDate;
  allocation: PaymentAllocation;
  position: LoanPosition;
  closes: boolean;
}

/** The repayment's rules and arithmetic on the locked loan; throws the named error a rule makes. */
function planRepayment(loan: LoanRow, amount: Money, paidOnParam: string | undefined, today: CalendarDate): RepaymentPlan {
  assertCan(loan, "repay");
  const paidOn = parseServiceDate("paid_on", paidOnParam, today, { date: loan.disbursed_on!, what: "the disbursement" });
  assertWithinOutstanding(amount, { outstanding_principal: loan.outstanding_principal!, outstanding_interest: loan.outstanding_interest! });
  const schedule = scheduleOf(loan);
  const paidBefore = paidSoFar(loan.principal, loan.total_interest!, loan.outstanding_principal!, loan.outstanding_interest!);
  const allocation = allocatePayment(schedule, paidBefore, amount);
  const position = positionAfter(schedule, fromCents(toCents(paidBefore) + toCents(amount)));
  return { paidOn, allocation, position, closes: isPaidOff(position) };
}

/**
 * A retry of a repayment that committed answers it. The key's claim already refused another
 * request with a client's key; a key's repayment of another loan would be one too.
 */
function retried(ctx: AppContext, done: RepaymentRow, loanId: number): Repayment {
  if (done.loan_id !== loanId) throw new IdempotencyKeyMismatchError();
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
        return this.lockedUpdate(ctx, ctx.params.id, "loan.disbursed", key, (loan) => {
          if (loan.disbursement_key === disbursement_key) return null; // this very disbursement, retried
          assertCan(loan, "disburse");
          const schedule = buildSchedule(loan, disbursedOn);
          const interest = totalInterest(schedule);
          return {
            status: "ACTIVE",
            disbursed_on: disbursedOn,
            disbursed_by: admin,
            disbursement_key,
            total_interest: interest,
            outstanding_principal: loan.principal,
            outstanding_interest: interest,
            next_due_date: schedule[0]!.due_date,
          };
        });
      },
    },

    schedule: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam, as_of: dateParam },
      async handler(this: ServicingThis, ctx: Ctx<"loans.schedule">): Promise<ActionResult<"loans.schedule">> {
        const asOf = parseAsOf(ctx.params.as_of, todayOf(this.clock));
        const loan = await this.findVisible(ctx.params.id, callerOf(ctx));
        // Before disbursement: a projection, as if the money went out on as_of.
        const disbursed = loan.disbursed_on !== null && loan.total_interest !== null && loan.outstanding_principal !== null && loan.outstanding_interest !== null;
        if (!disbursed) assertProjectable(asOf, loan.tenure_months);
        const schedule = disbursed ? scheduleOf(loan) : buildSchedule(loan, asOf);
        const paid = disbursed ? paidSoFar(loan.principal, loan.total_interest!, loan.outstanding_principal!, loan.outstanding_interest!) : "0.00";
        return { loan_id: loan.id, disbursed_on: loan.disbursed_on, as_of: asOf, ...summarize(schedule, paid, asOf) };
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
        // BIGSERIAL: an id past it is no repayment (as with `lockForRepayment`'s cast).
        const repayment = Number.isSafeInteger(ctx.params.id) ? await this.loans.repayment(ctx.params.id) : null;
        if (!repayment) throw new NotFoundError("repayment", ctx.params.id);
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
        return { rows: (await this.loans.repaymentsOf(loan.id)).map(toRepayment) };
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
     * Under the loan's row lock: the repayment, its allocation over the schedule, the
     * loan's new figures (CLOSED when nothing is left) and the events, in one transaction.
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
            const locked = await this.loans.lockForRepayment(work, id, request_key);
            if (!locked) throw new NotFoundError("loan", id);
            const { loan } = locked;
            customerId = loan.customer_id;
            const today = todayOf(this.clock);
            if (locked.done) return retried(ctx, locked.done, id);
            let plan: RepaymentPlan;
            try {
              plan = planRepayment(loan, amount, paidOnParam, today);
            } catch (err) {
              // A retry that waited for the lock while its original committed finds it only now.
              const done = await this.loans.repaymentByKey(work, request_key);
              if (done) return retried(ctx, done, id);
              throw err;
            }
            const now = new Date();
            const change: LoanChange = { ...plan.position, updated_at: now, ...(plan.closes && { status: "CLOSED" as const, closed_at: now }) };
            const row = {
              loan_id: id,
              amount,
              principal_part: plan.allocation.principal,
              interest_part: plan.allocation.interest,
              allocation: plan.allocation.installments,
              paid_on: plan.paidOn,
              recorded_by: recorder,
              request_key,
              created_at: now,
            };
            // The id comes from the insert: the stored events get it in SQL, the answer and the live events below.
            const repayment = toRepayment({ ...row, id: 0 });
            const before = toLoan(loan, today);
            const after = toLoan({ ...loan, ...change }, today);
            work.publish("loan.repaid", { actor_id: recorder, repayment, before, loan: after }, ["repayment", "id"]);
            if (plan.closes) work.publish("loan.closed", { actor_id: recorder, before, loan: after });
            const inserted = await this.loans.insertRepayment(work, row, change);
            if (!inserted) {
              // The key's repayment committed after this transaction's lock statement began.
              const done = await this.loans.repaymentByKey(work, request_key);
              if (!done) throw new Error(`repayment ${request_key} conflicted on its key but no repayment has it`);
              return retried(ctx, done, id);
            }
            repayment.id = Number(inserted.id);
            repayment.allocation = inserted.allocation; // as stored, as the repayments list reads it
            return repayment;
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
