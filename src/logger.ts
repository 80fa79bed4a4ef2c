// Structured logs: a constant message plus fields, one child logger per module.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

export function createLogger(level: string = "info"): Logger {
  return pino({ level, base: { service: "pa-chain" } });
}

/**
 * The logger of a command a person watches (npm start): every JSON log line goes to `file` (under
 * PACHAIN_HOME), so the terminal shows the command's own progress; on a terminal, warnings and
 * errors are also printed there, readable (pino-pretty).
 */
export function createFileLogger(level: string, file: string, options: { terminal?: boolean } = {}): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: pino.destination({ dest: file, sync: true, mkdir: true }) }];
  if (options.terminal) {
    streams.push({ level: "warn", stream: pretty({ destination: 2, colorize: true, ignore: "pid,hostname,service", translateTime: "SYS:HH:MM:ss" }) });
  }
  return pino({ level, base: { service: "pa-chain" } }, pino.multistream(streams));
}
