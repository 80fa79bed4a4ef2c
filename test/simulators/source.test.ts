import { join } from "node:path";
import { expect } from "chai";
import { id, verifyTypedData } from "ethers";
import { FACT_TYPES, onChainAssessmentId } from "../../src/chain/signing.ts";
import { benefitByCode, loadCatalog } from "../../src/domain/catalog.ts";
import { parseFiscalCode } from "../../src/domain/fiscal-code.ts";
import { pseudonymise } from "../../src/domain/pseudonym.ts";
import { createLogger } from "../../src/logger.ts";
import { municipalityByIstat } from "../../src/simulators/identity.ts";
import {
  FACT_TYPE_OF_KIND, SOURCES, type FactEvent, type SourceEvent, type SourceName,
} from "../../src/simulators/events.ts";
import { createSourceSimulator, type SourceSimulator } from "../../src/simulators/source.ts";
import { createTestHome, type TestHome } from "./home.ts";
import { testClock, today } from "../support/clock.ts";

// The population is built as of the tests' today (PACHAIN_TODAY moves it: see test/support/clock.ts).
const TODAY = today();
// Large enough for every archetype and kind of record, small enough to verify every signature.
const SIZE = 1000;
const logger = createLogger("silent");
const catalog = loadCatalog();

function recover(home: TestHome, event: FactEvent, signature: string): string {
  const type = FACT_TYPE_OF_KIND[event.kind];
  return verifyTypedData(home.domain, { [type]: [...FACT_TYPES[type]] }, event.record, signature);
}

/**
 * Checks a source's feed from cursor `checkFrom + 1` (the events before it only give context:
 * residences, which commission issued an assessment); returns the counts per kind checked.
 */
function verifyFeed(home: TestHome, source: SourceName, events: SourceEvent[], window: { from: number; to: number }, checkFrom = 0) {
  const slugOf = new Map(home.consortium.organisations.map((o) => [o.orgId, o.slug]));
  const residence = new Map<string, number>();
  const commissionOf = new Map<string, number>();
  const counts: Record<string, number> = {};
  events.forEach((event, i) => {
    expect(event.cursor).to.equal(i + 1);
    if (i < checkFrom) {
      if (event.kind === "civil") residence.set(event.fiscalCode, Number(event.record.residence));
      if (event.kind === "assessment") {
        commissionOf.set(onChainAssessmentId(Number(event.record.commissionId), String(event.record.assessmentId)), Number(event.record.commissionId));
      }
      return;
    }
    counts[event.kind] = (counts[event.kind] ?? 0) + 1;
    expect(parseFiscalCode(event.fiscalCode)).to.equal(event.fiscalCode);
    expect(Date.parse(event.issuedAt)).to.be.within(window.from, window.to);
    if (event.kind === "application") {
      expect(source).to.equal("inps");
      expect(event.applicationId).to.equal(id(event.sourceId));
      expect(() => benefitByCode(catalog, event.benefit)).not.to.throw();
      // Live ticks date new applications by the clock, never after today.
      expect(event.date).to.be.within(19000101, Math.max(TODAY, today()));
      return;
    }
    const { record, signatures } = event;
    const type = FACT_TYPE_OF_KIND[event.kind];
    expect(Object.keys(record)).to.deep.equal(FACT_TYPES[type].map((f) => f.name));
    expect(record.signedAt).to.be.within(Math.floor(window.from / 1000), Math.ceil(window.to / 1000));
    if (event.kind === "revocation") {
      expect(record).not.to.have.property("subject");
    } else {
      expect(record.subject).to.equal(pseudonymise(event.fiscalCode, home.pseudonymKey));
    }
    const idField = event.kind === "assessment" ? record.assessmentId : record.recordId;
    expect(idField).to.equal(id(event.sourceId));
    const signers = signatures.map((s) => recover(home, event, s));

    switch (event.kind) {
      case "civil": {
        // Only the municipality of residence certifies a residence.
        const municipality = municipalityByIstat(Number(record.residence)).slug;
        expect(signers).to.deep.equal([home.addresses(municipality)[0]]);
        residence.set(event.fiscalCode, Number(record.residence));
        break;
      }
      case "death":
        expect(residence.has(event.fiscalCode), "a death after the person's civil record").to.equal(true);
        expect(signers).to.deep.equal([home.addresses(municipalityByIstat(residence.get(event.fiscalCode)!).slug)[0]]);
        break;
      case "assessment": {
        const commission = slugOf.get(Number(record.commissionId))!;
        expect(commission).to.be.oneOf(source === "asl" ? ["asl-roma-1-cml", "ats-milano-cml"] : ["inps-cml-roma"]);
        expect(signers.length).to.be.at.least(2);
        for (const s of signers) expect(home.addresses(commission)).to.include(s);
        // Strictly ascending addresses: distinct members, in the order the contract requires.
        for (let k = 1; k < signers.length; k++) expect(BigInt(signers[k]!) > BigInt(signers[k - 1]!)).to.equal(true);
        // A revocation names the assessment by its on-chain id (bound to the commission).
        commissionOf.set(onChainAssessmentId(Number(record.commissionId), String(record.assessmentId)), Number(record.commissionId));
        break;
      }
      case "revocation": {
        const issuer = commissionOf.get(String(record.assessmentId));
        expect(issuer, "the revoked assessment is published before").not.to.equal(undefined);
        const allowed = source === "asl" ? home.addresses(slugOf.get(issuer!)!) : home.addresses("inps");
        expect(signers).to.have.length(1);
        expect(allowed).to.include(signers[0]);
        break;
      }
      case "income":
        expect(signers).to.deep.equal(home.addresses("inps"));
        expect(record.amountCents).to.be.a("string").and.match(/^\d+$/);
        break;
      case "hospitalStay":
        expect(signers).to.have.length(1);
        expect([...home.addresses("asl-roma-1"), ...home.addresses("ats-milano")]).to.include(signers[0]);
        if (record.discharge !== 0) expect(record.discharge).to.be.at.least(Number(record.admission));
        break;
    }
  });
  return counts;
}

