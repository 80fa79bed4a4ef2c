// A payment run sent again although its first transaction was mined: the node the relayer asks
// lags behind (test/support/besu-proxy.ts "unseen"), so the relayer believes the transaction lost
// and sends the same orders in a new one, which the ledger refuses as ALREADY_PAID. The chain pays
// once either way; the outbox must record those items as PAID, settled from the events of the
// transaction that did pay, or the payroll report under-counts what was paid.
import { expect } from "chai";
import { DEV_KEYS, loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { payrollReport, startPayrollRun } from "../../src/oracle/payroll.ts";
import { currentPeriod } from "../support/clock.ts";
import { startBesuProxy, type BesuProxy } from "../support/besu-proxy.ts";
import { readChainState } from "./chain-state.ts";
import { startSystem, type System } from "./harness.ts";

describe("payment run resent after its first transaction was mined unseen", function () {
  this.timeout(300_000);
  let system: System | undefined;
  let besu: BesuProxy | undefined;
  let rt: OracleRuntime | undefined;

  after(async function () {
    await rt?.close();
    besu?.close();
    await system?.stop();
  });

  it("records the items as PAID (not ALREADY_PAID), each payment on chain once", async function () {
    system = await startSystem({ size: 60, seed: 43, rpcUrl: async (chainUrl) => (besu = await startBesuProxy(chainUrl, { keys: DEV_KEYS.slice(1, 4) })).url });
    rt = createOracleRuntime({ config: loadConfig(system.env), deployment: system.deployment, logger: createLogger("silent") });
    rt.oracle.start();
    await rt.oracle.idle(120_000);

    // The payroll's first transaction is mined, and hidden from the relayer's lookups for 20 s.
    besu!.inject("unseen", { ms: 20_000 });
    const period = currentPeriod();
    const { run, orders } = startPayrollRun(rt.store, rt.catalog, period);
    expect(orders).to.be.greaterThan(0);
    await rt.oracle.idle(120_000);
    expect(besu!.recording.effects.get("mined, unseen by the next node"), "the fault hit a payment").to.equal(1);

    const report = payrollReport(rt.store, period, run);
    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect(report.refused.ALREADY_PAID ?? 0, "refused as already paid by its own first send").to.equal(0);
    expect(report.paid, "paid in the report = payments on chain").to.equal(state.payments.size);
    expect(report.paidCents).to.equal([...state.payments.values()].reduce((a, b) => a + Number(b), 0));
    // A second run of the same period is still refused as ALREADY_PAID: that is a real refusal.
    const again = startPayrollRun(rt.store, rt.catalog, period);
    await rt.oracle.idle(120_000);
    const second = payrollReport(rt.store, period, again.run);
    expect([second.paid, second.refused.ALREADY_PAID]).to.deep.equal([0, report.paid]);
  });
});
