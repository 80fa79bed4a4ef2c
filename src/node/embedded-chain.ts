// The embedded chain: a real Hardhat JSON-RPC node in a child process, bound to loopback only.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { JsonRpcProvider } from "ethers";
import type { Logger } from "../logger.ts";

const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const READY_POLL_MS = 250;

export interface EmbeddedChain {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedChain(options: {
  port: number;
  logger: Logger;
  /**
   * Unix ms the chain's clock starts at (default: the process's clock, src/clock.ts). The demo's
   * history starts the chain in the past and moves it forward (src/demo/history.ts).
   */
  startMs?: number;
}): Promise<EmbeddedChain> {
  const { port, logger } = options;
  const url = `http://127.0.0.1:${port}`;
  if (await answers(url)) {
    throw new Error(`something already answers JSON-RPC on ${url}: stop it, or set PACHAIN_CHAIN_PORT`);
  }
  const hardhat = fileURLToPath(new URL("../../node_modules/hardhat/dist/src/cli.js", import.meta.url));
  const child = spawn(process.execPath, [hardhat, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    // hardhat.config.ts starts the simulated chain on the clock's date (chainStartDate).
    ...(options.startMs === undefined ? {} : { env: { ...process.env, PACHAIN_CLOCK_OFFSET_MS: String(Math.round(options.startMs - Date.now())) } }),
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await waitUntilReady(url, child, () => stderr);
  logger.info({ url, pid: child.pid }, "embedded chain listening");
  return { url, stop: () => stop(child) };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`embedded chain exited (${child.exitCode}): ${stderr()}`);
    if (await answers(url)) {
      await new JsonRpcProvider(url).getBlockNumber();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  child.kill("SIGKILL");
  throw new Error(`embedded chain did not answer on ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  });
}
