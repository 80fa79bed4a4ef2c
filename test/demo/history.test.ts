// The demo's past (src/demo/history.ts): the chain's clock steps, and a source simulator that signs
// each record on its day and publishes it only once the chain's clock reaches it.
import { expect } from "chai";
import { historyChainStartMs, historyStart, historySteps } from "../../src/demo/history.ts";
import { createLogger } from "../../src/logger.ts";
import { publicationDay } from "../../src/simulators/events.ts";
import { createSourceSimulator, historyMoment } from "../../src/simulators/source.ts";
import { createTestHome } from "../simulators/home.ts";
import { isoToday, nowSeconds, today } from "../support/clock.ts";

const FROM = 20250101;
const day = (s: number) => Number(new Date(s * 1000).toISOString().slice(0, 10).replaceAll("-", ""));

describe("the demo's history", function () {
  it("steps the chain's clock on every first of the month and weekly between, ending at now", function () {
    const now = nowSeconds();
    const steps = historySteps(FROM, now);
    expect(steps[0]).to.equal(Date.UTC(2025, 0, 1, 12) / 1000);
    expect(steps.at(-1)).to.equal(now);
    for (let i = 1; i < steps.length; i += 1) {
      expect(steps[i]).to.be.greaterThan(steps[i - 1]!);
      expect(steps[i]! - steps[i - 1]!).to.be.at.most(7 * 86_400);
    }
    // Every month from January 2025 to the current one has its first day among the steps.
    const firsts = new Set(steps.slice(0, -1).map(day).filter((d) => d % 100 === 1).map((d) => Math.floor(d / 100)));
    for (let y = 2025, m = 1; y * 100 + m <= Math.floor(today() / 100); m === 12 ? (y += 1, m = 1) : (m += 1)) {
      expect(firsts.has(y * 100 + m), `${y}-${m}`).to.equal(true);
    }
  });

  it("starts the chain before the first record, never twice on the same second, and is off when asked or when there is no past", function () {
    const a = historyChainStartMs(FROM, 1_000);
    const b = historyChainStartMs(FROM, 2_000);
    expect(a).to.not.equal(b);
    for (const ms of [a, b, historyChainStartMs(FROM, 3_599_999)]) {
      expect(ms).to.be.at.least(Date.UTC(2025, 0, 1, 6)).and.below(Date.UTC(2025, 0, 1, 8));
    }
    expect(historyStart("2025-01-01", today())).to.equal(FROM);
    expect(historyStart("off", today())).to.equal(undefined);
    expect(historyStart(isoToday(), today())).to.equal(undefined);
  });

  it("signs each record on its day (not before the history, never after now) and publishes it when the chain's clock reaches it", async function () {
    this.timeout(120_000);
    const home = createTestHome();
    let horizon = Date.UTC(2025, 0, 1, 12);
    const nowMs = nowSeconds() * 1000;
    try {
      const sim = await createSourceSimulator({
        source: "inps", home: home.home, seed: 3, size: 200, today: today(), pseudonymKey: home.pseudonymKey,
        logger: createLogger("silent"), now: () => nowMs, history: { from: FROM, horizon: () => horizon },
      });
      // Readers see the prefix the horizon reached, and more as it moves.
      const firstDay = sim.feed.page(0, 1_000_000);
      expect(firstDay.events.length).to.be.greaterThan(0).and.below(sim.feed.last);
      expect(firstDay.hasMore).to.equal(false);
      for (const e of firstDay.events) expect(Date.parse(e.issuedAt)).to.be.at.most(horizon);
      horizon = Date.UTC(2026, 0, 1, 12);
      const later = sim.feed.page(0, 1_000_000).events.length;
      expect(later).to.be.at.least(firstDay.events.length);
      expect(later).to.be.below(sim.feed.last);
      horizon = Number.POSITIVE_INFINITY;
      const all = sim.feed.page(0, 1_000_000).events;
      expect(sim.feed.published).to.equal(all.length);
      const times = all.map((e) => Date.parse(e.issuedAt));
      expect(times).to.deep.equal([...times].sort((x, y) => x - y));
      for (const e of all) {
        const at = Date.parse(e.issuedAt);
        expect(at).to.be.at.least(Date.UTC(2025, 0, 1, 8)).and.at.most(nowMs);
        if (e.kind !== "application") expect(Number(e.record.signedAt) * 1000).to.equal(at);
      }
      // Applications spread over the whole history, not only the last eleven months.
      const applicationDays = all.filter((e) => e.kind === "application").map((e) => (e as { date: number }).date);
      expect(Math.min(...applicationDays)).to.be.below(day(nowSeconds() - 330 * 86_400));
      expect(historyMoment(20200101, FROM, 0, nowMs)).to.equal(Date.UTC(2025, 0, 1, 8));
      expect(historyMoment(99991231, FROM, 0, nowMs)).to.equal(nowMs);

      await sim.close();
    } finally {
      home.remove();
    }
  });

  it("dates an income once its year is over and a discharge on its day", function () {
    const draft = { kind: "income" as const, sourceId: "x", fiscalCode: "x", fields: { year: 2025 }, certifier: { slug: "inps", keys: [0] } };
    expect(publicationDay(draft, { seed: 0, size: 0, today: 0, people: [] })).to.equal(20260115);
    const stay = { kind: "hospitalStay" as const, sourceId: "x", fiscalCode: "x", fields: { admission: 20250301, discharge: 20250310 }, certifier: { slug: "asl-roma-1", keys: [0] } };
    expect(publicationDay(stay, { seed: 0, size: 0, today: 0, people: [] })).to.equal(20250310);
  });
});
