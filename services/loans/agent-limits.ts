/**
 * Agent lending limits (SPEC "Products and agent lending limits"): the loans service's own
 * copy of each agent's limit, fed by the users service's `agent.approved` (delivered at
 * least once through its outbox, applied once: `consumed_events`) and by an admin's PUT,
 * and the rule a request or an edit must keep: `used` + the new principal ≤ `limit`.
 *
 * A row's `limit` is NULL while no admin and no event set one: AGENT_DEFAULT_LIMIT then
 * applies, read from the configuration when it is needed (a changed default applies to
 * them all). `source` says who set it: 'default', 'event' or 'admin'; an event never
 * overwrites an admin's limit, whenever it arrives.
 *
 * Concurrency: every write that can raise an agent's `used` (a loan request, an edit that
 * raises the principal) locks the agent's row first (FOR UPDATE, in its transaction) and
 * reads `used` from it: a trigger on loans (agent-used-migration.ts) keeps it in the same
 * transaction as each loan's change, so the writer a request waited for has already added
 * its loan. Of concurrent requests of one agent none takes `used` past the limit.
 */
import { Errors } from "moleculer";
import type { Sequelize } from "sequelize";
import type { AgentLimit, Money } from "../../sdk/contracts.js";
import { fromCents, toCents, type Cents } from "../../domain/cents.js";
import type { Migration } from "../shared/db.js";
import type { PageWindow } from "../shared/pagination.js";
import { selectRows, type SqlClient } from "../shared/sql.js";
import type { SqlTransactionWork } from "../shared/unit-of-work.js";

export const agentLimitsMigration: Migration = {
  name: "0007-agent-limits",
  async up({ context: q }) {
    await q.sequelize.query(`
      CREATE TABLE agent_limits (
        agent_id   INTEGER       PRIMARY KEY,
        -- NULL: AGENT_DEFAULT_LIMIT (the configuration's, as of the read)
        "limit"    NUMERIC(14,2) CHECK ("limit" >= 0),
        source     VARCHAR(16)   NOT NULL CHECK (source IN ('default', 'event', 'admin')),
        updated_at TIMESTAMPTZ   NOT NULL DEFAULT now()
      );
      -- The events this service applied, by publisher and outbox id: a redelivery is skipped.
      CREATE TABLE consumed_events (
        source      VARCHAR(32) NOT NULL,
        event_id    BIGINT      NOT NULL,
        consumed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (source, event_id)
      );
      -- An agent's used amount from the index alone: only their open loans.
      CREATE INDEX loans_agent_open_idx ON loans (agent_id) INCLUDE (status, principal, outstanding_principal)
        WHERE status IN ('NEW', 'APPROVED', 'ACTIVE');
      -- Agents who lent before limits existed: the default until told otherwise.
      INSERT INTO agent_limits (agent_id, "limit", source) SELECT DISTINCT agent_id, NULL::numeric, 'default' FROM loans;
    `);
  },
};

/** 422 AGENT_LIMIT_EXCEEDED, naming `principal` and what is still available. */
export class AgentLimitExceededError extends Errors.MoleculerClientError {
  constructor(limit: AgentLimit) {
    const message = `principal exceeds the agent's lending limit: ${limit.available} of ${limit.limit} is still available`;
    super(message, 422, "AGENT_LIMIT_EXCEEDED", [{ field: "principal", message, type: "agentLimit" }]);
  }
}

export type LimitSource = "default" | "event" | "admin";

interface LimitRow {
  agent_id: number;
  limit: Money | null;
  source: LimitSource;
  /** Kept by the trigger of 0008 (agent-used-migration.ts). */
  used: Money;
}

/** A change of a limit: the agent's limit before and after. */
export interface LimitChange {
  before: AgentLimit;
  after: AgentLimit;
}

export class AgentLimits {
  constructor(
    private readonly db: Sequelize,
    private readonly defaultLimit: Money,
  ) {}

