/**
 * loans: the loan lifecycle. Owns the loans database. Whether a customer exists is asked
 * of the users service; edits and decisions lock the loan's row, so concurrent commands
 * serialise: of two decisions one wins, and no edit loses a version.
 */
import type { Service } from "moleculer";
import { QueryTypes, Transaction, type ModelStatic, type WhereOptions } from "sequelize";
import { LOAN_STATUSES, TENURE_MAX, TENURE_MIN, type ActionParams, type ActionResult, type AuthUser, type Loan, type LoanStatus, type Page } from "../sdk/contracts.js";
import { defineService } from "./shared/schema.js";
import { loadConfig, type AppConfig } from "./shared/config.js";
import { ownDatabase, type DbServiceThis } from "./shared/db.js";
import { ForbiddenError, NotFoundError, fieldError } from "./shared/errors.js";
import { callerOf, type AppContext } from "./shared/context.js";
import { pageParams, pageWindow, toPage } from "./shared/pagination.js";
import { idParam } from "./shared/params.js";
import { loanTerms } from "./loans/loan-math.js";
import { defineLoanModels, type LoanModel, type LoanRow, type LoanVersionModel } from "./loans/loan.model.js";
import { assertNew, parsePrincipal } from "./loans/loan-rules.js";
import { toLoan, toLoanVersion } from "./loans/loan-view.js";
import { loanMigrations } from "./loans/migrations.js";

interface LoansVars {
  config: AppConfig;
  versions(): ModelStatic<LoanVersionModel>;
  findVisible(id: number, caller: AuthUser): Promise<LoanRow>;
  lockedUpdate(ctx: AppContext, id: number, event: "loan.updated" | "loan.decided", change: (loan: LoanModel, t: Transaction) => Promise<boolean>): Promise<Loan>;
  listWhere(filter: WhereOptions<LoanRow>, params: { page?: number; pageSize?: number }): Promise<Page<Loan>>;
  countByStatus(status?: LoanStatus): Promise<number>;
  /** moleculer-db: cleans this service's cache here and broadcasts `cache.clean.loans`. */
  clearCache(): Promise<void>;
}
type LoansThis = Service & LoansVars & DbServiceThis<LoanModel>;

type Ctx<A extends "loans.request" | "loans.edit" | "loans.decide" | "loans.details" | "loans.listAll"> = AppContext<ActionParams<A>>;

/**
 * The identity of a write request: the client's Idempotency-Key (per caller) when it sent
 * one, else the gateway's request id, which Moleculer keeps across retries of the call.
 */
function writeKey(ctx: AppContext): string {
  const key = ctx.meta.idempotencyKey;
  return key ? `client:${callerOf(ctx).id}:${key}` : `request:${ctx.requestID}`;
}

const principalParam = [
  { type: "string", pattern: /^\s*\d+(\.\d+)?\s*$/, messages: { stringPattern: "principal must be a decimal amount like 250000.00" } },
  { type: "number", positive: true },
] as const;
const tenureParam = { type: "number", integer: true, min: TENURE_MIN, max: TENURE_MAX, convert: true } as const;
const statusFilter = { type: "enum", values: [...LOAN_STATUSES], optional: true } as const;

