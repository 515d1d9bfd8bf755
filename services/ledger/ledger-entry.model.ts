/** The ledger_entries table as a Sequelize model: what moleculer-db's adapter and the REPL's read actions need. The ledger writes through its repository only. */
import { DataTypes, Model, type ModelStatic, type Sequelize } from "sequelize";

export class LedgerEntryModel extends Model {}

/** Defined per Sequelize instance: tests run several brokers, each on its own database. */
export function defineLedgerModel(sequelize: Sequelize): ModelStatic<LedgerEntryModel> {
  return sequelize.define<LedgerEntryModel>(
    "ledgerEntry",
    {
      id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
      source: { type: DataTypes.STRING(32), allowNull: false },
      event_id: { type: DataTypes.BIGINT, allowNull: false },
      seq: { type: DataTypes.SMALLINT, allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      loan_id: { type: DataTypes.INTEGER, allowNull: false },
      transaction_id: { type: DataTypes.BIGINT, allowNull: true },
      value_date: { type: DataTypes.DATEONLY, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
    },
    { tableName: "ledger_entries", timestamps: false },
  );
}
