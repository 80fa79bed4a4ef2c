// One source system simulator (Comune/ANPR, ASL or INPS): the demo population's facts that this
// source certifies, signed with its organisations' keys, published as a feed (feed.ts).
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { keccak256, toUtf8Bytes, type Wallet } from "ethers";
import { factDomain } from "../chain/signing.ts";
import { loadDeployment } from "../chain/deploy.ts";
import { DEMO_ORGANISATIONS, loadConsortium, organisationKeys } from "../demo/consortium.ts";
import { benefitByCode, loadCatalog } from "../domain/catalog.ts";
import type { Logger } from "../logger.ts";
import { ymdOfMs } from "./calendar.ts";
import { certify, type CertifyContext } from "./certify.ts";
import { initialDrafts, publicationDay, SOURCE_ORGANISATIONS, type SourceEvent, type SourceName } from "./events.ts";
import { expectedCheck } from "./expected.ts";
import { createEventFeed, createFeedApp, listen, type EventFeed, type RunningServer, type Uncursored } from "./feed.ts";
import { createLiveGenerator } from "./live.ts";
import { DEFAULT_POPULATION_SIZE, generatePopulation, type Population } from "./population.ts";
import { createRandom, hashSeed } from "./random.ts";
import { readJournal, writeJournal, type Journal, type JournalHeader } from "./state.ts";
import { clockFromEnv } from "../clock.ts";

export const DEFAULT_PORTS: Record<SourceName, number> = { comune: 7101, asl: 7102, inps: 7103 };
export const LIVE_INTERVAL_MS = 5_000;

export interface SourceSimulatorOptions {
  source: SourceName;
  /** PACHAIN_HOME: deployment.json, consortium.json, keys/. */
  home: string;
  seed: number;
  size?: number;
  /** YYYYMMDD of the population (see state.ts populationDay). */
  today: number;
  /** Consortium HMAC key for subjects (0x + 64 hex). */
  pseudonymKey: string;
  logger: Logger;
  /** Append a few new events every `liveIntervalMs`. Default false here; the command turns it on. */
  live?: boolean;
  liveIntervalMs?: number;
  /** Journal file; without one the feed lives in memory only. */
  journal?: string;
  /** Unix milliseconds (default: the system clock, src/clock.ts; tests may pin it). */
  now?: () => number;
  /**
   * Replay the past (the demo's history, src/demo/history.ts): each initial record is signed on
   * the day it happened (publicationDay, not before `from`, YYYYMMDD) and published only once
   * `horizon()` (unix ms: the chain's time) reaches that moment.
   */
  history?: { from: number; horizon: () => number };
}

/** When a replayed record is signed: 08:00 UTC of its day (a second apart, in order), never after `nowMs`. */
export function historyMoment(day: number, from: number, index: number, nowMs: number): number {
  const d = Math.max(day, from);
  const ms = Date.UTC(Math.floor(d / 10_000), Math.floor(d / 100) % 100 - 1, d % 100, 8) + (index % 3600) * 1000;
  return Math.min(ms, nowMs);
}

export interface SourceSimulator {
  source: SourceName;
  population: Population;
  feed: EventFeed<SourceEvent>;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Publishes one live tick now; returns the new events. */
  tickLive(): Promise<SourceEvent[]>;
  listen(port: number): Promise<RunningServer>;
  /** Stops live mode and the server (if listening). */
  close(): Promise<void>;
}

function organisationIds(home: string): (slug: string) => number {
  const { organisations } = loadConsortium(join(home, "consortium.json"));
  const ids = new Map(organisations.map((o) => [o.slug, o.orgId]));
  return (slug) => {
    const orgId = ids.get(slug);
    if (orgId === undefined) throw new Error(`consortium.json has no organisation "${slug}": was the demo consortium registered?`);
    return orgId;
  };
}

function sourceKeys(home: string, source: SourceName): Map<string, Wallet[]> {
  const keysDir = join(home, "keys");
  return new Map(
    SOURCE_ORGANISATIONS[source].map((slug) => {
      const org = DEMO_ORGANISATIONS.find((o) => o.slug === slug)!;
      return [slug, organisationKeys(keysDir, org)];
    }),
  );
}

/** Counts of the initial applications' expected outcomes, per benefit and reason (RULES.md check()). */
function expectedDecisions(population: Population): Record<string, Record<string, number>> {
  const catalog = loadCatalog();
  const table: Record<string, Record<string, number>> = {};
  for (const person of population.people) {
    for (const a of person.applications) {
      const { reason } = expectedCheck(person, benefitByCode(catalog, a.benefit), a.date);
      const row = (table[a.benefit] ??= {});
      row[reason] = (row[reason] ?? 0) + 1;
    }
  }
  return table;
}

