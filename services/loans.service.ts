/**
 * loans: the loan lifecycle. Owns the loans database. Whether a customer exists is asked
 * of the users service; edits and decisions lock the loan's row, so concurrent commands
 * serialise: of two decisions one wins, and no edit loses a version.
 */
import type { Context } from "moleculer";
import { QueryTypes, Transaction, type ModelStatic } from "sequelize";
import { LOAN_STATUSES, TENURE_MAX, TENURE_MIN, type ActionParams, type ActionResult, type AuthUser, type Loan, type LoanStatus, type Page } from "../sdk/contracts.js";
import { defineService } from "./shared/schema.js";
import { loadConfig } from "./shared/config.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { pendingEvent } from "./shared/outbox.js";
import { selectRows } from "./shared/sql.js";
import { ForbiddenError, NotFoundError, fieldError } from "./shared/errors.js";
import { callerOf, type AppContext } from "./shared/context.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { dateParam, idParam } from "./shared/params.js";
import { LOANS_CACHE_EVENT, listCachePatterns, listPlan, type LoanListFilter, type LoanListPlan, type LoanListRow } from "./loans/loan-lists.js";
import { loanTerms } from "../domain/loan-math.js";
import { systemClock, todayOf, type Clock } from "../domain/clock.js";
import { defineLoanModels, type LoanModel, type LoanRow, type LoanVersionModel } from "./loans/loan.model.js";
import { assertNew, parseAsOf, parsePrincipal } from "./loans/loan-rules.js";
import type { LoanChangeEvent, LoansThis, LoansVars } from "./loans/loans-this.js";
import { toLoan, toLoanVersion } from "./loans/loan-view.js";
import { insertLoan, loanByRequestKey } from "./loans/loan-writes.js";
import { loanMigrations } from "./loans/migrations.js";
import { servicing } from "./loans/servicing.js";
import { claimWriteKey, markReplayed, writeKey, type WriteKey } from "./loans/write-key.js";

type Ctx<A extends "loans.request" | "loans.edit" | "loans.decide" | "loans.details" | "loans.listAll"> = AppContext<ActionParams<A>>;

const principalParam = [
  { type: "string", pattern: /^\s*\d+(\.\d+)?\s*$/, messages: { stringPattern: "principal must be a decimal amount like 250000.00" } },
  { type: "number", positive: true },
] as const;
const tenureParam = { type: "number", integer: true, min: TENURE_MIN, max: TENURE_MAX, convert: true } as const;
const listFilters = {
  status: { type: "enum", values: [...LOAN_STATUSES], optional: true },
  overdue: { type: "boolean", convert: true, optional: true },
  as_of: dateParam,
} as const;

/** The columns a new loan's row has null (the database's defaults), as Sequelize read them back. */
const UNSET_AT_CREATION = {
  decided_by: null,
  decided_at: null,
  decision_key: null,
  disbursed_on: null,
  disbursed_by: null,
  disbursement_key: null,
  closed_at: null,
  total_interest: null,
  outstanding_principal: null,
  outstanding_interest: null,
  next_due_date: null,
} as const;

