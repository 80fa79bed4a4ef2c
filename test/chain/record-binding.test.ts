// Issue 14, items 4 and 5, against the deployment the system really runs (Ignition module, the
// permission table, the consortium helpers): a record id is bound on chain to the organisation that
// certifies it, and only relayers may send a record batch.
import { expect } from "chai";
import { id, keccak256, toUtf8Bytes, Wallet } from "ethers";
import { network } from "hardhat";
import PAChainModule from "../../ignition/modules/PAChain.ts";
import { addSigners, grantRoles, registerOrganisation } from "../../src/chain/consortium.ts";
import { addressesOf, attachContracts } from "../../src/chain/contracts.ts";
import { factDomain, onChainAssessmentId, signAssessment, signFact } from "../../src/chain/signing.ts";

const { ethers, ignition, networkHelpers } = await network.create();
// Signed "now" by the chain's clock: this in-process chain was created when the suite loaded, and
// its block time need not match the wall clock minutes later (FactRegistry refuses a future signedAt).
const chainNow = async () => (await ethers.provider.getBlock("latest"))!.timestamp;

async function deployWithTwoOfEach() {
  const [admin, relayer, stranger] = await ethers.getSigners();
  const addresses = await addressesOf(await ignition.deploy(PAChainModule));
  const contracts = attachContracts(addresses, admin);
  await grantRoles(contracts, [["CIVIL_RELAYER", relayer.address], ["HEALTH_RELAYER", relayer.address]]);
  const key = () => Wallet.createRandom();
  const roma = { key: key(), orgId: await registerOrganisation(contracts, { kind: "MUNICIPALITY", code: 58091, parentId: 0, name: "Roma" }) };
  const milano = { key: key(), orgId: await registerOrganisation(contracts, { kind: "MUNICIPALITY", code: 15146, parentId: 0, name: "Milano" }) };
  const asl = await registerOrganisation(contracts, { kind: "ASL", code: 120201, parentId: 0, name: "ASL Roma 1" });
  const inps = await registerOrganisation(contracts, { kind: "INPS", code: 0, parentId: 0, name: "INPS" });
  const aslCommission = { members: [key(), key()], orgId: await registerOrganisation(contracts, { kind: "MEDICAL_COMMISSION", code: 0, parentId: asl, name: "CML ASL" }) };
  const inpsCommission = { members: [key(), key()], orgId: await registerOrganisation(contracts, { kind: "MEDICAL_COMMISSION", code: 0, parentId: inps, name: "CML INPS" }) };
  await addSigners(contracts, roma.orgId, [roma.key.address]);
  await addSigners(contracts, milano.orgId, [milano.key.address]);
  for (const c of [aslCommission, inpsCommission]) await addSigners(contracts, c.orgId, c.members.map((m) => m.address));
  const { chainId } = await ethers.provider.getNetwork();
  const domain = factDomain(chainId, addresses.facts);
  return { contracts, relayer, stranger, domain, roma, milano, aslCommission, inpsCommission };
}

// Source systems number their records sequentially: everybody has a record 42.
const SHARED_ID = id("42");
const subject = (name: string) => keccak256(toUtf8Bytes(`subject:${name}`));

describe("record ids bound to their certifier (issue 14.4)", function () {
  it("records a municipality's civil record although another municipality used the same id", async function () {
    const { contracts, relayer, domain, roma, milano } = await networkHelpers.loadFixture(deployWithTwoOfEach);
    const facts = contracts.facts.connect(relayer);
    const squatter = { recordId: SHARED_ID, subject: subject("lucia"), birthDate: 19900320, residence: 15146, signedAt: await chainNow() };
    await (await facts.recordCivil(squatter, await signFact(milano.key, domain, "CivilRecord", squatter))).wait();
    const owner = { recordId: SHARED_ID, subject: subject("mario"), birthDate: 19700510, residence: 58091, signedAt: await chainNow() };
    const signature = await signFact(roma.key, domain, "CivilRecord", owner);
    await expect(facts.recordCivil(owner, signature)).to.emit(facts, "CivilRecordRecorded");
    // The owner's own replay is still refused.
    await expect(facts.recordCivil(owner, signature)).to.be.revertedWithCustomError(facts, "FactRegistryAlreadyRecorded");
  });

  it("records a commission's assessment although another commission filed under its verbale number", async function () {
    const { contracts, relayer, domain, aslCommission, inpsCommission } = await networkHelpers.loadFixture(deployWithTwoOfEach);
    const facts = contracts.facts.connect(relayer);
    const signedAt = await chainNow();
    const assessment = (commissionId: number, who: string) => ({
      assessmentId: SHARED_ID, subject: subject(who), commissionId, category: 1, percentage: 100, flags: 1,
      effectiveDate: 20250101, reviewDate: 0, reportHash: id(`report ${who}`), signedAt,
    });
    const squatter = assessment(inpsCommission.orgId, "lucia");
    await (await facts.recordAssessment(squatter, await signAssessment(inpsCommission.members, domain, squatter))).wait();
    const owner = assessment(aslCommission.orgId, "mario");
    await expect(facts.recordAssessment(owner, await signAssessment(aslCommission.members, domain, owner)))
      .to.emit(facts, "AssessmentRecorded")
      .withArgs(onChainAssessmentId(aslCommission.orgId, SHARED_ID), subject("mario"), aslCommission.orgId, 1, 100, 1, 20250101, 0, owner.reportHash, (s: unknown) => Array.isArray(s), owner.signedAt);
  });
});

describe("record batches only from relayers (issue 14.5)", function () {
  it("refuses a batch from an account without the RELAYER role and takes one from a relayer", async function () {
    const { contracts, relayer, stranger, domain, roma } = await networkHelpers.loadFixture(deployWithTwoOfEach);
    const record = { recordId: id("batch"), subject: subject("mario"), birthDate: 19700510, residence: 58091, signedAt: await chainNow() };
    const call = contracts.facts.interface.encodeFunctionData("recordCivil", [record, await signFact(roma.key, domain, "CivilRecord", record)]);
    await expect(contracts.facts.connect(stranger).recordBatch([call]))
      .to.be.revertedWithCustomError(contracts.facts, "AccessManagedUnauthorized").withArgs(stranger.address);
    await expect(contracts.facts.connect(relayer).recordBatch([call])).to.emit(contracts.facts, "CivilRecordRecorded");
  });
});
