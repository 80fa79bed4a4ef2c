// The relayer's pure parts (src/oracle/relay-batches.ts): batches into transaction arguments,
// receipts' events into each item's outcome.
import { expect } from "chai";
import { benefitId, reasonCode } from "../../src/domain/catalog.ts";
import { decisionOrders, factOutcomes, paymentOutcomes, paymentRuns } from "../../src/oracle/relay-batches.ts";
import type { OutboxItem } from "../../src/oracle/store.ts";

const ACC = "INV_INDENNITA_ACCOMPAGNAMENTO";
const PENSION = "INV_PENSIONE_INABILITA";
const subject = (n: number) => `0x${String(n).padStart(64, "0")}`;
let nextId = 1;
const item = (kind: OutboxItem["kind"], payload: unknown): OutboxItem => ({
  id: nextId++, source: "test", recordKey: `k${nextId}`, kind, relayer: "inps", payload: JSON.stringify(payload),
  status: "sent", attempts: 1, txHash: null, errorName: null, errorDetail: null, outcome: null,
});
const payment = (n: number, benefit: string, period = 202611) => item("payment", { subject: subject(n), benefit, period });

describe("relay batches", function () {
  it("groups payments in runs of one benefit and period, keeping the order within a run", function () {
    const runs = paymentRuns([payment(1, ACC), payment(2, PENSION), payment(3, ACC), payment(4, ACC, 202612)]);
    expect(runs).to.deep.equal([
      { benefitId: benefitId(ACC), period: 202611, subjects: [subject(1), subject(3)] },
      { benefitId: benefitId(PENSION), period: 202611, subjects: [subject(2)] },
      { benefitId: benefitId(ACC), period: 202612, subjects: [subject(4)] },
    ]);
  });

  it("turns decisions into the ledger's orders with the benefit's id", function () {
    const d = item("decision", { applicationId: subject(9), subject: subject(1), benefit: ACC, date: 20261101 });
    expect(decisionOrders([d])).to.deep.equal([{ applicationId: subject(9), subject: subject(1), benefitId: benefitId(ACC), date: 20261101 }]);
  });

  it("matches payment outcomes by subject, benefit and period, whatever their order in the receipt", function () {
    const items = [payment(1, ACC), payment(2, PENSION)];
    const outcomes = paymentOutcomes(items, [
      { name: "PaymentRefused", subject: subject(2).toUpperCase().replace("0X", "0x"), benefitId: benefitId(PENSION), period: 202611, reason: 8 },
      { name: "PaymentRecorded", subject: subject(1), benefitId: benefitId(ACC), period: 202611, amountCents: 54_207 },
    ], "0xabc");
    expect(outcomes.map((o) => o.outcome)).to.deep.equal([
      { recorded: true, reason: "ELIGIBLE", amountCents: 54_207 },
      { recorded: false, reason: "INCOME_ABOVE_LIMIT", amountCents: 0 },
    ]);
    expect(() => paymentOutcomes([payment(3, ACC)], [], "0xabc")).to.throw(/no payment event for outbox item \d+ in transaction 0xabc/);
  });

  it("settles an ALREADY_PAID refusal as PAID only when one of the item's own earlier transactions paid it", function () {
    const [resent, secondRun] = [payment(5, ACC), payment(6, ACC)];
    const alreadyPaid = (n: number) => ({ name: "PaymentRefused" as const, subject: subject(n), benefitId: benefitId(ACC), period: 202611, reason: reasonCode("ALREADY_PAID") });
    const outcomes = paymentOutcomes([resent, secondRun], [alreadyPaid(5), alreadyPaid(6)], "0xresend", new Map([[resent.id, { amountCents: 54_207, txHash: "0xfirst" }]]));
    expect(outcomes.map((o) => o.outcome)).to.deep.equal([
      { recorded: true, reason: "ELIGIBLE", amountCents: 54_207, paidBy: "0xfirst" },
      { recorded: false, reason: "ALREADY_PAID", amountCents: 0 },
    ]);
  });

  it("settles facts as recorded, recorded by an earlier attempt, or refused with the decoded reason", function () {
    const facts = [item("fact", "0x01"), item("fact", "0x02"), item("fact", "0x03")];
    const refused = new Map([
      [1, { name: "FactRegistryAlreadyRecorded", detail: "FactRegistryAlreadyRecorded(0x…)" }],
      [2, { name: "FactRegistrySignerNotInCommission", detail: "FactRegistrySignerNotInCommission(0x…, 5)" }],
    ]);
    expect(factOutcomes(facts, refused).map((o) => o.outcome)).to.deep.equal([
      { type: "recorded" },
      { type: "alreadyRecorded" },
      { type: "refused", error: refused.get(2) },
    ]);
  });
});
