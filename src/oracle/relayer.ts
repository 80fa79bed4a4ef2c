// Sends outbox items to the chain in batches from one organisation's transaction account.
// Exactly-once comes from two things: the item is marked "sent" with the transaction hash before the
// transaction leaves (so after a crash the oracle asks the chain what became of that hash instead of
// guessing), and every record carries an on-chain idempotency key (so a resend can never record twice).
import { Transaction, type JsonRpcProvider, type TransactionReceipt, type Wallet } from "ethers";
import type { PAChainContracts } from "../chain/contracts.ts";
import { benefitId, reasonName } from "../domain/catalog.ts";
import type { Logger } from "../logger.ts";
import type { DecodedError } from "./chain-errors.ts";
import type { OracleMetrics } from "./metrics.ts";
import type { ItemKind, OracleStore, OutboxItem, RelayerName } from "./store.ts";

export const BATCH_LIMITS: Record<ItemKind, number> = { fact: 40, payment: 150, decision: 100 };
/**
 * Gas limits of a batch, per item: above the worst case measured (an assessment with three member
 * signatures ~230k, a first payment of a subject ~65k), so batches need no gas estimate round trip.
 */
const GAS_PER_ITEM: Record<ItemKind, bigint> = { fact: 320_000n, payment: 110_000n, decision: 150_000n };
const GAS_PER_BATCH = 150_000n;
const RECEIPT_POLL_MS = 50;
const RECEIPT_TIMEOUT_MS = 60_000;

export interface DecisionPayload { applicationId: string; subject: string; benefit: string; date: number }
export interface PaymentPayload { subject: string; benefit: string; period: number }

export type RelayOutcome =
  | { type: "idle" }
  | { type: "settled"; items: number; txHash: string }
  | { type: "waiting"; reason: string };

