// One declaration per endpoint: its path, who may call it, the zod schemas of what it takes and
// what it answers, and the service call. `mountRoute` turns a declaration into an express handler
// (authenticate, authorise, parse, call, validate the answer); `openApiDocument` turns the same
// declarations into the OpenAPI 3.1 document, so the document cannot drift from the code.
import type express from "express";
import type { Request, Response } from "express";
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../errors.ts";
import { answerCheck } from "./answer-check.ts";
import type { ApiRole, Authenticator, Principal } from "./auth.ts";
import { PROBLEM_JSON, problemSchema, problemType, STATUS_TITLES } from "./problem.ts";

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined on public routes. */
  who: Principal | undefined;
  requestId: string;
  /** Today (YYYYMMDD) from the system's clock, taken once per request so every part of an answer has the same day. */
  today: number;
  /** The body's bytes as sent (for signatures over the body), when the route takes one. */
  rawBody?: Buffer;
  /** A request header, by name. */
  header(name: string): string | undefined;
}

/** An answer other than the default JSON with status 200. */
export interface RouteReply {
  status?: number;
  /** Sent as text/csv with this file name instead of JSON. */
  csv?: { fileName: string; text: string };
  /** Sent as is with this media type instead of JSON (e.g. a status list, application/statuslist+jwt). */
  raw?: { contentType: string; text: string };
  /** Extra response headers. */
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: "get" | "post" | "delete";
  /** Express path, e.g. /v1/subjects/:fiscalCode/history */
  path: string;
  tag: "system" | "citizen" | "auditor" | "commission" | "operator" | "demo" | "credentials" | "patronato";
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
  /** Media type of a successful answer (default application/json). */
  contentType?: string;
  /** Error statuses the route may answer besides the usual ones (e.g. 409). */
  errors?: number[];
  /** Header parameters it reads, as OpenAPI parameter objects. */
  headers?: Array<Record<string, unknown>>;
  /** Example of a successful answer (default: built from the response schema). */
  example?: R;
  /** Example of the body (default: built from the body schema). */
  bodyExample?: B;
  /** Description of the successful answer (default "OK"). */
  successDescription?: string;
  /** The media type of a route that answers `raw` text instead of JSON. */
  produces?: string;
  /** The request body's media type when not JSON (OAuth's token endpoint takes a form). */
  consumes?: string;
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
  const checkAnswer = answerCheck(spec.response);
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
      // Taken once per request by the app (res.locals.today), from the services' clock.
      today: Number(res.locals.today),
      rawBody: (req as Request & { rawBody?: Buffer }).rawBody,
      header: (name: string) => req.header(name),
    };
    const result = await spec.handle(input);
    const answer: RouteReply = isReply(result) ? result : { body: result };
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    if (answer.raw) {
      res.status(answer.status ?? spec.status ?? 200).type(answer.raw.contentType).send(answer.raw.text);
      return;
    }
    if (answer.csv) {
      res.status(answer.status ?? spec.status ?? 200)
        .type("text/csv; charset=utf-8")
        .setHeader("content-disposition", `attachment; filename="${answer.csv.fileName}"`);
      res.send(answer.csv.text);
      return;
    }
    // Every answer is checked against its published schema: a mismatch is our defect, never sent.
    // The check is compiled (answer-check.ts); zod decides whatever the compiled check rejects.
    const checked = checkAnswer(answer.body);
    if (!checked.success) {
      onAnswer(checked.error);
      throw new Error(`answer of ${spec.method.toUpperCase()} ${spec.path} does not match its schema`);
    }
    res.status(answer.status ?? spec.status ?? 200);
    if (spec.contentType) res.type(spec.contentType).send(JSON.stringify(checked.data));
    else res.json(checked.data);
  });
}

/** Answers every declared route may give besides its success, with their description. */
const ERROR_STATUS: Record<string, string> = {
  "400": "Bad input: the offending field is named in `field`",
  "401": "Missing, invalid or expired bearer token (see the WWW-Authenticate header)",
  "403": "The token's role may not do this, or the data is another person's",
  "404": "Not found",
  "409": "Conflicts with what is already recorded",
  "413": "The body is larger than the limit (16 kB)",
  "415": "The body's encoding or charset is not supported",
  "429": "Too many requests: retry after the Retry-After header's seconds",
  "500": "Internal error (logged with the request id)",
  "503": "A part this answer needs (chain node, index, oracle) is not ready: retry after the Retry-After header's seconds",
};

