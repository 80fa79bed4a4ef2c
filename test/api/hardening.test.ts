// Attacks on the read API from outside that need no chain: rate-limit bypass with invented
// Authorization headers, malformed input (bad percent-encoding, broken gzip/br bodies, JSON nested
// thousands deep) answered 4xx and never 500, token lifetime, and no fiscal code in any log line.
// The real app (createApp) with the real authenticator and a logger writing into memory; the
// services are the real proof service and catalog (the routes reached here need nothing else).
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { Writable } from "node:stream";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { expect } from "chai";
import { SignJWT } from "jose";
import { createApp } from "../../src/api/app.ts";
import { createAuthenticator, type Authenticator } from "../../src/api/auth.ts";
import { createApiMetrics } from "../../src/api/metrics.ts";
import type { ApiServices } from "../../src/api/services.ts";
import type { RateLimitOptions } from "../../src/api/rate-limit.ts";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { createLogger } from "../../src/logger.ts";
import { generatePopulation } from "../../src/simulators/population.ts";
import { problemOf } from "../support/problem.ts";
import { today } from "../support/clock.ts";

const STAFF = "RSSMRA85T10A562S";
const CITIZEN = "CRSTMS91B08H501U";

interface TestApi {
  url: string;
  auth: Authenticator;
  demoKey: Uint8Array;
  /** Every line the app logged. */
  logged: string[];
  close(): Promise<void>;
}

async function startTestApi(options: { rateLimit?: RateLimitOptions; publicRateLimit?: RateLimitOptions; services?: Partial<ApiServices> } = {}): Promise<TestApi> {
  const demoKey = new Uint8Array(randomBytes(32));
  const auth = createAuthenticator({ demoKey });
  const logged: string[] = [];
  const sink = new Writable({ write(chunk, _encoding, done) { logged.push(String(chunk)); done(); } });
  const catalog = loadCatalog();
  const services = {
    catalog,
    today,
    ...options.services,
  } as unknown as ApiServices;
  const app = createApp({
    services, auth, logger: createLogger("debug", sink), metrics: createApiMetrics(),
    rateLimit: options.rateLimit ?? { perSecond: 10_000, burst: 10_000 },
    publicRateLimit: options.publicRateLimit,
    readiness: async () => ({ ready: true, chain: "answering", index: "caught up" }),
  });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, "127.0.0.1", () => resolve(s)); });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, auth, demoKey, logged,
    close: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
  };
}

const call = async (api: TestApi, path: string, init: RequestInit & { token?: string } = {}) => {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  const response = await fetch(`${api.url}${path}`, { ...init, headers });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text };
};

