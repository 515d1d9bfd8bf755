/**
 * The load generator, run by load.ts as a process of its own: autocannon against one URL
 * for a bounded time; prints autocannon's result as one JSON line on stdout.
 * Usage: node bench/dist/bench/load-worker.js '<LoadSpec JSON>'
 */
import fs from "node:fs";
import autocannon from "autocannon";
import type { LoadSpec, MixKind, MixSpec } from "./load.js";

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}

/** A loan request whose principal and tenure change on every request. */
function loanBody(customerId: number): string {
  const cents = 1_000_000 + Math.floor(Math.random() * 300_000_000); // 10,000.00 .. 3,010,000.00
  const principal = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  const tenure = 6 + Math.floor(Math.random() * 355);
  return JSON.stringify({ customer_id: customerId, principal, tenure_months: tenure });
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** One request of the mix per call, counted by kind. */
function mixed(mix: MixSpec, kinds: Record<MixKind, number>): (req: AutocannonRequest) => AutocannonRequest {
  return (): AutocannonRequest => {
    const draw = Math.random();
    if (draw < mix.writeShare) {
      kinds.write += 1;
      const customer = mix.loanCustomers.first + Math.floor(Math.random() * mix.loanCustomers.count);
      return { method: "POST", path: "/api/loan/customer-loan", headers: { authorization: `Bearer ${pick(mix.agentTokens)}`, "content-type": "application/json" }, body: loanBody(customer) };
    }
    if (draw < mix.writeShare + mix.agentShare) {
      kinds.agent += 1;
      const page = 1 + Math.floor(Math.random() * mix.agentPages);
      return { method: "GET", path: `/api/loan/list-loans-admin-agent?page=${page}`, headers: { authorization: `Bearer ${pick(mix.agentTokens)}` } };
    }
    kinds.customer += 1;
    return { method: "GET", path: "/api/loan/list-loans-customer", headers: { authorization: `Bearer ${pick(mix.customerTokens)}` } };
  };
}

async function main(): Promise<void> {
  const arg = process.argv[2] ?? "";
  const spec = JSON.parse(arg.startsWith("@") ? fs.readFileSync(arg.slice(1), "utf8") : arg) as LoadSpec;
  const kinds: Record<MixKind, number> = { customer: 0, agent: 0, write: 0 };
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body !== undefined || spec.bodies?.length || spec.loanFor !== undefined) headers["content-type"] = "application/json";
  const request: AutocannonRequest = { method: spec.method, path: spec.path, headers };
  if (spec.body !== undefined) request.body = spec.body;
  if (spec.loanFor !== undefined) {
    const customerId = spec.loanFor;
    request.setupRequest = (req) => ({ ...req, body: loanBody(customerId) });
  }
  if (spec.bodies?.length) {
    const bodies = spec.bodies;
    let next = 0;
    request.body = bodies[0];
    request.setupRequest = (req) => ({ ...req, body: bodies[next++ % bodies.length]! });
  }
  if (spec.paths?.length) {
    const paths = spec.paths;
    let next = 0;
    const previous = request.setupRequest;
    request.setupRequest = (req) => ({ ...(previous ? previous(req) : req), path: paths[next++ % paths.length]! });
  }
  if (spec.mix) request.setupRequest = mixed(spec.mix, kinds);
  const cpu = process.cpuUsage();
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.duration,
    requests: [request],
    timeout: 10,
  });
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ result, cpuMs: (used.user + used.system) / 1000, kinds: spec.mix ? kinds : undefined })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
