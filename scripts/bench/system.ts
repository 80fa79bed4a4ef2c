// The system a benchmark measures: a real JSON-RPC node (the embedded chain), the Ignition
// deployment, the demo consortium and the three source simulators as their own processes, all under
// a temporary PACHAIN_HOME on free ports (the bootstrap of src/demo/system.ts, which npm start and the tests use).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { CONTRACT_NAMES, type PAChainContracts } from "../../src/chain/contracts.ts";
import type { Deployment } from "../../src/chain/deploy.ts";
import { chainStartDate } from "../../src/clock.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { deployDemoChain, ignitionDeploymentDir, PROJECT_ROOT, type DemoChain } from "../../src/demo/system.ts";
import { createLogger } from "../../src/logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../../src/node/embedded-chain.ts";
import { freePort, startProcess, stopProcess } from "../../src/node/processes.ts";
import type { SourceName } from "../../src/simulators/events.ts";

export const ROOT = PROJECT_ROOT;

/**
 * The execution engine of a benchmark's node: the embedded Hardhat node (EDR, what PA Chain runs
 * on in development and in the tests) or Foundry's anvil (revm in Rust, npm @foundry-rs/anvil):
 * the same payroll and ingestion on both tell how much of the wall-clock time is the node's.
 */
export type Engine = "hardhat" | "anvil";
export const ENGINES: readonly Engine[] = ["hardhat", "anvil"];

/** The anvil binary of this platform, from @foundry-rs/anvil's platform package. */
function anvilBinary(): string {
  const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch;
  const pkg = createRequire(import.meta.url).resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
  return join(dirname(pkg), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

/**
 * anvil on a free loopback port, set up as the embedded node is: the same development accounts
 * (its default mnemonic is Hardhat's), automining, chain id 31337, the chain's clock starting on the
 * system's "today" (PACHAIN_TODAY), a 60 Mgas block gas limit as Hardhat's. Only the last 64
 * blocks' states are kept (`--prune-history`): the bench reads the latest state only, and anvil's
 * default of keeping every block's state and writing the older ones to disk cost it half its
 * one-transaction-per-payment rate at 3,000 people (26 against 60 payments/s).
 */
export async function startAnvil(): Promise<EmbeddedChain> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { initialDate } = chainStartDate();
  const args = ["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", "--gas-limit", "60000000", "--silent", "--prune-history", "64",
    ...(initialDate ? ["--timestamp", String(Math.floor(initialDate.getTime() / 1000))] : [])];
  const child = spawn(anvilBinary(), args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anvil exited (${child.exitCode}): ${stderr}`);
    try {
      await new JsonRpcProvider(url, undefined, { staticNetwork: true }).send("eth_chainId", []);
      return { url, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`anvil did not answer on ${url} within 30 s: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}


export interface BenchChain {
  home: string;
  chain: EmbeddedChain;
  deployment: Deployment;
  /** Contracts connected to the deployer (governance) account. */
  contracts: PAChainContracts;
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/** Lower-case address → contract name of a bench chain's deployment, for the gas traces. */
export function contractNames(bench: BenchChain): Map<string, string> {
  const addresses = bench.deployment.addresses;
  return new Map((Object.keys(addresses) as Array<keyof typeof addresses>).map((key) => [addresses[key].toLowerCase(), CONTRACT_NAMES[key]]));
}

/** A fresh node with PA Chain deployed and the demo consortium registered. */
export async function startBenchChain(engine: Engine = "hardhat"): Promise<BenchChain> {
  const logger = createLogger("silent");
  const home = mkdtempSync(join(tmpdir(), "pachain-bench-"));
  const chain = engine === "anvil" ? await startAnvil() : await startEmbeddedChain({ port: await freePort(), logger });
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
