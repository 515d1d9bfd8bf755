/** loanctl's names beside ids (cli/names.ts): looked up once per id, a few at a time, never failing the command. */
import { UserNames, bareId, labelOf } from "../../cli/names.js";
import { loanRecord, loansTable } from "../../cli/views.js";
import type { Loan } from "../../sdk/index.js";

const person = (id: number, first_name = `First${id}`, last_name = `Last${id}`) => ({ id, first_name, last_name });

describe("labelOf and bareId", () => {
  test("the id, then the name; the id alone for a blank name; - for none", () => {
    expect(labelOf(person(2, "Ada", "Lovelace"))).toBe("2 Ada Lovelace");
    expect(labelOf(person(2, " ", ""))).toBe("2");
    expect(bareId(7)).toBe("7");
    expect(bareId(null)).toBe("-");
    expect(bareId(undefined)).toBe("-");
  });
});

describe("UserNames", () => {
  test("each distinct id is looked up once, however often it appears and however many calls ask", async () => {
    const asked: number[] = [];
    const names = new UserNames(async (id) => (asked.push(id), person(id)));
    const first = await names.resolve([1, 2, 1, null, 2, undefined, 3]);
    const second = await names.resolve([3, 2, 4]);
    expect(asked.sort()).toEqual([1, 2, 3, 4]);
    expect([first(1), first(2), first(null), second(4), second(1)]).toEqual(["1 First1 Last1", "2 First2 Last2", "-", "4 First4 Last4", "1 First1 Last1"]);
  });

  test("a failed lookup (403, 404, network) shows the bare id; the others still get their names; resolve never rejects", async () => {
    const names = new UserNames(async (id) => {
      if (id === 2) throw Object.assign(new Error("Your role may not do this"), { status: 403 });
      if (id === 3) throw new Error("fetch failed");
      return person(id);
    });
    const name = await names.resolve([1, 2, 3]);
    expect([name(1), name(2), name(3)]).toEqual(["1 First1 Last1", "2", "3"]);
    // An id never asked about shows bare too.
    expect(name(99)).toBe("99");
  });

  test("at most `concurrency` lookups are in flight at once, and all of them run concurrently up to it", async () => {
    let inFlight = 0;
    let most = 0;
    const names = new UserNames(async (id) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return person(id);
    }, 4);
    const ids = Array.from({ length: 30 }, (_, i) => i + 1);
    const name = await names.resolve(ids);
    expect(most).toBe(4);
    expect(ids.map(name)).toEqual(ids.map((id) => `${id} First${id} Last${id}`));
  });

  test("ids that are no user id (0, negative, fractions) are never looked up", async () => {
    const asked: number[] = [];
    const names = new UserNames(async (id) => (asked.push(id), person(id)));
    await names.resolve([0, -1, 1.5, Number.NaN]);
    expect(asked).toEqual([]);
  });
});

describe("tables and records with names", () => {
  const loan = {
    id: 42,
    customer_id: 2,
    agent_id: 3,
    principal: "250000.00",
    interest_rate: "12.00",
    tenure_months: 24,
    emi: "11768.37",
    status: "APPROVED",
    version: 1,
    decided_by: 1,
    decided_at: "2026-01-16T08:00:00.000Z",
    created_at: "2026-01-15T08:00:00.000Z",
    updated_at: "2026-01-16T08:00:00.000Z",
    product_code: "STANDARD",
    disbursement_fee: "0.00",
    disbursed_on: null,
  } as unknown as Loan;
  const name = (id: number | null | undefined) => (id === 2 ? "2 Ada Lovelace" : id === 1 ? "1 Admin Bootstrap" : bareId(id));

  test("loans list: CUSTOMER and AGENT show the name when known, the id when not", () => {
    const [header, row] = loansTable([loan], false, name).split("\n");
    expect(header).toMatch(/^ID {2}CUSTOMER {8}AGENT {2}PRINCIPAL/);
    expect(row).toMatch(/^42 {2}2 Ada Lovelace {2}3 {6}250000\.00/);
  });

  test("loans show: Customer, Agent and Decided by", () => {
    const record = loanRecord(loan, false, name);
    expect(record).toMatch(/^Customer +2 Ada Lovelace$/m);
    expect(record).toMatch(/^Agent +3$/m);
    expect(record).toMatch(/^Decided by +1 Admin Bootstrap$/m);
  });
});