export async function createSourceSimulator(options: SourceSimulatorOptions): Promise<SourceSimulator> {
  const { source, home, seed, today, logger: parent, history } = options;
  const size = options.size ?? DEFAULT_POPULATION_SIZE;
  const clock = clockFromEnv();
  const now = options.now ?? (() => clock.nowMs());
  const logger = parent.child({ module: "simulator", source });
  const startedAt = new Date(now()).toISOString();

  const deployment = loadDeployment(join(home, "deployment.json"));
  const orgId = organisationIds(home);
  const keys = sourceKeys(home, source);
  const ctx: CertifyContext = {
    domain: factDomain(deployment.chainId, deployment.addresses.facts),
    keys,
    pseudonymKey: options.pseudonymKey,
    now,
  };
  // With a history, applications spread over its whole span (at least the usual eleven months).
  const applicationWindowDays = history
    ? Math.max(330, Math.round((Date.UTC(Math.floor(today / 10_000), (Math.floor(today / 100) % 100) - 1, today % 100)
      - Date.UTC(Math.floor(history.from / 10_000), (Math.floor(history.from / 100) % 100) - 1, history.from % 100)) / 86_400_000))
    : undefined;
  const population = generatePopulation({ seed, size, today, ...(applicationWindowDays ? { applicationWindowDays } : {}) });
  // Publication times of the events, in feed order; with a history, readers see the prefix the horizon reached.
  const times: number[] = [];
  let published = 0;
  const feed = createEventFeed<SourceEvent>(history ? {
    published: () => {
      const horizon = history.horizon();
      while (published < times.length && times[published]! <= horizon) published += 1;
      return published;
    },
  } : {});
  const append = (event: Uncursored<SourceEvent>, at = Date.parse(event.issuedAt)): SourceEvent => {
    times.push(at);
    return feed.append(event);
  };

  const header: JournalHeader = {
    format: 1, source, seed, size, today, chainId: deployment.chainId, factRegistry: deployment.addresses.facts,
    keysFingerprint: keccak256(toUtf8Bytes(JSON.stringify({
      pseudonymKey: options.pseudonymKey,
      signers: [...keys.values()].flat().map((w) => w.address).sort(),
    }))),
  };
  const reloaded = options.journal ? readJournal(options.journal, header) : undefined;
  let events: SourceEvent[];
  if (reloaded) {
    events = reloaded.map((e) => append(e));
    logger.info({ events: events.length, journal: options.journal }, "feed reloaded from journal");
  } else {
    const drafts = initialDrafts(source, population, orgId, createRandom(hashSeed(seed, `drafts:${source}`)));
    events = [];
    if (history) {
      const startedMs = now();
      const dated = drafts
        .map((draft, i) => ({ draft, at: historyMoment(publicationDay(draft, population), history.from, i, startedMs) }))
        .sort((a, b) => a.at - b.at);
      for (const { draft, at } of dated) events.push(append(await certify(draft, { ...ctx, now: () => at }), at));
    } else {
      for (const draft of drafts) events.push(append(await certify(draft, ctx)));
    }
    logger.info({ events: events.length, people: population.people.length }, "initial feed signed");
  }
  const journal: Journal | undefined = options.journal ? writeJournal(options.journal, header, events) : undefined;

  const live = createLiveGenerator({
    source, population, orgId,
    // Seeded by the feed length, so a restarted simulator does not replay the same choices.
    random: createRandom(hashSeed(seed, `live:${source}:${feed.last}`)),
    runId: now().toString(36),
    today: () => Math.max(ymdOfMs(now()), today),
  });
  for (const e of events) live.observe(e);

  async function tickLive(): Promise<SourceEvent[]> {
    const published: SourceEvent[] = [];
    for (const draft of live.tick()) {
      const event = append(await certify(draft, ctx));
      live.observe(event);
      journal?.append(event);
      published.push(event);
    }
    if (published.length > 0) logger.debug({ events: published.length, last: feed.last }, "live events published");
    return published;
  }

  let timer: NodeJS.Timeout | undefined;
  if (options.live) {
    let busy = false;
    timer = setInterval(() => {
      if (busy) return; // a slow tick is skipped, never run twice at once
      busy = true;
      tickLive()
        .catch((error: unknown) => logger.error({ err: error }, "live tick failed"))
        .finally(() => (busy = false));
    }, options.liveIntervalMs ?? LIVE_INTERVAL_MS);
  }

  const decisions = source === "inps" ? expectedDecisions(population) : undefined;
  const byArchetype: Record<string, number> = {};
  for (const p of population.people) byArchetype[p.archetype] = (byArchetype[p.archetype] ?? 0) + 1;
  const handler = createFeedApp({
    feed,
    logger,
    health: () => ({ source, seed, size, startedAt, ...(history ? { publishedUntil: feed.published, horizon: new Date(Math.min(history.horizon(), 8.64e15)).toISOString() } : {}) }),
    routes: {
      "/v1/stats": () => ({
        source, seed, size, today, startedAt,
        events: feed.last,
        byKind: feed.countsByKind(),
        population: { people: population.people.length, byArchetype },
        ...(decisions ? { expectedDecisions: decisions } : {}),
      }),
    },
  });

  let server: RunningServer | undefined;
  return {
    source, population, feed, handler, tickLive,
    async listen(port) {
      server = await listen(handler, port);
      logger.info({ url: server.url, events: feed.last, live: options.live === true }, "source simulator listening");
      return server;
    },
    async close() {
      clearInterval(timer);
      await server?.close();
    },
  };
}
