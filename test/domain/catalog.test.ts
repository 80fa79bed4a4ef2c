import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { PaChainError, ValidationError } from "../../src/errors.ts";
import {
  CATEGORY,
  CATEGORY_NAMES,
  DEFAULT_CATALOG_PATH,
  FLAG,
  REASONS,
  WAVE_PHASE,
  WAVE_PHASE_NAMES,
  benefitByCode,
  benefitId,
  categoryCode,
  categoryName,
  flagsToMask,
  loadCatalog,
  maskToFlags,
  parseCatalog,
  reasonCode,
  reasonName,
} from "../../src/domain/catalog.ts";

const CODES = [
  "INV_PENSIONE_INABILITA",
  "INV_ASSEGNO_MENSILE",
  "INV_INDENNITA_ACCOMPAGNAMENTO",
  "INV_INDENNITA_FREQUENZA",
  "CIECHI_ASSOLUTI_PENSIONE",
  "CIECHI_ASSOLUTI_ACCOMPAGNAMENTO",
  "CIECHI_VENTESIMISTI_PENSIONE",
  "CIECHI_VENTESIMISTI_INDENNITA_SPECIALE",
  "SORDI_PENSIONE",
  "SORDI_INDENNITA_COMUNICAZIONE",
  "L104_PERMESSI",
  "L68_COLLOCAMENTO_MIRATO",
  "EU_DISABILITY_CARD",
];

type RawBenefit = Record<string, unknown>;
type RawTable = { benefits: RawBenefit[] } & Record<string, unknown>;

// A fresh, mutable copy of the project's table for each invalid-table case.
function table(): RawTable {
  return JSON.parse(readFileSync(DEFAULT_CATALOG_PATH, "utf8")) as RawTable;
}

function withBenefit(index: number, change: (b: RawBenefit) => void): RawTable {
  const t = table();
  change(t.benefits[index]!);
  return t;
}

function expectRefused(json: unknown, field: string, message: string | RegExp): void {
  expect(() => parseCatalog(json)).to.throw(ValidationError, message).that.includes({ code: "INVALID_CATALOG", field });
}

