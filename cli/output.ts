/**
 * What loanctl prints: data on stdout (aligned tables for people, JSON with --json),
 * messages on stderr, colour only on a terminal and never with NO_COLOR.
 */
export interface OutStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

type Env = Record<string, string | undefined>;

/** Colour is used on a terminal (or with FORCE_COLOR), never with NO_COLOR, TERM=dumb or --no-color. */
export function colorEnabled(stream: OutStream, env: Env, flag: boolean | undefined = undefined): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0" && force !== "false") return true;
  return stream.isTTY === true;
}

export type Style = "bold" | "dim" | "red" | "green" | "yellow" | "cyan";
const CODES: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
};

export function paint(text: string, style: Style | undefined, enabled: boolean): string {
  if (!enabled || !style || text === "") return text;
  const [open, close] = CODES[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Visible width of a string: code points, escape sequences excluded. */
export function displayWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\u001b\[[0-9;]*m/g, "")].length;
}

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: "left" | "right";
  style?: (row: T) => Style | undefined;
}

/** An aligned table: a header, then one line per row, columns two spaces apart. */
export function renderTable<T>(columns: Column<T>[], rows: T[], color = false): string {
  const cells = rows.map((row) => columns.map((column) => clean(column.value(row))));
  const widths = columns.map((column, i) => Math.max(displayWidth(column.header), ...cells.map((line) => displayWidth(line[i]!))));
  const pad = (text: string, i: number): string => {
    const gap = " ".repeat(widths[i]! - displayWidth(text));
    return columns[i]!.align === "right" ? gap + text : text + gap;
  };
  const last = columns.length - 1;
  const line = (parts: string[]): string => parts.join("  ").replace(/\s+$/, "");
  const header = line(columns.map((column, i) => paint(i === last && column.align !== "right" ? column.header : pad(column.header, i), "bold", color)));
  const body = rows.map((row, r) =>
    line(
      columns.map((column, i) => {
        const text = cells[r]![i]!;
        const padded = i === last && column.align !== "right" ? text : pad(text, i);
        const style = column.style?.(row);
        if (!style) return padded;
        // colour the text, not the padding, so the columns stay aligned
        const gap = displayWidth(padded) - displayWidth(text);
        return column.align === "right" ? " ".repeat(gap) + paint(text, style, color) : paint(text, style, color) + " ".repeat(gap);
      }),
    ),
  );
  return [header, ...body].join("\n") + "\n";
}

/** A two-column "Field  value" listing of one record. */
export function renderRecord(fields: [string, string, Style?][], color = false): string {
  const width = Math.max(...fields.map(([label]) => displayWidth(label)));
  return fields.map(([label, value, style]) => `${paint(label.padEnd(width), "bold", color)}  ${paint(clean(value), style, color)}`).join("\n") + "\n";
}

/** Control characters from the server never reach the terminal. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, " ");
}

/** "2025-03-01T10:12:13.000Z" -> "2025-03-01 10:12" (UTC). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return "-";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().slice(0, 16).replace("T", " ");
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/** The streams and the output mode of one run of loanctl. */
export class Output {
  readonly color: boolean;
  readonly errColor: boolean;

  constructor(
    readonly stdout: OutStream,
    readonly stderr: OutStream,
    readonly jsonMode: boolean,
    env: Env,
    colorFlag?: boolean,
  ) {
    this.color = colorEnabled(stdout, env, colorFlag);
    this.errColor = colorEnabled(stderr, env, colorFlag);
  }

  /** Data: JSON with --json, else what `human` renders. */
  data(value: unknown, human: () => string): void {
    this.stdout.write(this.jsonMode ? json(value) : human());
  }

  /** A short confirmation on stderr ("✓ Loan 42 approved"); silent with --json. */
  success(message: string): void {
    if (this.jsonMode) return;
    const mark = this.errColor ? paint("✓", "green", true) + " " : "";
    this.stderr.write(`${mark}${message}\n`);
  }

  /** A note on stderr; silent with --json. */
  info(message: string): void {
    if (this.jsonMode) return;
    this.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.stderr.write(`${paint("warning:", "yellow", this.errColor)} ${message}\n`);
  }

  error(message: string): void {
    this.stderr.write(`${paint("error:", "red", this.errColor)} ${message}\n`);
  }
}
