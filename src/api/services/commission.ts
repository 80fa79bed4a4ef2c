// A medical commission submits an assessment its members signed, through the oracle's own intake
// and outbox (the same path as the ASL feed), and follows it until it is recorded on chain or
// refused with the reason; it lists its own records. A commission acts only for itself.
import type { Interface } from "ethers";
import { PaChainError, ValidationError } from "../../errors.ts";
import type { OracleClaims } from "../../oracle/claims.ts";
import type { Intake } from "../../oracle/intake.ts";
import type { OracleStore, OutboxItem } from "../../oracle/store.ts";
import { categoryName, maskToFlags } from "../../domain/catalog.ts";
import { formatIsoDate } from "../../domain/dates.ts";
import type { CommissionRegister } from "../data/commission-register.ts";
import type { FactItem, IndexReader } from "../data/index-reader.ts";
import { placeOf } from "./history.ts";

export interface OracleLink {
  intake: Intake;
  store: OracleStore;
  /** Feeds the oracle reads, for the operators' lag view. */
  sources: ReadonlyArray<{ source: string; url: string }>;
  /** Citizens' one-click claims (src/oracle/claims.ts); absent: claims answer 503. */
  claims?: OracleClaims;
}

export interface AssessmentStatusView {
  assessmentId: string;
  status: "queued" | "sent" | "recorded" | "refused";
  reason: string | null;
  place: ReturnType<typeof placeOf> | null;
}

/** One line of a commission's list: the status, and what the commission itself knows of it. */
export interface AssessmentListItem extends AssessmentStatusView {
  /** The verbale number in the commission's own system, when its register knows it. */
  sourceId: string | null;
  /** The person's initials (from the fiscal code in the commission's register), never the code. */
  initials: string | null;
  effectiveDate: string | null;
  reviewDate: string | null;
  category: string | null;
  percentage: number | null;
  flags: string[];
  /** Revoked by the commission, with the reason (REVOCATION_REASONS) and where. */
  revocation: { reason: RevocationReason; place: ReturnType<typeof placeOf> } | null;
}

/** Why a commission revokes an assessment (RevocationRecord.reason, 1-4: docs/contracts.md). */
export const REVOCATION_REASONS = ["APPEAL_UPHELD", "CLERICAL_ERROR", "FRAUD", "OTHER"] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
export const revocationReasonCode = (reason: RevocationReason) => REVOCATION_REASONS.indexOf(reason) + 1;
const revocationReasonName = (code: number | null): RevocationReason => REVOCATION_REASONS[(code ?? 4) - 1] ?? "OTHER";

/** A revocation as its members signed it (EIP-712 RevocationRecord) with their signatures. */
export interface SignedRevocation {
  record: Record<string, unknown>;
  signatures: string[];
}

export interface SignedAssessment {
  sourceId: string;
  fiscalCode: string;
  record: Record<string, unknown>;
  signatures: string[];
}

const sourceOf = (commissionId: number) => `commission-${commissionId}`;
const keyOf = (assessmentId: string) => `assessment:${assessmentId}`;

