// Property tests of the read API (src/api) with fast-check, in-process on port 0 over a real node,
// a real index and the oracle's real outbox: whatever a client sends — arbitrary query strings and
// path segments on every route for the role allowed there, arbitrary JSON and non-JSON bodies,
// oversized bodies, forged Authorization headers, injection strings — the answer is a 2xx or a
// clear 4xx in the API's error format (RFC 9457 problem details with code and field), never a 5xx, and
// a refused submission queues nothing in the oracle's outbox.
import { expect } from "chai";
import fc from "fast-check";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { createLogger } from "../../src/logger.ts";
import { apiRoutes } from "../../src/api/app.ts";
import type { ApiServices } from "../../src/api/services.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { createOracleRuntime, type OracleRuntime } from "../../src/oracle/wiring.ts";
import { startSystem, type System } from "../oracle/harness.ts";
import { arbitraryFiscalCode, injectionString, NUM_RUNS } from "./arbitraries.ts";
import { problemOf } from "../support/problem.ts";

const STAFF = "RSSMRA85T10A562S";
/** Fewer runs per property than the pure intake suite: each run is an HTTP request. */
const RUNS = Math.max(10, Math.floor(NUM_RUNS / 3));

interface Answer {
  status: number;
  body: any;
}

describe("read API: properties over arbitrary requests (fast-check)", function () {
  this.timeout(300_000);
  let system: System;
  let rt: OracleRuntime;
  let api: RunningApi;
  const tokens: Record<string, string> = {};

  const call = async (path: string, init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
    const response = await fetch(`${api.url}${path}`, { method: init.method ?? "GET", headers, body: init.body });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text; // CSV
    }
    return { status: response.status, body };
  };

  /** Never a 5xx; a 4xx carries the error format, a 400 names its field (a body that is no JSON at all has none). */
  const expectClearAnswer = (answer: Answer, what: string) => {
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.be.below(500);
    if (answer.status >= 400) {
      expect(problemOf(answer.body).code, what).to.match(/^[A-Z_]+$/);
      expect(problemOf(answer.body).status, what).to.equal(answer.status);
      expect(problemOf(answer.body).detail, what).to.be.a("string").and.not.equal("");
      if (answer.status === 400 && problemOf(answer.body).code !== "INVALID_JSON") expect(problemOf(answer.body).field, what).to.be.a("string");
    }
  };

  before(async function () {
    system = await startSystem({ size: 12, seed: 5 });
    // The oracle's intake and outbox, not started: submissions are only queued.
    rt = createOracleRuntime({ config: system.config, deployment: system.deployment, logger: createLogger("silent") });
    api = await startApi({
      config: loadConfig({ ...system.env, PACHAIN_API_DEMO: "true", PACHAIN_API_RATE_LIMIT_PER_SECOND: "100000", PACHAIN_API_RATE_LIMIT_BURST: "100000", PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND: "100000", PACHAIN_API_PUBLIC_RATE_LIMIT_BURST: "100000" }),
      deployment: system.deployment,
      logger: createLogger("silent"),
      port: 0,
      oracle: rt.gateway,
    });
    const commission = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!;
    const patronato = loadConsortium(join(system.home, "consortium.json")).patronati![0];
    for (const [role, organisation] of [["citizen", undefined], ["auditor", 1], ["operator", 1], ["commission", commission.orgId], ["patronato", patronato.id]] as const) {
      // A patronato token is issued only to an operator the directory lists.
      const fiscalCode = role === "patronato" ? patronato.operators[0].fiscalCode : STAFF;
      const answer = await call("/v1/dev/token", { method: "POST", body: JSON.stringify({ role, fiscalCode, organisation }) });
      expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
      tokens[role] = answer.body.token;
    }
  });

  after(async function () {
    await api?.close();
    await rt?.close();
    await system?.stop();
  });

  /** A path segment: a fiscal code, an assessment id, or anything a client might put there. */
  const segment = fc.oneof(
    arbitraryFiscalCode(),
    fc.string({ maxLength: 40 }),
    injectionString(),
    fc.stringMatching(/^0x[0-9a-f]{64}$/),
    fc.string({ minLength: 300, maxLength: 2000 }),
  );
  /** A query string over the route's own keys and unknown ones, with any values. */
  const queryString = fc.dictionary(
    fc.oneof(fc.constantFrom("date", "asOf", "purpose", "period", "benefit", "municipality", "limit", "after", "format"), fc.string({ minLength: 1, maxLength: 10 })),
    fc.oneof(fc.string({ maxLength: 30 }), injectionString(), fc.integer().map(String), fc.constantFrom("2026-02-30", "2026-13", "csv", "0", "-1", "1e9", "058091", "999999")),
    { maxKeys: 4 },
  );

  it("answers every GET route, for each role allowed on it, with a 2xx or a clear 4xx whatever the path and query", async function () {
    const routes = apiRoutes({} as ApiServices).filter((r) => r.method === "get" && r.roles !== "public");
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.nat(), segment, queryString, async (spec, roleIndex, value, query) => {
        const roles = spec.roles as readonly string[];
        const role = roles[roleIndex % roles.length];
        const path = spec.path.replace(/:(\w+)/g, () => encodeURIComponent(value));
        const qs = new URLSearchParams(query).toString();
        expectClearAnswer(await call(`${path}${qs ? `?${qs}` : ""}`, { token: tokens[role] }), `${role} GET ${path}?${qs}`);
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it("answers arbitrary JSON bodies on every POST route with a clear 4xx, and queues nothing", async function () {
    const before = rt.store.counts();
    const posts: Array<[string, string | undefined]> = [
      ["/v1/assessments", "commission"], ["/v1/dev/assessments/sign", "commission"], ["/v1/oracle/dead-letters/redrive", "operator"], ["/v1/dev/token", undefined],
    ];
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ sourceId: fc.oneof(fc.string(), injectionString()), fiscalCode: fc.oneof(arbitraryFiscalCode(), fc.string()), record: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })), signatures: fc.array(fc.string(), { maxLength: 3 }) }),
      fc.record({ role: fc.oneof(fc.constantFrom("citizen", "auditor", "admin"), injectionString()), fiscalCode: fc.oneof(fc.string(), injectionString()), organisation: fc.oneof(fc.integer(), fc.string()) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), body, async ([path, role], value) => {
        const answer = await call(path, { method: "POST", token: role ? tokens[role] : undefined, body: JSON.stringify(value) });
        expectClearAnswer(answer, `POST ${path} ${JSON.stringify(value).slice(0, 200)}`);
        // A random body is never a valid signed assessment.
        if (path === "/v1/assessments") expect(answer.status).to.be.within(400, 499);
      }),
      { numRuns: RUNS * 3 },
    );
    expect(rt.store.counts(), "nothing queued by refused submissions").to.deep.equal(before);
  });

  it("answers malformed and non-JSON bodies with 400 INVALID_JSON (or 415), and bodies over 16 kB with 413", async function () {
    await fc.assert(
      fc.asyncProperty(
        // Blank bodies count as empty (then the schema names the missing field): not here.
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => {
          if (s.trim() === "") return false;
          try {
            JSON.parse(s);
            return false;
          } catch {
            return true;
          }
        }),
        fc.constantFrom("/v1/assessments", "/v1/dev/token"),
        async (text, path) => {
          const answer = await call(path, { method: "POST", token: tokens.commission, body: text });
          expectClearAnswer(answer, `POST ${path} ${JSON.stringify(text)}`);
          expect(problemOf(answer.body).code).to.be.oneOf(["INVALID_JSON", "UNSUPPORTED_ENCODING"]);
        },
      ),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 16 * 1024 + 1, max: 2_000_000 }), async (size) => {
        const answer = await call("/v1/assessments", { method: "POST", token: tokens.commission, body: JSON.stringify({ sourceId: "x".repeat(size) }) });
        expect(answer.status).to.equal(413);
        expect(problemOf(answer.body).code).to.equal("BODY_TOO_LARGE");
      }),
      { numRuns: 10 },
    );
  });

  it("answers any forged, malformed or foreign Authorization header with 401 UNAUTHENTICATED", async function () {
    const header = fc.oneof(
      fc.string({ maxLength: 100 }).map((s) => `Bearer ${s}`),
      fc.string({ maxLength: 100 }),
      injectionString().map((s) => `Bearer ${s}`),
      // A well-formed token with its signature replaced.
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((sig) => `Bearer ${tokens.auditor.split(".").slice(0, 2).join(".")}.${sig}`),
      // A token whose payload was changed to another role, signature kept.
      fc.constantFrom("citizen", "operator").map((role) => {
        const [head, payload, sig] = tokens.auditor.split(".");
        const claims = { ...JSON.parse(Buffer.from(payload, "base64url").toString()), role };
        return `Bearer ${head}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`;
      }),
    );
    await fc.assert(
      fc.asyncProperty(header, fc.constantFrom("/v1/me/entitlements", "/v1/payments", "/v1/oracle/lag", "/v1/commission/assessments"), async (authorization, path) => {
        fc.pre(/^[\x20-\x7e]*$/.test(authorization)); // fetch refuses other header bytes itself
        const answer = await call(path, { headers: { authorization } });
        expectClearAnswer(answer, `GET ${path} with ${authorization.slice(0, 60)}`);
        expect(answer.status).to.equal(401);
        expect(problemOf(answer.body).code).to.equal("UNAUTHENTICATED");
      }),
      { numRuns: RUNS * 2 },
    );
  });
});
