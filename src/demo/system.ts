// The demo bootstrap, written once: deploy PA Chain with Ignition, register the demo consortium and
// save both (deployment.json, consortium.json) under PACHAIN_HOME; and, for tests, benchmarks and
// tools, a whole system on one machine (embedded chain + bootstrap + the three source simulators).
// npm start (scripts/start.ts), the end-to-end harness (test/oracle/harness.ts), the bench
// (scripts/bench/system.ts) and the indexer bench all start from here.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { attachContracts, type PAChainContracts } from "../chain/contracts.ts";
import { deployPAChain, saveDeployment, type Deployment } from "../chain/deploy.ts";
import { DEV_KEYS, loadConfig, type Config } from "../config.ts";
import { createLogger, type Logger } from "../logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../node/embedded-chain.ts";
import { freePort, startProcess, stopProcess } from "../node/processes.ts";
import { DEMO_WAVES, saveConsortium, setUpDemoConsortium, type RegisteredOrganisation, type RelayerAddresses } from "./consortium.ts";

export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface DemoChain {
  deployment: Deployment;
  /** Contracts connected to the deployer (governance) account. */
  contracts: PAChainContracts;
  /** The deployer's provider: the caller destroys it when done. */
  provider: JsonRpcProvider;
  organisations: RegisteredOrganisation[];
}

/**
 * Deploys PA Chain on `rpcUrl` with the demo waves, registers the demo consortium (the relayers'
 * roles, every organisation and its keys, kept in `home`/keys) and writes `home`/deployment.json and
 * `home`/consortium.json, which the simulators, the oracle and the API read.
 */
export async function deployDemoChain(options: {
  rpcUrl: string;
  home: string;
  deploymentId: string;
  logger: Logger;
  deployerKey?: string;
  /** The oracles' relayer accounts (default: the 2nd, 3rd and 4th development keys, as loadConfig's defaults). */
  relayers?: RelayerAddresses;
  /** Provider option: 0 sends each request at once (benchmarks measure single calls). */
  batchStallTime?: number;
}): Promise<DemoChain> {
  const { rpcUrl, home, deploymentId, logger } = options;
  const deployerKey = options.deployerKey ?? DEV_KEYS[0];
  const deployment = await deployPAChain({ rpcUrl, deployerKey, deploymentId, waves: DEMO_WAVES, logger });
  saveDeployment(join(home, "deployment.json"), deployment);
  const provider = new JsonRpcProvider(rpcUrl, deployment.chainId, {
    staticNetwork: true,
    ...(options.batchStallTime === undefined ? {} : { batchStallTime: options.batchStallTime }),
  });
  try {
    const contracts = attachContracts(deployment.addresses, new NonceManager(new Wallet(deployerKey, provider)));
    const relayers = options.relayers ?? {
      civil: new Wallet(DEV_KEYS[1]).address,
      health: new Wallet(DEV_KEYS[2]).address,
      inps: new Wallet(DEV_KEYS[3]).address,
    };
    const organisations = await setUpDemoConsortium(contracts, relayers, join(home, "keys"), logger);
    saveConsortium(join(home, "consortium.json"), organisations);
    return { deployment, contracts, provider, organisations };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}

/** Where an Ignition deployment of this project keeps its journal (removed when a throwaway system stops). */
export function ignitionDeploymentDir(deploymentId: string): string {
  return join(PROJECT_ROOT, "ignition", "deployments", deploymentId);
}

export interface DemoSystem extends DemoChain {
  home: string;
  chain: EmbeddedChain;
  sources: Record<"comune" | "asl" | "inps", string>;
  /** The environment an oracle process of this system runs with. */
  env: Record<string, string>;
  config: Config;
  stop(): Promise<void>;
}

/**
 * A throwaway PA Chain on free ports under a temporary PACHAIN_HOME: the embedded chain, the
 * bootstrap above, and the three source simulators (no live events) as their own processes. No
 * oracle: the caller starts one (in process or as a process with `env`). stop() removes it all.
 */
export async function startDemoSystem(options: {
  size: number;
  seed: number;
  /** The URL the oracle should use for the chain (e.g. a proxy in front of it). */
  rpcUrl?: (chainUrl: string) => Promise<string>;
  /** Prefix of the temporary directory and the deployment id. */
  name?: string;
}): Promise<DemoSystem> {
  const name = options.name ?? "e2e";
  const logger = createLogger("silent");
  const home = mkdtempSync(join(tmpdir(), `pachain-${name}-`));
  const deploymentId = `${name}-${process.pid}-${Date.now()}`;
  const children: ChildProcess[] = [];
  let chain: EmbeddedChain | undefined;
  let demo: DemoChain | undefined;
  const stop = async () => {
    await Promise.all(children.map((child) => stopProcess(child)));
    demo?.provider.destroy();
    await chain?.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(ignitionDeploymentDir(deploymentId), { recursive: true, force: true });
  };
  try {
    chain = await startEmbeddedChain({ port: await freePort(), logger });
    demo = await deployDemoChain({ rpcUrl: chain.url, home, deploymentId, logger });
    const sources = {} as DemoSystem["sources"];
    for (const source of ["comune", "asl", "inps"] as const) {
      const port = await freePort();
      children.push(await startProcess(
        ["scripts/simulator.ts", "--source", source, "--port", String(port), "--size", String(options.size), "--seed", String(options.seed), "--no-live"],
        { PACHAIN_HOME: home, LOG_LEVEL: "warn" },
        /listening on/,
      ));
      sources[source] = `http://127.0.0.1:${port}`;
    }
    const rpcUrl = options.rpcUrl ? await options.rpcUrl(chain.url) : chain.url;
    const env = {
      PACHAIN_HOME: home,
      PACHAIN_RPC_URL: rpcUrl,
      PACHAIN_EMBEDDED_CHAIN: "false",
      PACHAIN_ORACLE_SOURCES: Object.entries(sources).map(([s, url]) => `${s}=${url}`).join(","),
      // Any free port: a demo running on this machine may hold the default one.
      PACHAIN_ORACLE_METRICS_PORT: "0",
      LOG_LEVEL: "silent",
    };
    return { ...demo, home, chain, sources, env, config: loadConfig(env), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
