/**
 * The loan replay (domain/replay.ts). Hand-worked cases are held to an independent reference:
 * test/reference/replay_reference.py, written from the spec with Python's decimal and
 * calendar modules, whose answers are kept in replay-expected.json (regenerate with
 * `python3 test/reference/replay_reference.py < test/reference/replay-cases.json >
 * test/reference/replay-expected.json`). Then properties over random loans and transactions:
 * nothing lost or created, the replay equal to a plain re-computation, reversing and
 * re-recording a repayment gives back the same loan.
 */
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { addDays } from "../../domain/calendar.js";
import { fromCents, toCents } from "../../domain/cents.js";
import { emi } from "../../domain/loan-math.js";
import { replay, sumParts, unpaidOf, type Parts, type PenaltyRule, type Replay, type ReplayTransaction } from "../../domain/replay.js";
import { buildSchedule, type Installment } from "../../domain/schedule.js";
import type { TransactionType } from "../../sdk/contracts.js";

interface CaseTransaction {
  id: number;
  type: TransactionType;
  amount: string;
  value_date: string;
  installment_number: number | null;
  charge_id: number | null;
  reversed: boolean;
}

interface ReferenceCase {
  name: string;
  terms: { principal: string; interest_rate: string; tenure_months: number };
  disbursed_on: string;
  transactions: CaseTransaction[];
  penalty?: { grace_days: number; kind: "FLAT" | "PERCENT"; amount: string };
  charge_up_to?: string;
  expected: unknown;
}

const REFERENCE = path.resolve(__dirname, "../reference/replay-expected.json");
const cases = (JSON.parse(fs.readFileSync(REFERENCE, "utf8")) as { cases: ReferenceCase[] }).cases;

const scheduleOf = (terms: ReferenceCase["terms"], disbursedOn: string): Installment[] => buildSchedule({ ...terms, emi: emi(terms.principal, terms.interest_rate, terms.tenure_months) }, disbursedOn);

const txOf = (t: CaseTransaction): ReplayTransaction => ({ ...t, amount: toCents(t.amount) });
const penaltyOf = (p: ReferenceCase["penalty"]): PenaltyRule | undefined => p && { grace_days: p.grace_days, kind: p.kind, amount: toCents(p.amount) };

const money = (p: Parts) => ({ principal: fromCents(p.principal), interest: fromCents(p.interest), fee: fromCents(p.fee), penalty: fromCents(p.penalty) });

/** The replay in the reference's shape: two-place strings. */
function asReference(r: Replay) {
  return {
    installments: r.installments.map((i) => ({ number: i.number, due_date: i.due_date, due: money(i.due), paid: money(i.paid), waived: money(i.waived), written_off: money(i.written_off) })),
    repayments: r.repayments.map((s) => ({
      id: s.id,
      ...money(s),
      unallocated: fromCents(s.unallocated),
      installments: s.installments.map((i) => ({ number: i.number, ...money(i) })),
    })),
    waivers: r.waivers.map((w) => ({ id: w.id, charge_id: w.charge_id, amount: fromCents(w.amount) })),
    written_off: r.written_off && money(r.written_off),
    new_penalties: r.newPenalties.map((p) => ({ installment_number: p.installment_number, value_date: p.value_date, amount: fromCents(p.amount) })),
    outstanding: money(r.outstanding),
    next_due_date: r.next_due_date,
  };
}

describe("hand-worked cases, against the independent Python reference", () => {
  test.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = replay(scheduleOf(c.terms, c.disbursed_on), c.transactions.map(txOf), { penalty: penaltyOf(c.penalty), chargeUpTo: c.charge_up_to });
    expect(asReference(result)).toEqual(c.expected);
  });

  test("the reference covers what the issue names: fees, penalties, partial, early and back-dated payments, a reversal, a reopened loan", () => {
    const names = cases.map((c) => c.name).join("\n");
    for (const word of ["fee", "penalt", "partial", "early", "back-dated", "reversing the first", "reopens", "waive", "write-off"]) expect(names).toContain(word);
  });
});

