import { expect } from "chai";
import { Validator } from "@seriousme/openapi-schema-validator";
import { loadConfig } from "../../src/config.ts";
import { benefitId, loadCatalog, reasonName } from "../../src/domain/catalog.ts";
import { formatIsoDate, formatPeriod } from "../../src/domain/dates.ts";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { createLogger } from "../../src/logger.ts";
import { apiRoutes } from "../../src/api/app.ts";
import type { ApiServices } from "../../src/api/services.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import { readFeed, type System } from "../oracle/harness.ts";
import { startDemoApi, type DemoApi } from "./demo-api.ts";
import { join } from "node:path";
import { currentPeriod, isoDaysFromToday, isoToday, nowSeconds } from "../support/clock.ts";
import { problemOf } from "../support/problem.ts";
import { promtool, requirePromtool } from "../support/promtool.ts";
import { startMetricsServer } from "../../src/oracle/metrics-server.ts";
import { generateKeyPair, exportJWK } from "jose";
import { demoIntegrityKey, INTEGRITY_HEADER, signIntegrity } from "../../src/api/integrity.ts";

// A staff member's fiscal code (tokens of auditors, operators and commissions name their holder).
const STAFF = "RSSMRA85T10A562S";
const PURPOSE = "purpose=Corte%20dei%20conti%20audit%2017";

