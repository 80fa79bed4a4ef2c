// Composition root of the read API: the chain client, the index (the caller's, or an indexer this
// API runs itself), the access log, the authenticator and, when it runs beside the oracle, the
// oracle's intake and outbox. Listens on 127.0.0.1.
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { JsonRpcProvider } from "ethers";
import { clockFromEnv, type Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { attachContracts } from "../chain/contracts.ts";
import type { Deployment } from "../chain/deploy.ts";
import { loadCatalog } from "../domain/catalog.ts";
import { pseudonymise } from "../domain/pseudonym.ts";
import type { IndexerStatus } from "../indexer/indexer.ts";
import { openPostgresDatabase } from "../indexer/postgres.ts";
import { openSqliteDatabase } from "../indexer/sqlite.ts";
import type { IndexerStore } from "../indexer/store.ts";
import { createIndexerRuntime, type IndexerRuntime } from "../indexer/wiring.ts";
import type { Logger } from "../logger.ts";
import { resolveSecret } from "../secrets.ts";
import { createApp } from "./app.ts";
import { createAuthenticator } from "./auth.ts";
import { createDemoSigner } from "./demo-signer.ts";
import { createAccessLog } from "./data/access-log.ts";
import { createIndexReader } from "./data/index-reader.ts";
import { createApiMetrics } from "./metrics.ts";
import { createServices } from "./services.ts";
import type { OracleLink } from "./services/commission.ts";

export interface RunningApi {
  url: string;
  close(): Promise<void>;
}

export interface IndexLink {
  store: Pick<IndexerStore, "query">;
  status(): Promise<IndexerStatus>;
}

export async function startApi(options: {
  config: Config;
  deployment: Deployment;
  logger: Logger;
  port?: number;
  /** The index to read; without it the API runs its own indexer into the configured store. */
  index?: IndexLink;
  /** The oracle's intake and outbox, for commission submissions and the operators' views. */
  oracle?: OracleLink;
  /** Where "today" comes from (default: the environment's, src/clock.ts). */
  clock?: Clock;
}): Promise<RunningApi> {
  const { config, deployment, logger } = options;
  const home = resolve(config.PACHAIN_HOME);
  const clock = options.clock ?? clockFromEnv();
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, deployment.chainId, { staticNetwork: true, batchStallTime: 0 });
  const pseudonymKey = resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY);
  const demoKey = config.PACHAIN_API_DEMO
    ? Buffer.from(resolveSecret(home, "api-demo-jwt-key", undefined).slice(2), "hex")
    : undefined;

  // What was opened, closed in reverse order on close or when start-up fails half-way.
  const opened: Array<() => Promise<void>> = [async () => provider.destroy()];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close();
  };
  try {
    let ownIndexer: IndexerRuntime | undefined;
    let index = options.index;
    if (!index) {
      const runtime = (ownIndexer = await createIndexerRuntime({ config, deployment, logger }));
      opened.push(() => runtime.close());
      index = { store: runtime.store, status: () => runtime.indexer.status() };
    }
    const indexLink = index;
    // Beside the index in PostgreSQL when there is one (its own table), else in its own SQLite file.
    const accessLog = await createAccessLog(config.DATABASE_URL !== undefined
      ? await openPostgresDatabase(config.DATABASE_URL, { poolSize: 2 })
      : openSqliteDatabase(resolve(config.PACHAIN_API_ACCESS_LOG_FILE ?? join(home, "api", "access-log.sqlite"))));
    opened.push(() => accessLog.close());
    const services = createServices({
      contracts: attachContracts(deployment.addresses, provider),
      catalog: loadCatalog(),
      reader: createIndexReader(indexLink.store),
      accessLog,
      pseudonymOf: (fiscalCode) => pseudonymise(fiscalCode, pseudonymKey),
      oracle: options.oracle,
      demoSigner: config.PACHAIN_API_DEMO ? createDemoSigner({ home, deployment, pseudonymKey, clock }) : undefined,
      indexStatus: () => indexLink.status(),
      proofKey: resolveSecret(home, "api-proof-key", config.PACHAIN_API_PROOF_KEY),
      clock,
    });
    const app = createApp({
      services,
      auth: createAuthenticator({
        demoKey, jwksUrl: config.PACHAIN_API_JWKS_URL, issuer: config.PACHAIN_API_ISSUER, maxLifetimeSeconds: config.PACHAIN_API_TOKEN_MAX_LIFETIME_SECONDS,
      }),
      logger,
      metrics: createApiMetrics(),
      rateLimit: { perSecond: config.PACHAIN_API_RATE_LIMIT_PER_SECOND, burst: config.PACHAIN_API_RATE_LIMIT_BURST },
      publicRateLimit: { perSecond: config.PACHAIN_API_PUBLIC_RATE_LIMIT_PER_SECOND, burst: config.PACHAIN_API_PUBLIC_RATE_LIMIT_BURST },
      readiness: async () => {
        try {
          await provider.getBlockNumber();
        } catch {
          return { ready: false, chain: "unreachable", index: "unknown" };
        }
        const status = await indexLink.status();
        const caughtUp = status.lagBlocks === 0;
        return { ready: caughtUp, chain: "answering", index: caughtUp ? "caught up" : `${status.lagBlocks} blocks behind` };
      },
    });
    const server: Server = await new Promise((resolveServer, reject) => {
      const s = app.listen(options.port ?? config.PACHAIN_API_PORT, "127.0.0.1", () => resolveServer(s)).once("error", reject);
    });
    opened.push(() => new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    }));
    ownIndexer?.indexer.start();
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    logger.info({ url, demo: config.PACHAIN_API_DEMO }, "read API listening");
    return { url, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
