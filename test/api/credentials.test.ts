// The European Disability Card and entitlement attestations as SD-JWT VCs, end to end on a whole
// PA Chain: a citizen's offer, the demo wallet taking it through OpenID4VCI, a presentation with a
// key-binding JWT checked by the verifier, every refusal with its reason, and the status list
// following the chain (revocation, death) with each list anchored on chain.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { expect } from "chai";
import { id, Wallet } from "ethers";
import { digest, ES256 } from "@sd-jwt/crypto-nodejs";
import { getListFromStatusListJWT } from "@sd-jwt/jwt-status-list";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { factDomain, signFact } from "../../src/chain/signing.ts";
import { shiftedClock } from "../../src/clock.ts";
import { benefitId, reasonName } from "../../src/domain/catalog.ts";
import { loadConsortium, organisationKeys } from "../../src/demo/consortium.ts";
import { statusAnchorReader } from "../../src/api/data/status-anchor.ts";
import { demoIntegrityKey, INTEGRITY_HEADER, signIntegrity } from "../../src/api/integrity.ts";
import { createPresentationVerifier } from "../../src/api/services/presentations.ts";
import { acceptOffer, initWallet, present } from "../../src/wallet/demo-wallet.ts";
import { readFeed, type System } from "../oracle/harness.ts";
import type { OracleRuntime } from "../../src/oracle/wiring.ts";
import { startDemoApi, type DemoApi } from "./demo-api.ts";
import { independentlyVerify } from "./independent-check.ts";
import { isoToday, nowSeconds, testClock, today } from "../support/clock.ts";
import { problemOf } from "../support/problem.ts";

const STAFF = "RSSMRA85T10A562S";
const CARD = "EU_DISABILITY_CARD";
const FLIP_TIMEOUT_MS = 30_000;

