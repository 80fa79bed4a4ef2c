import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { createECDH } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getAddress, keccak256 } from "ethers";
import {
  BLOCK_GAS_LIMIT, decodeQbftExtraData, generateNetwork, qbftExtraData, RELAYER_MAX_IN_FLIGHT, writeNetwork, type BesuNetwork,
} from "../../src/production/besu.ts";
import { parseConsortiumFile } from "../../src/production/deploy.ts";
import { ROOT } from "../oracle/harness.ts";

/** A governance account of the tests (not a development account). */
const GOVERNANCE = "0xB0000000000000000000000000000000000000B1";

/** key=value lines of the generated TOML; the values are JSON-compatible by construction. */
function parseToml(text: string): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.indexOf("=");
    entries[line.slice(0, at)] = JSON.parse(line.slice(at + 1));
  }
  return entries;
}

/** Public key and address of a node key, computed with node:crypto, not with the generator's ethers. */
function independently(privateKey: string): { publicKey: string; address: string } {
  const ecdh = createECDH("secp256k1");
  ecdh.setPrivateKey(Buffer.from(privateKey.slice(2), "hex"));
  const uncompressed = ecdh.getPublicKey("hex", "uncompressed");
  expect(uncompressed.slice(0, 2)).to.equal("04");
  const publicKey = uncompressed.slice(2);
  return { publicKey, address: getAddress(`0x${keccak256(`0x${publicKey}`).slice(-40)}`) };
}

