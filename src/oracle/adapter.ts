// Reads one source system's feed from its last cursor, validates every event into the outbox, and
// moves the cursor in the same transaction: a crash re-reads a page, and the outbox's unique record
// keys make the re-read add nothing twice.
import type { Logger } from "../logger.ts";
import type { Intake } from "./intake.ts";
import type { OracleMetrics } from "./metrics.ts";
import { TransientError } from "./relayer.ts";
import type { NewItem, OracleStore, RelayerName } from "./store.ts";

export const FEED_PAGE_SIZE = 500;
const FETCH_TIMEOUT_MS = 10_000;

export interface SourceAdapter {
  source: string;
  /** Reads one page; `caughtUp` is true when the feed had nothing more. */
  pollOnce(): Promise<{ fetched: number; added: number; caughtUp: boolean }>;
}

interface FeedPage {
  events: unknown[];
  next: number;
  hasMore: boolean;
}

export function createSourceAdapter(options: {
  source: string;
  baseUrl: string;
  relayer: RelayerName;
  store: OracleStore;
  intake: Intake;
  logger: Logger;
  metrics?: OracleMetrics;
  pageSize?: number;
}): SourceAdapter {
  const { source, baseUrl, relayer, store, intake, metrics, pageSize = FEED_PAGE_SIZE } = options;
  const logger = options.logger.child({ module: "adapter", source });

  async function fetchPage(after: number): Promise<FeedPage> {
    const url = `${baseUrl.replace(/\/$/, "")}/v1/events?after=${after}&limit=${pageSize}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      throw new TransientError(`${source} feed unreachable at ${url}: ${(error as Error).message}`);
    }
    if (!response.ok) throw new TransientError(`${source} feed answered ${response.status} at ${url}`);
    const page = (await response.json()) as FeedPage;
    if (!Array.isArray(page.events) || typeof page.next !== "number") {
      throw new TransientError(`${source} feed answered a malformed page at ${url}`);
    }
    return page;
  }

  return {
    source,
    async pollOnce() {
      const after = store.cursor(source);
      const page = await fetchPage(after);
      // Intake (which remembers pseudonym links) and the page land in one transaction.
      const { items, added } = store.transaction(() => {
        const items: NewItem[] = [];
        const applications = [];
        for (const event of page.events) {
          const result = intake.accept(source, relayer, event);
          if (result.type === "application") applications.push(result.application);
          else items.push(result.item);
          metrics?.received.inc({ source, kind: String((event as { kind?: unknown })?.kind ?? "unknown") });
        }
        return { items, added: store.ingest(source, page.events.length > 0 ? page.next : after, items, applications) };
      });
      const refused = items.filter((i) => i.dead).length;
      if (refused > 0) logger.warn({ refused }, "feed events refused at intake (dead letters)");
      if (page.events.length > 0) logger.debug({ after, next: page.next, fetched: page.events.length, added }, "feed page stored");
      const caughtUp = !page.hasMore;
      return { fetched: page.events.length, added, caughtUp };
    },
  };
}
