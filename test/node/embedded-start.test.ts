import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ORG_KIND } from "../../src/chain/consortium.ts";
import { loadDeployment } from "../../src/chain/deploy.ts";
import { DEMO_ORGANISATIONS, DEMO_PATRONATI, loadConsortium, organisationKeys } from "../../src/demo/consortium.ts";
import { deployDemoChain } from "../../src/demo/system.ts";
import { createLogger } from "../../src/logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../../src/node/embedded-chain.ts";
import { freePort } from "../../src/node/processes.ts";


describe("npm start path on a real JSON-RPC node", function () {
  const logger = createLogger("silent");
  let chain: EmbeddedChain;
  let home: string;

  before(async function () {
    home = mkdtempSync(join(tmpdir(), "pachain-start-"));
    chain = await startEmbeddedChain({ port: await freePort(), logger });
  });

  after(async function () {
    await chain?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it("binds the node to loopback and refuses a second node on the same port", async function () {
    expect(new URL(chain.url).hostname).to.equal("127.0.0.1");
    const port = Number(new URL(chain.url).port);
    const second = await startEmbeddedChain({ port, logger }).then(
      () => new Error("a second node started"),
      (error: Error) => error,
    );
    expect(second.message).to.match(/already answers JSON-RPC/);
  });

  const deploymentId = `test-${process.pid}-${Date.now()}`;
  after(() => rmSync(new URL(`../../ignition/deployments/${deploymentId}`, import.meta.url), { recursive: true, force: true }));

  it("deploys with Ignition, registers the demo consortium and its keys, and keeps the keys across runs", async function () {
    // The bootstrap npm start, the tests' harness and the bench share (src/demo/system.ts).
    const { deployment, contracts, provider, organisations: registered } = await deployDemoChain({ rpcUrl: chain.url, home, deploymentId, logger });
    expect(deployment.chainId).to.equal(31337);
    const keysDir = join(home, "keys");
    expect(loadDeployment(join(home, "deployment.json")).addresses).to.deep.equal(deployment.addresses);
    expect(loadConsortium(join(home, "consortium.json")).organisations.map((o) => o.orgId)).to.deep.equal(registered.map((o) => o.orgId));
    expect(registered).to.have.length(DEMO_ORGANISATIONS.length);
    // The patronati right after the organisations, as PATRONATO organisations.
    expect(Number(await contracts.organisations.organisationCount())).to.equal(DEMO_ORGANISATIONS.length + DEMO_PATRONATI.length);
    expect(Number((await contracts.organisations.organisation(DEMO_ORGANISATIONS.length + 1)).kind)).to.equal(ORG_KIND.PATRONATO);
    const roma = registered.find((o) => o.slug === "comune-roma")!;
    expect(Number(await contracts.organisations.municipalityId(58091))).to.equal(roma.orgId);
    const key = await contracts.organisations.signerKey(roma.signers[0].address);
    expect(Number(key.orgId)).to.equal(roma.orgId);
    const [phase2, provinces2] = await contracts.catalog.wavePhase(2);
    expect(Number(phase2)).to.equal(1);
    expect(provinces2.map(Number)).to.deep.equal([15, 17, 48, 58, 63]);
    // The same key files come back on the next start.
    expect(organisationKeys(keysDir, roma).map((w) => w.address)).to.deep.equal(roma.signers.map((w) => w.address));
    provider.destroy();
  });
});
