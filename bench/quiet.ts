/** The machine's CPU counters (/proc/stat), and waiting until the CPUs are quiet. */
import fs from "node:fs";

export interface CpuTimes {
  busy: number;
  idle: number;
  steal: number;
}

export function cpuTimes(): CpuTimes {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { busy: user! + nice! + system! + irq! + softirq!, idle: idle! + iowait!, steal: steal ?? 0 };
  } catch {
    return { busy: 0, idle: 0, steal: 0 };
  }
}

/** Shares (%) of the CPU time between two readings: busy, idle, and stolen by the hypervisor. */
export function cpuShare(a: CpuTimes, b: CpuTimes): CpuTimes {
  const busy = b.busy - a.busy;
  const idle = b.idle - a.idle;
  const steal = b.steal - a.steal;
  const all = busy + idle + steal;
  if (all <= 0) return { busy: 0, idle: 100, steal: 0 };
  return { busy: Math.round((100 * busy) / all), idle: Math.round((100 * idle) / all), steal: Math.round((100 * steal) / all) };
}

/**
 * Waits until the CPUs were at most `maxBusy` % busy over half a second (e.g. a server
 * still working off a flood's queued logins), or `timeoutMs` passed. Answers the last share.
 */
export async function waitForQuiet(maxBusy = 25, timeoutMs = 30_000): Promise<{ quiet: boolean; busy: number; waitedMs: number }> {
  const started = Date.now();
  let busy = 100;
  while (Date.now() - started < timeoutMs) {
    const a = cpuTimes();
    await new Promise((r) => setTimeout(r, 500));
    busy = cpuShare(a, cpuTimes()).busy;
    if (busy <= maxBusy) return { quiet: true, busy, waitedMs: Date.now() - started };
  }
  return { quiet: false, busy, waitedMs: Date.now() - started };
}
