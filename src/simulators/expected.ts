// What RULES.md check() answers for a simulated application, computed off chain from the
// population's facts. The simulators use it for their statistics and the tests use it to show
// that every benefit is granted and every reason arises; a test runs a sample through the real
// contracts to keep this mirror honest. It assumes every fact of the initial feeds is recorded
// (in feed order) before the application is decided, and the demo waves.
import { DEMO_WAVES } from "../demo/consortium.ts";
import { WAVE_PHASE, type Benefit, type BenefitYear, type ReasonName } from "../domain/catalog.ts";
import { provinceOf } from "../domain/istat.ts";
import { ageOn, daysBetween, yearOf } from "./calendar.ts";
import type { Assessment, Person } from "./person.ts";

export interface WaveState {
  wave: number;
  /** WAVE_PHASE code */
  phase: number;
  provinces: readonly number[];
}

export interface ExpectedCheck {
  reason: ReasonName;
  monthlyAmountCents: bigint; // euro cents
}

const LONG_STAY_DAYS = 30;
const NO_MAX_AGE = 255;

/** The catalog terms in force in a year: that year's, else the latest earlier, else the first. */
function termsFor(benefit: Benefit, year: number): BenefitYear {
  return [...benefit.years].reverse().find((y) => y.year <= year) ?? benefit.years[0]!;
}

/** Per category, the non-revoked assessment with the latest effective date on or before `date`. */
function validAssessment(person: Person, category: number, date: number): Assessment | undefined {
  let valid: Assessment | undefined;
  for (const a of person.assessments) {
    // `>=`: on equal dates the one recorded last wins, as on chain.
    if (a.category === category && !a.revocation && a.effectiveDate <= date && (!valid || a.effectiveDate >= valid.effectiveDate)) {
      valid = a;
    }
  }
  return valid;
}

function incomeOn(person: Person, year: number): bigint | undefined {
  let best: { year: number; amountCents: bigint } | undefined;
  for (const income of person.incomes) {
    // A later record for the same year replaces the earlier one, hence `>=`.
    if (income.year <= year && (!best || income.year >= best.year)) best = income;
  }
  return best?.amountCents;
}

export function expectedCheck(
  person: Person,
  benefit: Benefit,
  date: number,
  waves: readonly WaveState[] = DEMO_WAVES,
): ExpectedCheck {
  const refuse = (reason: ReasonName): ExpectedCheck => ({ reason, monthlyAmountCents: 0n });
  const residence = person.residences[person.residences.length - 1];
  if (residence === undefined) return refuse("NO_CIVIL_RECORD");
  if (person.death && person.death.date < date) return refuse("DECEASED");

  const wave = waves.find((w) => w.wave === benefit.wave);
  if (
    wave === undefined ||
    wave.phase === WAVE_PHASE.PLANNED ||
    (wave.phase === WAVE_PHASE.PILOT && !wave.provinces.includes(provinceOf(residence.municipality)))
  ) {
    return refuse("BENEFIT_NOT_LIVE");
  }

  const valid = new Map(benefit.alternatives.map((alt) => [alt.category, validAssessment(person, alt.category, date)]));
  if ([...valid.values()].every((a) => a === undefined)) return refuse("NO_VALID_ASSESSMENT");
  const met = benefit.alternatives.some((alt) => {
    const a = valid.get(alt.category);
    return (
      a !== undefined &&
      a.percentage >= alt.minPercentage &&
      a.percentage <= alt.maxPercentage &&
      (a.flags & alt.requiredFlags) === alt.requiredFlags
    );
  });
  if (!met) return refuse("REQUIREMENT_NOT_MET");

  const age = ageOn(person.birthDate, date);
  if (date < person.birthDate || age < benefit.minAge || (benefit.maxAgeExclusive !== NO_MAX_AGE && age >= benefit.maxAgeExclusive)) {
    return refuse("AGE_OUT_OF_RANGE");
  }

  const terms = termsFor(benefit, yearOf(date));
  if (benefit.hasIncomeLimit) {
    const income = incomeOn(person, yearOf(date));
    if (income === undefined) return refuse("INCOME_NOT_ATTESTED");
    if (income > terms.incomeLimitCents) return refuse("INCOME_ABOVE_LIMIT");
  }

  if (benefit.suspendedByLongHospitalStay) {
    const long = person.stays.some((stay) => {
      const discharge = stay.discharge?.date ?? 0;
      return stay.admission <= date && (discharge === 0 || discharge >= date) && daysBetween(stay.admission, date) >= LONG_STAY_DAYS;
    });
    if (long) return refuse("HOSPITALISED");
  }

  return { reason: "ELIGIBLE", monthlyAmountCents: benefit.monetary ? terms.monthlyAmountCents : 0n };
}