/** Which error answers a route may give: auth ones only when it needs a token, body ones only with a body. */
export function errorStatuses(spec: Pick<RouteSpec, "roles" | "body" | "path" | "errors">): string[] {
  return Object.keys(ERROR_STATUS).filter((code) => {
    if (["401", "403"].includes(code)) return spec.roles !== "public" || (spec.errors ?? []).includes(Number(code));
    if (["413", "415"].includes(code)) return spec.body !== undefined;
    if (code === "409") return (spec.errors ?? []).includes(409);
    if (code === "429") return spec.path.startsWith("/v1/");
    return true;
  });
}

/** Tags of the document, in its order, with what each groups. */
export const TAGS: ReadonlyArray<{ name: RouteSpec["tag"]; description: string }> = [
  { name: "system", description: "Health of the service (AgID /status) and public proof verification" },
  { name: "citizen", description: "A person's own entitlements, payments, history, access log and proofs (citizen token)" },
  { name: "auditor", description: "Timelines, payments and payroll totals reconciled with the chain; every read of a person is logged with its purpose" },
  { name: "commission", description: "Medical commissions submit signed assessments (ModI integrity: Agid-JWT-Signature) and follow them" },
  { name: "operator", description: "The oracle's waves, dead letters and lag" },
  { name: "demo", description: "Demo mode only (PACHAIN_API_DEMO=true): stand-ins for SPID/CIE sign-in and for the commission members' signing devices; absent (404) in production" },
];

export interface DocumentInfo {
  version: string;
  /** The server the document describes (the demo: http://127.0.0.1:3000). */
  serverUrl?: string;
}

/** The OpenAPI 3.1 document of the declared routes. */
export function openApiDocument(specs: readonly RouteSpec[], info: DocumentInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  // JSON Schema of a part; named schemas (meta id) go to components and are referenced.
  const jsonSchema = (schema: z.ZodType, io: "input" | "output") => {
    const generated = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any", reused: "inline" });
    // Named schemas come back in $defs: they become components, and their references follow.
    const { $defs, ...rest } = JSON.parse(JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/')) as
      Record<string, unknown> & { $defs?: Record<string, unknown> };
    for (const [name, def] of Object.entries($defs ?? {})) {
      const { id: _id, ...named } = def as Record<string, unknown>;
      schemas[name] = withFormats(named);
    }
    delete rest.$schema;
    const id = (schema.meta() as { id?: string } | undefined)?.id;
    if (id) {
      delete rest.id;
      schemas[id] = withFormats(rest);
      return { $ref: `#/components/schemas/${id}` };
    }
    return withFormats(rest);
  };
  const parameters = (schema: z.ZodType | undefined, where: "path" | "query") => {
    if (!schema) return [];
    const object = jsonSchema(schema, "input") as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => {
      const { description, ...rest } = property;
      return {
        name,
        in: where,
        required: where === "path" || (object.required ?? []).includes(name),
        description: description ?? name,
        schema: rest,
        ...(Array.isArray(rest.examples) ? { example: rest.examples[0] } : {}),
      };
    });
  };
  const resolve = (schema: unknown) => resolveRefs(schema, schemas);
  // The paths behind the rate limiter (src/api/app.ts): their answers carry the RateLimit headers.
  const limited = (path: string) => ["/v1/", "/credentials/", "/.well-known/"].some((prefix) => path.startsWith(prefix));
  for (const spec of specs) {
    const path = spec.path.replace(/:(\w+)/g, "{$1}");
    const status = String(spec.status ?? 200);
    // A route answering raw text (a signed status list) documents a string.
    const responseSchema = spec.produces ? { type: "string" } : jsonSchema(spec.response, "output");
    const example = spec.example ?? exampleOf(resolve(responseSchema));
    const content: Record<string, unknown> = { [spec.produces ?? spec.contentType ?? "application/json"]: { schema: responseSchema, example } };
    if (spec.csv) content["text/csv"] = { schema: { type: "string" }, example: "benefit,period,amountCents\nACCOMPANIMENT,2026-11,54217\n" };
    const headers = (more: Record<string, unknown>) =>
      limited(spec.path) ? { headers: { ...RATE_LIMIT_HEADER_REFS, ...more } } : Object.keys(more).length ? { headers: more } : {};
    const errors = Object.fromEntries(errorStatuses(spec).map((code) => {
      const errorHeaders: Record<string, unknown> = limited(spec.path) ? { ...RATE_LIMIT_HEADER_REFS } : {};
      if (code === "401") errorHeaders["WWW-Authenticate"] = { $ref: "#/components/headers/WWW-Authenticate" };
      if (code === "429" || code === "503") errorHeaders["Retry-After"] = { $ref: "#/components/headers/Retry-After" };
      return [code, {
        description: ERROR_STATUS[code],
        ...(Object.keys(errorHeaders).length ? { headers: errorHeaders } : {}),
        content: { [PROBLEM_JSON]: { schema: { $ref: "#/components/schemas/Problem" }, example: problemExample(Number(code), spec.path) } },
      }];
    }));
    (paths[path] ??= {})[spec.method] = {
      operationId: operationIdOf(spec.method, path),
      tags: [spec.tag],
      summary: spec.summary,
      description: spec.description ?? spec.summary,
      ...(spec.roles === "public" ? { security: [] } : { "x-roles": spec.roles }),
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query"), ...(spec.headers ?? [])],
      ...(spec.body ? { requestBody: { required: true, content: { [spec.consumes ?? "application/json"]: (() => {
        const bodySchema = jsonSchema(spec.body!, "input");
        return { schema: bodySchema, example: spec.bodyExample ?? exampleOf(resolve(bodySchema)) };
      })() } } } : {}),
      responses: {
        [status]: { description: spec.successDescription ?? "OK", ...headers(spec.contentType === PROBLEM_JSON ? {} : { "Cache-Control": { $ref: "#/components/headers/Cache-Control" } }), content },
        ...errors,
      },
    };
  }
  jsonSchema(problemSchema, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "PA Chain read API",
      version: info.version,
      summary: "Entitlements to Italy's disability benefits, computed on chain, for citizens, auditors, commissions and operators",
      "x-summary": "Entitlements to Italy's disability benefits, computed on chain, for citizens, auditors, commissions and operators",
      "x-api-id": "pa-chain-read-api",
      description: "Citizens verify their entitlement status, auditors trace every euro, commissions record assessments, operators run the oracle. Every answer about entitlements is computed by the contracts on chain; history comes from the index of the chain's events.\n\n" +
        "Errors are RFC 9457 problem details (`application/problem+json`) with the project's stable `code` and, for bad input, the offending `field`. " +
        "Every `/v1` answer carries the client's rate limit (`RateLimit`, `RateLimit-Policy` and the `RateLimit-Limit`/`-Remaining`/`-Reset` triple); a 429 adds `Retry-After`.",
      contact: { name: "PA Chain consortium operations", email: "operations@pachain.example", url: "https://pachain.example/support" },
      license: { name: "EUPL-1.2", identifier: "EUPL-1.2" },
      termsOfService: "https://pachain.example/terms",
    },
    servers: [{
      url: info.serverUrl ?? "http://127.0.0.1:3000",
      description: "This service (the demo listens on 127.0.0.1 over plain HTTP; production sits behind the consortium's HTTPS gateway)",
      "x-sandbox": true,
    }],
    tags: TAGS.map((t) => ({ ...t })),
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "SPID/CIE identity provider's token (production) or a demo token (POST /v1/dev/token)" } },
      headers: HEADERS,
      schemas,
    },
    paths,
  };
}

