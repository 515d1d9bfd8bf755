/** The repayments table, as the loans service (and only it) sees it. */
import { DataTypes, Model, type ModelAttributes, type ModelStatic, type Sequelize } from "sequelize";
import type { Repayment } from "../../sdk/contracts.js";

/** A repayment as stored: BIGSERIAL id (pg answers a string), Date timestamp, its write key. */
export type RepaymentRow = Omit<Repayment, "id" | "created_at"> & { id: string | number; created_at: Date; request_key: string | null };
export type NewRepaymentRow = Omit<RepaymentRow, "id" | "created_at">;

export class RepaymentModel extends Model<RepaymentRow, NewRepaymentRow> {}

const money = () => ({ type: DataTypes.DECIMAL(14, 2), allowNull: false });

/** The repayments table's columns, defined once: the model's attributes and the repository's SELECT and INSERT lists. */
const REPAYMENT_ATTRIBUTES = {
  id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
  loan_id: { type: DataTypes.INTEGER, allowNull: false },
  amount: money(),
  principal_part: money(),
  interest_part: money(),
  allocation: { type: DataTypes.JSONB, allowNull: false },
  paid_on: { type: DataTypes.DATEONLY, allowNull: false },
  recorded_by: { type: DataTypes.INTEGER, allowNull: false },
  request_key: { type: DataTypes.STRING(200), allowNull: true },
  created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
} satisfies ModelAttributes<RepaymentModel, RepaymentRow>;

/** Every column of a repayment's row, in the table's order; a new one is inserted with all but `id`. */
export const REPAYMENT_COLUMNS = Object.keys(REPAYMENT_ATTRIBUTES) as (keyof RepaymentRow)[];

export function defineRepaymentModel(sequelize: Sequelize): ModelStatic<RepaymentModel> {
  return sequelize.define<RepaymentModel>("repayment", REPAYMENT_ATTRIBUTES, { tableName: "repayments", timestamps: false });
}

export function toRepayment(row: RepaymentRow): Repayment {
  return {
    id: Number(row.id),
    loan_id: row.loan_id,
    amount: row.amount,
    principal_part: row.principal_part,
    interest_part: row.interest_part,
    paid_on: row.paid_on,
    recorded_by: row.recorded_by,
    created_at: new Date(row.created_at).toISOString(),
    allocation: row.allocation,
  };
}