describe("read API over a real node, a real index and the oracle's outbox", function () {
  this.timeout(300_000);
  let demo: DemoApi;
  let system: System;
  let rt: OracleRuntime;
  let api: RunningApi;
  /** A person with a granted application, and another person. */
  let citizen: string;
  let other: string;
  let commissionId: number;
  let otherCommissionId: number;
  let period: number;

  type Answer = { status: number; headers: Headers; body: any; text: string };
  const call = async (path: string, init: RequestInit & { token?: string; base?: string } = {}): Promise<Answer> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.body) headers.set("content-type", "application/json");
    const response = await fetch(`${init.base ?? api.url}${path}`, { ...init, headers });
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = JSON.parse(text);
    } catch {
      // CSV, HTML, metrics
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  const tokens = new Map<string, string>();
  const token = async (role: string, fiscalCode = STAFF, organisation?: number) => {
    const key = `${role}:${fiscalCode}:${organisation}`;
    if (!tokens.has(key)) {
      const answer = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role, fiscalCode, organisation }) });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      tokens.set(key, answer.body.token);
    }
    return tokens.get(key)!;
  };
  /** Submits an assessment as the commission's system would: the body signed with its registered key (ModI). */
  const submit = async (commissionToken: string, body: unknown, options: { integrity?: string | null } = {}) => {
    const text = JSON.stringify(body);
    const org = JSON.parse(Buffer.from(commissionToken.split(".")[1], "base64url").toString()).org as number;
    const integrity = options.integrity !== undefined ? options.integrity
      : await signIntegrity(text, await demoIntegrityKey(system.home, join(system.home, "api", "integrity-keys"), org), nowSeconds());
    return call("/v1/assessments", { method: "POST", token: commissionToken, body: text, headers: integrity === null ? {} : { [INTEGRITY_HEADER]: integrity } });
  };
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  before(async function () {
    demo = await startDemoApi({ size: 60, seed: 3, payroll: true });
    ({ system, rt, api, period } = demo);
    // People with a payment this month, so every view has something to show.
    const applications = (await readFeed(system.sources.inps)).filter((e) => e.kind === "application");
    const people = [...new Set(applications.map((a) => String(a.fiscalCode)))];
    citizen = people.find((p) => demo.paidSubjects.has(rt.vault.pseudonymOf(p)))!;
    other = people.find((p) => p !== citizen)!;
    expect(citizen, "a paid person in the demo data").to.be.a("string");

    const commissions = loadConsortium(join(system.home, "consortium.json")).organisations.filter((o) => o.kind === "MEDICAL_COMMISSION");
    commissionId = commissions[0].orgId;
    otherCommissionId = commissions[1].orgId;
  });

  after(async function () {
    await demo?.close();
  });

  describe("system endpoints", function () {
    it("answers /health and /ready, with security headers and a request id", async function () {
      const health = await call("/health");
      expect(health).to.deep.include({ status: 200, body: { status: "ok" } });
      expect(health.headers.get("x-content-type-options")).to.equal("nosniff");
      expect(health.headers.get("content-security-policy")).to.contain("default-src 'none'");
      expect(health.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
      expect((await call("/health", { headers: { "x-request-id": "abc-123" } })).headers.get("x-request-id")).to.equal("abc-123");
      expect((await call("/ready")).body).to.deep.equal({ ready: true, chain: "answering", index: "caught up" });
    });

    it("publishes an OpenAPI 3.1 document that validates, and a readable /docs page", async function () {
      const doc = (await call("/openapi.json")).body;
      expect(doc.openapi).to.equal("3.1.0");
      const result = await new Validator().validate(doc);
      expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
      for (const spec of apiRoutes({} as ApiServices)) {
        expect(doc.paths[spec.path.replace(/:(\w+)/g, "{$1}")]?.[spec.method], spec.path).to.have.property("summary");
      }
      const docs = await call("/docs");
      expect(docs.status).to.equal(200);
      expect(docs.headers.get("content-type")).to.match(/text\/html/);
      expect(docs.text).to.contain("/v1/subjects/{fiscalCode}/history");
      // Swagger UI, served by the API itself under a strict policy: no script from elsewhere, none inline.
      expect(docs.headers.get("content-security-policy")).to.contain("script-src 'self';");
      expect(docs.text).to.not.match(/<script>|https?:\/\/(?!127)/);
      for (const asset of docs.text.match(/(?<=(src|href)=")\/docs\/[^"]+/g)!) {
        const answer = await call(asset);
        expect(answer.status, asset).to.equal(200);
      }
      expect((await call("/docs/swagger-ui-bundle.js")).text.length).to.be.greaterThan(100_000);
    });

    it("exposes Prometheus metrics by declared route, never with a fiscal code", async function () {
      await call(`/v1/subjects/${other}/history?${PURPOSE}`, { token: await token("auditor") });
      const metrics = await call("/metrics");
      expect(metrics.text).to.match(/pachain_api_requests_total\{method="GET",route="\/v1\/subjects\/:fiscalCode\/history",status="200"\} \d+/);
      expect(metrics.text).to.not.contain(other);
    });
  });

  describe("metrics", function () {
    it("every /metrics endpoint (read API with its indexer, oracle) passes promtool check metrics and has what on-call needs", async function () {
      requirePromtool(this, "promtool check metrics");
      // Pages and their assets are counted by route too.
      await call("/cittadino");
      await call("/web/app.css");
      const oracleMetrics = await startMetricsServer(rt.metrics.registry, 0);
      const deadBefore = rt.store.counts().dead;
      try {
        const pages = { api: (await call("/metrics")).text, oracle: await (await fetch(`${oracleMetrics.url}/metrics`)).text() };
        for (const [name, text] of Object.entries(pages)) {
          const checked = promtool(["check", "metrics"], text);
          expect(checked.status, `${name}: ${checked.output}`).to.equal(0);
        }
        for (const metric of [
          "pachain_api_request_duration_seconds_bucket", "pachain_indexer_lag_blocks", "pachain_indexer_lag_seconds", "pachain_indexer_head_block",
        ]) expect(pages.api, metric).to.contain(metric);
        expect(pages.api).to.not.contain("_active_handles_total");
        expect(pages.api).to.match(/pachain_api_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/cittadino"\}/);
        expect(pages.api).to.match(/pachain_api_requests_total\{method="GET",route="\/web\/\*",status="200"\}/);
        for (const metric of [
          "pachain_oracle_outbox_depth", 'pachain_oracle_outbox_items{status="done"}', "pachain_oracle_source_cursor{source=",
          "pachain_oracle_relayer_last_nonce{relayer=", "pachain_oracle_relayer_transactions_in_flight{relayer=", "pachain_chain_head_block ",
          "pachain_chain_head_age_seconds ",
        ]) expect(pages.oracle, metric).to.contain(metric);
        // The oracle keeps running: the gauge is between the counts before and after the scrape.
        const deadGauge = [...pages.oracle.matchAll(/^pachain_oracle_dead_letters\{source="[^"]+",reason="[^"]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
        expect(deadGauge).to.be.within(deadBefore, rt.store.counts().dead);
      } finally {
        await oracleMetrics.close();
      }
    });
  });

  describe("citizens", function () {
    it("shows every benefit with the contracts' answer, reason, amount, wave phase and assessment", async function () {
      const firstOfMonth = currentPeriod() * 100 + 1;
      const me = await call(`/v1/me/entitlements?date=${formatIsoDate(firstOfMonth)}`, { token: await token("citizen", citizen.toLowerCase()) });
      expect(me.status).to.equal(200);
      expect(me.body.entitlements).to.have.length(13);
      const subject = rt.vault.pseudonymOf(citizen);
      let eligible = 0;
      for (const e of me.body.entitlements) {
        const [ok, reason, amount] = await system.contracts.ledger.check(subject, benefitId(e.benefit), firstOfMonth);
        expect({ eligible: e.eligible, reason: e.reason, amount: e.monthlyAmountCents }, e.benefit)
          .to.deep.equal({ eligible: ok, reason: reasonName(Number(reason)), amount: Number(amount) });
        expect(e.wave).to.equal(loadCatalog().benefits.find((b) => b.code === e.benefit)!.wave);
        expect(["PLANNED", "PILOT", "LIVE"]).to.include(e.wavePhase);
        expect(e.explanation.it).to.be.a("string").and.not.equal(e.explanation.en);
        if (e.eligible) {
          eligible++;
          expect(e.assessment.assessmentId).to.match(/^0x[0-9a-f]{64}$/);
          expect(e.assessment.commission).to.match(/Commissione/);
        } else expect(e.assessment).to.equal(null);
      }
      expect(eligible).to.be.greaterThan(0);
    });

    it("lists the person's own payments, which match the chain's payment events", async function () {
      const answer = await call("/v1/me/payments", { token: await token("citizen", citizen) });
      expect(answer.status).to.equal(200);
      expect(answer.body.payments.length).to.be.greaterThan(0);
      const subject = rt.vault.pseudonymOf(citizen);
      for (const p of answer.body.payments) {
        expect(p.subject).to.equal(subject);
        const receipt = await system.provider.getTransactionReceipt(p.place.txHash);
        const log = receipt!.logs.find((l) => l.index === p.place.logIndex)!;
        const parsed = system.contracts.ledger.interface.parseLog(log)!;
        expect(parsed.name).to.equal("PaymentRecorded");
        expect(parsed.args.subject).to.equal(subject);
        expect(Number(parsed.args.amountCents)).to.equal(p.amountCents);
      }
    });

    it("tells the history in Italian and English, with the certifying organisation", async function () {
      const answer = await call("/v1/me/history", { token: await token("citizen", citizen) });
      expect(answer.status).to.equal(200);
      const kinds = answer.body.items.map((i: any) => i.kind);
      expect(kinds).to.include.members(["civil", "assessment", "decision", "payment"]);
      const civil = answer.body.items.find((i: any) => i.kind === "civil");
      expect(civil.certifiedBy.name).to.match(/^Comune di /);
      expect(civil.text.it).to.contain("ha certificato la nascita");
      expect(civil.text.en).to.contain("certified the birth");
      const blocks = answer.body.items.map((i: any) => i.place.block * 1e6 + i.place.logIndex);
      expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
    });

    it("shows the person who read their data and why, and nothing of others' reads", async function () {
      const auditorToken = await token("auditor");
      const read = await call(`/v1/subjects/${citizen}/history?purpose=Verifica%20pagamenti%202026`, { token: auditorToken, headers: { "x-request-id": "audit-req-1" } });
      expect(read.status).to.equal(200);
      const log = await call("/v1/me/access-log", { token: await token("citizen", citizen) });
      const entry = log.body.entries.find((e: any) => e.requestId === "audit-req-1");
      expect(entry).to.deep.include({ role: "auditor", actor: STAFF, purpose: "Verifica pagamenti 2026", action: "history" });
      const othersLog = await call("/v1/me/access-log", { token: await token("citizen", other) });
      expect(othersLog.body.entries.map((e: any) => e.requestId)).to.not.include("audit-req-1");
    });
  });

  describe("auditors", function () {
    it("trace a person's full timeline with signers, decisions, payments, each with block, tx and time", async function () {
      const answer = await call(`/v1/subjects/${citizen}/history?${PURPOSE}`, { token: await token("auditor") });
      expect(answer.status).to.equal(200);
      expect(answer.body.subject).to.equal(rt.vault.pseudonymOf(citizen));
      const assessment = answer.body.items.find((i: any) => i.kind === "assessment");
      expect(assessment.certifiedBy.signers.length).to.be.at.least(2);
      expect(assessment.details.reportHash).to.match(/^0x[0-9a-f]{64}$/);
      for (const item of answer.body.items) {
        expect(item.place.txHash).to.match(/^0x[0-9a-f]{64}$/);
        expect(new Date(item.place.time).getTime()).to.be.greaterThan(0);
      }
      const decision = answer.body.items.find((i: any) => i.type === "decision" && i.details.eligible);
      expect(decision.details.assessmentId).to.match(/^0x/);
    });

    it("require a stated purpose to read a person, and refuse a malformed fiscal code", async function () {
      const auditor = await token("auditor");
      const noPurpose = await call(`/v1/subjects/${citizen}/history`, { token: auditor });
      expect(noPurpose.status).to.equal(400);
      expect(problemOf(noPurpose.body).field).to.equal("purpose");
      const badCode = await call(`/v1/subjects/RSSMRA85T10A562X/history?${PURPOSE}`, { token: auditor });
      expect(badCode.status).to.equal(400);
      expect(problemOf(badCode.body)).to.include({ code: "INVALID_FISCAL_CODE", field: "fiscalCode" });
    });

    it("filter payments by period, benefit and municipality, page them, and export the same rows as CSV", async function () {
      const auditor = await token("auditor");
      const all = await call(`/v1/payments?period=${formatPeriod(period)}&limit=100000`, { token: auditor });
      expect(all.status).to.equal(200);
      expect(all.body.payments.length).to.be.greaterThan(3);
      const first = all.body.payments[0];
      const byBenefit = await call(`/v1/payments?period=${formatPeriod(period)}&benefit=${first.benefit}&limit=100000`, { token: auditor });
      expect(byBenefit.body.payments.every((p: any) => p.benefit === first.benefit)).to.equal(true);
      expect(byBenefit.body.payments.length).to.equal(all.body.payments.filter((p: any) => p.benefit === first.benefit).length);
      const byTown = await call(`/v1/payments?municipality=${first.municipality}&limit=100000`, { token: auditor });
      expect(byTown.body.payments.length).to.be.greaterThan(0);
      expect(byTown.body.payments.every((p: any) => p.municipality === first.municipality)).to.equal(true);

      const pages: any[] = [];
      let after = "";
      for (;;) {
        const page = await call(`/v1/payments?period=${formatPeriod(period)}&limit=2${after}`, { token: auditor });
        pages.push(...page.body.payments);
        if (page.body.next === null) break;
        after = `&after=${page.body.next}`;
      }
      expect(pages).to.deep.equal(all.body.payments);

      const csv = await call(`/v1/payments?period=${formatPeriod(period)}&limit=100000&format=csv`, { token: auditor });
      expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
      const lines = csv.text.trim().split("\r\n");
      expect(lines[0]).to.equal("period,benefit,subject,amount_eur,municipality,block,tx_hash,log_index,time");
      expect(lines.length - 1).to.equal(all.body.payments.length);
      expect(lines[1]).to.contain(all.body.payments[0].place.txHash);
    });

    it("reconcile payroll totals per period and benefit with the ledger's totals on chain", async function () {
      const answer = await call(`/v1/payroll/totals?period=${formatPeriod(period)}`, { token: await token("auditor") });
      expect(answer.status).to.equal(200);
      expect(answer.body.reconciled).to.equal(true);
      const payments = (await call(`/v1/payments?period=${formatPeriod(period)}&limit=100000`, { token: await token("auditor") })).body.payments;
      for (const t of answer.body.totals) {
        const rows = payments.filter((p: any) => p.benefit === t.benefit);
        expect(t.indexed).to.deep.equal({ payments: rows.length, amountCents: rows.reduce((s: number, p: any) => s + p.amountCents, 0) });
        expect(t.onChain).to.deep.equal(t.indexed);
      }
    });

    it("read a person's entitlements as of a date before anything was recorded: 404 naming the date", async function () {
      const answer = await call(`/v1/subjects/${citizen}/entitlements?${PURPOSE}&asOf=2020-01-01`, { token: await token("auditor") });
      expect(answer.status).to.equal(404);
      expect(problemOf(answer.body).detail).to.contain("2020-01-01");
    });
  });

  describe("commissions", function () {
    const assessment = (sourceId: string, fiscalCode: string) => ({
      sourceId, fiscalCode, category: "CIVIL_INVALIDITY", percentage: 100, flags: ["NEEDS_CONTINUOUS_ASSISTANCE"],
      effectiveDate: isoDaysFromToday(-60), reviewDate: isoDaysFromToday(700), report: `report of ${sourceId}`,
    });

    it("submit a signed assessment, follow it until recorded, and find it in their list and the person's history; the chain's state as of before it differs", async function () {
      const commission = await token("commission", STAFF, commissionId);
      const today = isoToday();
      const entitlementsOfOther = async () => (await call(`/v1/me/entitlements?date=${today}`, { token: await token("citizen", other) })).body.entitlements;
      const cached = await entitlementsOfOther();
      const signed = await call("/v1/dev/assessments/sign", { method: "POST", token: commission, body: JSON.stringify(assessment("TEST-CML-1", other)) });
      expect(signed.status, JSON.stringify(signed.body)).to.equal(200);
      const submitted = await submit(commission, signed.body.submission);
      expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
      expect(submitted.body.status).to.equal("queued");
      const id = submitted.body.assessmentId;
      const recorded = await waitFor("the assessment on chain", async () => {
        const status = await call(`/v1/assessments/${id}`, { token: commission });
        return status.body.status === "recorded" && status.body.place ? status.body : undefined;
      });
      const receipt = await system.provider.getTransactionReceipt(recorded.place.txHash);
      expect(receipt!.blockNumber).to.equal(recorded.place.block);

      const again = await submit(commission, signed.body.submission);
      expect(again.status).to.equal(200);
      expect(again.body.status).to.equal("recorded");
      const changed = { ...signed.body.submission, signatures: [...signed.body.submission.signatures].reverse() };
      expect((await submit(commission, changed)).status).to.equal(409);

      const list = await call("/v1/commission/assessments", { token: commission });
      expect(list.body.assessments.map((a: any) => a.assessmentId)).to.include(id);
      const history = await call(`/v1/subjects/${other}/history?${PURPOSE}`, { token: await token("auditor") });
      expect(history.body.items.some((i: any) => i.kind === "assessment" && i.details.assessmentId === id)).to.equal(true);

      // Entitlements answered before the assessment are not served from the cache once it is indexed.
      const after = await entitlementsOfOther();
      const accompaniment = (list: any[]) => list.find((e) => e.benefit === "INV_INDENNITA_ACCOMPAGNAMENTO");
      expect(accompaniment(cached).reason).to.equal("NO_VALID_ASSESSMENT");
      expect(accompaniment(after)).to.deep.include({ reason: "ELIGIBLE" });
      expect(accompaniment(after).assessment.assessmentId).to.equal(id);
      for (const e of after) {
        const [eligible, reason] = await system.contracts.ledger.check(rt.vault.pseudonymOf(other), benefitId(e.benefit), Number(today.replaceAll("-", "")));
        expect({ eligible: e.eligible, reason: e.reason }, e.benefit).to.deep.equal({ eligible, reason: reasonName(Number(reason)) });
      }

      // The chain as it was just before the assessment's block: the index's history cut there lacks it.
      const before = await call(`/v1/subjects/${other}/history?${PURPOSE}&asOf=${isoDaysFromToday(-400)}`, { token: await token("auditor") });
      expect(before.body.items).to.deep.equal([]);
    });

    it("may not submit for another commission, nor see another commission's assessment", async function () {
      const mine = await token("commission", STAFF, commissionId);
      const theirs = await token("commission", STAFF, otherCommissionId);
      const signed = await call("/v1/dev/assessments/sign", { method: "POST", token: theirs, body: JSON.stringify(assessment("TEST-CML-2", other)) });
      const foreign = await submit(mine, signed.body.submission);
      expect(foreign.status).to.equal(403);
      expect(problemOf(foreign.body).detail).to.contain("not your commission");
      const submitted = await submit(theirs, signed.body.submission);
      expect(submitted.status).to.equal(202);
      expect((await call(`/v1/assessments/${submitted.body.assessmentId}`, { token: mine })).status).to.equal(404);
    });

    it("are refused (400 naming Agid-JWT-Signature, nothing queued) without a ModI integrity signature, with a wrong digest, an unknown key or an expired one", async function () {
      const commission = await token("commission", STAFF, commissionId);
      const items = () => Object.values(rt.store.counts()).reduce((a, b) => a + b, 0);
      const before = items();
      const signed = await call("/v1/dev/assessments/sign", { method: "POST", token: commission, body: JSON.stringify(assessment("TEST-CML-4", other)) });
      expect(signed.body.integrity.header).to.equal("Agid-JWT-Signature");
      const body = signed.body.submission;
      const refusal = async (answer: Answer, code: string, detail: RegExp) => {
        expect(answer.status, answer.text).to.equal(400);
        expect(problemOf(answer.body)).to.include({ code, field: "Agid-JWT-Signature" });
        expect(problemOf(answer.body).detail).to.match(detail);
      };
      await refusal(await submit(commission, body, { integrity: null }), "INTEGRITY_REQUIRED", /missing/);
      const key = await demoIntegrityKey(system.home, join(system.home, "api", "integrity-keys"), commissionId);
      const otherBody = JSON.stringify({ ...body, sourceId: "TEST-CML-4-other" });
      await refusal(await submit(commission, body, { integrity: await signIntegrity(otherBody, key, nowSeconds()) }), "INTEGRITY_INVALID", /digest does not match/);
      const { privateKey } = await generateKeyPair("ES256", { extractable: true });
      const stranger = { privateJwk: { ...(await exportJWK(privateKey)), alg: "ES256" }, kid: "not-registered" };
      await refusal(await submit(commission, body, { integrity: await signIntegrity(JSON.stringify(body), stranger, nowSeconds()) }), "INTEGRITY_INVALID", /not registered/);
      const sameKidOtherKey = { ...stranger, kid: key.kid };
      await refusal(await submit(commission, body, { integrity: await signIntegrity(JSON.stringify(body), sameKidOtherKey, nowSeconds()) }), "INTEGRITY_INVALID", /does not verify/);
      await refusal(await submit(commission, body, { integrity: await signIntegrity(JSON.stringify(body), key, nowSeconds() - 3600) }), "INTEGRITY_INVALID", /expired/);
      await refusal(await submit(commission, body, { integrity: "not.a.jws" }), "INTEGRITY_INVALID", /not a valid signature/);
      expect(items()).to.equal(before);
      // The demo signer's own header goes through.
      const good = await call("/v1/assessments", { method: "POST", token: commission, body: JSON.stringify(body), headers: { [signed.body.integrity.header]: signed.body.integrity.value } });
      expect(good.status, good.text).to.equal(202);
    });

    it("get a 400 naming the field for an invalid or tampered submission, and nothing is queued", async function () {
      const commission = await token("commission", STAFF, commissionId);
      const items = () => Object.values(rt.store.counts()).reduce((a, b) => a + b, 0);
      const before = items();
      const signed = await call("/v1/dev/assessments/sign", { method: "POST", token: commission, body: JSON.stringify(assessment("TEST-CML-3", other)) });
      const badPercentage = { ...signed.body.submission, record: { ...signed.body.submission.record, percentage: 101 } };
      const answer = await submit(commission, badPercentage);
      expect(answer.status).to.equal(400);
      expect(problemOf(answer.body).field).to.equal("record.percentage");
      const wrongPerson = { ...signed.body.submission, fiscalCode: citizen };
      const mismatch = await submit(commission, wrongPerson);
      expect(mismatch.status).to.equal(400);
      expect(problemOf(mismatch.body).field).to.equal("record.subject");
      const extra = await submit(commission, { ...signed.body.submission, extra: 1 });
      expect(problemOf(extra.body).field).to.equal("extra");
      expect(items()).to.equal(before);
    });
  });

  describe("operators", function () {
    it("see the waves with their phases on chain and their benefits", async function () {
      const answer = await call("/v1/waves", { token: await token("operator") });
      expect(answer.body.waves.map((w: any) => [w.wave, w.phase, w.pilotProvinces])).to.deep.equal([
        [1, "LIVE", []], [2, "PILOT", [15, 17, 48, 58, 63]], [3, "PILOT", [58]],
      ]);
      expect(answer.body.waves.flatMap((w: any) => w.benefits)).to.have.length(13);
      expect(answer.body.waves[0].changed.txHash).to.match(/^0x/);
    });

    it("list dead letters and re-drive them, and see how far behind each part is", async function () {
      const operator = await token("operator");
      const dead = await call("/v1/oracle/dead-letters", { token: operator });
      expect(dead.status).to.equal(200);
      expect(dead.body.deadLetters.length).to.equal(rt.store.counts().dead);
      const redrive = await call("/v1/oracle/dead-letters/redrive", { method: "POST", token: operator, body: JSON.stringify({ ids: [999_999_999] }) });
      expect(redrive.body).to.deep.equal({ redriven: 0 });
      const bad = await call("/v1/oracle/dead-letters/redrive", { method: "POST", token: operator, body: JSON.stringify({ ids: ["x"] }) });
      expect(bad.status).to.equal(400);
      expect(problemOf(bad.body).field).to.equal("ids.0");
      const lag = await call("/v1/oracle/lag", { token: operator });
      expect(lag.body.sources.map((s: any) => s.source).sort()).to.deep.equal(["asl", "comune", "inps"]);
      for (const s of lag.body.sources) expect(s.newEvents).to.be.a("number");
      expect(lag.body.index.lagBlocks).to.be.a("number");
      expect(lag.body.outbox.done).to.be.greaterThan(0);
    });
  });

  describe("errors and limits", function () {
    it("refuse without a token (401), with a forged token (401), and a role on another role's route (403)", async function () {
      expect(problemOf((await call("/v1/me/entitlements")).body).code).to.equal("UNAUTHENTICATED");
      const valid = await token("citizen", citizen);
      // A character in the middle of the signature (the last one may only carry padding bits).
      const at = valid.length - 10;
      const forged = `${valid.slice(0, at)}${valid[at] === "A" ? "B" : "A"}${valid.slice(at + 1)}`;
      expect((await call("/v1/me/entitlements", { token: forged })).status).to.equal(401);
      const auditor = await call("/v1/me/entitlements", { token: await token("auditor") });
      expect(auditor.status).to.equal(403);
      expect(problemOf(auditor.body).code).to.equal("FORBIDDEN");
    });

    it("name the offending field of bad input with a 400, and answer 404 for unknown routes", async function () {
      const citizenToken = await token("citizen", citizen);
      const badDate = await call("/v1/me/entitlements?date=2026-02-30", { token: citizenToken });
      expect(badDate.status).to.equal(400);
      expect(problemOf(badDate.body)).to.include({ code: "INVALID_DATE", field: "date" });
      const badLimit = await call("/v1/me/payments?limit=0", { token: citizenToken });
      expect(problemOf(badLimit.body).field).to.equal("limit");
      const badCode = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role: "citizen", fiscalCode: "RSSMRA85T10A562X" }) });
      expect(problemOf(badCode.body).code).to.equal("INVALID_FISCAL_CODE");
      const badRole = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role: "admin", fiscalCode: citizen }) });
      expect(problemOf(badRole.body).field).to.equal("role");
      const badJson = await call("/v1/dev/token", { method: "POST", body: "{" });
      expect(problemOf(badJson.body).code).to.equal("INVALID_JSON");
      const auditor = await token("auditor");
      expect(problemOf((await call("/v1/payments?benefit=NOPE", { token: auditor })).body)).to.include({ code: "UNKNOWN_BENEFIT", field: "benefit" });
      expect(problemOf((await call("/v1/payments?municipality=999999", { token: auditor })).body).field).to.equal("municipality");
      expect(problemOf((await call("/v1/payments?after=abc", { token: auditor })).body).field).to.equal("after");
      const big = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role: "citizen", fiscalCode: "x".repeat(20_000) }) });
      expect(big.status).to.equal(413);
      expect((await call("/v1/nothing")).status).to.equal(404);
    });

    it("answer every error as RFC 9457 problem details, with WWW-Authenticate, Allow and the rate limit's headers", async function () {
      const expectProblem = (answer: Answer, status: number, code: string, instance: string) => {
        expect(answer.status, answer.text).to.equal(status);
        expect(answer.headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(problemOf(answer.body)).to.deep.include({ status, code, instance, title: answer.body.title, type: `urn:pachain:problem:${code.toLowerCase().replaceAll("_", "-")}` });
        expect(answer.body.title).to.be.a("string").and.not.equal("");
      };
      const anonymous = await call("/v1/me/entitlements");
      expectProblem(anonymous, 401, "UNAUTHENTICATED", "/v1/me/entitlements");
      expect(anonymous.headers.get("www-authenticate")).to.match(/^Bearer realm=/);
      expectProblem(await call("/v1/me/entitlements", { token: await token("auditor") }), 403, "FORBIDDEN", "/v1/me/entitlements");
      expectProblem(await call("/v1/nothing"), 404, "NOT_FOUND", "/v1/nothing");
      expectProblem(await call("/nothing.html"), 404, "NOT_FOUND", "/nothing.html");
      const wrongMethod = await call("/v1/waves", { method: "DELETE" });
      expectProblem(wrongMethod, 405, "METHOD_NOT_ALLOWED", "/v1/waves");
      expect(wrongMethod.headers.get("allow")).to.equal("GET, HEAD");
      expectProblem(await call("/status", { method: "POST" }), 405, "METHOD_NOT_ALLOWED", "/status");
      expectProblem(await call("/v1/dev/token", { method: "POST", body: "{" }), 400, "INVALID_JSON", "/v1/dev/token");
      const tooBig = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role: "citizen", fiscalCode: "x".repeat(20_000) }) });
      expectProblem(tooBig, 413, "BODY_TOO_LARGE", "/v1/dev/token");
      const badDate = await call("/v1/me/entitlements?date=2026-02-30", { token: await token("citizen", citizen) });
      expectProblem(badDate, 400, "INVALID_DATE", "/v1/me/entitlements");
      expect(problemOf(badDate.body).field).to.equal("date");
      // Every /v1 answer, good or refused, tells the client its quota.
      for (const answer of [badDate, anonymous, await call("/v1/waves", { token: await token("operator") })]) {
        expect(Number(answer.headers.get("ratelimit-limit"))).to.be.greaterThan(0);
        expect(Number(answer.headers.get("ratelimit-remaining"))).to.be.at.least(0);
        expect(answer.headers.get("ratelimit-reset")).to.match(/^\d+$/);
        expect(answer.headers.get("ratelimit")).to.match(/^"default";r=\d+;t=\d+$/);
        expect(answer.headers.get("ratelimit-policy")).to.match(/^"default";q=\d+;w=\d+$/);
      }
    });

    it("answer GET /status without a token as problem details (AgID's health check)", async function () {
      const status = await call("/status");
      expect(status.status).to.equal(200);
      expect(status.headers.get("content-type")).to.match(/^application\/problem\+json/);
      expect(status.body).to.deep.include({ type: "about:blank", title: "OK", status: 200 });
      expect(status.body.detail).to.match(/^chain answering; index /);
    });

    it("limit each client's rate with 429 and Retry-After, and issue no demo token unless demo mode is on", async function () {
      const limited = await startApi({
        config: loadConfig({
          ...system.env, PACHAIN_API_RATE_LIMIT_PER_SECOND: "1", PACHAIN_API_RATE_LIMIT_BURST: "3",
          // The demo sign-in is a public route: it spends the public budget of the address.
          PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "1", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "3",
          PACHAIN_INDEXER_SQLITE_FILE: join(system.home, "second-index.sqlite"), PACHAIN_API_ACCESS_LOG_FILE: join(system.home, "second-log.sqlite"),
        }),
        deployment: system.deployment, logger: createLogger("silent"), port: 0,
      });
      try {
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push(await call("/v1/dev/token", { base: limited.url, method: "POST", body: JSON.stringify({ role: "citizen", fiscalCode: citizen }) }));
        expect(statuses.map((s) => s.status)).to.deep.equal([404, 404, 404, 429, 429]);
        expect(problemOf(statuses[3].body).code).to.equal("RATE_LIMITED");
        expect(Number(statuses[3].headers.get("retry-after"))).to.be.at.least(1);
        expect(statuses[3].headers.get("content-type")).to.match(/^application\/problem\+json/);
        expect(statuses[3].headers.get("ratelimit-remaining")).to.equal("0");
        expect(statuses[0].headers.get("ratelimit-limit")).to.equal("3");
        expect(statuses[0].headers.get("ratelimit-policy")).to.equal('"default";q=3;w=3');
        expect(problemOf(statuses[0].body).detail).to.contain("demo tokens are off");
      } finally {
        await limited.close();
      }
    });
  });

  describe("authorisation matrix", function () {
    const ROLES = ["citizen", "auditor", "commission", "operator", "patronato"] as const;

    it("lets every role reach exactly its routes, and every route refuses a missing token", async function () {
      const specs = apiRoutes({} as ApiServices).filter((s) => s.roles !== "public");
      const concrete = (path: string) => path.replace(":fiscalCode", other).replace(":assessmentId", `0x${"ab".repeat(32)}`);
      // A patronato acts only within a delegation: `other` delegates it, so its routes answer.
      const patronato = loadConsortium(join(system.home, "consortium.json")).patronati![0];
      const delegated = await call("/v1/me/delegations", {
        method: "POST", token: await token("citizen", other), body: JSON.stringify({ patronato: patronato.id, scopes: ["READ_STATUS", "SUBMIT_APPLICATIONS"] }),
      });
      expect(delegated.status, delegated.text).to.be.oneOf([201, 409]);
      const holder = (role: string) => (role === "citizen" ? citizen : role === "patronato" ? patronato.operators[0].fiscalCode : STAFF);
      const organisationOf = (role: string) => (role === "commission" ? commissionId : role === "patronato" ? patronato.id : undefined);
      for (const spec of specs) {
        const path = `${concrete(spec.path)}${spec.path.startsWith("/v1/subjects") ? `?${PURPOSE}` : ""}`;
        const method = spec.method.toUpperCase();
        const body = method === "POST" ? "{}" : undefined;
        expect((await call(path, { method, body })).status, `${method} ${spec.path} without a token`).to.equal(401);
        for (const role of ROLES) {
          const answer = await call(path, { method, body, token: await token(role, holder(role), organisationOf(role)) });
          const allowed = (spec.roles as readonly string[]).includes(role);
          if (allowed) expect(answer.status, `${role} on ${method} ${spec.path}: ${answer.text}`).to.not.be.oneOf([401, 403]);
          else expect(answer.status, `${role} on ${method} ${spec.path}`).to.equal(403);
        }
      }
    });

    it("gives a citizen only their own data: no route takes another person, and the answers are about the token's subject", async function () {
      const specs = apiRoutes({} as ApiServices);
      for (const spec of specs.filter((s) => s.roles !== "public" && (s.roles as readonly string[]).includes("citizen"))) {
        expect(spec.path, "a citizen route naming a person").to.not.match(/:fiscalCode|subject/i);
      }
      const mine = await call("/v1/me/history", { token: await token("citizen", citizen) });
      const theirs = await call("/v1/me/history", { token: await token("citizen", other) });
      expect(mine.body.subject).to.equal(rt.vault.pseudonymOf(citizen));
      expect(theirs.body.subject).to.equal(rt.vault.pseudonymOf(other));
      const mySubjects = new Set(mine.body.items.filter((i: any) => i.type !== "fact" || i.kind !== "revocation").map((i: any) => i.place.txHash + i.place.logIndex));
      for (const item of theirs.body.items) expect(mySubjects.has(item.place.txHash + item.place.logIndex)).to.equal(false);
      const payments = await call("/v1/me/payments", { token: await token("citizen", citizen) });
      expect(new Set(payments.body.payments.map((p: any) => p.subject))).to.deep.equal(new Set([rt.vault.pseudonymOf(citizen)]));
    });
  });
});
