// A Hyperledger Besu QBFT network for the PA Chain consortium: node keys, genesis, per-node
// configuration, node allowlists and a compose file, as plain data and files. Besu does not run on
// this machine, so everything Besu will check (extraData, enode URLs, allowlists) is computed here
// with ethers from the generated keys and verified by test/deploy/besu.test.ts.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decodeRlp, encodeRlp, getAddress, hexlify, SigningKey, Wallet, zeroPadValue, type RlpStructuredData } from "ethers";
import { ValidationError } from "../errors.ts";
import { composeMonitoringServices, defaultThresholds, MONITORING_VOLUMES, monitoringFiles } from "./monitoring.ts";
import { isDevAccount, type ConsortiumFile } from "./deploy.ts";

/** ISO 3166 numeric code of Italy (380) followed by 001: not the id of any public chain. */
export const DEFAULT_CHAIN_ID = 380_001;
/**
 * Block gas limit of the genesis (and of the Hardhat node that stands in for Besu in tests): a
 * 4-validator QBFT network sustains 100 Mgas/s, i.e. 200 Mgas every 2 s block. The benchmark's
 * block-space arithmetic (scripts/bench/results.ts) uses this same number.
 */
export const BLOCK_GAS_LIMIT = 200_000_000;
/** QBFT timing defaults: a block every 2 s, a round change after 4 s without one. */
export const DEFAULT_BLOCK_PERIOD_SECONDS = 2;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 4;
/** Validator votes are reset every epoch (blocks). */
export const DEFAULT_EPOCH_LENGTH = 30_000;
/** Docker bridge subnet of the compose file; node i gets .(10 + i). */
export const DEFAULT_SUBNET = "172.16.239.0/24";
/** Pinned: a network upgrades Besu on purpose, node by node, never by pulling "latest". */
export const DEFAULT_IMAGE = "hyperledger/besu:24.12.2";
/** The fewest validators that tolerate one faulty node: QBFT needs n ≥ 3f + 1. */
export const MIN_VALIDATORS = 4;
export const P2P_PORT = 30303;
export const RPC_PORT = 8545;
export const METRICS_PORT = 9545;
/**
 * The most transactions one relayer account keeps in flight: the largest pipeline the oracle
 * accepts (PACHAIN_RELAYER_PIPELINE_DEPTH, src/config.ts). The pool is sized from it.
 */
export const RELAYER_MAX_IN_FLIGHT = 256;
/**
 * The transaction pool the relayers need (docs/operations.md, "Transaction pool"). Besu's layered
 * pool (its default since 23.10, set explicitly so that an upgrade cannot change it) keeps at
 * most `tx-pool-max-future-by-sender` sequential transactions per sender (default 200) and refuses
 * the next with "Transaction nonce is too distant from current sender nonce". A relayer sends
 * its whole window at once, and after a lost transaction resends it while the rest of the window
 * waits behind the gap: twice the largest window keeps both in the pool. The layers' memory
 * (`tx-pool-layer-max-capacity`, bytes) holds every relayer's window of the largest batches.
 */
export const TX_POOL_MAX_FUTURE_BY_SENDER = 2 * RELAYER_MAX_IN_FLIGHT;
/** The largest relayer transaction's size in bytes: a 40-record batch with its signatures, ~25 kB. */
const MAX_RELAYER_TX_BYTES = 32 * 1024;
/** Relayer accounts sending at once: civil, health and INPS, and one more organisation's. */
const MAX_RELAYER_ACCOUNTS = 4;
export const TX_POOL_LAYER_MAX_CAPACITY = TX_POOL_MAX_FUTURE_BY_SENDER * MAX_RELAYER_ACCOUNTS * MAX_RELAYER_TX_BYTES;

/** The transaction-pool entries of a node's config.toml (`prioritySenders`: the relayer accounts, when known). */
export function txPoolConfig(prioritySenders: readonly string[] = []): Record<string, string | number | readonly string[]> {
  return {
    "tx-pool": "layered",
    "tx-pool-max-future-by-sender": TX_POOL_MAX_FUTURE_BY_SENDER,
    "tx-pool-layer-max-capacity": TX_POOL_LAYER_MAX_CAPACITY,
    // Every relayer's whole window is executable at once (a 200 Mgas block holds a few hundred batches).
    "tx-pool-max-prioritized": TX_POOL_MAX_FUTURE_BY_SENDER * MAX_RELAYER_ACCOUNTS,
    // The allowlisted senders' (relayers', governance's) transactions are never the ones evicted when the pool is full.
    ...(prioritySenders.length > 0 ? { "tx-pool-priority-senders": prioritySenders } : {}),
  };
}

