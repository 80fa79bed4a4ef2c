// Patronati: the directory a citizen chooses from, the delegations a citizen gives (and revokes,
// and confirms when the patronato registered them with a signed mandate), and the patronato's
// desk: the people who delegated it, their status and claims, within each delegation's scopes.
// Every desk read or action passes the delegation gate and is logged to the person first
// (src/api/services/delegations.ts).
import { z } from "zod/v4";
import { route, reply, type RouteSpec } from "../route.ts";
import {
  claimAccepted, delegation, entitlementsAnswer, fiscalCodeParam, historyAnswer, isoDateParam, limitParam, organisationEntry, paymentsAnswer,
  representedApplication, representedPerson, scopeName,
} from "../schemas.ts";
import type { ApiServices } from "../services.ts";
import { parseAfter } from "../services/payments.ts";

const KINDS = ["MUNICIPALITY", "ASL", "INPS", "MEDICAL_COMMISSION", "PATRONATO"] as const;
const delegationId = z.object({ id: z.uuid("must be a delegation id (a UUID)") });
const scopes = z.array(scopeName).min(1, "name at least one scope").max(2);
const until = isoDateParam("until").optional()
  .meta({ description: "The last day the delegation may be used (YYYY-MM-DD), at most 12 months ahead; default 12 months" });
const person = z.object({ fiscalCode: fiscalCodeParam("fiscalCode") });

