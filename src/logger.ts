// Structured logs: a constant message plus fields, one child logger per module.
import { pino, type Logger } from "pino";

export type { Logger };

export function createLogger(level: string = "info"): Logger {
  return pino({ level, base: { service: "pa-chain" } });
}
