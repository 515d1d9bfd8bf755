/**
 * The outbox's schema for many consumers: a database from before it keeps its undelivered
 * events (they become audit's pending ones, audit being the one consumer there was), and the
 * fan-out trigger gives each consumer a pending row for each event it takes, for a plain
 * insert and for the events stored as a member of a single-statement write's WITH.
 */
import { QueryTypes, type Sequelize } from "sequelize";
import { createSequelize, runMigrations } from "../../services/shared/db.js";
import { outboxMigrations, pendingEvent, storeEventsSql } from "../../services/shared/outbox.js";
import type { Loan, Repayment } from "../../sdk/contracts.js";
import { createTestDatabases, type TestDatabases } from "../support/databases.js";

let databases: TestDatabases;
let db: Sequelize;

beforeAll(async () => {
  databases = await createTestDatabases();
  db = createSequelize(databases.loans, 2);
});
afterAll(async () => {
  await db?.close();
  await databases?.drop();
});

const select = <R extends object>(sql: string, bind: unknown[] = []) => db.query<R>(sql, { bind, type: QueryTypes.SELECT });
const pendingOf = async (consumer: string) => (await select<{ id: string }>("SELECT outbox_id AS id FROM outbox_pending WHERE consumer = $1 ORDER BY 1", [consumer])).map((r) => Number(r.id));

test("undelivered events of a database from before become audit's pending events", async () => {
  await runMigrations(db, outboxMigrations.slice(0, 1), () => undefined);
  await db.query(`INSERT INTO outbox (event, payload, delivered_at) VALUES
    ('loan.created', '{"actor_id": 1}', now()), ('loan.decided', '{"actor_id": 1}', NULL), ('loan.created', '{"actor_id": 2}', NULL)`);

  await runMigrations(db, outboxMigrations, () => undefined);
  expect(await pendingOf("audit")).toEqual([2, 3]);
  expect(await select("SELECT id, version FROM outbox ORDER BY id")).toEqual([
    { id: "1", version: 1 },
    { id: "2", version: 1 },
    { id: "3", version: 1 },
  ]);
});

test("each consumer gets a pending row for each event it takes", async () => {
  await db.query("DELETE FROM outbox_pending");
  await db.query(`INSERT INTO outbox_consumers (consumer, events) VALUES ('audit', NULL), ('ledger', '{loan.repaid}')`);
  const loan = { id: 7 } as Loan;
  const values: unknown[] = [];
  await db.query(storeEventsSql([pendingEvent("loan.created", { actor_id: 1, loan })], values), { bind: values });
  // As loans.repay stores its events: a WITH member, the new row's id written into the payload.
  const events = [pendingEvent("loan.repaid", { actor_id: 1, before: loan, loan, reallocated: [], repayment: { id: 0 } as Repayment }, ["repayment", "id"])];
  const withValues: unknown[] = [];
  await db.query(`WITH repayment AS (SELECT 42 AS id), stored AS (${storeEventsSql(events, withValues, "repayment")}) SELECT id FROM repayment`, { bind: withValues });

  const rows = await select<{ id: string; event: string }>("SELECT id, event FROM outbox WHERE id > 3 ORDER BY id");
  expect(rows.map((r) => r.event)).toEqual(["loan.created", "loan.repaid"]);
  const [created, repaid] = rows.map((r) => Number(r.id));
  expect(await pendingOf("audit")).toEqual([created, repaid]);
  expect(await pendingOf("ledger")).toEqual([repaid]);
  expect(await select("SELECT payload->'repayment'->'id' AS id FROM outbox WHERE id = $1", [repaid])).toEqual([{ id: 42 }]);
});
