// Prometheus metrics of the oracle: what came in, what went on chain, what was refused, how far
// behind; and, read from the outbox and the node at each scrape, what an on-call engineer looks at
// first: dead letters by source and reason, the outbox's depth, the sources' cursors, transactions
// in flight and the last nonce of each relayer, the chain's head and how old it is.
import { Counter, Gauge, Registry } from "prom-client";

export interface OracleMetrics {
  registry: Registry;
  received: Counter<"source" | "kind">;
  relayed: Counter<"relayer" | "kind">;
  refused: Counter<"relayer" | "reason">;
  pending: Gauge<"relayer">;
  lagSeconds: Gauge<"source">;
  /** Transactions sent and not yet mined, per relayer. */
  inFlight: Gauge<"relayer">;
  /** The nonce of the relayer's last transaction sent. */
  lastNonce: Gauge<"relayer">;
}

export function createOracleMetrics(registry = new Registry()): OracleMetrics {
  return {
    registry,
    received: new Counter({ name: "pachain_oracle_records_received_total", help: "Feed events accepted into the outbox", labelNames: ["source", "kind"], registers: [registry] }),
    relayed: new Counter({ name: "pachain_oracle_records_relayed_total", help: "Outbox items settled on chain", labelNames: ["relayer", "kind"], registers: [registry] }),
    refused: new Counter({ name: "pachain_oracle_records_refused_total", help: "Items dead-lettered, by reason", labelNames: ["relayer", "reason"], registers: [registry] }),
    pending: new Gauge({ name: "pachain_oracle_outbox_pending", help: "Outbox items waiting for the chain", labelNames: ["relayer"], registers: [registry] }),
    lagSeconds: new Gauge({ name: "pachain_oracle_source_lag_seconds", help: "Seconds since the source's feed was last read to its end", labelNames: ["source"], registers: [registry] }),
    inFlight: new Gauge({ name: "pachain_oracle_relayer_transactions_in_flight", help: "Transactions the relayer sent that are not mined yet", labelNames: ["relayer"], registers: [registry] }),
    lastNonce: new Gauge({ name: "pachain_oracle_relayer_last_nonce", help: "Nonce of the relayer's last transaction sent", labelNames: ["relayer"], registers: [registry] }),
  };
}

/** What the scrape-time gauges read. */
export interface OracleStateSources {
  store: {
    counts(): Record<"pending" | "sent" | "done" | "dead", number>;
    deadLetterCounts(): Array<{ source: string; reason: string; count: number }>;
    cursors(): Array<{ source: string; cursor: number }>;
  };
  /** The node's latest block number and its timestamp (unix seconds); throws when the node does not answer. */
  head(): Promise<{ number: number; timestamp: number }>;
  /** Unix milliseconds now, from the system's clock (the chain's blocks are dated on it). */
  nowMs(): number;
}

/**
 * Gauges computed when Prometheus scrapes: the outbox's state and the chain's head. A node that
 * does not answer leaves the head gauges out of that scrape (the alert on a stale head fires on
 * their absence too) rather than failing the whole scrape.
 */
export function addOracleStateMetrics(metrics: OracleMetrics, from: OracleStateSources): void {
  const { registry } = metrics;
  new Gauge({
    name: "pachain_oracle_dead_letters", help: "Dead letters in the outbox (refused, waiting for an operator), by source and reason",
    labelNames: ["source", "reason"], registers: [registry],
    collect() {
      this.reset();
      for (const d of from.store.deadLetterCounts()) this.set({ source: d.source, reason: d.reason }, d.count);
    },
  });
  new Gauge({
    name: "pachain_oracle_outbox_items", help: "Outbox items by status (pending and sent make the depth; done and dead are settled)",
    labelNames: ["status"], registers: [registry],
    collect() {
      for (const [status, n] of Object.entries(from.store.counts())) this.set({ status }, n);
    },
  });
  new Gauge({
    name: "pachain_oracle_outbox_depth", help: "Outbox items not settled yet (pending plus sent)", registers: [registry],
    collect() {
      const counts = from.store.counts();
      this.set(counts.pending + counts.sent);
    },
  });
  new Gauge({
    name: "pachain_oracle_source_cursor", help: "The last feed event the oracle has taken in, by source", labelNames: ["source"], registers: [registry],
    collect() {
      for (const c of from.store.cursors()) this.set({ source: c.source }, c.cursor);
    },
  });
  let head: Promise<{ number: number; timestamp: number } | undefined> | undefined;
  // Both head gauges read one answer of the node per scrape.
  const readHead = () => (head ??= from.head().catch(() => undefined).finally(() => setTimeout(() => (head = undefined), 0)));
  new Gauge({
    name: "pachain_chain_head_block", help: "The node's latest block number", registers: [registry],
    async collect() {
      this.reset();
      const h = await readHead();
      if (h) this.set(h.number);
    },
  });
  new Gauge({
    name: "pachain_chain_head_age_seconds", help: "Seconds since the node's latest block was produced", registers: [registry],
    async collect() {
      this.reset();
      const h = await readHead();
      if (h) this.set(Math.max(0, from.nowMs() / 1000 - h.timestamp));
    },
  });
}