/** operationId from method and path, without the method's name (AgID: no-method-name-in-operationId). */
function operationIdOf(method: string, path: string): string {
  const words = path.replace(/[{}]/g, "").split(/[/-]/).filter(Boolean).filter((w) => w !== "v1");
  const verb = method === "get" ? "read" : "submit";
  return verb + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("").replace(/[^A-Za-z0-9]/g, "");
}

const integerSchema = { type: "integer", format: "int32", minimum: 0 };
/** Headers the document names, declared once. */
const HEADERS: Record<string, unknown> = {
  "RateLimit-Limit": { description: "Requests the client may make in a burst (its bucket's size)", schema: integerSchema, example: 60 },
  "RateLimit-Remaining": { description: "Requests left in the client's bucket now", schema: integerSchema, example: 59 },
  "RateLimit-Reset": { description: "Seconds until the client's bucket is full again", schema: integerSchema, example: 1 },
  "RateLimit": { description: "The client's quota now (draft-ietf-httpapi-ratelimit-headers): remaining requests r and seconds t until full", schema: { type: "string" }, example: '"default";r=59;t=1' },
  "RateLimit-Policy": { description: "The policy (draft-ietf-httpapi-ratelimit-headers): quota q per window w seconds", schema: { type: "string" }, example: '"default";q=60;w=2' },
  "Retry-After": { description: "Seconds to wait before retrying", schema: integerSchema, example: 1 },
  "WWW-Authenticate": { description: "The authentication scheme the API expects (RFC 6750)", schema: { type: "string" }, example: 'Bearer realm="pa-chain"' },
  "Cache-Control": { description: "Always no-store: answers carry personal data and the chain's current state, never cached", schema: { type: "string" }, example: "no-store" },
};
const RATE_LIMIT_HEADER_REFS = Object.fromEntries(["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit", "RateLimit-Policy"]
  .map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const PATH_EXAMPLES: Record<string, string> = {
  fiscalCode: "RSSMRA85T10A562S",
  assessmentId: "0x5f0c6c2b1d3e4a8f9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a",
};

function problemExample(status: number, path: string) {
  const byStatus: Record<number, [string, string, string?]> = {
    400: ["VALIDATION_FAILED", "limit: must be a whole number", "limit"],
    401: ["UNAUTHENTICATED", "missing bearer token (Authorization: Bearer …)"],
    403: ["FORBIDDEN", "the citizen role may not GET this route"],
    404: ["NOT_FOUND", "not found"],
    409: ["CONFLICT", "conflicts with what is already recorded"],
    413: ["BODY_TOO_LARGE", "the body is larger than 16kb"],
    415: ["UNSUPPORTED_ENCODING", "the body's encoding or charset is not supported"],
    429: ["RATE_LIMITED", "too many requests: retry in 1 s"],
    500: ["INTERNAL", "internal error"],
    503: ["UNAVAILABLE", "the chain node does not answer"],
  };
  const [code, detail, field] = byStatus[status];
  const instance = path.replace(/:(\w+)/g, (_m, name: string) => PATH_EXAMPLES[name] ?? "x");
  return { type: problemType(code), title: STATUS_TITLES[status], status, detail, instance, code, ...(field ? { field } : {}) };
}

/**
 * AgID's guidelines (RAC_REST_FORMAT_004) want every integer and number to name its format:
 * int32 when the bounds fit, else int64; numbers are doubles.
 */
function withFormats<T>(schema: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === "examples" || key === "default" || key === "const" || key === "enum" ? value : visit(value);
    if (out.type === "integer" && out.format === undefined) {
      const fits = (v: unknown) => typeof v === "number" && Math.abs(v) <= 2_147_483_647;
      out.format = fits(out.minimum ?? out.exclusiveMinimum) && fits(out.maximum ?? out.exclusiveMaximum) ? "int32" : "int64";
    }
    if (out.type === "number" && out.format === undefined) out.format = "double";
    return out;
  };
  return visit(schema) as T;
}

