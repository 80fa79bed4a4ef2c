// Builds the read API (express 5): route (parse and validate) → service (no req/res) → data (the
// chain client, the vault). server.ts listens; tests listen on port 0.
import { randomUUID } from "node:crypto";
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod";
import type { PAChainContracts } from "../chain/contracts.ts";
import type { Catalog } from "../domain/catalog.ts";
import { formatIsoDate, parseIsoDate, todayYmd } from "../domain/dates.ts";
import { PaChainError, ValidationError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { PseudonymVault } from "../oracle/vault.ts";
import { ROLES, type ApiRole, type Authenticator, type Principal } from "./auth.ts";
import { entitlementsOn } from "./entitlements.ts";

const BODY_LIMIT = "16kb";

export interface ApiDependencies {
  contracts: Pick<PAChainContracts, "ledger">;
  catalog: Catalog;
  /** Turns a fiscal code into the on-chain pseudonym. */
  vault: Pick<PseudonymVault, "pseudonymOf">;
  auth: Authenticator;
  logger: Logger;
  /** Whether the chain answers (readiness). */
  chainReady: () => Promise<boolean>;
}

type Handler = (req: Request, res: Response) => Promise<void>;

export function createApp(deps: ApiDependencies): express.Express {
  const { contracts, catalog, vault, auth, chainReady } = deps;
  const logger = deps.logger.child({ module: "api" });
  const app = express();
  app.disable("x-powered-by");
  app.set("query parser", "simple");

  app.use((req, res, next) => {
    const requestId = (req.header("x-request-id") ?? "").slice(0, 64) || randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("x-frame-options", "DENY");
    res.setHeader("referrer-policy", "no-referrer");
    res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    res.setHeader("cache-control", "no-store");
    const started = performance.now();
    res.on("finish", () => {
      logger.info({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request");
    });
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT }));

  /** Authenticates and checks the role before the handler runs. */
  const as = (roles: readonly ApiRole[], handler: (req: Request, res: Response, who: Principal) => Promise<void>): Handler =>
    async (req, res) => {
      const who = await auth.verify(req.header("authorization"));
      if (!roles.includes(who.role)) {
        throw new PaChainError("FORBIDDEN", `role ${who.role} may not ${req.method} ${req.path}`, { status: 403 });
      }
      await handler(req, res, who);
    };

  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/ready", async (_req, res) => {
    const ready = await chainReady();
    res.status(ready ? 200 : 503).json({ ready, chain: ready ? "answering" : "unreachable" });
  });

  const tokenRequest = z.object({ role: z.enum(ROLES), fiscalCode: z.string() }).strict();
  app.post("/v1/dev/token", async (req, res) => {
    const body = tokenRequest.safeParse(req.body);
    if (!body.success) {
      const issue = body.error.issues[0];
      const field = issue.path.join(".") || "body";
      throw new ValidationError(field, `${field}: ${issue.message}`);
    }
    res.status(201).json({ token: await auth.issueDemoToken(body.data.role, body.data.fiscalCode), role: body.data.role });
  });

  app.get("/v1/me/entitlements", as(["citizen"], async (req, res, who) => {
    const date = typeof req.query.date === "string" ? parseIsoDate(req.query.date, "date") : todayYmd(Math.floor(Date.now() / 1000));
    const entitlements = await entitlementsOn(contracts, catalog, vault.pseudonymOf(who.fiscalCode), date);
    res.json({ fiscalCode: who.fiscalCode, date: formatIsoDate(date), entitlements });
  }));

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
  return { status: 500, body: { error: { code: "INTERNAL", message: "internal error" } } };
}
