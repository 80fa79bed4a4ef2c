import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createLogger } from "../../src/logger.ts";
import { createOracle } from "../../src/oracle/service.ts";
import { openOracleStore, type OracleStore } from "../../src/oracle/store.ts";

// With one oracle per organisation, INPS's oracle waits a grace period before deciding an
// application, so the other organisations' facts can reach the chain first.
describe("oracle decision grace period", function () {
  this.timeout(20_000);
  let dir: string;
  let store: OracleStore;

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "pachain-grace-"));
    store = openOracleStore(join(dir, "oracle.sqlite"));
    store.ingest("inps", 1, [], [{ applicationId: `0x${"11".repeat(32)}`, subject: `0x${"22".repeat(32)}`, benefit: "INV_PENSIONE_INABILITA", date: 20261101 }]);
  });

  afterEach(function () {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const statusAfter = async (decisionGraceMs: number, waitMs: number) => {
    const oracle = createOracle({ store, adapters: [], relayers: [], logger: createLogger("silent"), decides: true, decisionGraceMs });
    oracle.start();
    await new Promise((r) => setTimeout(r, waitMs));
    await oracle.stop();
    return store.applications()[0].status;
  };

  it("queues an application for decision at once without a grace period", async function () {
    expect(await statusAfter(0, 300)).to.equal("queued");
    expect(store.items({ kind: "decision" })).to.have.length(1);
  });

  it("holds an application for the grace period, then queues it once", async function () {
    expect(await statusAfter(2_000, 700)).to.equal("received");
    expect(store.items({ kind: "decision" })).to.have.length(0);
    expect(await statusAfter(1_000, 1_700)).to.equal("queued");
    expect(store.items({ kind: "decision" })).to.have.length(1);
  });
});
