import { readFileSync } from "node:fs";
import { expect } from "chai";
import { TypedDataEncoder, Wallet, ZeroHash, id } from "ethers";
import { network } from "hardhat";
import PAChainModule from "../../ignition/modules/PAChain.ts";
import { selectorsOf } from "../../src/chain/artifacts.ts";
import { addressesOf, attachContracts } from "../../src/chain/contracts.ts";
import { CREDENTIAL_PERMISSIONS, CREDENTIAL_ROLE, PERMISSIONS, ROLE } from "../../src/chain/roles.ts";
import { FACT_TYPES, factDomain, signFact } from "../../src/chain/signing.ts";
import { loadCatalog, WAVE_PHASE } from "../../src/domain/catalog.ts";

const { ethers, ignition, networkHelpers } = await network.create();

async function deployPAChain() {
  const [admin, stranger] = await ethers.getSigners();
  const deployed = await ignition.deploy(PAChainModule);
  const addresses = await addressesOf(deployed);
  return { admin, stranger, addresses, contracts: attachContracts(addresses, admin), statusListAnchor: deployed.statusListAnchor };
}

describe("PAChain Ignition module", function () {
  it("seeds every benefit of the rule table with its rule and yearly terms", async function () {
    const { contracts } = await networkHelpers.loadFixture(deployPAChain);
    const catalog = loadCatalog();
    // Ignition sends independent calls in parallel, so definition order is not the file's order.
    expect([...(await contracts.catalog.benefitIds())].sort()).to.deep.equal(catalog.benefits.map((b) => b.id).sort());
    expect(catalog.benefits).to.have.length(13);
    for (const benefit of catalog.benefits) {
      const stored = await contracts.catalog.benefit(benefit.id);
      expect(await contracts.catalog.benefitCode(benefit.id)).to.equal(benefit.code);
      expect(stored.exists, benefit.code).to.equal(true);
      expect(Number(stored.wave), benefit.code).to.equal(benefit.wave);
      expect(stored.monetary, benefit.code).to.equal(benefit.monetary);
      expect(Number(stored.paymentsPerYear), benefit.code).to.equal(benefit.paymentsPerYear);
      expect(Number(stored.minAge), benefit.code).to.equal(benefit.minAge);
      expect(Number(stored.maxAgeExclusive), benefit.code).to.equal(benefit.maxAgeExclusive);
      expect(stored.suspendedByLongHospitalStay, benefit.code).to.equal(benefit.suspendedByLongHospitalStay);
      expect(stored.hasIncomeLimit, benefit.code).to.equal(benefit.hasIncomeLimit);
      expect(Number(stored.requirementCount), benefit.code).to.equal(benefit.alternatives.length);
      for (const year of benefit.years) {
        const terms = await contracts.catalog.yearTerms(benefit.id, year.year);
        expect(terms.set, `${benefit.code} ${year.year}`).to.equal(true);
        expect(terms.monthlyAmountCents, `${benefit.code} ${year.year}`).to.equal(year.monthlyAmountCents);
        expect(terms.incomeLimitCents, `${benefit.code} ${year.year}`).to.equal(year.incomeLimitCents);
      }
    }
  });

  it("puts every wave LIVE unless parameters say otherwise", async function () {
    const { contracts } = await networkHelpers.loadFixture(deployPAChain);
    for (const wave of [1, 2, 3]) {
      const [phase, provinces] = await contracts.catalog.wavePhase(wave);
      expect(Number(phase)).to.equal(WAVE_PHASE.LIVE);
      expect(provinces).to.deep.equal([]);
    }
  });

  it("wires every restricted function to the role of the permission table", async function () {
    const { contracts, addresses } = await networkHelpers.loadFixture(deployPAChain);
    const target: Record<string, string> = {
      OrganisationRegistry: addresses.organisations,
      FactRegistry: addresses.facts,
      BenefitCatalog: addresses.catalog,
      BenefitLedger: addresses.ledger,
    };
    for (const { contract, role, functions } of PERMISSIONS) {
      const selectors = selectorsOf(contract, functions);
      for (const [i, selector] of selectors.entries()) {
        expect(await contracts.manager.getTargetFunctionRole(target[contract], selector), `${contract}.${functions[i]}`)
          .to.equal(ROLE[role]);
      }
    }
  });

  it("refuses every restricted function to an account without its role", async function () {
    const { contracts, stranger } = await networkHelpers.loadFixture(deployPAChain);
    const record = { recordId: ZeroHash, subject: ZeroHash, birthDate: 19800101, residence: 58091, signedAt: 0 };
    await expect(contracts.facts.connect(stranger).recordCivil(record, "0x"))
      .to.be.revertedWithCustomError(contracts.facts, "AccessManagedUnauthorized").withArgs(stranger.address);
    await expect(contracts.ledger.connect(stranger).recordPayment(ZeroHash, id("INV_PENSIONE_INABILITA"), 202601))
      .to.be.revertedWithCustomError(contracts.ledger, "AccessManagedUnauthorized").withArgs(stranger.address);
    await expect(contracts.catalog.connect(stranger).setWavePhase(1, WAVE_PHASE.PLANNED, []))
      .to.be.revertedWithCustomError(contracts.catalog, "AccessManagedUnauthorized").withArgs(stranger.address);
    await expect(contracts.organisations.connect(stranger).registerOrganisation(3, 0, 0, "INPS"))
      .to.be.revertedWithCustomError(contracts.organisations, "AccessManagedUnauthorized").withArgs(stranger.address);
    await expect(contracts.ledger.connect(stranger).pause())
      .to.be.revertedWithCustomError(contracts.ledger, "AccessManagedUnauthorized").withArgs(stranger.address);
  });

  it("deploys StatusListAnchor with anchor() for CREDENTIAL_ISSUER only (the credentials' own permission block)", async function () {
    const { contracts, stranger, statusListAnchor } = await networkHelpers.loadFixture(deployPAChain);
    const address = await statusListAnchor.getAddress();
    for (const { contract, role, functions } of CREDENTIAL_PERMISSIONS) {
      for (const [i, selector] of selectorsOf(contract, functions).entries()) {
        expect(await contracts.manager.getTargetFunctionRole(address, selector), `${contract}.${functions[i]}`).to.equal(CREDENTIAL_ROLE[role]);
      }
    }
    const consortiumRoles: bigint[] = Object.values(ROLE);
    expect(Object.values(CREDENTIAL_ROLE).some((role) => consortiumRoles.includes(role)), "credential role ids clash with the consortium's").to.equal(false);
    await expect((statusListAnchor.connect(stranger) as unknown as { anchor(listId: number, hash: string, issuedAt: number): Promise<unknown> }).anchor(1, id("list"), 1))
      .to.be.revertedWithCustomError(statusListAnchor, "AccessManagedUnauthorized").withArgs(stranger.address);
  });

  it("keeps the TypeScript role ids equal to contracts/access/Roles.sol", function () {
    const source = readFileSync(new URL("../../contracts/access/Roles.sol", import.meta.url), "utf8");
    const declared = Object.fromEntries(
      [...source.matchAll(/uint64 internal constant (\w+) = (\d+);/g)].map(([, name, value]) => [name, BigInt(value)]),
    );
    const { ADMIN: _admin, ...roles } = ROLE;
    expect(declared).to.deep.equal(roles);
  });
});

