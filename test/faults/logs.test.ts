// No fiscal code in the logs of a whole run (issue 14, finding 3): the oracle, the read API, the
// IO simulator and the notifier as their own processes at debug level, through the feeds, the
// decisions, a payroll, a commission's assessment, citizens' claims (one of them malformed),
// proactive IO notices and a SIGKILL of the notifier; then every line each process wrote is
// searched for every fiscal code of the population. (The API alone: test/api/hardening.test.ts.)
import { join } from "node:path";
import { expect } from "chai";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { startPayrollRun } from "../../src/oracle/payroll.ts";
import { openOracleStore } from "../../src/oracle/store.ts";
import { currentPeriod } from "../support/clock.ts";
import { startSystem, type System } from "../oracle/harness.ts";
import { apiClients, freshPeople, populationCodes, startWriteProcesses, type WriteProcesses } from "./processes.ts";

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe("logs of a whole run carry no fiscal code", function () {
  this.timeout(600_000);
  let system: System | undefined;
  let processes: WriteProcesses | undefined;

  after(async function () {
    await processes?.stop();
    await system?.stop();
  });

  it("the oracle's, the notifier's and the API's lines name no one of the population", async function () {
    system = await startSystem({ size: 60, seed: 23 });
    processes = await startWriteProcesses(system, { logLevel: "debug" });
    const store = openOracleStore(join(system.home, "oracle", "oracle.sqlite"));
    try {
      await waitFor("the feeds decided", () => store.pendingCount() === 0 && store.applications().length > 0 && store.applications("decided").length === store.applications().length);
      startPayrollRun(store, loadCatalog(), currentPeriod());
      await waitFor("the payroll paid", () => store.pendingCount() === 0);

      const [first, second, third] = await freshPeople(system);
      const clients = apiClients(system, processes.apiUrl);
      const assessment = await clients.submitAssessment("LOGS-1", first);
      expect(assessment.status, assessment.detail).to.equal(202);
      // A claim, one of a benefit that does not exist (refused with a 4xx), and a malformed submission.
      expect((await clients.fileClaim(second, "INV_ASSEGNO_MENSILE")).status).to.equal(202);
      expect((await clients.fileClaim(third, "NO_SUCH_BENEFIT")).status).to.be.within(400, 499);
      expect((await clients.submitAssessment("LOGS-2", "NOT-A-FISCAL-CODE")).status).to.be.within(400, 499);
      await waitFor("the submissions on chain", () => store.pendingCount() === 0 && store.applications("decided").length === store.applications().length);

      // The notifier killed once while it works, then everything it has to send delivered.
      await processes.kill("notifier");
      await processes.start("notifier");
      await waitFor("the notices settled", async () => {
        const { ioMessages, counts } = await processes!.notices();
        return counts.delivered > 0 && counts.pending === 0 && counts.sending === 0 && ioMessages === counts.delivered;
      });
    } finally {
      store.close();
    }

    const people = await populationCodes(system);
    expect(people.length).to.be.greaterThan(50);
    // (The IO simulator stands for IO's own systems, which do know people: its lines are not ours.)
    for (const name of ["oracle", "notifier", "api"] as const) {
      const text = processes.logs[name].join("").toUpperCase();
      expect(text.split("\n").length, `${name} logged`).to.be.greaterThan(name === "notifier" ? 2 : 10);
      const leaked = people.filter((code) => text.includes(code));
      expect(leaked, `fiscal codes in the ${name}'s log`).to.deep.equal([]);
    }
  });
});
