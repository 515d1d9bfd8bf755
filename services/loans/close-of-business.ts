/**
 * Close of business, a mixin of the loans service (SPEC "A loan's transactions"): a run for
 * a business date D charges every penalty due by D and not yet charged. An admin starts one
 * (202, then `GET` its progress), and every day at COB_AT one loans instance starts the run
 * for the day that ended (the run's `scheduled_for` is unique: of the instances whose timer
 * fires, one inserts it).
 *
 * A run works through the ACTIVE loans due a penalty decision by D (`next_penalty_date`,
 * from an index) in id order, in batches of COB_BATCH_SIZE, each batch one transaction
 * (cob-repository.ts): so the book is never in memory, and each commit moves the run's
 * progress with its work. Each loan is decided by the replay (loan-book.ts) of its
 * transactions read after its lock: a penalty already charged is never charged again, so runs
 * that repeat or overlap charge nothing twice (the unique index on a PENALTY's installment is
 * the backstop), and a run that died half-way leaves the rest to the next.
 */
import { Context, type Service } from "moleculer";
import type { ActionParams, ActionResult, CalendarDate, CloseOfBusinessRun, ContextMeta } from "../../sdk/contracts.js";
import { callerOf, type AppContext } from "../shared/context.js";
import { NotFoundError, fieldError } from "../shared/errors.js";
import { dateParam, idParam } from "../shared/params.js";
import { pageParams, pageWindow, toPage } from "../shared/pagination.js";
import { defineMixin } from "../shared/schema.js";
import type { WorkContext } from "../shared/unit-of-work.js";
import { addDays, isCalendarDate } from "../../domain/calendar.js";
import { todayOf } from "../../domain/clock.js";
import { fromCents } from "../../domain/cents.js";
import type { LoanRow } from "./loan.model.js";
import { toLoan } from "./loan-view.js";
import type { LoansThis } from "./loans-this.js";
import { projection, replayBook, shareChanges, toReplayTransaction } from "./loan-book.js";
import type { NewPenaltyRow, PenaltyProjection } from "./cob-repository.js";
import { toTransaction, type TransactionRow } from "./transaction.model.js";

type Ctx<A extends "loans.runCloseOfBusiness" | "loans.closeOfBusiness" | "loans.listCloseOfBusiness"> = AppContext<ActionParams<A>>;

interface CobVars {
  cobTimer?: NodeJS.Timeout;
  /** Runs `run` batch by batch to its end; never throws (a failed run is FAILED). */
  processRun(ctx: WorkContext, run: CloseOfBusinessRun): Promise<void>;
  processBatch(ctx: WorkContext, run: CloseOfBusinessRun, after: number): Promise<number | null>;
}
type CobThis = LoansThis & CobVars;

/** Milliseconds from `now` to the next `at` (UTC), today's if it is still ahead. */
export function msUntil(at: { hour: number; minute: number }, now: Date): number {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), at.hour, at.minute));
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

/** Rows by loan id (Map.groupBy is Node 21's; the code also runs on 20). */
function byLoanId<T extends { loan_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const row of rows) {
    const list = map.get(row.loan_id);
    if (list) list.push(row);
    else map.set(row.loan_id, [row]);
  }
  return map;
}

/** One loan's decision for the run's date: the penalties it owes now, and its projection with them. */
function decide(loan: LoanRow, stored: readonly TransactionRow[], date: CalendarDate, now: Date) {
  const book = replayBook(loan, stored.map(toReplayTransaction), { chargeUpTo: date });
  const penalties: NewPenaltyRow[] = book.replay.newPenalties.map((p) => ({ loan_id: loan.id, installment_number: p.installment_number, value_date: p.value_date, amount: fromCents(p.amount) }));
  return { penalties, change: projection(loan, book, now), moved: shareChanges(stored, book) };
}