/** Where the compose file mounts each node's files inside its container. */
const CONFIG_DIR = "/config";
const DATA_DIR = "/opt/besu/data";
/** QBFT's fixed mixHash ("ctical byzantine fault tolerance" in ASCII), which marks a BFT block. */
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";

export interface BesuNode {
  /** Short name: the organisation that runs the node (service name, folder name). */
  name: string;
  /** The node's private address: P2P, JSON-RPC and metrics bind to it. */
  host: string;
  /** 0x-prefixed secp256k1 private key: Besu's node key. */
  privateKey: string;
  /** 128 hex characters, no prefix: the uncompressed public key without its 0x04 byte. */
  publicKey: string;
  /** The validator address: keccak256 of the public key, last 20 bytes. */
  address: string;
  enode: string;
}

export interface NetworkOptions {
  validators: number;
  chainId?: number;
  /** One per validator; default validator-1…N. */
  names?: readonly string[];
  /** One private IPv4 address per validator; default from the subnet. */
  hosts?: readonly string[];
  subnet?: string;
  blockPeriodSeconds?: number;
  requestTimeoutSeconds?: number;
  epochLength?: number;
  image?: string;
  /** Node keys to use instead of fresh random ones (tests, or re-generating config for existing nodes). */
  privateKeys?: readonly string[];
  /**
   * The only accounts that may send transactions (Besu's local account allowlist): the
   * organisations' relayer accounts and the governance accounts. With free gas, any other account
   * that reached a node's RPC could fill blocks. Undefined: no account permissioning (tests only;
   * `npm run besu:generate` requires the list).
   */
  accounts?: readonly string[];
}

export interface BesuNetwork {
  chainId: number;
  nodes: BesuNode[];
  genesis: Record<string, unknown>;
  /** File name (relative to the output folder) → content. */
  files: Map<string, string>;
}

/** A network generator option out of range; `field` names the command-line option. */
export class BesuOptionError extends ValidationError {
  constructor(message: string) {
    super(/^(--[\w-]+)/.exec(message)?.[1] ?? "options", message);
  }
}

/** The node's enode public key: uncompressed secp256k1 public key without the 0x04 prefix. */
export function enodePublicKey(privateKey: string): string {
  return new SigningKey(privateKey).publicKey.slice(4);
}

export function enodeUrl(publicKey: string, host: string, port = P2P_PORT): string {
  return `enode://${publicKey}@${host}:${port}`;
}

/**
 * QBFT genesis extraData: RLP([32-byte vanity, [validator addresses], [] (no vote), round 0 (empty
 * bytes), [] (no committed seals)]). Besu reads the initial validator set from it.
 */
export function qbftExtraData(validators: readonly string[]): string {
  return encodeRlp([zeroPadValue("0x", 32), validators.map((v) => getAddress(v).toLowerCase()), [], "0x", []]);
}

export function decodeQbftExtraData(extraData: string): { vanity: string; validators: string[]; votes: RlpStructuredData; round: string; seals: RlpStructuredData } {
  const decoded = decodeRlp(extraData);
  if (!Array.isArray(decoded) || decoded.length !== 5) throw new Error("QBFT extraData must be an RLP list of five items");
  const [vanity, validators, votes, round, seals] = decoded;
  if (typeof vanity !== "string" || !Array.isArray(validators) || typeof round !== "string") throw new Error("malformed QBFT extraData");
  return { vanity, validators: validators.map((v) => getAddress(v as string)), votes, round, seals };
}

function parseSubnet(subnet: string): { base: number[]; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(subnet);
  const base = match?.slice(1, 5).map(Number);
  const prefix = Number(match?.[5]);
  if (!base || base.some((b) => b > 255) || prefix < 8 || prefix > 28) {
    throw new BesuOptionError(`--subnet "${subnet}" is not an IPv4 subnet like 172.16.239.0/24`);
  }
  return { base, prefix };
}

