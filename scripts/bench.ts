// npm run bench [-- --quick] [--json] [--sizes 10000,30000,100000] [--out DIR] [--seed N] [--api-seconds N] [--engines hardhat,anvil]
//               [-- --render bench/results.json]   (results.md and scale.svg again from a results.json)
// Runs the benchmark suite (docs/performance.md) and writes DIR/results.json, DIR/results.md and
// DIR/scale.svg (DIR: bench/, or bench/quick/ with --quick). Progress goes to standard error;
// --json prints the results JSON to standard output.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chart, markdown } from "./bench/report.ts";
import { targets, type BenchResults } from "./bench/results.ts";
import { FULL, QUICK, runSuite } from "./bench/suite.ts";
import { ENGINES, ROOT, type Engine } from "./bench/system.ts";

const USAGE = "usage: npm run bench -- [--quick] [--json] [--sizes N,N,…] [--out DIR] [--seed N] [--api-seconds N] [--engines hardhat,anvil] | --render RESULTS.json";

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function positive(value: string, name: string, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) fail(`--${name}: expected a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

let args;
try {
  args = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      sizes: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      "api-seconds": { type: "string" },
      engines: { type: "string" },
      render: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  fail((error as Error).message);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

if (args.render !== undefined) {
  // Writes results.md and scale.svg again beside an existing results.json (after a change of the report).
  const file = resolve(args.render);
  const results = JSON.parse(readFileSync(file, "utf8")) as BenchResults;
  results.targets = targets(results);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dirname(file), "scale.svg"), chart(results));
  writeFileSync(join(dirname(file), "results.md"), markdown(results, "scale.svg"));
  process.stderr.write(`rendered ${join(dirname(file), "results.md")}\n`);
  process.exit(0);
}

const mode = args.quick ? "quick" : "full";
const base = args.quick ? QUICK : FULL;
const sizes = args.sizes === undefined ? base.sizes : args.sizes.split(",").map((s) => positive(s.trim(), "sizes", 1_000_000));
if (sizes.some((s, i) => i > 0 && s <= sizes[i - 1])) fail("--sizes: expected ascending sizes");
const options = {
  ...base, mode, sizes,
  seed: args.seed === undefined ? base.seed : positive(args.seed, "seed", 0xffffffff),
  apiSeconds: args["api-seconds"] === undefined ? base.apiSeconds : positive(args["api-seconds"], "api-seconds", 600),
  engines: args.engines === undefined ? base.engines : args.engines.split(",").map((e) => {
    const engine = e.trim() as Engine;
    if (!ENGINES.includes(engine)) fail(`--engines: expected some of ${ENGINES.join(", ")}, got "${e}"`);
    return engine;
  }),
} as const;
const out = resolve(args.out ?? join(ROOT, "bench", args.quick ? "quick" : ""));

const started = performance.now();
try {
  const results = await runSuite(options);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, "scale.svg"), chart(results));
  writeFileSync(join(out, "results.md"), markdown(results, "scale.svg"));
  process.stderr.write(`\nbenchmark done in ${((performance.now() - started) / 1000).toFixed(0)} s: ${join(out, "results.md")}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
} catch (error) {
  process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
}
