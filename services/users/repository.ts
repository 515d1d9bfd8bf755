/**
 * The users service's repository: the one way its code reaches the users database. Each
 * table has one owner here (users, sessions with their spent tokens, login_failures), whose
 * columns are named once (user.model.ts, session.model.ts) and whose statements are plain
 * SQL. A request's writes run on the unit of work they are given (shared/unit-of-work.ts: a
 * transaction with the events it publishes, or autocommit for a single statement); reads,
 * and the writes made outside any request (the bootstrap admin at start, pruning on a
 * timer, the live check's last-used time), run on the pool, each statement on its own.
 */
import type { Sequelize } from "sequelize";
import { selectRows, type SqlClient } from "../shared/sql.js";
import { LoginLimit } from "./login-limit.js";
import { SessionStore, type SessionLifetimes } from "./session-store.js";
import { UserRepository } from "./user-repository.js";

export interface UsersRepository {
  users: UserRepository;
  sessions: SessionStore;
  loginLimit: LoginLimit;
}

/** Statements on connections of the service's pool, each on its own (autocommit). */
function pooled(db: Sequelize): SqlClient {
  return { rows: (text, values) => selectRows(db, text, values) };
}

export function usersRepository(db: Sequelize, lifetimes: SessionLifetimes, onTouchError: (err: unknown) => void): UsersRepository {
  const pool = pooled(db);
  return { users: new UserRepository(pool), sessions: new SessionStore(pool, lifetimes, onTouchError), loginLimit: new LoginLimit(pool) };
}
