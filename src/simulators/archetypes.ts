// The archetypes the demo population is made of, and how many of each. Under the demo waves
// they make every benefit granted to someone and every reason of RULES.md check() arise.
import { CATEGORY, FLAG } from "../domain/catalog.ts";
import { addDays, ageOn, randomDay, yearOf, yearsBefore } from "./calendar.ts";
import type { Builder, IncomeProfile } from "./builder.ts";
import type { ArchetypeName, Person } from "./person.ts";
import type { Random } from "./random.ts";

/** Share of the population per archetype; GENERAL_POPULATION takes the rest. */
const SHARES: Record<Exclude<ArchetypeName, "GENERAL_POPULATION">, number> = {
  TOTAL_INVALID_ASSISTED: 0.035,
  ELDERLY_ASSISTED: 0.08,
  TOTAL_INVALID: 0.03,
  PARTIAL_INVALID_LOW_INCOME: 0.06,
  PARTIAL_INVALID_HIGH_INCOME: 0.03,
  PARTIAL_INVALID_NO_INCOME: 0.01,
  MILD_INVALID: 0.04,
  ELDERLY_PARTIAL_INVALID: 0.025,
  MINOR_PERSISTENT_DIFFICULTIES: 0.03,
  MINOR_ASSISTED: 0.01,
  BLIND_ABSOLUTE: 0.01,
  BLIND_PARTIAL: 0.012,
  DEAF: 0.012,
  L104_SEVERE: 0.05,
  L104_NOT_SEVERE: 0.015,
  DIES_DURING_YEAR: 0.015,
  REVOKED_AFTER_APPEAL: 0.01,
  HOSPITALISED_OPEN_STAY: 0.012,
  HOSPITAL_STAY_CLOSED: 0.012,
  MOVED_RESIDENCE: 0.02,
  WRONG_BENEFIT: 0.02,
  ASSESSMENT_PENDING: 0.02,
  NO_CIVIL_RECORD: 0.006,
};

const CI = CATEGORY.CIVIL_INVALIDITY;
const NCA = FLAG.NEEDS_CONTINUOUS_ASSISTANCE;
const MINOR = FLAG.MINOR_PERSISTENT_DIFFICULTIES;
const HOSPITAL_CITIES = ["comune-roma", "comune-milano", "comune-brescia"];

type Create = (b: Builder, index: number, label: ArchetypeName) => Person;

