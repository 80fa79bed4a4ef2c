// What every PA Chain command shares: `--help` from commander with the exit codes documented,
// bad usage refused with exit 2 and the usage, and plain tables for people (`--json` for machines).
import { Command, CommanderError } from "commander";

/** The exit codes every command keeps to (docs/operations.md, "Commands"). */
export const EXIT_CODES: ReadonlyArray<[number, string]> = [
  [0, "done"],
  [1, "failed: a fault, a refusal or a difference (the message says which)"],
  [2, "bad usage or input: nothing was done"],
];

/** A command's program: its name as typed, what it does, its exit codes in --help, exit 2 on bad usage. */
export function createProgram(name: string, description: string, exitCodes: ReadonlyArray<[number, string]> = EXIT_CODES): Command {
  const program = new Command(name)
    .description(description)
    .showHelpAfterError("(add --help for the usage)")
    .addHelpText("after", `\nExit codes:\n${exitCodes.map(([code, what]) => `  ${code}  ${what}`).join("\n")}\n`);
  program.exitOverride((error: CommanderError) => {
    // --help and --version end normally; any usage error is exit 2.
    if (error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.help") process.exit(0);
    process.exit(2);
  });
  return program;
}

/** Refuses a bad value of an option as a usage error (exit 2, with the usage). */
export function usageError(program: Command, message: string): never {
  program.error(message, { exitCode: 2 });
}

/** A plain-text table: a header row, then one row per entry, columns padded to their widest cell. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? "").length)));
  const line = (r: ReadonlyArray<string | number>) => r.map((c, i) => String(c ?? "").padEnd(widths[i])).join("  ").trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
