// Patronati over a real node, index and oracle (test/api/demo-api.ts): a citizen delegates a
// patronato; its operator reads and claims within the delegation's scopes and nothing else; a
// revocation and an expiry stop access at once (the API's clock is moved for the expiry); a claim
// filed by the patronato is decided on chain; every access is in the citizen's log.
import { join } from "node:path";
import { expect } from "chai";
import type { Clock } from "../../src/clock.ts";
import { benefitId, reasonName } from "../../src/domain/catalog.ts";
import { ORG_KIND } from "../../src/chain/consortium.ts";
import { loadConsortium } from "../../src/demo/consortium.ts";
import { readFeed } from "../oracle/harness.ts";
import { problemOf } from "../support/problem.ts";
import { isoDaysFromToday, testClock, today } from "../support/clock.ts";
import { startDemoApi, type DemoApi } from "./demo-api.ts";

const DAY_MS = 86_400_000;

describe("patronati over a real node: delegations, the desk, and every access in the citizen's log", function () {
  this.timeout(300_000);
  let demo: DemoApi;
  /** Days the API's clock is moved ahead of the test's (for expiry). */
  let shiftDays = 0;
  const clock: Clock = { nowMs: () => testClock.nowMs() + shiftDays * DAY_MS };
  let citizen: string;
  let other: string;
  let patronati: Array<{ id: number; name: string; operators: Array<{ fiscalCode: string }> }>;

  type Answer = { status: number; body: any };
  const call = async (path: string, init: { method?: string; token?: string; body?: unknown; requestId?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (init.requestId) headers["x-request-id"] = init.requestId;
    const response = await fetch(`${demo.api.url}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  };
  const token = async (role: string, fiscalCode: string, organisation?: number) => {
    const answer = await call("/v1/dev/token", { method: "POST", body: { role, fiscalCode, organisation } });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    return answer.body.token as string;
  };
  const operator = (i: number, who = 0) => token("patronato", patronati[i].operators[who].fiscalCode, patronati[i].id);
  const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
    for (const deadline = Date.now() + timeoutMs; ;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const logOf = async (fiscalCode: string) => (await call("/v1/me/access-log?limit=1000", { token: await token("citizen", fiscalCode) })).body.entries as any[];

  before(async function () {
    demo = await startDemoApi({ size: 40, seed: 7, payroll: true, clock });
    const applications = (await readFeed(demo.system.sources.inps)).filter((e) => e.kind === "application");
    const people = [...new Set(applications.map((a) => String(a.fiscalCode)))];
    citizen = people.find((p) => demo.paidSubjects.has(demo.rt.vault.pseudonymOf(p)))!;
    other = people.find((p) => p !== citizen)!;
    expect(citizen, "a person paid this month").to.be.a("string");
    patronati = loadConsortium(join(demo.system.home, "consortium.json")).patronati!;
    expect(patronati.length).to.be.at.least(2);
  });

  after(async function () {
    await demo?.close();
  });

  it("lists the patronati registered on chain (kind PATRONATO) for the citizen's choice, and on-chain organisations by kind", async function () {
    const answer = await call("/v1/organisations?kind=PATRONATO");
    expect(answer.status).to.equal(200);
    expect(answer.body.organisations).to.deep.equal(patronati.map((p) => ({ id: p.id, name: p.name, kind: "PATRONATO", onChain: true })));
    // The chain itself says so: the same ids are PATRONATO organisations in the registry.
    const registry = demo.rt.contracts.organisations;
    for (const p of patronati) expect(Number((await registry.organisation(p.id)).kind), p.name).to.equal(ORG_KIND.PATRONATO);
    const all = (await call("/v1/organisations")).body.organisations as Array<{ id: number; kind: string }>;
    expect(all.filter((o) => o.kind === "PATRONATO").map((o) => o.id)).to.deep.equal(patronati.map((p) => p.id));
    const commissions = (await call("/v1/organisations?kind=MEDICAL_COMMISSION")).body.organisations;
    const registered = loadConsortium(join(demo.system.home, "consortium.json")).organisations.filter((o) => o.kind === "MEDICAL_COMMISSION");
    expect(commissions.map((o: any) => [o.id, o.name, o.onChain])).to.deep.equal(registered.map((o) => [o.orgId, o.name, true]));
    expect(problemOf((await call("/v1/organisations?kind=NOPE")).body).field).to.equal("kind");
    // A patronato token only for an operator the directory lists.
    const stranger = await call("/v1/dev/token", { method: "POST", body: { role: "patronato", fiscalCode: citizen, organisation: patronati[0].id } });
    expect(stranger.status).to.equal(403);
    // A listed operator's token whose org is not a PATRONATO on chain (here a commission) is refused.
    const elsewhere = await call("/v1/dev/token", { method: "POST", body: { role: "patronato", fiscalCode: patronati[0].operators[0].fiscalCode, organisation: registered[0].orgId } });
    expect(elsewhere.status).to.equal(403);
  });

  it("gives no access without a delegation: 403 NO_DELEGATION on every desk route, nothing in the citizen's log", async function () {
    const desk = await operator(0);
    for (const path of ["entitlements", "payments", "history", "applications"]) {
      const answer = await call(`/v1/represented/${citizen}/${path}`, { token: desk });
      expect(answer.status, path).to.equal(403);
      expect(problemOf(answer.body).code, path).to.equal("NO_DELEGATION");
    }
    const claim = await call(`/v1/represented/${citizen}/applications`, { method: "POST", token: desk, body: { benefit: "EU_DISABILITY_CARD" } });
    expect(problemOf(claim.body).code).to.equal("NO_DELEGATION");
    expect((await call("/v1/represented", { token: desk })).body.people).to.deep.equal([]);
    expect((await logOf(citizen)).filter((e) => e.role === "patronato")).to.deep.equal([]);
  });

  it("allows reads within a READ_STATUS delegation, the same answers as the citizen's own, each logged with the patronato and the operator; no claim without the scope", async function () {
    const me = await token("citizen", citizen);
    const granted = await call("/v1/me/delegations", { method: "POST", token: me, body: { patronato: patronati[0].id, scopes: ["READ_STATUS"] } });
    expect(granted.status, JSON.stringify(granted.body)).to.equal(201);
    expect(granted.body).to.deep.include({ status: "ACTIVE", scopes: ["READ_STATUS"], grantedBy: "citizen", until: isoDaysFromToday(0).replace(/^(\d{4})/, (y) => String(Number(y) + 1)).replace(/-02-29$/, "-02-28") });
    expect(problemOf((await call("/v1/me/delegations", { method: "POST", token: me, body: { patronato: patronati[0].id, scopes: ["READ_STATUS"] } })).body).code).to.equal("CONFLICT");
    expect(problemOf((await call("/v1/me/delegations", { method: "POST", token: me, body: { patronato: patronati[1].id, scopes: ["READ_STATUS"], until: isoDaysFromToday(400) } })).body).field).to.equal("until");
    expect(problemOf((await call("/v1/me/delegations", { method: "POST", token: me, body: { patronato: patronati[1].id, scopes: ["EVERYTHING"] } })).body).field).to.match(/^scopes/);

    const desk = await operator(0, 1);
    const people = (await call("/v1/represented", { token: desk })).body.people;
    expect(people).to.have.length(1);
    expect(people[0]).to.deep.include({ fiscalCode: citizen, delegationId: granted.body.id, scopes: ["READ_STATUS"], status: "ACTIVE" });

    const theirs = await call(`/v1/represented/${citizen}/entitlements`, { token: desk, requestId: "pat-read-1" });
    expect(theirs.status).to.equal(200);
    const own = await call("/v1/me/entitlements", { token: me });
    expect(theirs.body).to.deep.equal(own.body);
    for (const e of theirs.body.entitlements) {
      const [eligible, reason] = await demo.system.contracts.ledger.check(demo.rt.vault.pseudonymOf(citizen), benefitId(e.benefit), today());
      expect({ eligible: e.eligible, reason: e.reason }, e.benefit).to.deep.equal({ eligible, reason: reasonName(Number(reason)) });
    }
    const payments = await call(`/v1/represented/${citizen}/payments`, { token: desk, requestId: "pat-read-2" });
    expect(payments.body).to.deep.equal((await call("/v1/me/payments", { token: me })).body);
    expect(payments.body.payments.length).to.be.greaterThan(0);
    const history = await call(`/v1/represented/${citizen}/history`, { token: desk, requestId: "pat-read-3" });
    expect(history.body.items.length).to.be.greaterThan(0);
    const claim = await call(`/v1/represented/${citizen}/applications`, { method: "POST", token: desk, body: { benefit: "EU_DISABILITY_CARD" }, requestId: "pat-claim-0" });
    expect(claim.status).to.equal(403);
    expect(problemOf(claim.body).code).to.equal("SCOPE_MISSING");
    // Another patronato has nothing.
    expect(problemOf((await call(`/v1/represented/${citizen}/history`, { token: await operator(1) })).body).code).to.equal("NO_DELEGATION");

    const log = await logOf(citizen);
    const mine = log.filter((e) => e.requestId.startsWith("pat-"));
    expect(mine.map((e) => [e.requestId, e.role, e.actor, e.action]).sort()).to.deep.equal([
      ["pat-read-1", "patronato", patronati[0].operators[1].fiscalCode, "entitlements"],
      ["pat-read-2", "patronato", patronati[0].operators[1].fiscalCode, "payments"],
      ["pat-read-3", "patronato", patronati[0].operators[1].fiscalCode, "history"],
    ]);
    for (const e of mine) expect(e.purpose).to.contain(patronati[0].name);
  });

  it("stops at once when the citizen revokes, also for an answer the API had cached: 403 DELEGATION_REVOKED", async function () {
    const me = await token("citizen", citizen);
    const desk = await operator(0);
    const [live] = (await call("/v1/me/delegations", { token: me })).body.delegations;
    // The same lookup twice: the second comes from the API's cache of the chain's answers.
    expect((await call(`/v1/represented/${citizen}/entitlements`, { token: desk })).status).to.equal(200);
    expect((await call(`/v1/represented/${citizen}/entitlements`, { token: desk })).status).to.equal(200);
    expect((await call(`/v1/me/delegations/${live.id}`, { method: "DELETE", token: await token("citizen", other) })).status).to.equal(404);
    const revoked = await call(`/v1/me/delegations/${live.id}`, { method: "DELETE", token: me });
    expect(revoked.status).to.equal(200);
    expect(revoked.body).to.deep.include({ status: "REVOKED", revokedBy: "citizen" });
    for (const path of ["entitlements", "payments", "history"]) {
      const answer = await call(`/v1/represented/${citizen}/${path}`, { token: desk });
      expect(answer.status, path).to.equal(403);
      expect(problemOf(answer.body).code, path).to.equal("DELEGATION_REVOKED");
    }
    expect((await call("/v1/represented", { token: desk })).body.people).to.deep.equal([]);
    const again = await call(`/v1/me/delegations/${live.id}`, { method: "DELETE", token: me });
    expect(again.body.revokedAt).to.equal(revoked.body.revokedAt);
  });

  it("a claim filed by the patronato within SUBMIT_APPLICATIONS goes the citizen's claim path and is decided on chain; the citizen sees it and the access", async function () {
    const me = await token("citizen", citizen);
    const granted = await call("/v1/me/delegations", { method: "POST", token: me, body: { patronato: patronati[1].id, scopes: ["READ_STATUS", "SUBMIT_APPLICATIONS"] } });
    expect(granted.status).to.equal(201);
    const desk = await operator(1);
    const entitlements = (await call(`/v1/represented/${citizen}/entitlements`, { token: desk })).body.entitlements as any[];
    const unclaimed = entitlements.find((e) => e.claim.status === "NOT_CLAIMED" && e.eligible) ?? entitlements.find((e) => e.claim.status === "NOT_CLAIMED");
    expect(unclaimed, "a benefit the person never claimed").to.not.equal(undefined);
    expect(problemOf((await call(`/v1/represented/${citizen}/applications`, { method: "POST", token: desk, body: { benefit: "NOPE" } })).body).field).to.equal("benefit");
    const claim = await call(`/v1/represented/${citizen}/applications`, { method: "POST", token: desk, body: { benefit: unclaimed.benefit }, requestId: "pat-claim-1" });
    expect(claim.status, JSON.stringify(claim.body)).to.equal(202);
    expect(claim.body.status).to.equal("PENDING");

    const decided = await waitFor("the patronato's claim decided on chain", async () => {
      const list = (await call(`/v1/represented/${citizen}/applications`, { token: desk })).body.applications as any[];
      const a = list.find((x) => x.id === claim.body.id);
      return a && a.status !== "PENDING" && a.decision?.block ? a : undefined;
    });
    expect(decided.submittedBy).to.deep.include({ patronato: patronati[1].name, operator: patronati[1].operators[0].fiscalCode });
    const [log] = await demo.system.contracts.ledger.queryFilter(demo.system.contracts.ledger.filters.ApplicationDecided(claim.body.id));
    expect(log.transactionHash).to.equal(decided.decision.txHash);
    expect(log.args.eligible).to.equal(decided.status === "GRANTED");
    const [eligible] = await demo.system.contracts.ledger.check(demo.rt.vault.pseudonymOf(citizen), benefitId(unclaimed.benefit), today());
    expect(decided.status).to.equal(eligible ? "GRANTED" : "REFUSED");

    // The citizen: the claim among their applications and under the delegation, the access in the log.
    const own = (await call("/v1/me/applications", { token: me })).body.applications as any[];
    expect(own.find((a) => a.id === claim.body.id)).to.deep.include({ benefit: unclaimed.benefit, status: decided.status });
    const delegations = (await call("/v1/me/delegations", { token: me })).body.delegations as any[];
    expect(delegations.find((d) => d.id === granted.body.id).claims.map((c: any) => c.applicationId)).to.deep.equal([claim.body.id]);
    const entry = (await logOf(citizen)).find((e) => e.requestId === "pat-claim-1");
    expect(entry).to.deep.include({ role: "patronato", actor: patronati[1].operators[0].fiscalCode, action: `application ${unclaimed.benefit}` });
    expect(entry.purpose).to.contain(patronati[1].name);
  });

  it("a delegation registered by the patronato with the signed mandate waits for the citizen's confirmation, then allows access", async function () {
    const desk = await operator(0);
    const mandateHash = `0x${"5a".repeat(32)}`;
    const registered = await call("/v1/represented", { method: "POST", token: desk, body: { fiscalCode: other, scopes: ["READ_STATUS"], mandateHash }, requestId: "pat-mandate-1" });
    expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
    expect(registered.body).to.deep.include({ status: "PENDING", grantedBy: "patronato", mandateHash, operator: patronati[0].operators[0].fiscalCode });
    expect(problemOf((await call(`/v1/represented/${other}/history`, { token: desk })).body).code).to.equal("DELEGATION_PENDING");
    expect((await logOf(other)).find((e) => e.requestId === "pat-mandate-1")).to.deep.include({ role: "patronato", action: "delegation-registered" });
    const them = await token("citizen", other);
    const confirmed = await call(`/v1/me/delegations/${registered.body.id}/confirmation`, { method: "POST", token: them });
    expect(confirmed.body.status).to.equal("ACTIVE");
    expect((await call(`/v1/represented/${other}/history`, { token: desk })).status).to.equal(200);
  });

  it("expires by itself after its until day: 403 DELEGATION_EXPIRED once the API's clock passes it", async function () {
    const them = await token("citizen", other);
    const until = isoDaysFromToday(2);
    const granted = await call("/v1/me/delegations", { method: "POST", token: them, body: { patronato: patronati[2].id, scopes: ["READ_STATUS"], until } });
    expect(granted.body.until).to.equal(until);
    const desk = await operator(2);
    try {
      shiftDays = 2;
      expect((await call(`/v1/represented/${other}/payments`, { token: desk })).status, "on the until day").to.equal(200);
      shiftDays = 3;
      const answer = await call(`/v1/represented/${other}/payments`, { token: desk });
      expect(answer.status).to.equal(403);
      expect(problemOf(answer.body).code).to.equal("DELEGATION_EXPIRED");
      expect((await call("/v1/represented", { token: desk })).body.people).to.deep.equal([]);
      const mine = (await call("/v1/me/delegations", { token: await token("citizen", other) })).body.delegations as any[];
      expect(mine.find((d) => d.id === granted.body.id).status).to.equal("EXPIRED");
    } finally {
      shiftDays = 0;
    }
  });
});
