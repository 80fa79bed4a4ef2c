// npm run besu:generate -- --validators N --out DIR [options]
// Generates a Hyperledger Besu QBFT network for the consortium (src/production/besu.ts):
// genesis.json, node keys, per-node config.toml, allowlists, static nodes and docker-compose.yml.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ValidationError } from "../src/errors.ts";
import { parseConsortiumFile } from "../src/production/deploy.ts";
import { consortiumAccounts, BesuOptionError, DEFAULT_BLOCK_PERIOD_SECONDS, DEFAULT_CHAIN_ID, DEFAULT_EPOCH_LENGTH, DEFAULT_IMAGE, DEFAULT_REQUEST_TIMEOUT_SECONDS, DEFAULT_SUBNET, generateNetwork, writeNetwork } from "../src/production/besu.ts";

const USAGE = `usage: npm run besu:generate -- --validators N --out DIR --governance ADDR[,ADDR…] [--consortium FILE] [options]
  --validators N          QBFT validators, one per organisation (at least 4)
  --out DIR               output folder (must not exist or be empty)
  --governance a,b,…      governance accounts (the deploy key's address, …): allowed to send transactions
  --consortium FILE       consortium file (deploy:consortium): its oracles' relayer accounts are allowed too
  --accounts a,b,…        further accounts allowed to send transactions
  --names a,b,…           node names, e.g. inps,asl-roma-1,comune-roma,comune-milano (default validator-1…N)
  --hosts ip,ip,…         each node's private address (default: ${DEFAULT_SUBNET} from .11)
  --subnet CIDR           Docker subnet of the compose file (default ${DEFAULT_SUBNET})
  --chain-id ID           chain id (default ${DEFAULT_CHAIN_ID})
  --block-period S        seconds between blocks (default ${DEFAULT_BLOCK_PERIOD_SECONDS})
  --request-timeout S     QBFT round timeout in seconds (default ${DEFAULT_REQUEST_TIMEOUT_SECONDS})
  --epoch-length BLOCKS   votes reset every epoch (default ${DEFAULT_EPOCH_LENGTH})
  --image IMAGE           Besu image of the compose file (default ${DEFAULT_IMAGE}; pin a tested tag)`;

function fail(message: string): never {
  process.stderr.write(`besu:generate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${name} "${value}" is not a whole number`);
  return Number(value);
}

const list = (value: string | undefined) => value?.split(",").map((s) => s.trim()).filter(Boolean);

try {
  const { values } = parseArgs({
    options: {
      validators: { type: "string" }, out: { type: "string" }, names: { type: "string" }, hosts: { type: "string" },
      subnet: { type: "string" }, "chain-id": { type: "string" }, "block-period": { type: "string" },
      "request-timeout": { type: "string" }, "epoch-length": { type: "string" }, image: { type: "string" },
      governance: { type: "string" }, consortium: { type: "string" }, accounts: { type: "string" },
    },
    strict: true,
  });
  if (!values.validators) fail("--validators is required");
  if (!values.out) fail("--out is required");
  // With free gas, only the consortium's accounts may send transactions (Besu account allowlist).
  if (!values.governance) fail("--governance is required: the account allowlist needs the governance accounts");
  const accounts = [
    ...list(values.governance)!,
    ...(values.consortium ? consortiumAccounts(parseConsortiumFile(resolve(values.consortium))) : []),
    ...(list(values.accounts) ?? []),
  ];
  const network = generateNetwork({
    validators: integer(values.validators, "--validators")!,
    chainId: integer(values["chain-id"], "--chain-id"),
    names: list(values.names),
    hosts: list(values.hosts),
    subnet: values.subnet,
    blockPeriodSeconds: integer(values["block-period"], "--block-period"),
    requestTimeoutSeconds: integer(values["request-timeout"], "--request-timeout"),
    epochLength: integer(values["epoch-length"], "--epoch-length"),
    image: values.image,
    accounts,
  });
  const out = resolve(values.out);
  writeNetwork(network, out);
  process.stdout.write(`Besu QBFT network written to ${out} (chain id ${network.chainId}, ${network.nodes.length} validators)\n`);
  for (const node of network.nodes) process.stdout.write(`  ${node.name.padEnd(20)} ${node.host.padEnd(15)} validator ${node.address}\n`);
  process.stdout.write(`Accounts allowed to send transactions (permissions_config.toml): ${accounts.length}\n`);
  process.stdout.write(
    network.files.has("docker-compose.yml")
      ? `Start it with Docker: cd ${out} && docker compose up -d (see docs/operations.md)\n`
      : "No docker-compose.yml: --hosts are outside --subnet; copy each nodes/NAME folder to its machine (see docs/operations.md)\n",
  );
  process.stdout.write("Each nodes/NAME/key is that organisation's secret: hand it over and delete the copy here.\n");
} catch (error) {
  if (error instanceof BesuOptionError || error instanceof ValidationError) fail(error.message);
  if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) fail((error as Error).message);
  throw error;
}
