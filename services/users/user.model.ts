/** The users table, as the users service (and only it) sees it. */
import { DataTypes, Model, type ModelStatic, type Sequelize } from "sequelize";
import type { User } from "../../sdk/contracts.js";

/** A user as stored: the contract's User, its password hash, and Date timestamps. */
export type UserRow = Omit<User, "created_at" | "updated_at"> & { password_hash: string; created_at: Date; updated_at: Date };

export type NewUserRow = Omit<UserRow, "id" | "created_at" | "updated_at">;

export class UserModel extends Model<UserRow, NewUserRow> {}

/** Defined per Sequelize instance: tests run several brokers, each on its own database. */
export function defineUserModel(sequelize: Sequelize): ModelStatic<UserModel> {
  return sequelize.define<UserModel>(
    "user",
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: DataTypes.STRING(254), allowNull: false },
      password_hash: { type: DataTypes.STRING(100), allowNull: false },
      first_name: { type: DataTypes.STRING(100), allowNull: false },
      last_name: { type: DataTypes.STRING(100), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      is_approved: { type: DataTypes.BOOLEAN, allowNull: false },
      created_at: { type: DataTypes.DATE, allowNull: false },
      updated_at: { type: DataTypes.DATE, allowNull: false },
    },
    { tableName: "users" },
  );
}
