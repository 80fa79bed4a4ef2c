import { expect } from "chai";
import { createLogger } from "../../src/logger.ts";
import { createEventFeed, createFeedApp, listen, type RunningServer } from "../../src/simulators/feed.ts";

interface TestEvent {
  cursor: number;
  kind: "a" | "b";
  amountCents: bigint;
}

function feedWith(count: number) {
  const feed = createEventFeed<TestEvent>();
  for (let i = 1; i <= count; i++) feed.append({ kind: i % 3 === 0 ? "b" : "a", amountCents: 10n ** 18n + BigInt(i) });
  return feed;
}

describe("simulators: event feed", function () {
  it("gives each appended event the next cursor, from 1", function () {
    const feed = createEventFeed<TestEvent>();
    expect(feed.last).to.equal(0);
    expect(feed.append({ kind: "a", amountCents: 1n }).cursor).to.equal(1);
    expect(feed.append({ kind: "b", amountCents: 2n }).cursor).to.equal(2);
    expect(feed.last).to.equal(2);
    expect(feed.countsByKind()).to.deep.equal({ a: 1, b: 1 });
  });

  it("pages after a cursor: next is the last cursor returned, hasMore until the end", function () {
    const feed = feedWith(250);
    const first = feed.page(0, 100);
    expect(first.events.map((e) => e.cursor)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(first).to.include({ next: 100, hasMore: true });
    const last = feed.page(200, 100);
    expect(last.events.map((e) => e.cursor)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 201));
    expect(last).to.include({ next: 250, hasMore: false });
    expect(feed.page(249, 1)).to.deep.include({ next: 250, hasMore: false });
    expect(feed.page(248, 1)).to.deep.include({ next: 249, hasMore: true });
  });

  it("answers an empty page with next = after at and beyond the end", function () {
    const feed = feedWith(10);
    expect(feed.page(10, 100)).to.deep.equal({ events: [], next: 10, hasMore: false });
    expect(feed.page(5000, 100)).to.deep.equal({ events: [], next: 5000, hasMore: false });
  });

  describe("over HTTP", function () {
    let server: RunningServer;
    const feed = feedWith(2500);

    before(async function () {
      const handler = createFeedApp({
        feed,
        logger: createLogger("silent"),
        health: () => ({ source: "test" }),
        routes: { "/v1/stats": () => ({ byKind: feed.countsByKind() }) },
      });
      server = await listen(handler, 0);
    });

    after(async function () {
      await server.close();
    });

    const get = async (path: string) => {
      const response = await fetch(`${server.url}${path}`);
      return { status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as any };
    };

    it("listens on loopback on the port given (0: any free one)", function () {
      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).to.be.greaterThan(0);
    });

    it("defaults to after=0 and limit=100, amounts as decimal strings", async function () {
      const { status, type, body } = await get("/v1/events");
      expect(status).to.equal(200);
      expect(type).to.match(/^application\/json/);
      expect(body.events).to.have.length(100);
      expect(body.events[0]).to.deep.equal({ cursor: 1, kind: "a", amountCents: "1000000000000000001" });
      expect(body).to.include({ next: 100, hasMore: true });
    });

    it("reads the whole feed by following next, in order, each event once", async function () {
      const cursors: number[] = [];
      let after = 0;
      for (;;) {
        const { body } = await get(`/v1/events?after=${after}&limit=1000`);
        cursors.push(...body.events.map((e: TestEvent) => e.cursor));
        after = body.next;
        if (!body.hasMore) break;
      }
      expect(cursors).to.deep.equal(Array.from({ length: 2500 }, (_, i) => i + 1));
      expect(after).to.equal(2500);
    });

    it("sees events appended after a reader reached the end", async function () {
      const local = feedWith(3);
      const s = await listen(createFeedApp({ feed: local, logger: createLogger("silent") }), 0);
      try {
        const end = (await (await fetch(`${s.url}/v1/events?after=0`)).json()) as { next: number; hasMore: boolean };
        expect(end).to.include({ next: 3, hasMore: false });
        local.append({ kind: "b", amountCents: 7n });
        const more = (await (await fetch(`${s.url}/v1/events?after=${end.next}`)).json()) as { events: TestEvent[] };
        expect(more.events.map((e) => e.cursor)).to.deep.equal([4]);
      } finally {
        await s.close();
      }
    });

    for (const [query, parameter] of [
      ["after=abc", "after"],
      ["after=-1", "after"],
      ["after=1.5", "after"],
      ["after=", "after"],
      ["after=99999999999999999999", "after"],
      ["limit=0", "limit"],
      ["limit=1001", "limit"],
      ["limit=ten", "limit"],
      ["after=3&limit=-5", "limit"],
    ]) {
      it(`refuses ${query} with 400 naming ${parameter}`, async function () {
        const { status, body } = await get(`/v1/events?${query}`);
        expect(status).to.equal(400);
        expect(body.error.code).to.equal("VALIDATION_FAILED");
        expect(body.error.message).to.match(new RegExp(`^${parameter}: `));
      });
    }

    it("accepts the largest limit, 1000", async function () {
      const { status, body } = await get("/v1/events?limit=1000");
      expect(status).to.equal(200);
      expect(body.events).to.have.length(1000);
    });

    it("answers /health and extra routes, 404 elsewhere, 405 for writes", async function () {
      expect((await get("/health")).body).to.deep.equal({ status: "ok", lastCursor: 2500, source: "test" });
      expect((await get("/v1/stats")).body.byKind).to.deep.equal(feed.countsByKind());
      const missing = await get("/v1/nothing");
      expect(missing.status).to.equal(404);
      expect(missing.body.error.code).to.equal("NOT_FOUND");
      const post = await fetch(`${server.url}/v1/events`, { method: "POST", body: "{}" });
      expect(post.status).to.equal(405);
      expect(post.headers.get("allow")).to.equal("GET");
    });
  });
});
