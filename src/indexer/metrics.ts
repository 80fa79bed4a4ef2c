// Prometheus metrics of the indexer: what it stored, how far it is, how far behind the chain.
import { Counter, Gauge, Registry } from "prom-client";

export interface IndexerMetrics {
  registry: Registry;
  events: Counter<"contract" | "event">;
  indexedBlock: Gauge;
  headBlock: Gauge;
  lagBlocks: Gauge;
  lagSeconds: Gauge;
  rewinds: Counter;
  resets: Counter;
}

export function createIndexerMetrics(registry = new Registry()): IndexerMetrics {
  return {
    registry,
    events: new Counter({ name: "pachain_indexer_events_total", help: "Events stored by the indexer", labelNames: ["contract", "event"], registers: [registry] }),
    indexedBlock: new Gauge({ name: "pachain_indexer_indexed_block", help: "Last block whose events are all stored", registers: [registry] }),
    headBlock: new Gauge({ name: "pachain_indexer_head_block", help: "Latest block of the node, as last seen", registers: [registry] }),
    lagBlocks: new Gauge({ name: "pachain_indexer_lag_blocks", help: "Final blocks (head minus confirmations) not yet indexed", registers: [registry] }),
    lagSeconds: new Gauge({
      name: "pachain_indexer_lag_seconds", help: "Seconds since the index was last caught up with the chain's final blocks (0 while caught up)", registers: [registry],
    }),
    rewinds: new Counter({ name: "pachain_indexer_rewinds_total", help: "Reorgs detected at the checkpoint and rewound", registers: [registry] }),
    resets: new Counter({ name: "pachain_indexer_resets_total", help: "Chain resets (genesis changed) or new deployments: index started over", registers: [registry] }),
  };
}
