// One-click claims: a citizen asks for a benefit and the claim enters the oracle's durable path as
// an application, exactly like those of the INPS feed (store.ts applications → the decision
// scheduler in service.ts → a decision item in the outbox → BenefitLedger.decide on chain). The
// decision is the contracts' own: a refusal carries the chain's reason.
// A claim's id is derived from the person, the benefit and the attempt, so a repeated claim while
// one is pending or granted is the same claim (the same answer), and a new claim after a refusal
// is a new application with a new id.
import { keccak256, toUtf8Bytes } from "ethers";
import { benefitByCode, type Catalog } from "../domain/catalog.ts";
import { formatIsoDate } from "../domain/dates.ts";
import type { Application, OracleStore } from "./store.ts";

export type ClaimStatus = "NOT_CLAIMED" | "PENDING" | "GRANTED" | "REFUSED";

export interface ClaimView {
  id: string;
  benefit: string;
  status: Exclude<ClaimStatus, "NOT_CLAIMED">;
  /** YYYY-MM-DD: the date the entitlement is decided at. */
  date: string;
  /** Null until decided; then the chain's answer and the transaction that recorded it. */
  decision: { eligible: boolean; reason: string; txHash: string | null } | null;
}

/** The chain's application id of a person's `attempt`-th claim of a benefit (bytes32). */
export function claimId(subject: string, benefit: string, attempt: number): string {
  return keccak256(toUtf8Bytes(`pachain-claim:${subject.toLowerCase()}:${benefit}:${attempt}`));
}

const statusOf = (a: Application): ClaimView["status"] =>
  a.status !== "decided" ? "PENDING" : a.eligible ? "GRANTED" : "REFUSED";

function viewOf(store: Pick<OracleStore, "itemByKey">, a: Application): ClaimView {
  const item = a.status === "decided" ? store.itemByKey(`decision:${a.applicationId}`) : undefined;
  return {
    id: a.applicationId,
    benefit: a.benefit,
    status: statusOf(a),
    date: formatIsoDate(a.date),
    decision: a.status === "decided" ? { eligible: a.eligible === true, reason: a.reason ?? "", txHash: item?.txHash ?? null } : null,
  };
}

type ClaimStore = Pick<OracleStore, "applicationsOf" | "application" | "addApplications" | "itemByKey" | "transaction">;

/**
 * Files a claim of `benefit` for `subject`, to be decided at `date` (YYYYMMDD). While an earlier
 * application of the same benefit is pending or granted, that one is the answer (created false).
 */
export function submitClaim(
  deps: { store: ClaimStore; catalog: Catalog },
  claim: { subject: string; benefit: string; date: number },
): { created: boolean; claim: ClaimView } {
  const { store, catalog } = deps;
  benefitByCode(catalog, claim.benefit); // an unknown benefit is a 400 naming the field
  // Synchronous SQLite in one transaction: two clicks at once still make one application.
  return store.transaction(() => {
    const earlier = store.applicationsOf(claim.subject).filter((a) => a.benefit === claim.benefit);
    const latest = earlier.at(-1);
    if (latest && statusOf(latest) !== "REFUSED") return { created: false, claim: viewOf(store, latest) };
    const applicationId = claimId(claim.subject, claim.benefit, earlier.length);
    store.addApplications([{ applicationId, subject: claim.subject, benefit: claim.benefit, date: claim.date }]);
    return { created: true, claim: viewOf(store, store.application(applicationId)!) };
  });
}

/** Every application of a person (claims and the INPS feed's), oldest first. */
export function claimsOf(deps: { store: ClaimStore }, subject: string): ClaimView[] {
  return deps.store.applicationsOf(subject).map((a) => viewOf(deps.store, a));
}

/** Per benefit, where the person's latest application stands (absent: NOT_CLAIMED). */
export function claimStatus(deps: { store: ClaimStore }, subject: string): Map<string, { status: ClaimStatus; applicationId: string }> {
  const latest = new Map<string, { status: ClaimStatus; applicationId: string }>();
  for (const a of deps.store.applicationsOf(subject)) latest.set(a.benefit, { status: statusOf(a), applicationId: a.applicationId });
  return latest;
}

/** What the oracle does with claims; the read API reaches it through the gateway (gateway.ts). */
export interface OracleClaims {
  submit(subject: string, benefit: string, date: number): { created: boolean; claim: ClaimView };
  list(subject: string): ClaimView[];
  status(subject: string): Map<string, { status: ClaimStatus; applicationId: string }>;
}

export function createOracleClaims(deps: { store: ClaimStore; catalog: Catalog }): OracleClaims {
  return {
    submit: (subject, benefit, date) => submitClaim(deps, { subject, benefit, date }),
    list: (subject) => claimsOf(deps, subject),
    status: (subject) => claimStatus(deps, subject),
  };
}