  private view(agentId: number, limit: Money | null, used: Cents): AgentLimit {
    const effective = limit ?? this.defaultLimit;
    const available = toCents(effective) - used;
    return { agent_id: agentId, limit: effective, used: fromCents(used), available: fromCents(available > 0n ? available : 0n) };
  }

  /**
   * The agent's row FOR UPDATE, made (the default) when missing: concurrent writers of one
   * agent's loans go one after the other from here to their commit.
   */
  private async lock(sql: SqlClient, agentId: number): Promise<LimitRow> {
    const select = `SELECT agent_id, "limit", source, used FROM agent_limits WHERE agent_id = $1 FOR UPDATE`;
    const [row] = await sql.rows<LimitRow>(select, [agentId]);
    if (row) return row;
    await sql.rows(`INSERT INTO agent_limits (agent_id, "limit", source) VALUES ($1, NULL, 'default') ON CONFLICT (agent_id) DO NOTHING`, [agentId]);
    const [made] = await sql.rows<LimitRow>(select, [agentId]);
    if (!made) throw new Error(`agent ${agentId}'s limit row was not there to lock`);
    return made;
  }

  /**
   * The request path's check (a request, an edit raising the principal): locks the agent's
   * row until the work commits, then refuses `principal` when it would take `used` past the
   * limit. `replacing`: what the loan being edited counts in `used` now (its principal).
   */
  async assertFits(work: SqlTransactionWork, agentId: number, principal: Money, replacing: Money = "0.00"): Promise<void> {
    const row = await this.lock(work.sql, agentId);
    const used = toCents(row.used) - toCents(replacing);
    const limit = this.view(agentId, row.limit, used);
    if (used + toCents(principal) > toCents(limit.limit)) throw new AgentLimitExceededError(limit);
  }

  /** The agent's limit now (no lock): the default while the service has no row for them. */
  async get(agentId: number): Promise<{ limit: AgentLimit; stored: boolean }> {
    const [row] = await selectRows<{ limit: Money | null; used: Money }>(this.db, `SELECT "limit", used FROM agent_limits WHERE agent_id = $1`, [agentId]);
    return { limit: this.view(agentId, row?.limit ?? null, toCents(row?.used ?? "0.00")), stored: row !== undefined };
  }

  /** A page of the agents the service holds a limit for, by agent id. */
  async page(window: PageWindow): Promise<{ rows: AgentLimit[]; total: number }> {
    const [rows, [count]] = await Promise.all([
      selectRows<{ agent_id: number; limit: Money | null; used: string }>(this.db, `SELECT agent_id, "limit", used FROM agent_limits ORDER BY agent_id LIMIT $1 OFFSET $2`, [
        window.limit,
        window.offset,
      ]),
      selectRows<{ total: string }>(this.db, "SELECT count(*) AS total FROM agent_limits", []),
    ]);
    return { rows: rows.map((r) => this.view(r.agent_id, r.limit, toCents(r.used))), total: Number(count?.total ?? 0) };
  }

  /** Sets the agent's limit (an admin's, or an event's), under the row's lock; null when nothing changed. */
  async set(work: SqlTransactionWork, agentId: number, limit: Money | null, source: Exclude<LimitSource, "default">): Promise<LimitChange | null> {
    const row = await this.lock(work.sql, agentId);
    // A late agent.approved never overwrites what an admin set.
    if (source === "event" && row.source === "admin") return null;
    if (row.source === source && row.limit === limit) return null;
    await work.sql.rows(`UPDATE agent_limits SET "limit" = $2, source = $3, updated_at = now() WHERE agent_id = $1`, [agentId, limit, source]);
    const used = toCents(row.used);
    return { before: this.view(agentId, row.limit, used), after: this.view(agentId, limit, used) };
  }

  /** Records that the event (`source`, `eventId`) was applied; false when it already was. */
  async consume(work: SqlTransactionWork, source: string, eventId: number): Promise<boolean> {
    const done = await work.sql.rows("INSERT INTO consumed_events (source, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id", [source, eventId]);
    return done.length > 0;
  }
}
