// Structured logs: a constant message plus fields, one child logger per module. No log line carries
// a fiscal code: every line is masked on its way to the destination, whatever put the code there (a
// URL in an error message, a field, a child's bindings, an error's stack), so a code that slips
// into a library's exception never reaches a file.
import { pino, type DestinationStream, type Logger } from "pino";

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

/** Writes to stdout (or `destination`, for tests) with every line masked. */
export function createLogger(level: string = "info", destination?: DestinationStream): Logger {
  // pino.destination(1) is what pino uses by default; it flushes on exit.
  const target = destination ?? pino.destination(1);
  const masked: DestinationStream = { write: (line: string) => target.write(maskFiscalCodes(line)) };
  return pino({ level, base: { service: "pa-chain" } }, masked);
}
