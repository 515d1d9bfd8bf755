/**
 * loans: the loan lifecycle. Owns the loans database. Whether a customer exists is asked
 * of the users service; edits and decisions lock the loan's row, so concurrent commands
 * serialise: of two decisions one wins, and no edit loses a version. Its tables are read and
 * written through its repository (loans/loan-repository.ts), every write in a unit of work.
 */
import type { Context } from "moleculer";
import { LOAN_STATUSES, TENURE_MAX, TENURE_MIN, type ActionParams, type ActionResult, type AuthUser, type Loan, type Page } from "../sdk/contracts.js";
import { defineService } from "./shared/schema.js";
import { clockOf, configOf } from "./shared/deps.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { ForbiddenError, NotFoundError, fieldError } from "./shared/errors.js";
import { callerOf, type AppContext } from "./shared/context.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { dateParam, idParam } from "./shared/params.js";
import { LOANS_CACHE_EVENT, listCachePatterns, listPlan, type LoanListFilter } from "./loans/loan-lists.js";
import { todayOf } from "../domain/clock.js";
import { toCents } from "../domain/cents.js";
import { createdLoanRow, defineLoanModels, type LoanModel, type LoanRow } from "./loans/loan.model.js";
import { assertNew, parseAsOf, parsePrincipal } from "./loans/loan-rules.js";
import { LoanRepository } from "./loans/loan-repository.js";
import { JournalRepository } from "./loans/journal-repository.js";
import { transactions } from "./loans/transactions.js";
import { closeOfBusiness } from "./loans/close-of-business.js";
import { CobRepository } from "./loans/cob-repository.js";
import type { LoanChangeEvent, LoansThis, LoansVars, LockedChange } from "./loans/loans-this.js";
import { toLoan, toLoanVersion } from "./loans/loan-view.js";
import { loanMigrations } from "./loans/migrations.js";
import { servicing } from "./loans/servicing.js";
import { products } from "./loans/products.js";
import { productLoanTerms, resolveProductTerms } from "./loans/product-terms.js";
import { productCodeParam } from "./loans/product-rules.js";
import { AgentLimits } from "./loans/agent-limits.js";
import { agentLimitActions } from "./loans/agent-limit-actions.js";
import { ledgerFeed } from "./loans/ledger-feed.js";
import { markReplayed, writeKey, type WriteKey } from "./loans/write-key.js";

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