export interface Relayer {
  name: RelayerName;
  /** Settles items left "sent" by a previous run (crash, timeout). Call before relaying. */
  recover(): Promise<void>;
  /**
   * Sends the next batch and settles it. Throws on a transient fault (node unreachable).
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
}): Relayer {
  const { name, wallet, provider, contracts, store, decodeError, metrics, gasPrice } = options;
  const logger = options.logger.child({ module: "relayer", relayer: name });
  const factsAddress = contracts.facts.target as string;
  const ledgerAddress = contracts.ledger.target as string;
  let nonce: number | undefined;
  let batchCap = Number.MAX_SAFE_INTEGER;

  function encode(kind: ItemKind, items: OutboxItem[]): { to: string; data: string } {
    if (kind === "fact") {
      return { to: factsAddress, data: contracts.facts.interface.encodeFunctionData("recordBatch", [items.map((i) => i.payload)]) };
    }
    if (kind === "payment") {
      const orders = items.map((i) => {
        const p = JSON.parse(i.payload) as PaymentPayload;
        return { subject: p.subject, benefitId: benefitId(p.benefit), period: p.period };
      });
      return { to: ledgerAddress, data: contracts.ledger.interface.encodeFunctionData("recordPayments", [orders]) };
    }
    const orders = items.map((i) => {
      const d = JSON.parse(i.payload) as DecisionPayload;
      return { applicationId: d.applicationId, subject: d.subject, benefitId: benefitId(d.benefit), date: d.date };
    });
    return { to: ledgerAddress, data: contracts.ledger.interface.encodeFunctionData("recordDecisions", [orders]) };
  }

  function settle(kind: ItemKind, items: OutboxItem[], receipt: TransactionReceipt): void {
    if (kind === "fact") return settleFacts(items, receipt);
    const ledger = contracts.ledger.interface;
    const events = receipt.logs
      .filter((log) => log.address.toLowerCase() === ledgerAddress.toLowerCase())
      .map((log) => ledger.parseLog(log))
      .filter((e) => e !== null);
    if (kind === "payment") {
      const outcomes = events.filter((e) => e.name === "PaymentRecorded" || e.name === "PaymentRefused");
      items.forEach((item, i) => {
        const e = outcomes[i];
        const recorded = e.name === "PaymentRecorded";
        store.markDone(item.id, {
          recorded,
          reason: recorded ? "ELIGIBLE" : reasonName(Number(e.args.reason)),
          amountCents: recorded ? Number(e.args.amountCents) : 0,
        });
      });
    } else {
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
    items.forEach((item, i) => {
      const error = refused.get(i);
      if (!error) {
        store.markDone(item.id);
        metrics?.relayed.inc({ relayer: name, kind: "fact" });
      } else if (error.name === "FactRegistryAlreadyRecorded") {
        // Recorded by an earlier attempt (or an earlier run): exactly once, not twice.
        store.markDone(item.id, { alreadyRecorded: true });
        metrics?.relayed.inc({ relayer: name, kind: "fact" });
      } else {
        store.markDead(item.id, error.name, error.detail);
        metrics?.refused.inc({ relayer: name, reason: error.name });
        logger.warn({ item: item.id, recordKey: item.recordKey, error: error.detail }, "record refused by the chain");
      }
    });
  }

  async function waitForReceipt(hash: string): Promise<TransactionReceipt | null> {
    const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const receipt = await provider.getTransactionReceipt(hash);
      if (receipt) return receipt;
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
    return null;
  }

  async function settleReceipt(kind: ItemKind, items: OutboxItem[], receipt: TransactionReceipt): Promise<void> {
    if (receipt.status === 1) {
      store.transaction(() => settle(kind, items, receipt));
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

  return {
    name,
    async recover() {
      const byHash = new Map<string, OutboxItem[]>();
      for (const item of store.sentItems(name)) byHash.set(item.txHash!, [...(byHash.get(item.txHash!) ?? []), item]);
      for (const [hash, items] of byHash) {
        const receipt = await provider.getTransactionReceipt(hash);
        if (receipt) {
          logger.info({ txHash: hash, items: items.length }, "settling a transaction sent before a restart");
          await settleReceipt(items[0].kind, items, receipt);
        } else if (await provider.getTransaction(hash)) {
          const mined = await waitForReceipt(hash);
          if (mined) await settleReceipt(items[0].kind, items, mined);
        } else {
          // Never reached the node: send again (the idempotency keys make that safe).
          store.markPending(items.map((i) => i.id));
          nonce = undefined;
        }
      }
    },

    async relayOnce(beforeId) {
      await this.recover();
      const pending = store.nextPending(name, Math.max(...Object.values(BATCH_LIMITS)), beforeId);
      if (pending.length === 0) return { type: "idle" };
      // Items go in arrival order; a batch is the leading run of one kind.
      const kind = pending[0].kind;
      const end = pending.findIndex((item) => item.kind !== kind);
      const items = pending.slice(0, Math.min(end === -1 ? pending.length : end, BATCH_LIMITS[kind], batchCap));
      const call = encode(kind, items);

      const gasLimit = GAS_PER_BATCH + GAS_PER_ITEM[kind] * BigInt(items.length);
      nonce ??= await provider.getTransactionCount(wallet.address, "pending");
      const { chainId } = await provider.getNetwork();
      const fees = gasPrice !== undefined ? { type: 0, gasPrice } : await feeFields(provider);
      const signed = await wallet.signTransaction({ ...call, ...fees, gasLimit, nonce, chainId });
      const hash = Transaction.from(signed).hash!;
      store.markSent(items.map((i) => i.id), hash);
      try {
        await provider.broadcastTransaction(signed);
      } catch (error) {
        // The node may have taken it before the answer was lost: the items stay "sent" and the
        // next recover() asks the node about this hash (mined, waiting, or unknown → resend).
        nonce = undefined;
        throw new TransientError(`broadcast failed: ${(error as Error).message}`);
      }
      nonce += 1;
      const receipt = await waitForReceipt(hash);
      if (!receipt) return { type: "waiting", reason: `no receipt yet for ${hash}` };
      await settleReceipt(kind, items, receipt);
      batchCap = Number.MAX_SAFE_INTEGER;
      logger.debug({ kind, items: items.length, txHash: hash, gasUsed: Number(receipt.gasUsed) }, "batch settled");
      return { type: "settled", items: items.length, txHash: hash };
    },
  };
}

/** A fault that goes away by itself: the node is unreachable, the contracts are paused. */
export class TransientError extends Error {}

async function feeFields(provider: JsonRpcProvider) {
  const fee = await provider.getFeeData();
  if (fee.maxFeePerGas !== null && fee.maxPriorityFeePerGas !== null) {
    return { type: 2, maxFeePerGas: fee.maxFeePerGas, maxPriorityFeePerGas: fee.maxPriorityFeePerGas };
  }
  return { type: 0, gasPrice: fee.gasPrice ?? 0n };
}

function revertData(error: unknown): string | undefined {
  const e = error as { code?: string; data?: unknown; info?: { error?: { data?: unknown } } };
  if (e?.code !== "CALL_EXCEPTION") return undefined;
  const data = e.data ?? e.info?.error?.data;
  return typeof data === "string" ? data : "0x";
}

