/**
 * `loanctl loans import FILE.csv`: one loan request per row, safe to run again.
 *
 * The CSV has the columns customer_id, principal, tenure_months and, optionally, ref.
 * A state file next to it (FILE.csv.loanctl-state.json) maps each row's key to the loan it
 * became. The key is the row's `ref` when it has one, else a hash of its content and which
 * occurrence of that content it is (not its line number, which shifts when rows are added or
 * removed above it). Before a request the row is marked pending and the state written; after
 * it, the loan id. Each write goes to a temporary file that is then renamed, so a crash leaves
 * the old state or the new one, never half a file. A re-run skips the rows already done, and
 * for a row left pending by a crash or a timeout it looks for a loan this agent made with
 * the same customer, principal and tenure since then before asking again.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { LoanApiError, type LoanClient, type LoanRequest, paginate, type User } from "../sdk/index.js";
import { systemErrorCode } from "../sdk/errors.js";
import { toMoney } from "./args.js";
import { csvLine, parseCsv } from "./csv.js";
import { CliError, describeApiError, EXIT, usageError } from "./errors.js";
import type { Progress } from "./progress.js";

export const REQUIRED_COLUMNS = ["customer_id", "principal", "tenure_months"] as const;

export interface ImportRow {
  line: number;
  fields: string[];
  ref?: string;
  /** The row's identity in the state file; absent for a row that is not valid. */
  key?: string;
  request?: LoanRequest & { principal: string };
  /** Why the row cannot be requested, found before any request. */
  error?: string;
}

export interface ImportPlan {
  header: string[];
  rows: ImportRow[];
}

function positiveInteger(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Reads and checks the rows of an import CSV; a missing column is a usage error. */
export function planImport(text: string): ImportPlan {
  const table = parseCsv(text);
  const missing = REQUIRED_COLUMNS.filter((name) => !table.header.includes(name));
  if (missing.length > 0) {
    throw usageError(`the CSV has no ${missing.join(", ")} column${missing.length > 1 ? "s" : ""}: ` + `the header must name ${REQUIRED_COLUMNS.join(", ")} (and optionally ref)`);
  }
  const index = (name: string): number => table.header.indexOf(name);
  const [customerAt, principalAt, tenureAt, refAt] = [index("customer_id"), index("principal"), index("tenure_months"), index("ref")];
  const refs = new Map<string, number>();
  const occurrences = new Map<string, number>();

  const rows = table.records.map((record): ImportRow => {
    const { line, fields } = record;
    const ref = refAt >= 0 ? fields[refAt]?.trim() || undefined : undefined;
    const row: ImportRow = { line, fields, ...(ref !== undefined ? { ref } : {}) };
    if (fields.length > table.header.length) {
      return { ...row, error: `${fields.length} fields, the header has ${table.header.length}` };
    }
    const customerText = fields[customerAt] ?? "";
    const principalText = fields[principalAt] ?? "";
    const tenureText = fields[tenureAt] ?? "";
    const customerId = positiveInteger(customerText);
    const principal = toMoney(principalText);
    const tenure = positiveInteger(tenureText);
    const problems: string[] = [];
    if (customerId === undefined) problems.push(`customer_id "${customerText}" is not a positive integer`);
    if (principal === undefined) problems.push(`principal "${principalText}" is not an amount like 250000.00`);
    if (tenure === undefined) problems.push(`tenure_months "${tenureText}" is not a positive integer`);
    if (ref !== undefined) {
      const first = refs.get(ref);
      if (first !== undefined) problems.push(`ref "${ref}" is already used on line ${first}`);
      else refs.set(ref, line);
    }
    if (problems.length > 0) return { ...row, error: problems.join("; ") };

    const request = { customer_id: customerId!, principal: principal!, tenure_months: tenure! };
    let key: string;
    if (ref !== undefined) {
      key = `ref:${ref}`;
    } else {
      const digest = createHash("sha256").update(`${request.customer_id}|${request.principal}|${request.tenure_months}`).digest("hex").slice(0, 16);
      const nth = (occurrences.get(digest) ?? 0) + 1;
      occurrences.set(digest, nth);
      key = `row:${digest}:${nth}`;
    }
    return { ...row, key, request };
  });
  return { header: table.header, rows };
}

// ---- the state file ----

export interface DoneEntry {
  loan_id: number;
  line: number;
  at: string;
}

export interface PendingEntry {
  line: number;
  started_at: string;
  customer_id: number;
  principal: string;
  tenure_months: number;
}

export interface ImportStateData {
  version: 1;
  api_url: string;
  source: string;
  done: Record<string, DoneEntry>;
  pending: Record<string, PendingEntry>;
}

export class ImportState {
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  private constructor(
    readonly file: string,
    readonly data: ImportStateData,
  ) {}

  static load(file: string, apiUrl: string, source: string): ImportState {
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (text === undefined) {
      return new ImportState(file, { version: 1, api_url: apiUrl, source, done: {}, pending: {} });
    }
    let data: ImportStateData;
    try {
      data = JSON.parse(text) as ImportStateData;
    } catch {
      throw new CliError(`the state file ${file} is not valid JSON; move it away to start over`, EXIT.FAILED);
    }
    if (data.version !== 1 || typeof data.done !== "object" || typeof data.pending !== "object") {
      throw new CliError(`the state file ${file} is not a loanctl import state; move it away to start over`);
    }
    if (data.api_url !== apiUrl) {
      throw usageError(`the state file ${file} records an import into ${data.api_url}, not ${apiUrl}: ` + "pass --state to keep another state file for this server");
    }
    return new ImportState(file, data);
  }

  /**
   * Writes the state (temporary file, fsync, rename). Calls made while a write is under way
   * are served together by the next write, which starts when that one ends: the promise
   * resolves once a write that includes every change made before the call is on disk.
   */
  flush(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.writing) {
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
      return this.writing;
    }
    this.queued = this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.flush();
      });
    return this.queued;
  }

  private async write(): Promise<void> {
    const text = JSON.stringify(this.data, null, 1) + "\n";
    const tmp = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.promises.open(tmp, "w", 0o644);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, this.file);
  }
}

