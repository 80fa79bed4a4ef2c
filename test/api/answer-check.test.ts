// The compiled answer check (src/api/answer-check.ts) against zod, route by route: whatever the
// compiled check accepts, zod accepts unchanged; whatever zod rejects, the route's check rejects.
// The answers are every route's OpenAPI example and mutations of it (a key dropped, a key added,
// a value of the wrong type, a number that is not finite, a string that misses its pattern).
import { expect } from "chai";
import { apiRoutes } from "../../src/api/app.ts";
import { answerCheck, compileAnswerSchema } from "../../src/api/answer-check.ts";
import { openApiDocument } from "../../src/api/route.ts";
import type { ApiServices } from "../../src/api/services.ts";

/** Every value reached by one change to `value` (objects and arrays walked to the leaves). */
function* mutations(value: unknown): Generator<unknown> {
  if (Array.isArray(value)) {
    yield [...value, ...value];
    yield [];
    for (const [i, item] of value.entries()) for (const m of mutations(item)) yield value.map((v, j) => (i === j ? m : v));
    return;
  }
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    yield { ...obj, unexpectedKey: "x" };
    for (const key of Object.keys(obj)) {
      const { [key]: _dropped, ...rest } = obj;
      yield rest;
      for (const m of mutations(obj[key])) yield { ...obj, [key]: m };
    }
    return;
  }
  if (typeof value === "number") yield* [String(value), Number.NaN, Number.POSITIVE_INFINITY, value + 0.5, -1, null];
  else if (typeof value === "string") yield* [1, `${value}!`, "", `Ω${value}`, null];
  else if (typeof value === "boolean") yield* [0, "true", null];
  else yield* [0, "x", {}];
}

describe("compiled answer check", function () {
  this.timeout(120_000);
  const routes = apiRoutes({} as ApiServices);
  const doc = openApiDocument(routes, { version: "test" }) as any;

  it("compiles the answer schema of the citizen's entitlements (the warm read path)", function () {
    const spec = routes.find((r) => r.path === "/v1/me/entitlements")!;
    expect(compileAnswerSchema(spec.response)).to.be.a("function");
  });

  it("agrees with zod on every route's example and on every one-change mutation of it", function () {
    let compiled = 0;
    let compared = 0;
    for (const spec of routes) {
      if (spec.produces) continue;
      const validate = compileAnswerSchema(spec.response);
      const check = answerCheck(spec.response);
      if (validate) compiled += 1;
      const operation = doc.paths[spec.path.replace(/:(\w+)/g, "{$1}")][spec.method];
      const example = Object.values<any>(operation.responses[String(spec.status ?? 200)].content)[0].example;
      for (const answer of [example, ...mutations(example)]) {
        const zod = spec.response.safeParse(answer);
        const routeCheck = check(answer);
        const where = `${spec.method} ${spec.path}: ${JSON.stringify(answer)?.slice(0, 300)}`;
        // The route's decision is zod's, and so is what it sends.
        expect(routeCheck.success, where).to.equal(zod.success);
        if (zod.success && routeCheck.success) expect(routeCheck.data, where).to.deep.equal(zod.data);
        // The compiled check never accepts what zod rejects or would change.
        if (validate?.(answer)) {
          expect(zod.success, where).to.equal(true);
          expect(zod.data, where).to.deep.equal(answer);
        }
        compared += 1;
      }
    }
    // Most answers are plain shapes that compile; the rest go to zod every time.
    expect(compiled).to.be.greaterThan(routes.length / 2);
    expect(compared).to.be.greaterThan(1000);
  });
});
