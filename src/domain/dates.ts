// Calendar dates as the contracts see them: a day is a uint32 YYYYMMDD (2026-02-01 → 20260201),
// a payment period a YYYYMM (2026-02 → 202602). Both compare correctly as plain numbers, which
// is why the chain uses them instead of timestamps. All conversions here are UTC: a "day" never
// depends on the machine's time zone.

import { ValidationError } from "../errors.ts";

// Wide enough for birth dates of living people and decades of payments, narrow enough that a
// typo such as 0226 or 20266 is caught.
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function isValidDay(year: number, month: number, day: number): boolean {
  return (
    year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** Strict `YYYY-MM-DD`, a real calendar day in 1900–2199 → YYYYMMDD. */
export function parseIsoDate(s: unknown, field: string): number {
  const m = typeof s === "string" ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null;
  if (m === null) {
    throw new ValidationError(field, `${field}: expected a date YYYY-MM-DD, got ${JSON.stringify(s)}`, {
      code: "INVALID_DATE",
    });
  }
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw new ValidationError(field, `${field}: year ${year} is outside ${MIN_YEAR}–${MAX_YEAR}`, {
      code: "INVALID_DATE",
    });
  }
  if (!isValidDay(year, month, day)) {
    throw new ValidationError(field, `${field}: ${s as string} is not a calendar date`, { code: "INVALID_DATE" });
  }
  return year * 10_000 + month * 100 + day;
}

/** YYYYMMDD → `YYYY-MM-DD`; refuses a number that is not a real day (a decoding bug upstream). */
export function formatIsoDate(ymd: number, field = "date"): string {
  const year = Math.floor(ymd / 10_000);
  const month = Math.floor(ymd / 100) % 100;
  const day = ymd % 100;
  if (!Number.isInteger(ymd) || !isValidDay(year, month, day)) {
    throw new ValidationError(field, `${field}: ${ymd} is not a YYYYMMDD calendar date`, { code: "INVALID_DATE" });
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Strict `YYYY-MM` in 1900–2199 → YYYYMM. */
export function parsePeriod(s: unknown, field: string): number {
  const m = typeof s === "string" ? /^(\d{4})-(\d{2})$/.exec(s) : null;
  if (m === null) {
    throw new ValidationError(field, `${field}: expected a period YYYY-MM, got ${JSON.stringify(s)}`, {
      code: "INVALID_PERIOD",
    });
  }
  const [year, month] = [Number(m[1]), Number(m[2])];
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) {
    throw new ValidationError(field, `${field}: ${s as string} is not a month in ${MIN_YEAR}–${MAX_YEAR}`, {
      code: "INVALID_PERIOD",
    });
  }
  return year * 100 + month;
}

function assertPeriod(yyyymm: number, field: string): void {
  const year = Math.floor(yyyymm / 100);
  const month = yyyymm % 100;
  if (!Number.isInteger(yyyymm) || year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) {
    throw new ValidationError(field, `${field}: ${yyyymm} is not a YYYYMM period`, { code: "INVALID_PERIOD" });
  }
}

/** YYYYMM → `YYYY-MM`. */
export function formatPeriod(yyyymm: number, field = "period"): string {
  assertPeriod(yyyymm, field);
  return `${pad(Math.floor(yyyymm / 100), 4)}-${pad(yyyymm % 100, 2)}`;
}

/** The day a period is checked on (RULES.md, pay): YYYYMM → YYYYMM01. */
export function periodFirstDay(yyyymm: number, field = "period"): number {
  assertPeriod(yyyymm, field);
  return yyyymm * 100 + 1;
}

function utcDate(unixSeconds: number | bigint, field: string): Date {
  // Block timestamps arrive as bigint from ethers; anything fractional is a caller's mistake.
  const seconds = Number(unixSeconds);
  const year = Number.isSafeInteger(seconds) ? new Date(seconds * 1000).getUTCFullYear() : NaN;
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) {
    throw new ValidationError(field, `${field}: ${unixSeconds} is not a unix time in ${MIN_YEAR}–${MAX_YEAR}`, {
      code: "INVALID_DATE",
    });
  }
  return new Date(seconds * 1000);
}

/** The UTC day of a unix time, as `YYYY-MM-DD`. */
export function isoDateFromUnixSeconds(unixSeconds: number | bigint, field = "timestamp"): string {
  return utcDate(unixSeconds, field).toISOString().slice(0, 10);
}

/** UTC midnight at the start of a `YYYY-MM-DD` day, in unix seconds. */
export function unixSecondsFromIsoDate(s: unknown, field = "date"): number {
  const ymd = parseIsoDate(s, field);
  const ms = Date.UTC(Math.floor(ymd / 10_000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100);
  return ms / 1000;
}

/** The UTC day of a unix time (e.g. the latest block's), as YYYYMMDD. */
export function todayYmd(unixSeconds: number | bigint, field = "timestamp"): number {
  const date = utcDate(unixSeconds, field);
  return date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

const ymdToUtcMs = (ymd: number) => Date.UTC(Math.floor(ymd / 10000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100);
const utcMsToYmd = (ms: number) => {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
};

/** The date `days` days after (or before, when negative) a YYYYMMDD date, in the proleptic Gregorian calendar. */
export function addDaysYmd(ymd: number, days: number): number {
  return utcMsToYmd(ymdToUtcMs(ymd) + days * 86_400_000);
}

/** Whole days from YYYYMMDD `a` to YYYYMMDD `b` (negative when b is earlier). */
export function daysBetweenYmd(a: number, b: number): number {
  return Math.round((ymdToUtcMs(b) - ymdToUtcMs(a)) / 86_400_000);
}
