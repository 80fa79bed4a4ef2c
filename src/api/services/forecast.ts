// The payroll of the coming months, forecast by asking the contracts themselves: for every person
// INPS has granted a benefit, BenefitLedger.entitlements(subject, first day of the month) for each
// future month. Everything that changes a payment is already on chain and the rules apply it on
// the date asked: a review date that passes, an age limit reached, an income year without an
// attested income, a recorded death, the thirteenth payment in December. So the forecast holds
// no rule of its own; only applications not yet made (and facts not yet recorded) are unknown.
import type { PAChainContracts } from "../../chain/contracts.ts";
import type { Catalog } from "../../domain/catalog.ts";
import { formatPeriod, periodFirstDay } from "../../domain/dates.ts";
import type { IndexReader } from "../data/index-reader.ts";
import { benefitCodes } from "./history.ts";

export interface ForecastBenefit {
  benefit: string;
  forecast: { payments: number; amountCents: number };
  /** What was paid for that month, once it has been (null for a month not paid yet). */
  actual: { payments: number; amountCents: number } | null;
}

export interface ForecastMonth {
  period: string;
  benefits: ForecastBenefit[];
  forecastCents: number;
  actualCents: number | null;
}

/** How many entitlement lookups go to the node at once. */
const LOOKUPS_IN_FLIGHT = 16;
/** Forecasts remembered per chain state (the same question answers the same until a new event). */
const CACHE_ENTRIES = 32;

const addMonths = (yyyymm: number, delta: number) => {
  const index = Math.floor(yyyymm / 100) * 12 + (yyyymm % 100) - 1 + delta;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
};

/** Runs `work` over `items` with at most `limit` in flight, keeping the order of the results. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function createPayrollForecast(deps: { contracts: Pick<PAChainContracts, "ledger" | "catalog">; catalog: Catalog; reader: IndexReader }) {
  const cache = new Map<string, Promise<ForecastMonth[]>>();
  const compute = async (from: number, months: number): Promise<ForecastMonth[]> => {
    const { contracts, catalog, reader } = deps;
    const code = benefitCodes(catalog);
    const monetary = new Map(catalog.benefits.filter((b) => b.monetary).map((b) => [b.code, b]));
    const [claims, ids, actualRows] = await Promise.all([reader.grantedClaims(), contracts.catalog.benefitIds(), reader.periodTotals()]);
    const index = new Map(ids.map((id, i) => [String(id).toLowerCase(), i]));
    const claimsOf = new Map<string, string[]>();
    for (const c of claims) {
      if (!monetary.has(code(c.benefitId))) continue;
      claimsOf.set(c.subject, [...(claimsOf.get(c.subject) ?? []), c.benefitId.toLowerCase()]);
    }
    const subjects = [...claimsOf.keys()];
    const periods = Array.from({ length: months }, (_, i) => addMonths(from, i));
    const answer: ForecastMonth[] = [];
    for (const period of periods) {
      const day = periodFirstDay(period);
      const sums = new Map<string, { payments: number; amountCents: number }>();
      const perSubject = await mapLimited(subjects, LOOKUPS_IN_FLIGHT, (subject) => contracts.ledger.entitlements(subject, day));
      subjects.forEach((subject, s) => {
        for (const benefitId of claimsOf.get(subject)!) {
          const e = perSubject[s][index.get(benefitId) ?? -1];
          if (!e?.eligible) continue;
          const benefit = code(benefitId);
          // December pays the thirteenth for benefits paid 13 times a year (EntitlementRules.paymentAmount).
          const times = monetary.get(benefit)!.paymentsPerYear === 13 && period % 100 === 12 ? 2 : 1;
          const sum = sums.get(benefit) ?? { payments: 0, amountCents: 0 };
          sum.payments += 1;
          sum.amountCents += Number(e.monthlyAmountCents) * times;
          sums.set(benefit, sum);
        }
      });
      const actual = actualRows.filter((r) => r.period === period);
      const benefits = [...monetary.keys()].map((benefit) => {
        const paid = actual.find((r) => code(r.benefitId) === benefit);
        return {
          benefit,
          forecast: sums.get(benefit) ?? { payments: 0, amountCents: 0 },
          actual: actual.length === 0 ? null : { payments: paid?.payments ?? 0, amountCents: paid?.amountCents ?? 0 },
        };
      }).filter((b) => b.forecast.payments > 0 || (b.actual?.payments ?? 0) > 0);
      answer.push({
        period: formatPeriod(period),
        benefits,
        forecastCents: benefits.reduce((sum, b) => sum + b.forecast.amountCents, 0),
        actualCents: actual.length === 0 ? null : actual.reduce((sum, r) => sum + r.amountCents, 0),
      });
    }
    return answer;
  };
  return async (from: number, months: number): Promise<ForecastMonth[]> => {
    const key = `${await deps.reader.lastEventBlock()}:${from}:${months}`;
    let answer = cache.get(key);
    if (!answer) {
      answer = compute(from, months);
      cache.set(key, answer);
      answer.catch(() => cache.delete(key));
      if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    }
    return answer;
  };
}
