// The oracle service: one loop per source feed (read → validate → outbox), one loop per relayer
// account (outbox → chain), and the INPS decision scheduler. Faults back off and retry; stop()
// lets every loop finish its current step, so nothing is left half-done.
import type { Logger } from "../logger.ts";
import { runStepLoop } from "../node/step-loop.ts";
import type { SourceAdapter } from "./adapter.ts";
import type { OracleMetrics } from "./metrics.ts";
import { TransientError, type Relayer } from "./relayer.ts";
import type { OracleStore } from "./store.ts";

const POLL_INTERVAL_MS = 500;
const IDLE_RELAY_MS = 100;
const MAX_BACKOFF_MS = 30_000;
export const HEARTBEAT = "oracle";

export interface Oracle {
  start(): void;
  /** Finishes the current steps and stops; the store stays open (its owner closes it). */
  stop(): Promise<void>;
  /** Resolves once every feed was read to its end, every item settled and every application decided. */
  idle(timeoutMs?: number): Promise<void>;
}

export function createOracle(options: {
  store: OracleStore;
  adapters: readonly SourceAdapter[];
  relayers: readonly Relayer[];
  logger: Logger;
  metrics?: OracleMetrics;
  /** Whether this oracle decides INPS applications (the INPS oracle does). */
  decides: boolean;
  /**
   * How long an application waits, once seen, before it is decided. With one oracle per
   * organisation, INPS's oracle cannot see the municipalities' and ASLs' outboxes: the wait gives
   * their facts (birth, residence, assessment) time to reach the chain, so an application is not
   * refused for evidence that is still on its way. 0 when one oracle relays every source.
   */
  decisionGraceMs?: number;
}): Oracle {
  const { store, adapters, relayers, metrics, decides, decisionGraceMs = 0 } = options;
  const logger = options.logger.child({ module: "oracle" });
  const caughtUp = new Map<string, boolean>(adapters.map((a) => [a.source, false]));
  const lastCaughtUpAt = new Map<string, number>(adapters.map((a) => [a.source, Date.now()]));
  let running = false;
  const loops: Promise<void>[] = [];
  const firstSeen = new Map<string, number>();

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const loop = (name: string, step: () => Promise<number>) =>
    runStepLoop({ name, step, running: () => running, logger, isTransient: (error) => error instanceof TransientError, maxBackoffMs: MAX_BACKOFF_MS });


  function scheduleDecisions(): number {
    if (!decides) return 0;
    const ready = [...caughtUp.values()].every(Boolean) && store.pendingCount("fact") === 0;
    if (!ready) return 0;
    // Facts first: decide only once every feed is read and every fact settled on chain, and each
    // application has waited its grace period (counted from when this process first saw it).
    const now = Date.now();
    const received = store.applications("received").filter((a) => {
      if (!firstSeen.has(a.applicationId)) firstSeen.set(a.applicationId, now);
      return now - firstSeen.get(a.applicationId)! >= decisionGraceMs;
    });
    if (received.length === 0) return 0;
    store.enqueue(received.map((a) => ({
      source: "inps",
      recordKey: `decision:${a.applicationId}`,
      kind: "decision" as const,
      relayer: "inps" as const,
      payload: JSON.stringify({ applicationId: a.applicationId, subject: a.subject, benefit: a.benefit, date: a.date }),
    })));
    for (const a of received) {
      store.setApplicationStatus(a.applicationId, "queued");
      firstSeen.delete(a.applicationId);
    }
    logger.info({ applications: received.length }, "applications queued for decision");
    return received.length;
  }

  function isIdle(): boolean {
    return [...caughtUp.values()].every(Boolean) && store.pendingCount() === 0
      && (!decides || (store.applications("received").length === 0 && store.applications("queued").length === 0));
  }

  return {
    start() {
      if (running) return;
      running = true;
      for (const adapter of adapters) {
        loops.push(loop(`source:${adapter.source}`, async () => {
          const { caughtUp: done } = await adapter.pollOnce();
          caughtUp.set(adapter.source, done);
          if (done) lastCaughtUpAt.set(adapter.source, Date.now());
          metrics?.lagSeconds.set({ source: adapter.source }, (Date.now() - lastCaughtUpAt.get(adapter.source)!) / 1000);
          return done ? POLL_INTERVAL_MS : 0;
        }));
      }
      for (const relayer of relayers) {
        loops.push(loop(`relayer:${relayer.name}`, async () => {
          const outcome = await relayer.relayOnce();
          metrics?.pending.set({ relayer: relayer.name }, store.pendingCount());
          if (outcome.type === "idle") return IDLE_RELAY_MS;
          if (outcome.type === "waiting") return 1000;
          return 0;
        }));
      }
      loops.push(loop("decisions+heartbeat", async () => {
        store.beat(HEARTBEAT);
        scheduleDecisions();
        return POLL_INTERVAL_MS;
      }));
      logger.info({ sources: adapters.map((a) => a.source), relayers: relayers.map((r) => r.name) }, "oracle started");
    },
    async stop() {
      // A command that only read the outbox never started the loops: nothing stopped, nothing to say.
      const started = loops.length > 0;
      running = false;
      await Promise.all(loops.splice(0));
      if (started) logger.info("oracle stopped");
    },
    async idle(timeoutMs = 300_000) {
      const deadline = Date.now() + timeoutMs;
      // Two consecutive idle observations, a poll interval apart, so a page in flight is not missed.
      let idleSeen = 0;
      while (Date.now() < deadline) {
        idleSeen = isIdle() ? idleSeen + 1 : 0;
        if (idleSeen >= 2) return;
        await sleep(POLL_INTERVAL_MS);
      }
      throw new Error(`oracle not idle after ${timeoutMs / 1000} s: ${JSON.stringify(store.counts())}`);
    },
  };
}
