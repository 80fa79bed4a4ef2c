import { expect } from "chai";
import { BaseWallet, Wallet, id } from "ethers";
import { factDomain, onChainAssessmentId, signFact } from "../../src/chain/signing.ts";
import { reasonName } from "../../src/domain/catalog.ts";
import { pseudonymise } from "../../src/domain/pseudonym.ts";
import { createLogger } from "../../src/logger.ts";
import type { IntakeResult } from "../../src/oracle/intake.ts";
import { startMetricsServer } from "../../src/oracle/metrics-server.ts";
import { payrollReport, readPayrollOrder, startPayrollRun } from "../../src/oracle/payroll.ts";
import type { NewItem } from "../../src/oracle/store.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { resolveSecret } from "../../src/secrets.ts";
import { expectedFacts, readChainState } from "./chain-state.ts";
import { readFeed, startCuttableProxy, startProcess, startSystem, type System } from "./harness.ts";
import { currentPeriod, nowSeconds, testClock } from "../support/clock.ts";

const PERIOD_OF_TODAY = currentPeriod();

function itemOf(result: IntakeResult): NewItem {
  if (result.type !== "item") throw new Error("expected a fact item");
  return result.item;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("oracle end to end, over a real JSON-RPC node", function () {
  this.timeout(600_000);
  let system: System;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
  let rt: OracleRuntime;
  let feedEvents: Array<Record<string, unknown>>;

  before(async function () {
    system = await startSystem({
      size: 400,
      seed: 11,
      rpcUrl: async (chainUrl) => (proxy = await startCuttableProxy(chainUrl)).url,
    });
    feedEvents = (await Promise.all(Object.values(system.sources).map(readFeed))).flat();
    rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: createLogger("silent") });
    rt.oracle.start();
  });

  after(async function () {
    await rt?.close();
    proxy?.close();
    await system?.stop();
  });

  it("records every fact of the feeds exactly once, even with the node unreachable for a while", async function () {
    // Cut the node off while the first batches are in flight, then bring it back.
    await new Promise((r) => setTimeout(r, 1500));
    proxy.cut();
    await new Promise((r) => setTimeout(r, 4000));
    proxy.restore();
    await rt.oracle.idle(300_000);

    const expected = expectedFacts(feedEvents);
    expect(expected.size, "the feeds carry thousands of records").to.be.greaterThan(1000);
    const kinds = new Set([...expected].map((k) => k.split(":")[0]));
    expect([...kinds].sort()).to.deep.equal(["assessment", "civil", "death", "hospitalStay", "income", "revocation"]);
    const dead = rt.store.items({ status: "dead" });
    expect(dead.map((d) => `${d.recordKey} ${d.errorDetail}`)).to.deep.equal([]);
    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect([...state.facts.keys()].sort()).to.deep.equal([...expected].sort());
    expect([...state.facts.values()].every((n) => n === 1), "no record twice").to.equal(true);
    // What Prometheus scrapes says the same.
    const server = await startMetricsServer(rt.metrics.registry, 0);
    const scraped = await (await fetch(`${server.url}/metrics`)).text();
    await server.close();
    const relayed = [...scraped.matchAll(/^pachain_oracle_records_relayed_total\{relayer="\w+",kind="fact"\} (\d+)$/gm)]
      .reduce((sum, m) => sum + Number(m[1]), 0);
    expect(relayed).to.be.at.least(expected.size);
    expect(scraped).to.match(/^pachain_oracle_source_lag_seconds\{source="comune"\} /m);
  });

  it("decides every application on chain, with every benefit granted and every check reason given", async function () {
    const applications = feedEvents.filter((e) => e.kind === "application");
    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect(state.decisions.size).to.equal(applications.length);
    const reasons = new Set([...state.decisions.values()].map((v) => reasonName(Number(v.split(":")[1]))));
    for (const reason of ["ELIGIBLE", "NO_CIVIL_RECORD", "DECEASED", "BENEFIT_NOT_LIVE", "NO_VALID_ASSESSMENT", "REQUIREMENT_NOT_MET", "AGE_OUT_OF_RANGE", "INCOME_NOT_ATTESTED", "INCOME_ABOVE_LIMIT", "HOSPITALISED"]) {
      expect(reasons, reason).to.include(reason);
    }
  });

  it("pays exactly the entitled subjects for a period, and a second run pays nothing more", async function () {
    // The first run in the ledger's bitmap order (the registry's numbers), the second in grant order.
    // The numbers read once are kept for the next run: a number never changes once given.
    const known = new Map<string, number>();
    let reads = 0;
    const facts = { subjectNumber: (subject: string) => (reads++, system.contracts.facts.subjectNumber(subject)) };
    const order = await readPayrollOrder(rt.store, rt.catalog, facts, known);
    expect(order.size).to.be.greaterThan(0);
    expect(reads).to.equal(order.size);
    for (const [subject, n] of order) expect(n, subject).to.equal(Number(await system.contracts.facts.subjectNumber(subject))).and.to.be.greaterThan(0);
    expect([...(await readPayrollOrder(rt.store, rt.catalog, facts, known))]).to.deep.equal([...order]);
    expect(reads, "a second run reads no number already known").to.equal(order.size);
    const first = startPayrollRun(rt.store, rt.catalog, PERIOD_OF_TODAY, order);
    const ordered = rt.store.payrollItems(PERIOD_OF_TODAY, first.run).map((i) => JSON.parse(i.payload) as { subject: string; benefit: string });
    // One benefit after another, each in registry-number order.
    const benefits = ordered.map((o) => o.benefit).filter((b, i, all) => i === 0 || b !== all[i - 1]);
    expect(benefits).to.deep.equal([...new Set(benefits)]);
    for (let i = 1; i < ordered.length; i++) {
      if (ordered[i].benefit === ordered[i - 1].benefit) expect(order.get(ordered[i].subject)).to.be.greaterThan(order.get(ordered[i - 1].subject)!);
    }
    const report = await waitFor(() => {
      const r = payrollReport(rt.store, PERIOD_OF_TODAY, first.run);
      return r.settled === r.orders ? r : undefined;
    }, 120_000, "the payroll");
    expect(report.orders).to.be.greaterThan(0);
    expect(report.paid).to.be.greaterThan(0);
    // Every order paid iff the contracts' check on the period's first day says eligible, at that amount.
    for (const item of rt.store.payrollItems(PERIOD_OF_TODAY, first.run)) {
      const { subject, benefit, period } = JSON.parse(item.payload);
      const outcome = JSON.parse(item.outcome!);
      expect(await system.contracts.ledger.isPaid(subject, id(benefit), period)).to.equal(outcome.recorded);
    }
    const second = startPayrollRun(rt.store, rt.catalog, PERIOD_OF_TODAY);
    const again = await waitFor(() => {
      const r = payrollReport(rt.store, PERIOD_OF_TODAY, second.run);
      return r.settled === r.orders ? r : undefined;
    }, 120_000, "the second payroll");
    expect(again.paid).to.equal(0);
    expect(again.refused.ALREADY_PAID).to.equal(report.paid);
    const state = await readChainState(system.contracts, system.deployment.deploymentBlock);
    expect(state.payments.size).to.equal(report.paid);
  });

  it("refuses forged, misattributed and malformed records with a clear reason, and records the rest", async function () {
    const deployment = system.deployment;
    const domain = factDomain(deployment.chainId, deployment.addresses.facts);
    const key = resolveSecret(system.home, "pseudonym-key", undefined);
    const fiscalCode = "RSSMRA85T10A562S";
    const subject = pseudonymise(fiscalCode, key);
    const signedAt = nowSeconds();
    const event = async (kind: string, signer: BaseWallet, record: Record<string, unknown>, type: "CivilRecord" | "IncomeRecord") => ({
      cursor: 1, kind, sourceId: String(record.recordId), fiscalCode, record,
      signatures: [await signFact(signer, domain, type, record as never)], issuedAt: new Date(testClock.nowMs()).toISOString(),
    });
    const stranger = Wallet.createRandom();
    const roma = new Wallet(JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(`${system.home}/keys/comune-roma.json`, "utf8"))).privateKeys[0]);
    const civil = { recordId: id("forged-civil"), subject, birthDate: 19851210, residence: 58091, signedAt };
    const income = { recordId: id("income-by-comune"), subject, year: 2026, amountCents: "100000", signedAt };
    const good = { recordId: id("good-civil"), subject, birthDate: 19851210, residence: 58091, signedAt };
    // A key of Rome's, retired before it signs.
    const retired = Wallet.createRandom();
    const romaId = Number(await system.contracts.organisations.municipalityId(58091));
    await (await system.contracts.organisations.addSigner(romaId, retired.address)).wait();
    await (await system.contracts.organisations.retireSigner(retired.address)).wait();
    // Signed at the very second of its retirement (chain time): refused.
    const { retiredAt } = await system.contracts.organisations.signerKey(retired.address);
    const afterRetirement = { recordId: id("retired-key-civil"), subject, birthDate: 19851210, residence: 58091, signedAt: Number(retiredAt) };
    const badSignature = await event("civil", roma, { ...civil, recordId: id("bad-signature-civil") }, "CivilRecord");
    badSignature.signatures = [`${badSignature.signatures[0].slice(0, 130)}1d`];
    const cases = [
      { event: await event("civil", retired, afterRetirement, "CivilRecord"), reason: "OrganisationRegistrySignerRetired" },
      { event: badSignature, reason: "FactRegistryInvalidSignature" },
      { event: await event("civil", stranger, civil, "CivilRecord"), reason: "OrganisationRegistryUnknownSigner" },
      { event: await event("income", roma, income, "IncomeRecord"), reason: "FactRegistryUnauthorisedCertifier" },
      { event: { ...(await event("civil", roma, good, "CivilRecord")), fiscalCode: "RSSMRA85T10A562X" }, reason: "INVALID_FISCAL_CODE" },
      { event: await event("civil", roma, good, "CivilRecord"), reason: null },
    ];
    const items = cases.map((c, i) => rt.intake.accept(`test${i}`, c.reason === "FactRegistryUnauthorisedCertifier" ? "inps" : "civil", c.event));
    rt.store.enqueue(items.map(itemOf));
    await rt.oracle.idle(60_000);
    cases.forEach((c, i) => {
      const stored = rt.store.itemByKey(itemOf(items[i]).recordKey)!;
      if (c.reason === null) expect(stored.status, "the valid record").to.equal("done");
      else {
        expect(stored.status, c.reason).to.equal("dead");
        expect(stored.errorName, c.reason).to.equal(c.reason);
      }
    });
    // Replaying the valid record is settled as already recorded, not recorded twice.
    const replay = rt.intake.accept("replay", "civil", await event("civil", roma, good, "CivilRecord"));
    rt.store.enqueue([{ ...itemOf(replay), recordKey: "replayed-good-civil" }]);
    await rt.oracle.idle(60_000);
    expect(JSON.parse(rt.store.itemByKey("replayed-good-civil")!.outcome!)).to.deep.equal({ alreadyRecorded: true });
    const state = await readChainState(system.contracts, deployment.deploymentBlock);
    expect(state.facts.get(`civil:${good.recordId}`)).to.equal(1);
  });

  it("lets a medical commission sign and submit an assessment from the command line, and refuses a foreign signer", async function () {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const consortium = JSON.parse(readFileSync(`${system.home}/consortium.json`, "utf8")) as { organisations: Array<{ slug: string; orgId: number }> };
    const commissionId = consortium.organisations.find((o) => o.slug === "asl-roma-1-cml")!.orgId;
    const submit = async (sourceId: string, keys: string) => {
      const file = `${system.home}/${sourceId.replaceAll("/", "-")}.json`;
      writeFileSync(file, JSON.stringify({
        sourceId, fiscalCode: "RSSMRA85T10A562S", commissionId, category: "CIVIL_INVALIDITY", percentage: 100,
        flags: ["NEEDS_CONTINUOUS_ASSISTANCE"], effectiveDate: "2026-01-01", reviewDate: null, report: "ASLRM1 verbale 2026/77",
      }));
      const child = await startProcess(["scripts/oracle.ts", "commission", file, "--keys", `${system.home}/keys/${keys}.json`], system.env, null);
      let out = "";
      child.stdout!.on("data", (d: Buffer) => (out += d));
      const code = await new Promise((resolve) => child.once("exit", resolve));
      return { code, answer: JSON.parse(out.trim().split("\n").pop()!) };
    };
    const recorded = await submit("ASLRM1/CML/TEST/1", "asl-roma-1-cml");
    const onChainId = onChainAssessmentId(commissionId, id("ASLRM1/CML/TEST/1"));
    expect(recorded).to.deep.equal({ code: 0, answer: { status: "recorded", assessmentId: onChainId } });
    const [exists] = await system.contracts.facts.assessmentById(onChainId);
    expect(exists).to.equal(true);
    const refused = await submit("ASLRM1/CML/TEST/2", "ats-milano-cml");
    expect(refused.code).to.equal(1);
    expect(refused.answer.status).to.equal("refused");
    expect(refused.answer.reason).to.match(/^FactRegistrySignerNotInCommission\(/);
  });
});
