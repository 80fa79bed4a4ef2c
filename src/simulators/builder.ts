// Builds one person at a time for the archetypes: identity, residence, dated facts, incomes,
// applications, each with a source record id. One Builder per population, so the PRNG and the
// record id sequences run in one deterministic order.
import { id, keccak256, concat, toUtf8Bytes } from "ethers";
import { benefitByCode, type Catalog } from "../domain/catalog.ts";
import { formatIstatCode, provinceOf } from "../domain/istat.ts";
import { addDays, ageOn, birthDateForAge, randomDay, yearOf, yearsBefore } from "./calendar.ts";
import {
  baseFiscalCode, FEMALE_NAMES, FOREIGN_BIRTHPLACES, MALE_NAMES, MUNICIPALITIES, omocodia, SURNAMES,
  type Identity, type Municipality,
} from "./identity.ts";
import {
  aslForProvince, commissionForProvince, residenceOn, SOURCE_PREFIX,
  type ArchetypeName, type AslSlug, type Assessment, type CommissionSlug, type Person,
} from "./person.ts";
import type { Random } from "./random.ts";

/** Record ids in the style of each source system: prefix, year where natural, and a sequence. */
class SourceIds {
  private readonly next = new Map<string, number>();
  private seq(prefix: string, width: number): string {
    const n = (this.next.get(prefix) ?? 0) + 1;
    this.next.set(prefix, n);
    return String(n).padStart(width, "0");
  }
  residence = (istat: number) => `ANPR/${formatIstatCode(istat)}/APR/${this.seq(`APR${istat}`, 7)}`;
  death = (istat: number) => `ANPR/${formatIstatCode(istat)}/DEC/${this.seq(`DEC${istat}`, 6)}`;
  assessment = (c: CommissionSlug, date: number) => `${SOURCE_PREFIX[c]}/${yearOf(date)}/${this.seq(c, 6)}`;
  revocation = (c: CommissionSlug) =>
    c === "inps-cml-roma" ? `INPS/REV/${this.seq("INPS/REV", 6)}` : `${SOURCE_PREFIX[c]}/REV/${this.seq(`${c}/REV`, 6)}`;
  admission = (asl: AslSlug, date: number) => `${SOURCE_PREFIX[asl]}/${yearOf(date)}/${this.seq(asl, 6)}`;
  income = (year: number) => `INPS/RED/${year}/${this.seq(`RED${year}`, 7)}`;
  application = (date: number) => `INPS/DOM/${yearOf(date)}/${this.seq(`DOM${yearOf(date)}`, 7)}`;
}

export type IncomeProfile =
  | { type: "below" | "above"; benefit: string }
  | { type: "zero" | "earnings" | "pension" | "none" };

/** Builds people; one instance per population, so sequences and the PRNG run in one order. */
export class Builder {
  readonly ids = new SourceIds();
  readonly random: Random;
  /** YYYYMMDD */
  readonly today: number;
  private readonly catalog: Catalog;
  private readonly codes = new Set<string>();
  private generalCount = 0;
  private lastGeneral: Identity | undefined;

  /** How far back applications go, in days. */
  readonly applicationWindowDays: number;

  constructor(random: Random, today: number, catalog: Catalog, applicationWindowDays = 330) {
    this.random = random;
    this.applicationWindowDays = applicationWindowDays;
    this.today = today;
    this.catalog = catalog;
  }

  // ---- identity and residence -------------------------------------------------------------

