/**
 * The users table, as the users service (and only it) sees it: its row, and its columns
 * defined once. The Sequelize model serves moleculer-db's read actions (`users.find`,
 * `users.get`, `users.count`: operators at the REPL); the service's own reads and writes go
 * through the repository (user-repository.ts), which takes its column list from here.
 */
import { DataTypes, Model, type ModelAttributes, type ModelStatic, type Sequelize } from "sequelize";
import type { User } from "../../sdk/contracts.js";
import { columnsOf } from "./columns.js";

/** A user as stored: the contract's User, its password hash, and Date timestamps. */
export type UserRow = Omit<User, "created_at" | "updated_at"> & { password_hash: string; created_at: Date; updated_at: Date };

export type NewUserRow = Omit<UserRow, "id" | "created_at" | "updated_at">;

export class UserModel extends Model<UserRow, NewUserRow> {}

/** Every column of `users` (migration 0001), each once: the compiler holds it to UserRow. */
const USER_ATTRIBUTES: ModelAttributes<UserModel, UserRow> = {
  id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
  email: { type: DataTypes.STRING(254), allowNull: false },
  password_hash: { type: DataTypes.STRING(100), allowNull: false },
  first_name: { type: DataTypes.STRING(100), allowNull: false },
  last_name: { type: DataTypes.STRING(100), allowNull: false },
  role: { type: DataTypes.STRING(16), allowNull: false },
  is_approved: { type: DataTypes.BOOLEAN, allowNull: false },
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
};

export const USER_COLUMNS = columnsOf<UserRow>(USER_ATTRIBUTES);

/** Defined per Sequelize instance: tests run several brokers, each on its own database. */
export function defineUserModel(sequelize: Sequelize): ModelStatic<UserModel> {
  return sequelize.define<UserModel>("user", USER_ATTRIBUTES, { tableName: "users" });
}