export const create: Record<ArchetypeName, Create> = {
  GENERAL_POPULATION(b, index, label) {
    const r = b.random;
    const [min, max] = r.weighted([[[0, 17], 16], [[18, 34], 18], [[35, 49], 20], [[50, 64], 22], [[65, 79], 17], [[80, 95], 7]] as const);
    const p = b.person(index, label, min, max);
    const age = ageOn(p.birthDate, b.today);
    if (age >= 18 && r.chance(0.9)) b.incomes(p, { type: age >= 67 ? "pension" : "earnings" });
    if (age >= 65 && b.isRoman(p) && r.chance(0.06)) {
      const admission = randomDay(r, addDays(b.today, -330), addDays(b.today, -20));
      b.stay(p, admission, addDays(admission, r.int(2, 15)));
    }
    return p;
  },

  TOTAL_INVALID_ASSISTED(b, index, label) {
    const p = b.person(index, label, 25, 64);
    const e = b.pastEffective(p);
    b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: e });
    b.incomes(p, { type: "below", benefit: "INV_PENSIONE_INABILITA" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_PENSIONE_INABILITA", d);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD", "L68_COLLOCAMENTO_MIRATO"]);
    return p;
  },

  ELDERLY_ASSISTED(b, index, label) {
    const p = b.person(index, label, 68, 95);
    let after = yearsBefore(b.today, 8);
    if (b.random.chance(0.35)) {
      // Worsening: an older partial assessment, then 100% with assistance.
      const older = b.pastEffective(p, 400);
      b.assess(p, { category: CI, percentage: b.random.int(74, 99), flags: 0, effectiveDate: older, review: false });
      after = addDays(older, 200);
    }
    const e = randomDay(b.random, after, addDays(b.today, -60));
    b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: e });
    b.incomes(p, { type: "pension" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    if (b.random.chance(0.3)) b.apply(p, "INV_PENSIONE_INABILITA", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD"]);
    return p;
  },

  TOTAL_INVALID(b, index, label) {
    const p = b.person(index, label, 25, 64);
    const e = b.pastEffective(p);
    b.assess(p, { category: CI, percentage: 100, flags: 0, effectiveDate: e });
    b.incomes(p, { type: "below", benefit: "INV_PENSIONE_INABILITA" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_PENSIONE_INABILITA", d);
    if (b.random.chance(0.4)) b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    b.applyWave3(p, d, ["L68_COLLOCAMENTO_MIRATO", "EU_DISABILITY_CARD"]);
    return p;
  },

  PARTIAL_INVALID_LOW_INCOME(b, index, label) {
    return partialInvalid(b, index, label, { type: "below", benefit: "INV_ASSEGNO_MENSILE" });
  },
  PARTIAL_INVALID_HIGH_INCOME(b, index, label) {
    return partialInvalid(b, index, label, { type: "above", benefit: "INV_ASSEGNO_MENSILE" });
  },
  PARTIAL_INVALID_NO_INCOME(b, index, label) {
    return partialInvalid(b, index, label, { type: "none" });
  },

  MILD_INVALID(b, index, label) {
    const p = b.person(index, label, 20, 64);
    const e = b.pastEffective(p);
    b.assess(p, { category: CI, percentage: b.random.pick([34, 40, 46, 50, 55, 60, 67, 70, 73]), flags: 0, effectiveDate: e });
    b.incomes(p, { type: "earnings" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_ASSEGNO_MENSILE", d);
    b.applyWave3(p, d, ["L68_COLLOCAMENTO_MIRATO", "EU_DISABILITY_CARD"]);
    return p;
  },

  ELDERLY_PARTIAL_INVALID(b, index, label) {
    const p = b.person(index, label, 68, 90);
    const e = b.pastEffective(p);
    b.assess(p, { category: CI, percentage: b.random.int(74, 99), flags: 0, effectiveDate: e });
    b.incomes(p, { type: "pension" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_ASSEGNO_MENSILE", d);
    if (b.random.chance(0.3)) b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    return p;
  },

  MINOR_PERSISTENT_DIFFICULTIES(b, index, label) {
    const p = b.person(index, label, 3, 16);
    const e = b.pastEffective(p);
    b.assess(p, { category: CI, percentage: b.random.pick([0, 0, 0, 34, 50, 75]), flags: MINOR, effectiveDate: e });
    b.incomes(p, { type: "zero" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_INDENNITA_FREQUENZA", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD"]);
    return p;
  },

  MINOR_ASSISTED(b, index, label) {
    const p = b.person(index, label, 1, 16);
    const e = b.pastEffective(p);
    b.assess(p, { category: CI, percentage: 100, flags: NCA | MINOR, effectiveDate: e });
    const d = b.applicationDate(e);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD"]);
    return p;
  },

  BLIND_ABSOLUTE(b, index, label) {
    const p = b.person(index, label, 10, 90);
    const adult = ageOn(p.birthDate, b.today) >= 19;
    const e = b.pastEffective(p);
    b.assess(p, { category: CATEGORY.BLINDNESS, percentage: 100, flags: FLAG.BLIND_ABSOLUTE, effectiveDate: e, review: false });
    b.incomes(p, adult ? { type: b.random.chance(0.85) ? "below" : "above", benefit: "CIECHI_ASSOLUTI_PENSIONE" } : { type: "zero" });
    const d = b.applicationDate(e);
    b.apply(p, "CIECHI_ASSOLUTI_ACCOMPAGNAMENTO", d);
    if (adult || b.random.chance(0.3)) b.apply(p, "CIECHI_ASSOLUTI_PENSIONE", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD", "L68_COLLOCAMENTO_MIRATO"]);
    return p;
  },

  BLIND_PARTIAL(b, index, label) {
    const p = b.person(index, label, 10, 90);
    const adult = ageOn(p.birthDate, b.today) >= 19;
    const e = b.pastEffective(p);
    b.assess(p, { category: CATEGORY.BLINDNESS, percentage: 90, flags: FLAG.BLIND_PARTIAL, effectiveDate: e });
    b.incomes(p, adult ? { type: b.random.chance(0.85) ? "below" : "above", benefit: "CIECHI_VENTESIMISTI_PENSIONE" } : { type: "zero" });
    const d = b.applicationDate(e);
    b.apply(p, "CIECHI_VENTESIMISTI_PENSIONE", d);
    b.apply(p, "CIECHI_VENTESIMISTI_INDENNITA_SPECIALE", d);
    if (b.random.chance(0.25)) b.apply(p, "CIECHI_ASSOLUTI_ACCOMPAGNAMENTO", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD"]);
    return p;
  },

  DEAF(b, index, label) {
    const p = b.person(index, label, 5, 85);
    const age = ageOn(p.birthDate, b.today);
    const e = b.pastEffective(p);
    b.assess(p, { category: CATEGORY.DEAFNESS, percentage: b.random.pick([75, 80, 90, 100]), flags: 0, effectiveDate: e, review: false });
    b.incomes(p, age >= 19 ? { type: b.random.chance(0.85) ? "below" : "above", benefit: "SORDI_PENSIONE" } : { type: "zero" });
    const d = b.applicationDate(e);
    b.apply(p, "SORDI_INDENNITA_COMUNICAZIONE", d);
    if ((age >= 19 && age <= 65) || b.random.chance(0.25)) b.apply(p, "SORDI_PENSIONE", d);
    b.applyWave3(p, d, ["EU_DISABILITY_CARD", "L68_COLLOCAMENTO_MIRATO"]);
    return p;
  },

  L104_SEVERE(b, index, label) {
    return handicap(b, index, label, FLAG.SEVERE);
  },
  L104_NOT_SEVERE(b, index, label) {
    return handicap(b, index, label, 0);
  },

  DIES_DURING_YEAR(b, index, label) {
    const p = b.person(index, label, 72, 95);
    const jan1 = yearOf(b.today) * 10_000 + 101;
    const e = b.pastEffective(p, 120);
    b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: e });
    b.incomes(p, { type: "pension" });
    const yesterday = addDays(b.today, -1);
    const death = randomDay(b.random, Math.min(Math.max(jan1, addDays(e, 30)), yesterday), yesterday);
    b.die(p, death);
    // Decided on a day before the death (still due) or after it (refused).
    const d = b.random.chance(0.5) ? randomDay(b.random, addDays(e, 7), death) : randomDay(b.random, addDays(death, 1), b.today);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    return p;
  },

  REVOKED_AFTER_APPEAL(b, index, label) {
    const p = b.person(index, label, 30, 64);
    const keepsOlder = b.random.chance(0.5);
    let after = yearsBefore(b.today, 6);
    if (keepsOlder) {
      const older = b.pastEffective(p, 500);
      b.assess(p, { category: CI, percentage: b.random.int(74, 99), flags: 0, effectiveDate: older, review: false });
      after = addDays(older, 100);
    }
    const e = randomDay(b.random, after, addDays(b.today, -120));
    const revoked = b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: e });
    b.revoke(revoked, randomDay(b.random, addDays(e, 60), addDays(b.today, -1)));
    b.incomes(p, keepsOlder ? { type: "below", benefit: "INV_ASSEGNO_MENSILE" } : { type: "earnings" });
    const d = b.applicationDate(e);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    if (keepsOlder) b.apply(p, "INV_ASSEGNO_MENSILE", d);
    return p;
  },

  HOSPITALISED_OPEN_STAY(b, index, label) {
    const p = b.person(index, label, 70, 95, HOSPITAL_CITIES);
    const admission = randomDay(b.random, addDays(b.today, -200), addDays(b.today, -35));
    const e = b.pastEffective(p, 60, addDays(admission, -30));
    b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: e });
    b.incomes(p, { type: "pension" });
    b.stay(p, admission);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", randomDay(b.random, addDays(admission, 30), b.today));
    return p;
  },

  HOSPITAL_STAY_CLOSED(b, index, label) {
    const r = b.random;
    const p = b.person(index, label, 70, 95, HOSPITAL_CITIES);
    const variant = r.weighted([["before", 2], ["short", 1], ["long", 1]] as const);
    const admission = randomDay(r, addDays(b.today, -300), addDays(b.today, variant === "long" ? -90 : -40));
    const discharge = addDays(admission, variant === "before" ? r.int(3, 30) : variant === "short" ? r.int(10, 39) : r.int(45, 80));
    const e = b.pastEffective(p, 60, addDays(admission, -30));
    b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: e });
    b.incomes(p, { type: "pension" });
    b.stay(p, admission, discharge);
    // After the discharge; or within the first 29 days (not yet a long stay); or 30+ days into it.
    const d =
      variant === "before" ? randomDay(r, addDays(discharge, 1), b.today)
      : variant === "short" ? randomDay(r, admission, Math.min(addDays(admission, 29), discharge))
      : randomDay(r, addDays(admission, 30), discharge);
    b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    return p;
  },

  MOVED_RESIDENCE(b, index, label) {
    // A person of a wave-2 archetype moving between provinces: the move can make the benefit
    // live (or not live) for them, since the chain reads the latest residence.
    const profile = b.random.pick(["DEAF", "MINOR_PERSISTENT_DIFFICULTIES", "PARTIAL_INVALID_LOW_INCOME", "BLIND_PARTIAL"] as const);
    const p = create[profile](b, index, label);
    // After the last assessment, so each assessment's commission is that of the residence then.
    b.move(p, addDays(Math.max(...p.assessments.map((a) => a.effectiveDate)), 1));
    return p;
  },

  WRONG_BENEFIT(b, index, label) {
    const r = b.random;
    const p = b.person(index, label, 25, 60);
    const e = b.pastEffective(p);
    type Variant = { category: number; percentage: number; flags: number; benefit: string };
    const { benefit, ...assessment } = r.pick<Variant>([
      { category: CI, percentage: r.int(50, 73), flags: 0, benefit: "INV_PENSIONE_INABILITA" },
      { category: CATEGORY.DEAFNESS, percentage: 90, flags: 0, benefit: "INV_ASSEGNO_MENSILE" },
      { category: CI, percentage: 100, flags: NCA, benefit: "INV_ASSEGNO_MENSILE" },
      { category: CATEGORY.BLINDNESS, percentage: 90, flags: FLAG.BLIND_PARTIAL, benefit: "CIECHI_ASSOLUTI_PENSIONE" },
      { category: CI, percentage: 80, flags: 0, benefit: "INV_INDENNITA_FREQUENZA" },
    ]);
    b.assess(p, { ...assessment, effectiveDate: e });
    b.incomes(p, { type: "below", benefit: "INV_PENSIONE_INABILITA" });
    b.apply(p, benefit, b.applicationDate(e));
    return p;
  },

  ASSESSMENT_PENDING(b, index, label) {
    const r = b.random;
    const p = b.person(index, label, 25, 80);
    const age = ageOn(p.birthDate, b.today);
    b.incomes(p, { type: age >= 67 ? "pension" : "earnings" });
    const d = randomDay(r, addDays(b.today, -300), addDays(b.today, -20));
    if (r.chance(0.5)) {
      // The visit took place after the day the application is decided on.
      b.assess(p, { category: CI, percentage: 100, flags: NCA, effectiveDate: randomDay(r, addDays(d, 1), b.today) });
      b.apply(p, "INV_INDENNITA_ACCOMPAGNAMENTO", d);
    } else {
      b.apply(p, r.pick(["INV_ASSEGNO_MENSILE", "INV_INDENNITA_ACCOMPAGNAMENTO"]), d);
    }
    return p;
  },

  NO_CIVIL_RECORD(b, index, label) {
    const p = b.person(index, label, 20, 60);
    const e = b.pastEffective(p);
    const total = b.random.chance(0.4);
    b.assess(p, { category: CI, percentage: total ? 100 : b.random.int(74, 99), flags: total ? NCA : 0, effectiveDate: e });
    b.incomes(p, { type: "below", benefit: "INV_ASSEGNO_MENSILE" });
    b.apply(p, total ? "INV_INDENNITA_ACCOMPAGNAMENTO" : "INV_ASSEGNO_MENSILE", b.applicationDate(e));
    return p;
  },
};

function partialInvalid(b: Builder, index: number, label: ArchetypeName, income: IncomeProfile): Person {
  const p = b.person(index, label, 25, 64);
  const e = b.pastEffective(p);
  b.assess(p, { category: CI, percentage: b.random.int(74, 99), flags: 0, effectiveDate: e });
  b.incomes(p, income);
  const d = b.applicationDate(e);
  b.apply(p, "INV_ASSEGNO_MENSILE", d);
  b.applyWave3(p, d, ["L68_COLLOCAMENTO_MIRATO", "EU_DISABILITY_CARD"]);
  return p;
}

function handicap(b: Builder, index: number, label: ArchetypeName, flags: number): Person {
  const p = b.person(index, label, 2, 90);
  const age = ageOn(p.birthDate, b.today);
  const e = b.pastEffective(p);
  b.assess(p, { category: CATEGORY.HANDICAP_L104, percentage: 0, flags, effectiveDate: e });
  if (age >= 18) b.incomes(p, { type: age >= 67 ? "pension" : "earnings" });
  const d = b.applicationDate(e);
  // Permits are asked for wherever one lives; outside the pilot province they are not live yet.
  b.apply(p, "L104_PERMESSI", d);
  if (b.random.chance(0.5)) b.apply(p, "EU_DISABILITY_CARD", d);
  return p;
}

/** Each archetype its share (at least one), the rest ordinary people, in a seeded random order. */
export function archetypeSequence(random: Random, size: number): ArchetypeName[] {
  const special = Object.entries(SHARES).flatMap(([name, share]) =>
    Array<ArchetypeName>(Math.max(1, Math.round(share * size))).fill(name as ArchetypeName),
  );
  const all = [...special.slice(0, size), ...Array<ArchetypeName>(Math.max(0, size - special.length)).fill("GENERAL_POPULATION")];
  return random.shuffle(all);
}
