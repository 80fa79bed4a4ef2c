// npm run --silent scenario -- FILE [--check]   (--help: usage and exit codes)
// Runs a conformance scenario on a fresh in-process chain and prints one JSON answer per query.
// Exit 0 when every query was answered (and, with --check, matched FILE's .expected.jsonl),
// 1 on a difference, 2 when the scenario is malformed (nothing is recorded then).
import { readFileSync } from "node:fs";
import { createProgram } from "../src/cli.ts";
import { parseScenario } from "../src/conformance/scenario.ts";
import { compareAnswers } from "../src/conformance/compare.ts";
import { loadCatalog } from "../src/domain/catalog.ts";
import { PaChainError } from "../src/errors.ts";

const program = createProgram("npm run --silent scenario --", "Run a conformance scenario on a fresh in-process chain and print one JSON answer per query.", [
  [0, "every query answered (and, with --check, matched)"], [1, "a difference with the .expected.jsonl"], [2, "bad usage, or a malformed scenario: nothing was recorded"],
])
  .argument("<file>", "the scenario (JSON)")
  .option("--check", "compare with FILE's .expected.jsonl beside it");
program.parse(process.argv);
const [file] = program.args;
const check = program.opts<{ check?: boolean }>().check === true;

let scenario;
try {
  scenario = parseScenario(JSON.parse(readFileSync(file, "utf8")), loadCatalog());
} catch (error) {
  const reason = error instanceof PaChainError || error instanceof SyntaxError ? error.message : String(error);
  console.error(`scenario ${file} refused: ${reason}`);
  process.exit(2);
}

// Loaded only for a valid scenario: Hardhat's start-up is the slow part.
const { runScenario } = await import("../src/conformance/runner.ts");
const answers = [];
for await (const answer of runScenario(scenario)) {
  answers.push(answer);
  console.log(JSON.stringify(answer));
}
if (check) {
  const expectedFile = file.replace(/\.json$/, ".expected.jsonl");
  const differences = compareAnswers(answers, readFileSync(expectedFile, "utf8"));
  for (const d of differences) console.error(d);
  if (differences.length > 0) {
    console.error(`${differences.length} difference(s) with ${expectedFile}`);
    process.exit(1);
  }
  console.error(`all ${answers.length} answers match ${expectedFile}`);
}
