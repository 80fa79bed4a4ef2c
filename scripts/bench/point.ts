// One point of the scale curve: a fresh chain with a population of `size` people ingested through the
// oracle, their applications decided on chain, then two monthly payrolls (the first payment of each
// entitlement, then a month later the steady state), each beside its baseline.
import { Wallet } from "ethers";
import { benefitId } from "../../src/domain/catalog.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import { traceGas, type GasBreakdown } from "./gas-trace.ts";
import { naiveIngest, oracleIngest, readFeeds, type RateResult, type RecordGasTrace } from "./ingest.ts";
import { naivePayroll, paymentBatchCall, tracePayments, type PaymentTrace, payrollPeriods, runPayroll, type PayrollRun } from "./payroll.ts";
import { step } from "./progress.ts";
import { contractNames, startBenchChain, startSources, type BenchChain, type BenchSources, type Engine } from "./system.ts";
import { clockFromEnv } from "../../src/clock.ts";

const TRACE_ORDERS = 20;

export interface PointResult {
  /** People in the registry (the simulated population). */
  subjects: number;
  facts: number;
  applications: number;
  ingest: RateResult;
  /** Where a record's gas goes: one batch of each relayer traced. */
  ingestGasTrace?: RecordGasTrace;
  naiveIngest: RateResult;
  decideSeconds: number;
  payrollFirst: PayrollRun & Partial<PaymentTrace>;
  payrollSteady: PayrollRun & Partial<PaymentTrace>;
  /** Where a steady month's payment's gas goes: the payroll transaction with the most payments, traced. */
  payrollGasTrace?: GasBreakdown;
  naivePayroll: PayrollRun & Partial<PaymentTrace>;
}

export interface Point {
  result: PointResult;
  bench: BenchChain;
  sources: BenchSources;
  runtime: OracleRuntime;
  stop(): Promise<void>;
}

export async function runPoint(options: { size: number; seed: number; naiveIngestLimit: number; naivePaymentLimit: number; engine?: Engine }): Promise<Point> {
  const { size, seed, engine = "hardhat" } = options;
  process.stderr.write(`\n== ${size.toLocaleString("en")} people in the registry (${engine}) ==\n`);
  const bench = await step(`start a node (${engine}), deploy PA Chain, register the consortium`, () => startBenchChain(engine));
  let sources: BenchSources | undefined;
  let runtime: OracleRuntime | undefined;
  const stop = async () => {
    await runtime?.close();
    await sources?.stop();
    await bench.stop();
  };
  try {
    sources = await step(`build and sign ${size} people's records (3 source simulators)`, () => startSources(bench, { size, seed }));
    const feeds = await readFeeds(sources);
    const all = Object.values(feeds).flat();
    const facts = all.filter((e) => e.kind !== "application").length;
    const applications = all.length - facts;

    const naive = await naiveIngest(bench, sources, feeds, options.naiveIngestLimit);
    const ingest = await oracleIngest(bench, sources, facts);
    runtime = ingest.runtime;
    const decideStarted = performance.now();
    await step(`decide ${applications} applications on chain`, () => runtime!.oracle.idle(3_600_000));
    const decideSeconds = (performance.now() - decideStarted) / 1000;

    const periods = payrollPeriods(new Date(clockFromEnv().nowMs()));
    const inps = new Wallet(sources.config.PACHAIN_INPS_RELAYER_KEY).address;
    const monetary = runtime.catalog.benefits.filter((b) => b.monetary).map((b) => b.code);
    const sample = runtime.store.grantedEntitlements(monetary).slice(0, TRACE_ORDERS)
      .map((e) => ({ subject: e.subject, benefitId: benefitId(e.benefit), period: periods.first, amountCents: 0 }));
    const traceFirst = paymentBatchCall(runtime, sample, periods.first);
    const tracedFirst = await tracePayments(bench, inps, traceFirst.to, traceFirst.data, sample.length);
    const registryNumbers = new Map<string, number>();
    const first = await runPayroll(runtime, bench, periods.first, "payroll, first month (new slots)", registryNumbers);
    const traceSteady = paymentBatchCall(runtime, sample, periods.steady);
    const tracedSteady = await tracePayments(bench, inps, traceSteady.to, traceSteady.data, sample.length);
    const steady = await runPayroll(runtime, bench, periods.steady, "payroll, next month (steady)", registryNumbers);
    if (steady.busiest) process.stderr.write(`trace one steady payroll transaction (${steady.busiest.payments} payments) …\n`);
    const payrollGasTrace = steady.busiest && await traceGas(bench.provider, steady.busiest.txHash, steady.busiest.payments, contractNames(bench));
    const naivePayrollResult = await naivePayroll(bench, steady.orders.slice(0, options.naivePaymentLimit));

    return {
      result: {
        subjects: size, facts, applications,
        ingest: ingest.result, ingestGasTrace: ingest.gasTrace, naiveIngest: naive, decideSeconds,
        payrollFirst: { ...first.run, ...tracedFirst },
        payrollSteady: { ...steady.run, ...tracedSteady },
        payrollGasTrace,
        naivePayroll: naivePayrollResult,
      },
      bench, sources, runtime, stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
