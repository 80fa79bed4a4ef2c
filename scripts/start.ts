// npm start: the whole PA Chain system on the embedded chain, with demo data.
// Starts a Hardhat JSON-RPC node on 127.0.0.1, deploys the contracts with Ignition, registers the
// demo consortium, and prints where to look. Ctrl-C stops everything.
import { join, resolve } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { loadConfig } from "../src/config.ts";
import { attachContracts } from "../src/chain/contracts.ts";
import { deployPAChain, saveDeployment } from "../src/chain/deploy.ts";
import { DEMO_WAVES, saveConsortium, setUpDemoConsortium } from "../src/demo/consortium.ts";
import { createLogger } from "../src/logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../src/node/embedded-chain.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const home = resolve(config.PACHAIN_HOME);

let chain: EmbeddedChain | undefined;
async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  await chain?.stop();
  process.exit(0);
}
process.once("SIGINT", () => void shutdown("SIGINT"));
process.once("SIGTERM", () => void shutdown("SIGTERM"));

try {
  const rpcUrl = config.PACHAIN_EMBEDDED_CHAIN
    ? (chain = await startEmbeddedChain({ port: config.PACHAIN_CHAIN_PORT, logger })).url
    : config.PACHAIN_RPC_URL;
  const deployment = await deployPAChain({
    rpcUrl,
    deployerKey: config.PACHAIN_DEPLOYER_KEY,
    deploymentId: config.PACHAIN_EMBEDDED_CHAIN ? "embedded" : `chain-${new URL(rpcUrl).host}`,
    waves: DEMO_WAVES,
    logger,
  });
  const deploymentFile = join(home, "deployment.json");
  saveDeployment(deploymentFile, deployment);

  const provider = new JsonRpcProvider(rpcUrl);
  const governance = new NonceManager(new Wallet(config.PACHAIN_DEPLOYER_KEY, provider));
  const contracts = attachContracts(deployment.addresses, governance);
  const organisations = await setUpDemoConsortium(
    contracts,
    {
      civil: new Wallet(config.PACHAIN_CIVIL_RELAYER_KEY).address,
      health: new Wallet(config.PACHAIN_HEALTH_RELAYER_KEY).address,
      inps: new Wallet(config.PACHAIN_INPS_RELAYER_KEY).address,
    },
    join(home, "keys"),
    logger,
  );
  saveConsortium(join(home, "consortium.json"), organisations);

  const lines = [
    "",
    "PA Chain is running on the embedded chain.",
    `  JSON-RPC            ${rpcUrl}  (chain id ${deployment.chainId})`,
    `  access manager      ${deployment.addresses.manager}`,
    `  organisation reg.   ${deployment.addresses.organisations}`,
    `  fact registry       ${deployment.addresses.facts}`,
    `  benefit catalog     ${deployment.addresses.catalog}`,
    `  benefit ledger      ${deployment.addresses.ledger}`,
    `  organisations       ${organisations.length} registered (INPS, ASLs, commissions, municipalities)`,
    `  deployment record   ${deploymentFile}`,
    `  signing keys        ${join(home, "keys")}  (demo keys, never use in production)`,
    "",
    "Try a conformance scenario:  npm run --silent scenario -- ../shared/conformance/scenarios/01-accompaniment-and-pension.json",
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stdout.write(lines.join("\n"));
} catch (error) {
  logger.error({ err: error }, "start-up failed");
  await chain?.stop();
  process.exit(1);
}
