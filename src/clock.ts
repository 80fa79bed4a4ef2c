// The one clock every "today" in PA Chain comes from: the simulators, the oracle, the read API, the
// payroll, the pages' server side and the embedded chain's start date. A system for public benefits
// runs for decades, so nothing may read the wall clock's date directly: tests and demos move the
// whole system to another day by setting PACHAIN_TODAY.
import { todayYmd } from "./domain/dates.ts";
import { ValidationError } from "./errors.ts";

export interface Clock {
  /** Unix time in milliseconds. */
  nowMs(): number;
}

const DAY_MS = 86_400_000;
/** Inherited by child processes so that every process of one system shares the exact same shift. */
const OFFSET_VARIABLE = "PACHAIN_CLOCK_OFFSET_MS";
const TODAY_VARIABLE = "PACHAIN_TODAY";

export const systemClock: Clock = { nowMs: () => Date.now() };

/** The wall clock moved by a whole number of milliseconds (time of day keeps running). */
export function shiftedClock(offsetMs: number, base: Clock = systemClock): Clock {
  return offsetMs === 0 ? base : { nowMs: () => base.nowMs() + offsetMs };
}

/** A clock that stands still at `ms` until moved: for tests that step through days. */
export function manualClock(ms: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = ms;
  return { nowMs: () => now, set: (to) => void (now = to), advance: (by) => void (now += by) };
}

/**
 * The process's clock from the environment: PACHAIN_TODAY=YYYY-MM-DD moves the date to that day,
 * keeping the time of day. The offset is resolved once and written back to the environment
 * (PACHAIN_CLOCK_OFFSET_MS), so child processes started later, even across midnight, agree.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const inherited = env[OFFSET_VARIABLE];
  if (inherited !== undefined && inherited !== "") {
    const offset = Number(inherited);
    if (!Number.isSafeInteger(offset)) {
      throw new ValidationError(OFFSET_VARIABLE, `${OFFSET_VARIABLE}: ${inherited} is not a whole number of milliseconds`);
    }
    return shiftedClock(offset);
  }
  const wanted = env[TODAY_VARIABLE];
  if (wanted === undefined || wanted === "") return systemClock;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(wanted);
  const target = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || new Date(target).toISOString().slice(0, 10) !== wanted) {
    throw new ValidationError(TODAY_VARIABLE, `${TODAY_VARIABLE}: ${wanted} is not a calendar date (YYYY-MM-DD)`);
  }
  const now = Date.now();
  const offset = target - (now - (now % DAY_MS));
  env[OFFSET_VARIABLE] = String(offset);
  return shiftedClock(offset);
}

/** Unix seconds now. */
export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.nowMs() / 1000);
}

/** Today's UTC date as YYYYMMDD. */
export function todayOf(clock: Clock): number {
  return todayYmd(nowSeconds(clock));
}

/** The current month as YYYYMM. */
export function periodOf(clock: Clock): number {
  return Math.floor(todayOf(clock) / 100);
}

/** Today's UTC date as YYYY-MM-DD. */
export function isoTodayOf(clock: Clock): string {
  return new Date(clock.nowMs()).toISOString().slice(0, 10);
}

/**
 * The part of a Hardhat (EDR) network config that starts a simulated chain on the clock's date;
 * EDR then keeps that offset, so block timestamps and the services' clock agree.
 */
export function chainStartDate(clock: Clock = clockFromEnv()): { initialDate?: Date } {
  return clock === systemClock ? {} : { initialDate: new Date(clock.nowMs()) };
}
