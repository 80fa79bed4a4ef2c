// Day arithmetic on YYYYMMDD numbers (the chain's date format), in UTC.
import type { Random } from "./random.ts";

const DAY_MS = 86_400_000;

function toMs(ymd: number): number {
  return Date.UTC(Math.floor(ymd / 10_000), (Math.floor(ymd / 100) % 100) - 1, ymd % 100);
}

function fromMs(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

export function addDays(ymd: number, days: number): number {
  return fromMs(toMs(ymd) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: number, to: number): number {
  return Math.round((toMs(to) - toMs(from)) / DAY_MS);
}

/** The same day `years` earlier; 29 February becomes 28 February in a common year. */
export function yearsBefore(ymd: number, years: number): number {
  const year = Math.floor(ymd / 10_000) - years;
  const monthDay = ymd % 10_000;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return year * 10_000 + (monthDay === 229 && !leap ? 228 : monthDay);
}

/** Age in full years on `date`, computed as the contracts do: (date - birthDate) / 10000. */
export function ageOn(birthDate: number, date: number): number {
  return Math.floor((date - birthDate) / 10_000);
}

export function yearOf(ymd: number): number {
  return Math.floor(ymd / 10_000);
}

/** Uniform day in [from, to]; `to` before `from` yields `from`. */
export function randomDay(random: Random, from: number, to: number): number {
  return addDays(from, random.int(0, Math.max(0, daysBetween(from, to))));
}

/** A birth date giving an age in [minAge, maxAge] on `today`. */
export function birthDateForAge(random: Random, today: number, minAge: number, maxAge: number): number {
  const earliest = addDays(yearsBefore(today, maxAge + 1), 1);
  const latest = yearsBefore(today, minAge);
  return randomDay(random, earliest, latest);
}

/** UTC today of a unix time in milliseconds, as YYYYMMDD. */
export function ymdOfMs(ms: number): number {
  return fromMs(ms - (ms % DAY_MS));
}
