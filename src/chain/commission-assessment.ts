// A medical commission records an assessment itself: the members sign it with their keys (EIP-712)
// and it enters the oracle through the same intake and outbox as the ASL feed (used by the command
// line and by the read API's demo signer).
import { randomBytes } from "node:crypto";
import { concat, hexlify, id, keccak256, toUtf8Bytes, type BaseWallet, type TypedDataDomain } from "ethers";
import { z } from "zod/v4";
import { signAssessment, type AssessmentRecord } from "./signing.ts";
import { categoryCode, flagsToMask } from "../domain/catalog.ts";
import { parseIsoDate } from "../domain/dates.ts";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import { pseudonymise } from "../domain/pseudonym.ts";
import { ValidationError } from "../errors.ts";

export const commissionAssessmentSchema = z
  .object({
    /** The commission's own record number, e.g. "ASL-RM1-2026-000123"; its hash is the on-chain id. */
    sourceId: z.string().min(1).max(200),
    fiscalCode: z.string(),
    commissionId: z.number().int().positive(),
    category: z.string(),
    percentage: z.number().int().min(0).max(100),
    flags: z.array(z.string()).default([]),
    effectiveDate: z.string(),
    reviewDate: z.string().nullable().default(null),
    /** Reference to the report in the health system; only a salted hash of it reaches the chain. */
    report: z.string().min(1),
  })
  .strict();

export type CommissionAssessmentInput = z.input<typeof commissionAssessmentSchema>;

export interface SignedCommissionAssessment {
  /** The event as a source feed would carry it, ready for the oracle's intake. */
  event: {
    cursor: number;
    kind: "assessment";
    sourceId: string;
    fiscalCode: string;
    record: AssessmentRecord;
    signatures: string[];
    issuedAt: string;
  };
  /** Keep it with the report: it proves the on-chain hash belongs to that report. */
  reportSalt: string;
}

export function parseCommissionAssessment(input: unknown): z.output<typeof commissionAssessmentSchema> {
  const parsed = commissionAssessmentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".") || "assessment";
    throw new ValidationError(field, `${field}: ${issue.message}`);
  }
  return parsed.data;
}

export async function signCommissionAssessment(
  input: unknown,
  options: { members: readonly BaseWallet[]; domain: TypedDataDomain; pseudonymKey: string; nowSeconds: number },
): Promise<SignedCommissionAssessment> {
  const a = parseCommissionAssessment(input);
  if (options.members.length < 2) throw new ValidationError("keys", "keys: at least two commission members must sign");
  const fiscalCode = parseFiscalCode(a.fiscalCode, "fiscalCode");
  const effectiveDate = parseIsoDate(a.effectiveDate, "effectiveDate");
  const reviewDate = a.reviewDate === null ? 0 : parseIsoDate(a.reviewDate, "reviewDate");
  if (reviewDate !== 0 && reviewDate < effectiveDate) throw new ValidationError("reviewDate", "reviewDate: is before effectiveDate");
  const reportSalt = hexlify(randomBytes(32));
  const record: AssessmentRecord = {
    assessmentId: id(a.sourceId),
    subject: pseudonymise(fiscalCode, options.pseudonymKey),
    commissionId: a.commissionId,
    category: categoryCode(a.category, "category"),
    percentage: a.percentage,
    flags: flagsToMask(a.flags, "flags"),
    effectiveDate,
    reviewDate,
    reportHash: keccak256(concat([reportSalt, toUtf8Bytes(a.report)])),
    signedAt: options.nowSeconds,
  };
  const signatures = await signAssessment(options.members, options.domain, record);
  return {
    event: { cursor: 0, kind: "assessment", sourceId: a.sourceId, fiscalCode, record, signatures, issuedAt: new Date(options.nowSeconds * 1000).toISOString() },
    reportSalt,
  };
}
