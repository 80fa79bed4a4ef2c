// The off-chain mirror of check() (src/simulators/expected.ts) against the contracts: a sample of
// the demo population, covering every archetype and every (benefit, reason) pair it produces,
// recorded through the conformance runner (real signatures, real FactRegistry) and checked on chain.
import { expect } from "chai";
import { runScenario } from "../../src/conformance/runner.ts";
import type { Scenario, ScenarioFact, ScenarioQuery } from "../../src/conformance/scenario.ts";
import { DEMO_WAVES } from "../../src/demo/consortium.ts";
import { benefitByCode, loadCatalog } from "../../src/domain/catalog.ts";
import { expectedCheck } from "../../src/simulators/expected.ts";
import { generatePopulation, type Person } from "../../src/simulators/population.ts";
import { today } from "../support/clock.ts";

// The population is built as of the tests' today (PACHAIN_TODAY moves it: see test/support/clock.ts).
const TODAY = today();
const PER_ARCHETYPE = 6;

function sample(people: Person[]): Person[] {
  const catalog = loadCatalog();
  const chosen = new Set<Person>();
  const perArchetype = new Map<string, number>();
  const pairs = new Set<string>();
  for (const p of people) {
    const taken = perArchetype.get(p.archetype) ?? 0;
    const newPair = p.applications.some((a) => {
      const pair = `${a.benefit}:${expectedCheck(p, benefitByCode(catalog, a.benefit), a.date).reason}`;
      return !pairs.has(pair);
    });
    if (taken < PER_ARCHETYPE || newPair) {
      chosen.add(p);
      perArchetype.set(p.archetype, taken + 1);
      for (const a of p.applications) pairs.add(`${a.benefit}:${expectedCheck(p, benefitByCode(catalog, a.benefit), a.date).reason}`);
    }
  }
  return [...chosen];
}

/** The people's facts in the order the feeds publish them (per source; each person's own order kept). */
function facts(people: Person[]): ScenarioFact[] {
  const label = (p: Person) => `p${p.index}`;
  const out: ScenarioFact[] = [];
  for (const p of people) {
    for (const r of p.residences) out.push({ kind: "civil", person: label(p), birthDate: p.birthDate, residence: r.municipality });
    for (const a of p.assessments) {
      out.push({
        kind: "assessment", id: a.sourceId, person: label(p), category: a.category, percentage: a.percentage,
        flags: a.flags, effectiveDate: a.effectiveDate, reviewDate: a.reviewDate,
      });
      if (a.revocation) out.push({ kind: "revokeAssessment", id: a.sourceId });
    }
    for (const i of p.incomes) out.push({ kind: "income", person: label(p), year: i.year, amountCents: i.amountCents });
    for (const s of p.stays) {
      out.push({ kind: "hospitalStay", person: label(p), admission: s.admission, discharge: 0 });
      if (s.discharge) out.push({ kind: "hospitalStay", person: label(p), admission: s.admission, discharge: s.discharge.date });
    }
    if (p.death) out.push({ kind: "death", person: label(p), date: p.death.date });
  }
  return out;
}

describe("simulators: expected outcomes agree with the contracts", function () {
  this.timeout(600_000);

  it("answers every sampled application on chain as expectedCheck says", async function () {
    const catalog = loadCatalog();
    const population = generatePopulation({ seed: 1, size: 3000, today: TODAY });
    const people = sample(population.people);
    const queries: ScenarioQuery[] = people.flatMap((p) =>
      p.applications.map((a) => ({ op: "check" as const, person: `p${p.index}`, benefit: a.benefit, date: a.date })),
    );
    const scenario: Scenario = {
      name: "demo population sample",
      today: TODAY,
      waves: DEMO_WAVES.map((w) => ({ wave: w.wave, phase: w.phase, provinces: [...w.provinces] })),
      persons: new Map(people.map((p) => [`p${p.index}`, p.fiscalCode])),
      facts: facts(people),
      queries,
    };
    const expected = people.flatMap((p) =>
      p.applications.map((a) => {
        const e = expectedCheck(p, benefitByCode(catalog, a.benefit), a.date);
        return { archetype: p.archetype, benefit: a.benefit, date: a.date, reason: e.reason, monthlyAmountCents: Number(e.monthlyAmountCents) };
      }),
    );
    const answers: Array<{ reason: string; monthlyAmountCents: number }> = [];
    for await (const answer of runScenario(scenario)) {
      if (answer.op === "check") answers.push({ reason: answer.reason, monthlyAmountCents: answer.monthlyAmountCents });
    }
    const mismatches = expected.filter(
      (e, i) => answers[i]?.reason !== e.reason || answers[i]?.monthlyAmountCents !== e.monthlyAmountCents,
    ).map((e) => ({ ...e, chain: answers[expected.indexOf(e)] }));
    expect(mismatches).to.deep.equal([]);
    expect(answers).to.have.length(expected.length);
    expect(new Set(expected.map((e) => e.reason)).size).to.equal(10); // ELIGIBLE and all nine refusals
  });
});
