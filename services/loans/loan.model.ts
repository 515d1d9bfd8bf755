/** The loans and loan_versions tables, as the loans service (and only it) sees them. */
import { DataTypes, Model, type ModelStatic, type Sequelize } from "sequelize";
import type { Loan, LoanVersion, Money } from "../../sdk/contracts.js";
import { defineRepaymentModel, type RepaymentModel } from "./repayment.model.js";

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
};
/** Set by disbursement and repayments, never at creation. */
type ServicingColumns = "disbursed_on" | "disbursed_by" | "disbursement_key" | "closed_at" | "total_interest" | "outstanding_principal" | "outstanding_interest" | "next_due_date";
export type NewLoanRow = Omit<LoanRow, "id" | "created_at" | "updated_at" | "decided_by" | "decided_at" | "decision_key" | ServicingColumns>;

export type LoanVersionRow = Omit<LoanVersion, "edited_at"> & { id: number; loan_id: number; edited_at: Date; request_key: string | null };
export type NewLoanVersionRow = Omit<LoanVersionRow, "id">;

export class LoanModel extends Model<LoanRow, NewLoanRow> {}
export class LoanVersionModel extends Model<LoanVersionRow, NewLoanVersionRow> {}

export interface LoanModels {
  Loan: ModelStatic<LoanModel>;
  LoanVersion: ModelStatic<LoanVersionModel>;
  Repayment: ModelStatic<RepaymentModel>;
}

const money = () => ({ type: DataTypes.DECIMAL(14, 2), allowNull: false });
const rate = () => ({ type: DataTypes.DECIMAL(5, 2), allowNull: false });

/** Defined per Sequelize instance: tests run several brokers, each on its own database. */
export function defineLoanModels(sequelize: Sequelize): LoanModels {
  const Loan = sequelize.define<LoanModel>(
    "loan",
    {
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
      next_due_date: { type: DataTypes.DATEONLY, allowNull: true },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { tableName: "loans" },
  );
  const LoanVersion = sequelize.define<LoanVersionModel>(
    "loanVersion",
    {
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
    },
    { tableName: "loan_versions", timestamps: false },
  );
  return { Loan, LoanVersion, Repayment: defineRepaymentModel(sequelize) };
}