export function createCommissionService(deps: { oracle: OracleLink | undefined; reader: IndexReader; factsInterface: Interface; register: CommissionRegister }) {
  const { reader, factsInterface, register } = deps;
  const oracle = () => {
    if (!deps.oracle) throw new PaChainError("UNAVAILABLE", "the oracle is not attached to this API: submissions are not possible here", { status: 503 });
    return deps.oracle;
  };
  const commissionOf = (item: OutboxItem): number => {
    const [record] = factsInterface.decodeFunctionData("recordAssessment", item.payload);
    return Number(record.commissionId);
  };
  const view = (assessmentId: string, item: OutboxItem | undefined, place: AssessmentStatusView["place"]): AssessmentStatusView => {
    if (place) return { assessmentId, status: "recorded", reason: null, place };
    const status = item?.status === "dead" ? "refused" : item?.status === "sent" ? "sent" : item?.status === "done" ? "recorded" : "queued";
    const reason = item?.status === "dead" ? `${item.errorName ?? "REFUSED"}: ${item.errorDetail ?? ""}`.trim() : null;
    return { assessmentId, status, reason, place: null };
  };

  return {
    /** Validates and queues a signed assessment; the same submission again answers its status. */
    submit(commissionId: number, signed: SignedAssessment): { created: boolean; status: AssessmentStatusView } {
      const { intake, store } = oracle();
      if (Number(signed.record.commissionId) !== commissionId) {
        throw new PaChainError("FORBIDDEN", `record.commissionId ${String(signed.record.commissionId)} is not your commission (${commissionId})`, { status: 403 });
      }
      const accepted = intake.accept(sourceOf(commissionId), "health", { cursor: 0, kind: "assessment", ...signed });
      if (accepted.type !== "item") throw new ValidationError("kind", "kind: not an assessment");
      const { item } = accepted;
      if (item.dead) {
        const field = /^([\w.]+):/.exec(item.dead.errorDetail)?.[1] ?? "body";
        throw new ValidationError(field, item.dead.errorDetail);
      }
      const assessmentId = item.recordKey.slice("assessment:".length);
      const existing = store.itemByKey(item.recordKey);
      if (existing) {
        if (existing.payload !== item.payload) {
          throw new PaChainError("CONFLICT", `assessment ${assessmentId} was already submitted with other content`, { status: 409 });
        }
        return { created: false, status: view(assessmentId, existing, null) };
      }
      store.enqueue([item]);
      register.remember(assessmentId, signed.sourceId, signed.fiscalCode);
      return { created: true, status: view(assessmentId, store.itemByKey(item.recordKey), null) };
    },

    /**
     * Validates and queues the revocation of one of the commission's recorded assessments, signed
     * by its members, through the same intake and outbox as its assessments; the chain checks the
     * signer belongs to the commission that recorded it. The same revocation again answers its status.
     */
    async submitRevocation(commissionId: number, assessmentId: string, signed: SignedRevocation): Promise<{ created: boolean; status: AssessmentStatusView }> {
      const { intake, store } = oracle();
      const fact = await reader.fact("assessment", assessmentId);
      if (!fact || fact.orgId !== commissionId) throw new PaChainError("NOT_FOUND", `no recorded assessment ${assessmentId} of your commission`, { status: 404 });
      if (String(signed.record.assessmentId).toLowerCase() !== assessmentId) {
        throw new ValidationError("record.assessmentId", `record.assessmentId: must be ${assessmentId}, the assessment in the path`);
      }
      const accepted = intake.accept(sourceOf(commissionId), "health", { cursor: 0, kind: "revocation", sourceId: `REV-${assessmentId}`, ...signed });
      if (accepted.type !== "item") throw new ValidationError("kind", "kind: not a revocation");
      const { item } = accepted;
      if (item.dead) {
        const field = /^([\w.]+):/.exec(item.dead.errorDetail)?.[1] ?? "body";
        throw new ValidationError(field, item.dead.errorDetail);
      }
      const revocationId = item.recordKey.slice("revocation:".length);
      const existing = store.itemByKey(item.recordKey);
      if (existing) {
        // The same revocation signed again later (another signedAt) is the same revocation; another reason is not.
        const reasonOf = (payload: string) => Number(factsInterface.decodeFunctionData("recordRevocation", payload)[0].reason);
        if (existing.payload !== item.payload && reasonOf(existing.payload) !== reasonOf(item.payload)) {
          throw new PaChainError("CONFLICT", `assessment ${assessmentId} was already revoked for another reason`, { status: 409 });
        }
        const fact = await reader.fact("revocation", revocationId);
        return { created: false, status: view(revocationId, existing, fact ? placeOf(fact) : null) };
      }
      store.enqueue([item]);
      return { created: true, status: view(revocationId, store.itemByKey(item.recordKey), null) };
    },

    /** Where a revocation is: queued, sent, recorded on chain or refused (why). */
    async revocationStatus(commissionId: number, revocationId: string): Promise<AssessmentStatusView> {
      const fact = await reader.fact("revocation", revocationId);
      const item = deps.oracle?.store.itemByKey(`revocation:${revocationId}`);
      if (!fact && !(item && item.source === sourceOf(commissionId))) throw new PaChainError("NOT_FOUND", `no revocation ${revocationId} of your commission`, { status: 404 });
      return view(revocationId, item, fact ? placeOf(fact) : null);
    },

    /** Where an assessment is: queued, sent, recorded (with its place on chain) or refused (why). */
    async status(commissionId: number, assessmentId: string): Promise<AssessmentStatusView> {
      const fact = await reader.fact("assessment", assessmentId);
      const item = deps.oracle?.store.itemByKey(keyOf(assessmentId));
      const owner = fact ? fact.orgId : item ? commissionOf(item) : undefined;
      // Another commission's assessment is reported as unknown, so ids cannot be probed.
      if (owner !== commissionId) throw new PaChainError("NOT_FOUND", `no assessment ${assessmentId} of your commission`, { status: 404 });
      return view(assessmentId, item, fact ? placeOf(fact) : null);
    },

    /**
     * The commission's records on chain (newest first), and its submissions not recorded yet, each
     * with the verbale number and initials from its register, the date, the outcome and any revocation.
     */
    async list(commissionId: number, limit: number): Promise<AssessmentListItem[]> {
      const [recorded, revocations] = await Promise.all([
        reader.factsOfOrganisation(commissionId, "assessment", limit),
        reader.factsOfOrganisation(commissionId, "revocation", 10_000),
      ]);
      const waiting = deps.oracle
        ? (["pending", "sent", "dead"] as const).flatMap((status) =>
            deps.oracle!.store.items({ status, kind: "fact" }, 10_000).filter((i) => i.source === sourceOf(commissionId) && i.recordKey.startsWith("assessment:")))
        : [];
      const revoked = new Map(revocations.map((r) => [String(r.assessmentId).toLowerCase(), r]));
      const ids = [...waiting.map((i) => i.recordKey.slice("assessment:".length)), ...recorded.map((f) => f.recordId)];
      const known = await register.lookup(ids);
      const line = (status: AssessmentStatusView, fact?: FactItem): AssessmentListItem => {
        const entry = known.get(status.assessmentId.toLowerCase());
        const revocation = revoked.get(status.assessmentId.toLowerCase());
        return {
          ...status,
          sourceId: entry?.sourceId ?? null,
          initials: entry?.initials ?? null,
          effectiveDate: fact?.effectiveDate ? formatIsoDate(fact.effectiveDate) : null,
          reviewDate: fact?.reviewDate ? formatIsoDate(fact.reviewDate) : null,
          category: fact ? categoryName(fact.category ?? 0) : null,
          percentage: fact?.percentage ?? null,
          flags: fact ? maskToFlags(fact.flags ?? 0) : [],
          revocation: revocation ? { reason: revocationReasonName(revocation.revocationReason), place: placeOf(revocation) } : null,
        };
      };
      return [
        ...waiting.map((i) => line(view(i.recordKey.slice("assessment:".length), i, null))),
        ...recorded.map((f) => line(view(f.recordId, undefined, placeOf(f)), f)),
      ];
    },
  };
}

export type CommissionService = ReturnType<typeof createCommissionService>;
