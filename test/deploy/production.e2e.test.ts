// The production path end to end on a Hardhat node set up like the consortium's Besu QBFT network
// (deploy/besu/hardhat-node.config.ts: free gas, timed blocks, the chain id of a freshly generated
// genesis): deploy:contracts and deploy:consortium with fresh keys that never held ether, one
// oracle process per organisation with only its own source and key, the payroll, and the read API
// with a token of a production-style issuer (JWKS). A proxy in front of the node answers like Besu
// (test/support/besu-proxy.ts: Hardhat-only methods are "Method not found", a transaction pool)
// and records every JSON-RPC call and transaction.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, id, JsonRpcProvider, randomBytes, Wallet } from "ethers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { demoIntegrityKey, INTEGRITY_HEADER, signIntegrity } from "../../src/api/integrity.ts";
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { attachContracts, type PAChainContracts } from "../../src/chain/contracts.ts";
import type { Deployment } from "../../src/chain/deploy.ts";
import { DEV_KEYS, loadConfig } from "../../src/config.ts";
import { signCommissionAssessment } from "../../src/chain/commission-assessment.ts";
import { factDomain, onChainAssessmentId } from "../../src/chain/signing.ts";
import { ORG_KIND } from "../../src/chain/consortium.ts";
import { DEMO_ORGANISATIONS, DEMO_PATRONATI, loadConsortium, organisationKeys } from "../../src/demo/consortium.ts";
import { createHttpOracleGateway } from "../../src/oracle/gateway.ts";
import { pseudonymise } from "../../src/domain/pseudonym.ts";
import { createLogger } from "../../src/logger.ts";
import { stopProcess } from "../../src/node/processes.ts";
import { generateNetwork, writeNetwork } from "../../src/production/besu.ts";
import { expectedFacts, readChainState } from "../oracle/chain-state.ts";
import { freePort, readFeed, ROOT, startProcess } from "../oracle/harness.ts";
import { currentPeriod, isoDaysFromToday, nowSeconds, today as todayNow } from "../support/clock.ts";
import { startBesuProxy, type BesuProxy } from "../support/besu-proxy.ts";

const HARDHAT_CLI = "node_modules/hardhat/dist/src/cli.js";
const PERIOD = currentPeriod();

