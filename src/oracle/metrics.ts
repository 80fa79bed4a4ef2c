// Prometheus metrics of the oracle: what came in, what went on chain, what was refused, how far behind.
import { Counter, Gauge, Registry } from "prom-client";

export interface OracleMetrics {
  registry: Registry;
  received: Counter<"source" | "kind">;
  relayed: Counter<"relayer" | "kind">;
  refused: Counter<"relayer" | "reason">;
  pending: Gauge<"relayer">;
  lagSeconds: Gauge<"source">;
}

export function createOracleMetrics(registry = new Registry()): OracleMetrics {
  return {
    registry,
    received: new Counter({ name: "pachain_oracle_records_received_total", help: "Feed events accepted into the outbox", labelNames: ["source", "kind"], registers: [registry] }),
    relayed: new Counter({ name: "pachain_oracle_records_relayed_total", help: "Outbox items settled on chain", labelNames: ["relayer", "kind"], registers: [registry] }),
    refused: new Counter({ name: "pachain_oracle_records_refused_total", help: "Items dead-lettered, by reason", labelNames: ["relayer", "reason"], registers: [registry] }),
    pending: new Gauge({ name: "pachain_oracle_outbox_pending", help: "Outbox items waiting for the chain", labelNames: ["relayer"], registers: [registry] }),
    lagSeconds: new Gauge({ name: "pachain_oracle_source_lag_seconds", help: "Seconds since the source's feed was last read to its end", labelNames: ["source"], registers: [registry] }),
  };
}
