// Backfill throughput: an indexer over an empty store, caught up with the node, timed. Used by
// scripts/indexer-bench.ts and by the project's benchmarks (issue 8); a benchmark measures, the
// tests assert behaviour.
import type { Deployment } from "../chain/deploy.ts";
import { createLogger, type Logger } from "../logger.ts";
import { createIndexer, type IndexerChain } from "./indexer.ts";
import type { IndexerStore } from "./store.ts";

export interface BackfillMeasurement {
  events: number;
  /** Blocks from the deployment block to the head. */
  blocks: number;
  batches: number;
  seconds: number;
  eventsPerSecond: number;
}

/**
 * Indexes the whole chain of `deployment` into `store` (which should be empty: events already
 * stored are not counted) and reports how fast. The store is left open with the index in it.
 */
export async function measureBackfill(options: {
  provider: IndexerChain;
  deployment: Deployment;
  store: IndexerStore;
  batchBlocks?: number;
  logger?: Logger;
}): Promise<BackfillMeasurement> {
  const indexer = createIndexer({
    provider: options.provider,
    deployment: options.deployment,
    store: options.store,
    logger: options.logger ?? createLogger("silent"),
    batchBlocks: options.batchBlocks,
  });
  const started = performance.now();
  const status = await indexer.catchUp();
  const seconds = (performance.now() - started) / 1000;
  const { eventsStored, batches } = indexer.stats();
  return {
    events: eventsStored,
    blocks: status.indexedBlock - options.deployment.deploymentBlock + 1,
    batches,
    seconds,
    eventsPerSecond: Math.round(eventsStored / seconds),
  };
}
