// npm run besu:generate -- --validators N --out DIR [options]
// Generates a Hyperledger Besu QBFT network for the consortium (src/production/besu.ts):
// genesis.json, node keys, per-node config.toml, allowlists, static nodes, docker-compose.yml and
// the monitoring kit (monitoring/: Prometheus, alert rules and their tests, Grafana). --help lists the options.
import { resolve } from "node:path";
import { createProgram, usageError } from "../src/cli.ts";
import { ValidationError } from "../src/errors.ts";
import { parseConsortiumFile } from "../src/production/deploy.ts";
import { consortiumAccounts, BesuOptionError, DEFAULT_BLOCK_PERIOD_SECONDS, DEFAULT_CHAIN_ID, DEFAULT_EPOCH_LENGTH, DEFAULT_IMAGE, DEFAULT_REQUEST_TIMEOUT_SECONDS, DEFAULT_SUBNET, generateNetwork, writeNetwork } from "../src/production/besu.ts";

const program = createProgram("npm run besu:generate --", "Generate a Hyperledger Besu QBFT network for the consortium: genesis, node keys, per-node config, allowlists, compose file and the monitoring kit (docs/operations.md).", [
  [0, "written"], [1, "writing failed"], [2, "bad option, or --out is not empty: nothing was written"],
])
  .requiredOption("--validators <N>", "QBFT validators, one per organisation (at least 4)")
  .requiredOption("--out <DIR>", "output folder (must not exist or be empty)")
  .requiredOption("--governance <a,b,…>", "governance accounts (the deploy key's address, …): allowed to send transactions (Besu account allowlist)")
  .option("--consortium <FILE>", "consortium file (deploy:consortium): its oracles' relayer accounts are allowed too")
  .option("--accounts <a,b,…>", "further accounts allowed to send transactions")
  .option("--names <a,b,…>", "node names, e.g. inps,asl-roma-1,comune-roma,comune-milano (default validator-1…N)")
  .option("--hosts <ip,ip,…>", `each node's private address (default: ${DEFAULT_SUBNET} from .11)`)
  .option("--subnet <CIDR>", `Docker subnet of the compose file (default ${DEFAULT_SUBNET})`)
  .option("--chain-id <ID>", `chain id (default ${DEFAULT_CHAIN_ID})`)
  .option("--block-period <S>", `seconds between blocks (default ${DEFAULT_BLOCK_PERIOD_SECONDS})`)
  .option("--request-timeout <S>", `QBFT round timeout in seconds (default ${DEFAULT_REQUEST_TIMEOUT_SECONDS})`)
  .option("--epoch-length <BLOCKS>", `votes reset every epoch (default ${DEFAULT_EPOCH_LENGTH})`)
  .option("--image <IMAGE>", `Besu image of the compose file (default ${DEFAULT_IMAGE}, pinned; change it with a tested tag)`);

function fail(message: string): never {
  usageError(program, `besu:generate: ${message}`);
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${name} "${value}" is not a whole number`);
  return Number(value);
}

const list = (value: string | undefined) => value?.split(",").map((s) => s.trim()).filter(Boolean);

program.parse(process.argv);
const opts = program.opts<Record<string, string | undefined>>();
const values = {
  validators: opts.validators, out: opts.out!, names: opts.names, hosts: opts.hosts, subnet: opts.subnet, "chain-id": opts.chainId,
  "block-period": opts.blockPeriod, "request-timeout": opts.requestTimeout, "epoch-length": opts.epochLength, image: opts.image,
};

try {
  // With free gas, only the consortium's accounts may send transactions (Besu account allowlist).
  const accounts = [
    ...list(opts.governance)!,
    ...(opts.consortium ? consortiumAccounts(parseConsortiumFile(resolve(opts.consortium))) : []),
    ...(list(opts.accounts) ?? []),
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
  process.stdout.write(`Monitoring: ${out}/monitoring (Prometheus scrape config, alert rules and their tests, Grafana dashboard)\n`);
  process.stdout.write("Each nodes/NAME/key is that organisation's secret: hand it over and delete the copy here.\n");
} catch (error) {
  if (error instanceof BesuOptionError || error instanceof ValidationError) fail(error.message);
  process.stderr.write(`besu:generate failed: ${(error as Error).message}\n`);
  process.exit(1);
}
