/** ACTIVE loans for the servicing scenarios, disbursed through loanstack's own API. */
import { send } from "../compare.js";
import type { BenchContext } from "../context.js";
import { withClient } from "../db.js";
import type { Server } from "../procs.js";

/** `count` APPROVED loans spread evenly over the table's ids. */
export async function approvedLoans(ctx: BenchContext, count: number): Promise<number[]> {
  return withClient(ctx.dbs.loans, async (c) => {
    const { rows } = await c.query<{ id: number }>(
      `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n, count(*) OVER () AS total FROM loans WHERE status = 'APPROVED') a
        WHERE n % GREATEST(1, total / $1) = 0 ORDER BY id LIMIT $1`,
      [count],
    );
    return rows.map((r) => r.id);
  });
}

/** PUT disburse-loan for each id (admin), a few at a time; each disbursed `daysAgo(id)` days before today. */
export async function disburseAll(ctx: BenchContext, server: Server, ids: number[], daysAgo: (id: number) => number): Promise<void> {
  const today = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const on = new Date(today - daysAgo(id) * 86_400_000).toISOString().slice(0, 10);
      const a = await send(server.url, { method: "PUT", path: `/api/loan/disburse-loan/${id}`, headers: { authorization: `Bearer ${ctx.tokens.admin}` }, body: JSON.stringify({ disbursed_on: on }) });
      if (a.status !== 200) throw new Error(`disbursing loan ${id}: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
