/**
 * The load generator, run by load.ts as a process of its own: autocannon against one URL
 * for a bounded time; prints autocannon's result as one JSON line on stdout.
 * Usage: node dist/bench/load-worker.js '<LoadSpec JSON>'
 */
import type { LoadSpec } from "./load.js";

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<unknown>;

// autocannon ships no types
const autocannon = require("autocannon") as Autocannon;

/** A loan request whose principal and tenure change on every request. */
function loanBody(customerId: number): string {
  const cents = 1_000_000 + Math.floor(Math.random() * 300_000_000); // 10,000.00 .. 3,010,000.00
  const principal = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  const tenure = 6 + Math.floor(Math.random() * 355);
  return JSON.stringify({ customer_id: customerId, principal, tenure_months: tenure });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? "") as LoadSpec;
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body !== undefined || spec.loanFor !== undefined) headers["content-type"] = "application/json";
  const request: AutocannonRequest = { method: spec.method, path: spec.path, headers };
  if (spec.body !== undefined) request.body = spec.body;
  if (spec.loanFor !== undefined) {
    const customerId = spec.loanFor;
    request.setupRequest = (req) => ({ ...req, body: loanBody(customerId) });
  }
  if (spec.paths?.length) {
    const paths = spec.paths;
    let next = 0;
    const previous = request.setupRequest;
    request.setupRequest = (req) => ({ ...(previous ? previous(req) : req), path: paths[next++ % paths.length]! });
  }
  const cpu = process.cpuUsage();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    requests: [request],
    timeout: 10,
  });
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ result, cpuMs: (used.user + used.system) / 1000 })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