describe("read API hardening against outside attacks", function () {
  this.timeout(60_000);

  describe("rate limit", function () {
    // No refill during the test: only the burst counts.
    const strict = { perSecond: 0.001, burst: 3 };

    it("gives invented Authorization headers no fresh bucket: they share the address's", async function () {
      const api = await startTestApi({ rateLimit: strict });
      try {
        const statuses = [];
        for (let i = 0; i < 8; i++) statuses.push((await call(api, "/v1/me/entitlements", { headers: { authorization: `Bearer random-${i}-${randomBytes(8).toString("hex")}` } })).status);
        expect(statuses).to.deep.equal([401, 401, 401, 429, 429, 429, 429, 429]);
      } finally {
        await api.close();
      }
    });

    it("keys a verified token on its role and subject: two tokens of one person share a bucket, another person has their own", async function () {
      const api = await startTestApi({ rateLimit: strict });
      try {
        // Distinct token strings for the same person (a fresh jti each), as a client could mint by logging in again.
        const tokenOf = (fiscalCode: string, jti: string) => new SignJWT({ role: "citizen" }).setProtectedHeader({ alg: "HS256" })
          .setSubject(fiscalCode).setIssuer("pa-chain-demo").setAudience("pa-chain-api").setIssuedAt().setJti(jti).setExpirationTime("1h").sign(api.demoKey);
        const statuses = [];
        // A citizen may not list payments: 403 until the person's bucket is empty.
        for (let i = 0; i < 5; i++) statuses.push((await call(api, "/v1/payments", { token: await tokenOf(CITIZEN, `t${i}`) })).status);
        expect(statuses).to.deep.equal([403, 403, 403, 429, 429]);
        expect((await call(api, "/v1/payments", { token: await tokenOf(STAFF, "other") })).status).to.equal(403);
      } finally {
        await api.close();
      }
    });

    it("gives public routes (presentation verification, demo sign-in) their own budget per address, apart from the token holders'", async function () {
      const api = await startTestApi({ rateLimit: strict, publicRateLimit: { perSecond: 0.001, burst: 2 } });
      try {
        // A public route (the demo sign-in stands for any route without a token).
        const verify = () => call(api, "/v1/dev/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: "citizen", fiscalCode: CITIZEN }) });
        const verifications = [(await verify()).status, (await verify()).status, (await verify()).status];
        expect(verifications).to.deep.equal([201, 201, 429]);
        // The address's own budget (requests without a token) is untouched by the verifications.
        expect((await call(api, "/v1/me/entitlements")).status).to.equal(401);
      } finally {
        await api.close();
      }
    });
  });

  describe("malformed input is a 4xx, never a 500", function () {
    let api: TestApi;
    before(async function () {
      api = await startTestApi();
    });
    after(async function () {
      await api.close();
    });

    it("answers 400 to a path with bad percent-encoding, with or without a token", async function () {
      const auditor = await api.auth.issueDemoToken("auditor", STAFF);
      for (const token of [undefined, auditor]) {
        const answer = await call(api, `/v1/subjects/${CITIZEN}%/history?purpose=audit`, { token });
        expect(answer.status, answer.text).to.equal(400);
        expect(problemOf(answer.body).code).to.equal("INVALID_PATH");
        expect(answer.text).not.to.contain(CITIZEN);
      }
      expect(api.logged.join("")).not.to.contain(CITIZEN);
    });

    it("answers 400 to a gzip or br body that does not decompress, and accepts a valid one", async function () {
      for (const encoding of ["gzip", "br", "deflate"]) {
        const answer = await call(api, "/v1/dev/token", { method: "POST", headers: { "content-type": "application/json", "content-encoding": encoding }, body: "this is not compressed" });
        expect(answer.status, `${encoding}: ${answer.text}`).to.equal(400);
        expect(problemOf(answer.body).code).to.equal("INVALID_BODY");
      }
      const body = JSON.stringify({ role: "citizen", fiscalCode: CITIZEN });
      for (const [encoding, bytes] of [["gzip", gzipSync(body)], ["br", brotliCompressSync(body)]] as const) {
        const answer = await call(api, "/v1/dev/token", { method: "POST", headers: { "content-type": "application/json", "content-encoding": encoding }, body: bytes });
        expect(answer.status, `${encoding}: ${answer.text}`).to.equal(201);
      }
    });

    it("answers 4xx to a JSON body nested 5,000 deep", async function () {
      const deep = `{"presentation":${"[".repeat(5000)}${"]".repeat(5000)}}`;
      const answer = await call(api, "/v1/presentations/verify", { method: "POST", headers: { "content-type": "application/json" }, body: deep });
      expect(answer.status).to.be.within(400, 499);
    });
  });

  describe("token lifetime", function () {
    let api: TestApi;
    before(async function () {
      api = await startTestApi();
    });
    after(async function () {
      await api.close();
    });
    /** A demo-signed auditor token with the given time claims (unix seconds). */
    const tokenWith = (times: { iat?: number; exp?: number }) => {
      const jwt = new SignJWT({ role: "auditor" }).setProtectedHeader({ alg: "HS256" }).setSubject(STAFF).setIssuer("pa-chain-demo").setAudience("pa-chain-api");
      if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
      if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
      return jwt.sign(api.demoKey);
    };
    // Elapsed time, not a date: the server checks tokens against the real clock.
    const now = () => Math.floor(Date.now() / 1000);

    it("refuses a token without exp, or without iat", async function () {
      for (const token of [await tokenWith({ iat: now() }), await tokenWith({ exp: now() + 600 })]) {
        const answer = await call(api, "/v1/payments", { token });
        expect(answer.status).to.equal(401);
        expect(problemOf(answer.body).code).to.equal("UNAUTHENTICATED");
      }
    });

    it("refuses a token that lives longer than the maximum (12 h by default), and accepts one within it", async function () {
      const tooLong = await call(api, "/v1/me/entitlements", { token: await tokenWith({ iat: now(), exp: now() + 13 * 3600 }) });
      expect(tooLong.status).to.equal(401);
      expect(problemOf(tooLong.body).detail).to.contain("lifetime");
      const issuedLongAgo = await call(api, "/v1/me/entitlements", { token: await tokenWith({ iat: now() - 13 * 3600, exp: now() + 600 }) });
      expect(issuedLongAgo.status).to.equal(401);
      // Within the maximum: authenticated (an auditor may not read citizen routes: 403, not 401).
      expect((await call(api, "/v1/me/entitlements", { token: await tokenWith({ iat: now(), exp: now() + 11 * 3600 }) })).status).to.equal(403);
      expect((await call(api, "/v1/me/entitlements", { token: await api.auth.issueDemoToken("auditor", STAFF) })).status).to.equal(403);
    });
  });

  describe("logs", function () {
    it("carry no fiscal code of the population, whatever the requests carried and however they failed", async function () {
      const people = generatePopulation({ seed: 7, size: 60, today: today() }).people.map((p) => p.fiscalCode);
      // A route whose data layer fails with the fiscal code in its message: the 500 is logged with the error.
      const api = await startTestApi({
        services: { people: { history: (_read: unknown, fiscalCode: string) => { throw new Error(`no pseudonym for ${fiscalCode}`); } } } as unknown as Partial<ApiServices>,
      });
      try {
        const auditor = await api.auth.issueDemoToken("auditor", STAFF);
        for (const code of people) {
          await call(api, `/v1/subjects/${code}%/history?purpose=audit`, { token: auditor });
          await call(api, `/v1/subjects/${code.toLowerCase()}%zz/entitlements`);
          await call(api, `/v1/nothing/${code}`);
          await call(api, `/v1/subjects/${code}/history?purpose=audit`, { token: auditor });
          await call(api, "/v1/dev/token", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: "nope", fiscalCode: code }) });
          await call(api, "/v1/me/entitlements", { headers: { authorization: `Bearer ${code}` } });
        }
        const log = api.logged.join("");
        expect(log, "the 500s were logged").to.contain("request failed");
        const leaked = people.filter((code) => log.toUpperCase().includes(code));
        expect(leaked, "fiscal codes in the API's log").to.deep.equal([]);
      } finally {
        await api.close();
      }
    });
  });
});
