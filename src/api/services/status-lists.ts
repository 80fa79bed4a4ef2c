// The credential status lists (IETF Token Status List, 2 bits per credential: valid, invalid,
// suspended), kept in step with the chain. Whenever the index reaches a new block (or the date
// changes) every credential whose status can still change is asked about again — the contracts
// answer (BenefitLedger.entitlement at today's date), no rule is copied here — and when an answer
// changed, a new list is signed (`statuslist+jwt`), its SHA-256 anchored on chain
// (StatusListAnchor) and, once the anchoring transaction is mined, served. So a revocation, a
// death, a move out of a pilot province or a benefit that ended shows in the served list one block
// after the index sees it, and a verifier can check that the list it got is the one anchored last.
import { randomInt } from "node:crypto";
import { createHeaderAndPayload, StatusList } from "@sd-jwt/jwt-status-list";
import { decodeJwt, importJWK, SignJWT } from "jose";
import { todayOf, type Clock } from "../../clock.ts";
import type { ReasonName } from "../../domain/catalog.ts";
import { todayYmd } from "../../domain/dates.ts";
import type { Logger } from "../../logger.ts";
import { type Es256KeyPair, listHashOf } from "../../credentials/keys.ts";
import { SIGNING_ALG, STATUS, STATUS_BITS, STATUS_LIST_TYPE } from "../../credentials/protocol.ts";
import type { CredentialStore, IssuedCredential, PublishedList } from "../data/credential-store.ts";
import type { StatusAnchorWriter } from "../data/status-anchor.ts";

/** The one list in use; a second one starts when it is full (not needed by the pilot's numbers). */
export const STATUS_LIST_ID = 1;
/** Credentials per list: 2 bits each, 16 KiB before compression (a few hundred bytes after, mostly zeros). */
export const STATUS_LIST_CAPACITY = 65_536;
/** How long a verifier may cache a list (seconds): the `ttl` claim. */
export const STATUS_LIST_TTL_SECONDS = 60;
const WATCH_INTERVAL_MS = 200;
const RETRY_INTERVAL_MS = 5_000;
const ANCHOR_TIMEOUT_MS = 60_000;

/**
 * The status a chain answer gives a credential. Only the mapping lives here, not the rules: a
 * status that can come back (a hospital stay, a benefit not live in the person's province, income
 * not attested yet, no civil record yet) is SUSPENDED; anything else that is not eligible (death,
 * revocation, requirements no longer met, age) is INVALID, for good: a new credential is issued if
 * the person becomes entitled again.
 */
export function statusFromChain(eligible: boolean, reason: ReasonName): number {
  if (eligible) return STATUS.VALID;
  return ["HOSPITALISED", "BENEFIT_NOT_LIVE", "INCOME_NOT_ATTESTED", "NO_CIVIL_RECORD"].includes(reason) ? STATUS.SUSPENDED : STATUS.INVALID;
}

export interface StatusListDependencies {
  store: CredentialStore;
  anchor: StatusAnchorWriter;
  key: Es256KeyPair;
  /** The status list's URI (`status.status_list.uri` of the credentials). */
  listUri: (listId: number) => string;
  issuer: () => string;
  /** The chain's answer for a person and benefit on a day (YYYYMMDD). */
  entitlement(subject: string, benefit: string, day: number): Promise<{ eligible: boolean; reason: ReasonName }>;
  /** The last block the index has reached. */
  indexedBlock: () => Promise<number>;
  clock: Clock;
  logger: Logger;
}