function ipToNumber(ip: string): number {
  return ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function inSubnet(ip: string, subnet: string): boolean {
  const { base, prefix } = parseSubnet(subnet);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((ipToNumber(ip) & mask) >>> 0) === ((ipToNumber(base.join(".")) & mask) >>> 0);
}

/** RFC 1918 private IPv4: the nodes' RPC must never bind to a public address. */
function isPrivateIPv4(ip: string): boolean {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const [a, b] = parts;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) throw new BesuOptionError(`${name} must be a whole number ≥ ${min}, not ${value}`);
  return value;
}

export function generateNetwork(options: NetworkOptions): BesuNetwork {
  const count = positiveInteger(options.validators, "--validators", MIN_VALIDATORS);
  if (count > 100) throw new BesuOptionError(`--validators ${count}: QBFT slows down past a few dozen validators; at most 100`);
  const chainId = positiveInteger(options.chainId ?? DEFAULT_CHAIN_ID, "--chain-id");
  if (chainId === 1 || chainId === 31337) throw new BesuOptionError(`--chain-id ${chainId} belongs to another network; pick the consortium's own`);
  const blockPeriod = positiveInteger(options.blockPeriodSeconds ?? DEFAULT_BLOCK_PERIOD_SECONDS, "--block-period");
  const requestTimeout = positiveInteger(options.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS, "--request-timeout");
  if (requestTimeout <= blockPeriod) {
    throw new BesuOptionError(`--request-timeout (${requestTimeout} s) must exceed --block-period (${blockPeriod} s), or every round times out`);
  }
  const epochLength = positiveInteger(options.epochLength ?? DEFAULT_EPOCH_LENGTH, "--epoch-length");
  const subnet = options.subnet ?? DEFAULT_SUBNET;
  const { base, prefix } = parseSubnet(subnet);

  const names = options.names ? [...options.names] : Array.from({ length: count }, (_, i) => `validator-${i + 1}`);
  if (names.length !== count) throw new BesuOptionError(`--names lists ${names.length} names for ${count} validators`);
  for (const name of names) {
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) throw new BesuOptionError(`--names: "${name}" must be lower-case letters, digits and dashes`);
  }
  if (new Set(names).size !== names.length) throw new BesuOptionError("--names: every node needs its own name");

  const hosts = options.hosts
    ? [...options.hosts]
    : names.map((_, i) => {
        if (prefix > 24 && i + 10 >= 2 ** (32 - prefix)) throw new BesuOptionError(`--subnet ${subnet} is too small for ${count} nodes`);
        const host = ipToNumber(base.join(".")) + 10 + i + 1;
        return [24, 16, 8, 0].map((shift) => (host >>> shift) & 255).join(".");
      });
  if (hosts.length !== count) throw new BesuOptionError(`--hosts lists ${hosts.length} addresses for ${count} validators`);
  for (const host of hosts) {
    if (!isPrivateIPv4(host)) throw new BesuOptionError(`--hosts: "${host}" is not a private IPv4 address (10/8, 172.16/12, 192.168/16)`);
  }
  if (new Set(hosts).size !== hosts.length) throw new BesuOptionError("--hosts: every node needs its own address");

  const keys = options.privateKeys ? [...options.privateKeys] : names.map(() => Wallet.createRandom().privateKey);
  if (keys.length !== count) throw new BesuOptionError(`${keys.length} node keys for ${count} validators`);
  const nodes: BesuNode[] = names.map((name, i) => {
    const publicKey = enodePublicKey(keys[i]).toLowerCase();
    return {
      name,
      host: hosts[i],
      privateKey: hexlify(keys[i]),
      publicKey,
      address: new Wallet(keys[i]).address,
      enode: enodeUrl(publicKey, hosts[i]),
    };
  });

  const accounts = options.accounts === undefined ? undefined : allowlistedAccounts(options.accounts);

  const genesis = {
    config: {
      chainId,
      // Every fork up to Cancun from the first block: the contracts are compiled for evmVersion
      // cancun (PUSH0, MCOPY, transient storage), as on the Hardhat node.
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      // EIP-1559 stays on but its base fee is 0 for ever: with min-gas-price=0, gas is free.
      zeroBaseFee: true,
      // contractSizeLimit stays Besu's default 24576 bytes, the same as the Hardhat node's, so a
      // deployment that works in tests works here; every PA Chain contract is below it.
      qbft: { blockperiodseconds: blockPeriod, epochlength: epochLength, requesttimeoutseconds: requestTimeout },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: `0x${BLOCK_GAS_LIMIT.toString(16)}`,
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    // No balances: with free gas no account needs ether, and no contract moves money.
    alloc: {},
    extraData: qbftExtraData(nodes.map((n) => n.address)),
  };

  const files = new Map<string, string>();
  const enodes = nodes.map((n) => n.enode);
  files.set("genesis.json", `${JSON.stringify(genesis, null, 2)}\n`);
  files.set("static-nodes.json", `${JSON.stringify(enodes, null, 2)}\n`);
  files.set(
    "permissions_config.toml",
    [
      `# Local node allowlist: a node accepts peer connections only from these enodes.\n${toml({ "nodes-allowlist": enodes })}`,
      ...(accounts === undefined ? [] : [
        `# Local account allowlist: only these accounts (relayers, governance) may send transactions (docs/operations.md).\n${toml({ "accounts-allowlist": accounts })}`,
      ]),
    ].join(""),
  );
  for (const node of nodes) {
    files.set(`nodes/${node.name}/key`, `${node.privateKey}\n`);
    files.set(`nodes/${node.name}/key.pub`, `0x${node.publicKey}\n`);
    files.set(`nodes/${node.name}/address`, `${node.address}\n`);
    files.set(`nodes/${node.name}/config.toml`, nodeConfig(node, nodes, accounts));
  }
  const composable = hosts.every((h) => inSubnet(h, subnet));
  if (composable) files.set("docker-compose.yml", composeFile(nodes, subnet, options.image ?? DEFAULT_IMAGE));
  // Prometheus, alert rules and a Grafana dashboard beside the network (src/production/monitoring.ts).
  const monitoring = monitoringFiles(
    { besu: nodes.map((n) => ({ name: n.name, target: `${n.host}:${METRICS_PORT}` })), api: "127.0.0.1:3000", oracle: "127.0.0.1:9464" },
    defaultThresholds(blockPeriod),
  );
  for (const [name, content] of monitoring) files.set(name, content);
  files.set(
    "network.json",
    `${JSON.stringify(
      {
        chainId,
        blockPeriodSeconds: blockPeriod,
        requestTimeoutSeconds: requestTimeout,
        epochLength,
        nodes: nodes.map(({ name, host, address, enode }) => ({
          name, host, validator: address, enode,
          rpcUrl: `http://${host}:${RPC_PORT}`, metricsUrl: `http://${host}:${METRICS_PORT}/metrics`,
        })),
      },
      null,
      2,
    )}\n`,
  );
  return { chainId, nodes, genesis, files };
}

/** Per-node Besu configuration (TOML, `besu --config-file`). */
/**
 * The accounts of a consortium file that send transactions: every oracle's (relayer) account. The
 * governance accounts (the deploy key's address, GOVERNANCE/REGISTRAR/GUARDIAN holders) are added
 * by the caller: the file does not name them.
 */
export function consortiumAccounts(spec: Pick<ConsortiumFile, "oracles">): string[] {
  return spec.oracles.map((o) => o.account);
}

/** Checksummed, de-duplicated, sorted; never one of Hardhat's public development accounts. */
function allowlistedAccounts(accounts: readonly string[]): string[] {
  if (accounts.length === 0) throw new BesuOptionError("the account allowlist is empty: give the governance and relayer accounts");
  const checked = accounts.map((a) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(a)) throw new BesuOptionError(`account "${a}" is not a 0x-prefixed 20-byte address`);
    if (isDevAccount(a)) throw new BesuOptionError(`account ${a} is one of Hardhat's public development accounts: its key is public`);
    return getAddress(a);
  });
  return [...new Set(checked)].sort();
}

