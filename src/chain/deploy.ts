// Deploys PA Chain to a JSON-RPC node with the Ignition module, and records where it went. Hardhat
// and the Ignition module are imported inside deployPAChain only: importing Hardhat starts its
// runtime (it needs the project's config), which an indexer, API or oracle host reading the
// deployment record (loadDeployment) must not need.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider } from "ethers";
import type { Logger } from "../logger.ts";
import { addressesOf, type DeploymentAddresses } from "./contracts.ts";
import { misconfigured } from "../errors.ts";

const IGNITION_DEPLOYMENTS = fileURLToPath(new URL("../../ignition/deployments", import.meta.url));

export interface Deployment {
  chainId: number;
  /** Hash of block 0: a different one means the chain was reset and the deployment is gone. */
  genesisHash: string;
  deploymentBlock: number;
  addresses: DeploymentAddresses;
  /** Where the credential issuer anchors its status lists (absent in a record from before issue 17). */
  credentials?: { statusListAnchor: string };
}

export interface WaveParameters {
  wave: 1 | 2 | 3;
  /** WAVE_PHASE code */
  phase: number;
  provinces: readonly number[];
}

export async function deployPAChain(options: {
  rpcUrl: string;
  deployerKey: string;
  deploymentId: string;
  waves: readonly WaveParameters[];
  logger: Logger;
  /**
   * Blocks Ignition waits for after each transaction. Unset: Ignition's default (1 on Hardhat's
   * node, 5 elsewhere); 1 on QBFT, where a block is final once it is mined.
   */
  requiredConfirmations?: number;
}): Promise<Deployment> {
  const { rpcUrl, deployerKey, deploymentId, waves, logger, requiredConfirmations } = options;
  const provider = new JsonRpcProvider(rpcUrl);
  const genesis = await provider.getBlock(0);
  const journal = join(IGNITION_DEPLOYMENTS, deploymentId);
  if (existsSync(journal) && readJournalGenesis(journal) !== genesis?.hash) {
    // Ignition's journal describes a chain that no longer exists (the embedded chain restarted).
    logger.warn({ deploymentId }, "chain was reset: discarding the old Ignition journal");
    rmSync(journal, { recursive: true, force: true });
  }
  const [{ network }, { default: PAChainModule }] = await Promise.all([import("hardhat"), import("../../ignition/modules/PAChain.ts")]);
  const connection = await network.create({ network: "consortium", override: { url: rpcUrl, accounts: [deployerKey] } });
  try {
    const parameters: Record<string, number | number[]> = {};
    for (const w of waves) {
      parameters[`wave${w.wave}Phase`] = w.phase;
      parameters[`wave${w.wave}PilotProvinces`] = [...w.provinces];
    }
    const startBlock = await provider.getBlockNumber();
    logger.info({ rpcUrl, deploymentId }, "deploying PA Chain with Ignition");
    const deployed = await connection.ignition.deploy(PAChainModule, {
      parameters: { PAChain: parameters },
      deploymentId,
      ...(requiredConfirmations === undefined ? {} : { config: { requiredConfirmations } }),
    });
    writeJournalGenesis(journal, genesis!.hash!);
    const addresses: DeploymentAddresses = await addressesOf(deployed);
    const { chainId } = await provider.getNetwork();
    const credentials = { statusListAnchor: await deployed.statusListAnchor.getAddress() };
    return { chainId: Number(chainId), genesisHash: genesis!.hash!, deploymentBlock: startBlock + 1, addresses, credentials };
  } finally {
    await connection.close();
    provider.destroy();
  }
}

function readJournalGenesis(journal: string): string | undefined {
  const file = join(journal, "pachain-genesis.txt");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

function writeJournalGenesis(journal: string, genesisHash: string): void {
  mkdirSync(journal, { recursive: true });
  writeFileSync(join(journal, "pachain-genesis.txt"), `${genesisHash}\n`);
}

export function saveDeployment(file: string, deployment: Deployment): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(deployment, null, 2)}\n`);
}

export function loadDeployment(file: string): Deployment {
  if (!existsSync(file)) throw misconfigured(`no deployment record at ${file}: start PA Chain first (npm start)`);
  return JSON.parse(readFileSync(file, "utf8")) as Deployment;
}
