/**
 * Telling whether a process recorded earlier is still the same live process. A pid alone
 * cannot: `kill(pid, 0)` succeeds for a zombie (dead, not yet reaped by its parent or by
 * init) and for an unrelated process that was given the same pid later. On Linux a process
 * is named by its pid plus its start time (field 22 of /proc/<pid>/stat, clock ticks since
 * boot) plus the boot it started in; elsewhere only the pid is known and `kill(pid, 0)` is
 * the best answer there is.
 */
import fs from "node:fs";

export interface ProcessIdentity {
  pid: number;
  /** "<boot id>:<start ticks>", or null where /proc does not tell (another OS, an older record). */
  start: string | null;
}

interface ProcStat {
  /** R, S, D, T, Z (zombie), X (dead), ... */
  state: string;
  startTicks: string;
}

const hasProc = (): boolean => fs.existsSync("/proc/self/stat");

/** The state and start time of a pid from /proc, or null if no such process exists. */
function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0]!, startTicks: fields[19]! };
}

function bootId(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "unknown-boot";
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** This identity of a running process (this one, by default). */
export function identityOf(pid: number = process.pid): ProcessIdentity {
  const stat = hasProc() ? procStat(pid) : null;
  return { pid, start: stat ? `${bootId()}:${stat.startTicks}` : null };
}

/** Alive and not a zombie: the process runs code (or could, once scheduled). */
export function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!hasProc()) return signalable(pid);
  const stat = procStat(pid);
  return stat !== null && stat.state !== "Z" && stat.state !== "X";
}

/** The recorded process still runs: its pid is alive, not a zombie, and started when it did. */
export function isSameLiveProcess(recorded: ProcessIdentity): boolean {
  if (!isRunning(recorded.pid)) return false;
  if (recorded.start === null) return true; // nothing to compare with: the pid is all we know
  return identityOf(recorded.pid).start === recorded.start;
}

/** Reads what `formatIdentity` wrote; a bare pid (the older format) has no start time. */
export function parseIdentity(text: string): ProcessIdentity | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), start: null };
  try {
    const value = JSON.parse(trimmed) as Partial<ProcessIdentity>;
    if (Number.isInteger(value.pid) && (typeof value.start === "string" || value.start === null)) return { pid: value.pid!, start: value.start };
  } catch {
    // not ours: treated as no record
  }
  return null;
}

export function formatIdentity(identity: ProcessIdentity): string {
  return JSON.stringify(identity);
}

/** The working directory of a pid (PostgreSQL runs in its data dir), or null when it cannot be read. */
export function workingDirectoryOf(pid: number): string | null {
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}
