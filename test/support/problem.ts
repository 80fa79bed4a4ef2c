// The error of a read API answer: RFC 9457 problem details (`application/problem+json`) with the
// project's stable `code` and, for bad input, the offending `field` as top-level members. Tests read
// errors through this one function, which refuses any other shape.
import type { Problem } from "../../src/api/problem.ts";

export type { Problem };

export function problemOf(body: unknown): Problem {
  const b = body as Partial<Problem> | undefined;
  if (typeof b?.type !== "string" || typeof b.title !== "string" || typeof b.status !== "number" || typeof b.code !== "string" || typeof b.detail !== "string") {
    throw new Error(`not a problem+json body: ${JSON.stringify(body)}`);
  }
  return b as Problem;
}
