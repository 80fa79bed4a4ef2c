import { expect } from "chai";
import { loadConfig } from "../../src/config.ts";
import { benefitId, loadCatalog, reasonName } from "../../src/domain/catalog.ts";
import { createLogger } from "../../src/logger.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { readFeed, startSystem, type System } from "../oracle/harness.ts";

describe("read API over a real node with the demo data", function () {
  this.timeout(300_000);
  let system: System;
  let rt: OracleRuntime;
  let api: RunningApi;
  let citizen: string;

  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.body) headers.set("content-type", "application/json");
    const response = await fetch(`${api.url}${path}`, { ...init, headers });
    return { status: response.status, headers: response.headers, body: await response.json() as Record<string, any> };
  };
  const token = async (role: string, fiscalCode: string) =>
    (await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role, fiscalCode }) })).body.token as string;

  before(async function () {
    system = await startSystem({ size: 60, seed: 3 });
    rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: createLogger("silent") });
    rt.oracle.start();
    await rt.oracle.idle(120_000);
    const granted = (await readFeed(system.sources.inps)).find((e) => e.kind === "application")!;
    citizen = String(granted.fiscalCode);
    api = await startApi({ config: loadConfig({ ...system.env, PACHAIN_API_DEMO: "true" }), deployment: system.deployment, logger: createLogger("silent"), port: 0 });
  });

  after(async function () {
    await api?.close();
    await rt?.close();
    await system?.stop();
  });

  it("answers /health and /ready, with security headers and a request id", async function () {
    const health = await call("/health");
    expect(health).to.deep.include({ status: 200, body: { status: "ok" } });
    expect(health.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(health.headers.get("x-request-id")).to.match(/^[0-9a-f-]{36}$/);
    expect((await call("/ready")).body).to.deep.equal({ ready: true, chain: "answering" });
  });

  it("shows a citizen every benefit with the contracts' answer, reason and amount", async function () {
    const me = await call("/v1/me/entitlements?date=2026-11-01", { token: await token("citizen", citizen.toLowerCase()) });
    expect(me.status).to.equal(200);
    expect(me.body.fiscalCode).to.equal(citizen);
    expect(me.body.entitlements).to.have.length(13);
    const subject = rt.vault.pseudonymOf(citizen);
    for (const e of me.body.entitlements) {
      const [eligible, reason, amount] = await system.contracts.ledger.check(subject, benefitId(e.benefit), 20261101);
      expect({ eligible: e.eligible, reason: e.reason, amount: e.monthlyAmountCents }, e.benefit)
        .to.deep.equal({ eligible, reason: reasonName(Number(reason)), amount: Number(amount) });
      expect(e.wave).to.equal(loadCatalog().benefits.find((b) => b.code === e.benefit)!.wave);
      if (!e.eligible) expect(e.assessmentId).to.equal(null);
    }
  });

  it("refuses without a token (401), with a forged token (401), and other roles on a citizen's route (403)", async function () {
    expect((await call("/v1/me/entitlements")).body.error.code).to.equal("UNAUTHENTICATED");
    const forged = (await token("citizen", citizen)).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await call("/v1/me/entitlements", { token: forged })).status).to.equal(401);
    const auditor = await call("/v1/me/entitlements", { token: await token("auditor", "RSSMRA85T10A562S") });
    expect(auditor.status).to.equal(403);
    expect(auditor.body.error.code).to.equal("FORBIDDEN");
  });

  it("names the offending field of bad input with a 400", async function () {
    const badDate = await call("/v1/me/entitlements?date=2026-02-30", { token: await token("citizen", citizen) });
    expect(badDate.status).to.equal(400);
    expect(badDate.body.error).to.include({ code: "INVALID_DATE", field: "date" });
    const badCode = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role: "citizen", fiscalCode: "RSSMRA85T10A562X" }) });
    expect(badCode.status).to.equal(400);
    expect(badCode.body.error.code).to.equal("INVALID_FISCAL_CODE");
    const badRole = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role: "admin", fiscalCode: citizen }) });
    expect(badRole.body.error.field).to.equal("role");
    const badJson = await call("/v1/dev/token", { method: "POST", body: "{" });
    expect(badJson.status).to.equal(400);
    expect(badJson.body.error.code).to.equal("INVALID_JSON");
    expect((await call("/v1/nothing")).status).to.equal(404);
  });

  it("issues no demo token unless demo mode is on", async function () {
    const production = await startApi({ config: loadConfig(system.env), deployment: system.deployment, logger: createLogger("silent"), port: 0 });
    try {
      const response = await fetch(`${production.url}/v1/dev/token`, {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: "citizen", fiscalCode: citizen }),
      });
      expect(response.status).to.equal(404);
    } finally {
      await production.close();
    }
  });
});
