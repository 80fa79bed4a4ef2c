// What an operator of the consortium watches and mends: the waves' phases on chain, the oracle's
// dead letters (with re-drive), and how far the oracle is behind each source feed.
import type { Catalog } from "../../domain/catalog.ts";
import type { WavePhaseName } from "../../domain/catalog.ts";
import { PaChainError } from "../../errors.ts";
import type { IndexReader } from "../data/index-reader.ts";
import type { OracleLink } from "./commission.ts";

const FEED_TIMEOUT_MS = 2000;
const FEED_COUNT_LIMIT = 1000;

export function createOperatorService(deps: { oracle: OracleLink | undefined; reader: IndexReader; catalog: Catalog }) {
  const { reader, catalog } = deps;
  const oracle = () => {
    if (!deps.oracle) throw new PaChainError("UNAVAILABLE", "the oracle is not attached to this API", { status: 503 });
    return deps.oracle;
  };
  return {
    async waves() {
      const rows = await reader.waves();
      const waves = [...new Set(catalog.benefits.map((b) => b.wave))].sort();
      return waves.map((wave) => {
        const row = rows.find((r) => r.wave === wave);
        return {
          wave,
          // A wave never set on chain is PLANNED (the catalog's default phase).
          phase: (row?.phaseName ?? "PLANNED") as WavePhaseName,
          pilotProvinces: row?.pilotProvinces ?? [],
          benefits: catalog.benefits.filter((b) => b.wave === wave).map((b) => b.code),
          changed: row ? { block: row.changedBlock, txHash: row.changedTx, time: new Date(row.changedTime * 1000).toISOString() } : null,
        };
      });
    },

    deadLetters(limit: number) {
      return oracle().store.items({ status: "dead" }, limit).map((i) => ({
        id: i.id, source: i.source, recordKey: i.recordKey, kind: i.kind, errorName: i.errorName, errorDetail: i.errorDetail, attempts: i.attempts,
      }));
    },

    redrive(ids: readonly number[] | undefined): number {
      return oracle().store.redrive(ids);
    },

    async lag() {
      const { store, sources } = oracle();
      return Promise.all(
        sources.map(async ({ source, url }) => {
          const cursor = store.cursor(source);
          let newEvents: number | null = null;
          try {
            const response = await fetch(`${url}/v1/events?after=${cursor}&limit=${FEED_COUNT_LIMIT}`, { signal: AbortSignal.timeout(FEED_TIMEOUT_MS) });
            if (response.ok) newEvents = ((await response.json()) as { events: unknown[] }).events.length;
          } catch {
            // The feed does not answer: shown as null, not as an error of this endpoint.
          }
          return { source, url, cursor, newEvents };
        }),
      );
    },
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
