// Runs a conformance scenario on a fresh in-process chain: deploys PA Chain with the scenario's
// waves on the scenario's date, sets up the certifying organisations, records every fact through
// the real path (signed by the certifier, verified on chain), then answers each query on chain.
import { randomBytes } from "node:crypto";
import { BaseWallet, id, keccak256, Wallet, type Signer, type TypedDataDomain } from "ethers";
import { network } from "hardhat";
import PAChainModule from "../../ignition/modules/PAChain.ts";
import { addSigners, grantRoles, registerOrganisation } from "../chain/consortium.ts";
import { addressesOf, attachContracts, type PAChainContracts } from "../chain/contracts.ts";
import { factDomain, onChainAssessmentId, signAssessment, signFact } from "../chain/signing.ts";
import { benefitId, reasonName, type ReasonName } from "../domain/catalog.ts";
import { formatIsoDate } from "../domain/dates.ts";
import { formatIstatCode } from "../domain/istat.ts";
import { pseudonymise } from "../domain/pseudonym.ts";
import type { Scenario, ScenarioFact, ScenarioQuery } from "./scenario.ts";

export type Answer =
  | { op: "check"; eligible: boolean; reason: ReasonName; monthlyAmountCents: number }
  | { op: "pay"; recorded: boolean; reason: ReasonName; amountCents: number; txHash: string; gasUsed: number };

/** The certifying organisations of a scenario: each signs with its own key, each relays with its own account. */
interface Certifiers {
  domain: TypedDataDomain;
  inps: BaseWallet;
  asl: BaseWallet;
  commissionId: number;
  commissionMembers: BaseWallet[];
  municipalities: Map<number, BaseWallet>;
}

interface Relayers {
  civil: Signer;
  health: Signer;
  income: Signer;
  inps: Signer;
}

export async function* runScenario(scenario: Scenario): AsyncGenerator<Answer> {
  const connection = await network.create({
    override: { initialDate: `${formatIsoDate(scenario.today)}T00:00:00Z` },
  });
  try {
    const [admin, civil, health, income, inps] = await connection.ethers.getSigners();
    const parameters: Record<string, number | number[]> = {};
    for (const w of scenario.waves) {
      parameters[`wave${w.wave}Phase`] = w.phase;
      parameters[`wave${w.wave}PilotProvinces`] = w.provinces;
    }
    const deployed = await connection.ignition.deploy(PAChainModule, {
      parameters: { PAChain: parameters },
      defaultSender: await admin.getAddress(),
    });
    const addresses = await addressesOf(deployed);
    const contracts = attachContracts(addresses, admin);
    const relayers: Relayers = { civil, health, income, inps };
    await grantRoles(contracts, [
      ["CIVIL_RELAYER", await civil.getAddress()],
      ["HEALTH_RELAYER", await health.getAddress()],
      ["INCOME_RELAYER", await income.getAddress()],
      ["INPS_DECIDER", await inps.getAddress()],
      ["INPS_PAYER", await inps.getAddress()],
    ]);
    const { chainId } = await connection.ethers.provider.getNetwork();
    const certifiers = await setUpCertifiers(contracts, scenario, factDomain(chainId, addresses.facts));

    const pseudonymKey = randomBytes(32);
    const subjects = new Map([...scenario.persons].map(([label, code]) => [label, pseudonymise(code, pseudonymKey)]));
    const signedAt = async () => (await connection.ethers.provider.getBlock("latest"))!.timestamp;
    const residence = new Map<string, number>();
    for (const [index, fact] of scenario.facts.entries()) {
      await recordFact(contracts, relayers, certifiers, { fact, index, subjects, residence, signedAt: await signedAt() });
    }
    for (const query of scenario.queries) {
      yield await answer(contracts, relayers, subjects.get(query.person)!, query);
    }
  } finally {
    await connection.close();
  }
}

async function setUpCertifiers(contracts: PAChainContracts, scenario: Scenario, domain: TypedDataDomain): Promise<Certifiers> {
  const inps = Wallet.createRandom();
  const asl = Wallet.createRandom();
  const commissionMembers = [Wallet.createRandom(), Wallet.createRandom()];
  const inpsId = await registerOrganisation(contracts, { kind: "INPS", code: 0, parentId: 0, name: "INPS" });
  await addSigners(contracts, inpsId, [inps.address]);
  const aslId = await registerOrganisation(contracts, { kind: "ASL", code: 1, parentId: 0, name: "ASL scenario" });
  await addSigners(contracts, aslId, [asl.address]);
  const commissionId = await registerOrganisation(contracts, {
    kind: "MEDICAL_COMMISSION", code: 0, parentId: aslId, name: "Commissione medica scenario",
  });
  await addSigners(contracts, commissionId, commissionMembers.map((m) => m.address));

  // One municipality per residence in the scenario, plus Rome for deaths of people never given one.
  const codes = new Set<number>([DEFAULT_MUNICIPALITY]);
  for (const fact of scenario.facts) if (fact.kind === "civil") codes.add(fact.residence);
  const municipalities = new Map<number, BaseWallet>();
  for (const code of codes) {
    const key = Wallet.createRandom();
    const orgId = await registerOrganisation(contracts, {
      kind: "MUNICIPALITY", code, parentId: 0, name: `Comune ${formatIstatCode(code)}`,
    });
    await addSigners(contracts, orgId, [key.address]);
    municipalities.set(code, key);
  }
  return { domain, inps, asl, commissionId, commissionMembers, municipalities };
}

