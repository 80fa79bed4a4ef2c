// A citizen's one-click claims and the notices sent to them. Claims go to the oracle through its
// gateway (src/oracle/gateway.ts; INPS's oracle keeps them, src/oracle/claims.ts); the block of a
// decision comes from the index. Notices are read from the notifier's outbox (src/notifier/store.ts).
import type { Catalog } from "../../domain/catalog.ts";
import { reasonName, REASONS, type ReasonName } from "../../domain/catalog.ts";
import { PaChainError } from "../../errors.ts";
import type { ClaimStatus, ClaimView } from "../../oracle/gateway.ts";
import type { NoticeStore } from "../../notifier/store.ts";
import type { IndexReader } from "../data/index-reader.ts";
import type { OracleGateway } from "../../oracle/gateway.ts";
import { reasonText } from "./plain-language.ts";

export interface ApplicationView {
  id: string;
  benefit: string;
  status: ClaimView["status"];
  date: string;
  decision: { eligible: boolean; reason: ReasonName; explanation: { it: string; en: string }; block: number | null; txHash: string | null } | null;
}

const asReason = (name: string): ReasonName => ((REASONS as readonly string[]).includes(name) ? (name as ReasonName) : reasonName(0));

export function createClaimService(deps: {
  oracle: OracleGateway | undefined;
  reader: IndexReader;
  catalog: Catalog;
  notices?: Pick<NoticeStore, "noticesOf">;
}) {
  const oracle = () => {
    if (!deps.oracle) throw new PaChainError("UNAVAILABLE", "the oracle is not attached to this API: claims are not possible here", { status: 503 });
    return deps.oracle;
  };

  async function withBlocks(subject: string, views: ClaimView[]): Promise<ApplicationView[]> {
    const decided = views.some((v) => v.decision) ? await deps.reader.decisions(subject) : [];
    const onChain = new Map(decided.map((d) => [d.applicationId.toLowerCase(), d]));
    return views.map((v) => {
      const d = onChain.get(v.id.toLowerCase());
      return {
        id: v.id, benefit: v.benefit, status: v.status, date: v.date,
        decision: v.decision && {
          eligible: v.decision.eligible,
          reason: asReason(v.decision.reason),
          explanation: reasonText(asReason(v.decision.reason)),
          block: d?.block ?? null,
          txHash: d?.txHash ?? v.decision.txHash,
        },
      };
    });
  }

  return {
    /** Files a claim decided at today's date (YYYYMMDD); the same claim while pending or granted. */
    async submit(subject: string, benefit: string, today: number): Promise<{ created: boolean; id: string; status: ClaimView["status"] }> {
      const { created, claim } = await oracle().submitClaim(subject, benefit, today);
      return { created, id: claim.id, status: claim.status };
    },
    list: async (subject: string) => withBlocks(subject, await oracle().claimsOf(subject)),
    async get(subject: string, id: string): Promise<ApplicationView> {
      const view = (await oracle().claimsOf(subject)).find((c) => c.id.toLowerCase() === id.toLowerCase());
      // Another person's application is reported as unknown, so ids cannot be probed.
      if (!view) throw new PaChainError("NOT_FOUND", `no application ${id} of yours`, { status: 404 });
      return (await withBlocks(subject, [view]))[0]!;
    },
    /** Per benefit, the person's latest application; from the chain's decisions without an oracle. */
    async statusByBenefit(subject: string): Promise<Map<string, { status: ClaimStatus; applicationId: string }>> {
      if (deps.oracle) {
        try {
          return new Map((await deps.oracle.claimStatus(subject)).map(({ benefit, status, applicationId }) => [benefit, { status, applicationId }]));
        } catch (error) {
          // An oracle that takes no claims (not INPS's), or does not answer: the chain's decisions still tell.
          if (!(error instanceof PaChainError && error.code === "UNAVAILABLE")) throw error;
        }
      }
      const byId = new Map(deps.catalog.benefits.map((b) => [b.id.toLowerCase(), b.code]));
      const latest = new Map<string, { status: ClaimStatus; applicationId: string }>();
      for (const d of await deps.reader.decisions(subject)) {
        const code = byId.get(d.benefitId.toLowerCase());
        if (code) latest.set(code, { status: d.eligible ? "GRANTED" : "REFUSED", applicationId: d.applicationId });
      }
      return latest;
    },
    notices(subject: string, limit: number) {
      if (!deps.notices) return [];
      return deps.notices.noticesOf(subject, limit).map((n) => ({
        id: n.id,
        kind: n.kind,
        benefit: n.benefit,
        channel: "IO" as const,
        status: n.status,
        detail: n.detail,
        createdAt: new Date(n.createdAt).toISOString(),
        sentAt: n.sentAt === null ? null : new Date(n.sentAt).toISOString(),
        messageId: n.messageId,
      }));
    },
  };
}

export type ClaimService = ReturnType<typeof createClaimService>;
