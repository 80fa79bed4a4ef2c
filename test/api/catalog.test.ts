// One benefit catalog: the chain's. A benefit governance defines on chain (no file changes) is
// served by the read API and the pages as soon as it is indexed, and the payroll orders it.
import { expect } from "chai";
import { hexlify, randomBytes } from "ethers";
import { readCatalog } from "../../src/chain/catalog-reader.ts";
import { loadConfig } from "../../src/config.ts";
import { benefitId, CATEGORY, loadCatalog, ruleOf, type Benefit } from "../../src/domain/catalog.ts";
import { createLogger } from "../../src/logger.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { startPayrollRun } from "../../src/oracle/payroll.ts";
import { openOracleStore } from "../../src/oracle/store.ts";
import { startSystem, type System } from "../oracle/harness.ts";
import { currentPeriod } from "../support/clock.ts";
import { waitUntilReady } from "./demo-api.ts";

const NEW_CODE = "TEST_NUOVA_PRESTAZIONE";

describe("benefit catalog read from the chain", function () {
  this.timeout(180_000);
  let system: System;
  let api: RunningApi;

  const call = async (path: string, token?: string) => {
    const response = await fetch(`${api.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return response.json() as Promise<any>;
  };
  const tokenOf = async (role: string, fiscalCode = "RSSMRA85T10A562S") =>
    ((await (await fetch(`${api.url}/v1/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role, fiscalCode }) })).json()) as { token: string }).token;

  before(async function () {
    system = await startSystem({ size: 10, seed: 5 });
    api = await startApi({
      config: loadConfig({ ...system.env, PACHAIN_API_DEMO: "true" }), deployment: system.deployment, logger: createLogger("silent"), port: 0,
    });
    await waitUntilReady(api.url);
  });

  after(async function () {
    await api?.close();
    await system?.stop();
  });

  it("serves the seeded catalog from the chain, the same benefits as the seed file", async function () {
    const served = (await call("/web/benefits.json")).benefits.map((b: any) => b.code).sort();
    expect(served).to.deep.equal(loadCatalog().benefits.map((b) => b.code).sort());
    const fromChain = await readCatalog(system.contracts.catalog);
    expect([...fromChain.benefits].sort((a, b) => a.code.localeCompare(b.code)))
      .to.deep.equal([...loadCatalog().benefits].sort((a, b) => a.code.localeCompare(b.code)));
  });

  it("shows a benefit governance defines on chain in the API, the pages and the payroll, with no file change", async function () {
    const year = Math.floor(currentPeriod() / 100);
    const benefit: Benefit = {
      id: benefitId(NEW_CODE), code: NEW_CODE, wave: 1, monetary: true, paymentsPerYear: 12, minAge: 18, maxAgeExclusive: 255,
      suspendedByLongHospitalStay: false, hasIncomeLimit: false,
      alternatives: [{ category: CATEGORY.CIVIL_INVALIDITY, minPercentage: 80, maxPercentage: 100, requiredFlags: 0 }],
      years: [{ year, monthlyAmountCents: 12_345n, incomeLimitCents: 0n }],
    };
    await (await system.contracts.catalog.defineBenefit(NEW_CODE, ruleOf(benefit))).wait();
    await (await system.contracts.catalog.setYearTerms(benefit.id, year, 12_345n, 0n)).wait();
    expect(loadCatalog().benefits.some((b) => b.code === NEW_CODE), "the seed file is unchanged").to.equal(false);

    const deadline = Date.now() + 30_000;
    while (!(await call("/web/benefits.json")).benefits.some((b: any) => b.code === NEW_CODE)) {
      if (Date.now() > deadline) throw new Error("the new benefit never reached the pages' catalog");
      await new Promise((r) => setTimeout(r, 200));
    }
    const waves = (await call("/v1/waves", await tokenOf("operator"))).waves;
    expect(waves.find((w: any) => w.wave === 1).benefits).to.include(NEW_CODE);
    const entitlements = (await call("/v1/me/entitlements", await tokenOf("citizen"))).entitlements;
    expect(entitlements.find((e: any) => e.benefit === NEW_CODE)).to.deep.include({ wave: 1, monetary: true, eligible: false });

    // The payroll reads the catalog from the chain too: a person granted the new benefit is paid.
    const fromChain = await readCatalog(system.contracts.catalog);
    expect(fromChain.benefits.find((b) => b.code === NEW_CODE)).to.deep.equal(benefit);
    const store = openOracleStore(":memory:");
    try {
      const applicationId = hexlify(randomBytes(32));
      const subject = hexlify(randomBytes(32));
      store.addApplications([{ applicationId, subject, benefit: NEW_CODE, date: Number(`${year}0101`) }]);
      store.recordDecision(applicationId, true, "ELIGIBLE");
      const { run, orders } = startPayrollRun(store, fromChain, currentPeriod());
      expect(orders).to.equal(1);
      expect(JSON.parse(store.payrollItems(currentPeriod(), run)[0].payload)).to.deep.equal({ subject, benefit: NEW_CODE, period: currentPeriod() });
    } finally {
      store.close();
    }
  });
});