describe("what the figures mean", () => {
  const terms = { principal: "12000.00", interest_rate: "10.50", tenure_months: 6 };
  const schedule = scheduleOf(terms, "2026-03-15");
  const tx = (id: number, type: TransactionType, amount: string, date: string, extra: Partial<ReplayTransaction> = {}): ReplayTransaction => ({
    id,
    type,
    amount: toCents(amount),
    value_date: date,
    installment_number: null,
    charge_id: null,
    reversed: false,
    ...extra,
  });

  test("a repayment that finds a charge dated after it leaves that charge to the next repayment", () => {
    const r = replay(schedule, [tx(1, "PENALTY", "50.00", "2026-04-20", { installment_number: 1 }), tx(2, "REPAYMENT", "100.00", "2026-04-19"), tx(3, "REPAYMENT", "100.00", "2026-04-20")]);
    expect(r.repayments.map((s) => fromCents(s.penalty))).toEqual(["0.00", "50.00"]);
  });

  test("on one value date, the charge applies before the repayment whatever the recording order", () => {
    const r = replay(schedule, [tx(1, "REPAYMENT", "100.00", "2026-04-20"), tx(2, "PENALTY", "50.00", "2026-04-20", { installment_number: 1 })]);
    expect(fromCents(r.repayments[0]!.penalty)).toBe("50.00");
  });

  test("two runs of close of business for the same date, the second seeing the first's penalty: one penalty", () => {
    const rule: PenaltyRule = { grace_days: 2, kind: "FLAT", amount: toCents("25.00") };
    const first = replay(schedule, [], { penalty: rule, chargeUpTo: "2026-04-30" });
    expect(first.newPenalties).toEqual([{ installment_number: 1, value_date: "2026-04-18", amount: toCents("25.00") }]);
    const booked = first.newPenalties.map((p, i) => tx(10 + i, "PENALTY", fromCents(p.amount), p.value_date, { installment_number: p.installment_number }));
    expect(replay(schedule, booked, { penalty: rule, chargeUpTo: "2026-04-30" }).newPenalties).toEqual([]);
  });

  test("a penalty is charged only once its date has come: the day after due date + grace", () => {
    const rule: PenaltyRule = { grace_days: 2, kind: "FLAT", amount: toCents("25.00") };
    expect(replay(schedule, [], { penalty: rule, chargeUpTo: "2026-04-17" }).newPenalties).toEqual([]);
    expect(replay(schedule, [], { penalty: rule, chargeUpTo: addDays("2026-04-17", 1) }).newPenalties).toHaveLength(1);
    expect(replay(schedule, [], { penalty: rule }).newPenalties).toEqual([]); // no close of business asked
  });

  test("asked for the first penalty only, the replay stops deciding after it: the same first penalty", () => {
    const rule: PenaltyRule = { grace_days: 2, kind: "FLAT", amount: toCents("25.00") };
    const all = replay(schedule, [], { penalty: rule, chargeUpTo: "9999-12-31" }).newPenalties;
    expect(all.length).toBeGreaterThan(1);
    expect(replay(schedule, [], { penalty: rule, chargeUpTo: "9999-12-31", firstPenaltyOnly: true }).newPenalties).toEqual([all[0]]);
  });
});

// ---- properties ----

interface Scenario {
  principal: string;
  rate: string;
  months: number;
  transactions: ReplayTransaction[];
  penalty: PenaltyRule | null;
  upTo: string;
}

const DISBURSED = "2026-01-31";

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    principalCents: fc.bigInt({ min: 100_000n, max: 2_000_000_00n }),
    rate: fc.constantFrom("0.00", "7.25", "10.50", "12.00", "19.99"),
    months: fc.integer({ min: 1, max: 24 }),
    fee: fc.option(fc.bigInt({ min: 1n, max: 50_000n })),
    penalty: fc.option(fc.record({ grace_days: fc.integer({ min: 0, max: 10 }), flat: fc.boolean(), amount: fc.bigInt({ min: 1n, max: 2_000n }) })),
    payments: fc.array(fc.record({ day: fc.integer({ min: 1, max: 800 }), cents: fc.bigInt({ min: 1n, max: 500_000n }), reversed: fc.boolean() }), { maxLength: 12 }),
    upToDay: fc.integer({ min: 0, max: 800 }),
  })
  .map(({ principalCents, rate, months, fee, penalty, payments, upToDay }) => {
    const transactions: ReplayTransaction[] = [];
    let id = 1;
    if (fee !== null) transactions.push({ id: id++, type: "FEE", amount: fee, value_date: DISBURSED, installment_number: 1, charge_id: null, reversed: false });
    for (const p of payments) {
      transactions.push({ id: id++, type: "REPAYMENT", amount: p.cents, value_date: addDays(DISBURSED, p.day), installment_number: null, charge_id: null, reversed: p.reversed });
    }
    return {
      principal: fromCents(principalCents),
      rate,
      months,
      transactions,
      penalty: penalty && { grace_days: penalty.grace_days, kind: penalty.flat ? "FLAT" : "PERCENT", amount: penalty.amount },
      upTo: addDays(DISBURSED, upToDay),
    };
  });

const scheduleFor = (s: Scenario) => buildSchedule({ principal: s.principal, interest_rate: s.rate, tenure_months: s.months, emi: emi(s.principal, s.rate, s.months) }, DISBURSED);

/**
 * The plain re-computation: money owed as one list of (installment, part, amount, from-date)
 * buckets in paying order, each repayment (by date, then id) taking from the first buckets it
 * may pay; penalties decided by the engine are taken as given charges here.
 */