const LoansService = defineService<LoansVars & DbServiceThis<LoanModel>>({
  name: "loans",
  mixins: [ownDatabase({ urlVariable: "LOANS_DATABASE_URL", defineModels: (s) => defineLoanModels(s).Loan, migrations: loanMigrations, outbox: { source: "loans" } }), servicing],

  actions: {
    request: {
      access: ["agent"],
      params: { customer_id: idParam, principal: principalParam, tenure_months: tenureParam },
      async handler(this: LoansThis, ctx: Ctx<"loans.request">): Promise<ActionResult<"loans.request">> {
        const terms = loanTerms(parsePrincipal(ctx.params.principal), ctx.params.tenure_months, this.config.rateTable);
        const isCustomer: boolean = await ctx.call("users.isCustomer", { id: ctx.params.customer_id });
        if (!isCustomer) throw fieldError("customer_id", `user ${ctx.params.customer_id} is not a customer`, "customer");
        const agentId = callerOf(ctx).id;
        const key = writeKey(ctx);
        const request_key = key.key;
        // A client's key is claimed beside the loan, so the two need a transaction; else one statement.
        const loan = await this.outbox.write(ctx, key.fingerprint ? "transaction" : "statement", async (sql) => {
          const replayed = async () => {
            const done = await loanByRequestKey(sql, request_key);
            if (!done) throw new Error(`loan request ${request_key} conflicted on its key but no loan has it`);
            markReplayed(ctx);
            return { value: toLoan(done, todayOf(this.clock)), events: [] };
          };
          if ((await claimWriteKey((text, values) => sql.rows<{ fingerprint: string }>(text, values), key)) === "replay") return replayed();
          const now = new Date();
          const row = { ...terms, customer_id: ctx.params.customer_id, agent_id: agentId, status: "NEW" as const, version: 1, request_key, created_at: now, updated_at: now };
          // The id comes from the insert: the stored event gets it in SQL, the answer and the live event below.
          const created = toLoan({ ...row, id: 0, ...UNSET_AT_CREATION }, todayOf(this.clock));
          const event = pendingEvent("loan.created", { actor_id: agentId, loan: created }, ["loan", "id"]);
          const id = await insertLoan(sql, row, [event]);
          // A retry of a request that committed (or had, when the insert met its key).
          if (id === null) return replayed();
          created.id = id;
          return { value: created, events: [event] };
        });
        await this.clearLists(loan.customer_id);
        ctx.meta.$statusCode = 201;
        ctx.meta.$location = `/api/v1/loan/loan-details/${loan.id}`;
        return loan;
      },
    },

    edit: {
      access: ["agent"],
      params: { id: idParam, principal: { type: "multi", rules: principalParam, optional: true }, tenure_months: { ...tenureParam, optional: true } },
      async handler(this: LoansThis, ctx: Ctx<"loans.edit">): Promise<ActionResult<"loans.edit">> {
        // The validator's `optional` lets null through: null means "not sent" here.
        const principal = ctx.params.principal ?? undefined;
        const tenure_months = ctx.params.tenure_months ?? undefined;
        if (principal === undefined && tenure_months === undefined) {
          throw fieldError("principal", "send principal, tenure_months or both", "required");
        }
        const editor = callerOf(ctx).id;
        const key = writeKey(ctx);
        const request_key = key.key;
        return this.lockedUpdate(ctx, ctx.params.id, "loan.updated", key, async (row, transaction) => {
          const current = row.get({ plain: true });
          if (current.agent_id !== editor) throw new ForbiddenError("only the agent who requested this loan may edit it");
          if (await this.versions().count({ where: { loan_id: current.id, request_key }, transaction })) return false; // already done
          assertNew(current, "edit");
          const terms = loanTerms(principal === undefined ? current.principal : parsePrincipal(principal), tenure_months ?? current.tenure_months, this.config.rateTable);
          // The version being replaced goes to the history in the same transaction.
          await this.versions().create(
            {
              loan_id: current.id,
              version: current.version,
              principal: current.principal,
              interest_rate: current.interest_rate,
              tenure_months: current.tenure_months,
              emi: current.emi,
              status: current.status,
              edited_by: editor,
              edited_at: new Date(),
              request_key,
            },
            { transaction },
          );
          await row.update({ ...terms, version: current.version + 1 }, { transaction });
          return true;
        });
      },
    },

    decide: {
      access: ["admin"],
      params: { id: idParam, status: { type: "enum", values: ["APPROVED", "REJECTED"] } },
      async handler(this: LoansThis, ctx: Ctx<"loans.decide">): Promise<ActionResult<"loans.decide">> {
        const admin = callerOf(ctx).id;
        const key = writeKey(ctx);
        const decision_key = key.key;
        return this.lockedUpdate(ctx, ctx.params.id, "loan.decided", key, async (row, transaction) => {
          if (row.get("decision_key") === decision_key) return false; // this very decision, retried
          assertNew(row.get({ plain: true }), "decide");
          await row.update({ status: ctx.params.status, decided_by: admin, decided_at: new Date(), decision_key }, { transaction });
          return true;
        });
      },
    },

    details: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam },
      async handler(this: LoansThis, ctx: Ctx<"loans.details">): Promise<ActionResult<"loans.details">> {
        return toLoan(await this.findVisible(ctx.params.id, callerOf(ctx)), todayOf(this.clock));
      },
    },

    history: {
      access: ["admin", "agent", "customer"],
      params: { id: idParam },
      async handler(this: LoansThis, ctx: Ctx<"loans.details">): Promise<ActionResult<"loans.history">> {
        const loan = await this.findVisible(ctx.params.id, callerOf(ctx));
        const rows = await this.versions().findAll({ where: { loan_id: loan.id }, order: [["version", "ASC"]] });
        return { rows: rows.map((r) => toLoanVersion(r.get({ plain: true }))) };
      },
    },

    listAll: {
      access: ["admin", "agent"],
      // Cleared on every loan write (see `clearLists`), so a read after a write is fresh.
      cache: { keys: ["status", "overdue", "as_of", "page", "pageSize"] },
      params: { ...pageParams, ...listFilters },
      handler(this: LoansThis, ctx: Ctx<"loans.listAll">): Promise<ActionResult<"loans.listAll">> {
        const { status, overdue } = ctx.params;
        return this.listLoans({ status, overdue }, ctx.params);
      },
    },

    listMine: {
      access: ["customer"],
      cache: { keys: ["#user.id", "status", "overdue", "as_of", "page", "pageSize"] },
      params: { ...pageParams, ...listFilters },
      handler(this: LoansThis, ctx: Ctx<"loans.listAll">): Promise<ActionResult<"loans.listMine">> {
        const { status, overdue } = ctx.params;
        return this.listLoans({ customer_id: callerOf(ctx).id, status, overdue }, ctx.params);
      },
    },
  },

  events: {
    // Every loans instance (this one included) drops the lists a write changed: those of the
    // payload's customer and the admin/agent lists; all of them without a customer id.
    [LOANS_CACHE_EVENT](this: LoansThis, ctx: Context<{ customer_id?: unknown } | null | undefined>) {
      return this.broker.cacher?.clean(listCachePatterns(ctx.params?.customer_id));
    },
  },

  methods: {
    versions(this: LoansThis): ModelStatic<LoanVersionModel> {
      return this.adapter.db.models.loanVersion as ModelStatic<LoanVersionModel>;
    },

    async findVisible(this: LoansThis, id: number, caller: AuthUser): Promise<LoanRow> {
      const found = await this.model.findByPk(id);
      if (!found) throw new NotFoundError("loan", id);
      const loan = found.get({ plain: true });
      if (caller.role === "customer" && loan.customer_id !== caller.id) throw new ForbiddenError("this loan belongs to another customer");
      return loan;
    },

    /**
     * Claims the write's key (write-key.ts), then runs `change` on the loan's row under FOR
     * UPDATE and, when it changed something, publishes `event` with the loan before and
     * after, in the same transaction; answers the loan after. `change` answers false only
     * for a retry of work its key already did: that answer is marked replayed. Clears the
     * loan's customer's lists and the admin/agent lists, whatever the outcome (a failed
     * COMMIT may still have committed).
     */
    async lockedUpdate(this: LoansThis, ctx: AppContext, id: number, event: LoanChangeEvent, key: WriteKey, change: (loan: LoanModel, t: Transaction) => Promise<boolean>): Promise<Loan> {
      let customerId: number | undefined;
      const db = this.adapter.db;
      return this.outbox.transaction(ctx, async (transaction, publish) => {
        await claimWriteKey((text, values) => db.query<{ fingerprint: string }>(text, { bind: values, transaction, type: QueryTypes.SELECT }), key);
        const row = await this.model.findByPk(id, { transaction, lock: Transaction.LOCK.UPDATE });
        if (!row) throw new NotFoundError("loan", id);
        customerId = row.getDataValue("customer_id");
        const today = todayOf(this.clock);
        const before = toLoan(row.get({ plain: true }), today);
        const changed = await change(row, transaction);
        const loan = toLoan(row.get({ plain: true }), today);
        if (changed) publish(event, { actor_id: callerOf(ctx).id, before, loan });
        else markReplayed(ctx);
        return loan;
      }).finally(() => this.clearLists(customerId));
    },

    /**
     * Clears, here and (by the broadcast) on every other loans instance, the cached lists a
     * write to a loan of `customerId` changed; every list when the customer is not known.
     * Awaits this instance's own cleaning, so the caller's next read here is fresh.
     */
    async clearLists(this: LoansThis, customerId?: number): Promise<void> {
      const payload = customerId === undefined ? undefined : { customer_id: customerId };
      this.broker.broadcast(LOANS_CACHE_EVENT, payload).catch((err: unknown) => this.logger.warn("cache clean broadcast failed:", err));
      await this.broker.cacher?.clean(listCachePatterns(customerId));
    },

    /** From the trigger-kept counts (migration 0002), not COUNT(*) over every loan. */
    async countByStatus(this: LoansThis, status?: LoanStatus): Promise<number> {
      const [row] = await selectRows<{ total: string | null }>(this.adapter.db, `SELECT sum(n) AS total FROM loan_counts${status ? " WHERE status = $1" : ""}`, status ? [status] : []);
      return Number(row?.total ?? 0);
    },

    /**
     * A page of loans; days past due as of `as_of` (default today), which `overdue` also uses.
     * Plain SQL (a hot read): the page and its total in one statement, or the page and its
     * count (trigger-kept, or a COUNT) side by side (`ListTotal` says which); rows go
     * straight to the contract's Loan.
     */
    async listLoans(this: LoansThis, filter: LoanListFilter, params: { page?: number; pageSize?: number; as_of?: string }): Promise<Page<Loan>> {
      const asOf = parseAsOf(params.as_of, todayOf(this.clock));
      const window = pageWindow(params);
      const plan = listPlan(filter, asOf, window);
      if (!plan) return toPage([], 0, window);
      const db = this.adapter.db;
      const [rows, counted] = await Promise.all([
        selectRows<LoanListRow>(db, plan.page.text, plan.page.values),
        plan.total === "status" ? this.countByStatus(filter.status) : plan.total === "count" ? this.countWhere(plan) : undefined,
      ]);
      const total = counted ?? (rows[0] ? Number(rows[0].total) : await this.countWhere(plan));
      return toPage(rows.map((r) => toLoan(r, asOf)), total, window);
    },

    /** The list's total by a COUNT of its own (also for a page past the end: no row carries it). */
    async countWhere(this: LoansThis, plan: LoanListPlan): Promise<number> {
      const [row] = await selectRows<{ total: string }>(this.adapter.db, plan.count.text, plan.count.values);
      return Number(row?.total ?? 0);
    },
  },

  created(this: LoansThis) {
    this.config = loadConfig();
    // The node's clock comes in the settings (services/shared/node.ts); the machine's otherwise.
    this.clock = (this.settings as { clock?: Clock }).clock ?? systemClock;
  },
});

export default LoansService;
