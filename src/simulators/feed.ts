// A PDND-style event feed over node:http: an append-only list of events, each with a
// monotonically increasing integer cursor, read with `GET /v1/events?after=CURSOR&limit=N`.
// Pull only: a reader keeps its own cursor, so a reader that crashes simply asks again.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ValidationError } from "../errors.ts";
import type { Logger } from "../logger.ts";

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export interface FeedEvent {
  cursor: number;
  kind: string;
}

/** An event before the feed gives it its cursor (distributes over a union of event types). */
export type Uncursored<E> = E extends unknown ? Omit<E, "cursor"> : never;

export interface FeedPage<E> {
  events: E[];
  /** Cursor of the last event returned, or the `after` asked for when there is none. */
  next: number;
  hasMore: boolean;
}

export interface EventFeed<E extends FeedEvent> {
  append(event: Uncursored<E>): E;
  page(after: number, limit: number): FeedPage<E>;
  /** Cursor of the last event, 0 when empty. */
  readonly last: number;
  /** Cursor of the last event readers may see now (= last unless the feed publishes on a schedule). */
  readonly published: number;
  countsByKind(): Record<string, number>;
}

/**
 * `published`, when given, is how many events (a prefix) readers may see now: a source replaying
 * its past day by day (the demo's history, src/demo/history.ts) publishes each event on its day.
 */
export function createEventFeed<E extends FeedEvent>(options: { published?: () => number } = {}): EventFeed<E> {
  // Cursors are 1, 2, 3, …: event i sits at index i - 1, so a page is one slice.
  const events: E[] = [];
  const counts: Record<string, number> = {};
  const visible = () => (options.published ? Math.min(events.length, options.published()) : events.length);
  return {
    append(event) {
      const stored = { cursor: events.length + 1, ...event } as unknown as E;
      events.push(stored);
      counts[stored.kind] = (counts[stored.kind] ?? 0) + 1;
      return stored;
    },
    page(after, limit) {
      const end = visible();
      const page = events.slice(Math.min(after, end), Math.min(after + limit, end));
      return { events: page, next: page.length > 0 ? page[page.length - 1]!.cursor : after, hasMore: after + page.length < end };
    },
    get last() {
      return events.length;
    },
    get published() {
      return visible();
    },
    countsByKind: () => ({ ...counts }),
  };
}

function integerParameter(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const value = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw new ValidationError(name, `${name}: expected ${range}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Parses the query of `GET /v1/events`; a bad value is a ValidationError naming the parameter. */
export function parsePageQuery(params: URLSearchParams): { after: number; limit: number } {
  return {
    after: integerParameter(params, "after", 0, 0, Number.MAX_SAFE_INTEGER),
    limit: integerParameter(params, "limit", DEFAULT_PAGE_LIMIT, 1, MAX_PAGE_LIMIT),
  };
}

// Amounts are bigint in the code and decimal strings on the wire (JSON numbers lose precision).
const json = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = json(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

export interface FeedAppOptions<E extends FeedEvent> {
  feed: EventFeed<E>;
  logger: Logger;
  /** Extra fields of `GET /health` (e.g. which source, when it started). */
  health?: () => Record<string, unknown>;
  /** Further read-only routes, path → body (e.g. `/v1/stats`). */
  routes?: Record<string, () => unknown>;
}

/** The request handler: routes and HTTP mapping only. */
export function createFeedApp<E extends FeedEvent>(options: FeedAppOptions<E>): (req: IncomingMessage, res: ServerResponse) => void {
  const { feed, logger, health, routes = {} } = options;
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://feed.invalid");
    try {
      if (req.method !== "GET") {
        res.setHeader("allow", "GET");
        return sendError(res, 405, "METHOD_NOT_ALLOWED", `${req.method} is not allowed: the feed is read-only`);
      }
      if (url.pathname === "/v1/events") {
        const { after, limit } = parsePageQuery(url.searchParams);
        return send(res, 200, feed.page(after, limit));
      }
      if (url.pathname === "/health") return send(res, 200, { status: "ok", lastCursor: feed.last, ...health?.() });
      const route = routes[url.pathname];
      if (route) return send(res, 200, route());
      return sendError(res, 404, "NOT_FOUND", `no route ${url.pathname}`);
    } catch (error) {
      if (error instanceof ValidationError) return sendError(res, 400, error.code, error.message);
      logger.error({ err: error, path: url.pathname }, "feed request failed");
      return sendError(res, 500, "INTERNAL", "internal error");
    }
  };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on loopback (`port` 0 picks a free one, as the tests do). */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host = "127.0.0.1",
): Promise<RunningServer> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    // Idempotent: whoever closes first does it, later calls wait for the same close.
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive readers would otherwise hold the server open until they time out.
        server.closeAllConnections();
      })),
  };
}
