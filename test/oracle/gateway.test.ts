// The oracle's gateway (src/oracle/gateway.ts) in process and over HTTP (gateway-server.ts): the
// same answers and the same errors either way, the shared secret required, and the read API
// reaching the oracle through nothing else. A real intake, vault and store; no chain needed.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Interface, hexlify, randomBytes } from "ethers";
import { readAbi } from "../../src/chain/artifacts.ts";
import { onChainAssessmentId } from "../../src/chain/signing.ts";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { PaChainError, ValidationError } from "../../src/errors.ts";
import { createLogger } from "../../src/logger.ts";
import { createHttpOracleGateway, createLocalOracleGateway, type OracleGateway } from "../../src/oracle/gateway.ts";
import { startGatewayServer } from "../../src/oracle/gateway-server.ts";
import { createOracleClaims } from "../../src/oracle/claims.ts";
import { createIntake } from "../../src/oracle/intake.ts";
import { openOracleStore, type OracleStore } from "../../src/oracle/store.ts";
import { createPseudonymVault, type PseudonymVault } from "../../src/oracle/vault.ts";
import { ROOT } from "./harness.ts";

const FISCAL_CODE = "RSSMRA85T10A562S";
const COMMISSION = 5;
const bytes32 = () => hexlify(randomBytes(32));
/** An assessment is named by its on-chain id, bound to its commission (FactRegistry's key). */
const onChainId = (signed: { record: { commissionId: number | bigint; assessmentId: string } }) =>
  onChainAssessmentId(signed.record.commissionId, signed.record.assessmentId);

