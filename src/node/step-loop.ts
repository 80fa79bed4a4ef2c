// The loop every long-running worker runs (the oracle's feeds, relayer and decisions; the
// notifier's watch and send): one step after another while running, waiting what the step asks,
// and backing off after a failure — 0.5 s, doubling up to a ceiling — until a step succeeds again.
// A transient failure (a source or IO that is down) is a warning; anything else an error.
import type { Logger } from "../logger.ts";

export const FIRST_BACKOFF_MS = 500;

export interface StepLoop {
  name: string;
  /** One step; answers how long to wait before the next (0: at once). */
  step(): Promise<number>;
  running(): boolean;
  logger: Logger;
  isTransient(error: unknown): boolean;
  maxBackoffMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runStepLoop(loop: StepLoop): Promise<void> {
  const { name, logger } = loop;
  let backoff = 0;
  while (loop.running()) {
    try {
      const waitMs = await loop.step();
      if (backoff > 0) logger.info({ loop: name }, "recovered");
      backoff = 0;
      if (waitMs > 0) await sleep(waitMs);
    } catch (error) {
      backoff = Math.min(backoff === 0 ? FIRST_BACKOFF_MS : backoff * 2, loop.maxBackoffMs);
      const transient = loop.isTransient(error);
      logger[transient ? "warn" : "error"]({ loop: name, err: transient ? (error as Error).message : error, retryInMs: backoff }, "step failed");
      await sleep(backoff);
    }
  }
}
