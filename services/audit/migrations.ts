/** The audit database schema, one versioned step at a time (applied by umzug at start). */
import type { Migration } from "../shared/db.js";

export const auditMigrations: Migration[] = [
  {
    name: "0001-create-audit-events",
    async up({ context: q }) {
      await q.sequelize.query(`
        CREATE TABLE audit_events (
          id              BIGSERIAL PRIMARY KEY,
          source          VARCHAR(32) NOT NULL,
          source_event_id BIGINT      NOT NULL,
          event           VARCHAR(64) NOT NULL,
          entity          VARCHAR(16) NOT NULL,
          entity_id       INTEGER     NOT NULL,
          actor_id        INTEGER,
          before          JSONB,
          after           JSONB,
          occurred_at     TIMESTAMPTZ NOT NULL,
          recorded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
          -- delivery is at-least-once: a redelivered event is recognised and kept once
          UNIQUE (source, source_event_id)
        );
        CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, occurred_at);
        CREATE INDEX audit_events_event_idx ON audit_events (event, occurred_at);
      `);
    },
  },
];
