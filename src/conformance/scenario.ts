// Parses and validates a conformance scenario (../shared/conformance/README.md) completely before
// anything touches a chain, so a malformed scenario is refused whole with a message that names
// the offending entry, and nothing is recorded.
import { ValidationError } from "../errors.ts";
import { benefitByCode, type Catalog, categoryCode, flagsToMask, WAVE_PHASE } from "../domain/catalog.ts";
import { parseIsoDate, parsePeriod } from "../domain/dates.ts";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import { parseIstatMunicipalityCode, parseProvinceCode } from "../domain/istat.ts";

export type ScenarioFact =
  | { kind: "civil"; person: string; birthDate: number; residence: number }
  | { kind: "death"; person: string; date: number }
  | {
      kind: "assessment"; id: string; person: string; category: number; percentage: number; flags: number;
      effectiveDate: number; reviewDate: number;
    }
  | { kind: "revokeAssessment"; id: string }
  | { kind: "income"; person: string; year: number; amountCents: bigint }
  | { kind: "hospitalStay"; person: string; admission: number; discharge: number };

export type ScenarioQuery =
  | { op: "check"; person: string; benefit: string; date: number }
  | { op: "pay"; person: string; benefit: string; period: number };

export interface WaveSetting { wave: 1 | 2 | 3; phase: number; provinces: number[] }

export interface Scenario {
  name: string;
  /** YYYYMMDD */
  today: number;
  waves: WaveSetting[];
  /** label → upper-cased, validated fiscal code */
  persons: Map<string, string>;
  facts: ScenarioFact[];
  queries: ScenarioQuery[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(field: string, message: string): never {
  throw new ValidationError(field, `${field}: ${message}`);
}

function object(value: unknown, field: string): Json {
  if (!isObject(value)) fail(field, "must be an object");
  return value;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, "must be an array");
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) fail(field, "must be a non-empty string");
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function onlyKeys(entry: Json, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) fail(`${field}.${key}`, `unknown key (allowed: ${allowed.join(", ")})`);
  }
}

export function parseScenario(json: unknown, catalog: Catalog): Scenario {
  const root = object(json, "scenario");
  onlyKeys(root, "scenario", ["name", "today", "waves", "persons", "facts", "queries"]);
  const persons = parsePersons(root.persons);
  const person = (value: unknown, field: string): string => {
    const label = string(value, field);
    if (!persons.has(label)) fail(field, `unknown person "${label}" (not in persons)`);
    return label;
  };
  const facts = array(root.facts ?? [], "facts").map((entry, i) => parseFact(entry, i, person));
  checkAssessmentIds(facts);
  const queries = array(root.queries ?? [], "queries").map((entry, i) => parseQuery(entry, i, person, catalog));
  return {
    name: typeof root.name === "string" ? root.name : "",
    today: parseIsoDate(root.today, "today"),
    waves: parseWaves(root.waves),
    persons,
    facts,
    queries,
  };
}

function parsePersons(value: unknown): Map<string, string> {
  const entries = Object.entries(object(value, "persons"));
  if (entries.length === 0) fail("persons", "must name at least one person");
  const persons = new Map<string, string>();
  for (const [label, code] of entries) persons.set(label, parseFiscalCode(code, `persons.${label}`));
  return persons;
}

function parseWaves(value: unknown): WaveSetting[] {
  const given = value === undefined ? {} : object(value, "waves");
  onlyKeys(given, "waves", ["1", "2", "3"]);
  return ([1, 2, 3] as const).map((wave) => {
    const field = `waves.${wave}`;
    if (given[wave] === undefined) return { wave, phase: WAVE_PHASE.LIVE, provinces: [] };
    const setting = object(given[wave], field);
    onlyKeys(setting, field, ["phase", "provinces"]);
    const phaseName = string(setting.phase, `${field}.phase`);
    if (!Object.hasOwn(WAVE_PHASE, phaseName)) fail(`${field}.phase`, `unknown phase "${phaseName}" (PLANNED, PILOT or LIVE)`);
    const phase = WAVE_PHASE[phaseName as keyof typeof WAVE_PHASE];
    const provinces = array(setting.provinces ?? [], `${field}.provinces`).map((p, i) =>
      parseProvinceCode(p, `${field}.provinces[${i}]`),
    );
    if ((phase === WAVE_PHASE.PILOT) !== provinces.length > 0) {
      fail(`${field}.provinces`, phase === WAVE_PHASE.PILOT ? "a PILOT needs at least one province" : "only a PILOT lists provinces");
    }
    return { wave, phase, provinces };
  });
}

const FACT_KEYS: Record<ScenarioFact["kind"], readonly string[]> = {
  civil: ["kind", "person", "birthDate", "residence"],
  death: ["kind", "person", "date"],
  assessment: ["kind", "id", "person", "category", "percentage", "flags", "effectiveDate", "reviewDate"],
  revokeAssessment: ["kind", "id"],
  income: ["kind", "person", "year", "amountCents"],
  hospitalStay: ["kind", "person", "admission", "discharge"],
};

