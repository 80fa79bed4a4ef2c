// node scripts/indexer.ts [COMMAND]
//   (none) | run   follow PA Chain into the index until Ctrl-C (progress every few seconds while backfilling)
//   catch-up       index up to the node's head − confirmations, print the status and row counts, exit
//   status         print the index's status and row counts, exit
// Reads PACHAIN_HOME/deployment.json and PACHAIN_RPC_URL; the index goes to PACHAIN_INDEXER_SQLITE_FILE
// (default PACHAIN_HOME/indexer/index.sqlite). See docs/indexer.md.
import { join, resolve } from "node:path";
import { loadConfig } from "../src/config.ts";
import { createIndexerRuntime, readDeploymentRecord, type IndexerRuntime } from "../src/indexer/wiring.ts";
import { createLogger } from "../src/logger.ts";

const PROGRESS_INTERVAL_MS = 3000;

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const deploymentFile = join(resolve(config.PACHAIN_HOME), "deployment.json");
const [command = "run"] = process.argv.slice(2);

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

async function main(): Promise<void> {
  if (!["run", "catch-up", "status"].includes(command)) fail(`unknown command "${command}" (run, catch-up, status)`);
  try {
    readDeploymentRecord(deploymentFile);
  } catch (error) {
    fail((error as Error).message);
  }
  const rt = await createIndexerRuntime({ config, deployment: () => readDeploymentRecord(deploymentFile), logger });
  switch (command) {
    case "run": {
      const stopProgress = reportProgress(rt);
      rt.indexer.start();
      const stop = async () => {
        stopProgress();
        await rt.close();
        process.exit(0);
      };
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
      return;
    }
    case "catch-up": {
      const stopProgress = reportProgress(rt);
      const status = await rt.indexer.catchUp().finally(stopProgress);
      process.stdout.write(`${JSON.stringify({ ...status, ...rt.indexer.stats(), rows: await rt.store.counts() })}\n`);
      await rt.close();
      return;
    }
    case "status": {
      process.stdout.write(`${JSON.stringify({ ...(await rt.indexer.status()), rows: await rt.store.counts() })}\n`);
      await rt.close();
      return;
    }
  }
}

main().catch((error) => {
  logger.error({ err: error }, "indexer command failed");
  process.exit(1);
});
