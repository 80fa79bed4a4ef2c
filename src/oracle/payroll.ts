// The monthly payroll: every granted monetary entitlement is ordered for payment for the period.
// A run is a set of outbox items (relayed in batches like everything else); a second run of the
// same period orders everything again and the ledger refuses what is already paid (ALREADY_PAID),
// so nothing is paid twice while newly eligible people (discharged, revalued) are paid.
import type { Catalog } from "../domain/catalog.ts";
import { formatPeriod } from "../domain/dates.ts";
import type { OracleStore, OutboxItem } from "./store.ts";

export interface PayrollReport {
  period: string;
  run: number;
  orders: number;
  settled: number;
  paid: number;
  paidCents: number;
  refused: Record<string, number>;
  /** Paid amount per benefit code, euro cents. */
  paidCentsByBenefit: Record<string, number>;
}

/** Each subject's number in the FactRegistry (`subjectNumber`: the bit of the ledger's monthly payment bitmaps). */
export type PayrollOrder = ReadonlyMap<string, number>;

/** subjectNumber calls in flight at once (ethers sends them as JSON-RPC batches). */
const ORDER_CHUNK = 500;

/**
 * The registry numbers of the people a payroll of `catalog`'s monetary benefits would pay. The
 * ledger keeps a month's payments as bitmaps of 256 consecutive numbers: a payroll in number order
 * fills one word after another, one in grant order scatters each transaction over many words, each
 * created by the first transaction that reaches it and read cold by every later one (at 100,000
 * people 15,047 gas per payment in grant order, 11,743 in number order: docs/performance.md).
 *
 * `known` keeps the numbers read by earlier runs of the same process: a number is given once, at a
 * person's first record, and never changes on that chain, so a month's payroll reads only the people
 * granted since the last one (reading every payee's number took 1.7 of the 4.4 s of a 10,000-person
 * payroll). A subject without a number yet (0: nothing recorded) is not kept, and is read again.
 */
export async function readPayrollOrder(
  store: OracleStore,
  catalog: Catalog,
  facts: { subjectNumber(subject: string): Promise<bigint> },
  known: Map<string, number> = new Map(),
): Promise<PayrollOrder> {
  const subjects = [...new Set(store.grantedEntitlements(monetaryCodes(catalog)).map((e) => e.subject))];
  const unread = subjects.filter((subject) => !known.has(subject));
  for (let i = 0; i < unread.length; i += ORDER_CHUNK) {
    const chunk = unread.slice(i, i + ORDER_CHUNK);
    const answers = await Promise.all(chunk.map((subject) => facts.subjectNumber(subject)));
    chunk.forEach((subject, j) => {
      if (answers[j] > 0n) known.set(subject, Number(answers[j]));
    });
  }
  return new Map(subjects.map((subject) => [subject, known.get(subject) ?? 0]));
}

function monetaryCodes(catalog: Catalog): string[] {
  return catalog.benefits.filter((b) => b.monetary).map((b) => b.code);
}

/**
 * Orders one payment per granted monetary entitlement for `period`. With `order` (readPayrollOrder)
 * each benefit's payments go in registry-number order, one benefit after another, so every
 * transaction fills the ledger's bitmap words in turn; without it, in the order entitlements were granted.
 */
export function startPayrollRun(store: OracleStore, catalog: Catalog, period: number, order?: PayrollOrder): { run: number; orders: number } {
  const granted = store.grantedEntitlements(monetaryCodes(catalog));
  // Numbers start at 1; a subject without one (never recorded) cannot be paid and goes last.
  const numberOf = (subject: string) => order?.get(subject) || Number.MAX_SAFE_INTEGER;
  const entitlements = order
    ? [...granted].sort((a, b) => (a.benefit === b.benefit ? numberOf(a.subject) - numberOf(b.subject) : a.benefit < b.benefit ? -1 : 1))
    : granted;
  return store.startPayrollRun(period, (run) =>
    entitlements.map(({ subject, benefit }) => ({
      source: "payroll",
      recordKey: `payment:${period}:r${run}:${subject}:${benefit}`,
      kind: "payment",
      relayer: "inps",
      payload: JSON.stringify({ subject, benefit, period }),
    })),
  );
}

export function payrollReport(store: OracleStore, period: number, run: number): PayrollReport {
  const items = store.payrollItems(period, run);
  const report: PayrollReport = {
    period: formatPeriod(period), run, orders: items.length, settled: 0, paid: 0, paidCents: 0, refused: {}, paidCentsByBenefit: {},
  };
  for (const item of items) tally(report, item);
  return report;
}

function tally(report: PayrollReport, item: OutboxItem): void {
  if (item.status !== "done" || !item.outcome) return;
  report.settled += 1;
  const outcome = JSON.parse(item.outcome) as { recorded: boolean; reason: string; amountCents: number };
  if (outcome.recorded) {
    const { benefit } = JSON.parse(item.payload) as { benefit: string };
    report.paid += 1;
    report.paidCents += outcome.amountCents;
    report.paidCentsByBenefit[benefit] = (report.paidCentsByBenefit[benefit] ?? 0) + outcome.amountCents;
  } else {
    report.refused[outcome.reason] = (report.refused[outcome.reason] ?? 0) + 1;
  }
}
