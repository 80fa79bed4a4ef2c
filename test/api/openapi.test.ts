// The read API's OpenAPI document, as PDND's catalogue would check it: Spectral's OpenAPI rules with
// the project's own ModI rules (test/support/openapi-lint.ts) and Redocly's recommended rules, no
// error from either; every example in it is a valid answer of its route.
import { expect } from "chai";
import { Validator } from "@seriousme/openapi-schema-validator";
import { apiRoutes, API_VERSION } from "../../src/api/app.ts";
import { openApiDocument } from "../../src/api/route.ts";
import type { ApiServices } from "../../src/api/services.ts";
import { redoclyLint, spectralLint } from "../support/openapi-lint.ts";

describe("OpenAPI document of the read API", function () {
  this.timeout(120_000);
  // Declarations only: no handler runs, so no services are needed.
  const routes = apiRoutes({} as ApiServices);
  const doc = openApiDocument(routes, { version: API_VERSION }) as any;

  it("is valid OpenAPI 3.1", async function () {
    const result = await new Validator().validate(doc);
    expect(result.valid, JSON.stringify(result.errors)).to.equal(true);
  });

  it("passes Spectral's OpenAPI rules and the project's ModI rules with no error", async function () {
    const findings = await spectralLint(doc);
    const errors = findings.filter((f) => f.severity === "error");
    expect(errors, JSON.stringify(errors, null, 1)).to.deep.equal([]);
  });

  it("passes Redocly's recommended rules with no error", async function () {
    const findings = await redoclyLint(doc);
    const errors = findings.filter((f) => f.severity === "error");
    expect(errors, JSON.stringify(errors, null, 1)).to.deep.equal([]);
  });

  it("the project's ModI rules catch what AgID's checker reports", async function () {
    const broken = structuredClone(doc);
    delete broken.info.contact;
    delete broken.paths["/status"];
    broken.paths["/v1/waves"].get.responses["404"].content = { "application/json": { schema: { type: "object" }, example: {} } };
    broken.components.schemas.Wave.properties.wave = { type: "integer" };
    delete broken.paths["/v1/dev/token"].post.requestBody.content["application/json"].example;
    delete broken.paths["/v1/waves"].get.responses["429"].headers["Retry-After"];
    const rules = new Set((await spectralLint(broken)).filter((f) => f.severity === "error").map((f) => f.rule));
    expect([...rules]).to.include.members(["modi-info-contact", "modi-status-path", "modi-errors-problem-json", "modi-integer-format-present", "modi-examples", "modi-retry-after"]);
  });

  it("declares problem details for every error, and shows an example of every answer that its route's schema accepts", function () {
    for (const spec of routes) {
      const operation = doc.paths[spec.path.replace(/:(\w+)/g, "{$1}")][spec.method];
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        const [mediaType, content] = Object.entries<any>(response.content)[0];
        expect(content.example, `${spec.path} ${status}`).to.not.equal(undefined);
        if (Number(status) >= 400) {
          expect(mediaType, `${spec.path} ${status}`).to.equal("application/problem+json");
          expect(content.schema.$ref).to.equal("#/components/schemas/Problem");
        }
      }
      const success = operation.responses[String(spec.status ?? 200)];
      const example = Object.values<any>(success.content)[0].example;
      const parsed = spec.response.safeParse(example);
      expect(parsed.success, `${spec.method} ${spec.path}: ${JSON.stringify(parsed.error?.issues)}`).to.equal(true);
      if (spec.body) {
        // JSON, or a form (OAuth's token endpoint of the credential issuer).
        const body = spec.body.safeParse(operation.requestBody.content[spec.consumes ?? "application/json"].example);
        expect(body.success, `${spec.method} ${spec.path} body: ${JSON.stringify(body.error?.issues)}`).to.equal(true);
      }
    }
    expect(doc.paths["/v1/dev/token"].post.tags).to.deep.equal(["demo"]);
    expect(doc.paths["/v1/dev/token"].post.description).to.match(/^Stands in for SPID\/CIE/);
    expect(doc.paths["/v1/dev/token"].post.summary).to.match(/^Demo mode only/);
  });
});
