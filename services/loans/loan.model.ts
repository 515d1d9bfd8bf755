/** The loans and loan_versions tables, as the loans service (and only it) sees them. */
import { DataTypes, Model, type ModelAttributes, type ModelStatic, type Sequelize } from "sequelize";
import type { Loan, LoanVersion, Money, ProductTerms } from "../../sdk/contracts.js";
import { defineTransactionModel, type TransactionModel } from "./transaction.model.js";

/**
 * A loan as stored: the contract's Loan, with the database's own Date timestamps; its
 * days past due are not stored but computed as of a date (loan-view.ts).
 */
export type LoanRow = Omit<Loan, "decided_at" | "created_at" | "updated_at" | "closed_at" | "days_past_due"> & {
  decided_at: Date | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  /** The write key of the request that created it, and of the ones that decided and disbursed it. */
  request_key: string | null;
  decision_key: string | null;
  disbursement_key: string | null;
  disbursed_by: number | null;
  /** The schedule's interest, fixed at disbursement: with the outstanding figures, what was paid. */
  total_interest: Money | null;
  /** WRITTEN_OFF: what its write-off took of the principal, and its date. */
  written_off_principal: Money | null;
  written_off_on: string | null;
  /** ACTIVE with a penalty rule: when close of business next has a penalty to decide (loan-book.ts); else null. */
  next_penalty_date: string | null;
  /** The copy of its product's terms, taken at request and at each edit; null for loans made before products. */
  product_terms: ProductTerms | null;
};

export type LoanVersionRow = Omit<LoanVersion, "edited_at"> & { id: number; loan_id: number; edited_at: Date; request_key: string | null };
export type NewLoanVersionRow = Omit<LoanVersionRow, "id">;

export class LoanModel extends Model<LoanRow, NewLoan> {}
export class LoanVersionModel extends Model<LoanVersionRow, NewLoanVersionRow> {}

export interface LoanModels {
  Loan: ModelStatic<LoanModel>;
  LoanVersion: ModelStatic<LoanVersionModel>;
  LoanTransaction: ModelStatic<TransactionModel>;
}

const money = () => ({ type: DataTypes.DECIMAL(14, 2), allowNull: false });
const rate = () => ({ type: DataTypes.DECIMAL(5, 2), allowNull: false });

/**
 * The loans table's columns, defined once: the model's attributes; the SELECT lists of the
 * repository's plain-SQL reads (`LOAN_COLUMNS`); the row a new loan is (`NEW_LOAN_COLUMNS`).
 */
const LOAN_ATTRIBUTES = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  customer_id: { type: DataTypes.INTEGER, allowNull: false },
  agent_id: { type: DataTypes.INTEGER, allowNull: false },
  principal: money(),
  interest_rate: rate(),
  tenure_months: { type: DataTypes.INTEGER, allowNull: false },
  emi: money(),
  status: { type: DataTypes.STRING(16), allowNull: false },
  version: { type: DataTypes.INTEGER, allowNull: false },
  decided_by: { type: DataTypes.INTEGER, allowNull: true },
  decided_at: { type: DataTypes.DATE, allowNull: true },
  request_key: { type: DataTypes.STRING(200), allowNull: true },
  decision_key: { type: DataTypes.STRING(200), allowNull: true },
  disbursed_on: { type: DataTypes.DATEONLY, allowNull: true },
  disbursed_by: { type: DataTypes.INTEGER, allowNull: true },
  disbursement_key: { type: DataTypes.STRING(200), allowNull: true },
  closed_at: { type: DataTypes.DATE, allowNull: true },
  total_interest: { type: DataTypes.DECIMAL(14, 2), allowNull: true },
  outstanding_principal: { type: DataTypes.DECIMAL(14, 2), allowNull: true },
  outstanding_interest: { type: DataTypes.DECIMAL(14, 2), allowNull: true },
  outstanding_fee: { type: DataTypes.DECIMAL(14, 2), allowNull: true },
  outstanding_penalty: { type: DataTypes.DECIMAL(14, 2), allowNull: true },
  written_off_principal: { type: DataTypes.DECIMAL(14, 2), allowNull: true },
  written_off_on: { type: DataTypes.DATEONLY, allowNull: true },
  next_penalty_date: { type: DataTypes.DATEONLY, allowNull: true },
  next_due_date: { type: DataTypes.DATEONLY, allowNull: true },
  product_code: { type: DataTypes.STRING(32), allowNull: false },
  product_terms: { type: DataTypes.JSONB, allowNull: true },
  disbursement_fee: money(),
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
} satisfies ModelAttributes<LoanModel, LoanRow>;

/** Every column of a loan's row, in the table's order. */
export const LOAN_COLUMNS = Object.keys(LOAN_ATTRIBUTES) as (keyof LoanRow)[];

/** The columns a new loan is inserted with; the others are null (the database's defaults) until a decision or servicing sets them. */
export const NEW_LOAN_COLUMNS = [
  "customer_id",
  "agent_id",
  "principal",
  "interest_rate",
  "tenure_months",
  "emi",
  "status",
  "version",
  "request_key",
  "product_code",
  "product_terms",
  "disbursement_fee",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof LoanRow)[];
export type NewLoan = Pick<LoanRow, (typeof NEW_LOAN_COLUMNS)[number]>;

/** The columns a new loan's row has null. */
type UnsetAtCreation = Exclude<keyof LoanRow, keyof NewLoan | "id">;
const UNSET_AT_CREATION = Object.fromEntries(LOAN_COLUMNS.filter((c) => c !== "id" && !(NEW_LOAN_COLUMNS as readonly string[]).includes(c)).map((c) => [c, null])) as Record<UnsetAtCreation, null>;

/** The row a new loan has once inserted with `id`. */
export function createdLoanRow(loan: NewLoan, id: number): LoanRow {
  return { ...UNSET_AT_CREATION, ...loan, id };
}

const LOAN_VERSION_ATTRIBUTES = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  loan_id: { type: DataTypes.INTEGER, allowNull: false },
  version: { type: DataTypes.INTEGER, allowNull: false },
  principal: money(),
  interest_rate: rate(),
  tenure_months: { type: DataTypes.INTEGER, allowNull: false },
  emi: money(),
  status: { type: DataTypes.STRING(16), allowNull: false },
  edited_by: { type: DataTypes.INTEGER, allowNull: false },
  edited_at: { type: DataTypes.DATE, allowNull: false },
  request_key: { type: DataTypes.STRING(200), allowNull: true },
} satisfies ModelAttributes<LoanVersionModel, LoanVersionRow>;

/** Defined per Sequelize instance: tests run several brokers, each on its own database. */
export function defineLoanModels(sequelize: Sequelize): LoanModels {
  const Loan = sequelize.define<LoanModel>("loan", LOAN_ATTRIBUTES, { tableName: "loans" });
  const LoanVersion = sequelize.define<LoanVersionModel>("loanVersion", LOAN_VERSION_ATTRIBUTES, { tableName: "loan_versions", timestamps: false });
  return { Loan, LoanVersion, LoanTransaction: defineTransactionModel(sequelize) };
}
