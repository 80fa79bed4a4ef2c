// A medical commission submits an assessment its members signed, through the oracle's own intake
// and outbox (the same path as the ASL feed), and follows it until it is recorded on chain or
// refused with the reason; it lists its own records. A commission acts only for itself.
import type { Interface } from "ethers";
import { PaChainError, ValidationError } from "../../errors.ts";
import type { OracleClaims } from "../../oracle/claims.ts";
import type { Intake } from "../../oracle/intake.ts";
import type { OracleStore, OutboxItem } from "../../oracle/store.ts";
import type { IndexReader } from "../data/index-reader.ts";
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

export interface SignedAssessment {
  sourceId: string;
  fiscalCode: string;
  record: Record<string, unknown>;
  signatures: string[];
}

const sourceOf = (commissionId: number) => `commission-${commissionId}`;
const keyOf = (assessmentId: string) => `assessment:${assessmentId}`;

export function createCommissionService(deps: { oracle: OracleLink | undefined; reader: IndexReader; factsInterface: Interface }) {
  const { reader, factsInterface } = deps;
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
      return { created: true, status: view(assessmentId, store.itemByKey(item.recordKey), null) };
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

    /** The commission's records on chain (newest first), and its submissions not recorded yet. */
    async list(commissionId: number, limit: number): Promise<AssessmentStatusView[]> {
      const recorded = await reader.factsOfOrganisation(commissionId, "assessment", limit);
      const waiting = deps.oracle
        ? (["pending", "sent", "dead"] as const).flatMap((status) =>
            deps.oracle!.store.items({ status, kind: "fact" }, 10_000).filter((i) => i.source === sourceOf(commissionId)))
        : [];
      return [
        ...waiting.map((i) => view(i.recordKey.slice("assessment:".length), i, null)),
        ...recorded.map((f) => view(f.recordId, undefined, placeOf(f))),
      ];
    },
  };
}

export type CommissionService = ReturnType<typeof createCommissionService>;
