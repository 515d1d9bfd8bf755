/** The loan_transactions table (migration 0009), as the loans service (and only it) sees it. */
import { DataTypes, Model, type ModelAttributes, type ModelStatic, type Sequelize } from "sequelize";
import type { InstallmentAllocation, LoanTransaction, Repayment } from "../../sdk/contracts.js";

/**
 * A transaction as stored: the contract's LoanTransaction with BIGSERIAL ids (pg answers
 * strings), Date timestamps, a repayment's allocation and the write keys.
 */
export type TransactionRow = Omit<LoanTransaction, "id" | "charge_id" | "created_at" | "reversed_at"> & {
  id: string | number;
  charge_id: string | number | null;
  created_at: Date;
  reversed_at: Date | null;
  /** REPAYMENT: what it pays of each installment, as of the latest replay; [] for the others. */
  allocation: InstallmentAllocation[];
  request_key: string | null;
  reversal_key: string | null;
};
export type NewTransactionRow = Omit<TransactionRow, "id">;

export class TransactionModel extends Model<TransactionRow, NewTransactionRow> {}

const money = () => ({ type: DataTypes.DECIMAL(14, 2), allowNull: false });

/** The table's columns, defined once: the model's attributes and the repository's SELECT and INSERT lists. */
const TRANSACTION_ATTRIBUTES = {
  id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
  loan_id: { type: DataTypes.INTEGER, allowNull: false },
  type: { type: DataTypes.STRING(16), allowNull: false },
  amount: money(),
  principal_part: money(),
  interest_part: money(),
  fee_part: money(),
  penalty_part: money(),
  allocation: { type: DataTypes.JSONB, allowNull: false },
  value_date: { type: DataTypes.DATEONLY, allowNull: false },
  installment_number: { type: DataTypes.INTEGER, allowNull: true },
  charge_id: { type: DataTypes.BIGINT, allowNull: true },
  recorded_by: { type: DataTypes.INTEGER, allowNull: true },
  reason: { type: DataTypes.STRING(500), allowNull: true },
  request_key: { type: DataTypes.STRING(200), allowNull: true },
  created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
  reversed: { type: DataTypes.BOOLEAN, allowNull: false },
  reversed_at: { type: DataTypes.DATE, allowNull: true },
  reversed_by: { type: DataTypes.INTEGER, allowNull: true },
  reversal_reason: { type: DataTypes.STRING(500), allowNull: true },
  reversal_key: { type: DataTypes.STRING(200), allowNull: true },
} satisfies ModelAttributes<TransactionModel, TransactionRow>;

/** Every column of a transaction's row, in the table's order; a new one is inserted with all but `id`. */
export const TRANSACTION_COLUMNS = Object.keys(TRANSACTION_ATTRIBUTES) as (keyof TransactionRow)[];

export function defineTransactionModel(sequelize: Sequelize): ModelStatic<TransactionModel> {
  return sequelize.define<TransactionModel>("loanTransaction", TRANSACTION_ATTRIBUTES, { tableName: "loan_transactions", timestamps: false });
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toTransaction(row: TransactionRow): LoanTransaction {
  return {
    id: Number(row.id),
    loan_id: row.loan_id,
    type: row.type,
    amount: row.amount,
    principal_part: row.principal_part,
    interest_part: row.interest_part,
    fee_part: row.fee_part,
    penalty_part: row.penalty_part,
    value_date: row.value_date,
    installment_number: row.installment_number,
    charge_id: row.charge_id === null ? null : Number(row.charge_id),
    created_at: iso(row.created_at)!,
    recorded_by: row.recorded_by,
    reason: row.reason,
    reversed: row.reversed,
    reversed_at: iso(row.reversed_at),
    reversed_by: row.reversed_by,
    reversal_reason: row.reversal_reason,
  };
}

/** A REPAYMENT transaction as the repayment endpoints show it. */
export function toRepayment(row: TransactionRow): Repayment {
  return {
    id: Number(row.id),
    loan_id: row.loan_id,
    amount: row.amount,
    principal_part: row.principal_part,
    interest_part: row.interest_part,
    fee_part: row.fee_part,
    penalty_part: row.penalty_part,
    paid_on: row.value_date,
    recorded_by: row.recorded_by!,
    created_at: iso(row.created_at)!,
    allocation: row.allocation,
    reversed: row.reversed,
  };
}
