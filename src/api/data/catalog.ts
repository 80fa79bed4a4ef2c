// The benefit catalog the read API and the pages serve: the chain's. Read once from the contract at
// start (the index may still be catching up), then from the index (BenefitDefined and YearTermsSet
// events) every second once it has caught up, so a benefit governance defines on chain appears
// without a file or a release. data/benefit-rules.json is only what the deployment seeds.
import type { Catalog } from "../../domain/catalog.ts";
import type { Logger } from "../../logger.ts";
import type { IndexReader } from "./index-reader.ts";

/** How often the catalog is read again from the index. */
const CATALOG_REFRESH_MS = 1000;

export interface IndexedCatalog extends Catalog {
  /** Reads the catalog from the index now, if it has caught up (readiness calls it). */
  refresh(): Promise<void>;
  close(): void;
}

export async function createIndexedCatalog(options: {
  reader: Pick<IndexReader, "catalog">;
  /** Whether the index has caught up with the chain (its catalog is then the chain's). */
  indexCaughtUp(): Promise<boolean>;
  /** The catalog straight from the contract, for the start (src/chain/catalog-reader.ts). */
  fromChain(): Promise<Catalog>;
  logger: Logger;
}): Promise<IndexedCatalog> {
  const { reader, indexCaughtUp, logger } = options;
  let current: Catalog;
  try {
    current = await options.fromChain();
  } catch (err) {
    // The node does not answer yet: start from what the index holds, the refresh catches up.
    logger.warn({ err }, "catalog not readable from the chain at start; reading it from the index");
    current = await reader.catalog();
  }
  const refresh = async () => {
    if (await indexCaughtUp()) current = await reader.catalog();
  };
  const timer = setInterval(() => {
    refresh().catch((err: unknown) => logger.warn({ err }, "catalog refresh failed"));
  }, CATALOG_REFRESH_MS);
  timer.unref();
  return {
    get benefits() {
      return current.benefits;
    },
    refresh,
    close: () => clearInterval(timer),
  };
}