describe("oracle gateway", function () {
  let store: OracleStore;
  let vault: PseudonymVault;
  let local: OracleGateway;
  let remote: OracleGateway;
  let server: Awaited<ReturnType<typeof startGatewayServer>>;
  const secret = hexlify(randomBytes(32));

  const assessment = (overrides: Record<string, unknown> = {}) => ({
    sourceId: "ASL-1",
    fiscalCode: FISCAL_CODE,
    record: {
      assessmentId: bytes32(), subject: vault.pseudonymOf(FISCAL_CODE), commissionId: COMMISSION, category: 1, percentage: 100, flags: 1,
      effectiveDate: 20240101, reviewDate: 0, reportHash: bytes32(), signedAt: 1_781_481_600, ...overrides,
    },
    signatures: [hexlify(randomBytes(65)), hexlify(randomBytes(65))],
  });

  before(async function () {
    store = openOracleStore(":memory:");
    vault = createPseudonymVault({ store, pseudonymKey: bytes32(), vaultKey: bytes32() });
    const factsInterface = new Interface(readAbi("FactRegistry"));
    const catalog = loadCatalog();
    local = createLocalOracleGateway({
      intake: createIntake({ factsInterface, vault, catalog }), store, factsInterface, sources: [], claims: createOracleClaims({ store, catalog }),
    });
    server = await startGatewayServer({ gateway: local, secret, port: 0, logger: createLogger("silent") });
    remote = createHttpOracleGateway({ url: server.url, secret });
  });

  after(async function () {
    await server?.close();
    store?.close();
  });

  for (const [name, gateway] of [["in process", () => local], ["over HTTP", () => remote]] as const) {
    describe(name, function () {
      it("queues a commission's assessment once, answers its status again, and refuses other content under the same id (409)", async function () {
        const signed = assessment();
        const first = await gateway().submitAssessment(COMMISSION, signed);
        expect(first).to.deep.equal({
          created: true,
          submission: { kind: "assessment", id: onChainId(signed), state: "queued", reason: null, organisation: COMMISSION },
        });
        expect((await gateway().submitAssessment(COMMISSION, signed)).created).to.equal(false);
        expect(await gateway().submission("assessment", onChainId(signed))).to.deep.equal(first.submission);
        expect((await gateway().waitingAssessments(COMMISSION)).map((s) => s.id)).to.include(onChainId(signed));
        const changed = { ...signed, signatures: [...signed.signatures].reverse() };
        const conflict = await gateway().submitAssessment(COMMISSION, changed).catch((e: PaChainError) => e);
        expect(conflict).to.be.instanceOf(PaChainError).and.include({ code: "CONFLICT", status: 409 });
      });

      it("refuses an invalid record naming the field, and another commission's record with 403, queuing nothing", async function () {
        const before = store.counts();
        const invalid = await gateway().submitAssessment(COMMISSION, assessment({ percentage: 101 })).catch((e: ValidationError) => e);
        expect(invalid).to.be.instanceOf(ValidationError).and.include({ field: "record.percentage", status: 400 });
        const foreign = await gateway().submitAssessment(COMMISSION + 1, assessment()).catch((e: PaChainError) => e);
        expect(foreign).to.be.instanceOf(PaChainError).and.include({ code: "FORBIDDEN", status: 403 });
        expect(store.counts()).to.deep.equal(before);
        expect(await gateway().submission("assessment", bytes32())).to.equal(null);
      });

      it("receives an application through a channel, once", async function () {
        const request = { applicationId: bytes32(), fiscalCode: FISCAL_CODE, benefit: "INV_INDENNITA_ACCOMPAGNAMENTO", date: 20260101 };
        const first = await gateway().submitApplication("claims", request);
        expect(first).to.deep.equal({ created: true, submission: { kind: "application", id: request.applicationId, state: "queued", reason: null, organisation: null } });
        expect((await gateway().submitApplication("claims", request)).created).to.equal(false);
        const conflict = await gateway().submitApplication("claims", { ...request, date: 20260102 }).catch((e: PaChainError) => e);
        expect(conflict).to.include({ code: "CONFLICT" });
        const unknown = await gateway().submitApplication("claims", { ...request, applicationId: bytes32(), benefit: "NO_SUCH_BENEFIT" }).catch((e: ValidationError) => e);
        expect(unknown).to.be.instanceOf(ValidationError);
      });

      it("queues a commission's revocation once, the same one signed later again, and refuses another reason (409); not listed as waiting", async function () {
        const assessmentId = bytes32();
        const signed = (reason: number, signedAt: number) => ({ record: { recordId: bytes32(), assessmentId, reason, signedAt }, signatures: [hexlify(randomBytes(65))] });
        const original = signed(2, 1_781_481_600);
        const first = await gateway().submitRevocation(COMMISSION, assessmentId, original);
        expect(first).to.deep.equal({
          created: true,
          submission: { kind: "revocation", id: original.record.recordId, state: "queued", reason: null, organisation: COMMISSION },
        });
        expect(await gateway().submission("revocation", original.record.recordId)).to.deep.equal(first.submission);
        const again = await gateway().submitRevocation(COMMISSION, assessmentId, { ...original, record: { ...original.record, signedAt: 1_781_481_700 } });
        expect(again.created).to.equal(false);
        const other = await gateway().submitRevocation(COMMISSION, assessmentId, { ...original, record: { ...original.record, reason: 3, signedAt: 1_781_481_800 } })
          .catch((e: PaChainError) => e);
        expect(other).to.include({ code: "CONFLICT", status: 409 });
        expect((await gateway().waitingAssessments(COMMISSION)).map((w) => w.kind)).to.not.include("revocation");
      });

      it("files a citizen's claim once while pending, and lists it with its status", async function () {
        const subject = bytes32(); // a person with no application yet
        const first = await gateway().submitClaim(subject, "INV_INDENNITA_ACCOMPAGNAMENTO", 20260101);
        expect(first.created).to.equal(true);
        const again = await gateway().submitClaim(subject, "INV_INDENNITA_ACCOMPAGNAMENTO", 20260101);
        expect(again).to.deep.equal({ created: false, claim: first.claim });
        expect((await gateway().claimsOf(subject)).map((c) => c.id)).to.include(first.claim.id);
        expect(await gateway().claimStatus(subject)).to.deep.include({ benefit: "INV_INDENNITA_ACCOMPAGNAMENTO", status: first.claim.status, applicationId: first.claim.id });
      });

      it("lists dead letters with their reason and re-drives them", async function () {
        const signed = assessment();
        await gateway().submitAssessment(COMMISSION, signed);
        const item = store.itemByKey(`assessment:${onChainId(signed)}`)!;
        store.markDead(item.id, "FactRegistryInvalidSignature", "signer is not a member");
        expect((await gateway().submission("assessment", onChainId(signed)))!).to.include({
          state: "refused",
        });
        expect((await gateway().submission("assessment", onChainId(signed)))!.reason)
          .to.deep.equal({ name: "FactRegistryInvalidSignature", detail: "signer is not a member" });
        expect((await gateway().deadLetters(100)).map((d) => d.id)).to.include(item.id);
        expect(await gateway().redrive([item.id])).to.equal(1);
        expect(await gateway().redrive([item.id])).to.equal(0);
        expect((await gateway().lag()).outbox).to.deep.equal(store.counts());
      });
    });
  }

  it("answers only with the shared secret: the API sees a wrong one as the oracle being unavailable", async function () {
    const stranger = await createHttpOracleGateway({ url: server.url, secret: bytes32() }).lag().catch((e: PaChainError) => e);
    expect(stranger).to.be.instanceOf(PaChainError).and.include({ code: "UNAVAILABLE", status: 503 });
    expect((await fetch(`${server.url}/v1/lag`)).status).to.equal(401);
    const gone = await createHttpOracleGateway({ url: "http://127.0.0.1:9", secret }).lag().catch((e: PaChainError) => e);
    expect(gone).to.include({ code: "UNAVAILABLE", retryable: true });
  });

  it("is the read API's only import from the oracle", function () {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
    const imports = files(join(ROOT, "src", "api")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/from "((?:\.\.\/)+oracle\/[^"]+)"/g)].map((m) => `${file.slice(ROOT.length)}: ${m[1]}`));
    expect(imports.filter((i) => !i.endsWith("oracle/gateway.ts"))).to.deep.equal([]);
    expect(imports).to.not.deep.equal([]);
  });
});
