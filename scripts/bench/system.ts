// The system a benchmark measures: a real JSON-RPC node (the embedded chain), the Ignition
// deployment, the demo consortium and the three source simulators as their own processes, all under
// a temporary PACHAIN_HOME on free ports (the bootstrap of src/demo/system.ts, which npm start and the tests use).
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { JsonRpcProvider } from "ethers";
import type { PAChainContracts } from "../../src/chain/contracts.ts";
import type { Deployment } from "../../src/chain/deploy.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { deployDemoChain, ignitionDeploymentDir, PROJECT_ROOT, type DemoChain } from "../../src/demo/system.ts";
import { createLogger } from "../../src/logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../../src/node/embedded-chain.ts";
import { freePort, startProcess, stopProcess } from "../../src/node/processes.ts";
import type { SourceName } from "../../src/simulators/events.ts";

export const ROOT = PROJECT_ROOT;


export interface BenchChain {
  home: string;
  chain: EmbeddedChain;
  deployment: Deployment;
  /** Contracts connected to the deployer (governance) account. */
  contracts: PAChainContracts;
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/** A fresh node with PA Chain deployed and the demo consortium registered. */
export async function startBenchChain(): Promise<BenchChain> {
  const logger = createLogger("silent");
  const home = mkdtempSync(join(tmpdir(), "pachain-bench-"));
  const chain = await startEmbeddedChain({ port: await freePort(), logger });
  const deploymentId = `bench-${process.pid}-${Date.now()}`;
  let demo: DemoChain;
  try {
    demo = await deployDemoChain({ rpcUrl: chain.url, home, deploymentId, logger, batchStallTime: 0 });
  } catch (error) {
    await chain.stop();
    throw error;
  }
  const { deployment, contracts, provider } = demo;
  return {
    home, chain, deployment, contracts, provider,
    async stop() {
      provider.destroy();
      await chain.stop();
      rmSync(home, { recursive: true, force: true });
      rmSync(ignitionDeploymentDir(deploymentId), { recursive: true, force: true });
    },
  };
}

export interface BenchSources {
  urls: Record<SourceName, string>;
  /** The environment an oracle of this system runs with. */
  env: Record<string, string>;
  config: Config;
  stop(): Promise<void>;
}

/**
 * The three source simulators over a population of `size` people. Each signs its records before it
 * listens, in its own process (so the signing of the three runs in parallel, outside what is measured).
 */
export async function startSources(bench: BenchChain, options: { size: number; seed: number }): Promise<BenchSources> {
  const children: ChildProcess[] = [];
  const urls = {} as Record<SourceName, string>;
  try {
    await Promise.all((["comune", "asl", "inps"] as const).map(async (source) => {
      const port = await freePort();
      children.push(await startProcess(
        ["scripts/simulator.ts", "--source", source, "--port", String(port), "--size", String(options.size), "--seed", String(options.seed), "--no-live"],
        { PACHAIN_HOME: bench.home, LOG_LEVEL: "warn" },
        /listening on/,
      ));
      urls[source] = `http://127.0.0.1:${port}`;
    }));
  } catch (error) {
    await Promise.all(children.map((c) => stopProcess(c)));
    throw error;
  }
  const env = {
    PACHAIN_HOME: bench.home,
    PACHAIN_RPC_URL: bench.chain.url,
    PACHAIN_EMBEDDED_CHAIN: "false",
    PACHAIN_ORACLE_SOURCES: Object.entries(urls).map(([s, url]) => `${s}=${url}`).join(","),
    PACHAIN_ORACLE_METRICS_PORT: "0",
    LOG_LEVEL: "silent",
  };
  return {
    urls, env, config: loadConfig(env),
    async stop() {
      await Promise.all(children.map((c) => stopProcess(c)));
    },
  };
}
