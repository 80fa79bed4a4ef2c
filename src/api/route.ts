// One declaration per endpoint: its path, who may call it, the zod schemas of what it takes and
// what it answers, and the service call. `mountRoute` turns a declaration into an express handler
// (authenticate, authorise, parse, call, validate the answer); `openApiDocument` turns the same
// declarations into the OpenAPI 3.1 document, so the document cannot drift from the code.
import type express from "express";
import type { Request, Response } from "express";
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../errors.ts";
import type { ApiRole, Authenticator, Principal } from "./auth.ts";

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined on public routes. */
  who: Principal | undefined;
  requestId: string;
}

/** An answer other than the default JSON with status 200. */
export interface RouteReply {
  status?: number;
  /** Sent as text/csv with this file name instead of JSON. */
  csv?: { fileName: string; text: string };
  body?: unknown;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: "get" | "post" | "delete";
  /** Express path, e.g. /v1/subjects/:fiscalCode/history */
  path: string;
  tag: "system" | "citizen" | "auditor" | "commission" | "operator" | "patronato" | "demo";
  summary: string;
  description?: string;
  /** Roles allowed, or "public" (no token). */
  roles: readonly ApiRole[] | "public";
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType<R>;
  /** HTTP status of a successful answer (default 200). */
  status?: number;
  /** Whether the route can answer text/csv (`format=csv`). */
  csv?: boolean;
  handle(input: RouteInput<P, Q, B>): Promise<R | RouteReply>;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P, Q, B, R>(spec: RouteSpec<P, Q, B, R>): RouteSpec {
  return spec as unknown as RouteSpec;
}

/** Wraps an answer that needs a status, a CSV body or both. */
export function reply(value: RouteReply): RouteReply & { [REPLY]: true } {
  return { ...value, [REPLY]: true };
}
const REPLY = Symbol("reply");
const isReply = (value: unknown): value is RouteReply =>
  typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[REPLY] === true;

/** Parses one part of the request; the first issue becomes a 400 naming the field. */
export function parsePart<T>(schema: z.ZodType<T>, value: unknown, part: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.map(String).join(".");
  const field = path || part;
  const message = issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` : issue.message;
  throw new ValidationError(issue.code === "unrecognized_keys" ? issue.keys[0] : field, `${field}: ${message}`);
}

export function mountRoute(app: express.Express, spec: RouteSpec, auth: Authenticator, onAnswer: (invalid: unknown) => void): void {
  app[spec.method](spec.path, async (req: Request, res: Response) => {
    let who: Principal | undefined;
    if (spec.roles !== "public") {
      who = await auth.verify(req.header("authorization"));
      if (!spec.roles.includes(who.role)) {
        throw new PaChainError("FORBIDDEN", `the ${who.role} role may not ${req.method} ${spec.path}`, { status: 403 });
      }
    }
    res.locals.principal = who;
    const input = {
      params: spec.params ? parsePart(spec.params, req.params, "path") : {},
      query: spec.query ? parsePart(spec.query, req.query, "query") : {},
      body: spec.body ? parsePart(spec.body, req.body ?? {}, "body") : {},
      who,
      requestId: String(res.locals.requestId),
    };
    const result = await spec.handle(input);
    const answer: RouteReply = isReply(result) ? result : { body: result };
    if (answer.csv) {
      res.status(answer.status ?? spec.status ?? 200)
        .type("text/csv; charset=utf-8")
        .setHeader("content-disposition", `attachment; filename="${answer.csv.fileName}"`);
      res.send(answer.csv.text);
      return;
    }
    // Every answer is checked against its published schema: a mismatch is our defect, never sent.
    const checked = spec.response.safeParse(answer.body);
    if (!checked.success) {
      onAnswer(checked.error);
      throw new Error(`answer of ${spec.method.toUpperCase()} ${spec.path} does not match its schema`);
    }
    res.status(answer.status ?? spec.status ?? 200).json(checked.data);
  });
}

const ERROR_BODY = z.object({
  error: z.object({
    code: z.string().meta({ description: "Stable machine-readable code, e.g. INVALID_DATE, FORBIDDEN" }),
    message: z.string().meta({ description: "What is wrong, in plain words" }),
    field: z.string().optional().meta({ description: "The offending field, for 400 answers" }),
  }),
}).meta({ id: "Error" });

const ERROR_STATUS: Record<string, string> = {
  "400": "Bad input: the field is named in error.field",
  "401": "Missing, invalid or expired bearer token",
  "403": "The token's role may not do this, or the data is another person's",
  "404": "Not found",
  "409": "Conflicts with what is already recorded",
  "429": "Too many requests: retry after the Retry-After header's seconds",
  "503": "A part this answer needs (chain node, index, oracle) is not ready",
};

/** The OpenAPI 3.1 document of the declared routes. */
export function openApiDocument(specs: readonly RouteSpec[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  // JSON Schema of a part; named schemas (meta id) go to components and are referenced.
  const jsonSchema = (schema: z.ZodType, io: "input" | "output") => {
    const generated = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any", reused: "inline" });
    // Named schemas come back in $defs: they become components, and their references follow.
    const { $defs, ...rest } = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as
      Record<string, unknown> & { $defs?: Record<string, unknown> };
    Object.assign(schemas, $defs ?? {});
    delete rest.$schema;
    const id = (schema.meta() as { id?: string } | undefined)?.id;
    if (id) {
      delete rest.id;
      schemas[id] = rest;
      return { $ref: `#/components/schemas/${id}` };
    }
    return rest;
  };
  const parameters = (schema: z.ZodType | undefined, where: "path" | "query") => {
    if (!schema) return [];
    const object = jsonSchema(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === "path" || (object.required ?? []).includes(name),
      description: property.description,
      schema: property,
    }));
  };
  for (const spec of specs) {
    const path = spec.path.replace(/:(\w+)/g, "{$1}");
    const status = String(spec.status ?? 200);
    const content: Record<string, unknown> = { "application/json": { schema: jsonSchema(spec.response, "output") } };
    if (spec.csv) content["text/csv"] = { schema: { type: "string" } };
    const errors = Object.fromEntries(
      Object.entries(ERROR_STATUS)
        .filter(([code]) => spec.roles !== "public" || !["401", "403"].includes(code))
        .map(([code, description]) => [code, { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }]),
    );
    (paths[path] ??= {})[spec.method] = {
      operationId: `${spec.method}${path.replace(/[{}]/g, "").split("/").map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("").replace(/[^A-Za-z0-9]/g, "")}`,
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.roles === "public" ? { security: [] } : { "x-roles": spec.roles }),
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      ...(spec.body ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(spec.body, "input") } } } } : {}),
      responses: { [status]: { description: "OK", content }, ...errors },
    };
  }
  jsonSchema(ERROR_BODY, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "PA Chain read API",
      version: info.version,
      description: "Citizens verify their entitlement status, auditors trace every euro, commissions record assessments, operators run the oracle. Every answer about entitlements is computed by the contracts on chain; history comes from the index of the chain's events.",
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } }, schemas },
    paths,
  };
}
