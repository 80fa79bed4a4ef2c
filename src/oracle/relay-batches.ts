// The relayer's pure parts: how a batch of outbox items becomes the arguments of one transaction,
// and how a receipt's events settle each item. No chain, no store: unit-tested alone
// (test/oracle/relay-batches.test.ts); relayer.ts sends, waits and writes the outcomes.
import type { DecodedError } from "../chain/errors.ts";
import { benefitId, reasonName, type ReasonName } from "../domain/catalog.ts";
import type { OutboxItem } from "./store.ts";

export interface DecisionPayload { applicationId: string; subject: string; benefit: string; date: number }
export interface PaymentPayload { subject: string; benefit: string; period: number }

/**
 * Payments grouped in runs of one benefit and period (BenefitLedger.recordPaymentRuns): the ledger
 * loads the terms once per run and the subjects' facts in one registry call, and each order costs
 * 32 bytes of calldata instead of 96. Runs keep the items' order within them.
 */
export function paymentRuns(items: readonly OutboxItem[]): Array<{ benefitId: string; period: number; subjects: string[] }> {
  const runs = new Map<string, { benefitId: string; period: number; subjects: string[] }>();
  for (const item of items) {
    const p = JSON.parse(item.payload) as PaymentPayload;
    const key = `${p.benefit}:${p.period}`;
    if (!runs.has(key)) runs.set(key, { benefitId: benefitId(p.benefit), period: p.period, subjects: [] });
    runs.get(key)!.subjects.push(p.subject);
  }
  return [...runs.values()];
}

/** The decision orders of BenefitLedger.recordDecisions, in the items' order. */
export function decisionOrders(items: readonly OutboxItem[]): Array<{ applicationId: string; subject: string; benefitId: string; date: number }> {
  return items.map((i) => {
    const d = JSON.parse(i.payload) as DecisionPayload;
    return { applicationId: d.applicationId, subject: d.subject, benefitId: benefitId(d.benefit), date: d.date };
  });
}

/** A PaymentRecorded or PaymentRefused event of the ledger, as parsed from a receipt. */
export interface PaymentEvent {
  name: "PaymentRecorded" | "PaymentRefused";
  subject: string;
  benefitId: string;
  period: number;
  /** PaymentRefused: the reason code */
  reason?: number;
  /** PaymentRecorded: euro cents */
  amountCents?: number;
}

export interface PaymentOutcome {
  recorded: boolean;
  reason: ReasonName;
  amountCents: number;
  /** Paid by an earlier transaction of this item (mined while believed lost), not by this receipt's. */
  paidBy?: string;
}

/** A payment of an outbox item made by one of its own earlier transactions: its PaymentRecorded event. */
export interface EarlierPayment { amountCents: number; txHash: string }

/**
 * Each payment item's outcome, matched by (subject, benefit, period), not by position: runs reorder
 * the orders. An item without its event means the receipt is not this batch's: an error.
 * An ALREADY_PAID refusal of an item that one of its own earlier transactions paid (`paidEarlier`,
 * by item id) is that payment: the item was paid once, by the transaction believed lost.
 */
export function paymentOutcomes(
  items: readonly OutboxItem[],
  events: readonly PaymentEvent[],
  txHash: string,
  paidEarlier: ReadonlyMap<number, EarlierPayment> = new Map(),
): Array<{ item: OutboxItem; outcome: PaymentOutcome }> {
  const orderKey = (subject: string, benefit: string, period: number) => `${subject.toLowerCase()}:${benefit.toLowerCase()}:${period}`;
  const outcomes = new Map<string, PaymentEvent[]>();
  for (const e of events) {
    const key = orderKey(e.subject, e.benefitId, e.period);
    outcomes.set(key, [...(outcomes.get(key) ?? []), e]);
  }
  return items.map((item) => {
    const p = JSON.parse(item.payload) as PaymentPayload;
    const e = outcomes.get(orderKey(p.subject, benefitId(p.benefit), p.period))?.shift();
    if (!e) throw new Error(`no payment event for outbox item ${item.id} in transaction ${txHash}`);
    const recorded = e.name === "PaymentRecorded";
    const earlier = paidEarlier.get(item.id);
    if (!recorded && earlier && reasonName(Number(e.reason)) === "ALREADY_PAID") {
      return { item, outcome: { recorded: true, reason: "ELIGIBLE", amountCents: earlier.amountCents, paidBy: earlier.txHash } };
    }
    return { item, outcome: { recorded, reason: recorded ? "ELIGIBLE" : reasonName(Number(e.reason)), amountCents: recorded ? Number(e.amountCents) : 0 } };
  });
}

export type FactOutcome = { type: "recorded" } | { type: "alreadyRecorded" } | { type: "refused"; error: DecodedError };

/**
 * Each fact item's outcome in a FactRegistry.recordBatch receipt, from its RecordRefused events by
 * batch index: recorded, recorded by an earlier attempt (exactly once, not twice), or refused.
 */
export function factOutcomes(items: readonly OutboxItem[], refusedAt: ReadonlyMap<number, DecodedError>): Array<{ item: OutboxItem; outcome: FactOutcome }> {
  return items.map((item, i) => {
    const error = refusedAt.get(i);
    if (!error) return { item, outcome: { type: "recorded" } };
    if (error.name === "FactRegistryAlreadyRecorded") return { item, outcome: { type: "alreadyRecorded" } };
    return { item, outcome: { type: "refused", error } };
  });
}
