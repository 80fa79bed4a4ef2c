// RFC 9457 problem details: the one shape of every error the read API answers
// (`application/problem+json`), as AgID's interoperability guidelines (ModI, RAC_REST_NAME_007)
// ask of a PDND e-service. The project's stable `code` and the offending `field` stay as
// extension members, so clients that branch on the code keep working.
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../errors.ts";
import { maskFiscalCodes } from "../logger.ts";

export const PROBLEM_JSON = "application/problem+json";

/** Where the problem types are named: URNs (RFC 9457 §3.1.1 allows types that are not dereferenced). */
export const problemType = (code: string) => `urn:pachain:problem:${code.toLowerCase().replaceAll("_", "-")}`;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  field?: string;
}

/** Short, constant titles per HTTP status (the detail says what happened this time). */
export const STATUS_TITLES: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const BODY_LIMIT = "16kb";

/** What an error answers: its status, its problem and the headers that go with it. */
export interface HttpProblem {
  status: number;
  problem: Problem;
  headers: Record<string, string>;
}

/** Seconds a client is told to wait before retrying a 503 (the part it needs is starting or down). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The one place errors become HTTP answers. `instance` is the request's path (no query: it may carry personal data). */
export function toProblem(error: unknown, instance: string): HttpProblem {
  const make = (status: number, code: string, detail: string, field?: string): HttpProblem => ({
    status,
    problem: { type: problemType(code), title: STATUS_TITLES[status] ?? "Error", status, detail, instance, code, ...(field === undefined ? {} : { field }) },
    headers: {},
  });
  let answer: HttpProblem;
  if (error instanceof ValidationError) answer = make(400, error.code, error.message, error.field);
  else if (error instanceof PaChainError) answer = make(error.status, error.code, error.message, (error as { field?: string }).field);
  else {
    const e = error as { type?: string; status?: number };
    if (e?.type === "entity.parse.failed") answer = make(400, "INVALID_JSON", "the body is not valid JSON");
    else if (e?.type === "entity.too.large") answer = make(413, "BODY_TOO_LARGE", `the body is larger than ${BODY_LIMIT}`);
    else if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
      answer = make(415, "UNSUPPORTED_ENCODING", "the body's encoding or charset is not supported");
    } else if (error instanceof URIError) {
      // Express's router: a path parameter that is not valid percent-encoding (e.g. "…H501U%").
      answer = make(400, "INVALID_PATH", "the path is not valid percent-encoding");
      // The path cannot be read as a route, so nothing says which part is a fiscal code: echo none.
      answer.problem.instance = maskFiscalCodes(instance);
    } else if (typeof e?.status === "number" && e.status >= 400 && e.status < 500) {
      // body-parser: a body that cannot be read (invalid gzip or br, aborted, wrong length). The
      // library's message is not echoed: it may quote what the client sent.
      answer = make(e.status, "INVALID_BODY", "the body could not be read (invalid compression, length or encoding)");
    } else answer = make(500, "INTERNAL", "internal error");
  }
  if (answer.status === 401) answer.headers["www-authenticate"] = 'Bearer realm="pa-chain"';
  if (answer.status === 503) answer.headers["retry-after"] = String(UNAVAILABLE_RETRY_AFTER_SECONDS);
  return answer;
}

/** The published schema of a problem (components/schemas/Problem). */
export const problemSchema = z.object({
  type: z.string().meta({ description: "URI naming the kind of problem (urn:pachain:problem:…, one per code)", format: "uri", examples: ["urn:pachain:problem:invalid-date"] }),
  title: z.string().meta({ description: "Short summary of the HTTP status", examples: ["Bad Request"] }),
  status: z.number().int().min(100).max(599).meta({ description: "The HTTP status code", format: "int32", examples: [400] }),
  detail: z.string().meta({ description: "What is wrong this time, in plain words", examples: ["date: 2026-02-30 is not a calendar date"] }),
  instance: z.string().meta({ description: "The request's path", format: "uri-reference", examples: ["/v1/me/entitlements"] }),
  code: z.string().meta({ description: "Stable machine-readable code, e.g. INVALID_DATE, FORBIDDEN", examples: ["INVALID_DATE"] }),
  field: z.string().optional().meta({ description: "The offending field, on 400 answers", examples: ["date"] }),
}).meta({ id: "Problem", description: "RFC 9457 problem details, with the project's stable code and the offending field" });