function nodeConfig(node: BesuNode, all: readonly BesuNode[], accounts: readonly string[] | undefined): string {
  const accountPermissioning = accounts !== undefined;
  const others = all.filter((n) => n !== node).map((n) => n.enode);
  return `# Besu configuration of ${node.name} (${node.address}), QBFT validator of the PA Chain consortium.\n${toml({
    "genesis-file": `${CONFIG_DIR}/genesis.json`,
    "data-path": DATA_DIR,
    "node-private-key-file": `${CONFIG_DIR}/key`,
    // Free gas: the genesis sets zeroBaseFee; the node must also accept a 0 gas price.
    "min-gas-price": 0,
    "sync-mode": "FULL",
    "p2p-host": node.host,
    "p2p-port": P2P_PORT,
    bootnodes: others,
    "static-nodes-file": `${CONFIG_DIR}/static-nodes.json`,
    // Only the consortium's nodes may connect (local allowlist; Besu removed on-chain permissioning).
    "permissions-nodes-config-file-enabled": true,
    "permissions-nodes-config-file": `${CONFIG_DIR}/permissions_config.toml`,
    // Only the consortium's relayer and governance accounts may send transactions (same file).
    ...(accountPermissioning ? {
      "permissions-accounts-config-file-enabled": true,
      "permissions-accounts-config-file": `${CONFIG_DIR}/permissions_config.toml`,
    } : {}),
    // The relayers' pipelines: see txPoolConfig.
    ...txPoolConfig(accounts),
    // JSON-RPC on the node's private address only: the organisation's oracle, indexer and API.
    "rpc-http-enabled": true,
    "rpc-http-host": node.host,
    "rpc-http-port": RPC_PORT,
    "rpc-http-api": ["ETH", "NET", "WEB3", "QBFT", "TXPOOL"],
    "host-allowlist": ["localhost", "127.0.0.1", node.host],
    // Prometheus scrapes the node's own metrics on its private address.
    "metrics-enabled": true,
    "metrics-host": node.host,
    "metrics-port": METRICS_PORT,
    "logging": "INFO",
  })}`;
}

