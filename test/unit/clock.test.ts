import { fixedClock, systemClock, todayOf } from "../../domain/clock.js";

describe("the clock", () => {
  test("a fixed clock always answers its instant; its date is the UTC calendar date", () => {
    const clock = fixedClock("2026-03-31T23:59:59.999Z");
    expect(clock.now().toISOString()).toBe("2026-03-31T23:59:59.999Z");
    expect(todayOf(clock)).toBe("2026-03-31");
    expect(todayOf(fixedClock("2026-04-01T00:00:00Z"))).toBe("2026-04-01");
    expect(todayOf(fixedClock("2026-06-15"))).toBe("2026-06-15");
    expect(todayOf(fixedClock(new Date(Date.UTC(2027, 0, 1, 12))))).toBe("2027-01-01");
  });

  test("what a fixed clock answers cannot be changed by its caller", () => {
    const clock = fixedClock("2026-06-15");
    clock.now().setUTCFullYear(1999);
    expect(todayOf(clock)).toBe("2026-06-15");
  });

  test("a fixed clock of no instant is refused at once", () => {
    expect(() => fixedClock("2026-02-30T99:00")).toThrow(RangeError);
    expect(() => fixedClock("tomorrow")).toThrow(/not an instant/);
  });

  test("the system clock is the machine's time", () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(todayOf(systemClock)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
