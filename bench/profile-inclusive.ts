/**
 * Inclusive ("total") time from a .cpuprofile: for each package and each function, the
 * share of the busy samples whose stack holds it — where a request's time goes, callees
 * included, which self time (profile.ts) cannot tell. Only the samples from the first
 * HTTP request on count (startup, module loading and migrations are left out).
 *
 * Command: node bench/dist/bench/profile-inclusive.js FILE.cpuprofile [top] [--under FUNCTION] [--stages]
 *   --under: the same breakdown within the samples whose stack holds FUNCTION
 *   (e.g. findAndCountAll), as shares of that function's time.
 *   --stages [REQUESTS]: each busy sample in exactly one stage (STAGE_NAMES below); with
 *   the number of requests served, µs of CPU per request too.
 */
import fs from "node:fs";
import path from "node:path";
import { packageOfUrl as packageOf, shortUrl, type CallFrame, type CpuProfile, type ProfileNode } from "./profile.js";

const IDLE = new Set(["(idle)", "(program)", "(root)"]);
/** The handler of each HTTP request (moleculer-web's, or the baseline's): the first sample holding it starts the window. */
const isRequestHandler = (f: CallFrame) =>
  (/moleculer-web\/src\/index\.js$/.test(f.url) && /^(httpHandler|routeHandler|aliasHandler)$/.test(f.functionName)) || (/bench\/baseline-server\.js$/.test(f.url) && f.functionName === "route");

export interface InclusiveSummary {
  file: string;
  /** Busy ms in the window (or under the function). */
  busyMs: number;
  windowMs: number;
  packages: Array<{ name: string; ms: number; pct: number }>;
  functions: Array<{ name: string; where: string; ms: number; pct: number }>;
}

export function inclusive(file: string, top = 40, under?: string): InclusiveSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id: number): ProfileNode[] => {
    const stack: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!);
    return stack;
  };
  const pkgs = new Map<string, number>();
  const fns = new Map<string, { name: string; where: string; us: number }>();
  let busy = 0;
  let window = 0;
  let started = false;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(profile.samples[i]!)!;
    const stack = stackOf(leaf.id);
    if (!started) started = stack.some((n) => isRequestHandler(n.callFrame));
    if (!started) continue;
    window += us;
    if (IDLE.has(leaf.callFrame.functionName)) continue;
    if (under && !stack.some((n) => n.callFrame.functionName === under)) continue;
    busy += us;
    const seenPkg = new Set<string>();
    const seenFn = new Set<string>();
    for (const n of stack) {
      const f = n.callFrame;
      if (f.functionName === "(root)") continue;
      const pkg = f.functionName === "(garbage collector)" ? "(garbage collector)" : packageOf(f.url);
      if (!seenPkg.has(pkg)) {
        seenPkg.add(pkg);
        pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
      }
      const name = f.functionName || "(anonymous)";
      const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : "";
      const key = `${name}@${where}`;
      if (seenFn.has(key)) continue; // recursion counts once
      seenFn.add(key);
      const entry = fns.get(key) ?? { name, where, us: 0 };
      entry.us += us;
      fns.set(key, entry);
    }
  }
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, busy)) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    busyMs: ms(busy),
    windowMs: ms(window),
    packages: [...pkgs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25)
      .map(([name, us]) => ({ name, ms: ms(us), pct: pct(us) })),
    functions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: ms(f.us), pct: pct(f.us) })),
  };
}

export function formatInclusive(s: InclusiveSummary, under?: string): string {
  return [
    `${path.basename(s.file)}: from the first request on, ${s.windowMs} ms sampled, ${s.busyMs} ms busy${under ? ` under ${under}` : ""} (inclusive: callees counted; shares overlap)`,
    "  by package:",
    ...s.packages.map((p) => `    ${p.pct.toFixed(1).padStart(5)}%  ${String(p.ms).padStart(8)} ms  ${p.name}`),
    "  by function:",
    ...s.functions.map((f) => `    ${f.pct.toFixed(1).padStart(5)}%  ${String(f.ms).padStart(8)} ms  ${f.name}  ${f.where}`),
  ].join("\n");
}

type Frame = CallFrame;
const isSocketWrite = (f: Frame) => f.functionName === "writeBuffer" || f.functionName === "writev";

/** Helpers whose time belongs to whoever called them (lodash inside Sequelize is Sequelize's). */
const HELPERS = new Set(["node (core)", "(native / V8 builtins)", "lodash", "uuid", "moment", "moment-timezone", "retry-as-promised", "dottie", "inflection", "debug", "ms", "safe-buffer"]);

