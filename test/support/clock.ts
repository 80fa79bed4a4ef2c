// The tests' "today": the system clock, moved by PACHAIN_TODAY exactly as the services, the
// simulators and the embedded chain move it (src/clock.ts). A test never writes today's date in.
import { clockFromEnv, isoTodayOf, periodOf, todayOf } from "../../src/clock.ts";

export const testClock = clockFromEnv();
/** YYYYMMDD. */
export const today = () => todayOf(testClock);
/** YYYYMM. */
export const currentPeriod = () => periodOf(testClock);
/** YYYY-MM-DD. */
export const isoToday = () => isoTodayOf(testClock);
/** Unix seconds. */
export const nowSeconds = () => Math.floor(testClock.nowMs() / 1000);
/** YYYY-MM-DD `days` after (or before, when negative) today. */
export const isoDaysFromToday = (days: number) => new Date(testClock.nowMs() + days * 86_400_000).toISOString().slice(0, 10);
