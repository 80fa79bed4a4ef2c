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
import { startApi, type RunningApi } from "../../src/api/server.ts";
import { attachContracts, type PAChainContracts } from "../../src/chain/contracts.ts";
import type { Deployment } from "../../src/chain/deploy.ts";
import { DEV_KEYS, loadConfig } from "../../src/config.ts";
import { DEMO_ORGANISATIONS, organisationKeys } from "../../src/demo/consortium.ts";
import { pseudonymise } from "../../src/domain/pseudonym.ts";
import { createLogger } from "../../src/logger.ts";
import { stopProcess } from "../../src/node/processes.ts";
import { generateNetwork, writeNetwork } from "../../src/production/besu.ts";
import { expectedFacts, readChainState } from "../oracle/chain-state.ts";
import { freePort, readFeed, ROOT, startProcess } from "../oracle/harness.ts";
import { currentPeriod, today as todayNow } from "../support/clock.ts";
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
  let jwks: Server | undefined;
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
    const file = join(dir, "consortium.json");
    writeFileSync(file, JSON.stringify({
      organisations,
      oracles: [
        { organisation: "anpr", account: keys.civil.address, roles: ["CIVIL_RELAYER"] },
        { organisation: "asl-roma-1", account: keys.health.address, roles: ["HEALTH_RELAYER"] },
        { organisation: "inps", account: keys.inps.address, roles: ["HEALTH_RELAYER", "INCOME_RELAYER", "INPS_DECIDER", "INPS_PAYER"] },
      ],
    }));
    const env = orgEnv(homes.governance, { PACHAIN_DEPLOYER_KEY: keys.deployer.privateKey });
    expect(await run(["scripts/deploy-consortium.ts", file], env)).to.match(/consortium applied: \d+ transactions; 14 organisations/);
    expect(await run(["scripts/deploy-consortium.ts", file], env)).to.match(/consortium applied: 0 transactions; 14 organisations/);
    expect(Number(await contracts.organisations.organisationCount())).to.equal(14);
    // The deployment and consortium records go to every organisation (and to the source systems).
    for (const home of [homes.sources, homes.anpr, homes.asl, homes.inps]) {
      copyFileSync(join(homes.governance, "deployment.json"), join(home, "deployment.json"));
    }
    copyFileSync(join(homes.governance, "consortium.json"), join(homes.sources, "consortium.json"));
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
    children.push(await oracle(homes.asl, "asl-roma-1", "asl", "PACHAIN_HEALTH_RELAYER_KEY", keys.health.privateKey));
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
    const issuer = "https://login.example.gov.it";
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
    const token = await new SignJWT({ role: "citizen" })
      .setProtectedHeader({ alg: "ES256", kid: "test" })
      .setIssuer(issuer).setAudience("pa-chain-api").setSubject(person!.fiscalCode).setIssuedAt().setExpirationTime("5m")
      .sign(privateKey);
    const response = await fetch(`${api.url}/v1/me/entitlements`, { headers: { authorization: `Bearer ${token}` } });
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).to.equal(200);
    expect(findObjects(body, (o) => o.benefit === person!.benefit && o.eligible === true)).to.have.length.greaterThan(0);
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