/** Runs `node SCRIPT ARGS` to completion with `env` added; resolves with its output, rejects on a non-zero exit. */
function run(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${args.join(" ")} exited ${code}:\n${output.slice(-3000)}`))));
  });
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Every object in `value` (any depth) for which `match` holds. */
function findObjects(value: unknown, match: (o: Record<string, unknown>) => boolean): Array<Record<string, unknown>> {
  if (Array.isArray(value)) return value.flatMap((v) => findObjects(v, match));
  if (value === null || typeof value !== "object") return [];
  const o = value as Record<string, unknown>;
  return [...(match(o) ? [o] : []), ...Object.values(o).flatMap((v) => findObjects(v, match))];
}

describe("production path on a Besu-like free-gas network", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), "pachain-production-"));
  const children: ChildProcess[] = [];
  let chainId: number;
  let node: ChildProcess;
  let nodeUrl: string;
  let proxy: BesuProxy;
  let provider: JsonRpcProvider;
  let contracts: PAChainContracts;
  let deployment: Deployment;
  let api: RunningApi | undefined;
  let aslApi: RunningApi | undefined;
  let jwks: Server | undefined;
  /** A token of the production-style issuer (set up by the read API's test). */
  let issueToken: (claims: Record<string, unknown>, subject: string) => Promise<string>;
  const issuer = "https://login.example.gov.it";
  // ASL's oracle serves its gateway on a private port, to the API that holds this secret.
  const gatewaySecret = hexlify(randomBytes(32));
  let aslGatewayUrl: string;
  const keys = { deployer: Wallet.createRandom(), civil: Wallet.createRandom(), health: Wallet.createRandom(), inps: Wallet.createRandom() };
  const pseudonymKey = hexlify(randomBytes(32));
  const homes = { governance: join(dir, "governance"), sources: join(dir, "sources"), anpr: join(dir, "anpr"), asl: join(dir, "asl-roma-1"), inps: join(dir, "inps") };
  const sources = {} as Record<"comune" | "asl" | "inps", string>;
  const feedEvents: Record<string, Array<Record<string, unknown>>> = {};

  /** The environment of an organisation's process on the consortium network. */
  const orgEnv = (home: string, extra: Record<string, string> = {}) => ({
    PACHAIN_HOME: home,
    PACHAIN_RPC_URL: proxy.url,
    PACHAIN_EMBEDDED_CHAIN: "false",
    PACHAIN_CHAIN_ID: String(chainId),
    PACHAIN_GAS_PRICE: "0",
    PACHAIN_PSEUDONYM_KEY: pseudonymKey,
    PACHAIN_ORACLE_METRICS_PORT: "0",
    LOG_LEVEL: "warn",
    ...extra,
  });

  before(async function () {
    // The consortium's network, and the chain id its genesis fixes.
    writeNetwork(generateNetwork({ validators: 4, chainId: 380_000 + Math.floor(Math.random() * 999) + 1, names: ["inps", "asl-roma-1", "anpr", "comune-roma"] }), join(dir, "besu"));
    chainId = (JSON.parse(readFileSync(join(dir, "besu", "genesis.json"), "utf8")) as { config: { chainId: number } }).config.chainId;
    const port = await freePort();
    node = await startProcess(
      [HARDHAT_CLI, "--config", "deploy/besu/hardhat-node.config.ts", "node", "--network", "besu", "--chain-id", String(chainId), "--hostname", "127.0.0.1", "--port", String(port)],
      {},
      /Started HTTP/,
    );
    nodeUrl = `http://127.0.0.1:${port}`;
    proxy = await startBesuProxy(nodeUrl);
    for (const home of Object.values(homes)) mkdirSync(home, { recursive: true });
  });

  after(async function () {
    await api?.close();
    await aslApi?.close();
    jwks?.close();
    await Promise.all(children.map((c) => stopProcess(c)));
    proxy?.close();
    provider?.destroy();
    if (node) await stopProcess(node);
    rmSync(dir, { recursive: true, force: true });
    if (chainId) rmSync(join(ROOT, "ignition", "deployments", `pachain-${chainId}`), { recursive: true, force: true });
  });

  it("deploys with Ignition from configuration, with keys that never held ether, and refuses the wrong chain", async function () {
    const env = orgEnv(homes.governance, { PACHAIN_DEPLOYER_KEY: keys.deployer.privateKey });
    const [wrong, dev] = await Promise.all([
      run(["scripts/deploy-contracts.ts"], { ...env, PACHAIN_CHAIN_ID: "1" }).catch((e: Error) => e.message),
      run(["scripts/deploy-contracts.ts"], { ...env, PACHAIN_DEPLOYER_KEY: DEV_KEYS[0] }).catch((e: Error) => e.message),
    ]);
    expect(wrong).to.match(/exited 2:[\s\S]*is on chain \d+, not the consortium's chain 1/);
    expect(dev).to.match(/exited 2:[\s\S]*PACHAIN_DEPLOYER_KEY is one of Hardhat's public development keys/);

    await run(["scripts/deploy-contracts.ts"], env);
    deployment = JSON.parse(readFileSync(join(homes.governance, "deployment.json"), "utf8")) as Deployment;
    expect(deployment.chainId).to.equal(chainId);
    provider = new JsonRpcProvider(nodeUrl, chainId, { staticNetwork: true });
    contracts = attachContracts(deployment.addresses, provider);
    const [admin] = await contracts.manager.hasRole(0n, keys.deployer.address);
    expect(admin, "the deployer holds ADMIN").to.equal(true);
    expect(await provider.getBalance(keys.deployer.address)).to.equal(0n);
  });

  it("registers the consortium from a file, and a second run changes nothing", async function () {
    // Each organisation keeps its signing keys; governance only learns their addresses.
    const organisations = DEMO_ORGANISATIONS.map((org) => ({
      slug: org.slug, kind: org.kind, code: org.code, name: org.name, ...(org.parent ? { parent: org.parent } : {}),
      signers: organisationKeys(join(homes.sources, "keys"), org).map((w) => w.address),
    }));
    // Patronati: on chain without keys; their operators only into the governance's record.
    const patronati = DEMO_PATRONATI.map((p) => ({ slug: p.slug, name: p.name, operators: p.operators }));
    const file = join(dir, "consortium.json");
    writeFileSync(file, JSON.stringify({
      organisations,
      patronati,
      oracles: [
        { organisation: "anpr", account: keys.civil.address, roles: ["CIVIL_RELAYER"] },
        { organisation: "asl-roma-1", account: keys.health.address, roles: ["HEALTH_RELAYER"] },
        { organisation: "inps", account: keys.inps.address, roles: ["HEALTH_RELAYER", "INCOME_RELAYER", "INPS_DECIDER", "INPS_PAYER"] },
      ],
    }));
    const env = orgEnv(homes.governance, { PACHAIN_DEPLOYER_KEY: keys.deployer.privateKey });
    expect(await run(["scripts/deploy-consortium.ts", file], env)).to.match(/consortium applied: \d+ transactions; 17 organisations/);
    expect(await run(["scripts/deploy-consortium.ts", file], env)).to.match(/consortium applied: 0 transactions; 17 organisations/);
    expect(Number(await contracts.organisations.organisationCount())).to.equal(17);
    const record = loadConsortium(join(homes.governance, "consortium.json"));
    expect(record.patronati!.map((p) => [p.slug, p.id, p.operators])).to.deep.equal(patronati.map((p, i) => [p.slug, 15 + i, p.operators]));
    for (const p of record.patronati!) expect(Number((await contracts.organisations.organisation(p.id)).kind), p.slug).to.equal(ORG_KIND.PATRONATO);
    // The deployment and consortium records go to every organisation (and to the source systems).
    for (const home of [homes.sources, homes.anpr, homes.asl, homes.inps]) {
      copyFileSync(join(homes.governance, "deployment.json"), join(home, "deployment.json"));
    }
    copyFileSync(join(homes.governance, "consortium.json"), join(homes.sources, "consortium.json"));
    // The read API (run by INPS here) needs the patronati's operators.
    copyFileSync(join(homes.governance, "consortium.json"), join(homes.inps, "consortium.json"));
  });

  it("runs one oracle per organisation, each with its own key and only its own source", async function () {
    for (const source of ["comune", "asl", "inps"] as const) {
      const port = await freePort();
      children.push(await startProcess(
        ["scripts/simulator.ts", "--source", source, "--port", String(port), "--size", "120", "--seed", "7", "--no-live"],
        { PACHAIN_HOME: homes.sources, PACHAIN_PSEUDONYM_KEY: pseudonymKey, LOG_LEVEL: "warn" },
        /listening on/,
      ));
      sources[source] = `http://127.0.0.1:${port}`;
      feedEvents[source] = await readFeed(sources[source]);
    }
    // An organisation's oracle refuses another organisation's source.
    const mixed = await run(["scripts/oracle.ts", "status"], orgEnv(homes.anpr, {
      PACHAIN_ORACLE_ORGANISATION: "anpr", PACHAIN_ORACLE_SOURCES: `comune=${sources.comune},asl=${sources.asl}`, PACHAIN_CIVIL_RELAYER_KEY: keys.civil.privateKey,
    })).catch((e: Error) => e.message);
    expect(mixed).to.include("PACHAIN_ORACLE_SOURCES must list only this organisation's sources");

    const oracle = (home: string, organisation: string, source: keyof typeof sources, keyVariable: string, key: string) =>
      startProcess(["scripts/oracle.ts"], orgEnv(home, {
        PACHAIN_ORACLE_ORGANISATION: organisation, PACHAIN_ORACLE_SOURCES: `${source}=${sources[source]}`, [keyVariable]: key,
      }), null);
    children.push(await oracle(homes.anpr, "anpr", "comune", "PACHAIN_CIVIL_RELAYER_KEY", keys.civil.privateKey));
    const gatewayPort = await freePort();
    aslGatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    children.push(await startProcess(["scripts/oracle.ts"], orgEnv(homes.asl, {
      PACHAIN_ORACLE_ORGANISATION: "asl-roma-1", PACHAIN_ORACLE_SOURCES: `asl=${sources.asl}`, PACHAIN_HEALTH_RELAYER_KEY: keys.health.privateKey,
      PACHAIN_ORACLE_GATEWAY_PORT: String(gatewayPort), PACHAIN_ORACLE_GATEWAY_SECRET: gatewaySecret,
    }), null));
    // INPS decides from everyone's facts: its oracle starts once the others' facts are on chain.
    const othersFacts = expectedFacts([...feedEvents.comune, ...feedEvents.asl]);
    await waitFor(async () => {
      const state = await readChainState(contracts, deployment.deploymentBlock);
      return [...othersFacts].every((k) => state.facts.has(k));
    }, 90_000, "the municipal and ASL facts");
    children.push(await oracle(homes.inps, "inps", "inps", "PACHAIN_INPS_RELAYER_KEY", keys.inps.privateKey));
    const applications = feedEvents.inps.filter((e) => e.kind === "application");
    const allFacts = expectedFacts(Object.values(feedEvents).flat());
    await waitFor(async () => {
      const state = await readChainState(contracts, deployment.deploymentBlock);
      return state.decisions.size === applications.length && [...allFacts].every((k) => state.facts.has(k));
    }, 90_000, "INPS's facts and decisions");

    const state = await readChainState(contracts, deployment.deploymentBlock);
    expect([...state.facts.values()].every((n) => n === 1), "no record twice").to.equal(true);
    expect([...state.decisions.values()].filter((d) => d.startsWith("true")).length, "some applications granted").to.be.greaterThan(0);
    // Each organisation's transactions come from its own account only.
    const senders = new Set(proxy.recording.transactions.map((t) => t.from));
    expect([...senders].sort()).to.deep.equal([keys.deployer.address, keys.civil.address, keys.health.address, keys.inps.address].sort());
  });

  it("pays the month's payroll through INPS's oracle", async function () {
    const period = `${String(PERIOD).slice(0, 4)}-${String(PERIOD).slice(4)}`;
    const output = await run(["scripts/oracle.ts", "payroll", "--period", period], orgEnv(homes.inps, {
      PACHAIN_ORACLE_ORGANISATION: "inps", PACHAIN_ORACLE_SOURCES: `inps=${sources.inps}`, PACHAIN_INPS_RELAYER_KEY: keys.inps.privateKey,
    }));
    const report = JSON.parse(output.slice(output.indexOf("{"))) as { paid: number };
    expect(report.paid).to.be.greaterThan(0);
    expect((await readChainState(contracts, deployment.deploymentBlock)).payments.size).to.equal(report.paid);
  });

  it("serves a citizen's entitlements through the read API with a production-style token", async function () {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "test", alg: "ES256" };
    jwks = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })));
    const jwksPort = await freePort();
    await new Promise<void>((resolve) => jwks!.listen(jwksPort, "127.0.0.1", resolve));
    issueToken = (claims, subject) => new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: "test" })
      .setIssuer(issuer).setAudience("pa-chain-api").setSubject(subject).setIssuedAt().setExpirationTime("5m")
      .sign(privateKey);
    const config = loadConfig({
      ...orgEnv(homes.inps), PACHAIN_API_PORT: "0", PACHAIN_API_ISSUER: issuer, PACHAIN_API_JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks.json`,
    });
    api = await startApi({ config, deployment, logger: createLogger("silent") });

    // A person INPS granted a benefit, found through the feed (the test's view of the source systems).
    const state = await readChainState(contracts, deployment.deploymentBlock);
    const granted = feedEvents.inps
      .filter((e) => e.kind === "application" && state.decisions.get(String(e.applicationId))?.startsWith("true"))
      .map((e) => ({ fiscalCode: String(e.fiscalCode), benefit: String(e.benefit) }));
    const today = todayNow();
    let person: { fiscalCode: string; benefit: string } | undefined;
    for (const candidate of granted) {
      const [eligible] = await contracts.ledger.check(pseudonymise(candidate.fiscalCode, pseudonymKey), id(candidate.benefit), today);
      if (eligible) {
        person = candidate;
        break;
      }
    }
    expect(person, "someone entitled today").to.not.equal(undefined);
    const token = await issueToken({ role: "citizen" }, person!.fiscalCode);
    const response = await fetch(`${api.url}/v1/me/entitlements`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).to.equal(200);
    expect(findObjects(body, (o) => o.benefit === person!.benefit && o.eligible === true)).to.have.length.greaterThan(0);

    // The patronati come from the chain; an operator's token works only for a PATRONATO org.
    let listed: { organisations: unknown[] } = { organisations: [] };
    // From the index once it has them (before, from the registry contract): all three either way.
    await waitFor(async () => {
      listed = (await (await fetch(`${api!.url}/v1/organisations?kind=PATRONATO`)).json()) as { organisations: unknown[] };
      return listed.organisations.length === DEMO_PATRONATI.length;
    }, 60_000, "the patronati listed");
    expect(listed.organisations).to.deep.equal(DEMO_PATRONATI.map((p, i) => ({ id: 15 + i, name: p.name, kind: "PATRONATO", onChain: true })));
    const operator = DEMO_PATRONATI[0].operators[0].fiscalCode;
    const desk = async (org: number) => fetch(`${api!.url}/v1/represented`, { headers: { authorization: `Bearer ${await issueToken({ role: "patronato", org }, operator)}` } });
    expect((await desk(15)).status).to.equal(200);
    expect((await desk(1)).status, "INPS is no patronato").to.equal(403);
  });

  it("serves the commission and operator endpoints through ASL's oracle gateway, in the oracle's own process", async function () {
    const STAFF = "RSSMRA85T10A562S";
    const operator = { authorization: `Bearer ${await issueToken({ role: "operator" }, STAFF)}` };
    // INPS's read API has no oracle beside it and no gateway: the oracle's views are unavailable.
    expect((await fetch(`${api!.url}/v1/oracle/lag`, { headers: operator })).status).to.equal(503);

    // ASL's read API reaches ASL's oracle (another process) through the gateway. The commission's
    // ModI integrity key is registered with ASL's API before it starts.
    const commissionId = loadConsortium(join(homes.governance, "consortium.json")).organisations.find((o) => o.slug === "asl-roma-1-cml")!.orgId;
    const integrityKey = await demoIntegrityKey(homes.asl, join(homes.asl, "api", "integrity-keys"), commissionId);
    const jwksUrl = `http://127.0.0.1:${(jwks!.address() as { port: number }).port}/jwks.json`;
    aslApi = await startApi({
      config: loadConfig({
        ...orgEnv(homes.asl), PACHAIN_API_PORT: "0", PACHAIN_API_ISSUER: issuer, PACHAIN_API_JWKS_URL: jwksUrl,
        PACHAIN_ORACLE_GATEWAY_URL: aslGatewayUrl, PACHAIN_ORACLE_GATEWAY_SECRET: gatewaySecret,
      }),
      deployment,
      logger: createLogger("silent"),
    });
    const url = aslApi.url;
    const commission = { authorization: `Bearer ${await issueToken({ role: "commission", org: commissionId }, STAFF)}`, "content-type": "application/json" };
    const call = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${url}${path}`, init);
      return { status: response.status, body: await response.json() as any };
    };
    const sign = async (sourceId: string, signers: string) => (await signCommissionAssessment({
      sourceId, fiscalCode: String(feedEvents.inps.find((e) => e.kind === "application")!.fiscalCode), commissionId,
      category: "CIVIL_INVALIDITY", percentage: 100, flags: ["NEEDS_CONTINUOUS_ASSISTANCE"],
      effectiveDate: isoDaysFromToday(-30), reviewDate: isoDaysFromToday(700), report: `report ${sourceId}`,
    }, {
      members: organisationKeys(join(homes.sources, "keys"), { slug: signers, keys: 3 }),
      domain: factDomain(chainId, deployment.addresses.facts), pseudonymKey, nowSeconds: nowSeconds(),
    })).event;
    const body = ({ sourceId, fiscalCode, record, signatures }: Awaited<ReturnType<typeof sign>>) => JSON.stringify({ sourceId, fiscalCode, record, signatures });
    const post = async (text: string) => call("/v1/assessments", {
      method: "POST", headers: { ...commission, [INTEGRITY_HEADER]: await signIntegrity(text, integrityKey, nowSeconds()) }, body: text,
    });
    const statusOf = (id: string) => call(`/v1/assessments/${id}`, { headers: commission });

    // Signed by the commission's members: queued by the oracle, recorded on chain, found in the index.
    const good = await sign("ASL-RM1-GW-1", "asl-roma-1-cml");
    const submitted = await post(body(good));
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(202);
    expect(submitted.body).to.deep.include({ assessmentId: onChainAssessmentId(good.record.commissionId, good.record.assessmentId), status: "queued" });
    await waitFor(async () => (await statusOf(onChainAssessmentId(good.record.commissionId, good.record.assessmentId))).body.place !== null, 60_000, "the assessment on chain and in the index");
    const recorded = await statusOf(onChainAssessmentId(good.record.commissionId, good.record.assessmentId));
    expect(recorded.body.status).to.equal("recorded");
    expect((await provider.getTransactionReceipt(recorded.body.place.txHash))!.blockNumber).to.equal(recorded.body.place.block);
    const again = await post(body(good));
    expect([again.status, again.body.status]).to.deep.equal([200, "recorded"]);
    const tampered = await post(body({ ...good, record: { ...good.record, percentage: 101 } }));
    expect([tampered.status, tampered.body.field]).to.deep.equal([400, "record.percentage"]);

    // Signed by another commission's members: the oracle accepts it, the chain refuses it, and
    // the commission sees why; the operator finds the dead letter and re-drives it.
    const forged = await sign("ASL-RM1-GW-2", "ats-milano-cml");
    expect((await post(body(forged))).status).to.equal(202);
    await waitFor(async () => (await statusOf(onChainAssessmentId(forged.record.commissionId, forged.record.assessmentId))).body.status === "refused", 60_000, "the forged assessment refused");
    expect((await statusOf(onChainAssessmentId(forged.record.commissionId, forged.record.assessmentId))).body.reason).to.be.a("string").and.not.equal("");
    const list = await call("/v1/commission/assessments", { headers: commission });
    expect(list.body.assessments.map((a: any) => [a.assessmentId, a.status])).to.deep.include.members([
      [onChainAssessmentId(forged.record.commissionId, forged.record.assessmentId), "refused"], [onChainAssessmentId(good.record.commissionId, good.record.assessmentId), "recorded"],
    ]);
    const dead = await call("/v1/oracle/dead-letters", { headers: operator });
    const letter = dead.body.deadLetters.find((d: any) => d.recordKey === `assessment:${onChainAssessmentId(forged.record.commissionId, forged.record.assessmentId)}`);
    expect(letter, JSON.stringify(dead.body)).to.not.equal(undefined);
    const redriven = await call("/v1/oracle/dead-letters/redrive", { method: "POST", headers: { ...operator, "content-type": "application/json" }, body: JSON.stringify({ ids: [letter.id] }) });
    expect(redriven.body).to.deep.equal({ redriven: 1 });

    const lag = await call("/v1/oracle/lag", { headers: operator });
    expect(lag.status, JSON.stringify(lag.body)).to.equal(200);
    expect(lag.body.sources.map((s: any) => [s.source, s.url])).to.deep.equal([["asl", sources.asl]]);
    expect(lag.body.sources[0].newEvents).to.equal(0);
    expect(lag.body.outbox.done).to.be.greaterThan(0);
    expect(lag.body.index.lagBlocks).to.be.a("number");

    // The gateway answers only with the shared secret.
    const stranger = createHttpOracleGateway({ url: aslGatewayUrl, secret: hexlify(randomBytes(32)) });
    const refused = await stranger.lag().catch((e: Error & { code?: string }) => e.code);
    expect(refused).to.equal("UNAVAILABLE");
  });

  it("used only standard JSON-RPC, free gas and the genesis' chain id", async function () {
    const { methods, refused, transactions } = proxy.recording;
    // Ignition probes hardhat_getAutomine once per deployment to learn whether blocks are mined per
    // transaction; Besu answers "Method not found" (as the proxy did) and the deployment went on.
    // Nothing else Hardhat-specific may appear, and nothing relied on it.
    expect([...new Set(refused)]).to.deep.equal(["hardhat_getAutomine"]);
    const forwarded = [...methods.keys()].filter((m) => !refused.includes(m));
    expect(forwarded.filter((m) => !/^(eth|net|web3)_/.test(m)), "only Besu's ETH, NET and WEB3 APIs").to.deep.equal([]);
    expect(forwarded).to.include.members(["eth_sendRawTransaction", "eth_chainId", "eth_getTransactionReceipt", "eth_call"]);
    expect(transactions.length).to.be.greaterThan(50);
    for (const tx of transactions) {
      expect(Number(tx.chainId), `chain id of ${tx.hash}`).to.equal(chainId);
      expect(tx.gasPrice ?? 0n, `gas price of ${tx.hash}`).to.equal(0n);
      expect(tx.maxFeePerGas ?? 0n, `max fee of ${tx.hash}`).to.equal(0n);
      expect(tx.maxPriorityFeePerGas ?? 0n, `priority fee of ${tx.hash}`).to.equal(0n);
    }
    for (const key of Object.values(keys)) expect(await provider.getBalance(key.address), key.address).to.equal(0n);
  });
});
