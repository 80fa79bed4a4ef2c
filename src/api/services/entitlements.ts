// A person's entitlement status: for every benefit of the catalog, the contracts' own check at a
// date (no copy of the rules off chain), with the assessment it rests on and the wave's phase
// from the index. "As of" evaluates on the chain state at a past block.
import { createRevertTranslator } from "../../chain/errors.ts";
import type { PAChainContracts } from "../../chain/contracts.ts";
import { categoryName, reasonName, type Catalog, type ReasonName, type WavePhaseName } from "../../domain/catalog.ts";
import { formatIsoDate } from "../../domain/dates.ts";
import type { IndexReader } from "../data/index-reader.ts";
import { reasonText, type Text } from "./plain-language.ts";

export interface AssessmentRef {
  assessmentId: string;
  commission: string | null;
  category: string;
  percentage: number;
  effectiveDate: string;
  reviewDate: string | null;
}

export interface EntitlementView {
  benefit: string;
  wave: number;
  wavePhase: WavePhaseName | null;
  monetary: boolean;
  eligible: boolean;
  reason: ReasonName;
  explanation: Text;
  /** euro cents */
  monthlyAmountCents: number;
  /** Next review of the assessment the entitlement rests on, YYYY-MM-DD. */
  reviewDate: string | null;
  assessment: AssessmentRef | null;
}

const ZERO_ID = /^0x0+$/;

export async function assessmentRef(reader: IndexReader, assessmentId: string): Promise<AssessmentRef | null> {
  const fact = await reader.fact("assessment", assessmentId);
  if (!fact) return null;
  return {
    assessmentId,
    commission: fact.orgName,
    category: categoryName(fact.category ?? 0),
    percentage: fact.percentage ?? 0,
    effectiveDate: formatIsoDate(fact.effectiveDate ?? 0),
    reviewDate: fact.reviewDate ? formatIsoDate(fact.reviewDate) : null,
  };
}

/** How many (person, date) answers the cache keeps; the oldest go first. */
export const ENTITLEMENT_CACHE_ENTRIES = 100_000;

/**
 * Entitlement lookups memoised per chain state. The contracts' state only changes in blocks with
 * PA Chain events, and every event reaches the index: while the index's last event block stays
 * the same, the same (person, date) has the same answer. A new event block empties the cache, so
 * an answer is never older than the index (which follows the chain within its poll interval).
 * Lookups "as of" a past block are keyed by that block and never change.
 */
export function createEntitlementLookup(
  deps: { contracts: Pick<PAChainContracts, "ledger" | "catalog">; catalog: Catalog; reader: IndexReader },
  maxEntries = ENTITLEMENT_CACHE_ENTRIES,
) {
  const cache = new Map<string, Promise<EntitlementView[]>>();
  let stateBlock: number | undefined;
  // A revert of the view (a date the contracts refuse, paused contracts) answers as a domain error.
  const toDomain = createRevertTranslator();
  const lookup = (subject: string, date: number, blockTag?: number) =>
    entitlementsOn(deps, subject, date, blockTag).catch((error: unknown) => {
      throw toDomain(error);
    });
  return async (subject: string, date: number, blockTag?: number): Promise<EntitlementView[]> => {
    const block = blockTag ?? (await deps.reader.lastEventBlock());
    if (block === undefined) return lookup(subject, date);
    if (blockTag === undefined && block !== stateBlock) {
      cache.clear();
      stateBlock = block;
    }
    const key = `${subject}:${date}:${blockTag === undefined ? "head" : blockTag}`;
    let answer = cache.get(key);
    if (!answer) {
      answer = lookup(subject, date, blockTag);
      cache.set(key, answer);
      // A failed lookup (node unreachable) is not remembered.
      answer.catch(() => cache.delete(key));
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
    }
    return answer;
  };
}

export async function entitlementsOn(
  deps: { contracts: Pick<PAChainContracts, "ledger" | "catalog">; catalog: Catalog; reader: IndexReader },
  subject: string,
  /** YYYYMMDD */
  date: number,
  /** Evaluate on the state of this block instead of the latest. */
  blockTag?: number,
): Promise<EntitlementView[]> {
  const { contracts, catalog, reader } = deps;
  const overrides = blockTag === undefined ? {} : { blockTag };
  // One view evaluates every benefit on one read of the person's facts; the catalog's ids say
  // which answer is which benefit (both calls go out as one JSON-RPC batch).
  const [answers, ids, waves] = await Promise.all([
    contracts.ledger.entitlements(subject, date, overrides),
    contracts.catalog.benefitIds(overrides),
    reader.waves(),
  ]);
  const onChain = new Map(ids.map((id, i) => [String(id).toLowerCase(), answers[i]]));
  const phases = new Map(waves.map((w) => [w.wave, w.phaseName as WavePhaseName]));
  return Promise.all(
    catalog.benefits.filter((benefit) => onChain.has(benefit.id.toLowerCase())).map(async (benefit) => {
      const e = onChain.get(benefit.id.toLowerCase())!;
      const reason = reasonName(Number(e.reason));
      const assessmentId = ZERO_ID.test(e.assessmentId) ? null : String(e.assessmentId);
      return {
        benefit: benefit.code,
        wave: benefit.wave,
        wavePhase: phases.get(benefit.wave) ?? null,
        monetary: benefit.monetary,
        eligible: e.eligible,
        reason,
        explanation: reasonText(reason),
        monthlyAmountCents: Number(e.monthlyAmountCents),
        reviewDate: Number(e.reviewDate) === 0 ? null : formatIsoDate(Number(e.reviewDate)),
        assessment: assessmentId === null ? null : await assessmentRef(reader, assessmentId),
      };
    }),
  );
}
