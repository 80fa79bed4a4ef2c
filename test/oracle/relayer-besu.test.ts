// The relayer against what a Besu node does to an account with many transactions in flight
// (test/support/besu-proxy.ts in front of the node): an evicted transaction with later nonces
// queued behind it, a lookup that misses a pooled transaction and the resend refused as
// "Replacement transaction underpriced", "Nonce too low" after a competing send, the per-sender
// pool limit, a restart losing the pool, blocks delayed 10 s. Every record must end on chain
// exactly once, and an eviction must cost seconds, not the one-minute receipt timeout.
import { expect } from "chai";
import { DEV_KEYS, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { payrollReport, startPayrollRun } from "../../src/oracle/payroll.ts";
import { currentPeriod } from "../support/clock.ts";
import { startBesuProxy, type BesuProxy } from "../support/besu-proxy.ts";
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
