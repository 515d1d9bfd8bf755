/**
 * ledger: the double-entry books of every money movement (SPEC "The ledger"). Owns the
 * ledger database. One consumer of the loans outbox (subscriptions.ts): the money events
 * arrive through `post`, at least once; each is posted once, keyed by (source, event id),
 * with the entries of domain/ledger-postings.ts. It may be down while loans work: the
 * events wait in the loans outbox and it catches up. It reads the loans service only
 * through its actions (the reconciliation).
 */
import type { Service } from "moleculer";
import { type ActionParams, type ActionResult, type CalendarDate } from "../sdk/contracts.js";
import { isCalendarDate } from "../domain/calendar.js";
import { todayOf } from "../domain/clock.js";
import { postingsOf } from "../domain/ledger-postings.js";
import type { AppContext } from "./shared/context.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { clockOf } from "./shared/deps.js";
import { fieldError } from "./shared/errors.js";
import { eventDeliveryParams, isDomainEvent } from "./shared/event-delivery.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { dateParam, idParam } from "./shared/params.js";
import { defineService } from "./shared/schema.js";
import { defineLedgerModel, type LedgerEntryModel } from "./ledger/ledger-entry.model.js";
import { publishBalances, publishLag, registerLedgerGauges } from "./ledger/ledger-metrics.js";
import { LedgerRepository } from "./ledger/ledger-repository.js";
import { toAccountBalance, toLedgerEntry, toTrialBalance } from "./ledger/ledger-views.js";
import { ledgerMigrations } from "./ledger/migrations.js";
import { reconcile } from "./ledger/reconciliation.js";

interface LedgerVars {
  /** The ledger's tables (ledger/ledger-repository.ts), once the service started. */
  ledger: LedgerRepository;
  /** The account gauges are refreshed after postings, at most once a second. */
  balancesDue?: NodeJS.Timeout;
  refreshBalances(): void;
  asOf(field: string, value: string | undefined): CalendarDate;
}
type LedgerThis = Service & LedgerVars & DbServiceThis<LedgerEntryModel>;

const asOfParams = { as_of: dateParam } as const;

const LedgerService = defineService<LedgerVars & DbServiceThis<LedgerEntryModel>>({
  name: "ledger",
  mixins: [ownDatabase({ urlVariable: "LEDGER_DATABASE_URL", defineModels: defineLedgerModel, migrations: ledgerMigrations })],

  actions: {
    /** The loans outbox's relay calls this; answering acknowledges the batch (the events it does not post too). */
    post: {
      params: eventDeliveryParams,
      async handler(this: LedgerThis, ctx: AppContext<ActionParams<"ledger.post">>): Promise<ActionResult<"ledger.post">> {
        const batch = ctx.params.events.filter(isDomainEvent).map((event) => ({ event, entries: postingsOf(event) }));
        if (batch.length === 0) return { posted: 0 };
        // One statement for the batch: atomic by itself, no transaction around it.
        const { posted, lagSeconds } = await this.unitOfWork.run(ctx, { autocommit: true }, (work) => this.ledger.post(work, ctx.params.source, batch));
        if (posted > 0 && this.broker.isMetricsEnabled()) {
          publishLag(this.broker.metrics, lagSeconds);
          this.refreshBalances();
        }
        return { posted };
      },
    },

    accounts: {
      access: ["admin"],
      params: asOfParams,
      async handler(this: LedgerThis, ctx: AppContext<ActionParams<"ledger.accounts">>): Promise<ActionResult<"ledger.accounts">> {
        const as_of = this.asOf("as_of", ctx.params.as_of);
        return { as_of, rows: (await this.ledger.accountTotals(as_of)).map(toAccountBalance) };
      },
    },

    trialBalance: {
      access: ["admin"],
      params: asOfParams,
      async handler(this: LedgerThis, ctx: AppContext<ActionParams<"ledger.trialBalance">>): Promise<ActionResult<"ledger.trialBalance">> {
        const as_of = this.asOf("as_of", ctx.params.as_of);
        return toTrialBalance(as_of, await this.ledger.accountTotals(as_of));
      },
    },

    entries: {
      access: ["admin"],
      params: { ...pageParams, loan_id: { ...idParam, optional: true }, from: dateParam, to: dateParam },
      async handler(this: LedgerThis, ctx: AppContext<ActionParams<"ledger.entries">>): Promise<ActionResult<"ledger.entries">> {
        const { loan_id } = ctx.params;
        const from = ctx.params.from === undefined ? undefined : this.asOf("from", ctx.params.from);
        const to = ctx.params.to === undefined ? undefined : this.asOf("to", ctx.params.to);
        if (from && to && from > to) throw fieldError("to", "to must not be before from", "dateMin");
        const window = pageWindow(ctx.params);
        const { rows, total } = await this.ledger.entries({ loan_id, from, to }, window);
        return toPage(rows.map(toLedgerEntry), total, window);
      },
    },

    reconciliation: {
      access: ["admin"],
      async handler(this: LedgerThis, ctx: AppContext<ActionParams<"ledger.reconciliation">>): Promise<ActionResult<"ledger.reconciliation">> {
        return reconcile(ctx, this.ledger);
      },
    },
  },

  methods: {
    /** A date parameter: a real calendar date, default today (the node's clock). */
    asOf(this: LedgerThis, field: string, value: string | undefined): CalendarDate {
      const date = value ?? todayOf(clockOf(this));
      if (!isCalendarDate(date)) throw fieldError(field, `${field} must be a calendar date YYYY-MM-DD (from 1900)`, "date");
      return date;
    },

    refreshBalances(this: LedgerThis) {
      if (this.balancesDue) return;
      this.balancesDue = setTimeout(() => {
        this.balancesDue = undefined;
        this.ledger
          .accountTotals()
          .then((totals) => publishBalances(this.broker.metrics, totals.map(toAccountBalance)))
          .catch((err: unknown) => this.logger.debug("ledger balances gauges not refreshed:", err));
      }, 1000);
      this.balancesDue.unref();
    },
  },

  created(this: LedgerThis) {
    if (this.broker.isMetricsEnabled()) registerLedgerGauges(this.broker.metrics);
  },

  // After the database mixin's `started` connected (the mixins' handlers run first).
  started(this: LedgerThis) {
    this.ledger = new LedgerRepository(this.adapter.db);
  },

  stopped(this: LedgerThis) {
    clearTimeout(this.balancesDue);
  },
});

export default LedgerService;
