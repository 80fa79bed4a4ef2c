// Composition root of the indexer: the store chosen by configuration, a JSON-RPC client of the node, and
// the indexer over the deployment record. The read API builds the same runtime in-process.
import { join, resolve } from "node:path";
import type { Deployment } from "../chain/deploy.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import { createIndexer, type Indexer } from "./indexer.ts";
import type { IndexerMetrics } from "./metrics.ts";
import { openPostgresIndexerStore } from "./postgres.ts";
import { createIndexerRpc, type IndexerRpc } from "./rpc.ts";
import { openSqliteIndexerStore } from "./sqlite.ts";
import type { IndexerStore } from "./store.ts";

export function indexerSqlitePath(config: Config): string {
  return resolve(config.PACHAIN_INDEXER_SQLITE_FILE ?? join(config.PACHAIN_HOME, "indexer", "index.sqlite"));
}

/** The store the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file. */
export function openIndexerStore(config: Config): Promise<IndexerStore> {
  if (config.DATABASE_URL !== undefined) return openPostgresIndexerStore(config.DATABASE_URL);
  return openSqliteIndexerStore(indexerSqlitePath(config));
}

export interface IndexerRuntime {
  indexer: Indexer;
  store: IndexerStore;
  provider: IndexerRpc;
  /** Stops the indexer, then closes the store and the provider. */
  close(): Promise<void>;
}

export async function createIndexerRuntime(options: {
  config: Config;
  /** The deployment, or a function that reads the deployment record (read again after a chain reset). */
  deployment: Deployment | (() => Deployment);
  logger: Logger;
  metrics?: IndexerMetrics;
}): Promise<IndexerRuntime> {
  const { config, logger, metrics } = options;
  const store = await openIndexerStore(config);
  const provider = createIndexerRpc(config.PACHAIN_RPC_URL);
  const indexer = createIndexer({
    provider,
    deployment: options.deployment,
    store,
    logger,
    confirmations: config.PACHAIN_INDEXER_CONFIRMATIONS,
    batchBlocks: config.PACHAIN_INDEXER_BATCH_BLOCKS,
    pollIntervalMs: config.PACHAIN_INDEXER_POLL_INTERVAL_MS,
    metrics,
  });
  return {
    indexer,
    store,
    provider,
    async close() {
      await indexer.stop();
      await store.close();
      provider.destroy();
    },
  };
}