  person(index: number, archetype: ArchetypeName, minAge: number, maxAge: number, cities?: readonly string[]): Person {
    const r = this.random;
    const birthDate = birthDateForAge(r, this.today, minAge, maxAge);
    const age = ageOn(birthDate, this.today);
    const city = cities ? r.pick(cities) : undefined;
    const home = city ? MUNICIPALITIES.find((m) => m.slug === city)! : this.weightedMunicipality();
    const female = r.chance(age >= 80 ? 0.62 : 0.5);
    let identity: Identity = {
      surname: r.pick(SURNAMES),
      name: r.pick(female ? FEMALE_NAMES : MALE_NAMES),
      female,
      birthDate,
      // People not yet in ANPR are mostly newly arrived from abroad.
      birthPlace: this.birthPlace(home, age, archetype === "NO_CIVIL_RECORD" ? 0.7 : 0.06),
    };
    if (archetype === "GENERAL_POPULATION") {
      // Every 500th ordinary person is a namesake of the previous one (same names, day and place
      // of birth), so the population carries real omocodia codes for the oracle to validate.
      this.generalCount++;
      if (this.generalCount % 500 === 0 && this.lastGeneral) identity = { ...this.lastGeneral };
      this.lastGeneral = identity;
    }
    const person: Person = {
      index, fiscalCode: this.uniqueCode(identity), archetype, ...identity,
      residences: [], assessments: [], incomes: [], stays: [], applications: [],
    };
    if (archetype !== "NO_CIVIL_RECORD") {
      person.residences.push({ sourceId: this.ids.residence(home.istat), municipality: home.istat, since: birthDate });
    }
    return person;
  }

  private weightedMunicipality(except?: number): Municipality {
    return this.random.weighted(MUNICIPALITIES.filter((m) => m.istat !== except).map((m) => [m, m.residents] as const));
  }

  private birthPlace(home: Municipality, age: number, foreignShare: number): string {
    const r = this.random;
    if (age >= 18 && age <= 75 && r.chance(foreignShare)) return r.pick(FOREIGN_BIRTHPLACES);
    return r.chance(0.78) ? home.belfiore : r.pick(MUNICIPALITIES).belfiore;
  }

  /** Two people never share a code: a collision gets the next omocodia level. */
  private uniqueCode(identity: Identity): string {
    const base = baseFiscalCode(identity);
    for (let level = 0; level <= 7; level++) {
      const code = level === 0 ? base : omocodia(base, level);
      if (!this.codes.has(code)) {
        this.codes.add(code);
        return code;
      }
    }
    throw new Error("simulators: more than seven namesakes for one fiscal code");
  }

  move(person: Person, after: number): void {
    const current = person.residences[person.residences.length - 1]!;
    const to = this.weightedMunicipality(current.municipality);
    const since = randomDay(this.random, Math.max(after, addDays(this.today, -600)), addDays(this.today, -1));
    person.residences.push({ sourceId: this.ids.residence(to.istat), municipality: to.istat, since });
  }

  die(person: Person, date: number): void {
    const residence = person.residences[person.residences.length - 1]!;
    person.death = { sourceId: this.ids.death(residence.municipality), date };
  }

  isRoman(person: Person): boolean {
    const residence = person.residences[person.residences.length - 1];
    return residence !== undefined && provinceOf(residence.municipality) === 58;
  }

  // ---- dates ---------------------------------------------------------------------------

  /** An effective date in the past: after infancy, at most 8 years ago, at least `minDaysAgo` ago. */
  pastEffective(person: Person, minDaysAgo = 60, latest = this.today): number {
    const earliest = Math.max(addDays(person.birthDate, 200), yearsBefore(this.today, 8));
    return randomDay(this.random, earliest, Math.min(latest, addDays(this.today, -minDaysAgo)));
  }

  /** An application date after `after`, within the application window (by default the last eleven months). */
  applicationDate(after: number, latest = this.today): number {
    return randomDay(this.random, Math.max(addDays(after, 7), addDays(this.today, -this.applicationWindowDays)), latest);
  }

  reviewDate(effective: number): number {
    // Many assessments are permanent; the others are reviewed in 1–5 years (some already due:
    // the benefit goes on until the outcome is recorded).
    return this.random.chance(0.45) ? 0 : yearsBefore(effective, -this.random.int(1, 5));
  }

  // ---- facts -----------------------------------------------------------------------------

