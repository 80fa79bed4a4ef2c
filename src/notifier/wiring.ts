// Composition root of the notifier: its outbox, the index it follows (read only: the read API's
// indexer writes it), the contracts it asks, IO, and its narrow access to the oracle's store (the
// pseudonym vault's reveal and a person's claims, nothing else).
import { resolve } from "node:path";
import { JsonRpcProvider } from "ethers";
import { todayOf, type Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import { attachContracts, type PAChainContracts } from "../chain/contracts.ts";
import type { Deployment } from "../chain/deploy.ts";
import { loadCatalog, reasonName, type Catalog } from "../domain/catalog.ts";
import { openIndexerStore } from "../indexer/wiring.ts";
import type { Logger } from "../logger.ts";
import { claimStatus } from "../oracle/claims.ts";
import { openOracleStore } from "../oracle/store.ts";
import { createPseudonymVault } from "../oracle/vault.ts";
import { oracleStorePath } from "../oracle/wiring.ts";
import { resolveSecret } from "../secrets.ts";
import { createIoClient } from "./io-client.ts";
import { createNotifierMetrics, type NotifierMetrics } from "./metrics.ts";
import { createNotifier, type Answer, type EntitlementsAt, type Notifier } from "./notifier.ts";
import { noticeStorePath, openNoticeStore, type NoticeStore } from "./store.ts";

/** BenefitLedger.entitlements(subject, date): every catalog benefit's answer in one view call. */
export function contractEntitlements(contracts: Pick<PAChainContracts, "ledger" | "catalog">, catalog: Catalog): EntitlementsAt {
  let ids: Promise<string[]> | undefined;
  const byId = new Map(catalog.benefits.map((b) => [b.id.toLowerCase(), b]));
  return async (subject, date) => {
    ids ??= contracts.catalog.benefitIds().then((list: readonly string[]) => list.map((id) => String(id).toLowerCase()));
    const [answers, benefitIds] = await Promise.all([contracts.ledger.entitlements(subject, date), ids]);
    const out: Answer[] = [];
    benefitIds.forEach((id: string, i: number) => {
      const benefit = byId.get(id);
      const e = answers[i];
      if (!benefit || !e) return;
      out.push({
        benefit: benefit.code,
        monetary: benefit.monetary,
        eligible: e.eligible,
        reason: reasonName(Number(e.reason)),
        assessmentId: String(e.assessmentId),
        monthlyAmountCents: Number(e.monthlyAmountCents),
        reviewDate: Number(e.reviewDate),
      });
    });
    return out;
  };
}

export interface NotifierRuntime {
  notifier: Notifier;
  store: NoticeStore;
  metrics: NotifierMetrics;
  close(): Promise<void>;
}

export async function createNotifierRuntime(options: { config: Config; deployment: Deployment; logger: Logger; clock: Clock }): Promise<NotifierRuntime> {
  const { config, deployment, logger, clock } = options;
  const home = resolve(config.PACHAIN_HOME);
  const store = openNoticeStore(noticeStorePath(config));
  const index = await openIndexerStore(config);
  const provider = new JsonRpcProvider(config.PACHAIN_RPC_URL, deployment.chainId, { staticNetwork: true });
  const contracts = attachContracts(deployment.addresses, provider);
  const catalog = loadCatalog();
  const oracleStore = openOracleStore(oracleStorePath(config));
  const vault = createPseudonymVault({
    store: oracleStore,
    pseudonymKey: resolveSecret(home, "pseudonym-key", config.PACHAIN_PSEUDONYM_KEY),
    vaultKey: resolveSecret(home, "vault-key", config.PACHAIN_VAULT_KEY),
  });
  const metrics = createNotifierMetrics();
  const notifier = createNotifier({
    store,
    index,
    entitlementsAt: contractEntitlements(contracts, catalog),
    // The only two things the notifier may ask the oracle's store.
    people: { fiscalCodeOf: (subject) => vault.reveal(subject), claimsOf: (subject) => claimStatus({ store: oracleStore }, subject) },
    io: createIoClient({ baseUrl: config.PACHAIN_IO_URL, subscriptionKey: config.PACHAIN_IO_SUBSCRIPTION_KEY }),
    catalog,
    today: () => todayOf(clock),
    claimUrl: config.PACHAIN_NOTIFIER_CLAIM_URL,
    logger,
    metrics,
    pollIntervalMs: config.PACHAIN_NOTIFIER_POLL_INTERVAL_MS,
  });
  return {
    notifier, store, metrics,
    async close() {
      await notifier.stop();
      store.close();
      oracleStore.close();
      await index.close();
      provider.destroy();
    },
  };
}
