import { expect } from "chai";
import { benefitByCode, loadCatalog, REASONS, type ReasonName } from "../../src/domain/catalog.ts";
import { parseFiscalCode } from "../../src/domain/fiscal-code.ts";
import { provinceOf } from "../../src/domain/istat.ts";
import { ageOn } from "../../src/simulators/calendar.ts";
import { expectedCheck } from "../../src/simulators/expected.ts";
import { baseFiscalCode, MUNICIPALITIES, nameLetters, omocodia, surnameLetters } from "../../src/simulators/identity.ts";
import {
  ARCHETYPES, commissionForProvince, generatePopulation, residenceOn, type Population,
} from "../../src/simulators/population.ts";
import { today } from "../support/clock.ts";

// The population is built as of the tests' today (PACHAIN_TODAY moves it: see test/support/clock.ts).
const TODAY = today();
const catalog = loadCatalog();

describe("simulators: demo population", function () {
  let population: Population;

  before(function () {
    population = generatePopulation({ seed: 1, size: 3000, today: TODAY });
  });

  it("is the same for the same seed, size and today", function () {
    expect(generatePopulation({ seed: 1, size: 3000, today: TODAY })).to.deep.equal(population);
  });

  it("is different for another seed", function () {
    const other = generatePopulation({ seed: 2, size: 3000, today: TODAY });
    const codes = new Set(population.people.map((p) => p.fiscalCode));
    const shared = other.people.filter((p) => codes.has(p.fiscalCode)).length;
    expect(shared).to.be.lessThan(30);
  });

  it("has the requested size, defaulting to 3000", function () {
    expect(population.people).to.have.length(3000);
    expect(generatePopulation({ seed: 5, today: TODAY }).people).to.have.length(3000);
    expect(generatePopulation({ seed: 5, size: 40, today: TODAY }).people).to.have.length(40);
  });

  it("gives everyone a valid fiscal code, no two alike, with omocodia for namesakes", function () {
    const codes = population.people.map((p) => p.fiscalCode);
    for (const code of codes) expect(parseFiscalCode(code)).to.equal(code);
    expect(new Set(codes).size).to.equal(codes.length);
    // Namesakes get the next omocodia level, which stays valid.
    const omocodic = codes.filter((c) => /[LMNPQRSTUV]/.test(c[14]!));
    expect(omocodic.length).to.be.greaterThan(0);
  });

  it("derives the code from the person: surname, name, birth date, sex and place of birth", function () {
    for (const p of population.people) {
      const base = baseFiscalCode(p);
      const variants = [base, ...[1, 2, 3, 4, 5, 6, 7].map((level) => omocodia(base, level))];
      expect(variants).to.include(p.fiscalCode);
    }
    expect(surnameLetters("D'Angelo")).to.equal("DNG");
    expect(nameLetters("Francesco")).to.equal("FNC"); // four consonants: 1st, 3rd, 4th
    expect(nameLetters("Anna")).to.equal("NNA");
    expect(surnameLetters("Rea")).to.equal("REA");
    expect(omocodia("RSSMRA85T10A562S", 1)).to.equal("RSSMRA85T10A56NH");
  });

  it("contains every archetype", function () {
    const present = new Set(population.people.map((p) => p.archetype));
    expect([...present].sort()).to.deep.equal(Object.keys(ARCHETYPES).sort());
  });

  it("spreads people over the eight municipalities, Rome the largest, ages 0 to 95", function () {
    const residents = new Map<number, number>();
    for (const p of population.people) {
      const r = p.residences.at(-1);
      if (r) residents.set(r.municipality, (residents.get(r.municipality) ?? 0) + 1);
    }
    expect([...residents.keys()].sort()).to.deep.equal(MUNICIPALITIES.map((m) => m.istat).sort());
    const roma = residents.get(58091)!;
    for (const [istat, count] of residents) if (istat !== 58091) expect(roma).to.be.greaterThan(count);
    const ages = population.people.map((p) => ageOn(p.birthDate, TODAY));
    expect(Math.min(...ages)).to.equal(0);
    expect(Math.max(...ages)).to.be.within(90, 95);
  });

  it("dates no fact after today and keeps every record well formed", function () {
    for (const p of population.people) {
      const facts = [
        ...p.residences.slice(1).map((r) => r.since),
        ...p.assessments.map((a) => a.effectiveDate),
        ...p.assessments.flatMap((a) => (a.revocation ? [a.revocation.date] : [])),
        ...p.stays.flatMap((s) => [s.admission, s.discharge?.date ?? s.admission]),
        ...p.applications.map((a) => a.date),
        ...(p.death ? [p.death.date] : []),
      ];
      for (const date of facts) expect(date).to.be.within(p.birthDate, TODAY);
      for (const a of p.assessments) {
        if (a.reviewDate !== 0) expect(a.reviewDate).to.be.greaterThanOrEqual(a.effectiveDate);
        if (a.revocation) expect(a.revocation.date).to.be.greaterThan(a.effectiveDate);
      }
      for (const s of p.stays) if (s.discharge) expect(s.discharge.date).to.be.greaterThan(s.admission);
      for (const i of p.incomes) expect(i.amountCents >= 0n).to.equal(true);
      expect(new Set(p.incomes.map((i) => i.year)).size).to.equal(p.incomes.length);
    }
  });

  it("gives incomes for last year and this year only", function () {
    const years = new Set(population.people.flatMap((p) => p.incomes.map((i) => i.year)));
    const thisYear = Math.floor(TODAY / 10_000);
    expect([...years].sort()).to.deep.equal([thisYear - 1, thisYear]);
  });

  it("has the assessment made by the commission of the residence then (ASL Roma 1, ATS Milano, else INPS)", function () {
    const used = new Set<string>();
    for (const p of population.people) {
      for (const a of p.assessments) {
        const residence = residenceOn(p, a.effectiveDate);
        const expected = residence ? commissionForProvince(provinceOf(residence.municipality)) : "inps-cml-roma";
        expect(a.commission, p.archetype).to.equal(expected);
        used.add(a.commission);
      }
    }
    expect([...used].sort()).to.deep.equal(["asl-roma-1-cml", "ats-milano-cml", "inps-cml-roma"]);
  });

  it("never uses the same source record id twice, and never the fiscal code in one", function () {
    const ids = population.people.flatMap((p) => [
      ...p.residences.map((r) => r.sourceId),
      ...p.assessments.flatMap((a) => [a.sourceId, ...(a.revocation ? [a.revocation.sourceId] : [])]),
      ...p.stays.flatMap((s) => [s.admissionSourceId, ...(s.discharge ? [s.discharge.sourceId] : [])]),
      ...p.incomes.map((i) => i.sourceId),
      ...p.applications.map((a) => a.sourceId),
      ...(p.death ? [p.death.sourceId] : []),
    ]);
    expect(new Set(ids).size).to.equal(ids.length);
    const codes = new Set(population.people.map((p) => p.fiscalCode));
    for (const id of ids) for (const part of id.split("/")) expect(codes.has(part)).to.equal(false);
  });

  it("has people who move, die, are in hospital, lose an assessment on appeal, or are unknown to ANPR", function () {
    const people = population.people;
    expect(people.filter((p) => p.residences.length > 1).length).to.be.greaterThan(10);
    expect(people.filter((p) => p.death).length).to.be.greaterThan(10);
    expect(people.filter((p) => p.stays.some((s) => !s.discharge)).length).to.be.greaterThan(10);
    expect(people.filter((p) => p.stays.some((s) => s.discharge)).length).to.be.greaterThan(10);
    expect(people.filter((p) => p.assessments.some((a) => a.revocation)).length).to.be.greaterThan(10);
    expect(people.filter((p) => p.residences.length === 0).length).to.be.greaterThan(5);
    expect(people.filter((p) => p.incomes.length === 0 && p.applications.length > 0).length).to.be.greaterThan(5);
  });

  describe("applications under the demo waves", function () {
    const outcomes = new Map<string, Set<ReasonName>>();
    const reasons = new Set<ReasonName>();

    before(function () {
      for (const p of population.people) {
        for (const a of p.applications) {
          expect(a.fiscalCode).to.equal(p.fiscalCode);
          const { reason } = expectedCheck(p, benefitByCode(catalog, a.benefit), a.date);
          reasons.add(reason);
          if (!outcomes.has(a.benefit)) outcomes.set(a.benefit, new Set());
          outcomes.get(a.benefit)!.add(reason);
        }
      }
    });

    it("asks for every benefit of the catalog", function () {
      expect([...outcomes.keys()].sort()).to.deep.equal(catalog.benefits.map((b) => b.code).sort());
    });

    it("grants every benefit to someone", function () {
      for (const b of catalog.benefits) expect([...outcomes.get(b.code)!], b.code).to.include("ELIGIBLE");
    });

    it("meets every reason of check(), NO_CIVIL_RECORD to HOSPITALISED", function () {
      const checkReasons = REASONS.slice(0, REASONS.indexOf("HOSPITALISED") + 1);
      expect([...reasons].sort()).to.deep.equal([...checkReasons].sort());
    });
  });
});
