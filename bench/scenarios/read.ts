/**
 * Scenarios 1 and 2: GET /api/loan/list-loans-customer with a customer's token (20 rows of
 * its loans), loanstack in one process (its cache answers), also against the machine's
 * limit for that answer; then users, loans and api in three processes over NATS, Redis and
 * RabbitMQ; the baseline in the same run each time.
 */
import { compare, sameAnswer, send, type Request } from "../compare.js";
import type { BenchContext, ScenarioResult } from "../context.js";
import { reachable, startLimitServer, startLoanstack } from "../procs.js";
import { afterLoanstack } from "../wrap-up.js";

export function readRequest(ctx: BenchContext): Request {
  return { method: "GET", path: "/api/loan/list-loans-customer", headers: { authorization: `Bearer ${ctx.tokens.reader}` } };
}

const fmtRatio = (r: number) => `${r.toFixed(2)}×`;

export async function readOneProcess(ctx: BenchContext): Promise<ScenarioResult> {
  ctx.log("scenario 1 — read, one process");
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, profileDir: ctx.profileDir });
  let limit: Awaited<ReturnType<typeof startLimitServer>> | undefined;
  try {
    const request = readRequest(ctx);
    const note = await sameAnswer(ctx, loanstack, request, true);
    // The machine's limit answers the very bytes loanstack answers, after the same JWT check.
    limit = await startLimitServer(ctx.opts, JSON.stringify((await send(loanstack.url, request)).body));
    const c = await compare(ctx, loanstack, request, "read", limit);
    const rss = c.loanstack.rssMb;
    const title = "1 read, one process";
    return {
      rows: [{ id: "read", title, ...c, note: `${note}; all services (audit too) in one process; its cache answers; machine limit: node:http, the JWT check and a fixed body of the answer's size` }],
      targets: [
        { scenario: title, target: "≥ 2× baseline req/s", measured: fmtRatio(c.ratio), pass: c.ratio >= 2 },
        { scenario: title, target: "≥ 0.4× the machine limit req/s", measured: fmtRatio(c.limitRatio!), pass: c.limitRatio! >= 0.4 },
        { scenario: title, target: "peak RSS ≤ 250 MB", measured: rss === null ? "n/a" : `${rss} MB`, pass: rss === null ? null : rss <= 250 },
      ],
    };
  } finally {
    await limit?.stop();
    await loanstack.stop();
    afterLoanstack(ctx, "read", loanstack);
  }
}

export type Transport = "nats" | "redis" | "amqp";

const TRANSPORTS: Record<Transport, { name: string; defaultPort: number; url(ctx: BenchContext): string; env: string }> = {
  nats: { name: "NATS", defaultPort: 4222, url: (ctx) => ctx.opts.natsUrl, env: "BENCH_NATS_URL" },
  redis: { name: "Redis", defaultPort: 6379, url: (ctx) => ctx.opts.redisUrl, env: "BENCH_REDIS_URL" },
  amqp: { name: "RabbitMQ", defaultPort: 5672, url: (ctx) => ctx.opts.amqpUrl, env: "BENCH_AMQP_URL" },
};

export async function readDistributed(ctx: BenchContext, kind: Transport): Promise<ScenarioResult> {
  const transport = TRANSPORTS[kind];
  const url = transport.url(ctx);
  const title = `2 read, 3 processes over ${transport.name}`;
  const where = new URL(url);
  ctx.log(`scenario 2 — read, users + loans + api over ${transport.name} (${where.protocol}//${where.host})`);
  if (!(await reachable(where.hostname, Number(where.port || transport.defaultPort)))) {
    const skipped = `${transport.name} at ${where.host} does not answer (set ${transport.env})`;
    ctx.log(`  skipped: ${skipped}`);
    return { rows: [{ id: kind, title, skipped }], targets: [{ scenario: title, target: "≥ 0.85× baseline req/s", measured: "not run", pass: null }] };
  }
  const loanstack = await startLoanstack(ctx.opts, ctx.dbs, { namespace: ctx.namespace, transporter: url, profileDir: ctx.profileDir });
  try {
    const request = readRequest(ctx);
    const note = await sameAnswer(ctx, loanstack, request, true);
    const c = await compare(ctx, loanstack, request, kind);
    return {
      rows: [{ id: kind, title, ...c, note: `${note}; audit not started (nothing is written); RSS is the sum of the 3 processes` }],
      targets: [{ scenario: title, target: "≥ 0.85× baseline req/s", measured: fmtRatio(c.ratio), pass: c.ratio >= 0.85 }],
    };
  } finally {
    await loanstack.stop();
    afterLoanstack(ctx, kind, loanstack);
  }
}
