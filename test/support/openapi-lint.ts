// Lints the read API's OpenAPI document the way PDND's catalogue and Redocly would, inside the
// tests (CI cannot fetch AgID's published ruleset): Spectral's OpenAPI rules plus the project's own
// rules for the ModI essentials of AgID's interoperability guidelines, and Redocly's recommended
// rules through its CLI.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import spectralCore, { type RulesetDefinition } from "@stoplight/spectral-core";
import spectralFunctions from "@stoplight/spectral-functions";
import spectralParsers from "@stoplight/spectral-parsers";
import spectralRulesets from "@stoplight/spectral-rulesets";

// CommonJS packages: their named exports come through the default one.
const { Document, Spectral } = spectralCore;
const { enumeration, falsy, pattern, schema, truthy, undefined: undefinedValue, xor } = spectralFunctions;
const { Json } = spectralParsers;
const { oas } = spectralRulesets;

const run = promisify(execFile);

/** Error-answer keys: 4xx, 5xx and default. */
const ERROR_RESPONSES = "$.paths[*][*].responses[?(@property && @property.match(/^(4|5|default)/))]";

/**
 * The ModI essentials, as this project reads AgID's guidelines (each rule names the
 * recommendation). All are errors: the document must pass every one.
 */
export const modiRuleset: RulesetDefinition = {
  extends: [[oas as RulesetDefinition, "recommended"]],
  rules: {
    // Metadata for the catalogue (PDND e-service descriptors).
    "modi-info-x-summary": {
      description: "info has a one-line summary (x-summary, or summary in OAS 3.1) for catalogues",
      given: "$.info", severity: "error", then: [{ field: "x-summary", function: truthy }, { field: "summary", function: truthy }],
    },
    "modi-info-contact": {
      description: "info names a contact (email or url)", given: "$.info", severity: "error",
      then: { field: "contact", function: schema, functionOptions: { schema: { type: "object", anyOf: [{ required: ["email"] }, { required: ["url"] }] } } },
    },
    "modi-info-license": { description: "info names a license", given: "$.info", severity: "error", then: { field: "license", function: truthy } },
    "modi-info-semver": {
      description: "the version is semantic (major.minor.patch)", given: "$.info.version", severity: "error",
      then: { function: pattern, functionOptions: { match: "^\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$" } },
    },
    // Servers: described, HTTPS unless explicitly a sandbox.
    "modi-servers-declared": { description: "servers are declared", given: "$", severity: "error", then: { field: "servers", function: truthy } },
    "modi-servers-description": { description: "every server is described", given: "$.servers[*]", severity: "error", then: { field: "description", function: truthy } },
    "modi-servers-https": {
      description: "a server that is not marked x-sandbox uses https", given: "$.servers[?(@ && @['x-sandbox'] != true)]", severity: "error",
      then: { field: "url", function: pattern, functionOptions: { match: "^https://" } },
    },
    // RFC 9457 errors (RAC_REST_NAME_007).
    "modi-errors-problem-json": {
      description: "every error answer is application/problem+json", given: `${ERROR_RESPONSES}.content.*~`, severity: "error",
      then: { function: enumeration, functionOptions: { values: ["application/problem+json", "application/problem+xml"] } },
    },
    "modi-errors-have-content": {
      description: "every error answer has a body", given: ERROR_RESPONSES, severity: "error", then: { field: "content", function: truthy },
    },
    "modi-problem-schema": {
      description: "a problem's schema has the RFC 9457 members type, title, status and detail",
      given: `${ERROR_RESPONSES}.content[application/problem+json].schema`, severity: "error", resolved: true,
      then: { function: schema, functionOptions: { schema: { type: "object", required: ["properties"], properties: { properties: { type: "object", required: ["type", "title", "status", "detail"] } } } } },
    },
    // AgID's /status (health check as problem details, no token).
    "modi-status-path": { description: "a /status path is declared", given: "$.paths", severity: "error", then: { field: "/status", function: truthy } },
    "modi-status-problem": {
      description: "/status answers application/problem+json", given: "$.paths['/status'].get.responses[*].content.*~", severity: "error",
      then: { function: enumeration, functionOptions: { values: ["application/problem+json"] } },
    },
    "modi-status-schema": {
      description: "/status's answer has status, title and detail", given: "$.paths['/status'].get.responses[200].content[*].schema.properties",
      severity: "error", resolved: true, then: [{ field: "status", function: truthy }, { field: "title", function: truthy }, { field: "detail", function: truthy }],
    },
    // Formats (RAC_REST_FORMAT_004).
    "modi-integer-format": {
      description: "integers name int32 or int64", given: "$..[?(@ && @.type == 'integer')]", severity: "error",
      then: { field: "format", function: enumeration, functionOptions: { values: ["int32", "int64"] } },
    },
    "modi-integer-format-present": {
      description: "integers name a format", given: "$..[?(@ && @.type == 'integer')]", severity: "error", then: { field: "format", function: truthy },
    },
    "modi-number-format": {
      description: "numbers name a format", given: "$..[?(@ && @.type == 'number')]", severity: "error",
      then: { field: "format", function: enumeration, functionOptions: { values: ["float", "double", "decimal32", "decimal64", "decimal128"] } },
    },
    // Rate limits and retries (RFC 6585, RFC 9110, the IETF RateLimit draft).
    "modi-ratelimit-headers": {
      description: "answers that declare headers carry the whole RateLimit-Limit/-Remaining/-Reset triple, one naming only",
      given: "$.paths[*][*].responses[?(@property && (@property[0] == '2' || (@property[0] == '4' && @property != '429')))].headers", severity: "error",
      then: {
        function: schema,
        functionOptions: { schema: { type: "object", required: ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"], not: { anyOf: [{ required: ["X-RateLimit-Limit"] }, { required: ["X-RateLimit-Remaining"] }, { required: ["X-RateLimit-Reset"] }] } } },
      },
    },
    "modi-retry-after": {
      description: "429 and 503 answers declare Retry-After", given: "$.paths[*][*].responses[?(@property == '429' || @property == '503')]", severity: "error",
      then: { field: "headers.Retry-After", function: truthy },
    },
    "modi-www-authenticate": {
      description: "401 answers declare WWW-Authenticate (RFC 9110)", given: "$.paths[*][*].responses[401]", severity: "error",
      then: { field: "headers.WWW-Authenticate", function: truthy },
    },
    // Caching: one of Cache-Control or Expires, documented (RFC 9111).
    "modi-cache-documented": {
      description: "successful answers that declare headers declare exactly one of Cache-Control and Expires",
      given: "$.paths[*][*].responses[?(@property && @property[0] == '2')].headers", severity: "error",
      then: { function: xor, functionOptions: { properties: ["Cache-Control", "Expires"] } },
    },
    "modi-cache-control-explained": {
      description: "a Cache-Control header says which directive it uses", given: "$.components.headers['Cache-Control'].description", severity: "error",
      then: { function: pattern, functionOptions: { match: "max-age|private|no-store|no-cache|no-transform" } },
    },
    // HTTP semantics.
    "modi-get-no-body": { description: "GET takes no body", given: "$.paths[*].get", severity: "error", then: { field: "requestBody", function: undefinedValue } },
    "modi-2xx-content": {
      description: "200/201/202 answers have a body with a schema", given: "$.paths[*][*].responses[?(@property && @property.match(/^20[012]$/))]", severity: "error",
      then: { field: "content", function: schema, functionOptions: { schema: { type: "object", minProperties: 1, additionalProperties: { type: "object", required: ["schema"] } } } },
    },
    "modi-no-method-in-operation-id": {
      description: "operationIds do not start with an HTTP method", given: "$.paths[*][*].operationId", severity: "error",
      then: { function: pattern, functionOptions: { notMatch: "^(get|post|put|delete|patch|head)" } },
    },
    // Security (RAC_GEN_004, the security guidelines).
    "modi-no-credentials-in-url": {
      description: "query and path parameters carry no credentials", given: "$..parameters[?(@ && @.in && @.in.match(/query|path/))].name", severity: "error",
      then: { function: pattern, functionOptions: { notMatch: "/password|secret|apikey|token/i" } },
    },
    "modi-no-api-key-in-query": {
      description: "no API key in the query string", given: "$.components.securitySchemes[?(@ && @.type == 'apiKey')].in", severity: "error",
      then: { function: pattern, functionOptions: { notMatch: "^query$" } },
    },
    "modi-security-declared": {
      description: "a security requirement is declared for the whole API", given: "$", severity: "error", then: { field: "security", function: truthy },
    },
    "modi-bearer-jwt": {
      description: "bearer schemes are JWTs", given: "$.components.securitySchemes[?(@ && @.scheme == 'bearer')]", severity: "error",
      then: { field: "bearerFormat", function: pattern, functionOptions: { match: "^JWT$" } },
    },
    "modi-no-swagger-2": { description: "OpenAPI 3, not Swagger 2", given: "$", severity: "error", then: { field: "swagger", function: falsy } },
    // Documentation quality: every answer has an example, every tag is described.
    "modi-examples": {
      description: "every answer and body shows an example", given: ["$.paths[*][*].requestBody.content[*]", "$.paths[*][*].responses[*].content[*]"], severity: "error",
      then: { function: schema, functionOptions: { schema: { type: "object", anyOf: [{ required: ["example"] }, { required: ["examples"] }] } } },
    },
    "modi-tags-described": { description: "every tag is described", given: "$.tags[*]", severity: "error", then: { field: "description", function: truthy } },
  },
};

export interface LintFinding {
  rule: string;
  severity: "error" | "warning" | "info" | "hint";
  message: string;
  path: string;
}

const SEVERITY = ["error", "warning", "info", "hint"] as const;

/** Spectral's OpenAPI rules and the project's ModI rules on a document. */
export async function spectralLint(document: unknown): Promise<LintFinding[]> {
  const spectral = new Spectral();
  spectral.setRuleset(modiRuleset);
  const results = await spectral.run(new Document(JSON.stringify(document, null, 2), Json));
  return results.map((r) => ({ rule: String(r.code), severity: SEVERITY[r.severity], message: r.message, path: r.path.join(".") }));
}

const REDOCLY = fileURLToPath(import.meta.resolve("@redocly/cli/bin/cli.js"));

/** Redocly's recommended rules on a document, through its CLI. */
export async function redoclyLint(document: unknown): Promise<LintFinding[]> {
  const dir = mkdtempSync(join(tmpdir(), "pachain-redocly-"));
  try {
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(document, null, 2));
    // A config of its own, so no redocly.yaml around the tests changes the rules.
    writeFileSync(join(dir, "redocly.yaml"), "extends:\n  - recommended\n");
    const { stdout } = await run(process.execPath, [REDOCLY, "lint", file, "--config", join(dir, "redocly.yaml"), "--format", "json"], {
      cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
    return report.problems.map((p) => ({
      rule: p.ruleId, severity: p.severity === "error" ? "error" : "warning", message: p.message, path: p.location?.[0]?.pointer ?? "",
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