const DEFAULT_MUNICIPALITY = 58091; // Roma

interface FactContext {
  fact: ScenarioFact;
  index: number;
  subjects: Map<string, string>;
  /** Latest residence per person, so a death is certified by the municipality of residence. */
  residence: Map<string, number>;
  signedAt: number;
}

async function recordFact(contracts: PAChainContracts, relayers: Relayers, certifiers: Certifiers, ctx: FactContext) {
  const { fact, index, subjects, signedAt } = ctx;
  const { domain } = certifiers;
  const recordId = id(`scenario:fact:${index}`);
  const assessmentId = (label: string) => id(`scenario:assessment:${label}`);
  const facts = contracts.facts;
  let tx;
  switch (fact.kind) {
    case "civil": {
      ctx.residence.set(fact.person, fact.residence);
      const record = { recordId, subject: subjects.get(fact.person)!, birthDate: fact.birthDate, residence: fact.residence, signedAt };
      const signature = await signFact(certifiers.municipalities.get(fact.residence)!, domain, "CivilRecord", record);
      tx = facts.connect(relayers.civil).recordCivil(record, signature);
      break;
    }
    case "death": {
      const municipality = certifiers.municipalities.get(ctx.residence.get(fact.person) ?? DEFAULT_MUNICIPALITY)!;
      const record = { recordId, subject: subjects.get(fact.person)!, deathDate: fact.date, signedAt };
      tx = facts.connect(relayers.civil).recordDeath(record, await signFact(municipality, domain, "DeathRecord", record));
      break;
    }
    case "assessment": {
      const record = {
        assessmentId: assessmentId(fact.id),
        subject: subjects.get(fact.person)!,
        commissionId: certifiers.commissionId,
        category: fact.category,
        percentage: fact.percentage,
        flags: fact.flags,
        effectiveDate: fact.effectiveDate,
        reviewDate: fact.reviewDate,
        // The report stays in the ASL's system; only a salted hash of it reaches the chain.
        reportHash: keccak256(randomBytes(64)),
        signedAt,
      };
      const signatures = await signAssessment(certifiers.commissionMembers, domain, record);
      tx = facts.connect(relayers.health).recordAssessment(record, signatures);
      break;
    }
    case "revokeAssessment": {
      // A revocation names the assessment by its on-chain id, bound to its commission.
      const record = { recordId, assessmentId: onChainAssessmentId(certifiers.commissionId, assessmentId(fact.id)), reason: 4, signedAt };
      const signature = await signFact(certifiers.commissionMembers[0], domain, "RevocationRecord", record);
      tx = facts.connect(relayers.health).recordRevocation(record, signature);
      break;
    }
    case "income": {
      const record = { recordId, subject: subjects.get(fact.person)!, year: fact.year, amountCents: fact.amountCents, signedAt };
      tx = facts.connect(relayers.income).recordIncome(record, await signFact(certifiers.inps, domain, "IncomeRecord", record));
      break;
    }
    case "hospitalStay": {
      const record = { recordId, subject: subjects.get(fact.person)!, admission: fact.admission, discharge: fact.discharge, signedAt };
      const signature = await signFact(certifiers.asl, domain, "HospitalStayRecord", record);
      tx = facts.connect(relayers.health).recordHospitalStay(record, signature);
      break;
    }
  }
  await (await tx).wait();
}

async function answer(contracts: PAChainContracts, relayers: Relayers, subject: string, query: ScenarioQuery): Promise<Answer> {
  const benefit = benefitId(query.benefit);
  if (query.op === "check") {
    const [eligible, reason, amount] = await contracts.ledger.check(subject, benefit, query.date);
    return { op: "check", eligible, reason: reasonName(Number(reason)), monthlyAmountCents: Number(amount) };
  }
  const ledger = contracts.ledger.connect(relayers.inps);
  const receipt = (await (await ledger.recordPayment(subject, benefit, query.period)).wait())!;
  for (const log of receipt.logs) {
    const event = ledger.interface.parseLog(log);
    if (event?.name === "PaymentRecorded" || event?.name === "PaymentRefused") {
      const recorded = event.name === "PaymentRecorded";
      return {
        op: "pay",
        recorded,
        reason: recorded ? "ELIGIBLE" : reasonName(Number(event.args.reason)),
        amountCents: recorded ? Number(event.args.amountCents) : 0,
        txHash: receipt.hash,
        gasUsed: Number(receipt.gasUsed),
      };
    }
  }
  throw new Error(`payment transaction ${receipt.hash} emitted no payment event`);
}