describe("credentials: the European Disability Card in a wallet (OpenID4VCI, SD-JWT VC, status list anchored on chain)", function () {
  this.timeout(300_000);
  let demo: DemoApi;
  let system: System;
  let rt: OracleRuntime;
  let url: string;
  /** Two people in the demo population whom a commission assesses here, so their card rests on that assessment. */
  let holder: string;
  let second: string;
  const assessments = new Map<string, string>();
  const civil = new Map<string, Record<string, unknown>>();
  let commission: { orgId: number; slug: string };
  const home = mkdtempSync(join(tmpdir(), "pachain-wallet-"));

  const call = async (path: string, init: { method?: string; body?: unknown; token?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined;
    if (init.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(init.form).toString();
    } else if (init.body !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.body);
    }
    const response = await fetch(`${url}${path}`, { method: init.method ?? "GET", headers, body });
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, body: json, headers: response.headers };
  };
  const token = async (role: string, fiscalCode: string, organisation?: number) =>
    (await call("/v1/dev/token", { method: "POST", body: { role, fiscalCode, organisation } })).body.token as string;
  const offerFor = async (fiscalCode: string, benefit = CARD) =>
    call("/v1/me/credential-offers", { method: "POST", token: await token("citizen", fiscalCode), body: { benefit } });
  const newRequest = async () => (await call("/v1/presentations/requests", { method: "POST", body: {} })).body;
  const verify = (presentation: string) => call("/v1/presentations/verify", { method: "POST", body: { presentation } });
  const wallet = async (name: string) => {
    const dir = join(home, name);
    await initWallet({ dir, clock: testClock });
    return dir;
  };
  /** A wallet holding the person's card, taken through the whole OpenID4VCI flow. */
  const walletWithCard = async (name: string, fiscalCode: string) => {
    const dir = await wallet(name);
    const offer = await offerFor(fiscalCode);
    expect(offer.status, JSON.stringify(offer.body)).to.equal(201);
    const stored = await acceptOffer({ dir, offer: offer.body.offerUri, clock: testClock });
    return { dir, stored };
  };
  const presentTo = async (dir: string, claims?: string[]) => {
    const request = await newRequest();
    return { request, presentation: await present({ dir, request: request.requestUri, clock: testClock, claims }) };
  };
  const statusOf = async (credential: string) => {
    const { idx, uri } = JSON.parse(Buffer.from(credential.split(".")[1], "base64url").toString()).status.status_list;
    const list = await (await fetch(uri)).text();
    return getListFromStatusListJWT(list).getStatus(idx);
  };
  const waitForStatus = async (credential: string, wanted: number) => {
    for (const deadline = Date.now() + FLIP_TIMEOUT_MS; ;) {
      if ((await statusOf(credential)) === wanted) return;
      if (Date.now() > deadline) throw new Error(`the status list did not turn ${wanted} within ${FLIP_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const assess = async (fiscalCode: string, sourceId: string) => {
    const commissionToken = await token("commission", STAFF, commission.orgId);
    const signed = await call("/v1/dev/assessments/sign", {
      method: "POST", token: commissionToken,
      body: { sourceId, fiscalCode, category: "CIVIL_INVALIDITY", percentage: 80, effectiveDate: `${isoToday().slice(0, 7)}-01`, report: "verbale di prova" },
    });
    // With the ModI integrity signature the dev signer made over this very body (JSON.stringify of it).
    const integrity = { [signed.body.integrity.header]: signed.body.integrity.value };
    const submitted = await call("/v1/assessments", { method: "POST", token: commissionToken, body: signed.body.submission, headers: integrity });
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    assessments.set(fiscalCode, submitted.body.assessmentId);
  };

  before(async function () {
    // The index polls the node often, so "a block after the index sees it" is a few blocks of the chain.
    demo = await startDemoApi({ size: 40, seed: 5, env: { PACHAIN_INDEXER_POLL_INTERVAL_MS: "50" } });
    ({ system, rt } = demo);
    url = demo.api.url;
    const feed = (await readFeed(system.sources.comune)).filter((e) => e.kind === "civil");
    for (const event of feed) civil.set(String(event.fiscalCode), event.record as Record<string, unknown>);
    const candidates: string[] = [];
    for (const person of civil.keys()) {
      const e = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(person), benefitId(CARD), today());
      if (["NO_VALID_ASSESSMENT", "REQUIREMENT_NOT_MET"].includes(reasonName(Number(e.reason)))) candidates.push(person);
    }
    [holder, second] = candidates;
    expect(second, "two people without a card").to.be.a("string");
    const org = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MEDICAL_COMMISSION")!;
    commission = { orgId: org.orgId, slug: org.slug };
    await assess(holder, "WALLET-TEST-1");
    await assess(second, "WALLET-TEST-2");
    await rt.oracle.idle(60_000);
    for (const person of [holder, second]) {
      expect((await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(person), benefitId(CARD), today())).eligible).to.equal(true);
    }
  });

  after(async function () {
    await demo?.close();
  });

  it("publishes the issuer's metadata at the well-known locations derived from the issuer identifier", async function () {
    const issuer = `${url}/credentials`;
    const metadata = await call("/.well-known/openid-credential-issuer/credentials");
    expect(metadata.body).to.deep.include({ credential_issuer: issuer, credential_endpoint: `${issuer}/credential`, nonce_endpoint: `${issuer}/nonce` });
    const card = metadata.body.credential_configurations_supported.EuropeanDisabilityCard;
    expect(card).to.deep.include({ format: "dc+sd-jwt", cryptographic_binding_methods_supported: ["jwk"], credential_signing_alg_values_supported: ["ES256"] });
    expect(card.proof_types_supported).to.deep.equal({ jwt: { proof_signing_alg_values_supported: ["ES256"] } });
    const as = await call("/.well-known/oauth-authorization-server/credentials");
    expect(as.body).to.deep.include({ issuer, token_endpoint: `${issuer}/token`, "pre-authorized_grant_anonymous_access_supported": true });
    const keys = await call("/.well-known/jwt-vc-issuer/credentials");
    expect(keys.body.issuer).to.equal(issuer);
    expect(keys.body.jwks.keys[0]).to.include({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(keys.body.jwks.keys[0]).to.not.have.property("d");
    expect((await call("/.well-known/openid-credential-issuer")).status).to.equal(404);
  });

  it("issue → present → valid: the card is bound to the wallet's key, every claim selectively disclosable, nothing medical", async function () {
    const { dir, stored } = await walletWithCard("alice", holder);
    const [jwt, ...disclosures] = stored.credential.split("~");
    const header = JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString());
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
    expect(header).to.include({ typ: "dc+sd-jwt", alg: "ES256" });
    expect(payload).to.include({ iss: `${url}/credentials`, vct: "urn:it:pa-chain:vct:european-disability-card:1", _sd_alg: "sha-256" });
    expect(Object.keys(payload).sort()).to.deep.equal(["_sd", "_sd_alg", "cnf", "exp", "iat", "iss", "status", "vct"]);
    const walletKey = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(join(dir, "key.json"), "utf8"))).publicJwk;
    expect(payload.cnf.jwk).to.deep.equal({ kty: "EC", crv: "P-256", x: walletKey.x, y: walletKey.y });
    expect(payload.status.status_list.uri).to.equal(`${url}/credentials/status-lists/1`);
    expect(payload.status.status_list.idx).to.be.a("number");
    expect(disclosures.filter(Boolean)).to.have.length(3);
    const everything = Buffer.from(JSON.stringify(stored.claims)).toString() + disclosures.map((d) => Buffer.from(d, "base64url").toString()).join();
    expect(everything).to.not.match(/percent|categor|CIVIL_INVALIDITY|diagnos|"flags"|report/i);
    expect(everything).to.not.contain(holder).and.not.contain(rt.vault.pseudonymOf(holder).slice(2));

    const { presentation } = await presentTo(dir);
    const answer = await verify(presentation);
    expect(answer.status).to.equal(200);
    expect(answer.body).to.deep.include({ verdict: "valid", reason: "VALID", credentialType: "EuropeanDisabilityCard" });
    expect(answer.body.headline.it).to.equal("Carta valida");
    expect(answer.body.claims.map((c: any) => c.text.it)).to.include("Carta europea della disabilità: valida").and.include("Paese di rilascio: Italia");
    expect(answer.body.status).to.deep.include({ value: "VALID", uri: `${url}/credentials/status-lists/1` });
    expect(answer.body.status.anchor.transaction).to.match(/^0x[0-9a-f]{64}$/);
    // The person sees the check in their access log.
    const log = await call("/v1/me/access-log", { token: await token("citizen", holder) });
    // Apart from staff reads: one row per credential with its count (issue 14).
    expect(log.body.verifications.find((v: any) => v.benefit === CARD)).to.deep.include({ count: 1, lastVerdict: "valid" });
  });

  it("answers only the claims the holder chose to disclose", async function () {
    const { dir } = await walletWithCard("bruno", holder);
    const { presentation } = await presentTo(dir, ["card_valid"]);
    const answer = await verify(presentation);
    expect(answer.body.verdict).to.equal("valid");
    expect(answer.body.claims).to.deep.equal([{ name: "card_valid", text: { it: "Carta europea della disabilità: valida", en: "European Disability Card: valid" } }]);
  });

  it("issues an 'entitled to benefit X' attestation the same way, and refuses what the chain does not back (409)", async function () {
    // Someone entitled to a benefit other than the card.
    let entitled: { person: string; benefit: string } | undefined;
    for (const person of civil.keys()) {
      const granted = (await call("/v1/me/entitlements", { token: await token("citizen", person) })).body.entitlements
        .find((e: any) => e.eligible && e.benefit !== CARD);
      if (granted) {
        entitled = { person, benefit: granted.benefit };
        break;
      }
    }
    expect(entitled, "a person entitled to a benefit other than the card").to.not.equal(undefined);
    const dir = await wallet("carla");
    const offer = await offerFor(entitled!.person, entitled!.benefit);
    expect(offer.body.offer.credential_configuration_ids).to.deep.equal(["BenefitEntitlement"]);
    const stored = await acceptOffer({ dir, offer: offer.body.offerUri, clock: testClock });
    expect(stored.claims).to.include({ benefit: entitled!.benefit, entitled: true });
    const attestation = await verify((await presentTo(dir)).presentation);
    expect(attestation.body).to.deep.include({ verdict: "valid", credentialType: "BenefitEntitlement" });
    expect(attestation.body.headline.it).to.equal("Diritto confermato");
    expect(attestation.body.claims.map((c: any) => c.text.it).join("\n")).to.match(/: diritto confermato$/m);
    const refused = (await call("/v1/me/entitlements", { token: await token("citizen", holder) })).body.entitlements.find((e: any) => !e.eligible);
    const answer = await offerFor(holder, refused.benefit);
    expect(answer.status).to.equal(409);
    expect(problemOf((await offerFor(holder, "NOPE")).body).code).to.equal("UNKNOWN_BENEFIT");
    expect((await call("/v1/me/credential-offers", { method: "POST", token: await token("auditor", STAFF), body: { benefit: CARD } })).status).to.equal(403);
  });

  it("the pre-authorised code and the access token serve once; a key proof needs a current c_nonce and the issuer as audience", async function () {
    const offer = (await offerFor(holder)).body.offer;
    const code = offer.grants["urn:ietf:params:oauth:grant-type:pre-authorized_code"]["pre-authorized_code"];
    const form = { grant_type: "urn:ietf:params:oauth:grant-type:pre-authorized_code", "pre-authorized_code": code };
    const first = await call("/credentials/token", { method: "POST", form });
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ token_type: "Bearer", expires_in: 300 });
    const again = await call("/credentials/token", { method: "POST", form });
    expect(again.status).to.equal(400);
    expect(again.body.error).to.equal("invalid_grant");
    const { privateKey, publicKey } = await ES256.generateKeyPair();
    const { SignJWT, importJWK } = await import("jose");
    const proof = async (nonce: string, aud = `${url}/credentials`) => new SignJWT({ nonce })
      .setProtectedHeader({ alg: "ES256", typ: "openid4vci-proof+jwt", jwk: publicKey as any }).setAudience(aud).setIssuedAt(nowSeconds())
      .sign(await importJWK(privateKey as any, "ES256"));
    const credential = async (jwt: string) => call("/credentials/credential", {
      method: "POST", token: first.body.access_token, body: { credential_configuration_id: "EuropeanDisabilityCard", proofs: { jwt: [jwt] } },
    });
    expect((await credential(await proof("made-up"))).body.error).to.equal("invalid_nonce");
    const nonce = async () => (await call("/credentials/nonce", { method: "POST" })).body.c_nonce as string;
    expect((await credential(await proof(await nonce(), "https://elsewhere.example"))).body.error).to.equal("invalid_proof");
    const issued = await credential(await proof(await nonce()));
    expect(issued.status, JSON.stringify(issued.body)).to.equal(200);
    const spent = await credential(await proof(await nonce()));
    expect(spent.status).to.equal(401);
    expect(spent.body.error).to.equal("invalid_token");
  });

  it("refuses, with the reason: a replayed nonce, a tampered disclosure, another holder's key, an unknown request, another issuer", async function () {
    const { dir, stored } = await walletWithCard("dario", holder);
    const { presentation } = await presentTo(dir);
    expect((await verify(presentation)).body.verdict).to.equal("valid");
    const replay = await verify(presentation);
    expect(replay.body).to.deep.include({ verdict: "refused", reason: "REPLAYED" });
    expect(replay.body.headline.it).to.equal("Presentazione rifiutata");

    // A disclosure changed to say something else (its digest is not among the signed ones).
    const fresh = (await presentTo(dir)).presentation.split("~");
    const [salt] = JSON.parse(Buffer.from(fresh[1], "base64url").toString()) as [string];
    const forged = Buffer.from(JSON.stringify([salt, "issuing_country", "FR"])).toString("base64url");
    fresh[1] = forged;
    expect((await verify(fresh.join("~"))).body).to.deep.include({ verdict: "refused", reason: "TAMPERED_DISCLOSURE" });

    // Someone else's wallet presents a copy of this card: the key-binding JWT is not signed by the cnf key.
    const thief = await wallet("thief");
    const { mkdirSync, writeFileSync } = await import("node:fs");
    mkdirSync(join(thief, "credentials"), { recursive: true });
    writeFileSync(join(thief, "credentials", `${stored.id}.json`), JSON.stringify(stored));
    expect((await verify((await presentTo(thief)).presentation)).body).to.deep.include({ verdict: "refused", reason: "WRONG_HOLDER_KEY" });

    // A nonce this verifier never gave.
    const unknown = await present({ dir, request: JSON.stringify({ client_id: `${url}/verifica`, nonce: "not-from-here" }), clock: testClock });
    expect((await verify(unknown)).body).to.deep.include({ verdict: "refused", reason: "UNKNOWN_REQUEST" });

    // A credential of another issuer, shaped like ours.
    const { privateKey } = await ES256.generateKeyPair();
    const foreign = new SDJwtVcInstance({ signer: await ES256.getSigner(privateKey), signAlg: "ES256", hasher: digest, saltGenerator: () => "c2FsdHNhbHRzYWx0" });
    const { _sd, _sd_alg, ...payload } = JSON.parse(Buffer.from(stored.credential.split(".")[1], "base64url").toString());
    for (const iss of ["https://elsewhere.example/credentials", payload.iss]) {
      const credential = await foreign.issue({ ...payload, iss, card_valid: true }, { _sd: ["card_valid"] } as never);
      const walletDir = await wallet(`foreign-${iss.length}`);
      mkdirSync(join(walletDir, "credentials"), { recursive: true });
      writeFileSync(join(walletDir, "credentials", "x.json"), JSON.stringify({ ...stored, id: "x", credential }));
      const answer = await verify((await presentTo(walletDir)).presentation);
      expect(answer.body).to.deep.include({ verdict: "refused", reason: iss === payload.iss ? "BAD_SIGNATURE" : "FOREIGN_ISSUER" });
    }
  });

  it("refuses an expired credential (a verifier a year and a day later), reading only public information", async function () {
    const { dir } = await walletWithCard("elena", holder);
    const later = shiftedClock(366 * 86_400_000, testClock);
    const keys = (await call("/.well-known/jwt-vc-issuer/credentials")).body.jwks.keys;
    const verifier = createPresentationVerifier({
      issuer: () => `${url}/credentials`,
      issuerKeys: async () => keys,
      fetchStatusList: async (uri) => ({ jwt: await (await fetch(uri)).text() }),
      anchoredList: (listId) => statusAnchorReader(system.deployment.credentials!.statusListAnchor, system.provider).latest(listId),
      anchorContract: system.deployment.credentials!.statusListAnchor,
      defaultAudience: () => "https://museo.example",
      clock: later,
    });
    const request = await verifier.createRequest();
    const presentation = await present({ dir, request: request.requestUri, clock: later });
    expect(await verifier.verify(presentation)).to.deep.include({ verdict: "refused", reason: "EXPIRED" });
  });

  it("an independent check with the @sd-jwt libraries alone verifies the card and reads its status from the published list", async function () {
    const { stored } = await walletWithCard("fabio", holder);
    const result = await independentlyVerify(stored.credential, nowSeconds());
    expect(result.issuer).to.equal(`${url}/credentials`);
    expect(result.claims).to.include({ card_valid: true, issuing_country: "IT" });
    expect(result.status).to.equal(0);
  });

  it("after a revocation on chain the list flips within a few blocks, is anchored, and the card verifies not valid", async function () {
    const { dir, stored } = await walletWithCard("gina", holder);
    const member = organisationKeys(join(system.home, "keys"), { slug: commission.slug, keys: 0 })[0];
    const record = { recordId: id("WALLET-TEST-REVOCATION"), assessmentId: assessments.get(holder)!, reason: 1, signedAt: nowSeconds() };
    const signature = await signFact(member as Wallet, factDomain(system.deployment.chainId, system.deployment.addresses.facts), "RevocationRecord", record);
    const accepted = rt.intake.accept(`commission-${commission.orgId}`, "health", { cursor: 0, kind: "revocation", sourceId: "WALLET-TEST-REVOCATION", record, signatures: [signature] });
    if (accepted.type !== "item" || accepted.item.dead) throw new Error(`revocation refused: ${JSON.stringify(accepted)}`);
    rt.store.enqueue([accepted.item]);
    await rt.oracle.idle(60_000);
    expect((await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(holder), benefitId(CARD), today())).eligible).to.equal(false);
    // The demo population has revocations of its own: this one is the last.
    const revokedAt = (await system.contracts.facts.queryFilter(system.contracts.facts.filters.AssessmentRevoked(), 0)).at(-1)!.blockNumber;

    await waitForStatus(stored.credential, 1);
    const served = await call("/credentials/status-lists/1");
    expect(served.headers.get("content-type")).to.contain("application/statuslist+jwt");
    const hash = `0x${createHash("sha256").update(served.body).digest("hex")}`;
    const anchored = await statusAnchorReader(system.deployment.credentials!.statusListAnchor, system.provider).latest(1);
    expect(anchored.listHash).to.equal(hash);
    expect(served.headers.get("pa-chain-list-hash")).to.equal(hash);
    const tx = served.headers.get("pa-chain-anchor-transaction")!;
    const receipt = await system.provider.getTransactionReceipt(tx);
    expect(receipt?.status).to.equal(1);
    expect(receipt!.to?.toLowerCase()).to.equal(system.deployment.credentials!.statusListAnchor.toLowerCase());
    expect(receipt!.blockNumber - revokedAt, "blocks between the revocation and the anchored list").to.be.within(1, 3);
    if (process.env.PACHAIN_TEST_MEASURE) process.stdout.write(`      blocks from revocation to anchored list: ${receipt!.blockNumber - revokedAt}\n`);
    const anchor = await call("/v1/status-lists/1/anchor");
    expect(anchor.body).to.deep.include({ listHash: hash, transaction: tx, block: receipt!.blockNumber });

    const answer = await verify((await presentTo(dir)).presentation);
    expect(answer.body).to.deep.include({ verdict: "not-valid", reason: "REVOKED" });
    expect(answer.body.headline.it).to.equal("Carta non valida");
    expect(answer.body.claims.map((c: any) => c.text.it)).to.include("Carta europea della disabilità: non valida");
    expect(answer.body.status.anchor.transaction).to.equal(tx);
    expect((await independentlyVerify(stored.credential, nowSeconds())).status).to.equal(1);
  });

  it("after a death recorded on chain the card turns invalid the same way, from the day the death is on chain", async function () {
    const { dir, stored } = await walletWithCard("hugo", second);
    const residence = Number(civil.get(second)!.residence);
    const municipality = loadConsortium(join(system.home, "consortium.json")).organisations.find((o) => o.kind === "MUNICIPALITY" && o.code === residence)!;
    const [signer] = organisationKeys(join(system.home, "keys"), { slug: municipality.slug, keys: 0 });
    const record = { recordId: id("WALLET-TEST-DEATH"), subject: rt.vault.pseudonymOf(second), deathDate: today(), signedAt: nowSeconds() };
    const signature = await signFact(signer as Wallet, factDomain(system.deployment.chainId, system.deployment.addresses.facts), "DeathRecord", record);
    const accepted = rt.intake.accept(`comune-${municipality.orgId}`, "civil", { cursor: 0, kind: "death", sourceId: "WALLET-TEST-DEATH", fiscalCode: second, record, signatures: [signature] });
    if (accepted.type !== "item" || accepted.item.dead) throw new Error(`death refused: ${JSON.stringify(accepted)}`);
    rt.store.enqueue([accepted.item]);
    await rt.oracle.idle(60_000);
    // Dated today: the rules still count today (a death counts from the day after), the card does not.
    const e = await system.contracts.ledger.entitlement(rt.vault.pseudonymOf(second), benefitId(CARD), today());
    expect(e.eligible).to.equal(true);
    await waitForStatus(stored.credential, 1);
    const answer = await verify((await presentTo(dir)).presentation);
    expect(answer.body).to.deep.include({ verdict: "not-valid", reason: "REVOKED" });
    expect(answer.body.headline.it).to.equal("Carta non valida");
    // No new offer for a person the chain no longer backs.
    expect((await offerFor(second)).status).to.equal(409);
  });
});
