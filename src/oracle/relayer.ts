// Sends outbox items to the chain in batches from one organisation's transaction account.
// Exactly-once comes from two things: the item is marked "sent" with the transaction hash before the
// transaction leaves (so after a crash the oracle asks the chain what became of that hash instead of
// guessing), and every record carries an on-chain idempotency key (so a resend can never record twice).
import { Transaction, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import type { PAChainContracts } from "../chain/contracts.ts";
import { benefitId, reasonName } from "../domain/catalog.ts";
import type { Logger } from "../logger.ts";
import { revertData, type DecodedError } from "../chain/errors.ts";
import type { OracleMetrics } from "./metrics.ts";
import {
  decisionOrders, factOutcomes, paymentOutcomes, paymentRuns, type DecisionPayload, type EarlierPayment, type PaymentEvent, type PaymentPayload,
} from "./relay-batches.ts";
import type { ItemKind, OracleStore, OutboxItem, RelayerName } from "./store.ts";
import { PaChainError, misconfigured } from "../errors.ts";

export const BATCH_LIMITS: Record<ItemKind, number> = { fact: 40, payment: 150, decision: 100 };
/**
 * Gas limits of a batch, per item: above the worst case measured (an assessment with three member
 * signatures ~230k, a first payment of a subject ~65k), so batches need no gas estimate round trip.
 */
const GAS_PER_ITEM: Record<ItemKind, bigint> = { fact: 320_000n, payment: 110_000n, decision: 150_000n };
const GAS_PER_BATCH = 150_000n;
/**
 * Transactions a relayer sends back to back before it waits for their receipts. One at a time, the
 * node idles while the oracle signs and settles, and on a network with a block period only one batch
 * fits in each block; eight batches of 40 facts or 150 payments keep the node busy and fill blocks.
 */
export const PIPELINE_DEPTH = 8;
const RECEIPT_POLL_MS = 50;
const RECEIPT_TIMEOUT_MS = 60_000;
/**
 * How often a transaction still without a receipt is looked up in the node's pool. A Besu node
 * evicts transactions (pool full, restart, a sender over its limit): waiting the full receipt
 * timeout for one that is gone, and for the pipeline's later nonces stuck behind it, stalled the
 * relayer for a minute per eviction.
 */
const POOL_CHECK_MS = 1_000;
/** Node answers to a send meaning the node already has this very transaction. */
const ALREADY_KNOWN = /known transaction|already known|already imported/i;

export type { DecisionPayload, PaymentPayload };

export type RelayOutcome =
  | { type: "idle" }
  | { type: "settled"; items: number; txHash: string }
  | { type: "waiting"; reason: string };

export interface Relayer {
  name: RelayerName;
  /** Settles items left "sent" by a previous run (crash, timeout). Call before relaying. */
  recover(): Promise<void>;
  /**
   * Sends the next batches (up to the pipeline depth, nonces in a row) and settles them from their
   * receipts. Throws on a transient fault (node unreachable).
   * `beforeId` limits the batch to items that arrived before another relayer's oldest pending one.
   */
  relayOnce(beforeId?: number): Promise<RelayOutcome>;
}

export function createRelayer(options: {
  name: RelayerName;
  wallet: Wallet;
  provider: JsonRpcProvider;
  contracts: PAChainContracts;
  store: OracleStore;
  decodeError: (data: string | null | undefined) => DecodedError;
  logger: Logger;
  metrics?: OracleMetrics;
  /** Legacy gas price for free-gas networks (Besu QBFT with min-gas-price 0); undefined = node's fee data. */
  gasPrice?: bigint;
  /** Transactions sent before waiting for their receipts (default PIPELINE_DEPTH). */
  pipelineDepth?: number;
}): Relayer {
  const { name, wallet, provider, contracts, store, decodeError, metrics, gasPrice, pipelineDepth = PIPELINE_DEPTH } = options;
  if (!Number.isInteger(pipelineDepth) || pipelineDepth < 1) throw misconfigured(`pipelineDepth must be a whole number ≥ 1, not ${pipelineDepth}`);
  const logger = options.logger.child({ module: "relayer", relayer: name });
  const factsAddress = contracts.facts.target as string;
  const ledgerAddress = contracts.ledger.target as string;
  let nonce: number | undefined;
  let batchCap = Number.MAX_SAFE_INTEGER;
  /** A sent transaction was lost: one batch at a time (filling the nonce gap) until a pipeline settles. */
  let refilling = false;

  function encode(kind: ItemKind, items: OutboxItem[]): { to: string; data: string } {
    if (kind === "fact") {
      return { to: factsAddress, data: contracts.facts.interface.encodeFunctionData("recordBatch", [items.map((i) => i.payload)]) };
    }
    if (kind === "payment") {
      return { to: ledgerAddress, data: contracts.ledger.interface.encodeFunctionData("recordPaymentRuns", [paymentRuns(items)]) };
    }
    const orders = decisionOrders(items);
    return { to: ledgerAddress, data: contracts.ledger.interface.encodeFunctionData("recordDecisions", [orders]) };
  }

  function ledgerEvents(receipt: TransactionReceipt) {
    const ledger = contracts.ledger.interface;
    return receipt.logs
      .filter((log) => log.address.toLowerCase() === ledgerAddress.toLowerCase())
      .map((log) => ledger.parseLog(log))
      .filter((e) => e !== null);
  }

  function paymentEvents(receipt: TransactionReceipt): PaymentEvent[] {
    return ledgerEvents(receipt)
      .filter((e) => e.name === "PaymentRecorded" || e.name === "PaymentRefused")
      .map((e) => ({
        name: e.name as PaymentEvent["name"], subject: e.args.subject as string, benefitId: e.args.benefitId as string, period: Number(e.args.period),
        ...(e.name === "PaymentRecorded" ? { amountCents: Number(e.args.amountCents) } : { reason: Number(e.args.reason) }),
      }));
  }

  /**
   * Payment items this receipt refuses as ALREADY_PAID although one of their own earlier
   * transactions paid them: a transaction believed lost (gone from the node's pool, a lagging node
   * behind a load balancer) that was mined after all, and the items were sent again. The payment's
   * one PaymentRecorded event says which transaction paid; only if it is one of the item's own
   * earlier sends is the item PAID (a second payroll run's refusal stays ALREADY_PAID).
   */
  async function paidByEarlierSends(items: OutboxItem[], receipt: TransactionReceipt): Promise<Map<number, EarlierPayment>> {
    const paid = new Map<number, EarlierPayment>();
    for (const { item, outcome } of paymentOutcomes(items, paymentEvents(receipt), receipt.hash)) {
      if (outcome.recorded || outcome.reason !== "ALREADY_PAID") continue;
      const earlier = new Set(store.earlierSends(item.id).map((h) => h.toLowerCase()));
      if (earlier.size === 0) continue;
      const p = JSON.parse(item.payload) as PaymentPayload;
      const [log] = await contracts.ledger.queryFilter(contracts.ledger.filters.PaymentRecorded(p.subject, benefitId(p.benefit), p.period));
      if (log && earlier.has(log.transactionHash.toLowerCase())) {
        paid.set(item.id, { amountCents: Number(log.args.amountCents), txHash: log.transactionHash });
      }
    }
    if (paid.size > 0) logger.info({ txHash: receipt.hash, items: paid.size }, "payments settled from the earlier transaction that paid them");
    return paid;
  }

  /** What settle needs beyond the receipt, read from the chain first (settle runs inside a SQLite transaction). */
  async function settlementContext(kind: ItemKind, items: OutboxItem[], receipt: TransactionReceipt): Promise<Map<number, EarlierPayment>> {
    return kind === "payment" && receipt.status === 1 ? paidByEarlierSends(items, receipt) : new Map();
  }

  function settle(kind: ItemKind, items: OutboxItem[], receipt: TransactionReceipt, paidEarlier: ReadonlyMap<number, EarlierPayment> = new Map()): void {
    if (kind === "fact") return settleFacts(items, receipt);
    if (kind === "payment") {
      for (const { item, outcome } of paymentOutcomes(items, paymentEvents(receipt), receipt.hash, paidEarlier)) store.markDone(item.id, outcome);
    } else {
      const events = ledgerEvents(receipt);
      const decided = new Map(events.filter((e) => e.name === "ApplicationDecided").map((e) => [e.args.applicationId as string, e]));
      for (const item of items) {
        const { applicationId } = JSON.parse(item.payload) as DecisionPayload;
        const e = decided.get(applicationId);
        // No event: decided by an earlier transaction; its outcome is settled by settleEarlierDecisions.
        if (!e) continue;
        const outcome = { eligible: e.args.eligible as boolean, reason: reasonName(Number(e.args.reason)), monthlyAmountCents: Number(e.args.monthlyAmountCents) };
        store.recordDecision(applicationId, outcome.eligible, outcome.reason);
        store.markDone(item.id, outcome);
      }
    }
    metrics?.relayed.inc({ relayer: name, kind }, items.length);
  }

  function settleFacts(items: OutboxItem[], receipt: TransactionReceipt): void {
    const facts = contracts.facts.interface;
    const refused = new Map<number, DecodedError>();
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== factsAddress.toLowerCase()) continue;
      const event = facts.parseLog(log);
      if (event?.name === "RecordRefused") refused.set(Number(event.args.index), decodeError(event.args.reason));
    }
    for (const { item, outcome } of factOutcomes(items, refused)) {
      if (outcome.type === "refused") {
        store.markDead(item.id, outcome.error.name, outcome.error.detail);
        metrics?.refused.inc({ relayer: name, reason: outcome.error.name });
        logger.warn({ item: item.id, recordKey: item.recordKey, error: outcome.error.detail }, "record refused by the chain");
        continue;
      }
      store.markDone(item.id, outcome.type === "alreadyRecorded" ? { alreadyRecorded: true } : undefined);
      metrics?.relayed.inc({ relayer: name, kind: "fact" });
    }
  }

  /**
   * The receipt, or null after the timeout, or as soon as the transaction has left the node's pool
   * unmined (or, with a shared `gone` flag, as soon as one of its pipeline has: the later nonces
   * cannot be mined before the missing one is sent again).
   */
  async function waitForReceipt(hash: string, gone: { hash?: string } = {}): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
    let checkAt = Date.now() + POOL_CHECK_MS;
    while (Date.now() < deadline && gone.hash === undefined) {
      const receipt = await provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      if (Date.now() >= checkAt) {
        checkAt = Date.now() + POOL_CHECK_MS;
        if (!(await provider.getTransaction(hash)) && !(await provider.getTransactionReceipt(hash))) {
          gone.hash = hash;
          logger.warn({ txHash: hash }, "transaction left the node's pool unmined: it is sent again");
          return null;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
    return null;
  }

  async function settleReceipt(kind: ItemKind, items: OutboxItem[], receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      const paidEarlier = await settlementContext(kind, items, receipt);
      store.transaction(() => settle(kind, items, receipt, paidEarlier));
      if (kind === "decision") await settleEarlierDecisions(items);
      return;
    }
    // The whole transaction reverted: nothing was recorded. Find out why by simulating it again.
    store.markPending(items.map((i) => i.id));
    const decoded = await simulate(kind, items);
    if (decoded?.name === "EnforcedPause") throw new TransientError("contracts are paused");
    if (decoded && items.length === 1) {
      store.markDead(items[0].id, decoded.name, decoded.detail);
      metrics?.refused.inc({ relayer: name, reason: decoded.name });
      return;
    }
    // Isolate the malformed item: the next batches are halved until it is alone.
    batchCap = Math.max(1, Math.ceil(items.length / 2));
    throw new TransientError(`transaction ${receipt.hash} reverted: ${decoded?.detail ?? "no reason"}`);
  }

  async function simulate(kind: ItemKind, items: OutboxItem[]): Promise<DecodedError | undefined> {
    try {
      await provider.call({ ...encode(kind, items), from: wallet.address });
      return undefined;
    } catch (error) {
      const data = revertData(error);
      return data === undefined ? undefined : decodeError(data);
    }
  }

  /** Decisions already on chain from an earlier transaction: their outcome is in its event. */
  async function settleEarlierDecisions(items: OutboxItem[]): Promise<void> {
    for (const item of items) {
      if (store.item(item.id)?.status !== "sent") continue;
      const { applicationId } = JSON.parse(item.payload) as DecisionPayload;
      const [log] = await contracts.ledger.queryFilter(contracts.ledger.filters.ApplicationDecided(applicationId));
      if (!log) throw new TransientError(`decision ${applicationId} has no event yet`);
      const outcome = { eligible: log.args.eligible, reason: reasonName(Number(log.args.reason)), monthlyAmountCents: Number(log.args.monthlyAmountCents) };
      store.recordDecision(applicationId, outcome.eligible, outcome.reason);
      store.markDone(item.id, { ...outcome, decidedEarlier: true });
    }
  }

  /**
   * Up to `pipelineDepth` batches of pending items in arrival order: each is the leading run of one
   * kind (a batch is one contract call), cut at the kind's batch limit.
   */
  function nextBatches(beforeId?: number): Array<{ kind: ItemKind; items: OutboxItem[] }> {
    // After a reverted batch (batchCap set), one small batch at a time until the culprit is alone.
    const depth = batchCap < Number.MAX_SAFE_INTEGER || refilling ? 1 : pipelineDepth;
    const pending = store.nextPending(name, Math.max(...Object.values(BATCH_LIMITS)) * depth, beforeId);
    const batches: Array<{ kind: ItemKind; items: OutboxItem[] }> = [];
    let at = 0;
    while (at < pending.length && batches.length < depth) {
      const kind = pending[at].kind;
      const max = Math.min(BATCH_LIMITS[kind], batchCap);
      let end = at;
      while (end < pending.length && end - at < max && pending[end].kind === kind) end += 1;
      batches.push({ kind, items: pending.slice(at, end) });
      at = end;
    }
    return batches;
  }

  return {
    name,
    async recover() {
      const byHash = new Map<string, OutboxItem[]>();
      for (const item of store.sentItems(name)) byHash.set(item.txHash!, [...(byHash.get(item.txHash!) ?? []), item]);
      const inPool: Array<[string, OutboxItem[]]> = [];
      let lost = false;
      for (const [hash, items] of byHash) {
        const receipt = await provider.getTransactionReceipt(hash);
        if (receipt) {
          logger.info({ txHash: hash, items: items.length }, "settling a transaction sent before a restart");
          await settleReceipt(items[0].kind, items, receipt);
        } else if (await provider.getTransaction(hash)) {
          inPool.push([hash, items]);
        } else {
          // Never reached the node, or evicted from its pool: send again (the idempotency keys
          // make that safe).
          store.markPending(items.map((i) => i.id));
          nonce = undefined;
          lost = true;
          refilling = true;
        }
      }
      // Transactions waiting in the pool may be queued behind a lost one's nonce: they can only be
      // mined once it is sent again, so they are not waited for now (they stay "sent").
      if (lost) return;
      const gone: { hash?: string } = {};
      for (const [hash, items] of inPool) {
        const mined = await waitForReceipt(hash, gone);
        if (mined) await settleReceipt(items[0].kind, items, mined);
      }
    },

    async relayOnce(beforeId) {
      await this.recover();
      const batches = nextBatches(beforeId);
      if (batches.length === 0) return { type: "idle" };

      nonce ??= await provider.getTransactionCount(wallet.address, "pending");
      const firstNonce = nonce;
      const { chainId } = await provider.getNetwork();
      const fees = gasPrice !== undefined ? { type: 0, gasPrice } : await feeFields(provider);
      const sends: Array<{ kind: ItemKind; items: OutboxItem[]; signed: string; hash: string }> = [];
      for (const [i, { kind, items }] of batches.entries()) {
        const gasLimit = GAS_PER_BATCH + GAS_PER_ITEM[kind] * BigInt(items.length);
        const signed = await wallet.signTransaction({ ...encode(kind, items), ...fees, gasLimit, nonce: nonce + i, chainId });
        sends.push({ kind, items, signed, hash: Transaction.from(signed).hash! });
      }
      // Every item carries the hash of its transaction before any of them leaves, in one SQLite
      // transaction (one fsync for the whole pipeline, not one per batch).
      store.transaction(() => {
        for (const s of sends) store.markSent(s.items.map((i) => i.id), s.hash);
      });
      // The pipeline's transactions go out one after the other in nonce order, without waiting for
      // receipts in between: a node that mines on arrival (automine) refuses a nonce ahead of the
      // one it expects, and the entries of a JSON-RPC batch may be handled out of order. A send
      // costs a round trip, not a block; on a network with a block period one block takes them all.
      const accepted: typeof sends = [];
      let failed: { reason: unknown } | undefined;
      for (const s of sends) {
        try {
          await provider.send("eth_sendRawTransaction", [s.signed]);
          accepted.push(s);
        } catch (error) {
          // A resend of what the node already holds: it is in the pool, as if accepted now.
          if (ALREADY_KNOWN.test((error as Error).message)) {
            accepted.push(s);
            continue;
          }
          // The later ones would be refused too (nonce gap): they stay "sent" for recover() to resend.
          failed = { reason: error };
          break;
        }
      }
      if (failed) {
        // The node may have taken it before the answer was lost: the items stay "sent" and the
        // next recover() asks the node about this hash (mined, waiting, or unknown → resend).
        nonce = undefined;
      } else {
        nonce += sends.length;
      }
      if (accepted.length > 0) metrics?.lastNonce.set({ relayer: name }, firstNonce + accepted.length - 1);
      metrics?.inFlight.set({ relayer: name }, accepted.length);
      const gone: { hash?: string } = {};
      const receipts = await Promise.all(accepted.map((s) => waitForReceipt(s.hash, gone)));
      metrics?.inFlight.set({ relayer: name }, receipts.filter((r) => !r).length);
      // Batches that succeeded are settled together (one SQLite transaction); the rare reverted one
      // goes through settleReceipt's diagnosis afterwards.
      const mined = accepted.flatMap((s, i) => (receipts[i]?.status === 1 ? [{ ...s, receipt: receipts[i]! }] : []));
      const contexts = await Promise.all(mined.map((m) => settlementContext(m.kind, m.items, m.receipt)));
      store.transaction(() => {
        for (const [i, m] of mined.entries()) settle(m.kind, m.items, m.receipt, contexts[i]);
      });
      for (const m of mined) if (m.kind === "decision") await settleEarlierDecisions(m.items);
      for (const [i, s] of accepted.entries()) {
        const receipt = receipts[i];
        if (receipt && receipt.status !== 1) await settleReceipt(s.kind, s.items, receipt);
      }
      if (failed) throw new TransientError(`broadcast failed: ${(failed.reason as Error).message}`);
      const waiting = accepted.find((_, i) => !receipts[i]);
      if (waiting) return { type: "waiting", reason: `no receipt yet for ${waiting.hash}` };
      batchCap = Number.MAX_SAFE_INTEGER;
      refilling = false;
      const items = mined.reduce((n, m) => n + m.items.length, 0);
      logger.debug({ transactions: mined.length, items, gasUsed: mined.reduce((g, m) => g + Number(m.receipt.gasUsed), 0) }, "pipeline settled");
      return { type: "settled", items, txHash: sends[sends.length - 1].hash };
    },
  };
}

/** A fault that goes away by itself: the node is unreachable, the contracts are paused. */
export class TransientError extends PaChainError {
  constructor(message: string, cause?: unknown) {
    super("UNAVAILABLE", message, { status: 503, retryable: true, cause });
  }
}

async function feeFields(provider: JsonRpcProvider) {
  const fee = await provider.getFeeData();
  if (fee.maxFeePerGas !== null && fee.maxPriorityFeePerGas !== null) {
    return { type: 2, maxFeePerGas: fee.maxFeePerGas, maxPriorityFeePerGas: fee.maxPriorityFeePerGas };
  }
  return { type: 0, gasPrice: fee.gasPrice ?? 0n };
}


