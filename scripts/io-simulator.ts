// node scripts/io-simulator.ts [--port N] [--too-many-every N] [--unavailable-every N] [--fresh]
// Runs the IO Services API simulator (src/simulators/io.ts) as its own process: profiles, messages
// with IO's limits and errors, and the demo-only inbox GET /api/v1/messages/{fiscal_code}.
// Messages are journaled in PACHAIN_HOME/simulators/io-messages.jsonl (--fresh starts empty).
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import { createIoSimulator, IO_DEFAULT_PORT } from "../src/simulators/io.ts";

const USAGE = "usage: node scripts/io-simulator.ts [--port N] [--too-many-every N] [--unavailable-every N] [--fresh]";

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function integer(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n > max) fail(`--${name}: expected an integer from 0 to ${max}, got "${value}"`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: "string" },
      "too-many-every": { type: "string" },
      "unavailable-every": { type: "string" },
      fresh: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
}

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const journal = join(resolve(config.PACHAIN_HOME), "simulators", "io-messages.jsonl");
if (args.fresh) rmSync(journal, { force: true });
try {
  const io = createIoSimulator({
    logger, journal, subscriptionKey: config.PACHAIN_IO_SUBSCRIPTION_KEY,
    faults: {
      tooManyEvery: integer(args["too-many-every"], "too-many-every", 0, 1_000_000),
      unavailableEvery: integer(args["unavailable-every"], "unavailable-every", 0, 1_000_000),
    },
  });
  const server = await io.listen(integer(args.port, "port", IO_DEFAULT_PORT, 65535));
  process.stdout.write(`io simulator listening on ${server.url}\n`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, "io simulator stopping");
    io.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  logger.error({ err: error }, "io simulator failed to start");
  process.exit(1);
}
