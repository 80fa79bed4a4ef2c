// Builds the read API (express 5): route declarations (src/api/routes, parse and validate) →
// services (src/api/services, no req/res) → data (index reader, access log, contracts, oracle
// store). server.ts listens; tests listen on port 0.
import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import { PaChainError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Authenticator } from "./auth.ts";
import { DOCS_CSP, DOCS_INIT_JS, docsAsset, renderDocsPage } from "./docs-page.ts";
import type { ApiMetrics } from "./metrics.ts";
import { addressOf, createRateLimiter, identityOf, type RateLimitOptions } from "./rate-limit.ts";
import { BODY_LIMIT, PROBLEM_JSON, toProblem } from "./problem.ts";
import { mountRoute, openApiDocument, type RouteSpec } from "./route.ts";
import { auditorRoutes } from "./routes/auditor.ts";
import { citizenRoutes } from "./routes/citizen.ts";
import { commissionRoutes } from "./routes/commission.ts";
import { operatorRoutes } from "./routes/operator.ts";
import { systemRoutes, type SystemLink } from "./routes/system.ts";
import { credentialRoutes } from "./routes/credentials.ts";
import { patronatoRoutes } from "./routes/patronati.ts";
import { webRouter } from "../web/router.ts";
import { formatIsoDate } from "../domain/dates.ts";
import type { ApiServices } from "./services.ts";
import { createDemoSignIn } from "./services/demo-sign-in.ts";

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
  /** The URL the OpenAPI document names as its server. */
  serverUrl?: string;
}

/** Every declared endpoint of the API, in the order of the documentation. */
export function apiRoutes(services: ApiServices, system?: SystemLink): RouteSpec[] {
  return [
    ...systemRoutes(system), ...citizenRoutes(services), ...auditorRoutes(services), ...commissionRoutes(services),
    ...operatorRoutes(services), ...credentialRoutes(services), ...patronatoRoutes(services),
  ];
}

/** The route a request is counted under: its declared path, its static folder, or "unmatched". */
function routeLabel(req: Request, status: number): string {
  const declared = req.route?.path as string | undefined;
  if (declared) return `${req.baseUrl ?? ""}${declared}`;
  // After a mounted router (the pages' static files) req.path is relative to it: the original URL is not.
  if (status < 400 && req.originalUrl.startsWith("/web/")) return "/web/*";
  return "unmatched";
}

