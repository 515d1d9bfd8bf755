/**
 * Pure parts of `loans import`: the CSV reader, the row plan (keys, checks) and the state
 * file's atomic, coalesced writes.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CsvError, csvLine, parseCsv, parseCsvRecords } from "../../cli/csv.js";
import { defaultFailedFile, defaultStateFile, ImportState, planImport } from "../../cli/import.js";
import { CliError } from "../../cli/errors.js";

describe("CSV", () => {
  test("quoted fields, doubled quotes, commas and line breaks inside quotes, CRLF, BOM", () => {
    const text = '\ufeffa,b,c\r\n1,"x, y","say ""hi"""\r\n2,"two\nlines",\r\n';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
      { line: 2, fields: ["1", "x, y", 'say "hi"'] },
      { line: 3, fields: ["2", "two\nlines", ""] },
    ]);
  });

  test("blank lines are skipped but keep the line numbers true; no final newline is fine", () => {
    const records = parseCsvRecords("h\n\n1\n\n2");
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, "h"],
      [3, "1"],
      [5, "2"],
    ]);
  });

  test("header names are trimmed and lower-cased", () => {
    expect(parseCsv(" Customer_ID ,Principal\n1,2\n").header).toEqual(["customer_id", "principal"]);
  });

  test("broken quoting is an error with its line", () => {
    expect(() => parseCsvRecords('a\n"open')).toThrow(CsvError);
    expect(() => parseCsvRecords('a\n"x"y\n')).toThrow(/line 2/);
    expect(() => parseCsvRecords('a\nx"y\n')).toThrow(/line 2/);
    expect(() => parseCsv("")).toThrow(/empty/);
  });

  test("fields are quoted only when they must be, and read back the same", () => {
    const fields = ["plain", "a,b", 'q"uote', "line\nbreak", " padded", ""];
    const line = csvLine(fields);
    expect(line).toBe('plain,"a,b","q""uote","line\nbreak"," padded",');
    expect(parseCsvRecords(line)[0]!.fields).toEqual(fields);
  });
});

describe("import plan", () => {
  test("good rows get a request with a two-place principal and a key; bad rows an error", () => {
    const plan = planImport(
      ["customer_id,principal,tenure_months,note", "3,250000,24,first", '3,"1,200,000.5",120,grouped', "x,100,12,bad id", "4,12.345,12,three decimals", "5,1000,0,zero tenure", "6,1000,12,a,b"].join(
        "\n",
      ),
    );
    expect(plan.rows).toHaveLength(6);
    expect(plan.rows[0]).toMatchObject({ line: 2, request: { customer_id: 3, principal: "250000.00", tenure_months: 24 } });
    expect(plan.rows[1]!.request).toEqual({ customer_id: 3, principal: "1200000.50", tenure_months: 120 });
    expect(plan.rows[2]!.error).toMatch(/customer_id "x"/);
    expect(plan.rows[3]!.error).toMatch(/principal "12.345"/);
    expect(plan.rows[4]!.error).toMatch(/tenure_months "0"/);
    expect(plan.rows[5]!.error).toMatch(/5 fields, the header has 4/);
    expect(plan.rows.filter((r) => r.error).every((r) => r.key === undefined)).toBe(true);
  });

  test("without a ref the key is the content and its occurrence, not the line: inserting rows moves nothing", () => {
    const before = planImport("customer_id,principal,tenure_months\n1,5000,12\n1,5000,12\n2,7000,6\n");
    const after = planImport("customer_id,principal,tenure_months\n9,9000,9\n2,7000.00,6\n1,5000,12\n1,5000.0,12\n");
    const keys = (plan: ReturnType<typeof planImport>): string[] => plan.rows.map((r) => r.key!);
    expect(new Set(keys(before)).size).toBe(3); // two identical rows are two loans
    expect(keys(after).slice(1).sort()).toEqual(keys(before).sort());
  });

  test("a ref is the key; a ref used twice fails the second row", () => {
    const plan = planImport("ref,customer_id,principal,tenure_months\nA-1,1,5000,12\nA-2,1,5000,12\nA-1,2,6000,12\n,3,7000,12\n");
    expect(plan.rows.map((r) => r.key)).toEqual(["ref:A-1", "ref:A-2", undefined, expect.stringMatching(/^row:/)]);
    expect(plan.rows[2]!.error).toMatch(/ref "A-1" is already used on line 2/);
  });

  test("a missing column is a usage error naming it", () => {
    expect(() => planImport("customer_id,amount,tenure_months\n1,2,3\n")).toThrow(CliError);
    expect(() => planImport("customer_id,amount,tenure_months\n1,2,3\n")).toThrow(/no principal column/);
  });

  test("the state and failure files sit next to the CSV", () => {
    expect(defaultStateFile("/data/loans.csv")).toBe("/data/loans.csv.loanctl-state.json");
    expect(defaultFailedFile("/data/loans.csv")).toBe("/data/loans.failed.csv");
    expect(defaultFailedFile("/data/loans.CSV")).toBe("/data/loans.failed.csv");
    expect(defaultFailedFile("/data/loans.txt")).toBe("/data/loans.txt.failed.csv");
  });
});

describe("import state file", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "loanctl-state-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("writes are atomic and coalesced: every change made before a flush is on disk when it resolves", async () => {
    const file = path.join(dir, "loans.csv.loanctl-state.json");
    const state = ImportState.load(file, "http://api.test", "loans.csv");
    const renames = jest.spyOn(fs.promises, "rename");
    const flushes: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      state.data.done[`ref:${i}`] = { loan_id: i, line: i + 1, at: "2025-01-01T00:00:00Z" };
      flushes.push(state.flush());
    }
    await Promise.all(flushes);
    // 20 flushes, at most a write in progress and one queued behind it
    expect(renames.mock.calls.length).toBeLessThanOrEqual(3);
    renames.mockRestore();
    const reloaded = ImportState.load(file, "http://api.test", "loans.csv");
    expect(Object.keys(reloaded.data.done)).toHaveLength(20);
    expect(fs.readdirSync(dir)).toEqual(["loans.csv.loanctl-state.json"]); // no temporary file left
  });

  test("a state file of another server is refused", async () => {
    const file = path.join(dir, "s.json");
    await ImportState.load(file, "http://one.test", "x.csv").flush();
    expect(() => ImportState.load(file, "http://two.test", "x.csv")).toThrow(/records an import into http:\/\/one.test/);
    fs.writeFileSync(file, "{not json");
    expect(() => ImportState.load(file, "http://one.test", "x.csv")).toThrow(/not valid JSON/);
  });
});
