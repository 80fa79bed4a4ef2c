// The citizen's entitlement status, computed by the contracts' check for every benefit of the
// catalog at a date (no copy of the rules off chain).
import type { PAChainContracts } from "../chain/contracts.ts";
import { reasonName, type Catalog, type ReasonName } from "../domain/catalog.ts";
import { formatIsoDate } from "../domain/dates.ts";

export interface EntitlementView {
  benefit: string;
  wave: number;
  monetary: boolean;
  eligible: boolean;
  reason: ReasonName;
  monthlyAmountCents: number;
  /** The valid assessment the entitlement rests on, when eligible. */
  assessmentId: string | null;
  /** Next review of that assessment, YYYY-MM-DD. */
  reviewDate: string | null;
}

export async function entitlementsOn(
  contracts: Pick<PAChainContracts, "ledger">,
  catalog: Catalog,
  subject: string,
  date: number,
): Promise<EntitlementView[]> {
  return Promise.all(
    catalog.benefits.map(async (benefit) => {
      const e = await contracts.ledger.entitlement(subject, benefit.id, date);
      const assessmentId = /^0x0+$/.test(e.assessmentId) ? null : e.assessmentId;
      return {
        benefit: benefit.code,
        wave: benefit.wave,
        monetary: benefit.monetary,
        eligible: e.eligible,
        reason: reasonName(Number(e.reason)),
        monthlyAmountCents: Number(e.monthlyAmountCents),
        assessmentId,
        reviewDate: Number(e.reviewDate) === 0 ? null : formatIsoDate(Number(e.reviewDate)),
      };
    }),
  );
}
