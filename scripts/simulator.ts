// node scripts/simulator.ts --source comune|asl|inps [--port N] [--size N] [--seed N]
//                            [--today YYYY-MM-DD] [--no-live] [--fresh]   (--help: options and exit codes)
// Runs one source system simulator (ANPR, ASL or INPS) as its own process: reads the deployment,
// the consortium and the organisations' keys from PACHAIN_HOME (written by `npm start`), and
// publishes the demo population's signed records as a feed (docs/feeds.md).
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { createProgram, usageError } from "../src/cli.ts";
import { loadConfig } from "../src/config.ts";
import { parseIsoDate } from "../src/domain/dates.ts";
import { createLogger } from "../src/logger.ts";
import { resolveSecret } from "../src/secrets.ts";
import { ymdOfMs } from "../src/simulators/calendar.ts";
import { clockFromEnv, systemClock } from "../src/clock.ts";
import { SOURCES, type SourceName } from "../src/simulators/events.ts";
import { DEFAULT_POPULATION_SIZE } from "../src/simulators/population.ts";
import { createSourceSimulator, DEFAULT_PORTS, LIVE_INTERVAL_MS } from "../src/simulators/source.ts";
import { populationDay } from "../src/simulators/state.ts";

const program = createProgram("node scripts/simulator.ts", "Run one source system simulator (ANPR, ASL or INPS) as its own process, publishing the demo population's signed records as a feed (docs/feeds.md).", [
  [0, "stopped by Ctrl-C or SIGTERM"], [1, "failed to start or to stop"], [2, "bad option: nothing was started"],
])
  .requiredOption("--source <name>", "comune, asl or inps")
  .option("--port <N>", "port on 127.0.0.1 (default: the source's demo port)")
  .option("--size <N>", `people in the population (default ${DEFAULT_POPULATION_SIZE})`)
  .option("--seed <N>", "seed of the population (default 1)")
  .option("--today <YYYY-MM-DD>", "the population's day (default: the clock's, shared by the three simulators)")
  .option("--no-live", "publish no live events after the history")
  .option("--live-interval-ms <MS>", `milliseconds between live events (default ${LIVE_INTERVAL_MS})`)
  .option("--fresh", "forget the journal of live events published before")
  .option("--history-from <YYYY-MM-DD>", "replay the past from this day: each record signed on its day, published when the chain's clock (--follow-chain) reaches it")
  .option("--follow-chain <URL>", "JSON-RPC URL of the chain whose latest block time is the replay's clock (with --history-from)")
  .showHelpAfterError();
program.parse(process.argv);
const args = program.opts<{ source: string; port?: string; size?: string; seed?: string; today?: string; live: boolean; liveIntervalMs?: string; fresh?: boolean; historyFrom?: string; followChain?: string }>();

function fail(message: string): never {
  usageError(program, message);
}

function integer(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) fail(`--${name}: expected an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

const source = args.source as SourceName;
if (!SOURCES.includes(source)) fail(`--source: expected one of ${SOURCES.join(", ")}`);
const port = integer(args.port, "port", DEFAULT_PORTS[source], 0, 65535);
const size = integer(args.size, "size", DEFAULT_POPULATION_SIZE, 1, 1_000_000);
const seed = integer(args.seed, "seed", 1, 0, 0xffffffff);
const liveIntervalMs = integer(args.liveIntervalMs, "live-interval-ms", LIVE_INTERVAL_MS, 100, 3_600_000);
let clock = systemClock;
let requestedDay = 0;
try {
  clock = clockFromEnv();
  requestedDay = ymdOfMs(clock.nowMs());
  if (args.today !== undefined) requestedDay = parseIsoDate(args.today, "--today");
} catch (error) {
  fail((error as Error).message);
}

let historyFrom: number | undefined;
if (args.historyFrom !== undefined) {
  try {
    historyFrom = parseIsoDate(args.historyFrom, "--history-from");
  } catch (error) {
    fail((error as Error).message);
  }
  if (args.followChain === undefined || !URL.canParse(args.followChain)) fail("--history-from needs --follow-chain <JSON-RPC URL>");
}

/**
 * The replay's clock: the latest block's time, read every 200 ms. Once the chain has caught up with
 * the clock's now (the history is built), everything is published and the chain is no longer asked.
 */
function followChain(url: string): { horizon: () => number; stop(): void } {
  const caughtUpAt = clock.nowMs();
  let horizon = 0;
  let timer: NodeJS.Timeout | undefined;
  const read = async () => {
    try {
      const response = await fetch(url, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBlockByNumber", params: ["latest", false] }),
        signal: AbortSignal.timeout(5000),
      });
      const { result } = (await response.json()) as { result?: { timestamp: string } };
      if (result) horizon = Math.max(horizon, Number(BigInt(result.timestamp)) * 1000);
    } catch {
      // The chain is busy or restarting: the horizon stays where it was and is read again.
    }
    if (horizon >= caughtUpAt) horizon = Number.POSITIVE_INFINITY;
    else timer = setTimeout(() => void read(), 200);
  };
  void read();
  return { horizon: () => horizon, stop: () => clearTimeout(timer) };
}

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const home = resolve(config.PACHAIN_HOME);
const stateDir = join(home, "simulators");
const journal = join(stateDir, `${source}-seed${seed}-size${size}.jsonl`);
if (args.fresh) rmSync(journal, { force: true });

let follower: ReturnType<typeof followChain> | undefined;
try {
  // The three simulators must build the same people: the first to start fixes the day for all.
  const today = args.today === undefined ? populationDay(stateDir, seed, size, requestedDay) : requestedDay;
  const simulator = await createSourceSimulator({
    source, home, seed, size, today,
    pseudonymKey: resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY),
    logger, live: args.live, liveIntervalMs, journal, now: () => clock.nowMs(),
    ...(historyFrom !== undefined ? { history: { from: historyFrom, horizon: (follower ??= followChain(args.followChain!)).horizon } } : {}),
  });
  const server = await simulator.listen(port);
  process.stdout.write(`${source} simulator listening on ${server.url} (${simulator.feed.last} events)\n`);

  const shutdown = (signal: string) => {
    logger.info({ signal, source }, "source simulator stopping");
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
} catch (error) {
  logger.error({ err: error, source }, "source simulator failed to start");
  process.exit(1);
}