describe("simulators: source systems", function () {
  this.timeout(300_000);
  let home: TestHome;
  const simulators = new Map<SourceName, SourceSimulator>();
  const window = { from: 0, to: 0 };

  before(async function () {
    home = createTestHome();
    window.from = testClock.nowMs();
    for (const source of SOURCES) {
      simulators.set(source, await createSourceSimulator({ source, home: home.home, seed: 1, size: SIZE, today: TODAY, pseudonymKey: home.pseudonymKey, logger, now: () => testClock.nowMs() }));
    }
    window.to = testClock.nowMs();
  });

  after(async function () {
    for (const s of simulators.values()) await s.close();
    home.remove();
  });

  for (const source of SOURCES) {
    it(`${source}: every event is signed by the right organisation for the right subject`, function () {
      const feed = simulators.get(source)!.feed;
      const events = feed.page(0, feed.last).events;
      const counts = verifyFeed(home, source, events, window);
      expect(counts).to.deep.equal(feed.countsByKind());
    });
  }

  it("publishes every kind of record across the three sources", function () {
    const kinds = (s: SourceName) => Object.keys(simulators.get(s)!.feed.countsByKind()).sort();
    expect(kinds("comune")).to.deep.equal(["civil", "death"]);
    expect(kinds("asl")).to.include.members(["assessment", "hospitalStay"]);
    expect(kinds("inps")).to.include.members(["application", "assessment", "income"]);
    const revocations = ["asl", "inps"].map((s) => simulators.get(s as SourceName)!.feed.countsByKind().revocation ?? 0);
    expect(revocations[0]! + revocations[1]!).to.be.greaterThan(0);
  });

  it("publishes each person's initial civil record before their changes and death", function () {
    const events = simulators.get("comune")!.feed.page(0, 100_000).events;
    const firstChange = events.findIndex((e, i) => i > 0 && e.kind === "death");
    const civil = events.filter((e) => e.kind === "civil").length;
    const people = simulators.get("comune")!.population.people.filter((p) => p.residences.length > 0).length;
    expect(firstChange).to.be.at.least(people);
    expect(civil).to.equal(simulators.get("comune")!.population.people.reduce((n, p) => n + p.residences.length, 0));
  });

  it("publishes a discharge as a new record for the same admission, after the admission", function () {
    const events = simulators.get("asl")!.feed.page(0, 100_000).events as FactEvent[];
    const open = new Map<string, number>();
    let discharges = 0;
    for (const e of events.filter((x) => x.kind === "hospitalStay")) {
      const key = `${e.fiscalCode}|${e.record.admission}`;
      if (e.record.discharge === 0) open.set(key, e.cursor);
      else {
        expect(open.get(key), "admission published first").to.be.lessThan(e.cursor);
        discharges++;
      }
    }
    expect(discharges).to.be.greaterThan(0);
    expect(open.size).to.be.greaterThan(discharges);
  });

  it("lists the applications last in INPS's feed, after its own facts", function () {
    const events = simulators.get("inps")!.feed.page(0, 100_000).events;
    const firstApplication = events.findIndex((e) => e.kind === "application");
    expect(events.slice(firstApplication).every((e) => e.kind === "application")).to.equal(true);
  });

  it("serves the feed and its statistics over HTTP", async function () {
    const simulator = simulators.get("asl")!;
    const server = await simulator.listen(0);
    try {
      const page = (await (await fetch(`${server.url}/v1/events?after=10&limit=5`)).json()) as { events: SourceEvent[]; next: number };
      expect(page.events.map((e) => e.cursor)).to.deep.equal([11, 12, 13, 14, 15]);
      expect(page.events).to.deep.equal(simulator.feed.page(10, 5).events);
      const stats = (await (await fetch(`${server.url}/v1/stats`)).json()) as any;
      expect(stats).to.include({ source: "asl", seed: 1, size: SIZE, today: TODAY, events: simulator.feed.last });
      expect(stats.byKind).to.deep.equal(simulator.feed.countsByKind());
      expect(stats.population.people).to.equal(SIZE);
      const health = (await (await fetch(`${server.url}/health`)).json()) as any;
      expect(health).to.include({ status: "ok", source: "asl", lastCursor: simulator.feed.last });
    } finally {
      await server.close();
    }
  });

  it("reports INPS's expected decisions per benefit and reason", async function () {
    const server = await simulators.get("inps")!.listen(0);
    try {
      const stats = (await (await fetch(`${server.url}/v1/stats`)).json()) as any;
      const total = Object.values(stats.expectedDecisions as Record<string, Record<string, number>>)
        .flatMap((row) => Object.values(row))
        .reduce((a, b) => a + b, 0);
      expect(total).to.equal(stats.byKind.application);
    } finally {
      await server.close();
    }
  });

  for (const source of SOURCES) {
    it(`${source}: live ticks append new signed events that a reader can verify`, async function () {
      const simulator = simulators.get(source)!;
      const before = simulator.feed.last;
      const from = testClock.nowMs();
      for (let i = 0; i < 15; i++) await simulator.tickLive();
      expect(simulator.feed.last).to.be.greaterThan(before);
      const checked = verifyFeed(home, source, simulator.feed.page(0, simulator.feed.last).events, { from: window.from, to: testClock.nowMs() }, before);
      expect(Object.values(checked).reduce((a, b) => a + b, 0)).to.equal(simulator.feed.last - before);
      const fresh = simulator.feed.page(before, 1000).events;
      for (const e of fresh) {
        expect(Date.parse(e.issuedAt)).to.be.at.least(from);
        expect(e.sourceId).to.match(/\/L[0-9a-z]+-\d{5}$/); // live ids are unique to this run
      }
    });
  }

  it("never discharges a stay twice or reports a death twice in live mode", async function () {
    for (const source of ["asl", "comune"] as const) {
      const simulator = simulators.get(source)!;
      for (let i = 0; i < 40; i++) await simulator.tickLive();
      const events = simulator.feed.page(0, simulator.feed.last).events as FactEvent[];
      const dead = events.filter((e) => e.kind === "death").map((e) => e.fiscalCode);
      expect(new Set(dead).size).to.equal(dead.length);
      const discharged = events
        .filter((e) => e.kind === "hospitalStay" && e.record.discharge !== 0)
        .map((e) => `${e.fiscalCode}|${e.record.admission}`);
      expect(new Set(discharged).size).to.equal(discharged.length);
    }
  });

  it("runs live mode on a timer", async function () {
    const simulator = await createSourceSimulator({
      source: "asl", home: home.home, seed: 3, size: 100, today: TODAY, pseudonymKey: home.pseudonymKey, logger,
      live: true, liveIntervalMs: 20,
    });
    try {
      const start = simulator.feed.last;
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(simulator.feed.last).to.be.greaterThan(start);
    } finally {
      await simulator.close();
    }
  });

  describe("journal", function () {
    const options = () => ({
      source: "comune" as const, home: home.home, seed: 7, size: 200, today: TODAY,
      pseudonymKey: home.pseudonymKey, logger, journal: join(home.home, "simulators", "comune.jsonl"),
    });

    it("serves exactly the same feed after a restart, live events included", async function () {
      const first = await createSourceSimulator(options());
      await first.tickLive();
      await first.tickLive();
      const published = first.feed.page(0, first.feed.last).events;
      await first.close();

      const second = await createSourceSimulator({ ...options(), now: () => testClock.nowMs() + 3_600_000 });
      expect(second.feed.page(0, second.feed.last).events).to.deep.equal(published);
      // Live mode goes on from what the feed says: the dead stay dead.
      for (let i = 0; i < 20; i++) await second.tickLive();
      const deaths = second.feed.page(0, second.feed.last).events.filter((e) => e.kind === "death").map((e) => e.fiscalCode);
      expect(new Set(deaths).size).to.equal(deaths.length);
      await second.close();
    });

    it("re-signs everything when the pseudonym key changed", async function () {
      const first = await createSourceSimulator(options());
      const subject = (first.feed.page(0, 1).events[0] as FactEvent).record.subject;
      await first.close();
      const otherKey = `0x${"42".repeat(32)}`;
      const second = await createSourceSimulator({ ...options(), pseudonymKey: otherKey });
      const event = second.feed.page(0, 1).events[0] as FactEvent;
      expect(event.record.subject).to.equal(pseudonymise(event.fiscalCode, otherKey)).and.not.equal(subject);
      await second.close();
    });
  });

  it("refuses to start without the consortium's commission ids", async function () {
    const bad = createTestHome();
    try {
      const { writeFileSync } = await import("node:fs");
      writeFileSync(join(bad.home, "consortium.json"), JSON.stringify({ organisations: [] }));
      const error = await createSourceSimulator({
        source: "asl", home: bad.home, seed: 1, size: 50, today: TODAY, pseudonymKey: bad.pseudonymKey, logger,
      }).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.match(/consortium\.json has no organisation "(asl-roma-1-cml|ats-milano-cml)"/);
    } finally {
      bad.remove();
    }
  });
});
