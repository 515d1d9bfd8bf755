/** What `this` holds in the loans service's handlers, its own and its servicing mixin's. */
import type { Service } from "moleculer";
import type { AuthUser, Loan, Page } from "../../sdk/contracts.js";
import type { Clock } from "../../domain/clock.js";
import type { AppConfig } from "../shared/config.js";
import type { AppContext } from "../shared/context.js";
import type { DbServiceThis } from "../shared/db.js";
import type { Work } from "../shared/unit-of-work.js";
import type { LoanListFilter } from "./loan-lists.js";
import type { LoanChange, LoanRepository } from "./loan-repository.js";
import type { JournalRepository } from "./journal-repository.js";
import type { CobRepository } from "./cob-repository.js";
import type { AgentLimits } from "./agent-limits.js";
import type { LoanModel, LoanRow } from "./loan.model.js";
import type { ProductCache } from "./product-cache.js";
import type { ProductRepository } from "./product-repository.js";
import type { WriteKey } from "./write-key.js";

/** The events of a change made under the loan's row lock, with the loan before and after. */
export type LoanChangeEvent = "loan.updated" | "loan.decided" | "loan.disbursed";

/**
 * A change of a locked loan: the columns it sets, or null for a retry of work its key
 * already did. It may write more in the work (an edit's history row).
 */
export type LockedChange = (loan: LoanRow, work: Work) => Promise<LockedChangeColumns> | LockedChangeColumns;
type LockedChangeColumns = Omit<LoanChange, "updated_at"> | null;

export interface LoansVars {
  config: AppConfig;
  /** The loans database's tables (loan-repository.ts), once the service started. */
  loans: LoanRepository;
  /** The loans' transactions (journal-repository.ts), once the service started. */
  journal: JournalRepository;
  /** Close of business's runs and batches (cob-repository.ts), once the service started. */
  cob: CobRepository;
  /** Arms the daily close of business at COB_AT (close-of-business.ts). */
  scheduleCob(): void;
  /** The agents' lending limits (agent-limits.ts), once the service started. */
  agentLimits: AgentLimits;
  /** Where "today" comes from (the node's clock, deps.ts); handlers pass `todayOf(this.clock)` down. */
  clock: Clock;
  findVisible(id: number, caller: AuthUser): Promise<LoanRow>;
  lockedUpdate(ctx: AppContext, id: number, event: LoanChangeEvent, key: WriteKey, change: LockedChange): Promise<Loan>;
  listLoans(filter: LoanListFilter, params: { page?: number; pageSize?: number; as_of?: string }): Promise<Page<Loan>>;
  /** The products table (products.ts), and the products as the request path reads them, once the service started. */
  products: ProductRepository;
  productCache: ProductCache;
  startProducts(): Promise<void>;
  /** Cleans the lists a write to a loan of `customerId` changed, here and on every instance. */
  clearLists(customerId?: number): Promise<void>;
}
export type LoansThis = Service & LoansVars & DbServiceThis<LoanModel>;