describe("catalog", () => {
  describe("on-chain encoding", () => {
    // These numbers are stored on chain: a change here is an ABI break, not a refactor.
    it("numbers categories, flags, wave phases and reasons as the contracts do", () => {
      expect(CATEGORY).to.deep.equal({ NONE: 0, CIVIL_INVALIDITY: 1, BLINDNESS: 2, DEAFNESS: 3, HANDICAP_L104: 4 });
      expect(CATEGORY_NAMES.map((n) => CATEGORY[n])).to.deep.equal([0, 1, 2, 3, 4]);
      expect(FLAG).to.deep.equal({
        NEEDS_CONTINUOUS_ASSISTANCE: 1,
        MINOR_PERSISTENT_DIFFICULTIES: 2,
        BLIND_ABSOLUTE: 4,
        BLIND_PARTIAL: 8,
        SEVERE: 16,
      });
      expect(WAVE_PHASE).to.deep.equal({ PLANNED: 0, PILOT: 1, LIVE: 2 });
      expect(WAVE_PHASE_NAMES.map((n) => WAVE_PHASE[n])).to.deep.equal([0, 1, 2]);
      expect(REASONS).to.deep.equal([
        "ELIGIBLE",
        "NO_CIVIL_RECORD",
        "DECEASED",
        "BENEFIT_NOT_LIVE",
        "NO_VALID_ASSESSMENT",
        "REQUIREMENT_NOT_MET",
        "AGE_OUT_OF_RANGE",
        "INCOME_NOT_ATTESTED",
        "INCOME_ABOVE_LIMIT",
        "HOSPITALISED",
        "NOT_MONETARY",
        "PERIOD_IN_FUTURE",
        "ALREADY_PAID",
      ]);
    });

    it("converts categories both ways and refuses unknown ones", () => {
      expect(categoryCode("DEAFNESS", "c")).to.equal(3);
      expect(categoryName(4)).to.equal("HANDICAP_L104");
      expect(() => categoryCode("DEAF", "facts[2].category"))
        .to.throw(ValidationError, 'facts[2].category: unknown category "DEAF"')
        .that.includes({ field: "facts[2].category" });
      expect(() => categoryName(5)).to.throw(ValidationError, "unknown category code 5");
    });

    it("ORs flag names into a mask and decodes it in bit order", () => {
      expect(flagsToMask(["SEVERE", "BLIND_ABSOLUTE"], "flags")).to.equal(20);
      expect(flagsToMask([], "flags")).to.equal(0);
      expect(maskToFlags(20)).to.deep.equal(["BLIND_ABSOLUTE", "SEVERE"]);
      expect(maskToFlags(0)).to.deep.equal([]);
    });

    it("refuses an unknown flag name, naming it and its position", () => {
      expect(() => flagsToMask(["SEVERE", "BLIND"], "facts[4].flags"))
        .to.throw(ValidationError, 'facts[4].flags[1]: unknown flag "BLIND"')
        .that.includes({ code: "VALIDATION_FAILED", field: "facts[4].flags[1]" });
    });

    it("refuses a mask with bits that name no flag", () => {
      expect(() => maskToFlags(32)).to.throw(ValidationError, "flags: 32 has bits that name no flag");
    });

    it("converts reasons both ways and refuses unknown ones", () => {
      expect(reasonName(12)).to.equal("ALREADY_PAID");
      expect(reasonCode("HOSPITALISED")).to.equal(9);
      expect(() => reasonName(13)).to.throw(ValidationError, "unknown reason code 13");
      expect(() => reasonCode("PAID")).to.throw(ValidationError, 'unknown reason "PAID"');
    });

    it("keys a benefit by keccak256 of its code", () => {
      expect(benefitId("L104_PERMESSI")).to.equal(keccak256(toUtf8Bytes("L104_PERMESSI")));
    });
  });

  describe("loadCatalog", () => {
    const catalog = loadCatalog();

    it("loads all 13 benefits of the project table, in table order", () => {
      expect(catalog.benefits.map((b) => b.code)).to.deep.equal(CODES);
    });

    it("encodes INV_PENSIONE_INABILITA completely", () => {
      expect(benefitByCode(catalog, "INV_PENSIONE_INABILITA")).to.deep.equal({
        id: keccak256(toUtf8Bytes("INV_PENSIONE_INABILITA")),
        code: "INV_PENSIONE_INABILITA",
        wave: 1,
        monetary: true,
        paymentsPerYear: 13,
        minAge: 18,
        maxAgeExclusive: 67,
        suspendedByLongHospitalStay: false,
        alternatives: [{ category: CATEGORY.CIVIL_INVALIDITY, minPercentage: 100, maxPercentage: 100, requiredFlags: 0 }],
        years: [
          { year: 2025, monthlyAmountCents: 33600n, incomeLimitCents: 1977250n },
          { year: 2026, monthlyAmountCents: 34071n, incomeLimitCents: 2002955n },
        ],
        hasIncomeLimit: true,
      });
    });

    it("encodes a benefit without income limit with zero limits and no upper age as 255", () => {
      const b = benefitByCode(catalog, "INV_INDENNITA_ACCOMPAGNAMENTO");
      expect(b.hasIncomeLimit).to.equal(false);
      expect(b.maxAgeExclusive).to.equal(255);
      expect(b.suspendedByLongHospitalStay).to.equal(true);
      expect(b.alternatives).to.deep.equal([{ category: 1, minPercentage: 100, maxPercentage: 100, requiredFlags: FLAG.NEEDS_CONTINUOUS_ASSISTANCE }]);
      expect(b.years).to.deep.equal([
        { year: 2025, monthlyAmountCents: 54202n, incomeLimitCents: 0n },
        { year: 2026, monthlyAmountCents: 55153n, incomeLimitCents: 0n },
      ]);
    });

    it("gives a non-monetary benefit with neither amounts nor limits no years", () => {
      const b = benefitByCode(catalog, "L104_PERMESSI");
      expect(b.monetary).to.equal(false);
      expect(b.years).to.deep.equal([]);
      expect(b.alternatives).to.deep.equal([{ category: 4, minPercentage: 0, maxPercentage: 100, requiredFlags: FLAG.SEVERE }]);
    });

    it("encodes the three L68_COLLOCAMENTO_MIRATO alternatives", () => {
      expect(benefitByCode(catalog, "L68_COLLOCAMENTO_MIRATO").alternatives).to.deep.equal([
        { category: 1, minPercentage: 46, maxPercentage: 100, requiredFlags: 0 },
        { category: 2, minPercentage: 0, maxPercentage: 100, requiredFlags: 0 },
        { category: 3, minPercentage: 0, maxPercentage: 100, requiredFlags: 0 },
      ]);
    });

    it("defaults an EU_DISABILITY_CARD alternative without percentages to 0-100", () => {
      expect(benefitByCode(catalog, "EU_DISABILITY_CARD").alternatives).to.deep.equal([
        { category: 1, minPercentage: 67, maxPercentage: 100, requiredFlags: 0 },
        { category: 1, minPercentage: 0, maxPercentage: 100, requiredFlags: FLAG.MINOR_PERSISTENT_DIFFICULTIES },
        { category: 2, minPercentage: 0, maxPercentage: 100, requiredFlags: 0 },
        { category: 3, minPercentage: 0, maxPercentage: 100, requiredFlags: 0 },
        { category: 4, minPercentage: 0, maxPercentage: 100, requiredFlags: FLAG.SEVERE },
      ]);
    });

    it("refuses a missing file with a non-validation error carrying the cause", () => {
      const path = join(mkdtempSync(join(tmpdir(), "pachain-")), "missing.json");
      expect(() => loadCatalog(path))
        .to.throw(PaChainError, `cannot read the rule table ${path}`)
        .that.includes({ code: "CATALOG_UNREADABLE", status: 500 })
        .and.has.property("cause")
        .that.includes({ code: "ENOENT" });
    });

    it("refuses a file that is not JSON", () => {
      const path = join(mkdtempSync(join(tmpdir(), "pachain-")), "rules.json");
      writeFileSync(path, "{ not json");
      expect(() => loadCatalog(path)).to.throw(PaChainError, "cannot read the rule table").that.includes({ code: "CATALOG_UNREADABLE" });
    });

    it("validates a table loaded from another path", () => {
      const path = join(mkdtempSync(join(tmpdir(), "pachain-")), "rules.json");
      writeFileSync(path, JSON.stringify(withBenefit(0, (b) => (b.wave = 4))));
      expect(() => loadCatalog(path)).to.throw(ValidationError, "benefit INV_PENSIONE_INABILITA (benefits[0]).wave");
    });
  });

  describe("parseCatalog", () => {
    it("ORs the benefit's required flags into every anyOf alternative", () => {
      const t = withBenefit(12, (b) => (b.requiredFlags = ["NEEDS_CONTINUOUS_ASSISTANCE"]));
      const flags = benefitByCode(parseCatalog(t), "EU_DISABILITY_CARD").alternatives.map((a) => a.requiredFlags);
      expect(flags).to.deep.equal([1, 1 | 2, 1, 1, 1 | 16]);
    });

    it("gives a non-monetary benefit with income limits zero-amount years for them", () => {
      const t = withBenefit(10, (b) => (b.incomeLimits = { "2026": 1000000, "2025": 990000 }));
      const b = benefitByCode(parseCatalog(t), "L104_PERMESSI");
      expect(b.hasIncomeLimit).to.equal(true);
      expect(b.years).to.deep.equal([
        { year: 2025, monthlyAmountCents: 0n, incomeLimitCents: 990000n },
        { year: 2026, monthlyAmountCents: 0n, incomeLimitCents: 1000000n },
      ]);
    });

    it("sorts years ascending whatever the key order in the file", () => {
      const t = withBenefit(2, (b) => (b.amounts = { "2026": 55153, "2024": 53121, "2025": 54202 }));
      expect(benefitByCode(parseCatalog(t), "INV_INDENNITA_ACCOMPAGNAMENTO").years.map((y) => y.year)).to.deep.equal([2024, 2025, 2026]);
    });

    const invalid: [string, RawTable, string, string | RegExp][] = [
      ["a percentage of 120", withBenefit(0, (b) => (b.maxPercentage = 120)), "benefits[0].maxPercentage", "benefit INV_PENSIONE_INABILITA (benefits[0]).maxPercentage: Too big: expected number to be <=100"],
      ["an unknown category", withBenefit(8, (b) => (b.category = "MUTISM")), "benefits[8].category", /^benefit SORDI_PENSIONE \(benefits\[8\]\)\.category: Invalid enum value.*'MUTISM'/],
      ["an unknown category in an alternative", withBenefit(11, (b) => ((b.anyOf as RawBenefit[])[1]!.category = "BLIND")), "benefits[11].anyOf[1].category", /^benefit L68_COLLOCAMENTO_MIRATO \(benefits\[11\]\)\.anyOf\[1\]\.category: Invalid enum value/],
      ["an unknown flag", withBenefit(4, (b) => (b.requiredFlags = ["BLIND_TOTAL"])), "benefits[4].requiredFlags[0]", /^benefit CIECHI_ASSOLUTI_PENSIONE \(benefits\[4\]\)\.requiredFlags\[0\]: Invalid enum value/],
      ["a misspelt key", withBenefit(1, (b) => (b.minAgeYears = 18)), "benefits[1]", /^benefit INV_ASSEGNO_MENSILE \(benefits\[1\]\): Unrecognized key.*"minAgeYears"/],
      ["minPercentage above maxPercentage", withBenefit(1, (b) => (b.minPercentage = 100)), "benefits[1].minPercentage", "benefit INV_ASSEGNO_MENSILE (benefits[1]).minPercentage: minPercentage is above maxPercentage"],
      ["an alternative with minPercentage above maxPercentage", withBenefit(11, (b) => ((b.anyOf as RawBenefit[])[0]!.maxPercentage = 40)), "benefits[11].anyOf[0]", "anyOf[0]: minPercentage is above maxPercentage"],
      ["a monetary benefit without amounts", withBenefit(9, (b) => (b.amounts = null)), "benefits[9].amounts", "benefit SORDI_INDENNITA_COMUNICAZIONE (benefits[9]).amounts: monetary benefits need amounts"],
      ["a non-monetary benefit with amounts", withBenefit(10, (b) => (b.amounts = { "2026": 100 })), "benefits[10].amounts", "others must have null"],
      ["a monetary benefit paid 0 times a year", withBenefit(0, (b) => (b.paymentsPerYear = 0)), "benefits[0].paymentsPerYear", "must be 12 or 13 for monetary benefits, 0 for others"],
      ["amounts and income limits for different years", withBenefit(0, (b) => (b.incomeLimits = { "2026": 2002955 })), "benefits[0].incomeLimits", "must cover the same years as amounts (amounts: 2025,2026; incomeLimits: 2026)"],
      ["an empty amounts map", withBenefit(2, (b) => (b.amounts = {})), "benefits[2].amounts", "must list at least one year, or be null"],
      ["a two-digit year", withBenefit(2, (b) => (b.amounts = { "26": 55153 })), "benefits[2].amounts.26", "year keys must be YYYY in 1900-2199"],
      ["a fractional amount", withBenefit(2, (b) => (b.amounts = { "2026": 551.53 })), "benefits[2].amounts.2026", "expected int, received number"],
      ["maxAgeExclusive not above minAge", withBenefit(0, (b) => (b.maxAgeExclusive = 18)), "benefits[0].maxAgeExclusive", "maxAgeExclusive: must be above minAge"],
      ["a category beside anyOf", withBenefit(12, (b) => (b.category = "BLINDNESS")), "benefits[12].category", "not allowed beside anyOf"],
      ["neither category nor anyOf", withBenefit(3, (b) => delete b.category), "benefits[3].category", "benefit INV_INDENNITA_FREQUENZA (benefits[3]).category: required unless anyOf lists the alternatives"],
      ["an empty anyOf", withBenefit(12, (b) => (b.anyOf = [])), "benefits[12].anyOf", "benefit EU_DISABILITY_CARD (benefits[12]).anyOf: Too small: expected array to have >=1 items"],
      ["a lower-case code", withBenefit(0, (b) => (b.code = "inv_pensione")), "benefits[0].code", "benefit inv_pensione (benefits[0]).code: code must be UPPER_SNAKE_CASE"],
      ["a benefit without code", withBenefit(0, (b) => delete b.code), "benefits[0].code", /^benefits\[0\]\.code: Invalid input: expected string, received undefined/],
      ["a duplicate code", withBenefit(1, (b) => (b.code = "INV_PENSIONE_INABILITA")), "benefits[1].code", "benefit INV_PENSIONE_INABILITA (benefits[1]): duplicate benefit code"],
    ];
    for (const [what, json, field, message] of invalid) {
      it(`refuses ${what}, naming the benefit and field`, () => expectRefused(json, field, message));
    }

    it("refuses an unknown category in the table's category list", () => {
      const t = table();
      (t.categories as string[]).push("MUTISM");
      expectRefused(t, "categories[4]", /^rule table\.categories\[4\]: Invalid enum value/);
    });

    it("refuses a table without benefits", () => {
      const t = table();
      t.benefits = [];
      expectRefused(t, "benefits", "rule table.benefits: Too small: expected array to have >=1 items");
    });

    it("refuses something that is not a table", () => {
      expectRefused([], "", /^rule table: Invalid input: expected object, received array/);
    });
  });

  describe("benefitByCode", () => {
    it("refuses an unknown code, naming it", () => {
      expect(() => benefitByCode(loadCatalog(), "INV_PENSIONE"))
        .to.throw(ValidationError, 'unknown benefit "INV_PENSIONE"')
        .that.includes({ code: "UNKNOWN_BENEFIT", status: 400 });
    });
  });
});
