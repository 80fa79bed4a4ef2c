// /docs: the OpenAPI document rendered by Swagger UI (swagger-ui-dist, a maintained renderer),
// served from node_modules by the API itself: nothing from the internet, no inline script, so the
// page keeps a strict Content-Security-Policy. Without scripts the page still lists every
// operation, rendered on the server from the same document.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SWAGGER_UI = dirname(fileURLToPath(import.meta.resolve("swagger-ui-dist/package.json")));

/** The renderer's files the page loads, by the name /docs serves them under. */
export const DOCS_ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  "swagger-ui.css": { file: join(SWAGGER_UI, "swagger-ui.css"), type: "css" },
  "swagger-ui-bundle.js": { file: join(SWAGGER_UI, "swagger-ui-bundle.js"), type: "js" },
};

/**
 * Starts Swagger UI on /openapi.json: models (schemas) expanded, examples shown, the bearer
 * token kept for "Try it out", and no call to the public validator.
 */
export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: true,
  defaultModelsExpandDepth: 1,
  defaultModelExpandDepth: 2,
  docExpansion: "list",
  displayRequestDuration: true,
  tryItOutEnabled: false,
});
`;

/** The page's policy: scripts and styles from this origin (Swagger UI sets style attributes), images inline. */
export const DOCS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join("; ");

/** Reads a renderer file once (they are part of the release). */
export function docsAsset(name: string): { body: Buffer; type: string } | undefined {
  const asset = DOCS_ASSETS[name];
  return asset ? { body: readFileSync(asset.file), type: asset.type } : undefined;
}
const escape = (s: unknown) =>
  String(s ?? "").replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  "x-roles"?: string[];
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string }>;
  requestBody?: unknown;
  responses: Record<string, { description: string }>;
}

export function renderDocsPage(doc: { info: { title: string; version: string; description: string }; paths: Record<string, Record<string, Operation>> }): string {
  const sections = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? "other";
      const params = (op.parameters ?? [])
        .map((p) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ", required" : ""}) ${escape(p.description)}</li>`)
        .join("");
      const html = `<article>
  <h3><span class="m">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3>
  <p>${escape(op.summary)}</p>${op.description ? `<p>${escape(op.description)}</p>` : ""}
  <p class="who">${op["x-roles"] ? `Roles: ${op["x-roles"].map(escape).join(", ")}` : "Public"}${op.requestBody ? " · JSON body" : ""} · Answers: ${Object.keys(op.responses).map(escape).join(", ")}</p>
  ${params ? `<ul>${params}</ul>` : ""}
</article>`;
      sections.set(tag, [...(sections.get(tag) ?? []), html]);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)} ${escape(doc.info.version)}</title>
<link rel="icon" href="/web/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<script src="/docs/swagger-ui-bundle.js" defer></script>
<script src="/docs/init.js" defer></script></head>
<body><div id="swagger-ui"></div>
<noscript><main><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authentication: <code>Authorization: Bearer &lt;JWT&gt;</code>; errors are RFC 9457 problem details (<code>application/problem+json</code>).</p>
${[...sections].map(([tag, ops]) => `<section><h2>${escape(tag)}</h2>${ops.join("\n")}</section>`).join("\n")}
</main></noscript></body></html>`;
}
