/**
 * `--profile`: the loanstack processes run with --cpu-prof; after each scenario their
 * .cpuprofile files are named after it and summarised — self time per function and per
 * package, as a share of the busy (non-idle) time.
 * Also a command: node bench/dist/bench/profile.js FILE.cpuprofile [top]
 */
import fs from "node:fs";
import path from "node:path";
import type { BenchContext } from "./context.js";
import type { Server } from "./procs.js";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  functions: Array<{ name: string; where: string; selfMs: number; pct: number }>;
  packages: Array<{ name: string; selfMs: number; pct: number }>;
}

const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);

/** A frame's file, from node_modules/ or dist/ on. */
export function shortUrl(url: string): string {
  if (!url) return "";
  const u = url.replace(/^file:\/\//, "");
  const nm = u.lastIndexOf("node_modules/");
  if (nm >= 0) return u.slice(nm + "node_modules/".length);
  const dist = u.indexOf("/dist/");
  return dist >= 0 ? u.slice(dist + 1) : u;
}

/** Which package a frame belongs to: an npm package, node's own code, loanstack, or V8. */
function packageOf(frame: CallFrame): string {
  return SPECIAL.has(frame.functionName) ? frame.functionName : packageOfUrl(frame.url);
}

/** Which package a script URL belongs to. */
export function packageOfUrl(script: string): string {
  const url = script.replace(/^file:\/\//, "");
  if (!url) return "(native / V8 builtins)";
  if (url.startsWith("node:")) return "node (core)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.includes("/dist/")) return "loanstack (dist/)";
  return url;
}

export function summariseProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i + 1] is the time from sample i to the next one: the time spent in sample i's node.
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i]!, (selfUs.get(profile.samples[i]!) ?? 0) + us);
  }
  let total = 0;
  let idle = 0;
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const pkgs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    total += us;
    if (frame.functionName === "(idle)") {
      idle += us;
      continue;
    }
    const name = frame.functionName || "(anonymous)";
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${name}@${where}`;
    const entry = fns.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fns.set(key, entry);
    const pkg = packageOf(frame);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => Math.round((1000 * us) / Math.max(1, busy)) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    file,
    totalMs: ms(total),
    idleMs: ms(idle),
    busyMs: ms(busy),
    functions: [...fns.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: ms(f.us), pct: pct(f.us) })),
    packages: [...pkgs.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([name, us]) => ({ name, selfMs: ms(us), pct: pct(us) })),
  };
}

export function formatSummary(s: ProfileSummary, top = 25): string {
  const lines = [
    `${path.basename(s.file)}: ${s.totalMs} ms sampled, ${s.busyMs} ms busy (${Math.round((100 * s.busyMs) / Math.max(1, s.totalMs))}%)`,
    "  self time by package (share of busy time):",
    ...s.packages.map((p) => `    ${p.pct.toFixed(1).padStart(5)}%  ${String(p.selfMs).padStart(8)} ms  ${p.name}`),
    `  top ${Math.min(top, s.functions.length)} functions by self time:`,
    ...s.functions.slice(0, top).map((f) => `    ${f.pct.toFixed(1).padStart(5)}%  ${String(f.selfMs).padStart(8)} ms  ${f.name}  ${f.where}`),
  ];
  return lines.join("\n");
}

export const profileSummaries: ProfileSummary[] = [];

/** After a scenario's loanstack processes stopped: names their profiles after it and summarises them. */
export function finishProfile(ctx: BenchContext, scenario: string, server: Server): void {
  const dir = ctx.profileDir;
  if (!dir || !fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(".cpuprofile") || name.includes("--")) continue;
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile
    const m = /\.(\d+)\.(\d+)\.\d+\.cpuprofile$/.exec(name);
    const proc = server.procs.find((p) => p.pid === Number(m?.[1]))?.name ?? "unknown";
    // thread 0 is the main thread; others are worker threads (e.g. a bcrypt pool)
    const thread = m?.[2] === "0" ? "main" : `worker${m?.[2] ?? "?"}`;
    const target = path.join(dir, `${scenario}--${proc}-${thread}--${name}`);
    fs.renameSync(path.join(dir, name), target);
    const summary = summariseProfile(target);
    profileSummaries.push(summary);
    ctx.log(formatSummary(summary, 20));
  }
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: node bench/dist/bench/profile.js FILE.cpuprofile [top]");
    process.exit(2);
  }
  console.log(formatSummary(summariseProfile(file, Number(top ?? 30)), Number(top ?? 30)));
}
