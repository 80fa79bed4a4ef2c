// The production path puts the governance roles other than ADMIN behind AccessManager execution
// delays too (src/production/deploy.ts ensureGovernanceDelays, docs/security.md "Governance
// delays"): GOVERNANCE and REGISTRAR act only after theirs, GUARDIAN still pauses at once, and
// unpausing waits GOVERNANCE's delay. The demo deployment keeps every delay at zero. On an
// in-process Hardhat network.
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";
import PAChainModule from "../../ignition/modules/PAChain.ts";
import { addressesOf, attachContracts } from "../../src/chain/contracts.ts";
import { ROLE } from "../../src/chain/roles.ts";
import { createLogger } from "../../src/logger.ts";
import { applyConsortium, ensureAdminDelay, ensureGovernanceDelays, type ConsortiumFile } from "../../src/production/deploy.ts";

const { ethers, ignition, networkHelpers } = await network.create();
const logger = createLogger("silent");
const DAY = 86_400;
const HOUR = 3_600;

describe("production path: governance, registrar and guardian delays", function () {
  const deploy = async () => {
    const [admin] = await ethers.getSigners();
    return attachContracts(await addressesOf(await ignition.deploy(PAChainModule)), admin);
  };

  it("the demo deployment keeps zero delays and the guardian's unpause", async function () {
    const contracts = await networkHelpers.loadFixture(deploy);
    const admin = await (await ethers.getSigners())[0].getAddress();
    for (const role of ["ADMIN", "GOVERNANCE", "REGISTRAR", "GUARDIAN"] as const) {
      const [member, delay] = await contracts.manager.hasRole(ROLE[role], admin);
      expect([role, member, Number(delay)]).to.deep.equal([role, true, 0]);
    }
    const unpause = contracts.ledger.interface.getFunction("unpause")!.selector;
    expect(await contracts.manager.getTargetFunctionRole(await contracts.ledger.getAddress(), unpause)).to.equal(ROLE.GUARDIAN);
  });

  it("delays GOVERNANCE and REGISTRAR, keeps pausing immediate and makes unpausing wait GOVERNANCE's delay", async function () {
    const contracts = await networkHelpers.loadFixture(deploy);
    const [adminSigner, guardian] = await ethers.getSigners();
    const admin = await adminSigner.getAddress();
    // A guardian of its own (an organisation's incident desk), granted while ADMIN acts at once.
    await (await contracts.manager.grantRole(ROLE.GUARDIAN, await guardian.getAddress(), 0)).wait();
    expect(await ensureGovernanceDelays(contracts, { governance: DAY, registrar: HOUR }, logger), "two delays, two rewirings").to.equal(4);
    expect(await ensureGovernanceDelays(contracts, { governance: DAY, registrar: HOUR }, logger), "re-run: nothing to do").to.equal(0);
    expect(await ensureAdminDelay(contracts, 2 * DAY, logger)).to.equal(1);
    const delays = Object.fromEntries(await Promise.all((["ADMIN", "GOVERNANCE", "REGISTRAR", "GUARDIAN"] as const)
      .map(async (role) => [role, Number((await contracts.manager.hasRole(ROLE[role], admin))[1])])));
    expect(delays).to.deep.equal({ ADMIN: 2 * DAY, GOVERNANCE: DAY, REGISTRAR: HOUR, GUARDIAN: 0 });
    // Once ADMIN is delayed, the same steps would be scheduled: none is left.
    expect(await ensureGovernanceDelays(contracts, { governance: DAY, registrar: HOUR }, logger)).to.equal(0);

    // GUARDIAN pauses the registry and the ledger at once, in an incident.
    await (await contracts.ledger.connect(guardian).pause()).wait();
    await (await contracts.facts.connect(guardian).pause()).wait();
    expect([await contracts.ledger.paused(), await contracts.facts.paused()]).to.deep.equal([true, true]);
    // Unpausing is GOVERNANCE's, behind its delay: never the guardian's, not at once, not before the delay.
    await expect(contracts.ledger.connect(guardian).unpause()).to.be.revertedWithCustomError(contracts.ledger, "AccessManagedUnauthorized");
    await expect(contracts.facts.connect(guardian).unpause()).to.be.revertedWithCustomError(contracts.facts, "AccessManagedUnauthorized");
    await expect(contracts.ledger.unpause()).to.be.revertedWithCustomError(contracts.manager, "AccessManagerNotScheduled");
    const ledger = await contracts.ledger.getAddress();
    const data = contracts.ledger.interface.encodeFunctionData("unpause");
    await (await contracts.manager.schedule(ledger, data, 0)).wait();
    await expect(contracts.manager.execute(ledger, data)).to.be.revertedWithCustomError(contracts.manager, "AccessManagerNotReady");
    await networkHelpers.time.increase(DAY + 1);
    await (await contracts.manager.execute(ledger, data)).wait();
    expect(await contracts.ledger.paused()).to.equal(false);

    // GOVERNANCE's own powers (benefit terms, wave phases) wait too.
    await expect(contracts.catalog.setWavePhase(1, 1, [])).to.be.revertedWithCustomError(contracts.manager, "AccessManagerNotScheduled");
  });

  it("registers an organisation and adds its signing key only after REGISTRAR's delay, each step scheduled on chain first", async function () {
    const contracts = await networkHelpers.loadFixture(deploy);
    await ensureGovernanceDelays(contracts, { governance: DAY, registrar: HOUR }, logger);
    const before = Number(await contracts.organisations.organisationCount());
    const signer = Wallet.createRandom().address;
    const spec: ConsortiumFile = { organisations: [{ slug: "inps", kind: "INPS", code: 1, name: "INPS", signers: [signer] }], oracles: [] };
    const run = () => applyConsortium(contracts, spec, record, logger);
    let record = { organisations: [] as Awaited<ReturnType<typeof applyConsortium>>["record"]["organisations"] };

    let applied = await run();
    expect([applied.scheduled, applied.pending, applied.record.organisations.length]).to.deep.equal([1, 0, 0]);
    applied = await run();
    expect([applied.scheduled, applied.pending, applied.transactions], "before the delay: waiting").to.deep.equal([0, 1, 0]);
    expect(Number(await contracts.organisations.organisationCount())).to.equal(before);

    await networkHelpers.time.increase(HOUR + 1);
    applied = await run();
    record = applied.record;
    expect(record.organisations.map((o) => o.slug)).to.deep.equal(["inps"]);
    expect(Number(await contracts.organisations.organisationCount())).to.equal(before + 1);
    // Its signing key is scheduled in the same run, and added after the delay.
    expect(applied.scheduled).to.equal(1);
    expect(Number((await contracts.organisations.signerKey(signer)).orgId)).to.equal(0);
    await networkHelpers.time.increase(HOUR + 1);
    applied = await run();
    expect(Number((await contracts.organisations.signerKey(signer)).orgId)).to.equal(record.organisations[0].orgId);
    applied = await run();
    expect([applied.scheduled, applied.pending, applied.transactions], "all applied").to.deep.equal([0, 0, 0]);
  });
});
