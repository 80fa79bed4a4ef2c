import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { id, Wallet } from "ethers";
import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { factDomain, signFact } from "../../src/chain/signing.ts";
import { benefitId, loadCatalog, reasonName } from "../../src/domain/catalog.ts";
import { loadConsortium, organisationKeys } from "../../src/demo/consortium.ts";
import type { RunningApi } from "../../src/api/server.ts";
import { createProofService, proofKeys, PROOF_TTL_SECONDS } from "../../src/api/services/proofs.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import { readFeed, type System } from "../oracle/harness.ts";
import { startDemoApi, type DemoApi } from "./demo-api.ts";
import { currentPeriod, isoToday, nowSeconds, testClock, today } from "../support/clock.ts";
import { formatPeriod } from "../../src/domain/dates.ts";

const STAFF = "RSSMRA85T10A562S";
const CARD = "EU_DISABILITY_CARD";

describe("proofs of status: issued to a citizen, verified by anyone against the chain", function () {
  this.timeout(300_000);
  let demo: DemoApi;
  let system: System;
  let rt: OracleRuntime;
  let api: RunningApi;
  /** A person in Rome whom a commission assesses here (from the 1st of this month), so the card rests on that assessment alone. */
  let holder: string;
  let other: string;
  let assessmentId: string;
  let commission: { orgId: number; slug: string };

  const call = async (path: string, init: { method?: string; body?: unknown; token?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${api.url}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    return { status: response.status, body: (await response.json()) as any };
  };
  const token = async (role: string, fiscalCode: string, organisation?: number) =>
    (await call("/v1/dev/token", { method: "POST", body: { role, fiscalCode, organisation } })).body.token as string;
  const issue = async (body: unknown, fiscalCode = holder) => call("/v1/me/proofs", { method: "POST", token: await token("citizen", fiscalCode), body });
  const verify = (proof: string) => call("/v1/proofs/verify", { method: "POST", body: { proof } });

  before(async function () {
    demo = await startDemoApi({ size: 40, seed: 5 });
    ({ system, rt, api } = demo);
    const people = [...new Set((await readFeed(system.sources.comune)).filter((e) => e.kind === "civil").map((e) => String(e.fiscalCode)))];
    for (const person of people) {
      const e = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(person), benefitId(CARD), today());
      if (["NO_VALID_ASSESSMENT", "REQUIREMENT_NOT_MET"].includes(reasonName(Number(e.reason)))) holder ??= person;
      else if (!e.eligible) other ??= person;
    }
    expect(holder, "a person in Rome without a card").to.be.a("string");
    expect(other, "a person the card is not live for or who has no civil record").to.be.a("string");
    const org = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!;
    commission = { orgId: org.orgId, slug: org.slug };
    const commissionToken = await token("commission", STAFF, org.orgId);
    const signed = await call("/v1/dev/assessments/sign", {
      method: "POST", token: commissionToken,
      body: { sourceId: "PROOF-TEST-1", fiscalCode: holder, category: "CIVIL_INVALIDITY", percentage: 80, effectiveDate: `${isoToday().slice(0, 7)}-01`, report: "verbale di prova" },
    });
    const submitted = await call("/v1/assessments", { method: "POST", token: commissionToken, body: signed.body.submission });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    assessmentId = submitted.body.assessmentId;
    await rt.oracle.idle(60_000);
    const e = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(holder), benefitId(CARD), today());
    expect({ eligible: e.eligible, assessmentId: e.assessmentId }).to.deep.equal({ eligible: true, assessmentId });
  });

  after(async function () {
    await demo?.close();
  });

  it("issues a proof that reveals only the claim, a validity window, a nonce and a sealed subject, with its QR code", async function () {
    const answer = await issue({ benefit: CARD });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(201);
    expect(answer.body.claim).to.deep.equal({
      benefit: CARD, month: null, statement: { it: "È titolare di una Carta europea della disabilità valida.", en: "Holds a valid European Disability Card." },
    });
    expect(answer.body.qrSvg).to.match(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(Date.parse(answer.body.validUntil) - Date.parse(answer.body.validFrom)).to.equal(PROOF_TTL_SECONDS * 1000);
    const [header, payload] = answer.body.proof.split(".").slice(0, 2).map((part: string) => JSON.parse(Buffer.from(part, "base64url").toString()));
    expect(header).to.include({ alg: "EdDSA", typ: "pachain-proof+jwt" });
    expect(Object.keys(payload).sort()).to.deep.equal(["clm", "exp", "iat", "iss", "jti", "nbf", "sub"]);
    expect(payload.clm).to.deep.equal({ b: CARD });
    const pseudonym = rt.vault.pseudonymOf(holder).slice(2);
    expect(JSON.stringify(payload)).to.not.contain(pseudonym).and.not.contain(holder).and.not.contain("percentage");
    // Two proofs of the same person share no identifier a service could link them by.
    const again = JSON.parse(Buffer.from((await issue({ benefit: CARD })).body.proof.split(".")[1], "base64url").toString());
    expect(again.sub).to.not.equal(payload.sub);
    expect(again.jti).to.not.equal(payload.jti);
  });

  it("verifies valid without a token, from the bare proof or from text around it, and shows the check in the person's access log", async function () {
    const { proof } = (await issue({ benefit: CARD })).body;
    const answer = await verify(proof);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ verdict: "valid", reason: "ELIGIBLE", checkedOn: isoToday() });
    expect((await verify(`  ${api.url}/verifica#${proof}\n`)).body.verdict).to.equal("valid");
    // Verifications are listed apart from staff reads, one row per proof with its count (issue 14).
    const log = await call("/v1/me/access-log", { token: await token("citizen", holder) });
    const checked = log.body.verifications.filter((v: any) => v.benefit === CARD);
    expect(checked).to.have.length(1);
    expect(checked[0]).to.deep.include({ count: 2, lastVerdict: "valid" });
    expect(log.body.entries.map((e: any) => e.role)).to.not.include("verifier");
  });

  it("publishes the public key, with which anyone checks the signature offline", async function () {
    const { proof } = (await issue({ benefit: CARD })).body;
    const keys = await call("/v1/proofs/keys");
    expect(keys.body.keys).to.have.length(1);
    expect(keys.body.keys[0]).to.include({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    const { payload, protectedHeader } = await jwtVerify(proof, createLocalJWKSet(keys.body), { issuer: "pa-chain", typ: "pachain-proof+jwt", currentDate: new Date(testClock.nowMs()) });
    expect(protectedHeader.kid).to.equal(keys.body.keys[0].kid);
    expect(payload.clm).to.deep.equal({ b: CARD });
  });

  it("answers invalid for a tampered proof, one signed by another key, a login token, and text holding no proof", async function () {
    const { proof } = (await issue({ benefit: CARD })).body;
    const [h, p, s] = proof.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, clm: { b: "INV_INDENNITA_ACCOMPAGNAMENTO" } })).toString("base64url");
    expect((await verify(`${h}.${forgedPayload}.${s}`)).body).to.deep.include({ verdict: "invalid", reason: "BAD_SIGNATURE" });
    const stranger = proofKeys(`0x${"11".repeat(32)}`);
    const foreign = await new SignJWT(claims).setProtectedHeader({ alg: "EdDSA", typ: "pachain-proof+jwt" }).sign(stranger.privateKey);
    expect((await verify(foreign)).body).to.deep.include({ verdict: "invalid", reason: "BAD_SIGNATURE" });
    expect((await verify(await token("citizen", holder))).body.verdict).to.equal("invalid");
    expect((await verify("ciao")).body).to.deep.include({ verdict: "invalid", reason: "MALFORMED", claim: null });
    const empty = await call("/v1/proofs/verify", { method: "POST", body: { proof: "" } });
    expect(empty.status).to.equal(400);
    expect(empty.body.error.field).to.equal("proof");
  });

  it("answers expired once the validity window has passed, before looking at the chain", async function () {
    const { proof } = (await issue({ benefit: CARD })).body;
    const key = readFileSync(join(system.home, "secrets", "api-proof-key"), "utf8").trim();
    const later = createProofService({ contracts: system.contracts, catalog: loadCatalog(), key, now: () => testClock.nowMs() + (PROOF_TTL_SECONDS + 60) * 1000 });
    const answer = await later.verify(proof);
    expect(answer).to.deep.include({ verdict: "expired", reason: "EXPIRED" });
    expect(answer.claim?.benefit).to.equal(CARD);
    const earlier = createProofService({ contracts: system.contracts, catalog: loadCatalog(), key, now: () => testClock.nowMs() - 3_600_000 });
    expect((await earlier.verify(proof)).reason).to.equal("NOT_YET_VALID");
  });

  it("refuses to issue what the chain does not back (409), an unknown benefit, a month not started yet (400 naming the field)", async function () {
    const refused = await issue({ benefit: CARD }, other);
    expect(refused.status).to.equal(409);
    expect(refused.body.error.message).to.contain(CARD);
    const unknown = await issue({ benefit: "NOPE" });
    expect(unknown.body.error).to.include({ code: "UNKNOWN_BENEFIT", field: "benefit" });
    const period = currentPeriod();
    const next = period % 100 === 12 ? period + 89 : period + 1;
    const future = await issue({ benefit: CARD, month: formatPeriod(next) });
    expect(future.status).to.equal(400);
    expect(future.body.error.field).to.equal("month");
    expect((await issue({ benefit: CARD, month: "2026-13" })).body.error.field).to.equal("month");
    expect((await issue({ benefit: CARD, extra: 1 })).body.error.field).to.equal("extra");
    const auditor = await call("/v1/me/proofs", { method: "POST", token: await token("auditor", STAFF), body: { benefit: CARD } });
    expect(auditor.status).to.equal(403);
  });

  it("turns revoked, with the chain's reason, as soon as the assessment is revoked on chain; a month proof too", async function () {
    const todayProof = (await issue({ benefit: CARD })).body.proof;
    const month = await issue({ benefit: CARD, month: isoToday().slice(0, 7) });
    expect(month.body.claim.month).to.equal(isoToday().slice(0, 7));
    expect((await verify(month.body.proof)).body.verdict).to.equal("valid");

    const [member] = organisationKeys(join(system.home, "keys"), { slug: commission.slug, keys: 0 });
    const record = { recordId: id("PROOF-TEST-REVOCATION"), assessmentId, reason: 1, signedAt: nowSeconds() };
    const signature = await signFact(member as Wallet, factDomain(system.deployment.chainId, system.deployment.addresses.facts), "RevocationRecord", record);
    const accepted = rt.intake.accept(`commission-${commission.orgId}`, "health", { cursor: 0, kind: "revocation", sourceId: "PROOF-TEST-REVOCATION", record, signatures: [signature] });
    if (accepted.type !== "item" || accepted.item.dead) throw new Error(`revocation refused: ${JSON.stringify(accepted)}`);
    rt.store.enqueue([accepted.item]);
    await rt.oracle.idle(60_000);

    const now = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(holder), benefitId(CARD), today());
    expect(now.eligible).to.equal(false);
    for (const proof of [todayProof, month.body.proof]) {
      const answer = await verify(proof);
      expect(answer.body).to.deep.include({ verdict: "revoked", reason: reasonName(Number(now.reason)) });
      expect(answer.body.reason).to.be.oneOf(["NO_VALID_ASSESSMENT", "REQUIREMENT_NOT_MET"]);
      expect(answer.body.message.it).to.contain("revocata");
      expect(answer.body.message.en).to.contain("Revoked");
    }
    expect((await issue({ benefit: CARD })).status).to.equal(409);
  });
});