export const closeOfBusiness = defineMixin<Omit<CobThis, keyof Service>>({
  actions: {
    runCloseOfBusiness: {
      access: ["admin"],
      params: { business_date: dateParam },
      async handler(this: CobThis, ctx: Ctx<"loans.runCloseOfBusiness">): Promise<ActionResult<"loans.runCloseOfBusiness">> {
        const today = todayOf(this.clock);
        const date = ctx.params.business_date ?? addDays(today, -1);
        if (!isCalendarDate(date)) throw fieldError("business_date", "business_date must be a calendar date YYYY-MM-DD (from 1900)", "date");
        if (date > today) throw fieldError("business_date", `business_date must not be in the future (today is ${today} UTC)`, "dateMax");
        await this.cob.failStale(this.config.cobStaleMs);
        const run = (await this.cob.start(date, callerOf(ctx).id, null))!;
        void this.processRun(ctx, run);
        ctx.meta.$statusCode = 202;
        // moleculer-web writes $location for a 201 or a redirect only: a 202's goes as a header of its own.
        ctx.meta.$responseHeaders = { Location: `/api/v1/loan/close-of-business/${run.id}` };
        return run;
      },
    },

    closeOfBusiness: {
      access: ["admin"],
      params: { id: idParam },
      async handler(this: CobThis, ctx: Ctx<"loans.closeOfBusiness">): Promise<ActionResult<"loans.closeOfBusiness">> {
        await this.cob.failStale(this.config.cobStaleMs);
        const run = await this.cob.find(ctx.params.id);
        if (!run) throw new NotFoundError("close-of-business run", ctx.params.id);
        return run;
      },
    },

    listCloseOfBusiness: {
      access: ["admin"],
      params: { ...pageParams },
      async handler(this: CobThis, ctx: Ctx<"loans.listCloseOfBusiness">): Promise<ActionResult<"loans.listCloseOfBusiness">> {
        await this.cob.failStale(this.config.cobStaleMs);
        const window = pageWindow(ctx.params);
        const { rows, total } = await this.cob.page(window.limit, window.offset);
        return toPage(rows, total, window);
      },
    },
  },

  methods: {
    async processRun(this: CobThis, ctx: WorkContext, run: CloseOfBusinessRun): Promise<void> {
      try {
        let after = await this.cob.cursorOf(run.id);
        for (;;) {
          const next = await this.processBatch(ctx, run, after);
          if (next === null) break;
          after = next;
        }
        await this.cob.finish(run.id, "DONE");
        this.logger.info(`close of business ${run.business_date} (run ${run.id}) done`);
      } catch (err) {
        this.logger.error(`close of business ${run.business_date} (run ${run.id}) failed:`, err);
        await this.cob.finish(run.id, "FAILED").catch(() => undefined);
      } finally {
        await this.clearLists();
      }
    },

    /** One batch in one transaction; answers the last loan id it did, or null when none was left. */
    async processBatch(this: CobThis, ctx: WorkContext, run: CloseOfBusinessRun, after: number): Promise<number | null> {
      return this.unitOfWork.run(ctx, { plainSql: true }, async (work) => {
        const loans = await this.cob.lockBatch(work, run.business_date, after, this.config.cobBatchSize);
        if (loans.length === 0) return null;
        const stored = await this.cob.transactionsOf(
          work,
          loans.map((l) => l.id),
        );
        const byLoan = byLoanId(stored);
        const now = new Date();
        const today = todayOf(this.clock);
        const decisions = loans.map((loan) => ({ loan, ...decide(loan, byLoan.get(loan.id) ?? [], run.business_date, now) }));
        const inserted = await this.cob.insertPenalties(
          work,
          decisions.flatMap((d) => d.penalties),
        );
        const chargedOf = byLoanId(inserted);
        const projections: PenaltyProjection[] = [];
        for (const { loan, change, moved, penalties } of decisions) {
          projections.push({ id: loan.id, ...change } as PenaltyProjection);
          if (penalties.length === 0) continue;
          work.publish("loan.charged", {
            actor_id: null,
            before: toLoan(loan, today),
            loan: toLoan({ ...loan, ...change }, today),
            reallocated: moved.map((m) => m.reallocation),
            charges: (chargedOf.get(loan.id) ?? []).map(toTransaction),
          });
        }
        const shares = decisions.flatMap((d) => d.moved);
        await this.cob.saveBatch(work, run.id, projections, shares, { loans: loans.length, penalties: inserted.length, lastId: loans[loans.length - 1]!.id });
        return loans[loans.length - 1]!.id;
      });
    },

    /** Arms the daily run at COB_AT; each firing starts the run of the day that ended, on one instance only. */
    scheduleCob(this: CobThis): void {
      const at = this.config.cobAt;
      if (!at) return;
      this.cobTimer = setTimeout(
        () => {
          const date = addDays(todayOf(this.clock), -1);
          void this.cob
            .start(date, null, date)
            .then((run) => run && this.processRun(Context.create(this.broker) as Context<unknown, ContextMeta>, run))
            .catch((err: unknown) => this.logger.error(`close of business for ${date} not started:`, err))
            .finally(() => this.scheduleCob());
        },
        msUntil(at, new Date()),
      );
      this.cobTimer.unref();
    },
  },

  stopped(this: CobThis) {
    clearTimeout(this.cobTimer);
  },
});
