// The benefit catalog read straight from the BenefitCatalog contract, for a part that has no index
// (the oracle's payroll): the same Catalog the read API derives from the index's catalog events.
import { catalogFromChain, type Catalog, type StoredBenefit, type StoredYearTerms } from "../domain/catalog.ts";
import type { PAChainContracts } from "./contracts.ts";

export async function readCatalog(contract: PAChainContracts["catalog"]): Promise<Catalog> {
  const ids = await contract.benefitIds();
  const benefits: StoredBenefit[] = [];
  const terms: StoredYearTerms[] = [];
  await Promise.all(ids.map(async (benefitId, i) => {
    const [b, code] = await Promise.all([contract.benefit(benefitId), contract.benefitCode(benefitId)]);
    benefits[i] = {
      code, wave: Number(b.wave), monetary: b.monetary, paymentsPerYear: Number(b.paymentsPerYear), minAge: Number(b.minAge),
      maxAgeExclusive: Number(b.maxAgeExclusive), suspendedByLongHospitalStay: b.suspendedByLongHospitalStay,
      hasIncomeLimit: b.hasIncomeLimit, requirementCount: Number(b.requirementCount), requirements: b.requirements,
    };
    const first = Number(b.firstYear);
    const years = first === 0 ? [] : Array.from({ length: Number(b.lastYear) - first + 1 }, (_, k) => first + k);
    for (const [year, t] of await Promise.all(years.map(async (year) => [year, await contract.yearTerms(benefitId, year)] as const))) {
      if (t.set) terms.push({ benefitId, year, monthlyAmountCents: t.monthlyAmountCents, incomeLimitCents: t.incomeLimitCents });
    }
  }));
  return catalogFromChain(benefits, terms);
}
