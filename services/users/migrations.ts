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
];
