// node scripts/indexer-bench.ts [--events 50000] [--size 300] [--runs 3] [--batch-blocks 2000] [--stores sqlite,postgres]
// Backfill throughput of the indexer: a real node (the embedded chain) with PA Chain deployed, a
// seeded population relayed by the oracle, then INPS payrolls over past months until the chain
// holds --events events (src/demo/long-history.ts); then the whole history is indexed --runs times
// into a new SQLite file and a new PostgreSQL database (PACHAIN_TEST_DATABASE_URL, or a
// throwaway cluster with fsync on) and events/s is printed, one JSON line per run.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureBackfill } from "../src/indexer/measure.ts";
import { openPostgresIndexerStore } from "../src/indexer/postgres.ts";
import { openSqliteIndexerStore } from "../src/indexer/sqlite.ts";
import type { IndexerStore } from "../src/indexer/store.ts";
import { createIndexerRpc } from "../src/indexer/rpc.ts";
import { buildLongHistory } from "../src/demo/long-history.ts";
import { startDemoSystem } from "../src/demo/system.ts";
import { postgresUnavailable, startTestPostgres, type TestPostgres } from "../src/node/throwaway-postgres.ts";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "50000" },
    size: { type: "string", default: "300" },
    runs: { type: "string", default: "3" },
    "batch-blocks": { type: "string", default: "2000" },
    stores: { type: "string", default: "sqlite,postgres" },
  },
});
const positive = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`indexer-bench: --${name} must be a whole number ≥ 1, not "${text}"\n`);
    process.exit(2);
  }
  return n;
};
const minEvents = positive("events", values.events);
const size = positive("size", values.size);
const runs = positive("runs", values.runs);
const batchBlocks = positive("batch-blocks", values["batch-blocks"]);
const stores = values.stores.split(",").map((s) => s.trim());
for (const s of stores) if (!["sqlite", "postgres"].includes(s)) positive("stores (sqlite,postgres)", s);

const log = (line: string) => process.stderr.write(`indexer-bench: ${line}\n`);

async function main(): Promise<void> {
  const started = Date.now();
  log(`building a history of ≥ ${minEvents} events (population ${size})…`);
  const system = await startDemoSystem({ size, seed: 8, name: "indexer-bench" });
  const dir = mkdtempSync(join(tmpdir(), "pachain-indexer-bench-"));
  let postgres: TestPostgres | undefined;
  try {
    const events = await buildLongHistory(system, { minEvents, progress: (n) => log(`  ${n} events`) });
    log(`history: ${events} events, built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (stores.includes("postgres")) {
      const why = postgresUnavailable();
      if (why) throw new Error(`PostgreSQL: ${why} (or run with --stores sqlite)`);
      postgres = await startTestPostgres({ durable: true });
    }
    const provider = createIndexerRpc(system.chain.url);
    for (let run = 1; run <= runs; run += 1) {
      for (const kind of stores) {
        const store: IndexerStore = kind === "sqlite"
          ? await openSqliteIndexerStore(join(dir, `run${run}.sqlite`))
          : await openPostgresIndexerStore(await postgres!.createDatabase());
        try {
          const m = await measureBackfill({ provider, deployment: system.deployment, store, batchBlocks });
          process.stdout.write(`${JSON.stringify({ store: kind, run, batchBlocks, ...m, seconds: Number(m.seconds.toFixed(3)) })}\n`);
        } finally {
          await store.close();
        }
      }
    }
    provider.destroy();
  } finally {
    await postgres?.stop();
    await system.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  log(`failed: ${String((error as Error).message ?? error).slice(0, 600)}`);
  process.exit(1);
});
