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

export function startPayrollRun(store: OracleStore, catalog: Catalog, period: number): { run: number; orders: number } {
  const monetary = catalog.benefits.filter((b) => b.monetary).map((b) => b.code);
  const entitlements = store.grantedEntitlements(monetary);
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
