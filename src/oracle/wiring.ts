// Composition root of the oracle: builds the store, vault, intake, feed adapters and relayers from
// configuration and the deployment record.
import { join, resolve } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { DEV_KEYS, type Config } from "../config.ts";
import { attachContracts, type PAChainContracts } from "../chain/contracts.ts";
import type { Deployment } from "../chain/deploy.ts";
import { loadCatalog, type Catalog } from "../domain/catalog.ts";
import type { Logger } from "../logger.ts";
import { resolveSecret } from "../secrets.ts";
import { createSourceAdapter } from "./adapter.ts";
import { createErrorDecoder } from "../chain/errors.ts";
import { createOracleClaims } from "./claims.ts";
import { createLocalOracleGateway, type OracleGateway } from "./gateway.ts";
import { createIntake, type Intake } from "./intake.ts";
import { addOracleStateMetrics, createOracleMetrics, type OracleMetrics } from "./metrics.ts";
import { clockFromEnv } from "../clock.ts";
import { createRelayer, type Relayer } from "./relayer.ts";
import { createOracle, type Oracle } from "./service.ts";
import { openOracleStore, type OracleStore, type RelayerName } from "./store.ts";
import { createPseudonymVault, type PseudonymVault } from "./vault.ts";
import { misconfigured } from "../errors.ts";

export const RELAYER_OF_SOURCE = { comune: "civil", asl: "health", inps: "inps" } as const satisfies Record<string, RelayerName>;

export interface OracleRuntime {
  oracle: Oracle;
  store: OracleStore;
  vault: PseudonymVault;
  intake: Intake;
  /** What a read API may ask of this oracle (in process; gateway-server.ts serves it over HTTP). */
  gateway: OracleGateway;
  catalog: Catalog;
  contracts: PAChainContracts;
  provider: JsonRpcProvider;
  relayers: Relayer[];
  metrics: OracleMetrics;
  close(): Promise<void>;
}

export function oracleStorePath(config: Config): string {
  return join(resolve(config.PACHAIN_HOME), "oracle", "oracle.sqlite");
}

/**
 * One oracle per organisation (PACHAIN_ORACLE_ORGANISATION set): the oracle reads only sources
 * relayed by one account, its own, whose key is given explicitly; and it shares the consortium's
 * pseudonym key instead of creating one of its own, or its subjects would match no one else's.
 */
export function checkOrganisationOracle(config: Config): void {
  const organisation = config.PACHAIN_ORACLE_ORGANISATION;
  if (organisation === undefined) return;
  const refuse = (message: string) => {
    throw misconfigured(`oracle of ${organisation}: ${message}`);
  };
  const relayers = [...new Set(config.PACHAIN_ORACLE_SOURCES.map((s) => RELAYER_OF_SOURCE[s.source]))];
  if (relayers.length !== 1) {
    refuse(`PACHAIN_ORACLE_SOURCES must list only this organisation's sources, relayed by one account (here: ${relayers.join(", ")})`);
  }
  const keyVariable = RELAYER_KEY_VARIABLE[relayers[0]];
  // Unset, the key defaults to a development key: refusing those refuses an unset key too.
  if ((DEV_KEYS as readonly string[]).includes(config[keyVariable].toLowerCase())) {
    refuse(`${keyVariable} must be set to the organisation's own key (not a development key)`);
  }
  if (!config.PACHAIN_PSEUDONYM_KEY) refuse("PACHAIN_PSEUDONYM_KEY must be set to the consortium's pseudonym key");
  if (config.PACHAIN_EMBEDDED_CHAIN) refuse("PACHAIN_EMBEDDED_CHAIN must be false: the oracle relays to its organisation's node");
}

const RELAYER_KEY_VARIABLE = {
  civil: "PACHAIN_CIVIL_RELAYER_KEY",
  health: "PACHAIN_HEALTH_RELAYER_KEY",
  inps: "PACHAIN_INPS_RELAYER_KEY",
} as const satisfies Record<RelayerName, keyof Config>;

export function createOracleRuntime(options: {
  config: Config;
  deployment: Deployment;
  logger: Logger;
  /** Relayer names to run; default: those of the configured sources. */
  relayerNames?: readonly RelayerName[];
  /** Read the feeds (false for a command that only relays, like the payroll). */
  readFeeds?: boolean;
  metrics?: OracleMetrics;
}): OracleRuntime {
  const { config, readFeeds = true } = options;
  checkOrganisationOracle(config);
  const deployment = options.deployment;
  const logger = config.PACHAIN_ORACLE_ORGANISATION ? options.logger.child({ organisation: config.PACHAIN_ORACLE_ORGANISATION }) : options.logger;
  const home = resolve(config.PACHAIN_HOME);
  const store = openOracleStore(oracleStorePath(config));
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
  const contracts = attachContracts(deployment.addresses, provider);
  const catalog = loadCatalog();
  const metrics = options.metrics ?? createOracleMetrics();
  const clock = clockFromEnv();
  addOracleStateMetrics(metrics, {
    store,
    async head() {
      const block = await provider.getBlock("latest");
      if (!block) throw new Error("no latest block");
      return { number: block.number, timestamp: block.timestamp };
    },
    nowMs: () => clock.nowMs(),
  });
  const vault = createPseudonymVault({
    store,
    pseudonymKey: resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY),
    vaultKey: resolveSecret(home, "vault-key", config.PACHAIN_VAULT_KEY),
  });
  const intake = createIntake({ factsInterface: contracts.facts.interface, vault, catalog });
  const keys: Record<RelayerName, string> = {
    civil: config.PACHAIN_CIVIL_RELAYER_KEY,
    health: config.PACHAIN_HEALTH_RELAYER_KEY,
    inps: config.PACHAIN_INPS_RELAYER_KEY,
  };
  const relayerNames = options.relayerNames ?? [...new Set(config.PACHAIN_ORACLE_SOURCES.map((s) => RELAYER_OF_SOURCE[s.source]))];
  const decodeError = createErrorDecoder();
  const gasPrice = config.PACHAIN_GAS_PRICE === undefined ? undefined : BigInt(config.PACHAIN_GAS_PRICE);
  const relayers = relayerNames.map((name) =>
    createRelayer({
      name, wallet: new Wallet(keys[name], provider), provider, contracts, store, decodeError, logger, metrics, gasPrice,
      pipelineDepth: config.PACHAIN_RELAYER_PIPELINE_DEPTH,
    }),
  );
  const adapters = readFeeds
    ? config.PACHAIN_ORACLE_SOURCES.map(({ source, url }) =>
        createSourceAdapter({ source, baseUrl: url, relayer: RELAYER_OF_SOURCE[source], store, intake, logger, metrics }),
      )
    : [];
  const oracle = createOracle({
    store, adapters, relayers, logger, metrics,
    decides: relayerNames.includes("inps") && readFeeds,
    decisionGraceMs: config.PACHAIN_DECISION_GRACE_SECONDS * 1000,
  });
  const gateway = createLocalOracleGateway({
    intake, store, factsInterface: contracts.facts.interface, sources: config.PACHAIN_ORACLE_SOURCES,
    // Citizens' one-click claims: kept by the oracle that decides applications (INPS's).
    claims: createOracleClaims({ store, catalog }),
  });
  return {
    oracle, store, vault, intake, gateway, catalog, contracts, provider, relayers, metrics,
    async close() {
      await oracle.stop();
      store.close();
      provider.destroy();
    },
  };
}
