/** The users database schema, one versioned step at a time (applied by umzug at start). */
import type { Migration } from "../shared/db.js";

export const userMigrations: Migration[] = [
  {
    name: "0001-create-users",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE users (
          id            SERIAL PRIMARY KEY,
          email         VARCHAR(254) NOT NULL,
          password_hash VARCHAR(100) NOT NULL,
          first_name    VARCHAR(100) NOT NULL,
          last_name     VARCHAR(100) NOT NULL,
          role          VARCHAR(16)  NOT NULL CHECK (role IN ('admin', 'agent', 'customer')),
          is_approved   BOOLEAN      NOT NULL,
          created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
          updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));
        CREATE INDEX users_role_id_idx ON users (role, id);
        CREATE INDEX users_pending_agents_idx ON users (id) WHERE role = 'agent' AND NOT is_approved;
      `);
    },
  },
  {
    // Sessions: one row per login, ended by logout, an admin, a password change or a replay.
    name: "0002-create-sessions",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE sessions (
          id             UUID         PRIMARY KEY,
          user_id        INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
          -- SHA-256 (hex) of the session's current refresh token: the token itself is never kept
          refresh_hash   CHAR(64)     NOT NULL,
          -- how many refresh tokens the session has issued (1 at login, + 1 per refresh)
          generation     INTEGER      NOT NULL DEFAULT 1,
          created_at     TIMESTAMPTZ  NOT NULL DEFAULT now(),
          last_used_at   TIMESTAMPTZ  NOT NULL DEFAULT now(),
          -- when the current refresh token stops working
          expires_at     TIMESTAMPTZ  NOT NULL,
          user_agent     VARCHAR(512),
          ip             VARCHAR(64),
          revoked_at     TIMESTAMPTZ,
          revoked_reason VARCHAR(32)
        );
        CREATE UNIQUE INDEX sessions_refresh_hash_key ON sessions (refresh_hash);
        CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE revoked_at IS NULL;
        -- Every refresh token a rotation replaced: presented again, it was stolen or replayed,
        -- and its session is revoked.
        CREATE TABLE session_spent_tokens (
          hash       CHAR(64)    PRIMARY KEY,
          session_id UUID        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
          generation INTEGER     NOT NULL,
          spent_at   TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        CREATE INDEX session_spent_tokens_session_idx ON session_spent_tokens (session_id);
      `);
    },
  },
  {
    // The per-account login limit, where every users instance sees it. The email is kept as a
    // hash: the table also counts unknown addresses (and a password typed in the email field).
    name: "0003-create-login-failures",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE login_failures (
          email_hash   CHAR(64)    PRIMARY KEY,
          failures     INTEGER     NOT NULL,
          window_start TIMESTAMPTZ NOT NULL
        );
      `);
    },
  },
  {
    // Device counts (OWASP's device cookie) share the table, keyed by a hash of the device id;
    // their user is kept so an admin's unlock clears every device of the account. No foreign
    // key: a count may outlive its user by the window, and unknown emails have none.
    name: "0004-login-failures-by-device",
    async up({ context: q }) {
      await q.sequelize.query(`
        ALTER TABLE login_failures ADD COLUMN user_id INTEGER;
        CREATE INDEX login_failures_user_idx ON login_failures (user_id) WHERE user_id IS NOT NULL;
      `);
    },
  },
  {
    // User search (users.search) finds a term anywhere in "first last" or the email, in any case:
    // LIKE '%term%', which no btree answers. pg_trgm's GIN indexes do (PostgreSQL's contrib, in
    // the embedded server, Debian's and the official images; trusted since PostgreSQL 13, so a
    // database owner may create it). Where it is missing or not allowed, the search still works
    // and reads the table: the migration says so and goes on.
    name: "0005-users-search-trigram-indexes",
    async up({ context: q }) {
      await q.sequelize.query(`
        DO $$
        BEGIN
          CREATE EXTENSION IF NOT EXISTS pg_trgm;
          CREATE INDEX users_full_name_trgm_idx ON users USING gin (lower(first_name || ' ' || last_name) gin_trgm_ops);
          CREATE INDEX users_email_trgm_idx ON users USING gin (lower(email) gin_trgm_ops);
        EXCEPTION WHEN undefined_file OR insufficient_privilege OR undefined_object THEN
          RAISE WARNING 'pg_trgm is not available (%): user search reads the users table without an index', SQLERRM;
        END
        $$;
      `);
    },
  },
];
