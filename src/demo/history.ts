// The demo's past: npm start on a fresh PACHAIN_HOME builds the chain's history from January 2025
// (PACHAIN_DEMO_HISTORY_FROM) to the clock's today, so the pages show facts recorded on the days
// they happened and a payroll for every month. The embedded chain starts on the first day; the
// source simulators sign each record on its day and publish it once the chain's clock reaches it
// (scripts/simulator.ts --history-from/--follow-chain); this driver moves the chain's clock a step
// at a time (evm_setNextBlockTimestamp), lets the oracle relay what became public and decide the
// applications, and on the first of each month runs that month's payroll, with the arrears of the
// entitlements granted during the month before (a supplementary run of that month). The last step
// brings the chain to the clock's now, where it then keeps running in real time.
import { JsonRpcProvider } from "ethers";
import { nowSeconds, type Clock } from "../clock.ts";
import { readCatalog } from "../chain/catalog-reader.ts";
import type { Logger } from "../logger.ts";
import { payrollReport, readPayrollOrder, startPayrollRun, type PayrollReport } from "../oracle/payroll.ts";
import type { OracleRuntime } from "../oracle/wiring.ts";

const DAY_S = 86_400;
/** Days between the chain's clock steps inside a month (a step also falls on every first of the month). */
export const HISTORY_STEP_DAYS = 7;
const IDLE_TIMEOUT_MS = 3_600_000;
const HORIZON_TIMEOUT_MS = 120_000;

const ymd = (s: number) => Number(new Date(s * 1000).toISOString().slice(0, 10).replaceAll("-", ""));
const utc = (day: number, hour = 0) => Date.UTC(Math.floor(day / 10_000), (Math.floor(day / 100) % 100) - 1, day % 100, hour) / 1000;
const formatDay = (day: number) => `${Math.floor(day / 10_000)}-${String(Math.floor(day / 100) % 100).padStart(2, "0")}-${String(day % 100).padStart(2, "0")}`;
const previousPeriod = (period: number) => (period % 100 === 1 ? period - 100 + 11 : period - 1);

/**
 * The moments (unix seconds) the history stops at: noon UTC of every first of the month and every
 * `stepDays` days after it, from `from` (YYYYMMDD) up to, not including, `nowS`; then `nowS`.
 */
export function historySteps(from: number, nowS: number, stepDays = HISTORY_STEP_DAYS): number[] {
  const steps: number[] = [];
  for (let t = utc(from, 12); t < nowS; ) {
    steps.push(t);
    const day = ymd(t);
    const next = t + stepDays * DAY_S;
    // The next first of the month comes before the next weekly step: stop there too.
    const nextMonth = utc(Math.floor(day / 100) % 100 === 12 ? (Math.floor(day / 10_000) + 1) * 10_000 + 101 : Math.floor(day / 100) * 100 + 101, 12);
    t = Math.min(next, nextMonth);
  }
  steps.push(nowS);
  return steps;
}

/**
 * The chain time the embedded chain starts at, for a history from `from`: between 06:00 and 07:00
 * UTC of that day, before the first record (signed at 08:00). Not the same second on every start:
 * the genesis block would then be the same, and the deployment's journal of an earlier chain
 * (src/chain/deploy.ts tells chains apart by their genesis hash) would be taken for this one.
 */
export function historyChainStartMs(from: number, wallMs: number): number {
  return utc(from, 6) * 1000 + (wallMs % 3_600_000);
}

/** Parses PACHAIN_DEMO_HISTORY_FROM: YYYYMMDD, or undefined when "off" or when it is not before today. */
export function historyStart(setting: string, today: number): number | undefined {
  if (setting === "off") return undefined;
  const day = Number(setting.replaceAll("-", ""));
  return day < today ? day : undefined;
}

export interface HistoryResult {
  steps: number;
  payrolls: PayrollReport[];
}