export function patronatoRoutes(s: ApiServices): RouteSpec[] {
  const d = s.delegations;
  return [
    route({
      method: "get", path: "/v1/organisations", tag: "patronato", roles: "public",
      summary: "The consortium's directory: organisations by kind (patronati for a citizen's choice)",
      description: "Every organisation comes from the on-chain OrganisationRegistry (through the index); patronati are the active PATRONATO organisations (from the index, else the registry contract).",
      query: z.object({ kind: z.enum(KINDS).optional() }),
      response: z.object({ organisations: z.array(organisationEntry) }),
      async handle({ query }) {
        const orgs = query.kind === "PATRONATO"
          ? (await d.directory()).map((p) => ({ orgId: p.id, name: p.name, kindName: "PATRONATO" }))
          : await s.organisations(query.kind);
        return { organisations: orgs.map((o) => ({ id: o.orgId, name: o.name, kind: o.kindName, onChain: true })) };
      },
    }),

    // ── the citizen's delegations ────────────────────────────────────────────────────────
    route({
      method: "post", path: "/v1/me/delegations", tag: "citizen", roles: ["citizen"],
      summary: "Delegate a patronato: what it may see and do for me, until when (at most 12 months)",
      body: z.object({
        patronato: z.number().int().positive().meta({ description: "The patronato's id (GET /v1/organisations?kind=PATRONATO)" }),
        scopes,
        until,
      }).strict(),
      response: delegation,
      status: 201,
      handle: async ({ body, who }) => reply({ status: 201, body: await d.grant(who!, body) }),
    }),
    route({
      method: "get", path: "/v1/me/delegations", tag: "citizen", roles: ["citizen"],
      summary: "My delegations (pending, active, expired, revoked), with the claims filed under each",
      response: z.object({ delegations: z.array(delegation) }),
      async handle({ who }) {
        const delegations = await d.mine(who!);
        // Each filed claim with where it stands now (no oracle here: unknown).
        let status = new Map<string, "PENDING" | "GRANTED" | "REFUSED">();
        if (delegations.some((x) => x.claims.length)) {
          try {
            status = new Map((await s.claims.list(s.people.self(who!))).map((a) => [a.id.toLowerCase(), a.status]));
          } catch {
            // claims answer 503 without an oracle: the status stays null
          }
        }
        return { delegations: delegations.map((x) => ({ ...x, claims: x.claims.map((c) => ({ ...c, status: status.get(c.applicationId.toLowerCase()) ?? null })) })) };
      },
    }),
    route({
      method: "delete", path: "/v1/me/delegations/:id", tag: "citizen", roles: ["citizen"],
      summary: "Revoke a delegation (or refuse a pending one): the patronato loses access at once",
      params: delegationId,
      response: delegation,
      handle: ({ params, who }) => d.revoke(who!, params.id),
    }),
    route({
      method: "post", path: "/v1/me/delegations/:id/confirmation", tag: "citizen", roles: ["citizen"],
      summary: "Confirm a delegation a patronato registered with my signed mandate",
      params: delegationId,
      response: delegation,
      handle: ({ params, who }) => d.confirm(who!, params.id),
    }),

    // ── the patronato's desk ─────────────────────────────────────────────────────────────
    route({
      method: "get", path: "/v1/represented", tag: "patronato", roles: ["patronato"],
      summary: "The people who delegated my patronato (active, and pending confirmation), with scopes and expiry",
      response: z.object({ patronato: z.object({ id: z.number().int(), name: z.string() }), people: z.array(representedPerson) }),
      handle: ({ who }) => d.represented(who!),
    }),
    route({
      method: "post", path: "/v1/represented", tag: "patronato", roles: ["patronato"],
      summary: "Register a delegation with the person's signed mandate: pending until the person confirms it",
      description: "The mandate document stays with the patronato; only its sha256 is kept. The registration is shown in the person's access log at once.",
      body: z.object({
        fiscalCode: fiscalCodeParam("fiscalCode"),
        scopes,
        until,
        mandateHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and the 64 hex digits of the mandate's sha256"),
      }).strict(),
      response: delegation,
      status: 201,
      handle: async ({ body, who, requestId }) => reply({ status: 201, body: await d.register(who!, body, requestId) }),
    }),
    route({
      method: "get", path: "/v1/represented/:fiscalCode/entitlements", tag: "patronato", roles: ["patronato"],
      summary: "A represented person's entitlements at a date, with their claims (scope READ_STATUS)",
      description: "403 with NO_DELEGATION, DELEGATION_PENDING, DELEGATION_EXPIRED, DELEGATION_REVOKED or SCOPE_MISSING otherwise. Logged to the person.",
      params: person,
      query: z.object({ date: isoDateParam("date").optional() }),
      response: entitlementsAnswer,
      async handle({ params, query, who, requestId, today }) {
        const { subject } = await d.access(who!, params.fiscalCode, ["READ_STATUS"], "entitlements", requestId);
        return s.entitlementsWithClaims(subject, query.date ?? today);
      },
    }),
    route({
      method: "get", path: "/v1/represented/:fiscalCode/payments", tag: "patronato", roles: ["patronato"],
      summary: "A represented person's payments, oldest first (scope READ_STATUS)",
      params: person,
      query: z.object({ limit: limitParam(1000, 100), after: z.string().optional() }),
      response: paymentsAnswer,
      async handle({ params, query, who, requestId }) {
        const after = parseAfter(query.after);
        const { subject } = await d.access(who!, params.fiscalCode, ["READ_STATUS"], "payments", requestId);
        return s.listPayments({ subject, limit: query.limit, after });
      },
    }),
    route({
      method: "get", path: "/v1/represented/:fiscalCode/history", tag: "patronato", roles: ["patronato"],
      summary: "A represented person's history on chain in plain language (scope READ_STATUS)",
      params: person,
      response: historyAnswer,
      async handle({ params, who, requestId }) {
        const { subject } = await d.access(who!, params.fiscalCode, ["READ_STATUS"], "history", requestId);
        return { subject, asOf: null, items: await s.timelineOf(subject) };
      },
    }),
    route({
      method: "get", path: "/v1/represented/:fiscalCode/applications", tag: "patronato", roles: ["patronato"],
      summary: "A represented person's applications and their outcome (READ_STATUS: all; SUBMIT_APPLICATIONS: those the patronato filed)",
      params: person,
      response: z.object({ applications: z.array(representedApplication) }),
      async handle({ params, who, requestId }) {
        const { subject, delegation: live } = await d.access(who!, params.fiscalCode, ["READ_STATUS", "SUBMIT_APPLICATIONS"], "applications", requestId);
        const [applications, filed] = await Promise.all([s.claims.list(subject), d.claimsOf(subject)]);
        const byId = new Map(filed.map((c) => [c.applicationId.toLowerCase(), c]));
        const all = applications.map((a) => {
          const c = byId.get(a.id.toLowerCase());
          return { ...a, submittedBy: c ? { patronato: d.patronatoName(c.patronatoId), operator: c.operator, at: new Date(c.at).toISOString() } : null };
        });
        const mine = (a: (typeof all)[number]) => byId.get(a.id.toLowerCase())?.patronatoId === live.patronatoId;
        return { applications: live.scopes.includes("READ_STATUS") ? all : all.filter(mine) };
      },
    }),
    route({
      method: "post", path: "/v1/represented/:fiscalCode/applications", tag: "patronato", roles: ["patronato"],
      summary: "Claim a benefit for a represented person (scope SUBMIT_APPLICATIONS): the same path as the person's own claim, decided on chain",
      params: person,
      body: z.object({ benefit: z.string().min(1).max(64).meta({ description: "Benefit code, e.g. INV_ASSEGNO_MENSILE" }) }).strict(),
      response: claimAccepted,
      status: 202,
      async handle({ params, body, who, requestId, today }) {
        d.checkBenefit(body.benefit);
        const { subject, delegation: live, patronato } = await d.access(who!, params.fiscalCode, ["SUBMIT_APPLICATIONS"], `application ${body.benefit}`, requestId);
        const { created, id, status } = await s.claims.submit(subject, body.benefit, today);
        if (created) {
          await d.recordClaim({ applicationId: id, delegationId: live.id, subject, patronatoId: patronato.id, operator: who!.fiscalCode, benefit: body.benefit, at: s.nowMs() });
        }
        return reply({ status: 202, body: { id, status } });
      },
    }),
  ];
}
