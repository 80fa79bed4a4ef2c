// Citizens: their own entitlement status, payments, history and who consulted their data. The
// person is always the token's subject: no route here takes a fiscal code.
import { z } from "zod/v4";
import type { Principal } from "../auth.ts";
import { reply, route, type RouteSpec } from "../route.ts";
import { accessEntry, application, claimAccepted, entitlementsAnswer, historyAnswer, proofVerifications, isoDateParam, limitParam, notice, paymentsAnswer } from "../schemas.ts";
import type { ApiServices } from "../services.ts";
import { parseAfter } from "../services/payments.ts";

export function citizenRoutes(s: ApiServices): RouteSpec[] {
  /** The signed-in person's pseudonym (their own data: not logged). */
  const me = (who: Principal | undefined) => s.people.self(who!);
  return [
    route({
      method: "get", path: "/v1/me/entitlements", tag: "citizen", roles: ["citizen"],
      summary: "My entitlement to every benefit at a date, as the contracts compute it",
      query: z.object({ date: isoDateParam("date").optional() }),
      response: entitlementsAnswer,
      handle: ({ query, who, today }) => s.entitlementsWithClaims(me(who), query.date ?? today),
    }),
    route({
      method: "get", path: "/v1/me/payments", tag: "citizen", roles: ["citizen"],
      summary: "The payments I received, oldest first",
      query: z.object({ limit: limitParam(1000, 100), after: z.string().optional() }),
      response: paymentsAnswer,
      handle: ({ query, who }) => s.listPayments({ subject: me(who), limit: query.limit, after: parseAfter(query.after) }),
    }),
    route({
      method: "get", path: "/v1/me/history", tag: "citizen", roles: ["citizen"],
      summary: "My history on chain in plain language (Italian and English)",
      response: historyAnswer,
      async handle({ who }) {
        const subject = me(who);
        return { subject, asOf: null, items: await s.timelineOf(subject) };
      },
    }),
    route({
      method: "post", path: "/v1/me/applications", tag: "citizen", roles: ["citizen"],
      summary: "Claim a benefit with one call: INPS decides it on chain",
      description: "202 with the application's id and status. While an application of the same benefit is pending or granted, the same answer again (one application); after a refusal, a new application.",
      body: z.object({ benefit: z.string().min(1).max(64).meta({ description: "Benefit code, e.g. INV_ASSEGNO_MENSILE" }) }).strict(),
      response: claimAccepted,
      status: 202,
      handle: async ({ body, who, today }) => {
        const { id, status } = await s.claims.submit(me(who), body.benefit, today);
        return reply({ status: 202, body: { id, status } });
      },
    }),
    route({
      method: "get", path: "/v1/me/applications", tag: "citizen", roles: ["citizen"],
      summary: "My applications (claims and INPS's), with the decision, its block and transaction",
      response: z.object({ applications: z.array(application) }),
      handle: async ({ who }) => ({ applications: await s.claims.list(me(who)) }),
    }),
    route({
      method: "get", path: "/v1/me/applications/:id", tag: "citizen", roles: ["citizen"],
      summary: "One of my applications: status, decision, block and transaction",
      params: z.object({ id: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be the 0x-prefixed 32-byte application id") }),
      response: application,
      handle: ({ params, who }) => s.claims.get(me(who), params.id),
    }),
    route({
      method: "get", path: "/v1/me/notices", tag: "citizen", roles: ["citizen"],
      summary: "The notices sent to me (newest first): when, through which channel, delivered or not",
      query: z.object({ limit: limitParam(1000, 100) }),
      response: z.object({ notices: z.array(notice) }),
      handle: async ({ query, who }) => ({ notices: s.claims.notices(me(who), query.limit) }),
    }),
    route({
      method: "get", path: "/v1/me/access-log", tag: "citizen", roles: ["citizen"],
      summary: "Who consulted my data, when and why; and how often my proofs were verified",
      description: "entries: every read of my data by staff, newest first, paged with `cursor` (the previous page's `next`) until `next` is null. verifications: each proof of mine that was verified, with the count and the latest verdict, kept apart so public verifications never push a staff read out of view.",
      query: z.object({
        limit: limitParam(1000, 100),
        cursor: z.string().max(200).optional().meta({ description: "The `next` of the previous page" }),
      }),
      response: z.object({
        entries: z.array(accessEntry),
        next: z.string().nullable().meta({ description: "Cursor of the next (older) page; null on the last page" }),
        verifications: z.array(proofVerifications),
      }),
      handle: ({ query, who }) => s.people.accessLogOf(who!, query.limit, query.cursor),
    }),
  ];
}
