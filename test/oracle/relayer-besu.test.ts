// The relayer against what a Besu node does to an account with many transactions in flight
// (test/support/besu-proxy.ts in front of the node): an evicted transaction with later nonces
// queued behind it, a lookup that misses a pooled transaction and the resend refused as
// "Replacement transaction underpriced", "Nonce too low" after a competing send, the per-sender
// pool limit, a restart losing the pool, blocks delayed 10 s. Every record must end on chain
// exactly once, and an eviction must cost seconds, not the one-minute receipt timeout.
// Then the pool limits of the Besu kit's generated config (tx-pool-max-future-by-sender): one
// relayer account keeps more than a hundred transactions in flight without a nonce jam.
import { expect } from "chai";
import { Wallet } from "ethers";
import { DEV_KEYS, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { payrollReport, startPayrollRun } from "../../src/oracle/payroll.ts";
import { currentPeriod } from "../support/clock.ts";
import { startBesuProxy, txPoolLimits, type BesuProxy } from "../support/besu-proxy.ts";
import { generateNetwork, TX_POOL_MAX_FUTURE_BY_SENDER } from "../../src/production/besu.ts";
import { BATCH_LIMITS } from "../../src/oracle/relayer.ts";
import { expectedFacts, readChainState } from "./chain-state.ts";
import { readFeed, startSystem, type System } from "./harness.ts";

describe("relayer on a Besu-like node pool with faults", function () {
  this.timeout(600_000);
  let system: System;
  let besu: BesuProxy;
  let rt: OracleRuntime | undefined;

  before(async function () {
    system = await startSystem({ size: 250, seed: 41, rpcUrl: async (chainUrl) => (besu = await startBesuProxy(chainUrl, { keys: DEV_KEYS.slice(1, 4) })).url });
  });
  after(async function () {
    await rt?.close();
    besu?.close();
    await system?.stop();
  });

  it("records every fact, decision and payment exactly once through every pool fault, an eviction costing seconds", async function () {
    const feedEvents = (await Promise.all(Object.values(system.sources).map(readFeed))).flat();
    // Armed in this order, each hits the next transaction (or its resend): an eviction with the
    // pipeline's later nonces queued behind it, a transaction the next lookup misses, a competing
    // send taking a nonce, the sender's pool limit, a plain eviction; and no block for 10 s.
    for (const fault of ["gap", "underpriced", "nonce-too-low", "pool-full", "drop"] as const) besu.inject(fault, { count: 2 });
    besu.inject("block-delay", { ms: 10_000 });
    rt = createOracleRuntime({ config: loadConfig(system.env), deployment: system.deployment, logger: createLogger(process.env.RELAYER_TEST_LOG ?? "silent") });
    const started = Date.now();
    rt.oracle.start();
    // Without faults this takes 10-20 s here. The receipt timeout alone is 60 s, which the old
    // relayer waited for each evicted transaction and again for each later nonce queued behind it.
    await rt.oracle.idle(90_000);
    const seconds = (Date.now() - started) / 1000;
    const effects = besu.recording.effects;
    process.stderr.write(`      settled ${seconds.toFixed(1)} s after the start; pool effects ${JSON.stringify([...effects])}\n`);
    for (const effect of ["evicted (gap)", "queued behind a nonce gap", "held, not yet visible", "competing send", "refused: sender's pool limit", "evicted (drop)", "held for the next block"]) {
      expect(effects.get(effect) ?? 0, effect).to.be.greaterThan(0);
    }
    let state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect([...state.facts.keys()].sort()).to.deep.equal([...expectedFacts(feedEvents)].sort());
    expect([...state.facts.values()].every((n) => n === 1), "no record twice").to.equal(true);
    expect(state.decisions.size).to.equal(feedEvents.filter((e) => e.kind === "application").length);

    // The month's payroll, with its batch evicted once more.
    besu.inject("drop");
    const period = currentPeriod();
    const { run } = startPayrollRun(rt.store, rt.catalog, period);
    await rt.oracle.idle(120_000);
    const report = payrollReport(rt.store, period, run);
    expect(report.paid).to.be.greaterThan(0);
    state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect(state.payments.size, "each payment on chain once").to.equal(report.paid);
    expect(rt.store.items({ status: "dead" }).map((d) => d.errorDetail)).to.deep.equal([]);
  });
});

describe("relayer pipeline within the Besu kit's pool limits", function () {
  this.timeout(900_000);
  /** Transactions in flight from the INPS account that the test asks for (issue 20). */
  const IN_FLIGHT = 100;
  const DEPTH = 128;
  let system: System;
  let besu: BesuProxy;
  let rt: OracleRuntime | undefined;
  // The limits a node of the kit's generated network enforces, read from its config.toml.
  const network = generateNetwork({ validators: 4 });
  const limits = txPoolLimits(network.files.get(`nodes/${network.nodes[0].name}/config.toml`)!);

  before(async function () {
    system = await startSystem({ size: 120, seed: 43, rpcUrl: async (chainUrl) => (besu = await startBesuProxy(chainUrl, { keys: DEV_KEYS.slice(1, 4), txPool: limits })).url });
  });
  after(async function () {
    await rt?.close();
    besu?.close();
    await system?.stop();
  });

  it(`keeps ≥ ${IN_FLIGHT} transactions in flight from one account, none refused by the pool and every payment on chain once`, async function () {
    expect(limits.maxFutureBySender).to.equal(TX_POOL_MAX_FUTURE_BY_SENDER).and.to.be.at.least(2 * DEPTH);
    rt = createOracleRuntime({
      config: loadConfig({ ...system.env, PACHAIN_RELAYER_PIPELINE_DEPTH: String(DEPTH) }),
      deployment: system.deployment, logger: createLogger(process.env.RELAYER_TEST_LOG ?? "silent"),
    });
    rt.oracle.start();
    await rt.oracle.idle(300_000);
    if (process.env.RELAYER_TEST_LOG) process.stderr.write(`      ingested: outbox ${JSON.stringify(rt.store.counts())}\n`);
    // Enough payment orders for more than IN_FLIGHT full batches: the month's payroll, run again
    // (a rerun's orders are refused on chain as ALREADY_PAID, each still in a batch of its own run).
    const period = currentPeriod();
    const runs: number[] = [];
    let orders = 0;
    do {
      const started = startPayrollRun(rt.store, rt.catalog, period);
      expect(started.orders, "granted monetary entitlements to pay").to.be.greaterThan(0);
      runs.push(started.run);
      orders += started.orders;
    } while (orders < (IN_FLIGHT + 5) * BATCH_LIMITS.payment);
    // No block until the relayer's round is in the pool: what it sends stays there, in flight.
    // (Preparing a round of 128 batches takes seconds on a loaded machine: blocks resume only
    // once IN_FLIGHT transactions are pooled, or after 5 minutes, which fails the test below.)
    besu.inject("block-delay", { ms: 300_000 });
    const started = Date.now();
    const idle = rt.oracle.idle(900_000);
    idle.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
    try {
      let noted = Date.now();
      while (besu.pooled() < IN_FLIGHT && Date.now() - started < 300_000) {
        await new Promise((r) => setTimeout(r, 100));
        if (process.env.RELAYER_TEST_LOG && Date.now() - noted > 5000) {
          noted = Date.now();
          process.stderr.write(`      pooled ${besu.pooled()}, outbox ${JSON.stringify(rt.store.counts())}\n`);
        }
      }
    } finally {
      besu.inject("block-delay", { ms: 0 });
    }
    await idle;
    const seconds = (Date.now() - started) / 1000;
    const inps = system.config.PACHAIN_INPS_RELAYER_KEY;
    const peak = besu.recording.peakInFlight.get(new Wallet(inps).address.toLowerCase()) ?? 0;
    process.stderr.write(`      ${orders} payment orders in ${runs.length} runs settled in ${seconds.toFixed(1)} s; peak in flight from the INPS account: ${peak}; pool effects ${JSON.stringify([...besu.recording.effects])}\n`);
    expect(peak).to.be.at.least(IN_FLIGHT);
    expect(besu.recording.effects.get("refused: tx-pool-max-future-by-sender") ?? 0).to.equal(0);
    expect(rt.store.items({ status: "dead" }).map((d) => d.errorDetail)).to.deep.equal([]);
    const reports = runs.map((run) => payrollReport(rt!.store, period, run));
    expect(reports.every((r) => r.settled === r.orders), "every order settled").to.equal(true);
    const paid = reports.reduce((n, r) => n + r.paid, 0);
    expect(paid).to.equal(reports[0].paid);
    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect(state.payments.size, "each payment on chain once").to.equal(paid);
  });
});
