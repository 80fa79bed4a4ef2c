import { expect } from "chai";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { expectedCheck } from "../../src/simulators/expected.ts";
import { generatePopulation } from "../../src/simulators/population.ts";
import { today } from "../support/clock.ts";

// The proactive notices (docs/notices.md) need people entitled to a benefit they never claimed:
// the demo population has them, so `npm start` shows "you are entitled" notices at once.
describe("simulators: people entitled to a benefit they never claimed", function () {
  it("are several percent of the demo population, some of them to a monetary benefit", function () {
    const catalog = loadCatalog();
    const population = generatePopulation({ seed: 1, size: 3000, today: today() });
    let unclaimed = 0;
    let monetary = 0;
    for (const person of population.people) {
      const entitled = catalog.benefits.filter((b) =>
        !person.applications.some((a) => a.benefit === b.code) && expectedCheck(person, b, today()).reason === "ELIGIBLE");
      if (entitled.length > 0) unclaimed += 1;
      if (entitled.some((b) => b.monetary)) monetary += 1;
    }
    expect(unclaimed / population.people.length).to.be.at.least(0.05);
    expect(monetary / population.people.length).to.be.at.least(0.015);
  });
});
