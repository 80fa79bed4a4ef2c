// Reads what the chain holds, for comparing runs: every certified record (by kind and id), every
// decision and every payment, from the contracts' events.
import type { PAChainContracts } from "../../src/chain/contracts.ts";
import { onChainAssessmentId } from "../../src/chain/signing.ts";

export interface ChainState {
  /** "kind:id" of every recorded fact, with how many times each was recorded. */
  facts: Map<string, number>;
  decisions: Map<string, string>;
  payments: Map<string, bigint>;
}

const FACT_EVENTS = [
  ["CivilRecordRecorded", "civil", "recordId"],
  ["DeathRecorded", "death", "recordId"],
  ["AssessmentRecorded", "assessment", "assessmentId"],
  ["AssessmentRevoked", "revocation", "recordId"],
  ["IncomeRecorded", "income", "recordId"],
  ["HospitalStayRecorded", "hospitalStay", "recordId"],
] as const;

export async function readChainState(contracts: PAChainContracts, fromBlock: number): Promise<ChainState> {
  const facts = new Map<string, number>();
  for (const [event, kind, idField] of FACT_EVENTS) {
    const logs = await contracts.facts.queryFilter(contracts.facts.filters[event](), fromBlock, "latest");
    for (const log of logs) {
      const key = `${kind}:${(log.args as unknown as Record<string, string>)[idField]}`;
      facts.set(key, (facts.get(key) ?? 0) + 1);
    }
  }
  const decisions = new Map<string, string>();
  for (const log of await contracts.ledger.queryFilter(contracts.ledger.filters.ApplicationDecided(), fromBlock, "latest")) {
    decisions.set(log.args.applicationId, `${log.args.eligible}:${log.args.reason}:${log.args.monthlyAmountCents}`);
  }
  const payments = new Map<string, bigint>();
  for (const log of await contracts.ledger.queryFilter(contracts.ledger.filters.PaymentRecorded(), fromBlock, "latest")) {
    const key = `${log.args.subject}:${log.args.benefitId}:${log.args.period}`;
    if (payments.has(key)) throw new Error(`payment recorded twice: ${key}`);
    payments.set(key, log.args.amountCents);
  }
  return { facts, decisions, payments };
}

/** "kind:id" of every fact event of the feeds. */
export function expectedFacts(events: ReadonlyArray<Record<string, unknown>>): Set<string> {
  const keys = new Set<string>();
  for (const e of events) {
    if (e.kind === "application") continue;
    const record = e.record as Record<string, string>;
    // AssessmentRecorded names an assessment by its on-chain id, bound to its commission.
    keys.add(`${e.kind}:${e.kind === "assessment" ? onChainAssessmentId(Number(record.commissionId), record.assessmentId!) : record.recordId}`);
  }
  return keys;
}