function composeFile(nodes: readonly BesuNode[], subnet: string, image: string): string {
  const lines = [
    "# PA Chain consortium on Hyperledger Besu (QBFT), for operators with Docker: `docker compose up -d`.",
    "# Each service is one organisation's validator; JSON-RPC and metrics are published on the",
    "# Docker host's loopback only (node i: 127.0.0.1:8545+i-1 and 127.0.0.1:9545+i-1).",
    "services:",
  ];
  nodes.forEach((node, i) => {
    lines.push(
      `  ${node.name}:`,
      `    image: ${JSON.stringify(image)}`,
      `    command: ["--config-file=${CONFIG_DIR}/config.toml"]`,
      "    restart: unless-stopped",
      "    volumes:",
      `      - ./genesis.json:${CONFIG_DIR}/genesis.json:ro`,
      `      - ./static-nodes.json:${CONFIG_DIR}/static-nodes.json:ro`,
      `      - ./permissions_config.toml:${CONFIG_DIR}/permissions_config.toml`,
      `      - ./nodes/${node.name}/key:${CONFIG_DIR}/key:ro`,
      `      - ./nodes/${node.name}/config.toml:${CONFIG_DIR}/config.toml:ro`,
      `      - ${node.name}-data:${DATA_DIR}`,
      "    ports:",
      `      - "127.0.0.1:${RPC_PORT + i}:${RPC_PORT}"`,
      `      - "127.0.0.1:${METRICS_PORT + i}:${METRICS_PORT}"`,
      "    networks:",
      "      pachain:",
      `        ipv4_address: ${node.host}`,
    );
  });
  lines.push(
    ...composeMonitoringServices(),
    "networks:",
    "  pachain:",
    "    driver: bridge",
    "    ipam:",
    "      config:",
    `        - subnet: ${subnet}`,
    "volumes:",
    ...nodes.map((node) => `  ${node.name}-data: {}`),
    ...MONITORING_VOLUMES,
  );
  return `${lines.join("\n")}\n`;
}

/** Flat TOML (key = string | number | boolean | string[]); JSON strings are valid TOML basic strings. */
export function toml(entries: Record<string, string | number | boolean | readonly string[]>): string {
  return Object.entries(entries)
    .map(([key, value]) => {
      if (Array.isArray(value)) return `${key}=[${value.map((v) => JSON.stringify(v)).join(",")}]`;
      return `${key}=${typeof value === "string" ? JSON.stringify(value) : String(value)}`;
    })
    .join("\n")
    .concat("\n");
}

/** Writes the network into `dir`, which must not exist or be empty: node keys are never overwritten. */
export function writeNetwork(network: BesuNetwork, dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new BesuOptionError(`--out ${dir} is not empty: refusing to overwrite node keys`);
  }
  for (const [name, content] of network.files) {
    const path = join(dir, name);
    mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
    // Node keys are secrets of their organisation: readable by the owner only.
    writeFileSync(path, content, { mode: name.endsWith("/key") ? 0o600 : 0o644 });
  }
}
