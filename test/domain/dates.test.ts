import { expect } from "chai";
import { ValidationError } from "../../src/errors.ts";
import {
  formatIsoDate,
  formatPeriod,
  isoDateFromUnixSeconds,
  parseIsoDate,
  parsePeriod,
  periodFirstDay,
  todayYmd,
  unixSecondsFromIsoDate,
} from "../../src/domain/dates.ts";

// 2026-02-01T00:00:00Z, computed independently (Python calendar.timegm).
const FEB_1_2026 = 1_769_904_000;

function expectInvalid(fn: () => unknown, code: string, field: string, message: RegExp): void {
  expect(fn).to.throw(ValidationError, message).that.includes({ code, field });
}

describe("dates", () => {
  describe("parseIsoDate", () => {
    it("converts YYYY-MM-DD to a YYYYMMDD number", () => {
      expect(parseIsoDate("2026-02-01", "d")).to.equal(20260201);
    });

    it("accepts 29 February in leap years, including 2000", () => {
      expect(parseIsoDate("2024-02-29", "d")).to.equal(20240229);
      expect(parseIsoDate("2000-02-29", "d")).to.equal(20000229);
    });

    it("accepts the first and last day of the supported range", () => {
      expect(parseIsoDate("1900-01-01", "d")).to.equal(19000101);
      expect(parseIsoDate("2199-12-31", "d")).to.equal(21991231);
    });

    for (const bad of ["2023-02-29", "1900-02-29", "2100-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00"]) {
      it(`refuses ${bad}, which is not a calendar date, naming the field`, () => {
        expectInvalid(() => parseIsoDate(bad, "facts[1].date"), "INVALID_DATE", "facts[1].date", /^facts\[1\]\.date: .* is not a calendar date/);
      });
    }

    for (const bad of ["1899-12-31", "2200-01-01"]) {
      it(`refuses the out-of-range year in ${bad}`, () => {
        expectInvalid(() => parseIsoDate(bad, "birthDate"), "INVALID_DATE", "birthDate", /year \d+ is outside 1900–2199/);
      });
    }

    for (const bad of ["2026-2-1", " 2026-02-01", "2026-02-01T00:00:00Z", "01/02/2026", "", 20260201, null]) {
      it(`refuses the malformed ${JSON.stringify(bad)}`, () => {
        expectInvalid(() => parseIsoDate(bad, "today"), "INVALID_DATE", "today", /^today: expected a date YYYY-MM-DD/);
      });
    }
  });

  describe("formatIsoDate", () => {
    it("formats YYYYMMDD with zero padding", () => {
      expect(formatIsoDate(20260201)).to.equal("2026-02-01");
      expect(formatIsoDate(19000101)).to.equal("1900-01-01");
    });

    for (const bad of [20260230, 2026020, 20261301, 20260201.5]) {
      it(`refuses ${bad}, which is not a YYYYMMDD day`, () => {
        expectInvalid(() => formatIsoDate(bad, "deathDate"), "INVALID_DATE", "deathDate", /is not a YYYYMMDD calendar date/);
      });
    }
  });

  describe("parsePeriod / formatPeriod / periodFirstDay", () => {
    it("converts YYYY-MM to YYYYMM and back", () => {
      expect(parsePeriod("2026-02", "p")).to.equal(202602);
      expect(formatPeriod(202602)).to.equal("2026-02");
    });

    it("gives the first day of the period, the day a payment is checked on", () => {
      expect(periodFirstDay(202612)).to.equal(20261201);
    });

    for (const bad of ["2026-2", "202602", "2026-02-01", 202602]) {
      it(`refuses the malformed period ${JSON.stringify(bad)}`, () => {
        expectInvalid(() => parsePeriod(bad, "queries[0].period"), "INVALID_PERIOD", "queries[0].period", /expected a period YYYY-MM/);
      });
    }

    for (const bad of ["2026-13", "2026-00", "1899-12", "2200-01"]) {
      it(`refuses ${bad}, which is not a month in range`, () => {
        expectInvalid(() => parsePeriod(bad, "period"), "INVALID_PERIOD", "period", /is not a month in 1900–2199/);
      });
    }

    it("refuses to format or start a number that is not YYYYMM", () => {
      expectInvalid(() => formatPeriod(202613), "INVALID_PERIOD", "period", /202613 is not a YYYYMM period/);
      expectInvalid(() => periodFirstDay(20260201), "INVALID_PERIOD", "period", /20260201 is not a YYYYMM period/);
    });
  });

  describe("unix time conversions", () => {
    it("takes the UTC day of a unix time", () => {
      expect(isoDateFromUnixSeconds(0)).to.equal("1970-01-01");
      expect(isoDateFromUnixSeconds(FEB_1_2026)).to.equal("2026-02-01");
      expect(isoDateFromUnixSeconds(FEB_1_2026 - 1)).to.equal("2026-01-31");
    });

    it("accepts block timestamps as bigint", () => {
      expect(isoDateFromUnixSeconds(BigInt(FEB_1_2026))).to.equal("2026-02-01");
      expect(todayYmd(BigInt(FEB_1_2026 + 86_399))).to.equal(20260201);
    });

    it("gives UTC midnight of a day", () => {
      expect(unixSecondsFromIsoDate("2026-02-01")).to.equal(FEB_1_2026);
      expect(unixSecondsFromIsoDate("2024-02-29")).to.equal(1_709_164_800);
    });

    it("does not depend on the machine's time zone", () => {
      const saved = process.env.TZ;
      process.env.TZ = "Pacific/Kiritimati"; // UTC+14: local midnight is the previous UTC day
      try {
        expect(isoDateFromUnixSeconds(FEB_1_2026 - 3_600)).to.equal("2026-01-31");
        expect(todayYmd(FEB_1_2026 - 3_600)).to.equal(20260131);
        expect(unixSecondsFromIsoDate("2026-02-01")).to.equal(FEB_1_2026);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    it("refuses a fractional unix time", () => {
      expectInvalid(() => isoDateFromUnixSeconds(1.5), "INVALID_DATE", "timestamp", /1\.5 is not a unix time/);
      expectInvalid(() => todayYmd(Number.NaN, "now"), "INVALID_DATE", "now", /NaN is not a unix time/);
    });

    it("refuses a unix time beyond 2199", () => {
      expectInvalid(() => todayYmd(7_258_118_400), "INVALID_DATE", "timestamp", /is not a unix time in 1900–2199/);
    });

    it("refuses an invalid date when converting to unix time, naming the field", () => {
      expectInvalid(() => unixSecondsFromIsoDate("2026-02-30", "today"), "INVALID_DATE", "today", /today: 2026-02-30 is not a calendar date/);
    });
  });
});
