// The IO app's Services API for public administrations, simulated as its own HTTP service (outside
// the product, like the ANPR, ASL and INPS simulators): the shape of io-functions-services'
// OpenAPI as a sender sees it.
//   POST /api/v1/profiles {fiscal_code}            → 200 {sender_allowed, preferred_languages} | 404
//   POST /api/v1/messages {fiscal_code, content}    → 201 {id} (Location header)
// with the `Ocp-Apim-Subscription-Key` header (a wrong or missing key is 401), a body outside the
// schema is 400 (subject 10–120 characters, markdown 80–10,000), and, like a busy real service,
// some calls answer 429 (with Retry-After) or 503. The faults are deterministic (every Nth call,
// or an outage switched on through the admin route) so tests never flake.
// For tests and the demo only (not part of IO's API): GET /api/v1/messages/{fiscal_code} (the
// citizen's inbox) and POST /admin/outage. Every message is journaled (JSONL) and reloaded on
// restart, so the inbox survives the demo's restarts.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { dirname } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod/v4";
import type { Logger } from "../logger.ts";
import { listen, type RunningServer } from "./feed.ts";

export const IO_DEFAULT_PORT = 7104;
/** The demo's subscription key (a real one comes from IO's back office and is a secret). */
export const IO_DEMO_SUBSCRIPTION_KEY = "pachain-demo-io-subscription-key";
/** Idempotency-Key header: a retried message with the same key is answered with the first one's id. */
export const IDEMPOTENCY_HEADER = "idempotency-key";

export interface IoProfile {
  sender_allowed: boolean;
  preferred_languages: string[];
}

export interface IoMessage {
  id: string;
  fiscal_code: string;
  created_at: string;
  content: { subject: string; markdown: string; due_date?: string };
  idempotency_key?: string;
}

/**
 * The demo population's IO profiles, derived from the fiscal code (no list to keep): about 8% are
 * not on IO, about 4% have blocked the service, about 15% of the others read IO in English.
 */
export function demoProfile(fiscalCode: string, seed = 1): IoProfile | undefined {
  const h = createHash("sha256").update(`io-profile:${seed}:${fiscalCode.toUpperCase()}`).digest();
  const u = h.readUInt32BE(0) / 2 ** 32;
  const v = h.readUInt32BE(4) / 2 ** 32;
  if (u < 0.08) return undefined;
  return { sender_allowed: u >= 0.12, preferred_languages: v < 0.15 ? ["en_GB"] : ["it_IT"] };
}

const FISCAL_CODE = z.string().regex(/^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$/, "is not a fiscal code");
const profileRequest = z.object({ fiscal_code: FISCAL_CODE }).strict();
const messageRequest = z.object({
  fiscal_code: FISCAL_CODE,
  time_to_live: z.number().int().min(3600).max(604800).optional(),
  content: z.object({
    subject: z.string().min(10).max(120),
    markdown: z.string().min(80).max(10000),
    due_date: z.string().datetime().optional(),
  }).strict(),
}).strict();

export interface IoFaults {
  /** Every Nth POST /api/v1/messages answers 429 (0: never). */
  tooManyEvery: number;
  /** Every Nth POST (profiles and messages) answers 503 (0: never). */
  unavailableEvery: number;
}

export interface IoSimulatorOptions {
  logger: Logger;
  subscriptionKey?: string;
  /** JSONL file of the messages; without one the inbox lives in memory only. */
  journal?: string;
  faults?: Partial<IoFaults>;
  /** Whose profile is what (default: demoProfile). */
  profileOf?: (fiscalCode: string) => IoProfile | undefined;
  now?: () => number;
}

export interface IoSimulator {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  inbox(fiscalCode: string): IoMessage[];
  /** Every POST answers `status` until `requests` calls were refused, or until `outage(0)`. */
  outage(requests: number, status?: 429 | 503): void;
  listen(port: number): Promise<RunningServer>;
  close(): Promise<void>;
}

// Crockford base32: IO's message ids are ULIDs (time first, then randomness).
const B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
function ulid(nowMs: number): string {
  let time = "";
  for (let t = nowMs, i = 0; i < 10; i += 1, t = Math.floor(t / 32)) time = B32[t % 32] + time;
  return time + [...randomBytes(16)].map((b) => B32[b % 32]).join("");
}

function problem(res: ServerResponse, status: number, title: string, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ type: "about:blank", title, status, detail });
  res.writeHead(status, { "content-type": "application/problem+json", "content-length": Buffer.byteLength(body), ...headers });
  res.end(body);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new SyntaxError("body too large");
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
}

