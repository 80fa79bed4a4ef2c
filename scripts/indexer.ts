// node scripts/indexer.ts [COMMAND]   (--help lists them; each has --help; exit codes in --help)
//   (none) | run        follow PA Chain into the index until Ctrl-C (progress every few seconds while backfilling)
//   catch-up [--json]   index up to the node's head − confirmations, print the status and row counts, exit
//   status [--json]     print the index's status and row counts, exit
// Reads PACHAIN_HOME/deployment.json and PACHAIN_RPC_URL; the index goes to PACHAIN_INDEXER_SQLITE_FILE
// (default PACHAIN_HOME/indexer/index.sqlite). See docs/indexer.md.
import { join, resolve } from "node:path";
import { createProgram, table } from "../src/cli.ts";
import { loadConfig } from "../src/config.ts";
import { loadDeployment } from "../src/chain/deploy.ts";
import { createIndexerRuntime, type IndexerRuntime } from "../src/indexer/wiring.ts";
import { createLogger } from "../src/logger.ts";

const PROGRESS_INTERVAL_MS = 3000;

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const deploymentFile = join(resolve(config.PACHAIN_HOME), "deployment.json");

function fail(message: string, code = 2): never {
  process.stderr.write(`indexer: ${message}\n`);
  process.exit(code);
}

/** Prints how far the index is every few seconds while it is behind the chain. */
function reportProgress(rt: IndexerRuntime): () => void {
  const startedAt = Date.now();
  let wasBehind = false;
  const timer = setInterval(() => {
    void rt.indexer.status().then((s) => {
      const { eventsStored } = rt.indexer.stats();
      const seconds = (Date.now() - startedAt) / 1000;
      if (s.lagBlocks > 0) {
        wasBehind = true;
        const percent = s.headBlock > 0 ? Math.floor((100 * s.indexedBlock) / s.headBlock) : 0;
        process.stderr.write(`indexer: block ${s.indexedBlock} of ${s.headBlock} (${percent}%), ${eventsStored} events, ${Math.round(eventsStored / seconds)} events/s\n`);
      } else if (wasBehind) {
        wasBehind = false;
        process.stderr.write(`indexer: caught up at block ${s.indexedBlock}, ${eventsStored} events in ${seconds.toFixed(1)} s\n`);
      }
    }, () => undefined);
  }, PROGRESS_INTERVAL_MS);
  return () => clearInterval(timer);
}

async function open(): Promise<IndexerRuntime> {
  try {
    loadDeployment(deploymentFile);
  } catch (error) {
    fail((error as Error).message);
  }
  return createIndexerRuntime({ config, deployment: () => loadDeployment(deploymentFile), logger });
}

/** The status for people: where the index is and how many rows each table has. */
function printStatus(status: Record<string, unknown>, rows: Record<string, number>, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...status, rows })}\n`);
    return;
  }
  process.stdout.write(`${table(["index", "value"], Object.entries(status).map(([k, v]) => [k, String(v)]))}\n\n`);
  process.stdout.write(`${table(["table", "rows"], Object.entries(rows))}\n`);
}

const program = createProgram("npm run indexer --", "The indexer: follows every PA Chain contract event into a queryable store (SQLite, or PostgreSQL with DATABASE_URL; docs/indexer.md).");

program.command("run", { isDefault: true }).description("follow the chain into the index until Ctrl-C").action(async () => {
  const rt = await open();
  const stopProgress = reportProgress(rt);
  rt.indexer.start();
  const stop = async () => {
    stopProgress();
    await rt.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
});

program.command("catch-up").description("index up to the node's head − confirmations, print the status and row counts, exit")
  .option("--json", "one JSON object for machines").action(async (options: { json?: boolean }) => {
    const rt = await open();
    const stopProgress = reportProgress(rt);
    const status = await rt.indexer.catchUp().finally(stopProgress);
    printStatus({ ...status, ...rt.indexer.stats() }, await rt.store.counts(), options.json);
    await rt.close();
  });

program.command("status").description("print the index's status and row counts, exit").option("--json", "one JSON object for machines")
  .action(async (options: { json?: boolean }) => {
    const rt = await open();
    printStatus({ ...(await rt.indexer.status()) }, await rt.store.counts(), options.json);
    await rt.close();
  });

program.parseAsync(process.argv).catch((error) => {
  logger.debug({ err: error }, "indexer command failed");
  fail((error as Error).message, 1);
});
