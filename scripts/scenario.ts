// npm run --silent scenario -- FILE [--check]
// Runs a conformance scenario on a fresh in-process chain and prints one JSON answer per query.
// Exit 0 when every query was answered (and, with --check, matched FILE's .expected.jsonl),
// 1 on a difference, 2 when the scenario is malformed (nothing is recorded then).
import { readFileSync } from "node:fs";
import { parseScenario } from "../src/conformance/scenario.ts";
import { compareAnswers } from "../src/conformance/compare.ts";
import { loadCatalog } from "../src/domain/catalog.ts";
import { PaChainError } from "../src/errors.ts";

const USAGE = "usage: npm run --silent scenario -- FILE.json [--check]";
const args = process.argv.slice(2);
const check = args.includes("--check");
const files = args.filter((a) => a !== "--check");
if (files.length !== 1 || args.some((a) => a.startsWith("--") && a !== "--check")) {
  console.error(USAGE);
  process.exit(2);
}
const file = files[0];

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