function plainReplay(schedule: readonly Installment[], transactions: readonly ReplayTransaction[]): { paid: bigint[][]; unallocated: bigint[] } {
  const PARTS = 4; // penalty, fee, interest, principal
  const buckets = schedule.map((row) => [
    [] as { amount: bigint; from: string }[],
    [] as { amount: bigint; from: string }[],
    [{ amount: row.interest, from: "" }],
    [{ amount: row.principal, from: "" }],
  ]);
  for (const t of transactions) {
    if (t.reversed || (t.type !== "FEE" && t.type !== "PENALTY")) continue;
    buckets[t.installment_number! - 1]![t.type === "PENALTY" ? 0 : 1]!.push({ amount: t.amount, from: t.value_date });
  }
  const paid = schedule.map(() => Array.from({ length: PARTS }, () => 0n));
  const unallocated: bigint[] = [];
  const repayments = transactions.filter((t) => t.type === "REPAYMENT" && !t.reversed).sort((a, b) => (a.value_date === b.value_date ? a.id - b.id : a.value_date < b.value_date ? -1 : 1));
  for (const r of repayments) {
    let left = r.amount;
    buckets.forEach((row, i) =>
      row.forEach((part, p) => {
        for (const b of part) {
          if (b.from > r.value_date || left === 0n) continue;
          const take = b.amount < left ? b.amount : left;
          b.amount -= take;
          left -= take;
          paid[i]![p]! += take;
        }
      }),
    );
    unallocated.push(left);
  }
  return { paid, unallocated };
}

describe("properties over random loans, charges, repayments and reversals", () => {
  test("nothing is lost or created: every repayment is allocated or left over, every part within what is due", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const r = replay(scheduleFor(s), s.transactions, { penalty: s.penalty, chargeUpTo: s.upTo });
        const live = s.transactions.filter((t) => t.type === "REPAYMENT" && !t.reversed);
        expect(r.repayments.map((x) => sumParts(x) + x.unallocated)).toEqual(
          [...live].sort((a, b) => (a.value_date === b.value_date ? a.id - b.id : a.value_date < b.value_date ? -1 : 1)).map((t) => t.amount),
        );
        const due = r.installments.reduce((n, i) => n + sumParts(i.due), 0n);
        const paid = r.installments.reduce((n, i) => n + sumParts(i.paid), 0n);
        expect(paid).toBe(r.repayments.reduce((n, x) => n + sumParts(x), 0n));
        expect(due - paid).toBe(sumParts(r.outstanding));
        for (const i of r.installments) expect(unpaidOf(i) >= 0n).toBe(true);
      }),
      { numRuns: 300, seed: 1812 },
    );
  });

  test("equals the plain re-computation, part by part", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const schedule = scheduleFor(s);
        const r = replay(schedule, s.transactions, { penalty: s.penalty, chargeUpTo: s.upTo });
        // The engine's new penalties become given charges for the plain one (its own rule is checked by the reference cases).
        const charged = r.newPenalties.map((p, i): ReplayTransaction => ({
          id: 10_000 + i,
          type: "PENALTY",
          amount: p.amount,
          value_date: p.value_date,
          installment_number: p.installment_number,
          charge_id: null,
          reversed: false,
        }));
        const plain = plainReplay(schedule, [...s.transactions, ...charged]);
        expect(r.installments.map((i) => [i.paid.penalty, i.paid.fee, i.paid.interest, i.paid.principal])).toEqual(plain.paid);
        expect(r.repayments.map((x) => x.unallocated)).toEqual(plain.unallocated);
      }),
      { numRuns: 300, seed: 2024 },
    );
  });

  test("reversing a repayment and recording it again gives back the same loan", () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, pick) => {
        const live = s.transactions.filter((t) => t.type === "REPAYMENT" && !t.reversed);
        fc.pre(live.length > 0);
        const chosen = live[pick % live.length]!;
        const again = [...s.transactions.map((t) => (t === chosen ? { ...t, reversed: true } : t)), { ...chosen, id: 1_000 }];
        const schedule = scheduleFor(s);
        const before = replay(schedule, s.transactions);
        const after = replay(schedule, again);
        expect(after.installments).toEqual(before.installments);
        expect(after.outstanding).toEqual(before.outstanding);
        expect(after.next_due_date).toBe(before.next_due_date);
      }),
      { numRuns: 300, seed: 77 },
    );
  });

  test("a write-off leaves nothing outstanding and takes exactly what was", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const schedule = scheduleFor(s);
        const before = replay(schedule, s.transactions);
        const last = s.transactions.reduce((d, t) => (t.value_date > d ? t.value_date : d), DISBURSED);
        const off: ReplayTransaction = { id: 5_000, type: "WRITE_OFF", amount: 0n, value_date: last, installment_number: null, charge_id: null, reversed: false };
        const after = replay(schedule, [...s.transactions, off], { penalty: s.penalty, chargeUpTo: s.upTo });
        expect(sumParts(after.outstanding)).toBe(0n);
        expect(after.written_off).toEqual(before.outstanding);
        expect(after.newPenalties).toEqual([]);
        expect(after.next_due_date).toBeNull();
      }),
      { numRuns: 200, seed: 9 },
    );
  });
});