/** The schema with its component references put in place (for examples). */
function resolveRefs(schema: unknown, components: Record<string, unknown>, depth = 0): unknown {
  if (depth > 20) return {};
  if (Array.isArray(schema)) return schema.map((s) => resolveRefs(s, components, depth + 1));
  if (schema === null || typeof schema !== "object") return schema;
  const ref = (schema as { $ref?: string }).$ref;
  if (ref?.startsWith("#/components/schemas/")) return resolveRefs(components[ref.slice("#/components/schemas/".length)], components, depth + 1);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolveRefs(v, components, depth + 1)]));
}

/** Values of the patterns the schemas use, for examples. */
const PATTERN_EXAMPLES: Record<string, string> = {
  "^0x[0-9a-fA-F]{64}$": "0x5f0c6c2b1d3e4a8f9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a",
  "^\\d{4}-\\d{2}-\\d{2}$": "2026-11-01",
  "^\\d{4}-\\d{2}$": "2026-11",
  "^\\d{1,6}$": "100",
};

/**
 * An example value of a JSON Schema: its own `examples` first, else one built from its type
 * (every property, one array item). Tests check each against the route's zod schema.
 */
export function exampleOf(schema: unknown): unknown {
  const s = (schema ?? {}) as Record<string, unknown>;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum.find((v) => v !== null) ?? s.enum[0];
  if (s.default !== undefined) return s.default;
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = s[key] as Array<Record<string, unknown>> | undefined;
    if (options) return exampleOf(options.find((o) => o.type !== "null") ?? options[0]);
  }
  if (Array.isArray(s.allOf)) return exampleOf(s.allOf[0]);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "object": {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, exampleOf(v)]));
    }
    case "array": {
      const min = typeof s.minItems === "number" ? s.minItems : 1;
      return Array.from({ length: Math.max(1, min) }, () => exampleOf(s.items));
    }
    case "string":
      if (typeof s.pattern === "string" && PATTERN_EXAMPLES[s.pattern]) return PATTERN_EXAMPLES[s.pattern];
      if (s.format === "date-time") return "2026-11-01T09:00:00.000Z";
      return "text";
    case "integer":
      return typeof s.minimum === "number" ? Math.max(s.minimum, 1) : 1;
    case "number":
      return typeof s.minimum === "number" ? s.minimum : 1.5;
    case "boolean":
      return true;
    case "null":
      return null;
    default:
      return {};
  }
}
