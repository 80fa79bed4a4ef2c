// The routes behind the pages' new views, over a real node, index and oracle: the payroll forecast
// asked of the contracts, a person's history reached from a payment row (logged), the commission's
// list (verbale, initials, date, outcome) and its revocation of an assessment through the oracle.
import { expect } from "chai";
import { join } from "node:path";
import { formatPeriod } from "../../src/domain/dates.ts";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { demoIntegrityKey, INTEGRITY_HEADER, signIntegrity } from "../../src/api/integrity.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/logger.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import type { System } from "../oracle/harness.ts";
import { currentPeriod, isoDaysFromToday, nowSeconds } from "../support/clock.ts";
import { startDemoApi, waitUntilReady, type DemoApi } from "./demo-api.ts";

const STAFF = "RSSMRA85T10A562S";
const addMonths = (yyyymm: number, delta: number) => {
  const index = Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1 + delta;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
};

describe("read API for the pages: forecast, trace from a payment, commission list and revocation", function () {
  this.timeout(300_000);
  let demo: DemoApi;
  let system: System;
  let rt: OracleRuntime;
  let api: RunningApi;

  const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${api.url}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const token = async (role: string, organisation?: number) =>
    (await call("/v1/dev/token", { method: "POST", body: { role, fiscalCode: STAFF, organisation } })).body.token as string;

  before(async function () {
    demo = await startDemoApi({ size: 40, seed: 5, payroll: true, pastMonths: 1 });
    ({ system, rt, api } = demo);
  });
  after(async function () {
    await demo?.close();
  });

  it("forecasts a month's payroll by asking the contracts, equal to what the payroll then paid, and goes on for the months asked", async function () {
    const auditor = await token("auditor");
    const from = addMonths(currentPeriod(), -1);
    const answer = await call(`/v1/payroll/forecast?from=${formatPeriod(from)}&months=4`, { token: auditor });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.months.map((m: any) => m.period)).to.deep.equal([0, 1, 2, 3].map((i) => formatPeriod(addMonths(from, i))));
    const totals = (await call("/v1/payroll/totals", { token: auditor })).body.totals as any[];
    for (const month of answer.body.months.slice(0, 2)) {
      // Months already paid: the forecast stands against the actual payroll, benefit by benefit.
      const paid = totals.filter((t) => t.period === month.period);
      expect(month.actualCents, month.period).to.equal(paid.reduce((s, t) => s + t.onChain.amountCents, 0));
      for (const b of month.benefits) {
        const actual = paid.find((t) => t.benefit === b.benefit);
        expect(b.forecast, `${month.period} ${b.benefit}`).to.deep.equal({ payments: actual?.onChain.payments ?? 0, amountCents: actual?.onChain.amountCents ?? 0 });
      }
    }
    expect(answer.body.months[0].forecastCents).to.be.greaterThan(0);
    expect(answer.body.months[2].actualCents).to.equal(null);
    // December pays the thirteenth: a 13-payment benefit's December forecast is twice its monthly amount per payment.
    const december = await call(`/v1/payroll/forecast?from=${Math.floor(currentPeriod() / 100)}-12&months=2`, { token: auditor });
    const [dec, jan] = december.body.months;
    const pension = (m: any) => m.benefits.find((b: any) => b.benefit === "INV_PENSIONE_INABILITA");
    if (pension(dec) && pension(jan) && pension(dec).forecast.payments === pension(jan).forecast.payments) {
      expect(pension(dec).forecast.amountCents).to.be.greaterThan(pension(jan).forecast.amountCents * 1.9);
    }
    expect((await call("/v1/payroll/forecast?months=25", { token: auditor })).status).to.equal(400);
    expect((await call("/v1/payroll/forecast", { token: await token("citizen") })).status).to.equal(403);
  });

  it("opens the history of the person a payment went to from the payment's place, logged with the purpose against that person", async function () {
    const auditor = await token("auditor");
    const [payment] = (await call(`/v1/payments?period=${formatPeriod(currentPeriod())}&limit=1`, { token: auditor })).body.payments;
    const id = `${payment.place.block}-${payment.place.logIndex}`;
    expect((await call(`/v1/payments/${id}/history`, { token: auditor })).status).to.equal(400);
    const answer = await call(`/v1/payments/${id}/history?purpose=${encodeURIComponent("Controllo a campione dal pagamento")}`, { token: auditor });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body.subject).to.equal(payment.subject);
    expect(answer.body.items.some((i: any) => i.type === "payment" && i.place.txHash === payment.place.txHash)).to.equal(true);
    for (const item of answer.body.items) expect(item.about, item.kind).to.match(/^\d{4}(-\d{2}(-\d{2})?)?$/);
    // The person sees the read, with its purpose, in their own access log.
    const person = rt.vault.reveal(payment.subject)!;
    const citizen = (await call("/v1/dev/token", { method: "POST", body: { role: "citizen", fiscalCode: person } })).body.token as string;
    const log = (await call("/v1/me/access-log", { token: citizen })).body.entries as any[];
    expect(log.some((e) => e.purpose === "Controllo a campione dal pagamento" && e.action === "payment-trace")).to.equal(true);
    expect((await call(`/v1/payments/${payment.place.block}-999/history?purpose=abcdef`, { token: auditor })).status).to.equal(404);
  });

  it("lists a commission's assessments with the verbale number, initials, date and outcome, and revokes one through the oracle", async function () {
    const org = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION" && o.slug === "inps-cml-roma")!;
    const commission = await token("commission", org.orgId);
    const list = (await call("/v1/commission/assessments?limit=500", { token: commission })).body.assessments as any[];
    const recorded = list.filter((a) => a.status === "recorded" && !a.revocation);
    expect(recorded.length, "recorded assessments of the commission").to.be.greaterThan(0);
    for (const a of recorded) {
      expect(a.sourceId, a.assessmentId).to.be.a("string");
      expect(a.initials).to.match(/^[A-Z]\. [A-Z]\.$/);
      expect(a.effectiveDate).to.match(/^\d{4}-\d{2}-\d{2}$/);
      expect(a.category).to.be.a("string");
    }
    // A person's card rests on an assessment of this commission: revoking it ends the card.
    const target = recorded[0];
    const other = await token("commission", org.orgId + 1000);
    expect((await call(`/v1/assessments/${target.assessmentId}/revocation`, { method: "POST", token: other, body: { reason: "CLERICAL_ERROR" } })).status).to.equal(404);
    expect((await call(`/v1/assessments/${target.assessmentId}/revocation`, { method: "POST", token: commission, body: { reason: "BECAUSE" } })).status).to.equal(400);
    const submitted = await call(`/v1/assessments/${target.assessmentId}/revocation`, { method: "POST", token: commission, body: { reason: "CLERICAL_ERROR" } });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    expect(submitted.body.assessmentId).to.equal(target.assessmentId);
    await rt.oracle.idle(60_000);
    const deadline = Date.now() + 60_000;
    let status = submitted.body;
    while (status.status !== "recorded" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await call(`/v1/revocations/${submitted.body.revocationId}`, { token: commission })).body;
    }
    expect(status.status, JSON.stringify(status)).to.equal("recorded");
    const again = await call(`/v1/assessments/${target.assessmentId}/revocation`, { method: "POST", token: commission, body: { reason: "CLERICAL_ERROR" } });
    expect(again.status).to.equal(200);
    let after: any;
    for (const until = Date.now() + 30_000; Date.now() < until;) {
      after = (await call("/v1/commission/assessments?limit=500", { token: commission })).body.assessments.find((a: any) => a.assessmentId === target.assessmentId);
      if (after?.revocation) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(after.revocation.reason).to.equal("CLERICAL_ERROR");
    // On chain: the assessment is revoked, by this commission's member, with the reason's code (2: clerical error).
    const events = await system.contracts.facts.queryFilter(system.contracts.facts.filters.AssessmentRevoked());
    const revoked = events.find((e) => "args" in e && String(e.args[0] ?? "").toLowerCase() === target.assessmentId);
    expect(revoked, "AssessmentRevoked on chain").to.not.equal(undefined);
  });

  it("keeps the commission register across an API restart: a submission made here is listed again with its verbale number and the initials of the name, never the fiscal code", async function () {
    const org = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION" && o.slug === "inps-cml-roma")!;
    const commission = await token("commission", org.orgId);
    // Someone of the population the chain knows (their civil record is on chain).
    const person = rt.vault.reveal(rt.store.applications("decided")[0]!.subject)!;
    const sourceId = `INPS-CML-RESTART-${process.pid}`;
    const signed = await call("/v1/dev/assessments/sign", {
      method: "POST", token: commission,
      body: { sourceId, fiscalCode: person, category: "CIVIL_INVALIDITY", percentage: 80, effectiveDate: isoDaysFromToday(-30), reviewDate: isoDaysFromToday(700), report: "verbale di prova" },
    });
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
    // The commission's system sends the person's name with it (kept as initials only); the integrity signature covers the body as sent.
    const body = JSON.stringify({ ...signed.body.submission, person: { name: "Ada", surname: "Lovelace" } });
    const key = await demoIntegrityKey(system.home, join(system.home, "api", "integrity-keys"), org.orgId);
    const submitted = await fetch(`${api.url}/v1/assessments`, {
      method: "POST", body,
      headers: { authorization: `Bearer ${commission}`, "content-type": "application/json", [INTEGRITY_HEADER]: await signIntegrity(body, key, nowSeconds()) },
    });
    const status = (await submitted.json()) as any;
    expect(submitted.status, JSON.stringify(status)).to.equal(202);
    const listed = async () => {
      const answer = await call("/v1/commission/assessments?limit=1000", { token: await token("commission", org.orgId) });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      expect(JSON.stringify(answer.body)).to.not.include(person);
      return (answer.body.assessments as any[]).find((a) => a.assessmentId === status.assessmentId);
    };
    expect(await listed()).to.include({ sourceId, initials: "A. L." });

    // A new API process: nothing in memory, and no feed has this verbale.
    await api.close();
    api = await startApi({
      config: loadConfig({
        ...system.env, PACHAIN_API_DEMO: "true", PACHAIN_API_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_RATE_LIMIT_BURST: "10000",
        PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "10000",
      }),
      deployment: system.deployment, logger: createLogger("silent"), port: 0, oracle: rt.gateway,
    });
    demo.api = api;
    await waitUntilReady(api.url);
    let again: any;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      again = await listed();
      if (again) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(again, "listed after the restart").to.include({ sourceId, initials: "A. L." });
  });

  it("revokes an assessment as soon as its status reads recorded, before the API's index has read its block", async function () {
    // An API whose index does not follow the chain after its start: the oracle's outbox alone knows the new record is on chain.
    await api.close();
    const startHead = await system.provider.getBlockNumber();
    api = await startApi({
      config: loadConfig({
        ...system.env, PACHAIN_API_DEMO: "true", PACHAIN_API_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_RATE_LIMIT_BURST: "10000",
        PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "10000", PACHAIN_INDEXER_POLL_INTERVAL_MS: "3600000",
      }),
      deployment: system.deployment, logger: createLogger("silent"), port: 0, oracle: rt.gateway,
    });
    demo.api = api;
    // Its index has read the chain once, at least up to the block before its start (the next read is
    // an hour away); /ready stays 503 once a block more is mined (its status list anchor), so the
    // index's own count of blocks behind says it.
    for (const deadline = Date.now() + 60_000; ;) {
      // The head first: /ready counts from a head as high or higher, so head - behind never overstates the index.
      const head = await system.provider.getBlockNumber();
      const ready = await call("/ready");
      const behind = ready.status === 200 ? 0 : Number(/^(\d+) blocks behind$/.exec(String(ready.body.index))?.[1] ?? Infinity);
      if (head - behind >= startHead) break;
      if (Date.now() > deadline) throw new Error(`the new API's index did not read the chain: ${JSON.stringify(ready.body)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const org = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION" && o.slug === "inps-cml-roma")!;
    const commission = await token("commission", org.orgId);
    const person = rt.vault.reveal(rt.store.applications("decided")[0]!.subject)!;
    const signed = await call("/v1/dev/assessments/sign", {
      method: "POST", token: commission,
      body: { sourceId: `INPS-CML-REVOKE-${process.pid}`, fiscalCode: person, category: "CIVIL_INVALIDITY", percentage: 100, effectiveDate: isoDaysFromToday(-10), reviewDate: isoDaysFromToday(700), report: "verbale da revocare" },
    });
    expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
    const body = JSON.stringify(signed.body.submission);
    const key = await demoIntegrityKey(system.home, join(system.home, "api", "integrity-keys"), org.orgId);
    const submitted = await fetch(`${api.url}/v1/assessments`, {
      method: "POST", body,
      headers: { authorization: `Bearer ${commission}`, "content-type": "application/json", [INTEGRITY_HEADER]: await signIntegrity(body, key, nowSeconds()) },
    });
    const { assessmentId } = (await submitted.json()) as any;
    expect(submitted.status).to.equal(202);
    await rt.oracle.idle(60_000);
    const status = (await call(`/v1/assessments/${assessmentId}`, { token: commission })).body;
    // Recorded, said by the outbox (the index has no place for it yet).
    expect(status).to.include({ status: "recorded", place: null });
    const revocation = await call(`/v1/assessments/${assessmentId}/revocation`, { method: "POST", token: commission, body: { reason: "CLERICAL_ERROR" } });
    expect(revocation.status, JSON.stringify(revocation.body)).to.equal(202);
    await rt.oracle.idle(60_000);
    expect((await call(`/v1/revocations/${revocation.body.revocationId}`, { token: commission })).body.status).to.equal("recorded");
  });
});
