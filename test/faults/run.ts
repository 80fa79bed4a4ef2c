// npm run test:faults [-- --size N --seed S --faults F --load-seconds T]
// The long fault and load suite of issue 6 (test/faults/suite.ts): a reference run without faults,
// the same population under SIGKILLs of the oracle and the indexer, node cut-offs, PostgreSQL
// restarts and a Besu-like node pool's faults, then sustained load and the rate limiter, then
// writes through the read API while it and the notifier are SIGKILLed. Prints progress, a summary
// table and, last, one JSON line {"faultsInjected", "kinds", "recordsChecked", "mismatches",
// "durationSeconds"}. Exit 1 on any mismatch.
// It lives beside the suite (scripts never import test/) and runs only as the command: the test
// runner loads every file under test/, and loading this one must start nothing.
import { fileURLToPath } from "node:url";
import { runFaultSuite } from "./suite.ts";

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  if (i === -1) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`test:faults: ${name} needs a whole number, got ${JSON.stringify(process.argv[i + 1])}\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const options = {
    size: option("--size", 150),
    seed: option("--seed", 61),
    faults: option("--faults", 66),
    loadSeconds: option("--load-seconds", 15),
    log: (line: string) => process.stderr.write(`test:faults: ${line}\n`),
  };

  const startedAt = Date.now();
  try {
    const report = await runFaultSuite(options);
    const rows: Array<[string, string]> = [
      ["runs (reference + faulty)", String(report.runs)],
      ["faults injected", `${report.faultsInjected} (${Object.entries(report.faultsByKind).map(([k, n]) => `${k} ×${n}`).join(", ")})`],
      ["records checked", String(report.recordsChecked)],
      ["mismatches", String(report.mismatches)],
      ["load: requests / non-2xx / errors", `${report.load.requests} / ${report.load.non2xx} / ${report.load.errors}`],
      ["load: p99 latency", `${report.load.latencyP99Ms} ms`],
      ["load: RSS start / max / end", `${report.load.rssStartMb} / ${report.load.rssMaxMb} / ${report.load.rssEndMb} MB`],
      ["rate limit: answered / 429 / allowed at most", `${report.rateLimit.ok} / ${report.rateLimit.limited} / ${report.rateLimit.allowedMax}`],
      ["writes: assessments / claims / notices (attempts unanswered)", `${report.writes.assessments} / ${report.writes.claims} / ${report.writes.notices} (${report.writes.unansweredAttempts})`],
      ["duration", `${Math.round((Date.now() - startedAt) / 1000)} s`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n| ${"what".padEnd(width)} | value |\n|${"-".repeat(width + 2)}|-------|`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(width)} | ${v} |`);
    for (const detail of report.details) console.log(`  mismatch: ${detail}`);
    console.log(JSON.stringify({
      faultsInjected: report.faultsInjected, kinds: Object.keys(report.faultsByKind).length, recordsChecked: report.recordsChecked,
      mismatches: report.mismatches, durationSeconds: Math.round((Date.now() - startedAt) / 1000),
    }));
    process.exit(report.mismatches === 0 ? 0 : 1);
  } catch (error) {
    process.stderr.write(`test:faults: failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  }
}
