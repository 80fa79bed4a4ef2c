// Composes the credential issuer, its status lists and the verifier from their dependencies: the
// issuer's ES256 key, the anchoring account, the credential store, the chain's entitlement check
// and the public address (known once the API listens). server.ts builds it; tests may too.
import type { JsonRpcProvider, Wallet } from "ethers";
import type { JWK } from "jose";
import type { Clock } from "../clock.ts";
import type { PAChainContracts } from "../chain/contracts.ts";
import { benefitByCode, reasonName, type Catalog, type ReasonName } from "../domain/catalog.ts";
import { PaChainError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { es256FromSecret } from "../credentials/keys.ts";
import { ISSUER_PATH } from "../credentials/protocol.ts";
import type { CredentialStore, PublishedList } from "./data/credential-store.ts";
import { statusAnchorWriter } from "./data/status-anchor.ts";
import { createCredentialIssuer } from "./services/credentials.ts";
import { createPresentationVerifier } from "./services/presentations.ts";
import { createStatusLists } from "./services/status-lists.ts";

export async function createCredentialSystem(deps: {
  contracts: Pick<PAChainContracts, "ledger">;
  catalog: Catalog;
  store: CredentialStore;
  /** 0x + 64 hex: the issuer's P-256 private scalar. */
  issuerSecret: string;
  anchorAddress: string;
  anchorWallet: Wallet & { provider: JsonRpcProvider };
  /** Legacy gas price in wei (PACHAIN_GAS_PRICE), for free-gas networks. */
  gasPrice?: bigint;
  /** The API's public address; called after it listens. */
  publicUrl: () => string;
  indexedBlock: () => Promise<number>;
  clock: Clock;
  logger: Logger;
}) {
  const key = await es256FromSecret(deps.issuerSecret);
  const issuer = () => `${deps.publicUrl()}${ISSUER_PATH}`;
  const statusListUri = (listId: number) => `${issuer()}/status-lists/${listId}`;
  const entitlement = async (subject: string, benefit: string, day: number): Promise<{ eligible: boolean; reason: ReasonName }> => {
    const e = await deps.contracts.ledger.entitlement(subject, benefitByCode(deps.catalog, benefit).id, day);
    return { eligible: e.eligible, reason: reasonName(Number(e.reason)) };
  };
  const anchor = statusAnchorWriter(deps.anchorAddress, deps.anchorWallet, deps.gasPrice);
  const statusLists = createStatusLists({
    store: deps.store, anchor, key, listUri: statusListUri, issuer, entitlement, indexedBlock: deps.indexedBlock, clock: deps.clock, logger: deps.logger,
  });
  const statusList = async (listId: number): Promise<PublishedList> => {
    const list = await statusLists.current().catch(() => undefined);
    if (!list) throw new PaChainError("UNAVAILABLE", "no status list is published yet", { status: 503, retryable: true });
    if (list.listId !== listId) throw new PaChainError("NOT_FOUND", `no status list ${listId}`, { status: 404 });
    return list;
  };
  const verifier = createPresentationVerifier({
    issuer,
    issuerKeys: async (): Promise<JWK[]> => [key.publicJwk],
    // Our own list, in process: the same bytes the status list route serves.
    async fetchStatusList(uri) {
      const listId = Number(new URL(uri).pathname.split("/").pop());
      if (uri !== statusListUri(listId)) throw new Error(`not a status list of this issuer: ${uri}`);
      const list = await statusList(listId);
      return { jwt: list.jwt, transaction: list.txHash, block: list.block };
    },
    anchoredList: (listId) => anchor.latest(listId),
    anchorContract: deps.anchorAddress,
    defaultAudience: () => `${deps.publicUrl()}/verifica`,
    clock: deps.clock,
  });
  return {
    issuer: createCredentialIssuer({ catalog: deps.catalog, key, issuer, statusLists, clock: deps.clock }),
    verifier,
    statusLists,
    statusList,
    statusListUri,
    credentialAt: (listId: number, idx: number) => statusLists.byIndex(listId, idx),
    anchorContract: deps.anchorAddress,
    issuerId: issuer,
  };
}

export type CredentialSystem = Awaited<ReturnType<typeof createCredentialSystem>>;
