// Composition root of the read API: the chain client, the index (the caller's, or an indexer this
// API runs itself), the access log, the authenticator and the oracle's gateway (in process, or over
// HTTP to an oracle in another process). Listens on 127.0.0.1.
import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { clockFromEnv, type Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { readCatalog } from "../chain/catalog-reader.ts";
import { attachContracts } from "../chain/contracts.ts";
import type { Deployment } from "../chain/deploy.ts";
import { pseudonymise } from "../domain/pseudonym.ts";
import type { IndexerStatus } from "../indexer/indexer.ts";
import { openPostgresDatabase } from "../indexer/postgres.ts";
import { openSqliteDatabase } from "../indexer/sqlite.ts";
import type { IndexerStore } from "../indexer/store.ts";
import { createIndexerRuntime, type IndexerRuntime } from "../indexer/wiring.ts";
import type { Logger } from "../logger.ts";
import { noticeStorePath, openNoticeStore } from "../notifier/store.ts";
import { resolveSecret } from "../secrets.ts";
import { createApp } from "./app.ts";
import { createCredentialSystem, type CredentialSystem } from "./credentials-wiring.ts";
import { createCredentialStore } from "./data/credential-store.ts";
import { createAuthenticator } from "./auth.ts";
import { createDemoRevocationSigner, createDemoSigner } from "./demo-signer.ts";
import { createIntegrityVerifier } from "./integrity.ts";
import { createAccessLog } from "./data/access-log.ts";
import { createDelegationStore } from "./data/delegations.ts";
import { createPatronatoChain, loadPatronatoDirectory } from "./data/directory.ts";
import { createIndexedCatalog } from "./data/catalog.ts";
import { createIndexReader } from "./data/index-reader.ts";
import { createApiMetrics } from "./metrics.ts";
import { createIndexerMetrics } from "../indexer/metrics.ts";
import { createServices } from "./services.ts";
import { createHttpOracleGateway, type OracleGateway } from "../oracle/gateway.ts";

/** How often the retention job runs. */
const DAY_MS = 86_400_000;

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
  /**
   * The oracle's gateway, for commission submissions and the operators' views: the caller's (an
   * oracle in this process), else the HTTP gateway at PACHAIN_ORACLE_GATEWAY_URL, else none (503).
   */
  oracle?: OracleGateway;
  /** Where "today" comes from (default: the environment's, src/clock.ts). */
  clock?: Clock;
}): Promise<RunningApi> {
  const { config, deployment, logger } = options;
  const home = resolve(config.PACHAIN_HOME);
  const clock = options.clock ?? clockFromEnv();
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, deployment.chainId, { staticNetwork: true, batchStallTime: 0 });
  const pseudonymKey = resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY);
  const integrityKeysDir = resolve(config.PACHAIN_API_INTEGRITY_KEYS_DIR ?? join(home, "api", "integrity-keys"));
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
    const metrics = createApiMetrics();
    if (!index) {
      // Its own indexer's metrics (lag in blocks and seconds) are published on the API's /metrics.
      const runtime = (ownIndexer = await createIndexerRuntime({ config, deployment, logger, metrics: createIndexerMetrics(metrics.registry) }));
      opened.push(() => runtime.close());
      index = { store: runtime.store, status: () => runtime.indexer.status() };
    }
    const indexLink = index;
    // Beside the index in PostgreSQL when there is one (its own table), else in its own SQLite file.
    const accessLog = await createAccessLog(config.DATABASE_URL !== undefined
      ? await openPostgresDatabase(config.DATABASE_URL, { poolSize: 2 })
      : openSqliteDatabase(resolve(config.PACHAIN_API_ACCESS_LOG_FILE ?? join(home, "api", "access-log.sqlite"))));
    opened.push(() => accessLog.close());
    const reader = createIndexReader(indexLink.store);
    const contracts = attachContracts(deployment.addresses, provider);
    const catalog = await createIndexedCatalog({
      reader,
      indexCaughtUp: async () => (await indexLink.status()).lagBlocks === 0,
      fromChain: () => readCatalog(contracts.catalog),
      logger,
    });
    opened.push(async () => catalog.close());
    // The credential issuer's records, beside the access log (PostgreSQL, or their own SQLite file).
    let publicUrl = config.PACHAIN_API_PUBLIC_URL?.replace(/\/+$/, "");
    let credentials: CredentialSystem | undefined;
    if (deployment.credentials) {
      const credentialStore = await createCredentialStore(config.DATABASE_URL !== undefined
        ? await openPostgresDatabase(config.DATABASE_URL, { poolSize: 2 })
        : openSqliteDatabase(join(home, "api", "credentials.sqlite")));
      opened.push(() => credentialStore.close());
      credentials = await createCredentialSystem({
        contracts,
        catalog,
        store: credentialStore,
        issuerSecret: resolveSecret(home, "credential-issuer-key", config.PACHAIN_CREDENTIAL_ISSUER_KEY),
        anchorAddress: deployment.credentials.statusListAnchor,
        anchorWallet: new Wallet(config.PACHAIN_CREDENTIAL_ANCHOR_KEY, provider) as Wallet & { provider: JsonRpcProvider },
        gasPrice: config.PACHAIN_GAS_PRICE === undefined ? undefined : BigInt(config.PACHAIN_GAS_PRICE),
        publicUrl: () => publicUrl!,
        indexedBlock: async () => (await indexLink.status()).indexedBlock,
        clock,
        logger,
      });
      const system = credentials;
      opened.push(() => system.statusLists.stop());
    } else {
      logger.warn({}, "the deployment record names no StatusListAnchor: credentials are off");
    }
    // Delegations to patronati: durable beside the access log (PostgreSQL), or their own SQLite file.
    const delegations = await createDelegationStore(config.DATABASE_URL !== undefined
      ? await openPostgresDatabase(config.DATABASE_URL, { poolSize: 2 })
      : openSqliteDatabase(resolve(config.PACHAIN_API_DELEGATIONS_FILE ?? join(home, "api", "delegations.sqlite"))));
    opened.push(() => delegations.close());
    // The commission register's submissions (verbale number, initials): beside the access log, or their own SQLite file.
    const commissionRegisterDb = config.DATABASE_URL !== undefined
      ? await openPostgresDatabase(config.DATABASE_URL, { poolSize: 2 })
      : openSqliteDatabase(join(home, "api", "commission-register.sqlite"));
    opened.push(() => commissionRegisterDb.close());
    // The notifier's outbox (its own process writes it): read for GET /v1/me/notices.
    const notices = openNoticeStore(noticeStorePath(config));
    opened.push(async () => notices.close());
    const oracle = options.oracle ?? (config.PACHAIN_ORACLE_GATEWAY_URL
      ? createHttpOracleGateway({ url: config.PACHAIN_ORACLE_GATEWAY_URL, secret: config.PACHAIN_ORACLE_GATEWAY_SECRET! })
      : undefined);
    const services = createServices({
      contracts,
      catalog,
      reader,
      accessLog,
      pseudonymOf: (fiscalCode) => pseudonymise(fiscalCode, pseudonymKey),
      oracle,
      // The commissions' own systems are the feeds the oracle reads: read only where an oracle is reached.
      commissionFeedUrls: oracle ? config.PACHAIN_ORACLE_SOURCES.map((source) => source.url) : [],
      commissionRegisterDb,
      demoSigner: config.PACHAIN_API_DEMO ? createDemoSigner({ home, deployment, pseudonymKey, clock, integrityKeysDir }) : undefined,
      integrity: createIntegrityVerifier({ registryDir: integrityKeysDir, nowSeconds: () => Math.floor(clock.nowMs() / 1000) }),
      demoRevocationSigner: config.PACHAIN_API_DEMO ? createDemoRevocationSigner({ home, deployment, clock }) : undefined,
      indexStatus: () => indexLink.status(),
      credentials,
      clock,
      notices,
      delegations,
      // Operators from the consortium's file; which patronati exist, from the chain.
      patronati: loadPatronatoDirectory(join(home, "consortium.json"), (known) => createPatronatoChain({ reader, registry: contracts.organisations, known })),
      delegationRetentionDays: config.PACHAIN_API_DELEGATIONS_RETENTION_DAYS,
    });
    // The retention job: ended delegations past the retention period, at start and then daily.
    const purge = () => services.delegations.purgeEnded()
      .then((deleted) => { if (deleted > 0) logger.info({ deleted }, "ended delegations purged after retention"); })
      .catch((error: unknown) => logger.warn({ err: error }, "purging ended delegations failed; retried tomorrow"));
    await purge();
    const purgeTimer = setInterval(purge, DAY_MS);
    purgeTimer.unref();
    opened.push(async () => clearInterval(purgeTimer));
    const app = createApp({
      services,
      auth: createAuthenticator({
        demoKey, jwksUrl: config.PACHAIN_API_JWKS_URL, issuer: config.PACHAIN_API_ISSUER, maxLifetimeSeconds: config.PACHAIN_API_TOKEN_MAX_LIFETIME_SECONDS,
      }),
      logger,
      metrics,
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
        // Ready means answering from the index as it is now, the benefit catalog included.
        if (caughtUp) await catalog.refresh();
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
    publicUrl ??= url;
    // The first status list needs the issuer's address (its uri) and an anchoring transaction.
    await credentials?.statusLists.start();
    logger.info({ url, demo: config.PACHAIN_API_DEMO }, "read API listening");
    return { url, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
