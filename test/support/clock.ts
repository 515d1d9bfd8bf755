/**
 * The "today" of the tests whose dates are written out (loans disbursed and repaid in 2026):
 * their stack's clock is pinned to it, so days past due, default dates and "not in the future"
 * come out the same in any year.
 */
import { fixedClock } from "../../domain/clock.js";

export const TEST_TODAY = "2026-06-15";
export const testClock = fixedClock(TEST_TODAY);