export function createStatusLists(deps: StatusListDependencies) {
  const { store, anchor, key, clock } = deps;
  const logger = deps.logger.child({ module: "status-lists" });
  let served: PublishedList | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let seen: { block: number; day: number } | undefined;
  const listeners = new Set<(list: PublishedList) => void>();

  /** One change at a time: refreshes and publications are serialised. */
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const sign = async (statuses: ReadonlyArray<{ idx: number; status: number }>, iat: number) => {
    const list = new StatusList(new Array<number>(STATUS_LIST_CAPACITY).fill(STATUS.VALID), STATUS_BITS);
    for (const { idx, status } of statuses) list.setStatus(idx, status);
    const { header, payload } = createHeaderAndPayload(
      list,
      { iss: deps.issuer(), sub: deps.listUri(STATUS_LIST_ID), iat, ttl: STATUS_LIST_TTL_SECONDS },
      { alg: SIGNING_ALG, typ: STATUS_LIST_TYPE, kid: String(key.publicJwk.kid) },
    );
    return new SignJWT(payload).setProtectedHeader(header as { alg: string }).sign(await importJWK(key.privateJwk, SIGNING_ALG));
  };

  /** Signs, anchors and (once mined) serves a list of the statuses now in the store. */
  const publish = async (): Promise<PublishedList> => {
    const previous = served ?? (await store.latestAnchored(STATUS_LIST_ID));
    // `iat` never goes back, so an anchoring left over from a crash cannot overtake this one on chain.
    const iat = Math.max(Math.floor(clock.nowMs() / 1000), (previous?.issuedAt ?? 0) + 1);
    const jwt = await sign(await store.nonValid(STATUS_LIST_ID), iat);
    const listHash = listHashOf(jwt);
    const version = (await store.lastVersion(STATUS_LIST_ID)) + 1;
    const { txHash, raw } = await anchor.prepare(STATUS_LIST_ID, listHash, iat);
    await store.listSent({ listId: STATUS_LIST_ID, version, jwt, listHash, issuedAt: iat, txHash });
    try {
      await anchor.broadcast(raw);
    } catch (error) {
      // Refused by the node (no funds, a nonce race): never mined, so settled as failed at once.
      await store.listSettled(STATUS_LIST_ID, version, "failed");
      throw error;
    }
    const outcome = await anchor.settle(txHash, ANCHOR_TIMEOUT_MS);
    if (!outcome || !outcome.ok) {
      await store.listSettled(STATUS_LIST_ID, version, "failed");
      throw new Error(`status list ${STATUS_LIST_ID} v${version}: anchoring transaction ${txHash} ${outcome ? "reverted" : "not mined"}`);
    }
    await store.listSettled(STATUS_LIST_ID, version, { block: outcome.block });
    served = { listId: STATUS_LIST_ID, version, jwt, listHash, issuedAt: iat, txHash, block: outcome.block, state: "anchored" };
    logger.info({ listId: STATUS_LIST_ID, version, txHash, block: outcome.block, bytes: jwt.length }, "status list anchored");
    for (const listener of listeners) listener(served);
    return served;
  };

  /**
   * A credential's status from the chain's answer today. The rules still pay the day of death (a
   * death counts from the day after it), but a card is invalid from the day a death is on chain:
   * so the contracts are also asked about tomorrow, and their DECEASED answer is taken today.
   */
  const chainStatus = async (subject: string, benefit: string, day = todayOf(clock)): Promise<{ status: number; reason: ReasonName }> => {
    const answer = await deps.entitlement(subject, benefit, day);
    const status = statusFromChain(answer.eligible, answer.reason);
    if (status === STATUS.INVALID) return { status, reason: answer.reason };
    const tomorrow = todayYmd(Math.floor(clock.nowMs() / 1000) + 86_400);
    const next = await deps.entitlement(subject, benefit, tomorrow);
    return next.reason === "DECEASED" ? { status: STATUS.INVALID, reason: "DECEASED" } : { status, reason: answer.reason };
  };

  /** Asks the chain about every credential that can still change; publishes when an answer did. */
  const refresh = async (): Promise<{ changed: number }> => {
    const day = todayOf(clock);
    const live = await store.live(STATUS_LIST_ID);
    const changes: Array<{ idx: number; status: number }> = [];
    const now = Math.floor(clock.nowMs() / 1000);
    const check = async (c: IssuedCredential) => {
      // An expired credential no longer needs a status; it is left as it was.
      if (c.expiresAt <= now) return;
      const { status } = await chainStatus(c.subject, c.benefit, day);
      if (status !== c.status) changes.push({ idx: c.idx, status });
    };
    for (let i = 0; i < live.length; i += 50) await Promise.all(live.slice(i, i + 50).map(check));
    if (changes.length > 0) {
      await store.setStatuses(STATUS_LIST_ID, changes);
      await publish();
    }
    return { changed: changes.length };
  };

  return {
    /**
     * Settles what a crash left sent, publishes the first list if there is none, then follows the
     * index. A failure (the anchoring account lacks its role, the node is down) is logged and
     * retried on the next tick; until a list is anchored the credential routes answer 503.
     */
    async start(): Promise<void> {
      let ready = false;
      const initialise = async () => {
        for (const pending of await store.unsettled(STATUS_LIST_ID)) {
          const outcome = await anchor.settle(pending.txHash, 0);
          await store.listSettled(STATUS_LIST_ID, pending.version, outcome?.ok ? { block: outcome.block } : "failed");
        }
        served = await store.latestAnchored(STATUS_LIST_ID);
        const onChain = await anchor.latest(STATUS_LIST_ID);
        // Nothing served yet, the chain's latest is not ours (a reset chain), or the API moved to
        // another address (the list names its own uri): publish afresh.
        if (!served || onChain.listHash.toLowerCase() !== served.listHash.toLowerCase()
          || decodeJwt(served.jwt).sub !== deps.listUri(STATUS_LIST_ID) || decodeJwt(served.jwt).iss !== deps.issuer()) {
          await publish();
        }
        ready = true;
      };
      const tick = async () => {
        let delay = WATCH_INTERVAL_MS;
        try {
          if (!ready) await serial(initialise);
          const block = await deps.indexedBlock();
          const day = todayOf(clock);
          if (!seen || block !== seen.block || day !== seen.day) {
            await serial(refresh);
            seen = { block, day };
          }
        } catch (error) {
          logger.error({ err: error }, "status list not published; retrying");
          delay = RETRY_INTERVAL_MS;
        } finally {
          if (timer) timer = setTimeout(tick, delay);
        }
      };
      try {
        await serial(initialise);
      } catch (error) {
        logger.error({ err: error }, "status list not published; retrying");
      }
      timer = setTimeout(tick, 0);
    },
    /** Stops watching and waits for a refresh in flight, so the store can be closed after. */
    async stop(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await queue;
    },
    /** The list served now (the latest anchored one). */
    async current(): Promise<PublishedList> {
      const list = served ?? (await store.latestAnchored(STATUS_LIST_ID));
      if (!list) throw new Error("no status list published yet");
      return list;
    },
    chainStatus,
    /** Re-asks the chain now (tests and the first credential of a person need not wait for a block). */
    refresh: () => serial(refresh),
    /** A free index, chosen at random so an index tells nothing about when or to whom it was given. */
    allocate: (entry: Omit<IssuedCredential, "idx" | "status" | "listId">) =>
      store.allocate({ ...entry, listId: STATUS_LIST_ID }, STATUS_LIST_CAPACITY, (n) => randomInt(n)),
    byIndex: (listId: number, idx: number) => store.byIndex(listId, idx),
    onPublished(listener: (list: PublishedList) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type StatusLists = ReturnType<typeof createStatusLists>;
