// Indexer backfill: every PA Chain event of the chain the benchmark built, from the deployment block
// to the head, into a fresh SQLite store and a fresh PostgreSQL database, with the indexer's own
// catch-up (src/indexer/measure.ts). PostgreSQL is a throwaway local cluster (src/node/throwaway-postgres.ts,
// as scripts/indexer-bench.ts does); where the machine has no PostgreSQL, that figure is left out.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureBackfill, type BackfillMeasurement } from "../../src/indexer/measure.ts";
import { openPostgresIndexerStore } from "../../src/indexer/postgres.ts";
import { createIndexerRpc, type IndexerRpc } from "../../src/indexer/rpc.ts";
import { openSqliteIndexerStore } from "../../src/indexer/sqlite.ts";
import type { IndexerStore } from "../../src/indexer/store.ts";
import { postgresUnavailable, startTestPostgres } from "../../src/node/throwaway-postgres.ts";
import type { BenchChain } from "./system.ts";

export type BackfillResult = BackfillMeasurement & {
  /** Seconds during which the indexer waited for the node (eth_getLogs, block headers): the rest is its own work. */
  nodeSeconds?: number;
};

/** The indexer's RPC client, timing the wall-clock time with at least one call to the node in flight. */
function timedRpc(url: string): { rpc: IndexerRpc; nodeSeconds(): number } {
  const rpc = createIndexerRpc(url);
  let inFlight = 0;
  let since = 0;
  let total = 0;
  return {
    rpc: {
      ...rpc,
      async send(method, params) {
        if (inFlight++ === 0) since = performance.now();
        try {
          return await rpc.send(method, params);
        } finally {
          if (--inFlight === 0) total += performance.now() - since;
        }
      },
    },
    nodeSeconds: () => total / 1000,
  };
}

/**
 * Blocks per eth_getLogs: a benchmark block holds a whole batch (40 facts, 150 payments), so the
 * indexer's default 2,000 blocks make responses of tens of megabytes that the embedded node dropped
 * at 10k people; 250 keeps each response to a few megabytes.
 */
const BATCH_BLOCKS = 250;

async function backfill(bench: BenchChain, label: string, store: IndexerStore): Promise<BackfillResult> {
  process.stderr.write(`indexer backfill into ${label} …\n`);
  try {
    const { rpc, nodeSeconds } = timedRpc(bench.chain.url);
    try {
      const result = { ...(await measureBackfill({ provider: rpc, deployment: bench.deployment, store, batchBlocks: BATCH_BLOCKS })), nodeSeconds: nodeSeconds() };
      process.stderr.write(`indexer backfill into ${label}: ${result.events} events, ${result.blocks} blocks in ${result.seconds.toFixed(1)} s (${result.nodeSeconds.toFixed(1)} s of it waiting for the node), ${result.eventsPerSecond} events/s\n`);
      return result;
    } finally {
      rpc.destroy();
    }
  } finally {
    await store.close();
  }
}

export async function benchIndexer(bench: BenchChain): Promise<{ sqlite: BackfillResult; postgres: BackfillResult | null; postgresNote: string }> {
  const dir = mkdtempSync(join(tmpdir(), "pachain-bench-index-"));
  let sqlite: BackfillResult;
  try {
    sqlite = await backfill(bench, "SQLite", await openSqliteIndexerStore(join(dir, "index.sqlite")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const why = postgresUnavailable();
  if (why) return { sqlite, postgres: null, postgresNote: `not measured: ${why}` };
  const cluster = await startTestPostgres({ durable: true });
  try {
    const postgres = await backfill(bench, "PostgreSQL", await openPostgresIndexerStore(await cluster.createDatabase()));
    return { sqlite, postgres, postgresNote: "a local PostgreSQL cluster started for the run (fsync on)" };
  } finally {
    await cluster.stop();
  }
}
