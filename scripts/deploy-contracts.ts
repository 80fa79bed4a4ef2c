// npm run deploy:contracts [-- --parameters ignition/parameters/production.json]   (--help: options and exit codes)
// Deploys PA Chain to the consortium node at PACHAIN_RPC_URL with the Ignition module, from
// configuration: the deployer key from PACHAIN_DEPLOYER_KEY or Hardhat's keystore, the chain id
// checked against PACHAIN_CHAIN_ID, the wave phases from an Ignition parameters file. Writes
// $PACHAIN_HOME/deployment.json, which every organisation's oracle, indexer and API read.
// Re-running resumes or confirms the same deployment (Ignition's journal, ignition/deployments/).
import { join, resolve } from "node:path";
import { JsonRpcProvider } from "ethers";
import { createProgram } from "../src/cli.ts";
import { loadConfig } from "../src/config.ts";
import { PaChainError } from "../src/errors.ts";
import { createLogger } from "../src/logger.ts";
import { checkChainId, loadWaveParameters, resolveKey } from "../src/production/deploy.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  process.stderr.write(`deploy:contracts: ${message}\n`);
  process.exit(2);
}

const program = createProgram("npm run deploy:contracts --", "Deploy PA Chain's contracts to the consortium node at PACHAIN_RPC_URL with Ignition and write $PACHAIN_HOME/deployment.json (re-running resumes or confirms; docs/operations.md).", [
  [0, "deployed (or confirmed)"], [1, "the deployment failed"], [2, "bad usage or configuration (embedded chain, wrong chain id, no key): nothing was sent"],
])
  .option("--parameters <file>", "Ignition parameters: the wave phases", "ignition/parameters/production.json");
program.parse(process.argv);
const values = program.opts<{ parameters: string }>();

try {
  // Loaded after the options: Hardhat's runtime starts when this module is imported.
  const { deployPAChain, saveDeployment } = await import("../src/chain/deploy.ts");
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (config.PACHAIN_EMBEDDED_CHAIN) fail("PACHAIN_EMBEDDED_CHAIN is true: set it to false and PACHAIN_RPC_URL to the consortium node");
  const waves = loadWaveParameters(resolve(values.parameters!));
  const deployerKey = await resolveKey("PACHAIN_DEPLOYER_KEY");
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, undefined, { staticNetwork: true });
  const chainId = await checkChainId(provider, config.PACHAIN_CHAIN_ID);
  provider.destroy();
  say(`deploying PA Chain to ${config.PACHAIN_RPC_URL} (chain ${chainId}) with Ignition…`);
  const deployment = await deployPAChain({
    rpcUrl: config.PACHAIN_RPC_URL,
    deployerKey,
    // One journal per chain: a re-run resumes or confirms the deployment instead of repeating it.
    deploymentId: `pachain-${chainId}`,
    waves,
    logger,
    // QBFT blocks are final once mined: waiting for more would only slow the deployment.
    requiredConfirmations: 1,
  });
  const file = join(resolve(config.PACHAIN_HOME), "deployment.json");
  saveDeployment(file, deployment);
  say(`deployed at block ${deployment.deploymentBlock}; record written to ${file}`);
  for (const [name, address] of Object.entries(deployment.addresses)) say(`  ${name.padEnd(14)} ${address}`);
  say("Next: npm run deploy:consortium -- CONSORTIUM.json (docs/operations.md)");
} catch (error) {
  if (error instanceof PaChainError) fail(error.message);
  process.stderr.write(`deploy:contracts failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
}
