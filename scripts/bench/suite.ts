// The whole benchmark suite: the scale curve (one fresh chain per registry size), then on the
// largest chain the read API under load and the indexer backfill; returns the results JSON.
import { benchApi } from "./api.ts";
import { benchIndexer } from "./indexer.ts";
import { runPoint, type PointResult } from "./point.ts";
import { buildResults, machine, type BenchResults, type EngineRun } from "./results.ts";
import { ENGINES, type Engine } from "./system.ts";

export interface SuiteOptions {
  mode: "quick" | "full";
  /** People in the registry at each point of the scale curve, ascending. */
  sizes: number[];
  seed: number;
  /** Records per source sent one transaction each (the ingestion baseline's sample). */
  naiveIngestLimit: number;
  /** Payments sent one transaction each (the payroll baseline's sample). */
  naivePaymentLimit: number;
  apiSeconds: number;
  apiConnections: number;
  /** Execution engines: the scale curve and the API/indexer run on the first; the first point's payroll and ingestion run again on each other. */
  engines: readonly Engine[];
}

export const QUICK: Omit<SuiteOptions, "mode"> = { sizes: [300, 1200], seed: 8, naiveIngestLimit: 100, naivePaymentLimit: 300, apiSeconds: 5, apiConnections: 10, engines: ENGINES };
export const FULL: Omit<SuiteOptions, "mode"> = { sizes: [10_000, 30_000, 100_000], seed: 8, naiveIngestLimit: 500, naivePaymentLimit: 2000, apiSeconds: 15, apiConnections: 10, engines: ENGINES };

export async function runSuite(options: SuiteOptions): Promise<BenchResults> {
  const machineBefore = machine();
  const points: PointResult[] = [];
  for (const [i, size] of options.sizes.entries()) {
    const point = await runPoint({ size, seed: options.seed, naiveIngestLimit: options.naiveIngestLimit, naivePaymentLimit: options.naivePaymentLimit, engine: options.engines[0] });
    let stopped = false;
    const stopPoint = async () => {
      if (stopped) return;
      stopped = true;
      await point.stop();
    };
    try {
      points.push(point.result);
      if (i < options.sizes.length - 1) continue;
      // The largest chain also serves the read API and the indexer benchmarks.
      const monetary = point.runtime.catalog.benefits.filter((b) => b.monetary).map((b) => b.code);
      const [beneficiary] = point.runtime.store.grantedEntitlements(monetary);
      const fiscalCode = beneficiary && point.runtime.vault.reveal(beneficiary.subject);
      if (!fiscalCode) throw new Error("no beneficiary with a known fiscal code to look up");
      await point.runtime.oracle.stop();
      // The backfill first: it reads the whole history, before the node has served the API's load.
      const indexer = await benchIndexer(point.bench);
      const api = await benchApi(point.bench, { fiscalCode, durationSeconds: options.apiSeconds, connections: options.apiConnections });
      await stopPoint();
      // The same payroll and ingestion (same population and seed) on each other engine, one at a time,
      // at the curve's first size: the share of the time that is the node shows there as well, and
      // a full run does not spend another hour on the largest registry.
      const engineSize = options.sizes[0];
      const engines: EngineRun[] = [engineRun(options.engines[0] ?? "hardhat", points[0])];
      for (const engine of options.engines.slice(1)) {
        const other = await runPoint({ size: engineSize, seed: options.seed, naiveIngestLimit: options.naiveIngestLimit, naivePaymentLimit: options.naivePaymentLimit, engine });
        await other.stop();
        engines.push(engineRun(engine, other.result));
      }
      return buildResults({
        mode: options.mode, points, indexer, machineBefore, engines,
        api: { entitlement: { ...api.entitlement, connections: options.apiConnections, durationSeconds: options.apiSeconds }, entitlementCold: api.entitlementCold, entitlementZod: api.entitlementZod, warmProfile: api.warmProfile },
      });
    } finally {
      await stopPoint();
    }
  }
  throw new Error("no sizes to measure");
}

function engineRun(engine: Engine, p: PointResult): EngineRun {
  return {
    engine, subjects: p.subjects, facts: p.facts,
    ingestRecordsPerSecond: p.ingest.recordsPerSecond, naiveIngestRecordsPerSecond: p.naiveIngest.recordsPerSecond, ingestSeconds: p.ingest.seconds,
    decideSeconds: p.decideSeconds,
    firstPaymentsPerSecond: p.payrollFirst.paymentsPerSecond, paymentsPerSecond: p.payrollSteady.paymentsPerSecond, payrollSeconds: p.payrollSteady.seconds,
    naivePaymentsPerSecond: p.naivePayroll.paymentsPerSecond,
    gasPerPayment: p.payrollSteady.gasPerPayment, gasPerRecord: p.ingest.gasPerRecord,
  };
}
