// The check of every answer against its published schema (route.ts), compiled. zod's safeParse
// walks the schema anew for each answer (about 26 µs for a citizen's twelve entitlements); the
// same schema as JSON Schema (the one the OpenAPI document publishes, `io: "output"`) compiled
// by ajv into one function checks the same answer in about 7 µs (docs/performance.md, Reads).
//
// The compiled check only decides the common case. An answer it accepts is valid for zod too:
// zod's output JSON Schema is at least as strict as zod (objects are `additionalProperties: false`
// where zod would strip unknown keys, so an answer zod would change is never accepted as is). An
// answer it rejects, and every schema that has no exact JSON Schema (a transform, a refinement),
// goes to zod's safeParse, which decides exactly as before: strips, or reports the defect.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { z } from "zod/v4";

export type AnswerCheck = (body: unknown) => { success: true; data: unknown } | { success: false; error: unknown };

const ajv = new Ajv2020({
  // zod's output schemas carry no unknown keywords once the metadata is left out; formats
  // (date-time, email…) are not checked here: zod's own pattern for each is in the schema, and a
  // rejection falls back to zod anyway.
  strict: false,
  validateFormats: false,
  allErrors: false,
  // zod tests its patterns without the u flag.
  unicodeRegExp: false,
  // zod's numbers are finite: NaN and Infinity fail here too.
  strictNumbers: true,
});

/** The compiled check of answers against `schema`, or undefined when the schema has no exact JSON Schema. */
export function compileAnswerSchema(schema: z.ZodType): ValidateFunction | undefined {
  try {
    // No metadata registry: descriptions, examples and ids (ajv reads `id` as a keyword) are not checks.
    const json = z.toJSONSchema(schema, { io: "output", target: "draft-2020-12", unrepresentable: "throw", reused: "inline", cycles: "ref", metadata: z.registry() });
    if (!exact(schema)) return undefined;
    return ajv.compile(json);
  } catch {
    return undefined;
  }
}

/**
 * Whether zod's JSON Schema of `schema` says everything zod checks: no refinement, transform or
 * custom check anywhere (those have no JSON Schema; `unrepresentable: "throw"` catches
 * transforms and customs, not refinements attached to a representable type).
 */
function exact(schema: z.ZodType, seen = new Set<unknown>()): boolean {
  if (seen.has(schema)) return true;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  // A lazy schema's inner schema is only known by calling it: left to zod.
  if (def.type === "lazy") return false;
  const checks = (def.checks ?? []) as Array<{ _zod: { def: { check: string } } }>;
  if (checks.some((c) => c._zod.def.check === "custom")) return false;
  for (const value of Object.values(def)) {
    const children = value instanceof z.ZodType ? [value]
      : Array.isArray(value) ? value.filter((v) => v instanceof z.ZodType)
      : value && typeof value === "object" && !(value instanceof z.ZodType) && def.type === "object" && value === def.shape ? Object.values(value as object)
      : [];
    for (const child of children) if (!exact(child as z.ZodType, seen)) return false;
  }
  return true;
}

let compiledChecks = true;

/**
 * Whether the compiled checks are used (the default) or every answer goes to zod, as before they
 * existed: the benchmark measures the read API both ways in the same run (scripts/bench/api.ts).
 */
export function useCompiledAnswerChecks(on: boolean): void {
  compiledChecks = on;
}

/** The answer check of a route: the compiled schema first, zod when it rejects or does not apply. */
export function answerCheck(schema: z.ZodType): AnswerCheck {
  let compiled: ValidateFunction | undefined | null = null;
  return (body) => {
    // Compiled on the route's first answer, not at startup: most routes of a test never answer.
    if (compiled === null && compiledChecks) compiled = compileAnswerSchema(schema);
    if (compiledChecks && compiled?.(body)) return { success: true, data: body };
    const parsed = schema.safeParse(body);
    return parsed.success ? { success: true, data: parsed.data } : { success: false, error: parsed.error };
  };
}