export async function buildHistory(options: {
  rpcUrl: string;
  runtime: OracleRuntime;
  /** The source feeds' base URLs: their /health says how far each has published. */
  sources: readonly string[];
  from: number;
  clock: Clock;
  logger: Logger;
  /** One line of progress for the person watching. */
  say: (line: string) => void;
  stepDays?: number;
}): Promise<HistoryResult> {
  const { runtime: rt, clock, say, from } = options;
  const logger = options.logger.child({ module: "history" });
  const provider = new JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const catalog = await readCatalog(rt.contracts.catalog);
  const monetary = catalog.benefits.filter((b) => b.monetary).map((b) => b.code);
  const firstPeriod = Math.floor(from / 100);
  const payrolls: PayrollReport[] = [];
  const paidBefore = new Set<string>();
  // Each payee's registry number, read once for all the months (readPayrollOrder).
  const registryNumbers = new Map<string, number>();
  const started = Date.now();
  try {
    const steps = historySteps(from, nowSeconds(clock), options.stepDays);
    for (const [i, at] of steps.entries()) {
      const latest = (await provider.getBlock("latest"))!.timestamp;
      if (at > latest) {
        await provider.send("evm_setNextBlockTimestamp", [at]);
        await provider.send("evm_mine", []);
      }
      await untilPublished(options.sources, Math.max(at, latest) * 1000);
      await rt.oracle.idle(IDLE_TIMEOUT_MS);
      const day = ymd(Math.max(at, latest));
      if (day % 100 !== 1 && i < steps.length - 1) continue;

      // The month's payroll on its first day (or, for the current month, at the last step if not run yet).
      const period = Math.floor(day / 100);
      if (rt.store.payrollItems(period, 1).length > 0) continue;
      const { run } = startPayrollRun(rt.store, catalog, period, await readPayrollOrder(rt.store, catalog, rt.contracts.facts, registryNumbers));
      // Arrears: whoever was granted during the month before is paid that month too, in a supplementary run.
      const granted = rt.store.grantedEntitlements(monetary);
      const late = granted.filter((e) => !paidBefore.has(`${e.subject}:${e.benefit}`));
      const prev = previousPeriod(period);
      const arrears = prev >= firstPeriod && paidBefore.size > 0 ? late.length : 0;
      if (arrears > 0) {
        rt.store.startPayrollRun(prev, (arrearsRun) => late.map(({ subject, benefit }) => ({
          source: "payroll",
          recordKey: `payment:${prev}:r${arrearsRun}:${subject}:${benefit}`,
          kind: "payment" as const,
          relayer: "inps" as const,
          payload: JSON.stringify({ subject, benefit, period: prev }),
        })));
      }
      for (const e of granted) paidBefore.add(`${e.subject}:${e.benefit}`);
      await rt.oracle.idle(IDLE_TIMEOUT_MS);
      const report = payrollReport(rt.store, period, run);
      payrolls.push(report);
      const counts = rt.store.counts();
      say(`  history ${formatDay(day)}: ${counts.done} records on chain; payroll ${report.period}: ${report.paid} paid, ${(report.paidCents / 100).toLocaleString("it-IT", { style: "currency", currency: "EUR" })}${arrears > 0 ? ` (+ arrears for ${arrears} new entitlements)` : ""} [${Math.round((Date.now() - started) / 1000)} s]`);
      logger.info({ period: report.period, paid: report.paid, refused: report.refused }, "history payroll settled");
    }
    return { steps: steps.length, payrolls };
  } finally {
    provider.destroy();
  }
}

/** Waits until every source has seen the chain's clock at `ms` (its /health horizon), so the oracle's next read finds that day's records. */
async function untilPublished(sources: readonly string[], ms: number): Promise<void> {
  const deadline = Date.now() + HORIZON_TIMEOUT_MS;
  for (const url of sources) {
    for (;;) {
      try {
        const health = (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) })).json()) as { horizon?: string };
        if (health.horizon === undefined || Date.parse(health.horizon) >= ms) break;
      } catch {
        // Busy: ask again below.
      }
      if (Date.now() > deadline) throw new Error(`source ${url} did not reach ${new Date(ms).toISOString()} within ${HORIZON_TIMEOUT_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