export function createIoSimulator(options: IoSimulatorOptions): IoSimulator {
  const logger = options.logger.child({ module: "io-simulator" });
  const key = options.subscriptionKey ?? IO_DEMO_SUBSCRIPTION_KEY;
  const faults: IoFaults = { tooManyEvery: 0, unavailableEvery: 0, ...options.faults };
  const profileOf = options.profileOf ?? ((fc: string) => demoProfile(fc));
  const now = options.now ?? (() => Date.now());
  const messages: IoMessage[] = [];
  const byKey = new Map<string, IoMessage>();
  if (options.journal) {
    mkdirSync(dirname(options.journal), { recursive: true });
    if (existsSync(options.journal)) {
      for (const line of readFileSync(options.journal, "utf8").split("\n")) {
        if (line === "") continue;
        try {
          const m = JSON.parse(line) as IoMessage;
          messages.push(m);
          if (m.idempotency_key) byKey.set(m.idempotency_key, m);
        } catch {
          break; // a line torn by a crash mid-write
        }
      }
      logger.info({ messages: messages.length }, "io inbox reloaded from journal");
    }
  }
  let posts = 0;
  let messagePosts = 0;
  let outage: { left: number; status: 429 | 503 } | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://io.invalid");
    const path = url.pathname;
    if (req.method === "GET" && path === "/health") return send(res, 200, { status: "ok", messages: messages.length });
    // Demo and tests only: switch an outage on or off.
    if (req.method === "POST" && path === "/admin/outage") {
      const body = (await readBody(req)) as { requests?: unknown; status?: unknown } | null;
      const requests = Number(body?.requests ?? 0);
      outage = requests > 0 ? { left: requests, status: body?.status === 429 ? 429 : 503 } : undefined;
      return send(res, 200, { outage: outage ?? null });
    }
    const inbox = /^\/api\/v1\/messages\/([A-Za-z0-9]{16})$/.exec(path);
    if (req.method === "GET" && inbox) {
      const fiscalCode = inbox[1]!.toUpperCase();
      return send(res, 200, {
        items: messages.filter((m) => m.fiscal_code === fiscalCode).map(({ id, created_at, content }) => ({ id, created_at, content })),
      });
    }
    const isProfiles = path === "/api/v1/profiles";
    const isMessages = path === "/api/v1/messages";
    if (!isProfiles && !isMessages) return problem(res, 404, "Not Found", `no route ${req.method} ${path}`);
    if (req.method !== "POST") return problem(res, 405, "Method Not Allowed", `${req.method} ${path}`, { allow: "POST" });
    if (req.headers["ocp-apim-subscription-key"] !== key) {
      return problem(res, 401, "Access denied", "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.");
    }
    posts += 1;
    if (isMessages) messagePosts += 1;
    if (outage) {
      const { status } = outage;
      if ((outage.left -= 1) <= 0) outage = undefined;
      return status === 429
        ? problem(res, 429, "Too many requests", "the service is over its rate limit", { "retry-after": "1" })
        : problem(res, 503, "Service Unavailable", "the service is temporarily unavailable");
    }
    if (faults.unavailableEvery > 0 && posts % faults.unavailableEvery === 0) {
      return problem(res, 503, "Service Unavailable", "the service is temporarily unavailable");
    }
    if (isMessages && faults.tooManyEvery > 0 && messagePosts % faults.tooManyEvery === 0) {
      return problem(res, 429, "Too many requests", "the service is over its rate limit", { "retry-after": "1" });
    }
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return problem(res, 400, "Invalid request", "the body is not JSON");
    }
    const parsed = (isProfiles ? profileRequest : messageRequest).safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return problem(res, 400, "Invalid request", `value [${issue.path.join(".") || "body"}] ${issue.message}`);
    }
    const fiscalCode = parsed.data.fiscal_code;
    const profile = profileOf(fiscalCode);
    if (isProfiles) {
      if (!profile) return problem(res, 404, "Profile not found", "The profile you requested was not found in the system.");
      return send(res, 200, profile);
    }
    const content = (parsed.data as z.infer<typeof messageRequest>).content;
    // IO accepts a message only for a citizen with a profile that lets this service write.
    if (!profile) return problem(res, 404, "Profile not found", "The recipient has no profile on IO.");
    if (!profile.sender_allowed) return problem(res, 403, "Sender not allowed", "The recipient does not allow this service to send messages.");
    const idempotencyKey = req.headers[IDEMPOTENCY_HEADER];
    const keyText = typeof idempotencyKey === "string" && idempotencyKey.length > 0 ? idempotencyKey.slice(0, 200) : undefined;
    const earlier = keyText ? byKey.get(keyText) : undefined;
    if (earlier) return send(res, 201, { id: earlier.id }, { location: `/api/v1/messages/${fiscalCode}/${earlier.id}` });
    const message: IoMessage = {
      id: ulid(now()), fiscal_code: fiscalCode, created_at: new Date(now()).toISOString(), content,
      ...(keyText ? { idempotency_key: keyText } : {}),
    };
    messages.push(message);
    if (keyText) byKey.set(keyText, message);
    if (options.journal) appendFileSync(options.journal, `${JSON.stringify(message)}\n`);
    // The message id only: never the fiscal code in a log.
    logger.debug({ id: message.id }, "io message accepted");
    return send(res, 201, { id: message.id }, { location: `/api/v1/messages/${fiscalCode}/${message.id}` });
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "io request failed");
      if (!res.headersSent) problem(res, 500, "Internal error", "internal error");
    });
  };
  let server: RunningServer | undefined;
  return {
    handler,
    inbox: (fiscalCode) => messages.filter((m) => m.fiscal_code === fiscalCode.toUpperCase()),
    outage(requests, status = 503) {
      outage = requests > 0 ? { left: requests, status } : undefined;
    },
    async listen(port) {
      server = await listen(handler, port);
      logger.info({ url: server.url, messages: messages.length }, "io simulator listening");
      return server;
    },
    async close() {
      await server?.close();
    },
  };
}
