// Medical commissions: submit an assessment their members signed, follow it until it is recorded
// or refused with the reason, list their own records. The commission is the token's `org`.
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../../errors.ts";
import { INTEGRITY_HEADER } from "../integrity.ts";
import { route, reply, type RouteSpec } from "../route.ts";
import { assessmentListItem, assessmentStatus, limitParam, revocationReason } from "../schemas.ts";
import { revocationReasonCode } from "../services/commission.ts";
import type { ApiServices } from "../services.ts";

const signedAssessment = z.object({
  sourceId: z.string().min(1).max(200).meta({ description: "The commission's own record number; its hash is the on-chain assessment id" }),
  fiscalCode: z.string().meta({ description: "The assessed person's fiscal code (only its pseudonym reaches the chain)" }),
  person: z.object({ name: z.string().min(1).max(100), surname: z.string().min(1).max(100) }).strict().optional()
    .meta({ description: "The person as the commission's register names them: only the initials are kept, for the commission's list" }),
  record: z.record(z.string(), z.unknown()).meta({ description: "The EIP-712 Assessment record the members signed (docs/feeds.md)" }),
  signatures: z.array(z.string()).min(2).max(16).meta({ description: "Members' signatures, in ascending order of their addresses" }),
}).strict().meta({ id: "SignedAssessment" });

const assessmentToSign = z.object({
  sourceId: z.string(), fiscalCode: z.string(), category: z.string(), percentage: z.number().int(),
  flags: z.array(z.string()).optional(), effectiveDate: z.string(), reviewDate: z.string().nullable().optional(), report: z.string(),
}).strict().meta({ id: "AssessmentToSign" });

const assessmentIdParam = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be the 0x-prefixed 32-byte assessment id");

const revocationRequest = z.object({
  reason: revocationReason,
  record: z.record(z.string(), z.unknown()).optional()
    .meta({ description: "The EIP-712 RevocationRecord a member signed (docs/feeds.md); left out in demo mode, where the demo signer signs" }),
  signatures: z.array(z.string()).min(1).max(16).optional().meta({ description: "The members' signatures of `record`" }),
}).strict().meta({ id: "RevocationRequest" });