const LoansService = defineService<LoansVars & DbServiceThis<LoanModel>>({
  name: "loans",
  mixins: [
    ownDatabase({ urlVariable: "LOANS_DATABASE_URL", defineModels: (s) => defineLoanModels(s).Loan, migrations: loanMigrations, outbox: { source: "loans" } }),
    servicing,
    transactions,
    closeOfBusiness,
    products,
    agentLimitActions,
    ledgerFeed,
  ],

  actions: {
    request: {
      access: ["agent"],
      params: { customer_id: idParam, principal: principalParam, tenure_months: tenureParam, product_code: { ...productCodeParam, optional: true } },
      async handler(this: LoansThis, ctx: Ctx<"loans.request">): Promise<ActionResult<"loans.request">> {
        const product = await resolveProductTerms(this.productCache, ctx.params.product_code ?? undefined, "request");
        const terms = productLoanTerms(product, parsePrincipal(ctx.params.principal), ctx.params.tenure_months);
        const isCustomer: boolean = await ctx.call("users.isCustomer", { id: ctx.params.customer_id });
        if (!isCustomer) throw fieldError("customer_id", `user ${ctx.params.customer_id} is not a customer`, "customer");
        const agentId = callerOf(ctx).id;
        const key = writeKey(ctx);
        const request_key = key.key;
        // The agent's limit is locked and checked beside the loan (and a client's key claimed): one transaction.
        const loan = await this.unitOfWork.run(ctx, { plainSql: true }, async (work) => {
          const replayed = async () => {
            const done = await this.loans.byRequestKey(work, request_key);
            if (!done) throw new Error(`loan request ${request_key} conflicted on its key but no loan has it`);
            markReplayed(ctx);
            return toLoan(done, todayOf(this.clock));
          };
          if ((await this.loans.claimWriteKey(work, key)) === "replay") return replayed();
          await this.agentLimits.assertFits(work, agentId, terms.principal);
          const now = new Date();
          const row = { ...terms, customer_id: ctx.params.customer_id, agent_id: agentId, status: "NEW" as const, version: 1, request_key, created_at: now, updated_at: now };
          // The id comes from the insert: the stored event gets it in SQL, the answer and the live event below.
          const created = toLoan(createdLoanRow(row, 0), todayOf(this.clock));
          work.publish("loan.created", { actor_id: agentId, loan: created }, ["loan", "id"]);
          const id = await this.loans.insert(work, row);
          // A retry of a request that committed (or had, when the insert met its key).
          if (id === null) return replayed();
          created.id = id;
          return created;
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
        return this.lockedUpdate(ctx, ctx.params.id, "loan.updated", key, async (current, work) => {
          if (current.agent_id !== editor) throw new ForbiddenError("only the agent who requested this loan may edit it");
          if (await this.loans.hasVersionByKey(work, current.id, request_key)) return null; // already done
          assertNew(current, "edit");
          // The product's terms as they are now: copied again while the loan is NEW.
          const product = await resolveProductTerms(this.productCache, current.product_code, "edit");
          const terms = productLoanTerms(product, principal === undefined ? current.principal : parsePrincipal(principal), tenure_months ?? current.tenure_months);
          // A raised principal must fit the agent's limit (this loan's old principal left out of `used`).
          if (toCents(terms.principal) > toCents(current.principal)) await this.agentLimits.assertFits(work, current.agent_id, terms.principal, current.principal);
          // The version being replaced goes to the history in the same transaction.
          await this.loans.insertVersion(work, {
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
          });
          return { ...terms, version: current.version + 1 };
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
        return this.lockedUpdate(ctx, ctx.params.id, "loan.decided", key, (loan) => {
          if (loan.decision_key === decision_key) return null; // this very decision, retried
          assertNew(loan, "decide");
          return { status: ctx.params.status, decided_by: admin, decided_at: new Date(), decision_key };
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
        return { rows: (await this.loans.history(loan.id)).map(toLoanVersion) };
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
    async findVisible(this: LoansThis, id: number, caller: AuthUser): Promise<LoanRow> {
      const loan = await this.loans.find(id);
      if (!loan) throw new NotFoundError("loan", id);
      if (caller.role === "customer" && loan.customer_id !== caller.id) throw new ForbiddenError("this loan belongs to another customer");
      return loan;
    },

    /**
     * Claims the write's key (write-key.ts), then runs `change` on the loan's row under FOR
     * UPDATE and, when it changes something, writes it and publishes `event` with the loan
     * before and after (one statement), in one unit of work; answers the loan after. `change`
     * answers null only for a retry of work its key already did: that answer is marked
     * replayed. Clears the loan's customer's lists and the admin/agent lists, whatever the
     * outcome (a failed COMMIT may still have committed).
     */
    async lockedUpdate(this: LoansThis, ctx: AppContext, id: number, event: LoanChangeEvent, key: WriteKey, change: LockedChange): Promise<Loan> {
      let customerId: number | undefined;
      return this.unitOfWork
        .run(ctx, async (work) => {
          await this.loans.claimWriteKey(work, key);
          const current = await this.loans.lock(work, id);
          if (!current) throw new NotFoundError("loan", id);
          customerId = current.customer_id;
          const today = todayOf(this.clock);
          const changed = await change(current, work);
          if (!changed) {
            markReplayed(ctx);
            return toLoan(current, today);
          }
          const changes = { ...changed, updated_at: new Date() };
          const loan = toLoan({ ...current, ...changes }, today);
          work.publish(event, { actor_id: callerOf(ctx).id, before: toLoan(current, today), loan });
          await this.loans.update(work, id, changes);
          return loan;
        })
        .finally(() => this.clearLists(customerId));
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
      const [rows, counted] = await Promise.all([
        this.loans.page(plan),
        plan.total === "status" ? this.loans.countByStatus(filter.status) : plan.total === "count" ? this.loans.countWhere(plan) : undefined,
      ]);
      // A "window" page past the end: no row carries the total, a COUNT of its own does.
      const total = counted ?? (rows[0] ? Number(rows[0].total) : await this.loans.countWhere(plan));
      return toPage(
        rows.map((r) => toLoan(r, asOf)),
        total,
        window,
      );
    },
  },

  created(this: LoansThis) {
    this.config = configOf(this);
    this.clock = clockOf(this);
  },

  // After the database mixin's `started` connected (the mixins' handlers run first).
  async started(this: LoansThis) {
    this.loans = new LoanRepository(this.adapter.db);
    this.journal = new JournalRepository(this.adapter.db);
    this.cob = new CobRepository(this.adapter.db);
    this.scheduleCob();
    await this.startProducts();
    this.agentLimits = new AgentLimits(this.adapter.db, this.config.agentDefaultLimit);
  },
});

export default LoansService;