/** One import at a time per state file; a lock left by a process that died is taken over. */
export function acquireLock(stateFile: string): () => void {
  const lock = `${stateFile}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number(fs.readFileSync(lock, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new CliError(`another loanctl import (pid ${pid}) is running on this file; if not, remove ${lock}`);
      }
      fs.rmSync(lock, { force: true });
    }
  }
  throw new CliError(`cannot take the lock ${lock}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// ---- the run ----

export interface ImportOptions {
  client: LoanClient;
  /** The signed-in agent (loans it made are the ones a pending row may have become). */
  me: User;
  apiUrl: string;
  csvFile: string;
  stateFile?: string;
  failedFile?: string;
  concurrency?: number;
  progress: Progress;
  /** Called once the CSV is read, with the number of rows. */
  onPlan?: (rows: number) => void;
}

export interface ImportSummary {
  file: string;
  state_file: string;
  /** The report of failed rows, when some failed. */
  failed_file: string | null;
  total: number;
  created: number;
  failed: number;
  skipped: number;
  /** Rows found already made by an interrupted run. */
  recovered: number;
  /** Rows not tried because the run stopped early. */
  not_attempted: number;
  /** Why the run stopped early. */
  stopped: string | null;
  loans: { line: number; ref?: string; loan_id: number }[];
  failures: { line: number; ref?: string; error: string }[];
}

export function defaultStateFile(csvFile: string): string {
  return `${csvFile}.loanctl-state.json`;
}

export function defaultFailedFile(csvFile: string): string {
  const ext = path.extname(csvFile);
  return `${ext.toLowerCase() === ".csv" ? csvFile.slice(0, -ext.length) : csvFile}.failed.csv`;
}

/** Errors after which every other row would fail the same way. */
function isFatal(error: LoanApiError): boolean {
  return error.kind === "connection" || error.kind === "unauthorized" || error.kind === "forbidden";
}

/** Whether the server may have made the loan although the request failed. */
function outcomeUnknown(error: LoanApiError): boolean {
  if (error.kind === "timeout" || error.kind === "server") return true;
  if (error.kind !== "connection") return false;
  const code = systemErrorCode(error.cause);
  return !(code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN");
}

export interface ImportResult {
  summary: ImportSummary;
  /** 0 when every row is done, 1 when some failed, the stop's status when the run stopped early. */
  exitCode: number;
}

export async function importLoans(options: ImportOptions): Promise<ImportResult> {
  const { client, me, apiUrl, csvFile, progress } = options;
  const stateFile = options.stateFile ?? defaultStateFile(csvFile);
  const failedFile = options.failedFile ?? defaultFailedFile(csvFile);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 32));

  let text: string;
  try {
    text = fs.readFileSync(csvFile, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${csvFile}: ${(error as Error).message}`);
  }
  let plan: ImportPlan;
  try {
    plan = planImport(text);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw usageError(`${csvFile}: ${(error as Error).message}`);
  }

  options.onPlan?.(plan.rows.length);
  const release = acquireLock(stateFile);
  try {
    const state = ImportState.load(stateFile, apiUrl, path.basename(csvFile));
    const summary: ImportSummary = {
      file: csvFile,
      state_file: stateFile,
      failed_file: null,
      total: plan.rows.length,
      created: 0,
      failed: 0,
      skipped: 0,
      recovered: 0,
      not_attempted: 0,
      stopped: null,
      loans: [],
      failures: [],
    };
    // rows a previous run left pending: find the loans they may have become
    const pendingKeys = Object.keys(state.data.pending);
    if (pendingKeys.length > 0) {
      progress.status(`checking ${pendingKeys.length} row(s) an earlier run left unfinished`);
      summary.recovered = await reconcile(client, me, state);
      await state.flush();
      progress.status("");
    }

    const failRow = (row: ImportRow, error: string): void => {
      summary.failed++;
      summary.failures.push({ line: row.line, ...(row.ref !== undefined ? { ref: row.ref } : {}), error });
      progress.tick("failed");
    };

    let next = 0;
    let stop: CliError | undefined;
    const work = async (): Promise<void> => {
      while (!stop && next < plan.rows.length) {
        const row = plan.rows[next++]!;
        if (row.error !== undefined || !row.key || !row.request) {
          failRow(row, row.error ?? "invalid row");
          continue;
        }
        const done = state.data.done[row.key];
        if (done) {
          summary.skipped++;
          summary.loans.push({ line: row.line, ...(row.ref !== undefined ? { ref: row.ref } : {}), loan_id: done.loan_id });
          progress.tick("skipped");
          continue;
        }
        state.data.pending[row.key] = {
          line: row.line,
          started_at: new Date().toISOString(),
          customer_id: row.request.customer_id,
          principal: row.request.principal,
          tenure_months: row.request.tenure_months,
        };
        await state.flush();
        try {
          const loan = await client.requestLoan(row.request);
          delete state.data.pending[row.key];
          state.data.done[row.key] = { loan_id: loan.id, line: row.line, at: new Date().toISOString() };
          await state.flush();
          summary.created++;
          summary.loans.push({ line: row.line, ...(row.ref !== undefined ? { ref: row.ref } : {}), loan_id: loan.id });
          progress.tick("ok");
        } catch (error) {
          if (!(error instanceof LoanApiError)) throw error;
          if (!outcomeUnknown(error)) delete state.data.pending[row.key];
          await state.flush();
          const described = describeApiError(error, { apiUrl, hadToken: true });
          failRow(row, outcomeUnknown(error) ? `${described.message} (the next run checks whether the loan was made)` : described.message);
          if (isFatal(error) && !stop) stop = described;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, plan.rows.length)) }, work));
    progress.finish();

    if (stop) {
      summary.stopped = stop.message;
      summary.not_attempted = plan.rows.length - summary.created - summary.failed - summary.skipped;
    }
    summary.loans.sort((a, b) => a.line - b.line);
    summary.failures.sort((a, b) => a.line - b.line);
    summary.failed_file = writeFailedReport(failedFile, plan, summary.failures);
    return { summary, exitCode: stop ? stop.exitCode : summary.failed > 0 ? EXIT.FAILED : EXIT.OK };
  } finally {
    release();
  }
}

/**
 * Matches each pending row with a loan this agent made for the same customer, principal and
 * tenure no earlier than the row was started (less a few minutes of clock skew) that no
 * other row claims. A match becomes done; a row without one is asked for again.
 */
async function reconcile(client: LoanClient, me: User, state: ImportState): Promise<number> {
  const claimed = new Set(Object.values(state.data.done).map((entry) => entry.loan_id));
  const pending = Object.entries(state.data.pending).sort(([, a], [, b]) => a.started_at.localeCompare(b.started_at));
  const earliest = Math.min(...pending.map(([, entry]) => Date.parse(entry.started_at))) - 5 * 60_000;
  const candidates = [];
  for await (const loan of paginate((query) => client.listLoans(query))) {
    if (loan.agent_id === me.id && !claimed.has(loan.id) && Date.parse(loan.created_at) >= earliest) candidates.push(loan);
  }
  candidates.sort((a, b) => a.id - b.id);
  let recovered = 0;
  for (const [key, entry] of pending) {
    const since = Date.parse(entry.started_at) - 5 * 60_000;
    const match = candidates.find(
      (loan) =>
        !claimed.has(loan.id) && loan.customer_id === entry.customer_id && loan.principal === entry.principal && loan.tenure_months === entry.tenure_months && Date.parse(loan.created_at) >= since,
    );
    delete state.data.pending[key];
    if (match) {
      claimed.add(match.id);
      state.data.done[key] = { loan_id: match.id, line: entry.line, at: new Date().toISOString() };
      recovered++;
    }
  }
  return recovered;
}

/** FILE.failed.csv: the failed rows as they were, with an `error` column; removed when none failed. */
function writeFailedReport(file: string, plan: ImportPlan, failures: ImportSummary["failures"]): string | null {
  if (failures.length === 0) {
    fs.rmSync(file, { force: true });
    return null;
  }
  const errorAt = plan.header.indexOf("error");
  const header = errorAt >= 0 ? plan.header : [...plan.header, "error"];
  const byLine = new Map(plan.rows.map((row) => [row.line, row]));
  const lines = [csvLine(header)];
  for (const failure of failures) {
    const fields = [...(byLine.get(failure.line)?.fields ?? [])];
    while (fields.length < plan.header.length) fields.push("");
    fields.length = plan.header.length;
    if (errorAt >= 0) fields[errorAt] = failure.error;
    else fields.push(failure.error);
    lines.push(csvLine(fields));
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, lines.join("\n") + "\n");
  fs.renameSync(tmp, file);
  return file;
}