describe("EIP-712 signing of facts", function () {
  it("produces the digests FactRegistry verifies, for every record type", async function () {
    const { contracts, addresses } = await networkHelpers.loadFixture(deployPAChain);
    const { chainId } = await ethers.provider.getNetwork();
    const domain = factDomain(chainId, addresses.facts);
    const subject = id("subject");
    const records = {
      CivilRecord: { recordId: id("c"), subject, birthDate: 19800101, residence: 58091, signedAt: 1 },
      DeathRecord: { recordId: id("d"), subject, deathDate: 20260517, signedAt: 2 },
      AssessmentRecord: {
        assessmentId: id("a"), subject, commissionId: 3, category: 1, percentage: 100, flags: 1,
        effectiveDate: 20250301, reviewDate: 0, reportHash: id("report"), signedAt: 3,
      },
      RevocationRecord: { recordId: id("r"), assessmentId: id("a"), reason: 1, signedAt: 4 },
      IncomeRecord: { recordId: id("i"), subject, year: 2026, amountCents: 1200000n, signedAt: 5 },
      HospitalStayRecord: { recordId: id("h"), subject, admission: 20260120, discharge: 0, signedAt: 6 },
    };
    const onChain = {
      CivilRecord: contracts.facts.civilDigest(records.CivilRecord),
      DeathRecord: contracts.facts.deathDigest(records.DeathRecord),
      AssessmentRecord: contracts.facts.assessmentDigest(records.AssessmentRecord),
      RevocationRecord: contracts.facts.revocationDigest(records.RevocationRecord),
      IncomeRecord: contracts.facts.incomeDigest(records.IncomeRecord),
      HospitalStayRecord: contracts.facts.hospitalStayDigest(records.HospitalStayRecord),
    };
    for (const type of Object.keys(FACT_TYPES) as (keyof typeof FACT_TYPES)[]) {
      const offChain = TypedDataEncoder.hash(domain, { [type]: [...FACT_TYPES[type]] }, records[type]);
      expect(await onChain[type], type).to.equal(offChain);
    }
    const signer = Wallet.createRandom();
    const signature = await signFact(signer, domain, "IncomeRecord", records.IncomeRecord);
    expect(ethers.recoverAddress(await onChain.IncomeRecord, signature)).to.equal(signer.address);
  });
});
