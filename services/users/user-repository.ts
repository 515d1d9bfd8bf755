/**
 * The users table's reads and writes: the only code of the service that touches it (but the
 * login's one statement, login-limit.ts, which finds a user and counts the attempt at once).
 * Reads run on the pool, each statement on its own (or in a unit of work, when given one);
 * writes run on the unit of work they are given, beside the events it stores.
 */
import type { Role } from "../../sdk/contracts.js";
import type { PageWindow } from "../shared/pagination.js";
import type { SqlClient } from "../shared/sql.js";
import type { StatementWork } from "../shared/unit-of-work.js";
import { selectList } from "./columns.js";
import { USER_COLUMNS, type NewUserRow, type UserRow } from "./user.model.js";

const ROW = selectList(USER_COLUMNS);

/** The users a list shows: every condition given must hold. */
export interface UserFilter {
  role?: Role;
  is_approved?: boolean;
}

/** A WHERE clause for `filter` (its values appended to `values`): one plain condition per field given, which the indexes match. */
function whereOf(filter: UserFilter, values: unknown[]): string {
  const conditions: string[] = [];
  if (filter.role !== undefined) conditions.push(`role = $${values.push(filter.role)}`);
  if (filter.is_approved !== undefined) conditions.push(`is_approved = $${values.push(filter.is_approved)}`);
  return conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
}

/**
 * `term` as a LIKE pattern that finds it anywhere: its own `%`, `_` and `\` stand for
 * themselves (the statement says ESCAPE '\'), lower-cased by the statement as the columns are.
 */
export function containsPattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * What a user search compares, each lower-cased: "first last" (which holds either name on its
 * own) and the email. The same expressions as the trigram indexes of migration 0005, so that
 * PostgreSQL can answer `LIKE '%…%'` from them rather than read every row.
 */
const SEARCHED = ["lower(first_name || ' ' || last_name)", "lower(email)"] as const;

export interface Statement {
  text: string;
  values: unknown[];
}

/** A user search's two statements, its page and its count (apart, so a test can EXPLAIN them). */
export function searchStatements(term: string, role: Role | undefined, window: PageWindow): { rows: Statement; count: Statement } {
  const values: unknown[] = [containsPattern(term)];
  const matches = SEARCHED.map((column) => `${column} LIKE lower($1) ESCAPE '\\'`).join(" OR ");
  const where = `WHERE (${matches})${role === undefined ? "" : ` AND role = $${values.push(role)}`}`;
  return {
    rows: {
      text: `SELECT ${ROW} FROM users ${where} ORDER BY lower(last_name), lower(first_name), id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      values: [...values, window.limit, window.offset],
    },
    count: { text: `SELECT count(*)::int AS n FROM users ${where}`, values },
  };
}

export class UserRepository {
  /** `pool`: statements on connections of the service's pool, each in autocommit. */
  constructor(private readonly pool: SqlClient) {}

  /** The user with this id (in `work`'s transaction when given). */
  async byId(id: number, work?: StatementWork): Promise<UserRow | null> {
    const [row] = await (work?.sql ?? this.pool).rows<UserRow>(`SELECT ${ROW} FROM users WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** The user with this id, if it has this role. */
  async withRole(id: number, role: Role): Promise<UserRow | null> {
    const [row] = await this.pool.rows<UserRow>(`SELECT ${ROW} FROM users WHERE id = $1 AND role = $2`, [id, role]);
    return row ?? null;
  }

  async exists(id: number): Promise<boolean> {
    return (await this.pool.rows("SELECT 1 FROM users WHERE id = $1", [id])).length > 0;
  }

  async hasRole(id: number, role: Role): Promise<boolean> {
    return (await this.pool.rows("SELECT 1 FROM users WHERE id = $1 AND role = $2", [id, role])).length > 0;
  }

  /** Whether any user has this role (the bootstrap admin is made when there is no admin). */
  async anyWithRole(role: Role): Promise<boolean> {
    return (await this.pool.rows("SELECT 1 FROM users WHERE role = $1 LIMIT 1", [role])).length > 0;
  }

  /** A page of the users that match, by id; and how many match in all. */
  async page(filter: UserFilter, window: PageWindow): Promise<{ rows: UserRow[]; total: number }> {
    const values: unknown[] = [];
    const where = whereOf(filter, values);
    const [rows, [count]] = await Promise.all([
      this.pool.rows<UserRow>(`SELECT ${ROW} FROM users ${where} ORDER BY id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`, [...values, window.limit, window.offset]),
      this.pool.rows<{ n: number }>(`SELECT count(*)::int AS n FROM users ${where}`, values),
    ]);
    return { rows, total: count?.n ?? 0 };
  }

  /**
   * A page of the users (of `role`, when given) whose full name or email holds `term`, in any
   * case; by last name, first name (in any case), id; and how many match in all.
   */
  async search(term: string, role: Role | undefined, window: PageWindow): Promise<{ rows: UserRow[]; total: number }> {
    const statements = searchStatements(term, role, window);
    const [rows, [count]] = await Promise.all([this.pool.rows<UserRow>(statements.rows.text, statements.rows.values), this.pool.rows<{ n: number }>(statements.count.text, statements.count.values)]);
    return { rows, total: count?.n ?? 0 };
  }

  /**
   * A new user; null when the email is taken (compared in lower case, as the unique index
   * does): not an error inside the transaction, which goes on or is ended by the caller.
   * Without `work`, on its own: the bootstrap admin, made at start, outside any request.
   */
  async insert(row: NewUserRow, work?: StatementWork): Promise<UserRow | null> {
    const [created] = await (work?.sql ?? this.pool).rows<UserRow>(
      `INSERT INTO users (email, password_hash, first_name, last_name, role, is_approved) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ((lower(email))) DO NOTHING RETURNING ${ROW}`,
      [row.email, row.password_hash, row.first_name, row.last_name, row.role, row.is_approved],
    );
    return created ?? null;
  }

  async setPasswordHash(work: StatementWork, id: number, passwordHash: string): Promise<void> {
    await work.sql.rows("UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1", [id, passwordHash]);
  }

  /** Approves an agent; answers it as it now is, or null when it is no (unapproved) agent. */
  async approve(work: StatementWork, id: number): Promise<UserRow | null> {
    const [row] = await work.sql.rows<UserRow>(`UPDATE users SET is_approved = true, updated_at = now() WHERE id = $1 AND role = 'agent' AND NOT is_approved RETURNING ${ROW}`, [id]);
    return row ?? null;
  }

  /** Deletes a user (its sessions go with it: ON DELETE CASCADE); answers whether there was one. */
  async remove(work: StatementWork, id: number): Promise<boolean> {
    return (await work.sql.rows("DELETE FROM users WHERE id = $1 RETURNING id", [id])).length > 0;
  }
}
