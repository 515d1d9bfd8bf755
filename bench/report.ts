/** The bench's table, its targets, the machine it ran on, and bench/results/latest.json. */
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Measured, Row, TargetCheck } from "./context.js";
import { formatCpu } from "./cpu.js";
import { formatPg } from "./pgstats.js";

export interface Machine {
  nproc: number;
  cpuModel: string;
  memory: string;
  node: string;
  postgres: string;
  loadAverage: number[];
  kernel: string;
}

export function machineInfo(postgres: string): Machine {
  let cpuModel = "unknown";
  try {
    cpuModel = /model name\s*:\s*(.+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1]?.trim() ?? cpuModel;
  } catch {
    // not Linux
  }
  let memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB total`;
  try {
    memory = execSync("free -h", { encoding: "utf8" }).split("\n")[1]!.replace(/\s+/g, " ").trim();
  } catch {
    // no free(1)
  }
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execSync("nproc", { encoding: "utf8" }).trim()) || nproc;
  } catch {
    // no nproc(1)
  }
  return { nproc, cpuModel, memory, node: process.version, postgres, loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100), kernel: `${os.type()} ${os.release()}` };
}

const num = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? "—" : n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "—" : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

function cells(m: Measured | undefined): string[] {
  if (!m) return ["", "", "", "", ""];
  return [num(m.rps), ms(m.p50), ms(m.p99), String(m.errors), num(m.rssMb)];
}

function table(head: string[], body: string[][], rightAligned: (i: number) => boolean): string {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (rightAligned(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  return [line(head), `|${widths.map((w, i) => (rightAligned(i) ? `${"-".repeat(w + 1)}:` : `-${"-".repeat(w)}-`)).join("|")}|`, ...body.map(line)].join("\n");
}

const times = (r: number | undefined) => (r === undefined ? "—" : `${r.toFixed(2)}×`);

export function formatRows(rows: Row[]): string {
  const head = [
    "scenario",
    "loanstack req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "peak RSS MB",
    "baseline req/s",
    "p50 ms",
    "p99 ms",
    "errors",
    "peak RSS MB",
    "ratio req/s",
    "machine limit req/s",
    "ratio to limit",
  ];
  const body = rows.map((r) =>
    r.skipped
      ? [r.title, r.skipped, "", "", "", "", "", "", "", "", "", "", "", ""]
      : [r.title, ...cells(r.loanstack), ...cells(r.baseline), times(r.ratio), r.limit ? num(r.limit.rps) : "—", times(r.limitRatio)],
  );
  return table(head, body, (i) => i > 0);
}

export function formatTargets(targets: TargetCheck[]): string {
  return table(
    ["scenario", "target", "measured", "result"],
    targets.map((t) => [t.scenario, t.target, t.measured, t.pass === null ? "—" : t.pass ? "PASS" : "MISS"]),
    () => false,
  );
}

export function formatNotes(rows: Row[]): string {
  return rows
    .filter((r) => r.note || r.ratios)
    .map((r) => {
      const how = r.cpuAsShare ? "share" : "perRequest";
      const db = !r.cpuAsShare && (r.loanstack?.db || r.baseline?.db) ? `PostgreSQL per request — loanstack: ${formatPg(r.loanstack?.db)}; baseline: ${formatPg(r.baseline?.db)}` : "";
      const cpu = r.loanstack?.cpu || r.baseline?.cpu ? `CPU — loanstack runs: ${formatCpu(r.loanstack?.cpu, how)}; baseline runs: ${formatCpu(r.baseline?.cpu, how)}` : "";
      const limit = r.limitRatios ? `ratios to the machine limit per run ${r.limitRatios.map((x) => x.toFixed(2)).join(", ")}` : "";
      return `- ${r.title}: ${[r.ratios ? `ratios per run ${r.ratios.map((x) => x.toFixed(2)).join(", ")}` : "", limit, r.note ?? "", db, cpu].filter(Boolean).join("; ")}`;
    })
    .join("\n");
}

export function formatMachine(m: Machine): string {
  return `machine: ${m.nproc} CPUs (${m.cpuModel}), memory ${m.memory}, Node ${m.node}, ${m.postgres.split(" on ")[0]}, ${m.kernel}, load average at start ${m.loadAverage.join(" ")}`;
}

export function writeJson(dir: string, data: unknown): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "latest.json");
  fs.writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
