// Prometheus's own checker, promtool (Debian's prometheus package; scripts/ci-prometheus.sh installs
// it in CI): metrics pages, scrape configurations, alert rules and their unit tests. Without it the
// suites that need it are skipped with a loud message, except under CI=true, where that fails.
import { spawnSync } from "node:child_process";

export function promtoolMissing(): string | undefined {
  const probe = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return "promtool is not installed (apt-get install prometheus, or sh scripts/ci-prometheus.sh)";
  return undefined;
}

/** Skips the suite (this = mocha's context) when promtool is missing; throws under CI=true. */
export function requirePromtool(context: Mocha.Context, suite: string): void {
  const why = promtoolMissing();
  if (!why) return;
  if (process.env.CI === "true") throw new Error(`${suite}: promtool is required under CI=true, but ${why}`);
  console.warn(`\n  !! ${suite} SKIPPED: ${why}\n`);
  context.skip();
}

/** Runs promtool; `input` goes to its standard input. */
export function promtool(args: string[], input?: string): { status: number; output: string } {
  const run = spawnSync("promtool", args, { input, encoding: "utf8", timeout: 60_000 });
  return { status: run.status ?? 1, output: `${run.stdout ?? ""}${run.stderr ?? ""}` };
}