  assess(
    person: Person,
    fact: { category: number; percentage: number; flags: number; effectiveDate: number; review?: boolean },
  ): Assessment {
    const commission =
      person.archetype === "NO_CIVIL_RECORD"
        ? "inps-cml-roma"
        : commissionForProvince(provinceOf(residenceOn(person, fact.effectiveDate)!.municipality));
    const sourceId = this.ids.assessment(commission, fact.effectiveDate);
    const assessment: Assessment = {
      sourceId,
      commission,
      category: fact.category,
      percentage: fact.percentage,
      flags: fact.flags,
      effectiveDate: fact.effectiveDate,
      reviewDate: fact.review === false ? 0 : this.reviewDate(fact.effectiveDate),
      reportHash: keccak256(concat([this.random.bytes32(), toUtf8Bytes(sourceId)])) as `0x${string}`,
    };
    person.assessments.push(assessment);
    return assessment;
  }

  revoke(assessment: Assessment, date: number): void {
    assessment.revocation = { sourceId: this.ids.revocation(assessment.commission), date, reason: 1 };
  }

  stay(person: Person, admission: number, discharge?: number): void {
    const residence = residenceOn(person, admission)!;
    const asl = aslForProvince(provinceOf(residence.municipality));
    if (asl === undefined) throw new Error("simulators: hospital stays only for residents of an ASL's provinces");
    const admissionSourceId = this.ids.admission(asl, admission);
    person.stays.push({
      asl,
      admissionSourceId,
      admission,
      discharge: discharge === undefined ? undefined : { sourceId: `${admissionSourceId}/DIM`, date: discharge },
    });
  }

  apply(person: Person, benefit: string, date: number): void {
    benefitByCode(this.catalog, benefit); // a typo in an archetype fails loudly
    const sourceId = this.ids.application(date);
    person.applications.push({ sourceId, applicationId: id(sourceId) as `0x${string}`, fiscalCode: person.fiscalCode, benefit, date });
  }

  /** Wave 3 benefits: most people in the pilot province apply; a few elsewhere do too (and are refused). */
  applyWave3(person: Person, date: number, benefits: readonly string[]): void {
    for (const benefit of benefits) {
      if (this.random.chance(this.isRoman(person) ? 0.6 : 0.1)) this.apply(person, benefit, date);
    }
  }

  /** Personal income for last year and this year (euro cents), as INPS attests it. */
  incomes(person: Person, profile: IncomeProfile): void {
    if (profile.type === "none") return;
    const r = this.random;
    const thisYear = yearOf(this.today);
    let amount = 0;
    for (const year of [thisYear - 1, thisYear]) {
      const previous = amount;
      switch (profile.type) {
        case "zero":
          amount = 0;
          break;
        case "below": {
          const limit = this.limit(profile.benefit, year);
          amount = year < thisYear ? (r.chance(0.25) ? 0 : Math.round(limit * (0.05 + 0.88 * r.next()))) : Math.min(Math.round(previous * (0.97 + 0.06 * r.next())), Math.round(limit * 0.97));
          break;
        }
        case "above": {
          const limit = this.limit(profile.benefit, year);
          amount = year < thisYear ? Math.round(limit * (1.1 + 3 * r.next())) : Math.max(Math.round(previous * (0.97 + 0.08 * r.next())), Math.round(limit * 1.05));
          break;
        }
        case "earnings":
          // Roughly log-normal around 21,000 euro, a few with nothing.
          amount = year < thisYear ? (r.chance(0.08) ? 0 : Math.round(2_100_000 * Math.exp((r.next() + r.next() + r.next() - 1.5) * 0.9))) : Math.round(previous * (0.96 + 0.09 * r.next()));
          break;
        case "pension":
          amount = year < thisYear ? r.int(750_000, 2_600_000) : Math.round(previous * 1.008); // 2026 revaluation
          break;
      }
      person.incomes.push({ sourceId: this.ids.income(year), year, amountCents: BigInt(amount) });
    }
  }

  private limit(benefit: string, year: number): number {
    const years = benefitByCode(this.catalog, benefit).years;
    const terms = [...years].reverse().find((y) => y.year <= year) ?? years[0]!;
    return Number(terms.incomeLimitCents);
  }
}
