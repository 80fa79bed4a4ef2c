import { expect } from "chai";
import { chainStartDate, clockFromEnv, isoTodayOf, manualClock, periodOf, shiftedClock, systemClock, todayOf } from "../src/clock.ts";

const DAY_MS = 86_400_000;

describe("clock: the one source of today", function () {
  it("is the wall clock when PACHAIN_TODAY is not set", function () {
    expect(clockFromEnv({})).to.equal(systemClock);
    expect(chainStartDate(systemClock)).to.deep.equal({});
  });

  it("moves the date to PACHAIN_TODAY, keeps the time of day, and hands children the exact offset", function () {
    const env: NodeJS.ProcessEnv = { PACHAIN_TODAY: "2028-02-29" };
    const clock = clockFromEnv(env);
    expect(todayOf(clock)).to.equal(20280229);
    expect(periodOf(clock)).to.equal(202802);
    expect(isoTodayOf(clock)).to.equal("2028-02-29");
    expect(clock.nowMs() % DAY_MS).to.be.closeTo(Date.now() % DAY_MS, 5_000);
    const offset = Number(env.PACHAIN_CLOCK_OFFSET_MS);
    expect(offset % DAY_MS).to.equal(0);
    // A child started later reads the offset, not the date: the same shift even across midnight.
    const child = clockFromEnv({ PACHAIN_TODAY: "1999-01-01", PACHAIN_CLOCK_OFFSET_MS: String(offset) });
    expect(todayOf(child)).to.equal(20280229);
    expect(chainStartDate(clock).initialDate!.toISOString().slice(0, 10)).to.equal("2028-02-29");
  });

  it("refuses a day that is not on the calendar, naming the variable", function () {
    for (const bad of ["2027-02-29", "2026-13-01", "20260101", "tomorrow"]) {
      expect(() => clockFromEnv({ PACHAIN_TODAY: bad }), bad).to.throw(/PACHAIN_TODAY/);
    }
    expect(() => clockFromEnv({ PACHAIN_CLOCK_OFFSET_MS: "1.5" })).to.throw(/PACHAIN_CLOCK_OFFSET_MS/);
  });

  it("shifts and steps clocks for tests", function () {
    const manual = manualClock(Date.UTC(2026, 11, 31, 23, 59));
    expect(todayOf(manual)).to.equal(20261231);
    manual.advance(60_000);
    expect(todayOf(manual)).to.equal(20270101);
    expect(todayOf(shiftedClock(DAY_MS, manual))).to.equal(20270102);
    manual.set(Date.UTC(2028, 1, 29));
    expect(periodOf(manual)).to.equal(202802);
  });
});
