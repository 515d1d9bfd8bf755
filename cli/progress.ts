/**
 * Progress of long work, on stderr: a bar redrawn in place on a terminal, else a line
 * every few seconds (and at the end), so logs of scripted runs stay readable.
 */
import type { OutStream } from "./output.js";

export interface ProgressCounts {
  ok: number;
  failed: number;
  skipped: number;
}

export interface ProgressOptions {
  label: string;
  total: number;
  /** Redraw in place (a terminal) or print lines. */
  tty: boolean;
  /** Print nothing at all. */
  quiet?: boolean;
  /** Seconds between lines when not on a terminal. */
  lineInterval?: number;
  width?: number;
  now?: () => number;
  /**
   * "outcomes" (the default): each item counted ok, failed or skipped, as an import's rows;
   * "done": only how many of the total are done, as the server reports a job's progress.
   */
  tally?: "outcomes" | "done";
}

export function renderBar(done: number, total: number, width: number): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const full = Math.round(ratio * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export class Progress {
  readonly counts: ProgressCounts = { ok: 0, failed: 0, skipped: 0 };
  private label: string;
  private total: number;
  private note = "";
  private readonly started: number;
  private lastDraw = 0;
  private lastLine: number;
  private drawn = false;
  private readonly now: () => number;

  constructor(
    private readonly stream: OutStream,
    private readonly options: ProgressOptions,
  ) {
    this.label = options.label;
    this.total = options.total;
    this.now = options.now ?? Date.now;
    this.started = this.now();
    this.lastLine = this.started;
  }

  get done(): number {
    return this.counts.ok + this.counts.failed + this.counts.skipped;
  }

  /** Starts a new phase with its own total, e.g. "agents" after "customers". */
  phase(label: string, total: number): void {
    this.clear();
    this.label = label;
    this.total = total;
    this.counts.ok = this.counts.failed = this.counts.skipped = 0;
    this.draw(true);
  }

  tick(outcome: keyof ProgressCounts, amount = 1): void {
    this.counts[outcome] += amount;
    this.draw(this.done >= this.total);
  }

  /** Progress reported by someone else (a server's job): `done` of the total, the total possibly changed, a note. */
  update(done: number, total = this.total, note = this.note): void {
    this.total = total;
    this.note = note;
    this.counts.ok = done;
    this.counts.failed = this.counts.skipped = 0;
    this.draw(done >= total);
  }

  /** A short note shown with the bar, e.g. "rate limited, waiting 12s"; "" removes it. */
  status(note: string): void {
    this.note = note;
    this.draw(true);
  }

  /** A line printed above the bar (a terminal) or as is. */
  log(message: string): void {
    if (this.options.quiet) return;
    this.clear();
    this.stream.write(`${message}\n`);
    this.draw(true);
  }

  /** Removes the bar from the terminal (call before printing the summary). */
  finish(): void {
    if (this.options.quiet) return;
    if (this.options.tty) this.clear();
    else if (this.total > 0 || this.done > 0) this.stream.write(`${this.line()}\n`);
  }

  line(): string {
    const { ok, failed, skipped } = this.counts;
    const elapsed = (this.now() - this.started) / 1000;
    const parts = [`${this.label}: ${this.done}/${this.total}`];
    if (this.options.tally !== "done") parts.push(`${ok} ok`, `${failed} failed`);
    if (skipped) parts.push(`${skipped} skipped`);
    if (this.note) parts.push(this.note);
    else if (elapsed > 1 && ok > 0 && this.done < this.total) {
      const rate = this.done / elapsed;
      parts.push(`eta ${formatDuration((this.total - this.done) / rate)}`);
    }
    return parts.join(", ");
  }

  private clear(): void {
    if (this.options.tty && this.drawn) {
      this.stream.write("\r\u001b[K");
      this.drawn = false;
    }
  }

  private draw(force: boolean): void {
    if (this.options.quiet) return;
    const now = this.now();
    if (this.options.tty) {
      if (!force && now - this.lastDraw < 80) return;
      this.lastDraw = now;
      const percent = this.total > 0 ? Math.floor((100 * this.done) / this.total) : 100;
      const width = this.options.width ?? 24;
      this.stream.write(`\r\u001b[K${renderBar(this.done, this.total, width)} ${String(percent).padStart(3)}% ${this.line()}`);
      this.drawn = true;
      return;
    }
    const interval = (this.options.lineInterval ?? 2) * 1000;
    if (now - this.lastLine >= interval) {
      this.lastLine = now;
      this.stream.write(`${this.line()}\n`);
    }
  }
}
