import { expect } from "chai";
import { loadConfig } from "../../src/config.ts";
import { formatPeriod } from "../../src/domain/dates.ts";
import { createLogger } from "../../src/logger.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { startPayrollRun } from "../../src/oracle/payroll.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { readFeed, startSystem, type System } from "../oracle/harness.ts";
import { requirePostgres, startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { currentPeriod } from "../support/clock.ts";

// The read API answers the same over either store of the index: the same SQL runs on SQLite and
// PostgreSQL (src/api/data/index-reader.ts), and the access log lives in either.
describe("read API over the SQLite and the PostgreSQL index", function () {
  this.timeout(300_000);
  let system: System;
  let rt: OracleRuntime;
  let postgres: TestPostgres | undefined;
  const apis: Record<"sqlite" | "postgres", RunningApi | undefined> = { sqlite: undefined, postgres: undefined };
  let people: string[];
  let period: number;

  const get = async (api: RunningApi, path: string, token: string) => {
    const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}`, "x-request-id": "same-request" } });
    return { status: response.status, text: await response.text() };
  };
  const tokenOf = async (api: RunningApi, role: string, fiscalCode: string) => {
    const response = await fetch(`${api.url}/v1/dev/token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role, fiscalCode }) });
    return ((await response.json()) as { token: string }).token;
  };

  before(async function () {
    if (!requirePostgres("read API over PostgreSQL")) this.skip();
    system = await startSystem({ size: 40, seed: 5 });
    rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: createLogger("silent") });
    rt.oracle.start();
    await rt.oracle.idle(120_000);
    period = currentPeriod();
    startPayrollRun(rt.store, rt.catalog, period);
    await rt.oracle.idle(120_000);
    people = [...new Set((await readFeed(system.sources.inps)).filter((e) => e.kind === "application").map((e) => String(e.fiscalCode)))].slice(0, 8);
    postgres = await startTestPostgres();
    const env = { ...system.env, PACHAIN_API_DEMO: "true", PACHAIN_API_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_RATE_LIMIT_BURST: "10000",
      // Many demo sign-ins from one address: the public routes' budget too.
      PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "10000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "10000" };
    apis.sqlite = await startApi({ config: loadConfig(env), deployment: system.deployment, logger: createLogger("silent"), port: 0 });
    apis.postgres = await startApi({ config: loadConfig({ ...env, DATABASE_URL: await postgres.createDatabase() }), deployment: system.deployment, logger: createLogger("silent"), port: 0 });
    for (const api of Object.values(apis)) {
      const deadline = Date.now() + 60_000;
      while ((await fetch(`${api!.url}/ready`)).status !== 200) {
        if (Date.now() > deadline) throw new Error("index did not catch up");
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  });

  after(async function () {
    await apis.sqlite?.close();
    await apis.postgres?.close();
    await rt?.close();
    await system?.stop();
    await postgres?.stop();
  });

  it("gives identical answers to auditors and citizens, and logs reads in either store", async function () {
    const paths = [
      `/v1/payments?period=${formatPeriod(period)}&limit=100000`,
      `/v1/payments?period=${formatPeriod(period)}&limit=100000&format=csv`,
      `/v1/payroll/totals?period=${formatPeriod(period)}`,
      `/v1/payroll/totals`,
      ...people.map((p) => `/v1/subjects/${p}/history?purpose=Parity%20check`),
      ...people.map((p) => `/v1/subjects/${p}/entitlements?purpose=Parity%20check&date=2026-11-01`),
    ];
    let compared = 0;
    for (const path of paths) {
      const [a, b] = await Promise.all([
        get(apis.sqlite!, path, await tokenOf(apis.sqlite!, "auditor", "RSSMRA85T10A562S")),
        get(apis.postgres!, path, await tokenOf(apis.postgres!, "auditor", "RSSMRA85T10A562S")),
      ]);
      expect(a.status, path).to.equal(200);
      expect(b, path).to.deep.equal(a);
      compared++;
    }
    for (const person of people) {
      for (const path of ["/v1/me/history", "/v1/me/payments", "/v1/me/entitlements?date=2026-11-01"]) {
        const [a, b] = await Promise.all([
          get(apis.sqlite!, path, await tokenOf(apis.sqlite!, "citizen", person)),
          get(apis.postgres!, path, await tokenOf(apis.postgres!, "citizen", person)),
        ]);
        expect(b, `${person} ${path}`).to.deep.equal(a);
        compared++;
      }
      const logs = await Promise.all(Object.values(apis).map(async (api) =>
        JSON.parse((await get(api!, "/v1/me/access-log", await tokenOf(api!, "citizen", person))).text).entries.map((e: { purpose: string; action: string }) => [e.purpose, e.action])));
      expect(logs[1]).to.deep.equal(logs[0]);
      // Both reads of each store were logged, though the client sent the same request id for both.
      expect(logs[0]).to.have.deep.members([["Parity check", "history"], ["Parity check", "entitlements"]]);
    }
    expect(compared).to.equal(paths.length + people.length * 3);
  });
});
