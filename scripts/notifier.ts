// node scripts/notifier.ts
// Runs the notifier (src/notifier/) as its own process: follows the index in PACHAIN_HOME (or
// DATABASE_URL), asks the contracts what changed for each person, and sends IO messages from its
// durable outbox (PACHAIN_HOME/notifier/notices.sqlite). Prometheus metrics on
// PACHAIN_NOTIFIER_METRICS_PORT. Safe to kill at any point: it resumes where it was.
import { join, resolve } from "node:path";
import { clockFromEnv } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { loadDeployment } from "../src/chain/deploy.ts";
import { createLogger } from "../src/logger.ts";
import { createNotifierRuntime } from "../src/notifier/wiring.ts";
import { startMetricsServer } from "../src/oracle/metrics-server.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
try {
  const deployment = loadDeployment(join(resolve(config.PACHAIN_HOME), "deployment.json"));
  const runtime = await createNotifierRuntime({ config, deployment, logger, clock: clockFromEnv() });
  const metrics = await startMetricsServer(runtime.metrics.registry, config.PACHAIN_NOTIFIER_METRICS_PORT);
  runtime.notifier.start();
  process.stdout.write(`notifier running (IO ${config.PACHAIN_IO_URL}, metrics ${metrics.url}/metrics)\n`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "notifier stopping");
    Promise.all([runtime.close(), metrics.close()]).then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  logger.error({ err: error }, "notifier failed to start");
  process.exit(1);
}