/** A path pattern of a route as a regular expression (":name" is one segment). */
const pathPattern = (path: string) => new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, "[^/]+")}/?$`);

export function createApp(deps: ApiDependencies): express.Express {
  const { services, auth, readiness, metrics } = deps;
  const logger = deps.logger.child({ module: "api" });
  const routes = apiRoutes(services, {
    readiness,
    signIn: createDemoSignIn({
      auth,
      // A patronato token only for an operator the directory lists (as the patronato's own IdP would).
      checkHolder: async (holder) => {
        if (holder.role === "patronato") await services.delegations.deskOf({ ...holder, organisation: holder.organisation! });
      },
    }),
  });
  const limiter = createRateLimiter({ ...deps.rateLimit, clientOf: identityOf(auth) });
  // Public routes (presentation verification, status) take no token: their own budget per address,
  // so a flood of verifications neither borrows a person's budget nor exhausts it.
  const publicLimiter = createRateLimiter({ ...(deps.publicRateLimit ?? deps.rateLimit), clientOf: addressOf });
  const publicPaths = new Set(routes.filter((r) => r.roles === "public").map((r) => r.path));
  const openApi = openApiDocument(routes, { version: API_VERSION, serverUrl: deps.serverUrl });
  const docsPage = renderDocsPage(openApi as Parameters<typeof renderDocsPage>[0]);
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  app.use((req, res, next) => {
    const requestId = (req.header("x-request-id") ?? "").replace(/[^\w.-]/g, "").slice(0, 64) || randomUUID();
    res.locals.requestId = requestId;
    // "Today" (YYYYMMDD) once per request, in this one place: every part of an answer has the same day.
    res.locals.today = services.today();
    res.setHeader("x-request-id", requestId);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("x-frame-options", "DENY");
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    res.setHeader("cache-control", "no-store");
    const started = performance.now();
    res.on("finish", () => {
      const seconds = (performance.now() - started) / 1000;
      // The declared route (":fiscalCode", never the value), so metrics carry no personal data;
      // the pages' assets as one route each folder; only what matched nothing is "unmatched".
      const route = routeLabel(req, res.statusCode);
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
  app.get("/openapi.json", (req, res) => {
    // The server is where the document was fetched from (the API listens on 127.0.0.1 or behind a gateway).
    const servers = deps.serverUrl ? openApi.servers : [{ ...(openApi.servers as object[])[0], url: `${req.protocol}://${req.get("host")}` }];
    res.json({ ...openApi, servers });
  });
  app.get("/docs", (_req, res) => {
    res.setHeader("content-security-policy", DOCS_CSP);
    res.type("html").send(docsPage);
  });
  app.get("/docs/init.js", (_req, res) => {
    res.setHeader("content-security-policy", DOCS_CSP);
    res.type("js").send(DOCS_INIT_JS);
  });
  const docsAssets = new Map<string, ReturnType<typeof docsAsset>>();
  app.get("/docs/:asset", (req, res, next) => {
    const name = String(req.params.asset);
    if (!docsAssets.has(name)) docsAssets.set(name, docsAsset(name));
    const asset = docsAssets.get(name);
    if (!asset) return next();
    res.setHeader("content-security-policy", DOCS_CSP);
    // The renderer's files change only with a release: a day's cache saves a megabyte per visit.
    res.setHeader("cache-control", "public, max-age=86400");
    res.type(asset.type).send(asset.body);
  });

  app.use(webRouter({ catalog: services.catalog, isoToday: () => formatIsoDate(services.today()) }));

  app.use("/v1", (req, res, next) => (publicPaths.has(req.originalUrl.split("?")[0]) ? publicLimiter : limiter).middleware(req, res, next));
  app.use("/credentials", limiter.middleware);
  app.use("/.well-known", limiter.middleware);
  // The body's bytes are kept for the routes that check a signature over them (ModI integrity).
  app.use(express.json({ limit: BODY_LIMIT, verify: (req, _res, buf) => {
    (req as Request & { rawBody?: Buffer }).rawBody = buf;
  } }));
  // OAuth's token endpoint (OpenID4VCI /credentials/token) takes a form.
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT }));

  for (const spec of routes) {
    mountRoute(app, spec, auth, (invalid) => logger.error({ err: invalid, route: spec.path }, "answer does not match its schema"));
  }

  // A known path with another method answers 405 with the methods it has (Allow), else 404.
  const known = [
    ...routes.map((r) => ({ path: r.path, method: r.method.toUpperCase() })),
    ...["/health", "/ready", "/metrics", "/openapi.json", "/docs", "/docs/init.js", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"].map((path) => ({ path, method: "GET" })),
  ].map((k) => ({ ...k, pattern: pathPattern(k.path) }));
  app.use((req, res) => {
    const allowed = [...new Set(known.filter((k) => k.pattern.test(req.path)).map((k) => k.method))];
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      res.setHeader("allow", [...allowed, ...(allowed.includes("GET") ? ["HEAD"] : [])].join(", "));
      throw new PaChainError("METHOD_NOT_ALLOWED", `${req.method} is not allowed on ${req.path} (allowed: ${allowed.join(", ")})`, { status: 405 });
    }
    throw new PaChainError("NOT_FOUND", `no route ${req.method} ${req.path}`, { status: 404 });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, problem, headers } = toProblem(error, req.path);
    if (status >= 500 && status !== 503) logger.error({ err: error, requestId: res.locals.requestId }, "request failed");
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.status(status).type(PROBLEM_JSON).send(JSON.stringify(problem));
  });
  return app;
}
