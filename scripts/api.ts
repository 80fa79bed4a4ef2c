// node scripts/api.ts
// Runs the read API (src/api/server.ts) as its own process, on 127.0.0.1:PACHAIN_API_PORT: its own
// indexer into PACHAIN_HOME (or DATABASE_URL), and commission submissions and citizens' claims
// through the oracle's gateway at PACHAIN_ORACLE_GATEWAY_URL (an oracle in another process, with
// PACHAIN_ORACLE_GATEWAY_SECRET). Safe to kill at any point: a submission the API accepted is in
// the oracle's durable outbox before it answers, and a repeated one is answered from there.
// Logs go to stdout as JSON lines (pino); "api listening" once it serves.
import { join, resolve } from "node:path";
import { startApi } from "../src/api/server.ts";
import { loadDeployment } from "../src/chain/deploy.ts";
import { clockFromEnv } from "../src/clock.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
try {
  const deployment = loadDeployment(join(resolve(config.PACHAIN_HOME), "deployment.json"));
  const api = await startApi({ config, deployment, logger, port: config.PACHAIN_API_PORT, clock: clockFromEnv() });
  process.stdout.write(`api listening on ${api.url}\n`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "api stopping");
    api.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  logger.error({ err: error }, "api failed to start");
  process.exit(1);
}