export const STAGE_NAMES = [
  "PostgreSQL client: socket writes (one or more per statement)",
  "PostgreSQL client: protocol, reading and parsing rows",
  "Sequelize: building model instances",
  "Sequelize: generating SQL",
  "Sequelize: the rest (options cloning, hooks, Query objects, pool, transactions)",
  "JWT verification (jsonwebtoken, jws, jwa)",
  "HTTP: socket writes of the answers",
  "moleculer-web: JSON of the answer (encodeResponse)",
  "moleculer-web: routing, body parsing, the rest",
  "Moleculer: call path, middlewares, validators, cacher, events",
  "loan arithmetic (decimal.js)",
  "loanstack's own code (dist/)",
  "garbage collector",
  "Node's HTTP server and streams, microtask plumbing, other",
] as const;
type Stage = (typeof STAGE_NAMES)[number];

/**
 * The stage a sample belongs to: that of the innermost frame from a known package, walking
 * from the leaf towards the root past helpers and Node's own code.
 */
function stageOf(stack: Frame[]): Stage {
  const leaf = stack[0]!;
  if (leaf.functionName === "(garbage collector)") return "garbage collector";
  for (let i = 0; i < stack.length; i++) {
    const f = stack[i]!;
    const pkg = packageOf(f.url);
    if (HELPERS.has(pkg)) continue;
    if (["pg", "pg-protocol", "pg-types", "postgres-date", "pg-pool", "postgres-array", "postgres-interval", "postgres-bytea"].includes(pkg)) {
      return isSocketWrite(leaf) ? STAGE_NAMES[0] : STAGE_NAMES[1];
    }
    if (pkg === "sequelize" || pkg === "sequelize-pool") {
      const outer = stack.slice(i);
      if (outer.some((g) => packageOf(g.url) === "sequelize" && /^(build|bulkBuild|_initValues|Model)$/.test(g.functionName))) return STAGE_NAMES[2];
      if (outer.some((g) => /query-generator/.test(g.url))) return STAGE_NAMES[3];
      return STAGE_NAMES[4];
    }
    if (["jsonwebtoken", "jws", "jwa", "buffer-equal-constant-time", "safe-buffer", "ecdsa-sig-formatter"].includes(pkg)) return STAGE_NAMES[5];
    if (["moleculer-web", "body-parser", "raw-body", "iconv-lite", "qs", "content-type", "bytes"].includes(pkg)) {
      if (isSocketWrite(leaf)) return STAGE_NAMES[6];
      if (stack.slice(i).some((g) => g.functionName === "encodeResponse")) return STAGE_NAMES[7];
      return STAGE_NAMES[8];
    }
    if (pkg === "moleculer" || pkg === "fastest-validator") return STAGE_NAMES[9];
    if (pkg === "decimal.js") return STAGE_NAMES[10];
    if (pkg === "loanstack (dist/)") return isSocketWrite(leaf) ? STAGE_NAMES[6] : STAGE_NAMES[11];
  }
  if (isSocketWrite(leaf)) return STAGE_NAMES[6];
  return STAGE_NAMES[13];
}

export function stages(file: string): { busyMs: number; stages: Array<{ name: string; ms: number; pct: number }> } {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map<string, number>();
  let busy = 0;
  let started = false;
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const stack: Frame[] = [];
    for (let at: number | undefined = profile.samples[i]; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame);
    if (!started) started = stack.some(isRequestHandler);
    if (!started || IDLE.has(stack[0]!.functionName)) continue;
    busy += us;
    const stage = stageOf(stack);
    totals.set(stage, (totals.get(stage) ?? 0) + us);
  }
  return {
    busyMs: Math.round(busy / 100) / 10,
    stages: STAGE_NAMES.map((name) => ({ name, ms: Math.round((totals.get(name) ?? 0) / 100) / 10, pct: Math.round((1000 * (totals.get(name) ?? 0)) / Math.max(1, busy)) / 10 })),
  };
}

if (require.main === module && process.argv.includes("--stages")) {
  const file = process.argv[2]!;
  const requests = Number(process.argv[process.argv.indexOf("--stages") + 1]) || 0;
  const s = stages(file);
  console.log(`${path.basename(file)}: ${s.busyMs} ms busy from the first request on${requests ? `, ${requests} requests: ${Math.round((1000 * s.busyMs) / requests)} µs CPU each` : ""}`);
  for (const st of s.stages)
    console.log(`  ${st.pct.toFixed(1).padStart(5)}%  ${String(st.ms).padStart(8)} ms${requests ? `  ${String(Math.round((1000 * st.ms) / requests)).padStart(4)} µs/req` : ""}  ${st.name}`);
} else if (require.main === module) {
  const args = process.argv.slice(2);
  const underAt = args.indexOf("--under");
  const under = underAt >= 0 ? args.splice(underAt, 2)[1] : undefined;
  const [file, top] = args;
  if (!file) {
    console.error("usage: node bench/dist/bench/profile-inclusive.js FILE.cpuprofile [top] [--under FUNCTION]");
    process.exit(2);
  }
  console.log(formatInclusive(inclusive(file, Number(top ?? 40), under), under));
}