const LoansService = defineService<LoansVars & DbServiceThis<LoanModel>>({
  name: "loans",
  mixins: [ownDatabase({ urlVariable: "LOANS_DATABASE_URL", defineModels: (s) => defineLoanModels(s).Loan, migrations: loanMigrations, outbox: { source: "loans" } })],

  actions: {
    request: {
      access: ["agent"],
      params: { customer_id: idParam, principal: principalParam, tenure_months: tenureParam },
      async handler(this: LoansThis, ctx: Ctx<"loans.request">): Promise<ActionResult<"loans.request">> {
        const terms = loanTerms(parsePrincipal(ctx.params.principal), ctx.params.tenure_months, this.config.rateTable);
        const isCustomer: boolean = await ctx.call("users.isCustomer", { id: ctx.params.customer_id });
        if (!isCustomer) throw fieldError("customer_id", `user ${ctx.params.customer_id} is not a customer`, "customer");
        const agentId = callerOf(ctx).id;
        const request_key = writeKey(ctx);
        const loan = await this.outbox.transaction(ctx, async (transaction, publish) => {
          const done = await this.model.findOne({ where: { request_key }, transaction });
          if (done) return toLoan(done.get({ plain: true })); // a retry of a request that committed
          const row = await this.model.create({ ...terms, customer_id: ctx.params.customer_id, agent_id: agentId, status: "NEW", version: 1, request_key }, { transaction });
          const created = toLoan(row.get({ plain: true }));
          publish("loan.created", { actor_id: agentId, loan: created });
          return created;
        });
        await this.clearCache();
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
        const request_key = writeKey(ctx);
        return this.lockedUpdate(ctx, ctx.params.id, "loan.updated", async (row, transaction) => {
          const current = row.get({ plain: true });
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
        const decision_key = writeKey(ctx);
        return this.lockedUpdate(ctx, ctx.params.id, "loan.decided", async (row, transaction) => {
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
        return toLoan(await this.findVisible(ctx.params.id, callerOf(ctx)));
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
      // Cleared on every loan write (see `afterWrite`), so a read after a write is fresh.
      cache: { keys: ["status", "page", "pageSize"] },
      params: { ...pageParams, status: statusFilter },
      async handler(this: LoansThis, ctx: Ctx<"loans.listAll">): Promise<ActionResult<"loans.listAll">> {
        const { status } = ctx.params;
        const window = pageWindow(ctx.params);
        const [rows, total] = await Promise.all([
          this.model.findAll({ where: status ? { status } : {}, order: [["id", "DESC"]], limit: window.limit, offset: window.offset }),
          this.countByStatus(status),
        ]);
        return toPage(rows.map((r) => toLoan(r.get({ plain: true }))), total, window);
      },
    },

    listMine: {
      access: ["customer"],
      cache: { keys: ["#user.id", "status", "page", "pageSize"] },
      params: { ...pageParams, status: statusFilter },
      handler(this: LoansThis, ctx: Ctx<"loans.listAll">): Promise<ActionResult<"loans.listMine">> {
        const mine = { customer_id: callerOf(ctx).id };
        return this.listWhere(ctx.params.status ? { ...mine, status: ctx.params.status } : mine, ctx.params);
      },
    },
  },

  events: {
    // moleculer-db's clearCache() broadcasts this: every loans instance drops its cached lists.
    "cache.clean.loans"(this: LoansThis) {
      return this.broker.cacher?.clean("loans.**");
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
     * Runs `change` on the loan's row under FOR UPDATE and, when it changed something,
     * publishes `event` with the loan before and after, in the same transaction; answers
     * the loan after.
     */
    async lockedUpdate(this: LoansThis, ctx: AppContext, id: number, event: "loan.updated" | "loan.decided", change: (loan: LoanModel, t: Transaction) => Promise<boolean>): Promise<Loan> {
      return this.outbox.transaction(ctx, async (transaction, publish) => {
        const row = await this.model.findByPk(id, { transaction, lock: Transaction.LOCK.UPDATE });
        if (!row) throw new NotFoundError("loan", id);
        const before = toLoan(row.get({ plain: true }));
        const changed = await change(row, transaction);
        const loan = toLoan(row.get({ plain: true }));
        if (changed) publish(event, { actor_id: callerOf(ctx).id, before, loan });
        return loan;
      }).finally(() => this.clearCache());
    },

    /** From the trigger-kept counts (migration 0002), not COUNT(*) over every loan. */
    async countByStatus(this: LoansThis, status?: LoanStatus): Promise<number> {
      const [row] = await this.adapter.db.query<{ total: string | null }>(
        `SELECT sum(n) AS total FROM loan_counts${status ? " WHERE status = $1" : ""}`,
        { bind: status ? [status] : [], type: QueryTypes.SELECT },
      );
      return Number(row?.total ?? 0);
    },

    async listWhere(this: LoansThis, filter: WhereOptions<LoanRow>, params: { page?: number; pageSize?: number }): Promise<Page<Loan>> {
      const window = pageWindow(params);
      const { rows, count } = await this.model.findAndCountAll({ where: filter, order: [["id", "DESC"]], limit: window.limit, offset: window.offset });
      return toPage(rows.map((r) => toLoan(r.get({ plain: true }))), count, window);
    },
  },

  created(this: LoansThis) {
    this.config = loadConfig();
  },
});

export default LoansService;
