// Structured logs: a constant message plus fields, one child logger per module. No log line carries
// a fiscal code: every line is masked on its way to the destination, whatever put the code there (a
// URL in an error message, a field, a child's bindings, an error's stack), so a code that slips
// into a library's exception never reaches a file.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/** The mask that replaces a fiscal code in a log line. */
export const FISCAL_CODE_MASK = "[fiscal-code]";

// 16 characters: surname, name, year, month letter, day, municipality, check letter; digits may be
// replaced by letters (omocodia). Case-insensitive: a code in a URL may be lower case. No word
// boundaries: a code right after "%2F" in an encoded URL is still a code.
const FISCAL_CODE_TEXT = /[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]/gi;

/** The text with every fiscal code masked. */
export function maskFiscalCodes(text: string): string {
  return text.replace(FISCAL_CODE_TEXT, FISCAL_CODE_MASK);
}

/** A destination that masks every line before `target` sees it. */
function masking(target: DestinationStream): DestinationStream {
  return { write: (line: string) => target.write(maskFiscalCodes(line)) };
}

/** Writes to stdout (or `destination`, for tests) with every line masked. */
export function createLogger(level: string = "info", destination?: DestinationStream): Logger {
  // pino.destination(1) is what pino uses by default; it flushes on exit.
  return pino({ level, base: { service: "pa-chain" } }, masking(destination ?? pino.destination(1)));
}

/**
 * The logger of a command a person watches (npm start): every JSON log line goes to `file` (under
 * PACHAIN_HOME), so the terminal shows the command's own progress; on a terminal, warnings and
 * errors are also printed there, readable (pino-pretty). Both masked like every log line.
 */
export function createFileLogger(level: string, file: string, options: { terminal?: boolean } = {}): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const streams: pino.StreamEntry[] = [
    { level: level as pino.Level, stream: masking(pino.destination({ dest: file, sync: true, mkdir: true })) },
  ];
  if (options.terminal) {
    streams.push({
      level: "warn",
      stream: masking(pretty({ destination: 2, colorize: true, ignore: "pid,hostname,service", translateTime: "SYS:HH:MM:ss" })),
    });
  }
  return pino({ level, base: { service: "pa-chain" } }, pino.multistream(streams));
}
