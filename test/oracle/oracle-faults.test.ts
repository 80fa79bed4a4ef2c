import { expect } from "chai";
import { id } from "ethers";
import { openOracleStore } from "../../src/oracle/store.ts";
import { oracleStorePath } from "../../src/oracle/wiring.ts";
import { expectedFacts, readChainState } from "./chain-state.ts";
import { readFeed, startProcess, startSystem, type System } from "./harness.ts";

const KILLS = 4;

describe("oracle killed with SIGKILL at random points", function () {
  this.timeout(900_000);
  let system: System;

  before(async function () {
    system = await startSystem({ size: 300, seed: 23 });
  });

  after(async function () {
    await system?.stop();
  });

  it("ends with the same chain as a run without faults: every record once, every decision as the rules say", async function () {
    const feedEvents = (await Promise.all(Object.values(system.sources).map(readFeed))).flat();
    const oracle = () => startProcess(["scripts/oracle.ts", "run"], system.env, null);
    const kills: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const child = await oracle();
      const after = 500 + Math.floor(Math.random() * 3500);
      kills.push(after);
      await new Promise((r) => setTimeout(r, after));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    const final = await oracle();
    const store = openOracleStore(oracleStorePath(system.config));
    const applications = feedEvents.filter((e) => e.kind === "application").length;
    const deadline = Date.now() + 600_000;
    for (;;) {
      const decided = store.applications("decided").length;
      if (store.pendingCount() === 0 && decided === applications) break;
      if (Date.now() > deadline) throw new Error(`not settled after the kills ${kills}: ${JSON.stringify(store.counts())}, ${decided}/${applications} decided`);
      await new Promise((r) => setTimeout(r, 500));
    }
    final.kill("SIGTERM");
    expect(store.items({ status: "dead" }).map((d) => d.errorDetail)).to.deep.equal([]);

    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    const expected = expectedFacts(feedEvents);
    expect([...state.facts.keys()].sort()).to.deep.equal([...expected].sort());
    expect([...state.facts.values()].every((n) => n === 1), "no record twice").to.equal(true);
    // A run without faults decides each application exactly as check() answers on the final facts.
    expect(state.decisions.size).to.equal(applications);
    for (const application of store.applications("decided")) {
      const [eligible, reason, amount] = await system.contracts.ledger.check(application.subject, id(application.benefit), application.date);
      expect(state.decisions.get(application.applicationId), application.applicationId).to.equal(`${eligible}:${reason}:${amount}`);
    }
    store.close();
  });
});