export function commissionRoutes(s: ApiServices): RouteSpec[] {
  return [
    route({
      method: "post", path: "/v1/assessments", tag: "commission", roles: ["commission"],
      summary: "Submit an assessment signed by the commission's members",
      description: "ModI integrity (INTEGRITY_REST_01): the `Agid-JWT-Signature` header is a JWS by the commission's submitting system (its key registered for the commission) whose payload has the body's digest in `signed_headers` (`SHA-256=` base64), `iat` and `exp`; it is checked before anything is queued, and a missing, expired or unknown-key signature or a body that does not match its digest answers 400 naming the header. Then validated by the oracle's intake and queued in its outbox. 202 when queued; 200 with the current status when the same assessment was already submitted; 409 when it was submitted with other content.",
      body: signedAssessment,
      response: assessmentStatus,
      status: 202,
      errors: [409],
      headers: [{
        name: INTEGRITY_HEADER, in: "header", required: true,
        description: "ModI integrity signature: compact JWS (ES256, RS256, PS256 or EdDSA; `kid` of a key registered for the commission) with `signed_headers: [{\"digest\": \"SHA-256=<base64 of the body>\"}, …]`, `iat` and `exp`",
        schema: { type: "string", pattern: "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$" },
        example: "eyJhbGciOiJFUzI1NiIsImtpZCI6ImRlbW8tY29tbWlzc2lvbi0xMiIsInR5cCI6IkpXVCJ9.eyJzaWduZWRfaGVhZGVycyI6W3siZGlnZXN0IjoiU0hBLTI1Nj0uLi4ifV19.c2lnbmF0dXJl",
      }],
      handle: async ({ body, who, header, rawBody }) => {
        await s.integrity.verify(who!.organisation!, header(INTEGRITY_HEADER), rawBody);
        const { created, status } = await s.commission.submit(who!.organisation!, body);
        return reply({ status: created ? 202 : 200, body: status });
      },
    }),
    route({
      method: "get", path: "/v1/assessments/:assessmentId", tag: "commission", roles: ["commission"],
      summary: "Where one of my assessments is: queued, sent, recorded (block and transaction) or refused (why)",
      params: z.object({ assessmentId: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be the 0x-prefixed 32-byte assessment id") }),
      response: assessmentStatus,
      handle: ({ params, who }) => s.commission.status(who!.organisation!, params.assessmentId.toLowerCase()),
    }),
    route({
      method: "post", path: "/v1/dev/assessments/sign", tag: "demo", roles: ["commission"],
      summary: "Demo mode only: sign an assessment with the demo commission members' keys",
      description: "Stands in for the members' own signing devices and for the commission's submitting system. The answer's `submission` is the body for POST /v1/assessments (send it as JSON.stringify of it) with `integrity.value` as its Agid-JWT-Signature header; keep `reportSalt` with the report.",
      body: assessmentToSign,
      response: z.object({
        submission: signedAssessment,
        reportSalt: z.string(),
        integrity: z.object({ header: z.literal(INTEGRITY_HEADER), value: z.string() })
          .meta({ description: "The ModI integrity header to send with the submission, signed with the demo system key of the commission" }),
      }),
      handle: async ({ body, who }) => {
        if (!s.demoSigner) throw new PaChainError("NOT_FOUND", "demo signing is off (demo mode is not configured)", { status: 404 });
        return s.demoSigner(who!.organisation!, body);
      },
    }),
    route({
      method: "post", path: "/v1/assessments/:assessmentId/revocation", tag: "commission", roles: ["commission"],
      summary: "Revoke one of my commission's recorded assessments, with the reason",
      description: "Signed by the commission's members like a record (in demo mode, without `record` and `signatures`, the demo signer signs), validated by the oracle's intake and recorded on chain through its outbox like an assessment; the person's history shows it and the entitlements resting on the assessment end. 202 when queued; 200 with the current status when the same revocation was already submitted.",
      params: z.object({ assessmentId: assessmentIdParam }),
      body: revocationRequest,
      response: assessmentStatus.extend({ revocationId: z.string() }),
      status: 202,
      handle: async ({ params, body, who }) => {
        const commissionId = who!.organisation!;
        const assessmentId = params.assessmentId.toLowerCase();
        const reason = revocationReasonCode(body.reason);
        let signed: { record: Record<string, unknown>; signatures: string[] };
        if (body.record && body.signatures) {
          if (Number(body.record.reason) !== reason) throw new ValidationError("record.reason", `record.reason: must be ${reason} (${body.reason})`);
          signed = { record: body.record, signatures: body.signatures };
        } else if (s.demoRevocationSigner) {
          signed = await s.demoRevocationSigner(commissionId, assessmentId, reason);
        } else {
          throw new ValidationError("signatures", "signatures: the members' signed record and signatures are required (demo signing is off)");
        }
        const { created, status } = await s.commission.submitRevocation(commissionId, assessmentId, signed);
        return reply({ status: created ? 202 : 200, body: { ...status, assessmentId, revocationId: status.assessmentId } });
      },
    }),
    route({
      method: "get", path: "/v1/revocations/:revocationId", tag: "commission", roles: ["commission"],
      summary: "Where one of my revocations is: queued, sent, recorded (block and transaction) or refused (why)",
      params: z.object({ revocationId: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be the 0x-prefixed 32-byte revocation id") }),
      response: assessmentStatus,
      handle: ({ params, who }) => s.commission.revocationStatus(who!.organisation!, params.revocationId.toLowerCase()),
    }),
    route({
      method: "get", path: "/v1/commission/assessments", tag: "commission", roles: ["commission"],
      summary: "My commission's assessments: those waiting first, then those on chain, newest first; with the verbale number, the person's initials, the date, the outcome and any revocation",
      query: z.object({ limit: limitParam(1000, 100) }),
      response: z.object({ assessments: z.array(assessmentListItem) }),
      handle: async ({ query, who }) => ({ assessments: await s.commission.list(who!.organisation!, query.limit) }),
    }),
  ];
}
