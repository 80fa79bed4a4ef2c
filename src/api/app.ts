// Builds the read API (express 5): route declarations (src/api/routes, parse and validate) →
// services (src/api/services, no req/res) → data (index reader, access log, contracts, oracle
// store). server.ts listens; tests listen on port 0.
import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import { PaChainError, ValidationError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { ROLES, type Authenticator } from "./auth.ts";
import { renderDocsPage } from "./docs-page.ts";
import type { ApiMetrics } from "./metrics.ts";
import { addressOf, createRateLimiter, identityOf, type RateLimitOptions } from "./rate-limit.ts";
import { mountRoute, openApiDocument, type RouteSpec } from "./route.ts";
import { auditorRoutes } from "./routes/auditor.ts";
import { citizenRoutes } from "./routes/citizen.ts";
import { commissionRoutes } from "./routes/commission.ts";
import { operatorRoutes } from "./routes/operator.ts";
import { proofRoutes } from "./routes/proofs.ts";
import { webRouter } from "../web/router.ts";
import type { ApiServices } from "./services.ts";

const BODY_LIMIT = "16kb";
export const API_VERSION = "1.0.0";

export interface ApiDependencies {
  services: ApiServices;
  auth: Authenticator;
  logger: Logger;
  metrics: ApiMetrics;
  rateLimit: RateLimitOptions;
  /** The public routes' own budget per address (default: rateLimit's). */
  publicRateLimit?: RateLimitOptions;
  /** Readiness: the chain answers and the index has caught up. */
  readiness: () => Promise<{ ready: boolean; chain: string; index: string }>;
}

/** Every JSON endpoint of the API, in the order of the documentation. */
export function apiRoutes(services: ApiServices): RouteSpec[] {
  return [...citizenRoutes(services), ...auditorRoutes(services), ...commissionRoutes(services), ...operatorRoutes(services), ...proofRoutes(services)];
}

export function createApp(deps: ApiDependencies): express.Express {
  const { services, auth, readiness, metrics } = deps;
  const logger = deps.logger.child({ module: "api" });
  const routes = apiRoutes(services);
  const limiter = createRateLimiter({ ...deps.rateLimit, clientOf: identityOf(auth) });
  // Public routes (proof verification) take no token: their own budget per address, so a flood of
  // verifications neither borrows a person's budget nor exhausts it.
  const publicLimiter = createRateLimiter({ ...(deps.publicRateLimit ?? deps.rateLimit), clientOf: addressOf });
  const publicPaths = new Set(routes.filter((r) => r.roles === "public").map((r) => r.path));
  const openApi = openApiDocument(routes, { version: API_VERSION });
  const docsPage = renderDocsPage(openApi as Parameters<typeof renderDocsPage>[0]);
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  app.use((req, res, next) => {
    const requestId = (req.header("x-request-id") ?? "").replace(/[^\w.-]/g, "").slice(0, 64) || randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("x-frame-options", "DENY");
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    res.setHeader("cache-control", "no-store");
    const started = performance.now();
    res.on("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      // The declared route (":fiscalCode", never the value), so metrics carry no personal data.
      const route = (req.route?.path as string | undefined) ?? "unmatched";
      metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
      metrics.duration.observe({ method: req.method, route }, seconds);
      logger.info({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, "request");
    });
    next();
  });

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/ready", async (_req, res) => {
    const state = await readiness();
    res.status(state.ready ? 200 : 503).json(state);
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.get("/openapi.json", (_req, res) => {
    res.json(openApi);
  });
  app.get("/docs", (_req, res) => {
    res.setHeader("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.type("html").send(docsPage);
  });

  app.use(webRouter({ catalog: services.catalog }));

  app.use("/v1", (req, res, next) => (publicPaths.has(req.originalUrl.split("?")[0]) ? publicLimiter : limiter).middleware(req, res, next));
  app.use(express.json({ limit: BODY_LIMIT }));

  const tokenRequest = z.object({
    role: z.enum(ROLES),
    fiscalCode: z.string(),
    organisation: z.number().int().positive().optional(),
  }).strict();
  app.post("/v1/dev/token", async (req, res) => {
    const body = tokenRequest.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      const field = issue.path.join(".") || "body";
      throw new ValidationError(field, `${field}: ${issue.message}`);
    }
    const { role, fiscalCode, organisation } = body.data;
    if (role === "commission" && organisation === undefined) {
      throw new ValidationError("organisation", "organisation: a commission token needs the commission's organisation id");
    }
    res.status(201).json({ token: await auth.issueDemoToken(role, fiscalCode, role === "citizen" ? undefined : organisation), role });
  });

  for (const spec of routes) {
    mountRoute(app, spec, auth, (invalid) => logger.error({ err: invalid, route: spec.path }, "answer does not match its schema"));
  }

  app.use((req, _res) => {
    throw new PaChainError("NOT_FOUND", `no route ${req.method} ${req.path}`, { status: 404 });
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) logger.error({ err: error, requestId: res.locals.requestId }, "request failed");
    res.status(status).json(body);
  });
  return app;
}

/** The one place errors become HTTP answers: {"error": {"code", "message", "field"?}}. */
export function toHttpError(error: unknown): { status: number; body: { error: { code: string; message: string; field?: string } } } {
  if (error instanceof ValidationError) return { status: 400, body: { error: { code: error.code, message: error.message, field: error.field } } };
  if (error instanceof PaChainError) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
  const e = error as { type?: string; status?: number };
  if (e?.type === "entity.parse.failed") return { status: 400, body: { error: { code: "INVALID_JSON", message: "the body is not valid JSON" } } };
  if (e?.type === "entity.too.large") return { status: 413, body: { error: { code: "BODY_TOO_LARGE", message: `the body is larger than ${BODY_LIMIT}` } } };
  if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
    return { status: 415, body: { error: { code: "UNSUPPORTED_ENCODING", message: "the body's encoding or charset is not supported" } } };
  }
  // Express's router: a path parameter that is not valid percent-encoding (e.g. "…H501U%").
  if (error instanceof URIError) return { status: 400, body: { error: { code: "INVALID_PATH", message: "the path is not valid percent-encoding" } } };
  // body-parser: a body that cannot be read (invalid gzip or br, aborted, wrong length). The
  // library's message is not echoed: it may quote what the client sent.
  if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
    return { status: e.status, body: { error: { code: "INVALID_BODY", message: "the body could not be read (invalid compression, length or encoding)" } } };
  }
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal error" } } };
}
