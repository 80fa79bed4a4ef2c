// Indexer backfill: every PA Chain event of the chain the benchmark built, from the deployment block
// to the head, into a fresh SQLite store, with the indexer's own catch-up (halving ranges, derived
// tables, checkpoint per batch).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider } from "ethers";
import { createIndexer } from "../../src/indexer/indexer.ts";
import { openSqliteIndexerStore } from "../../src/indexer/sqlite.ts";
import { createLogger } from "../../src/logger.ts";
import type { BenchChain } from "./system.ts";

export interface BackfillResult {
  store: "sqlite";
  events: number;
  blocks: number;
  seconds: number;
  eventsPerSecond: number;
}

export async function benchIndexerSqlite(bench: BenchChain): Promise<BackfillResult> {
  const dir = mkdtempSync(join(tmpdir(), "pachain-bench-index-"));
  const store = await openSqliteIndexerStore(join(dir, "index.sqlite"));
  const provider = new JsonRpcProvider(bench.chain.url, bench.deployment.chainId, { staticNetwork: true, batchStallTime: 0 });
  try {
    const indexer = createIndexer({ provider, deployment: bench.deployment, store, logger: createLogger("silent") });
    const head = await provider.getBlockNumber();
    process.stderr.write(`indexer backfill into SQLite: blocks ${bench.deployment.deploymentBlock}…${head} …\n`);
    const started = performance.now();
    await indexer.catchUp();
    const seconds = (performance.now() - started) / 1000;
    const { eventsStored } = indexer.stats();
    const result: BackfillResult = { store: "sqlite", events: eventsStored, blocks: head - bench.deployment.deploymentBlock + 1, seconds, eventsPerSecond: eventsStored / seconds };
    process.stderr.write(`indexer backfill into SQLite: ${eventsStored} events in ${seconds.toFixed(1)} s, ${result.eventsPerSecond.toFixed(0)} events/s\n`);
    return result;
  } finally {
    await store.close();
    provider.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
