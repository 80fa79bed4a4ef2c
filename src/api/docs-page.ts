// /docs: the OpenAPI document as a readable page, rendered on the server from the same document
// (no scripts, no assets from the internet).
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
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#1a1a1a}
code{background:#f2f2f2;padding:0 .2em}article{border-top:1px solid #ddd;padding:.5rem 0}.m{color:#fff;background:#0b5394;padding:0 .4em;border-radius:3px;font-size:.85em}
.who{color:#555;font-size:.9em}h2{margin-top:2rem;text-transform:capitalize}</style></head>
<body><main><h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>${escape(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authentication: <code>Authorization: Bearer &lt;JWT&gt;</code>; errors are <code>{"error": {"code", "message", "field"}}</code>.</p>
${[...sections].map(([tag, ops]) => `<section><h2>${escape(tag)}</h2>${ops.join("\n")}</section>`).join("\n")}
</main></body></html>`;
}
