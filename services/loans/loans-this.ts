/** What `this` holds in the loans service's handlers, its own and its servicing mixin's. */
import type { Service } from "moleculer";
import type { ModelStatic, Transaction } from "sequelize";
import type { AuthUser, Loan, LoanStatus, Page } from "../../sdk/contracts.js";
import type { Clock } from "../../domain/clock.js";
import type { AppConfig } from "../shared/config.js";
import type { AppContext } from "../shared/context.js";
import type { DbServiceThis } from "../shared/db.js";
import type { LoanListFilter, LoanListPlan } from "./loan-lists.js";
import type { LoanModel, LoanRow, LoanVersionModel } from "./loan.model.js";
import type { WriteKey } from "./write-key.js";

/** The events of a change made under the loan's row lock, with the loan before and after. */
export type LoanChangeEvent = "loan.updated" | "loan.decided" | "loan.disbursed";

export interface LoansVars {
  config: AppConfig;
  /** Where "today" comes from (the node's clock, node.ts); handlers pass `todayOf(this.clock)` down. */
  clock: Clock;
  versions(): ModelStatic<LoanVersionModel>;
  findVisible(id: number, caller: AuthUser): Promise<LoanRow>;
  lockedUpdate(ctx: AppContext, id: number, event: LoanChangeEvent, key: WriteKey, change: (loan: LoanModel, t: Transaction) => Promise<boolean>): Promise<Loan>;
  listLoans(filter: LoanListFilter, params: { page?: number; pageSize?: number; as_of?: string }): Promise<Page<Loan>>;
  countByStatus(status?: LoanStatus): Promise<number>;
  countWhere(plan: LoanListPlan): Promise<number>;
  /** moleculer-db: cleans this service's cache here and broadcasts `cache.clean.loans`. */
  clearCache(): Promise<void>;
  /** Cleans the lists a write to a loan of `customerId` changed, here and on every instance. */
  clearLists(customerId?: number): Promise<void>;
}
export type LoansThis = Service & LoansVars & DbServiceThis<LoanModel>;
