// Serves an oracle's gateway (gateway.ts) over HTTP on its private address, so a read API in
// another process (or on another machine of the organisation) can submit records and watch the
// oracle. Every request carries the shared secret (PACHAIN_ORACLE_GATEWAY_SECRET) as a bearer
// token; bodies are validated here again, since the caller is another process.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { GatewayErrorBody, OracleGateway } from "./gateway.ts";

const BODY_LIMIT = "64kb";

const signedAssessment = z.object({
  sourceId: z.string(),
  fiscalCode: z.string(),
  record: z.record(z.string(), z.unknown()),
  signatures: z.array(z.string()),
}).strict();
const signedRevocation = z.object({ record: z.record(z.string(), z.unknown()), signatures: z.array(z.string()) }).strict();
const claimRequest = z.object({ benefit: z.string().min(1).max(64), date: z.number().int() }).strict();
const subjectParam = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const applicationRequest = z.object({ applicationId: z.string(), fiscalCode: z.string(), benefit: z.string(), date: z.number().int() }).strict();
const redriveRequest = z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() }).strict();
const positiveInt = z.coerce.number().int().positive();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join(".") || "body";
  throw new ValidationError(field, `${field}: ${issue.message}`);
}

const digest = (value: string) => createHash("sha256").update(value).digest();

export function createGatewayApp(options: { gateway: OracleGateway; secret: string; logger: Logger }): express.Express {
  const { gateway } = options;
  const logger = options.logger.child({ module: "oracle-gateway" });
  const expected = digest(`Bearer ${options.secret}`);
  const app = express();
  app.disable("x-powered-by");
  app.use((req, _res, next) => {
    // Compared as digests in constant time: the secret's length and content do not leak through timing.
    if (!timingSafeEqual(digest(req.header("authorization") ?? ""), expected)) {
      throw new PaChainError("UNAUTHENTICATED", "missing or wrong gateway secret", { status: 401 });
    }
    next();
  });
  app.use(express.json({ limit: BODY_LIMIT }));

  app.post("/v1/commissions/:commissionId/assessments", async (req, res) => {
    res.json(await gateway.submitAssessment(parse(positiveInt, req.params.commissionId), parse(signedAssessment, req.body)));
  });
  app.post("/v1/commissions/:commissionId/assessments/:assessmentId/revocation", async (req, res) => {
    res.json(await gateway.submitRevocation(parse(positiveInt, req.params.commissionId), String(req.params.assessmentId), parse(signedRevocation, req.body)));
  });
  app.post("/v1/claims/:subject", async (req, res) => {
    const { benefit, date } = parse(claimRequest, req.body);
    res.json(await gateway.submitClaim(parse(subjectParam, req.params.subject), benefit, date));
  });
  app.get("/v1/claims/:subject", async (req, res) => {
    res.json({ claims: await gateway.claimsOf(parse(subjectParam, req.params.subject)) });
  });
  app.get("/v1/claims/:subject/status", async (req, res) => {
    res.json({ status: await gateway.claimStatus(parse(subjectParam, req.params.subject)) });
  });
  app.post("/v1/channels/:channel/applications", async (req, res) => {
    const channel = parse(z.string().regex(/^[\w-]{1,64}$/), req.params.channel);
    res.json(await gateway.submitApplication(channel, parse(applicationRequest, req.body)));
  });
  app.get("/v1/submissions/:kind/:id", async (req, res) => {
    res.json({ submission: await gateway.submission(parse(z.enum(["assessment", "application", "revocation"]), req.params.kind), String(req.params.id)) });
  });
  app.get("/v1/commissions/:commissionId/waiting", async (req, res) => {
    res.json({ submissions: await gateway.waitingAssessments(parse(positiveInt, req.params.commissionId)) });
  });
  app.get("/v1/dead-letters", async (req, res) => {
    res.json({ deadLetters: await gateway.deadLetters(parse(positiveInt.max(10_000), req.query.limit ?? 100)) });
  });
  app.post("/v1/dead-letters/redrive", async (req, res) => {
    res.json({ redriven: await gateway.redrive(parse(redriveRequest, req.body ?? {}).ids) });
  });
  app.get("/v1/lag", async (_req, res) => {
    res.json(await gateway.lag());
  });
  app.use((req, _res) => {
    throw new PaChainError("NOT_FOUND", `no route ${req.method} ${req.path}`, { status: 404 });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const known = error instanceof PaChainError ? error : undefined;
    const status = known?.status ?? ((error as { type?: string })?.type === "entity.parse.failed" ? 400 : 500);
    if (status >= 500) logger.error({ err: error }, "gateway request failed");
    const body: GatewayErrorBody = {
      error: {
        code: known?.code ?? (status === 400 ? "VALIDATION_FAILED" : "UNAVAILABLE"),
        message: known?.message ?? (status === 400 ? "the body is not valid JSON" : "internal error of the oracle"),
        status,
        retryable: known?.retryable ?? status >= 500,
        ...(error instanceof ValidationError ? { field: error.field } : status === 400 && !known ? { field: "body" } : {}),
      },
    };
    res.status(status).json(body);
  });
  return app;
}

/** Listens on 127.0.0.1 (the oracle's private address); close() stops it. */
export async function startGatewayServer(options: { gateway: OracleGateway; secret: string; port: number; logger: Logger }): Promise<{ url: string; close(): Promise<void> }> {
  const app = createGatewayApp(options);
  const host = "127.0.0.1";
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, host, () => resolve(s)).once("error", reject);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
