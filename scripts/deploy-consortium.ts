// npm run deploy:consortium -- CONSORTIUM.json   (--help: usage and exit codes)
// Applies a consortium file (deploy/besu/consortium.example.json) to the deployed PA Chain, from
// the governance account (PACHAIN_DEPLOYER_KEY or Hardhat's keystore): grants each organisation's
// oracle account its roles, registers the organisations and adds their signing keys. Whatever is
// already on chain is skipped, so adding an organisation = adding it to the file and re-running.
// Keeps $PACHAIN_HOME/consortium.json (organisation slug → on-chain id).
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { createProgram } from "../src/cli.ts";
import { loadConfig } from "../src/config.ts";
import { attachContracts } from "../src/chain/contracts.ts";
import { loadDeployment } from "../src/chain/deploy.ts";
import { loadConsortium, type ConsortiumRecord } from "../src/demo/consortium.ts";
import { PaChainError } from "../src/errors.ts";
import { createLogger } from "../src/logger.ts";
import {
  applyConsortium, checkChainId, ensureAdminDelay, ensureGovernanceDelays, FixedGasPriceWallet, parseConsortiumFile, resolveKey,
} from "../src/production/deploy.ts";

function fail(message: string): never {
  process.stderr.write(`deploy:consortium: ${message}\nusage: npm run deploy:consortium -- CONSORTIUM.json\n`);
  process.exit(2);
}

const program = createProgram("npm run deploy:consortium --", "Apply a consortium file to the deployed PA Chain: oracle roles, organisations, signing keys; what is on chain already is skipped (docs/operations.md).", [
  [0, "applied (or nothing left to apply)"], [1, "a transaction or the node failed"], [2, "bad usage or a malformed consortium file: nothing was sent"],
])
  .argument("<consortium.json>", "the consortium file (deploy/besu/consortium.example.json)");
program.parse(process.argv);
const [file] = program.args;

try {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const home = resolve(config.PACHAIN_HOME);
  const spec = parseConsortiumFile(resolve(file));
  const deployment = loadDeployment(join(home, "deployment.json"));
  const key = await resolveKey("PACHAIN_DEPLOYER_KEY");
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
  await checkChainId(provider, config.PACHAIN_CHAIN_ID ?? deployment.chainId);
  // ethers polls every 4 s by default; QBFT mines every 1-2 s and each registration waits for one.
  provider.pollingInterval = 250;
  // Free gas (PACHAIN_GAS_PRICE=0 on Besu): every transaction carries that price, never fee data.
  const signer = config.PACHAIN_GAS_PRICE === undefined
    ? new Wallet(key, provider)
    : new FixedGasPriceWallet(key, provider, BigInt(config.PACHAIN_GAS_PRICE));
  const recordFile = join(home, "consortium.json");
  const record: ConsortiumRecord = existsSync(recordFile) ? loadConsortium(recordFile) : { organisations: [] };
  const contracts = attachContracts(deployment.addresses, new NonceManager(signer));
  const applied = await applyConsortium(contracts, spec, record, logger);
  writeFileSync(recordFile, `${JSON.stringify(applied.record, null, 2)}\n`);
  // Once the consortium is in place, GOVERNANCE and REGISTRAR act only after their delays, unpausing
  // becomes GOVERNANCE's, GUARDIAN still pauses at once, and last ADMIN acts only after its own
  // delay (docs/security.md, "Governance delays").
  const delayed = await ensureGovernanceDelays(contracts, { governance: config.PACHAIN_GOVERNANCE_DELAY_SECONDS, registrar: config.PACHAIN_REGISTRAR_DELAY_SECONDS }, logger)
    + await ensureAdminDelay(contracts, config.PACHAIN_ADMIN_DELAY_SECONDS, logger);
  provider.destroy();
  process.stdout.write(`consortium applied: ${applied.transactions + delayed} transactions; ${applied.record.organisations.length} organisations in ${recordFile}\n`);
  if (applied.scheduled + applied.pending > 0) {
    process.stdout.write(`${applied.scheduled} grants, registrations or signing keys scheduled now, ${applied.pending} waiting: run again once ADMIN's delay (${config.PACHAIN_ADMIN_DELAY_SECONDS} s) or REGISTRAR's (${config.PACHAIN_REGISTRAR_DELAY_SECONDS} s) has passed\n`);
  }
} catch (error) {
  if (error instanceof PaChainError) fail(error.message);
  process.stderr.write(`deploy:consortium failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
}
