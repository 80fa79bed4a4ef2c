import { createLogger } from "../../src/logger.ts";
import { payrollReport, startPayrollRun } from "../../src/oracle/payroll.ts";
import { createOracleRuntime } from "../../src/oracle/wiring.ts";
import { startSystem } from "../oracle/harness.ts";
const PERIOD = Number(new Date().toISOString().slice(0, 7).replace("-", ""));
describe("timing", function () {
  this.timeout(600_000);
  it("times", async function () {
    let t = Date.now();
    const system = await startSystem({ size: 60, seed: 5 });
    console.log("startSystem", Date.now() - t); t = Date.now();
    const rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: createLogger("silent") });
    rt.oracle.start();
    await rt.oracle.idle(300_000);
    console.log("oracle idle", Date.now() - t); t = Date.now();
    const run = startPayrollRun(rt.store, rt.catalog, PERIOD);
    for (;;) { const r = payrollReport(rt.store, PERIOD, run.run); if (r.settled === r.orders) { console.log(r); break; } await new Promise((r) => setTimeout(r, 100)); }
    console.log("payroll", Date.now() - t); t = Date.now();
    console.log("blocks", await system.provider.getBlockNumber(), "deploymentBlock", system.deployment.deploymentBlock);
    const logs = await system.provider.getLogs({ fromBlock: 0, toBlock: "latest" });
    console.log("logs", logs.length, Date.now() - t);
    await rt.close();
    t = Date.now();
    const s2 = await startSystem({ size: 10, seed: 6 });
    console.log("startSystem2", Date.now() - t);
    await s2.stop();
    await system.stop();
  });
});