describe("Besu QBFT network generator", function () {
  const NAMES = ["inps", "asl-roma-1", "comune-roma", "comune-milano", "comune-napoli"];
  let network: BesuNetwork;

  before(function () {
    network = generateNetwork({ validators: 5, chainId: 380_123, names: NAMES });
  });

  it("encodes QBFT extraData exactly as Besu's documented genesis does", function () {
    // The four validators and extraData of the QBFT genesis example in Besu's documentation.
    const validators = [
      "0x64a702e6263b7297a96638cac6ae65e6541f4169",
      "0x3923390ad55e90c237593b3b0e401f3b08a03185",
      "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
      "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
    ];
    expect(qbftExtraData(validators)).to.equal(
      "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0",
    );
  });

  it("derives each node's enode public key and validator address from its node key", function () {
    expect(network.nodes.map((n) => n.name)).to.deep.equal(NAMES);
    expect(new Set(network.nodes.map((n) => n.privateKey)).size, "a fresh key per node").to.equal(5);
    for (const node of network.nodes) {
      const expected = independently(node.privateKey);
      expect(node.publicKey).to.equal(expected.publicKey);
      expect(node.address).to.equal(expected.address);
      expect(node.enode).to.equal(`enode://${expected.publicKey}@${node.host}:30303`);
    }
  });

  it("writes a QBFT genesis whose extraData decodes back to the validators, with free gas", function () {
    const genesis = JSON.parse(network.files.get("genesis.json")!) as Record<string, any>;
    const decoded = decodeQbftExtraData(genesis.extraData);
    expect(decoded.validators).to.deep.equal(network.nodes.map((n) => n.address));
    expect(decoded.vanity).to.equal(`0x${"00".repeat(32)}`);
    expect(decoded.votes).to.deep.equal([]);
    expect(decoded.round).to.equal("0x");
    expect(decoded.seals).to.deep.equal([]);
    expect(genesis.config).to.deep.include({ chainId: 380_123, londonBlock: 0, shanghaiTime: 0, cancunTime: 0, zeroBaseFee: true });
    expect(genesis.config.qbft).to.deep.equal({ blockperiodseconds: 2, epochlength: 30_000, requesttimeoutseconds: 4 });
    expect(genesis.config).to.not.have.property("ibft2");
    expect(Number(genesis.gasLimit)).to.equal(BLOCK_GAS_LIMIT);
    expect(genesis.mixHash).to.equal("0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
    expect(genesis.alloc).to.deep.equal({});
  });

  it("configures each node for free gas, RPC and metrics on its private address, and the allowlist", function () {
    const enodes = network.nodes.map((n) => n.enode);
    expect(JSON.parse(network.files.get("static-nodes.json")!)).to.deep.equal(enodes);
    expect(parseToml(network.files.get("permissions_config.toml")!)).to.deep.equal({ "nodes-allowlist": enodes });
    for (const node of network.nodes) {
      const config = parseToml(network.files.get(`nodes/${node.name}/config.toml`)!);
      expect(config).to.deep.include({
        "min-gas-price": 0,
        "rpc-http-enabled": true,
        "rpc-http-host": node.host,
        "p2p-host": node.host,
        "metrics-enabled": true,
        "metrics-host": node.host,
        "permissions-nodes-config-file-enabled": true,
        "permissions-nodes-config-file": "/config/permissions_config.toml",
        "genesis-file": "/config/genesis.json",
      });
      expect(config["host-allowlist"]).to.include(node.host).and.not.include("*");
      expect(config.bootnodes).to.deep.equal(enodes.filter((e) => e !== node.enode));
      expect(config["rpc-http-api"]).to.include("QBFT").and.not.include("ADMIN");
      // The relayers' pipelines (docs/operations.md, Transaction pool): a whole window twice over per sender.
      expect(config).to.deep.include({ "tx-pool": "layered", "tx-pool-max-future-by-sender": 2 * RELAYER_MAX_IN_FLIGHT });
      expect(config["tx-pool-layer-max-capacity"]).to.be.a("number").and.at.least(2 * RELAYER_MAX_IN_FLIGHT * 25_000);
      expect(network.files.get(`nodes/${node.name}/key`)).to.equal(`${node.privateKey}\n`);
    }
  });

  it("writes a compose file with one Besu service per node at its address", function () {
    const compose = network.files.get("docker-compose.yml")!;
    for (const node of network.nodes) {
      expect(compose).to.include(`  ${node.name}:\n    image: "hyperledger/besu:24.12.2"`);
      expect(compose).to.include(`./nodes/${node.name}/key:/config/key:ro`);
      expect(compose).to.include(`ipv4_address: ${node.host}`);
    }
    expect(compose).to.include("- subnet: 172.16.239.0/24");
    expect(compose).to.include('"127.0.0.1:8549:8545"');
  });

  it("refuses what Besu or the consortium would not work with, naming the option", function () {
    expect(() => generateNetwork({ validators: 3 })).to.throw(/--validators must be a whole number ≥ 4, not 3/);
    expect(() => generateNetwork({ validators: 4, hosts: ["10.0.0.1", "10.0.0.2", "8.8.8.8", "10.0.0.4"] })).to.throw(/--hosts: "8.8.8.8" is not a private IPv4/);
    expect(() => generateNetwork({ validators: 4, names: ["a", "b", "a", "c"] })).to.throw(/--names: every node needs its own name/);
    expect(() => generateNetwork({ validators: 4, blockPeriodSeconds: 5, requestTimeoutSeconds: 5 })).to.throw(/--request-timeout \(5 s\) must exceed --block-period/);
    expect(() => generateNetwork({ validators: 4, chainId: 31337 })).to.throw(/--chain-id 31337 belongs to another network/);
    // Nodes on the organisations' own machines: no compose file, their own addresses everywhere.
    const spread = generateNetwork({ validators: 4, hosts: ["10.1.0.5", "10.2.0.5", "192.168.7.5", "172.20.0.5"] });
    expect(spread.files.has("docker-compose.yml")).to.equal(false);
    expect(spread.nodes.map((n) => n.enode.split("@")[1])).to.deep.equal(["10.1.0.5:30303", "10.2.0.5:30303", "192.168.7.5:30303", "172.20.0.5:30303"]);
  });

  it("writes the files with node keys readable by their owner only, and never over an existing network", function () {
    const dir = mkdtempSync(join(tmpdir(), "pachain-besu-"));
    try {
      writeNetwork(network, dir);
      expect(statSync(join(dir, "nodes/inps/key")).mode & 0o777).to.equal(0o600);
      expect(readFileSync(join(dir, "genesis.json"), "utf8")).to.equal(network.files.get("genesis.json"));
      expect(() => writeNetwork(generateNetwork({ validators: 4 }), dir)).to.throw(/is not empty: refusing to overwrite node keys/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("npm run besu:generate writes a network and refuses a bad option with exit 2", function () {
    const dir = mkdtempSync(join(tmpdir(), "pachain-besu-cli-"));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", "scripts/besu-generate.ts", ...args], { cwd: ROOT, encoding: "utf8" });
    try {
      const ok = run("--validators", "4", "--chain-id", "380999", "--out", join(dir, "net"), "--governance", GOVERNANCE, "--consortium", join(ROOT, "deploy/besu/consortium.example.json"));
      expect(ok.status, ok.stderr).to.equal(0);
      // The allowlist: the governance account and the example's three relayer accounts.
      expect(readFileSync(join(dir, "net", "permissions_config.toml"), "utf8")).to.match(/^accounts-allowlist=\[("0x[0-9a-fA-F]{40}",?){4}\]$/m);
      const noGovernance = run("--validators", "4", "--out", join(dir, "ungoverned"));
      expect(noGovernance.status).to.equal(2);
      expect(noGovernance.stderr).to.match(/required option '--governance/);
      const genesis = JSON.parse(readFileSync(join(dir, "net", "genesis.json"), "utf8"));
      expect(genesis.config.chainId).to.equal(380_999);
      expect(decodeQbftExtraData(genesis.extraData).validators).to.have.length(4);
      const bad = run("--validators", "four", "--out", join(dir, "other"), "--governance", GOVERNANCE);
      expect(bad.status).to.equal(2);
      expect(bad.stderr).to.include('--validators "four" is not a whole number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("allows only the consortium's relayer and governance accounts to send transactions, never a development account", function () {
    const relayers = ["0xa000000000000000000000000000000000000001", "0xa000000000000000000000000000000000000002"];
    const network = generateNetwork({ validators: 4, accounts: [GOVERNANCE.toLowerCase(), ...relayers, relayers[0]] });
    const permissions = network.files.get("permissions_config.toml")!;
    const allowlist = JSON.parse(/^accounts-allowlist=(.*)$/m.exec(permissions)![1]) as string[];
    expect(allowlist).to.deep.equal([GOVERNANCE, ...relayers].map((a) => getAddress(a)).sort());
    expect(permissions).to.match(/^nodes-allowlist=/m);
    for (const node of network.nodes) {
      const config = network.files.get(`nodes/${node.name}/config.toml`)!;
      expect(config).to.include("permissions-accounts-config-file-enabled=true");
      expect(config).to.include('permissions-accounts-config-file="/config/permissions_config.toml"');
      // The allowlisted senders' transactions are the last a full pool evicts.
      expect(JSON.parse(/^tx-pool-priority-senders=(.*)$/m.exec(config)![1])).to.deep.equal(allowlist);
    }
    // Hardhat's account #0 (and every other default account) has a public key: refused.
    expect(() => generateNetwork({ validators: 4, accounts: ["0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"] })).to.throw(/public development accounts/);
    expect(() => generateNetwork({ validators: 4, accounts: ["0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199"] })).to.throw(/public development accounts/);
    expect(() => generateNetwork({ validators: 4, accounts: [] })).to.throw(/allowlist is empty/);
  });

  it("the example consortium file is valid, and a malformed one is refused with the entry named", function () {
    const example = parseConsortiumFile(join(ROOT, "deploy/besu/consortium.example.json"));
    expect(example.organisations.map((o) => o.slug)).to.include.members(["inps", "asl-roma-1", "comune-roma"]);
    const dir = mkdtempSync(join(tmpdir(), "pachain-consortium-"));
    try {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "c.json");
      writeFileSync(file, JSON.stringify({ organisations: [{ slug: "cml", kind: "MEDICAL_COMMISSION", code: 0, name: "orphan" }] }));
      expect(() => parseConsortiumFile(file)).to.throw(/organisations\.0\.parent: a medical commission needs the slug of an ASL or INPS/);
      writeFileSync(file, JSON.stringify({ organisations: [], oracles: [{ organisation: "x", account: "0x1000000000000000000000000000000000000001", roles: ["REGISTRAR"] }] }));
      expect(() => parseConsortiumFile(file)).to.throw(/oracles\.0\.roles: an oracle account never holds a governance role/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
