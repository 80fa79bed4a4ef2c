// Operators: the waves' phases, the oracle's dead letters with re-drive, and how far behind each
// part is (source feeds, outbox, index).
import { z } from "zod/v4";
import { route, type RouteSpec } from "../route.ts";
import { deadLetter, limitParam, sourceLag, wave } from "../schemas.ts";
import type { ApiServices } from "../services.ts";

export function operatorRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: "get", path: "/v1/waves", tag: "operator", roles: ["operator", "auditor", "commission", "citizen"],
      summary: "The onboarding waves: phase on chain (planned, pilot with provinces, live) and their benefits",
      response: z.object({ waves: z.array(wave) }),
      handle: async () => ({ waves: await s.operator.waves() }),
    }),
    route({
      method: "get", path: "/v1/oracle/dead-letters", tag: "operator", roles: ["operator"],
      summary: "Records the oracle could not bring on chain, with the reason",
      query: z.object({ limit: limitParam(1000, 100) }),
      response: z.object({ deadLetters: z.array(deadLetter) }),
      handle: async ({ query }) => ({ deadLetters: await s.operator.deadLetters(query.limit) }),
    }),
    route({
      method: "post", path: "/v1/oracle/dead-letters/redrive", tag: "operator", roles: ["operator"],
      summary: "Put dead letters back in the outbox (all of them when ids is omitted)",
      body: z.object({ ids: z.array(z.number().int().positive()).min(1).max(10_000).optional() }).strict(),
      response: z.object({ redriven: z.number().int() }),
      handle: async ({ body }) => ({ redriven: await s.operator.redrive(body.ids) }),
    }),
    route({
      method: "get", path: "/v1/oracle/lag", tag: "operator", roles: ["operator"],
      summary: "How far behind each part is: source feeds, the outbox, the index",
      response: z.object({
        sources: z.array(sourceLag),
        outbox: z.object({ pending: z.number().int(), sent: z.number().int(), done: z.number().int(), dead: z.number().int() }),
        index: z.object({ indexedBlock: z.number().int(), headBlock: z.number().int(), lagBlocks: z.number().int() }).nullable(),
      }),
      handle: async () => ({ ...(await s.operator.lag()), index: await s.indexStatus() }),
    }),
  ];
}
