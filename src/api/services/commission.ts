// A medical commission submits an assessment its members signed, through the oracle's gateway
// (the oracle validates and queues it on the same path as the ASL feed), and follows it until it
// is recorded on chain or refused with the reason; it lists its own records and revokes them the
// same way. A commission acts only for itself.
import { PaChainError, ValidationError } from "../../errors.ts";
import type { OracleGateway, SignedAssessment, SignedRevocation, Submission } from "../../oracle/gateway.ts";
import { categoryName, maskToFlags } from "../../domain/catalog.ts";
import { formatIsoDate } from "../../domain/dates.ts";
import type { CommissionRegister, PersonName } from "../data/commission-register.ts";
import type { FactItem, IndexReader } from "../data/index-reader.ts";
import { placeOf } from "./history.ts";

export type { SignedAssessment, SignedRevocation };

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

/** The oracle's gateway, or a 503 when this API has none (no oracle beside it, no gateway URL). */
export function requireOracle(oracle: OracleGateway | undefined, what = ""): OracleGateway {
  if (!oracle) throw new PaChainError("UNAVAILABLE", `the oracle is not attached to this API${what}`, { status: 503 });
  return oracle;
}

const view = ({ id, state, reason }: Submission, place: AssessmentStatusView["place"] = null): AssessmentStatusView =>
  place
    ? { assessmentId: id, status: "recorded", reason: null, place }
    : { assessmentId: id, status: state, reason: reason === null ? null : `${reason.name}: ${reason.detail}`.trim(), place: null };

export function createCommissionService(deps: { oracle: OracleGateway | undefined; reader: IndexReader; register: CommissionRegister }) {
  const { reader, register } = deps;
  const oracle = () => requireOracle(deps.oracle, ": submissions are not possible here");

  return {
    /** Validates and queues a signed assessment; the same submission again answers its status. */
    async submit(commissionId: number, submitted: SignedAssessment & { person?: PersonName }): Promise<{ created: boolean; status: AssessmentStatusView }> {
      // The person's name stays in the commission's register: the oracle gets the signed record only.
      const { person, ...signed } = submitted;
      const { created, submission } = await oracle().submitAssessment(commissionId, signed);
      if (created) await register.remember(submission.id, signed.sourceId, signed.fiscalCode, person);
      return { created, status: view(submission) };
    },

    /**
     * Validates and queues the revocation of one of the commission's recorded assessments, signed
     * by its members, through the oracle's gateway like its assessments; the chain checks the
     * signer belongs to the commission that recorded it. The same revocation again answers its status.
     */
    async submitRevocation(commissionId: number, assessmentId: string, signed: SignedRevocation): Promise<{ created: boolean; status: AssessmentStatusView }> {
      const gateway = oracle();
      const fact = await reader.fact("assessment", assessmentId);
      // The oracle's outbox knows a record is on chain (mined) a moment before the index has read
      // its block, and status() already answers "recorded" from the outbox: a revocation sent on
      // that answer is taken, not refused for the index's lag (the chain checks the assessment again).
      const owner = fact ? fact.orgId : await gateway.submission("assessment", assessmentId)
        .then((s) => (s?.state === "recorded" ? s.organisation : null));
      if (owner !== commissionId) throw new PaChainError("NOT_FOUND", `no recorded assessment ${assessmentId} of your commission`, { status: 404 });
      if (String(signed.record.assessmentId).toLowerCase() !== assessmentId) {
        throw new ValidationError("record.assessmentId", `record.assessmentId: must be ${assessmentId}, the assessment in the path`);
      }
      const { created, submission } = await gateway.submitRevocation(commissionId, assessmentId, signed);
      const recorded = created ? undefined : await reader.fact("revocation", submission.id);
      return { created, status: view(submission, recorded ? placeOf(recorded) : null) };
    },

    /** Where a revocation is: queued, sent, recorded on chain or refused (why). */
    async revocationStatus(commissionId: number, revocationId: string): Promise<AssessmentStatusView> {
      const fact = await reader.fact("revocation", revocationId);
      const submission = deps.oracle ? await deps.oracle.submission("revocation", revocationId) : null;
      if (!fact && submission?.organisation !== commissionId) throw new PaChainError("NOT_FOUND", `no revocation ${revocationId} of your commission`, { status: 404 });
      if (fact) return { assessmentId: revocationId, status: "recorded", reason: null, place: placeOf(fact) };
      return view(submission!);
    },

    /** Where an assessment is: queued, sent, recorded (with its place on chain) or refused (why). */
    async status(commissionId: number, assessmentId: string): Promise<AssessmentStatusView> {
      const fact = await reader.fact("assessment", assessmentId);
      // Once indexed, the index alone answers: the oracle is asked only about what is on its way.
      const submission = fact || !deps.oracle ? null : await deps.oracle.submission("assessment", assessmentId);
      const owner = fact ? fact.orgId : submission?.organisation ?? undefined;
      // Another commission's assessment is reported as unknown, so ids cannot be probed.
      if (owner !== commissionId) throw new PaChainError("NOT_FOUND", `no assessment ${assessmentId} of your commission`, { status: 404 });
      return fact ? { assessmentId, status: "recorded", reason: null, place: placeOf(fact) } : view(submission!);
    },

    /**
     * The commission's records on chain (newest first), and its submissions not recorded yet, each
     * with the verbale number and initials from its register, the date, the outcome and any revocation.
     */
    async list(commissionId: number, limit: number): Promise<AssessmentListItem[]> {
      const [recorded, revocations, waiting] = await Promise.all([
        reader.factsOfOrganisation(commissionId, "assessment", limit),
        reader.factsOfOrganisation(commissionId, "revocation", 10_000),
        deps.oracle ? deps.oracle.waitingAssessments(commissionId) : Promise.resolve([]),
      ]);
      const revoked = new Map(revocations.map((r) => [String(r.assessmentId).toLowerCase(), r]));
      const ids = [...waiting.map((s) => s.id), ...recorded.map((f) => f.recordId)];
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
        ...waiting.map((s) => line(view(s))),
        ...recorded.map((f) => line({ assessmentId: f.recordId, status: "recorded", reason: null, place: placeOf(f) }, f)),
      ];
    },
  };
}

export type CommissionService = ReturnType<typeof createCommissionService>;
