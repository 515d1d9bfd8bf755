/**
 * Pure parts of loanctl's output: tables, colour rules, argument parsers, progress, the
 * credentials file and the one-line errors.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { InvalidArgumentError } from "commander";
import { loanStatus, money, pageSize, positiveInt, toMoney } from "../../cli/args.js";
import { configDir, CredentialStore, isExpired } from "../../cli/credentials.js";
import { describeApiError, EXIT } from "../../cli/errors.js";
import { colorEnabled, displayWidth, renderTable } from "../../cli/output.js";
import { formatDuration, Progress, renderBar } from "../../cli/progress.js";
import { loansTable } from "../../cli/views.js";
import { ConnectionError, LoanApiError, type Loan } from "../../sdk/index.js";

const loan = (id: number, principal: string, status: Loan["status"]): Loan => ({
  id,
  customer_id: 3,
  agent_id: 5,
  principal,
  interest_rate: "12.00",
  tenure_months: 24,
  emi: "11768.37",
  status,
  version: 1,
  decided_by: null,
  decided_at: null,
  created_at: "2025-03-01T10:12:13.000Z",
  updated_at: "2025-03-01T10:12:13.000Z",
  disbursed_on: null,
  closed_at: null,
  outstanding_principal: null,
  outstanding_interest: null,
  outstanding_fee: null,
  outstanding_penalty: null,
  next_due_date: null,
  days_past_due: null,
  product_code: "STANDARD",
  disbursement_fee: "0.00",
});

describe("tables", () => {
  test("columns line up, numbers to the right, two spaces apart, no trailing blanks", () => {
    const text = renderTable(
      [
        { header: "ID", value: (r: [number, string]) => String(r[0]), align: "right" },
        { header: "NAME", value: (r) => r[1] },
      ],
      [
        [1, "Ann"],
        [120, "Bartholomew"],
      ],
    );
    expect(text).toBe(" ID  NAME\n  1  Ann\n120  Bartholomew\n");
  });

  test("colour wraps the text but not the padding, so the columns stay aligned", () => {
    const plain = loansTable([loan(1, "250000.00", "NEW"), loan(22, "1000.00", "APPROVED")], false);
    const coloured = loansTable([loan(1, "250000.00", "NEW"), loan(22, "1000.00", "APPROVED")], true);
    expect(coloured).toContain("\u001b[32mAPPROVED\u001b[39m");
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);
    const lines = plain.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^ID {2}CUSTOMER {2}AGENT {2}PRINCIPAL/);
    expect(lines[1]!.indexOf("250000.00") + 9).toBe(lines[2]!.indexOf("1000.00") + 7); // right-aligned
    expect(plain).toContain("2025-03-01 10:12");
  });

  test("width counts code points and ignores colour codes", () => {
    expect(displayWidth("Zoë")).toBe(3);
    expect(displayWidth("\u001b[1mab\u001b[22m")).toBe(2);
  });
});

describe("colour", () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };
  test("on a terminal, never with NO_COLOR, TERM=dumb or --no-color; FORCE_COLOR for pipes", () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled(tty, { TERM: "dumb" })).toBe(false);
    expect(colorEnabled(tty, {}, false)).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled(pipe, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(false);
  });
});

describe("arguments", () => {
  test("money is a two-place string, never rounded", () => {
    expect(toMoney("250000")).toBe("250000.00");
    expect(toMoney("250000.5")).toBe("250000.50");
    expect(toMoney("1,200,000.25")).toBe("1200000.25");
    expect(toMoney("1_000")).toBe("1000.00");
    expect(toMoney("007")).toBe("7.00");
    expect(toMoney("1.234")).toBeUndefined();
    expect(toMoney("-5")).toBeUndefined();
    expect(toMoney("1e5")).toBeUndefined();
    expect(() => money("abc")).toThrow(InvalidArgumentError);
  });

  test("ids, page sizes and statuses", () => {
    expect(positiveInt("42")).toBe(42);
    expect(() => positiveInt("0")).toThrow(InvalidArgumentError);
    expect(() => positiveInt("4.2")).toThrow(InvalidArgumentError);
    expect(() => pageSize("101")).toThrow(/at most 100/);
    expect(loanStatus("approved")).toBe("APPROVED");
    expect(() => loanStatus("PAID")).toThrow(/NEW, APPROVED, REJECTED/);
  });
});

describe("progress", () => {
  test("a bar for terminals", () => {
    expect(renderBar(5, 10, 10)).toBe("█████░░░░░");
    expect(renderBar(0, 0, 4)).toBe("████");
    expect(formatDuration(75)).toBe("1m15s");
  });

  test("without a terminal: a line every few seconds and one at the end, no escape codes", () => {
    let now = 0;
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) > 0 };
    const progress = new Progress(stream, { label: "import", total: 4, tty: false, lineInterval: 2, now: () => now });
    progress.tick("ok");
    now = 1000;
    progress.tick("ok");
    expect(lines).toHaveLength(0);
    now = 2500;
    progress.tick("failed");
    now = 2600;
    progress.tick("skipped");
    progress.finish();
    expect(lines).toEqual(["import: 3/4, 2 ok, 1 failed, eta 1s\n", "import: 4/4, 2 ok, 1 failed, 1 skipped\n"]);
  });

  test("on a terminal the bar is redrawn in place and cleared at the end", () => {
    let out = "";
    const progress = new Progress({ write: (s: string) => Boolean((out += s)) }, { label: "seed", total: 2, tty: true, now: () => 0 });
    progress.tick("ok");
    progress.tick("ok");
    progress.finish();
    expect(out).toContain("\r\u001b[K");
    expect(out).toContain("100% seed: 2/2, 2 ok, 0 failed");
    expect(out.endsWith("\r\u001b[K")).toBe(true);
  });
});

describe("credentials", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-creds-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("$XDG_CONFIG_HOME/loanctl, else ~/.config/loanctl; a relative XDG_CONFIG_HOME is ignored", () => {
    expect(configDir({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/u" })).toBe("/x/cfg/loanctl");
    expect(configDir({ HOME: "/home/u" })).toBe("/home/u/.config/loanctl");
    expect(configDir({ XDG_CONFIG_HOME: "rel", HOME: "/home/u" })).toBe("/home/u/.config/loanctl");
  });

  test("saved with mode 0600 in a 0700 directory, loaded back, removed", () => {
    const previous = process.umask(0o022);
    try {
      const store = new CredentialStore({ XDG_CONFIG_HOME: dir });
      const credentials = {
        apiUrl: "http://api.test",
        token: "tok",
        user: { id: 1, email: "a@b.c", role: "admin" as const },
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      };
      store.save(credentials);
      expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(store.file)).mode & 0o777).toBe(0o700);
      expect(store.load()).toEqual(credentials);
      expect(isExpired(credentials)).toBe(false);
      expect(isExpired({ ...credentials, expiresAt: "2000-01-01T00:00:00Z" })).toBe(true);
      expect(store.remove()).toBe(true);
      expect(store.remove()).toBe(false);
      expect(store.load()).toBeUndefined();
    } finally {
      process.umask(previous);
    }
  });

  test("a damaged file reads as no login", () => {
    const store = new CredentialStore({ XDG_CONFIG_HOME: dir });
    fs.mkdirSync(path.dirname(store.file), { recursive: true });
    fs.writeFileSync(store.file, '{"token": 1}');
    expect(store.load()).toBeUndefined();
  });
});

describe("error lines", () => {
  const context = { apiUrl: "http://api.test", hadToken: true };
  test("each kind gets a clear line and its exit status", () => {
    const refused = new ConnectionError("x", { cause: { code: "ECONNREFUSED" } });
    expect(describeApiError(refused, context)).toMatchObject({ exitCode: EXIT.UNREACHABLE, message: expect.stringContaining("cannot reach the API at http://api.test (ECONNREFUSED)") });
    const expired = LoanApiError.fromResponse(401, { message: "invalid or expired token", code: 401 }, { path: "/api/user/profile" });
    expect(describeApiError(expired, context)).toMatchObject({ exitCode: EXIT.AUTH, message: expect.stringContaining("run `loanctl login`") });
    const conflict = LoanApiError.fromResponse(409, { message: "only a NEW loan can be decided", code: 409 });
    expect(describeApiError(conflict, context)).toMatchObject({ exitCode: EXIT.FAILED, message: "only a NEW loan can be decided (HTTP 409)" });
    const invalid = LoanApiError.fromResponse(422, { message: "Validation failed", code: 422, data: [{ field: "principal", message: "principal must be at least 1000.00" }] });
    expect(describeApiError(invalid, context).message).toBe("Validation failed: principal must be at least 1000.00");
    const limited = LoanApiError.fromResponse(429, { message: "Too many requests", code: 429 }, { retryAfter: 12.2 });
    expect(describeApiError(limited, context).message).toBe("Too many requests; try again in 13 s");
  });
});
