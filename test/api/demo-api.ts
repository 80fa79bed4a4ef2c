// The read API over a whole PA Chain for end-to-end tests: a real node with the demo consortium,
// the source simulators, the oracle (optionally after a payroll of the current month) and the API
// in-process on port 0 with demo tokens, its own indexer caught up before the tests start.
import { loadConfig } from "../../src/config.ts";
import type { Clock } from "../../src/clock.ts";
import { createLogger } from "../../src/logger.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { payrollReport, startPayrollRun } from "../../src/oracle/payroll.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { startSystem, type System } from "../oracle/harness.ts";
import { currentPeriod } from "../support/clock.ts";

const READY_TIMEOUT_MS = 60_000;

export interface DemoApi {
  system: System;
  rt: OracleRuntime;
  api: RunningApi;
  /** YYYYMM of the payroll run, when one was asked for. */
  period: number;
  /** Pseudonyms of the people paid by that payroll. */
  paidSubjects: Set<string>;
  close(): Promise<void>;
}

export async function waitUntilReady(url: string): Promise<void> {
  for (const deadline = Date.now() + READY_TIMEOUT_MS; (await fetch(`${url}/ready`)).status !== 200;) {
    if (Date.now() > deadline) throw new Error(`the read API at ${url} did not get ready (its index did not catch up)`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** YYYYMM moved by `delta` months. */
const addMonths = (yyyymm: number, delta: number) => {
  const index = Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1 + delta;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
};

export async function startDemoApi(options: {
  size: number; seed: number; payroll?: boolean;
  /** With payroll: also pay this many months before the current one, oldest first. */
  pastMonths?: number;
  env?: Record<string, string>;
  clock?: Clock;
}): Promise<DemoApi> {
  const system = await startSystem({ size: options.size, seed: options.seed });
  const rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: createLogger("silent") });
  rt.oracle.start();
  await rt.oracle.idle(120_000);
  const period = currentPeriod();
  const paidSubjects = new Set<string>();
  // Earlier months first (paid late, as arrears), so the pages have totals over several months.
  for (let back = options.payroll ? (options.pastMonths ?? 0) : -1; back >= 1; back--) {
    startPayrollRun(rt.store, rt.catalog, addMonths(period, -back));
    await rt.oracle.idle(120_000);
  }
  if (options.payroll) {
    const { run } = startPayrollRun(rt.store, rt.catalog, period);
    await rt.oracle.idle(120_000);
    if (payrollReport(rt.store, period, run).paid === 0) throw new Error("the demo payroll paid no one");
    for (const item of rt.store.payrollItems(period, run)) {
      if (item.status === "done") paidSubjects.add(JSON.parse(item.payload).subject as string);
    }
  }
  const api = await startApi({
    config: loadConfig({
      ...system.env, PACHAIN_API_DEMO: "true", PACHAIN_API_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_RATE_LIMIT_BURST: "10000",
      PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "10000", ...options.env,
    }),
    deployment: system.deployment,
    logger: createLogger((process.env.PACHAIN_TEST_API_LOG ?? "silent") as "silent"),
    port: 0,
    oracle: rt.gateway,
    clock: options.clock,
  });
  await waitUntilReady(api.url);
  return {
    system, rt, api, period, paidSubjects,
    // The API running now (a test may restart it and put the new one here).
    async close(this: DemoApi) {
      await this.api.close();
      await rt.close();
      await system.stop();
    },
  };
}