function parseFact(value: unknown, index: number, person: (v: unknown, f: string) => string): ScenarioFact {
  const entry = object(value, `facts[${index}]`);
  const kind = entry.kind;
  if (typeof kind !== "string" || !Object.hasOwn(FACT_KEYS, kind)) {
    fail(`facts[${index}].kind`, `unknown kind ${JSON.stringify(kind)} (${Object.keys(FACT_KEYS).join(", ")})`);
  }
  const field = `facts[${index}] (${kind}${typeof entry.id === "string" ? ` ${entry.id}` : ""})`;
  onlyKeys(entry, field, FACT_KEYS[kind as ScenarioFact["kind"]]);
  const at = (key: string) => `${field}.${key}`;
  switch (kind as ScenarioFact["kind"]) {
    case "civil":
      return {
        kind: "civil",
        person: person(entry.person, at("person")),
        birthDate: parseIsoDate(entry.birthDate, at("birthDate")),
        residence: parseIstatMunicipalityCode(entry.residence, at("residence")),
      };
    case "death":
      return { kind: "death", person: person(entry.person, at("person")), date: parseIsoDate(entry.date, at("date")) };
    case "assessment": {
      const effectiveDate = parseIsoDate(entry.effectiveDate, at("effectiveDate"));
      const reviewDate = entry.reviewDate === null || entry.reviewDate === undefined ? 0 : parseIsoDate(entry.reviewDate, at("reviewDate"));
      if (reviewDate !== 0 && reviewDate < effectiveDate) fail(at("reviewDate"), "is before effectiveDate");
      return {
        kind: "assessment",
        id: string(entry.id, at("id")),
        person: person(entry.person, at("person")),
        category: categoryCode(string(entry.category, at("category")), at("category")),
        percentage: integer(entry.percentage, at("percentage"), 0, 100),
        flags: flagsToMask(array(entry.flags ?? [], at("flags")).map((f, i) => string(f, `${at("flags")}[${i}]`)), at("flags")),
        effectiveDate,
        reviewDate,
      };
    }
    case "revokeAssessment":
      return { kind: "revokeAssessment", id: string(entry.id, at("id")) };
    case "income":
      return {
        kind: "income",
        person: person(entry.person, at("person")),
        year: integer(entry.year, at("year"), 1900, 2199),
        amountCents: BigInt(integer(entry.amountCents, at("amountCents"), 0, Number.MAX_SAFE_INTEGER)),
      };
    case "hospitalStay": {
      const admission = parseIsoDate(entry.admission, at("admission"));
      const discharge = entry.discharge === undefined || entry.discharge === null ? 0 : parseIsoDate(entry.discharge, at("discharge"));
      if (discharge !== 0 && discharge < admission) fail(at("discharge"), "is before admission");
      return { kind: "hospitalStay", person: person(entry.person, at("person")), admission, discharge };
    }
  }
}

/** Assessment ids are unique; a revocation names an assessment recorded before it, once. */
function checkAssessmentIds(facts: ScenarioFact[]): void {
  const recorded = new Set<string>();
  const revoked = new Set<string>();
  facts.forEach((fact, i) => {
    if (fact.kind === "assessment") {
      if (recorded.has(fact.id)) fail(`facts[${i}] (assessment ${fact.id}).id`, `duplicate assessment id "${fact.id}"`);
      recorded.add(fact.id);
    } else if (fact.kind === "revokeAssessment") {
      const field = `facts[${i}] (revokeAssessment ${fact.id}).id`;
      if (!recorded.has(fact.id)) fail(field, `no earlier assessment "${fact.id}" to revoke`);
      if (revoked.has(fact.id)) fail(field, `assessment "${fact.id}" is already revoked`);
      revoked.add(fact.id);
    }
  });
}

function parseQuery(
  value: unknown,
  index: number,
  person: (v: unknown, f: string) => string,
  catalog: Catalog,
): ScenarioQuery {
  const field = `queries[${index}]`;
  const entry = object(value, field);
  const at = (key: string) => `${field}.${key}`;
  const benefit = (v: unknown) => {
    const code = string(v, at("benefit"));
    try {
      return benefitByCode(catalog, code).code;
    } catch {
      return fail(at("benefit"), `unknown benefit "${code}"`);
    }
  };
  if (entry.op === "check") {
    onlyKeys(entry, field, ["op", "person", "benefit", "date"]);
    return { op: "check", person: person(entry.person, at("person")), benefit: benefit(entry.benefit), date: parseIsoDate(entry.date, at("date")) };
  }
  if (entry.op === "pay") {
    onlyKeys(entry, field, ["op", "person", "benefit", "period"]);
    return { op: "pay", person: person(entry.person, at("person")), benefit: benefit(entry.benefit), period: parsePeriod(entry.period, at("period")) };
  }
  return fail(at("op"), `unknown op ${JSON.stringify(entry.op)} (check or pay)`);
}
