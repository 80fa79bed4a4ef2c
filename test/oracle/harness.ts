// A whole PA Chain on one machine for end-to-end tests: a real JSON-RPC node (the embedded chain),
// the Ignition deployment, the demo consortium, and the three source simulators as their own
// processes, all under a temporary PACHAIN_HOME.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, Socket, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { attachContracts, type PAChainContracts } from "../../src/chain/contracts.ts";
import { deployPAChain, saveDeployment, type Deployment } from "../../src/chain/deploy.ts";
import { DEV_KEYS, loadConfig, type Config } from "../../src/config.ts";
import { DEMO_WAVES, saveConsortium, setUpDemoConsortium } from "../../src/demo/consortium.ts";
import { createLogger } from "../../src/logger.ts";
import { startEmbeddedChain, type EmbeddedChain } from "../../src/node/embedded-chain.ts";
import { freePort, startProcess } from "../../src/node/processes.ts";

export { freePort, startProcess };

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));


export interface System {
  home: string;
  chain: EmbeddedChain;
  deployment: Deployment;
  contracts: PAChainContracts;
  provider: JsonRpcProvider;
  sources: Record<"comune" | "asl" | "inps", string>;
  /** The environment an oracle process of this system runs with. */
  env: Record<string, string>;
  config: Config;
  stop(): Promise<void>;
}

export async function startSystem(options: { size: number; seed: number; rpcUrl?: (chainUrl: string) => Promise<string> }): Promise<System> {
  const logger = createLogger("silent");
  const home = mkdtempSync(join(tmpdir(), "pachain-e2e-"));
  const chain = await startEmbeddedChain({ port: await freePort(), logger });
  const deploymentId = `e2e-${process.pid}-${Date.now()}`;
  const deployment = await deployPAChain({ rpcUrl: chain.url, deployerKey: DEV_KEYS[0], deploymentId, waves: DEMO_WAVES, logger });
  saveDeployment(join(home, "deployment.json"), deployment);
  const provider = new JsonRpcProvider(chain.url, deployment.chainId, { staticNetwork: true });
  const contracts = attachContracts(deployment.addresses, new NonceManager(new Wallet(DEV_KEYS[0], provider)));
  const organisations = await setUpDemoConsortium(
    contracts,
    { civil: new Wallet(DEV_KEYS[1]).address, health: new Wallet(DEV_KEYS[2]).address, inps: new Wallet(DEV_KEYS[3]).address },
    join(home, "keys"),
    logger,
  );
  saveConsortium(join(home, "consortium.json"), organisations);

  const children: ChildProcess[] = [];
  const sources = {} as System["sources"];
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
  return {
    home, chain, deployment, contracts, provider, sources, env, config: loadConfig(env),
    async stop() {
      for (const child of children) child.kill("SIGTERM");
      provider.destroy();
      await chain.stop();
      rmSync(home, { recursive: true, force: true });
      rmSync(join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    },
  };
}

/** Every event of a source feed, page by page. */
export async function readFeed(url: string): Promise<Array<Record<string, unknown>>> {
  const events: Array<Record<string, unknown>> = [];
  for (let after = 0; ;) {
    const page = (await (await fetch(`${url}/v1/events?after=${after}&limit=1000`)).json()) as {
      events: Array<Record<string, unknown>>; next: number; hasMore: boolean;
    };
    events.push(...page.events);
    if (!page.hasMore) return events;
    after = page.next;
  }
}

/** A TCP proxy in front of the chain node that can be cut and restored, to make the node "unreachable". */
export async function startCuttableProxy(target: string): Promise<{ url: string; cut(): void; restore(): void; close(): void }> {
  const { hostname, port } = new URL(target);
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = new Socket();
    upstream.connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    const drop = () => (client.destroy(), upstream.destroy(), sockets.delete(client), sockets.delete(upstream));
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  const proxyPort = await freePort();
  await new Promise<void>((resolve) => server.listen(proxyPort, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${proxyPort}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
