// Proofs of status: a citizen issues a signed proof of one claim (shown as a QR code); anyone (a
// museum, a transport company, an office) has it verified without a token: signature, validity
// window and the person's current status on chain. Each verification is written to the access
// log, so the person sees when a proof of theirs was checked.
import { z } from "zod/v4";
import { route, type RouteSpec } from "../route.ts";
import type { ApiServices } from "../services.ts";

const text = z.object({ it: z.string(), en: z.string() });
const claim = z.object({
  benefit: z.string().meta({ description: "Benefit code, e.g. EU_DISABILITY_CARD" }),
  month: z.string().nullable().meta({ description: "YYYY-MM: entitled in this month; null: holds the status on the day of the check" }),
  statement: text.meta({ description: "What the proof states, in Italian and English" }),
}).meta({ id: "ProofClaim" });
const isoTime = z.string().meta({ description: "ISO 8601 UTC time" });

const issued = z.object({
  proof: z.string().meta({ description: "The proof: a compact JWS (EdDSA) to show, paste or encode as a QR code" }),
  claim,
  validFrom: isoTime,
  validUntil: isoTime,
  qrSvg: z.string().meta({ description: "The proof as a QR code, SVG markup" }),
}).meta({ id: "IssuedProof" });

const verification = z.object({
  verdict: z.enum(["valid", "revoked", "expired", "invalid"]),
  reason: z.string().meta({ description: "ELIGIBLE, the entitlement check's reason (e.g. NO_VALID_ASSESSMENT, DECEASED), EXPIRED, NOT_YET_VALID, BAD_SIGNATURE or MALFORMED" }),
  message: text,
  claim: claim.nullable(),
  validFrom: isoTime.nullable(),
  validUntil: isoTime.nullable(),
  checkedOn: z.string().nullable().meta({ description: "The day whose status was checked on chain (YYYY-MM-DD)" }),
}).meta({ id: "ProofVerification" });

const jwk = z.object({ kty: z.string(), crv: z.string(), x: z.string(), kid: z.string(), alg: z.string(), use: z.string() });

export function proofRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: "post", path: "/v1/me/proofs", tag: "citizen", roles: ["citizen"],
      summary: "Issue a signed proof of one of my statuses, with its QR code",
      description: "Reveals only the claim (e.g. holds a valid European Disability Card, entitled to a benefit in a month): no percentage, no diagnosis, no name. 409 when the chain does not back the claim.",
      body: z.object({
        benefit: z.string().meta({ description: "Benefit code; EU_DISABILITY_CARD for the European Disability Card" }),
        month: z.string().optional().meta({ description: "YYYY-MM, the current month or an earlier one; omitted: the status today" }),
      }).strict(),
      response: issued,
      status: 201,
      handle: ({ body, who }) => s.proofs.issue(s.pseudonymOf(who!.fiscalCode), body),
    }),
    route({
      method: "post", path: "/v1/proofs/verify", tag: "system", roles: "public",
      summary: "Verify a proof: signature, validity window and the person's current status on chain",
      description: "Public. Answers valid, revoked (the status changed on chain: revocation, death…), expired or invalid, with the reason. The check is shown to the person in their access log (verifications of one proof are counted together).",
      body: z.object({ proof: z.string().min(1).max(4000).meta({ description: "The proof text, or any text containing it (a scanned QR code)" }) }).strict(),
      response: verification,
      async handle({ body }) {
        const { subject, proofId, ...answer } = await s.proofs.verify(body.proof);
        // One row per proof, counted: verifications cannot flood the person's log (data/access-log.ts).
        if (subject !== undefined && proofId !== undefined) {
          await s.accessLog.recordVerification({ subject, proofId, benefit: answer.claim?.benefit ?? "?", at: s.nowMs(), verdict: answer.verdict });
        }
        return answer;
      },
    }),
    route({
      method: "get", path: "/v1/proofs/keys", tag: "system", roles: "public",
      summary: "The public key that signs proofs (JWKS), for verifiers that check signatures themselves",
      response: z.object({ keys: z.array(jwk) }),
      handle: () => s.proofs.keySet(),
    }),
  ];
}
