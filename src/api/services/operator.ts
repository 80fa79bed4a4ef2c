// What an operator of the consortium watches and mends: the waves' phases on chain, the oracle's
// dead letters (with re-drive), and how far the oracle is behind each source feed, all through the
// oracle's gateway.
import type { Catalog } from "../../domain/catalog.ts";
import type { WavePhaseName } from "../../domain/catalog.ts";
import type { OracleGateway } from "../../oracle/gateway.ts";
import type { IndexReader } from "../data/index-reader.ts";
import { requireOracle } from "./commission.ts";

export function createOperatorService(deps: { oracle: OracleGateway | undefined; reader: IndexReader; catalog: Catalog }) {
  const { reader, catalog } = deps;
  const oracle = () => requireOracle(deps.oracle);
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

    deadLetters: (limit: number) => oracle().deadLetters(limit),

    redrive: (ids: readonly number[] | undefined) => oracle().redrive(ids),

    /** Each source feed's lag and the outbox's counts, as the oracle sees them. */
    lag: () => oracle().lag(),
  };
}

export type OperatorService = ReturnType<typeof createOperatorService>;
