// The read API's published shapes (zod v4, turned into the OpenAPI document by route.ts): the
// parts of requests it accepts and the answers it gives. Request parts that need the domain's
// own checks (a real calendar date, a fiscal code's check character) run them in a transform,
// so a bad value answers 400 with the domain's code and the field's name.
import { z } from "zod/v4";
import { REASONS, WAVE_PHASE_NAMES } from "../domain/catalog.ts";
import { parseIsoDate, parsePeriod } from "../domain/dates.ts";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import { parseIstatMunicipalityCode } from "../domain/istat.ts";

// ── request parts ────────────────────────────────────────────────────────────────────────────
export const isoDateParam = (field: string) =>
  z.string().meta({ description: "A date, YYYY-MM-DD", examples: ["2026-11-01"] }).transform((v) => parseIsoDate(v, field));
export const periodParam = (field: string) =>
  z.string().meta({ description: "A month, YYYY-MM", examples: ["2026-11"] }).transform((v) => parsePeriod(v, field));
export const fiscalCodeParam = (field: string) =>
  z.string().meta({ description: "Italian fiscal code (codice fiscale), 16 characters", examples: ["RSSMRA85T10A562S"] })
    .transform((v) => parseFiscalCode(v, field));
export const municipalityParam = (field: string) =>
  z.string().meta({ description: "ISTAT municipality code, 6 digits", examples: ["058091"] })
    .transform((v) => parseIstatMunicipalityCode(v, field));
export const purposeParam = z.string().trim().min(5, "state the purpose of this read (5 to 200 characters)").max(200)
  .meta({ description: "Why this person's data is read; written to the access log the person sees", examples: ["Corte dei conti audit 2026/17"] });
export const limitParam = (max: number, fallback: number) =>
  z.string().regex(/^\d{1,6}$/, "must be a whole number").default(String(fallback)).transform(Number)
    .pipe(z.number().int().min(1).max(max, `must be at most ${max}`)).meta({ description: `How many rows (1 to ${max}, default ${fallback})` });
export const langParam = z.enum(["it", "en"]).default("it").meta({ description: "Language of the plain-language texts" });

// ── answers ──────────────────────────────────────────────────────────────────────────────────
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const isoTime = z.string().meta({ description: "ISO 8601 UTC time of the block" });
const cents = z.number().int().nonnegative().meta({ description: "euro cents" });
const reason = z.enum(REASONS);

export const chainPlace = z.object({
  block: z.number().int(),
  txHash: hex32,
  logIndex: z.number().int(),
  time: isoTime,
}).meta({ id: "ChainPlace", description: "Where the record sits on chain" });

export const assessmentRef = z.object({
  assessmentId: hex32,
  commission: z.string().nullable(),
  category: z.string(),
  percentage: z.number().int(),
  effectiveDate: isoDate,
  reviewDate: isoDate.nullable(),
}).meta({ id: "AssessmentRef" });

export const entitlement = z.object({
  benefit: z.string(),
  wave: z.number().int(),
  wavePhase: z.enum(WAVE_PHASE_NAMES).nullable(),
  monetary: z.boolean(),
  eligible: z.boolean(),
  reason,
  explanation: z.object({ it: z.string(), en: z.string() }),
  monthlyAmountCents: cents,
  reviewDate: isoDate.nullable().meta({ description: "Next review of the assessment the entitlement rests on" }),
  assessment: assessmentRef.nullable(),
}).meta({ id: "Entitlement" });

export const entitlementsAnswer = z.object({
  date: isoDate,
  asOf: z.object({ date: isoDate, block: z.number().int() }).optional()
    .meta({ description: "Evaluated on the chain state as it was at the end of this date" }),
  entitlements: z.array(entitlement),
}).meta({ id: "Entitlements" });

export const payment = z.object({
  place: chainPlace,
  subject: hex32,
  benefit: z.string(),
  period: z.string().regex(/^\d{4}-\d{2}$/),
  amountCents: cents.nullable(),
  municipality: z.string().nullable().meta({ description: "ISTAT code of the residence on chain when paid" }),
}).meta({ id: "Payment" });

export const paymentsAnswer = z.object({
  payments: z.array(payment),
  next: z.string().nullable().meta({ description: "Pass as `after` for the next page; null at the end" }),
}).meta({ id: "Payments" });

export const timelineItem = z.object({
  type: z.enum(["fact", "decision", "payment", "refusal"]),
  kind: z.string().meta({ description: "fact kind (civil, death, assessment, revocation, income, hospitalStay), or decision/payment/refusal" }),
  place: chainPlace,
  certifiedBy: z.object({ orgId: z.number().int().nullable(), name: z.string().nullable(), signers: z.array(z.string()) }).optional(),
  signedAt: isoTime.optional(),
  benefit: z.string().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  text: z.object({ it: z.string(), en: z.string() }),
}).meta({ id: "TimelineItem" });

export const historyAnswer = z.object({
  subject: hex32,
  asOf: isoDate.nullable(),
  items: z.array(timelineItem),
}).meta({ id: "History" });

export const accessEntry = z.object({
  at: isoTime,
  role: z.string(),
  actor: z.string(),
  purpose: z.string(),
  action: z.string(),
  requestId: z.string(),
}).meta({ id: "AccessEntry" });

export const proofVerifications = z.object({
  proofId: z.string().meta({ description: "The proof's id (jti)" }),
  benefit: z.string(),
  firstAt: isoTime,
  lastAt: isoTime,
  count: z.number().int().meta({ description: "How many times the proof was verified" }),
  lastVerdict: z.string().meta({ description: "valid, revoked, expired or invalid" }),
}).meta({ id: "ProofVerifications" });

export const periodTotal = z.object({
  benefit: z.string(),
  period: z.string(),
  indexed: z.object({ payments: z.number().int(), amountCents: cents }),
  onChain: z.object({ payments: z.number().int(), amountCents: cents }),
  reconciled: z.boolean().meta({ description: "The index's sum of payment events equals the ledger's total on chain" }),
}).meta({ id: "PeriodTotal" });

export const outboxStatus = z.enum(["queued", "sent", "recorded", "refused"]);

export const assessmentStatus = z.object({
  assessmentId: hex32,
  status: outboxStatus,
  reason: z.string().nullable().meta({ description: "Why it was refused (the chain's or the intake's reason)" }),
  place: chainPlace.nullable(),
}).meta({ id: "AssessmentStatus" });

export const wave = z.object({
  wave: z.number().int(),
  phase: z.enum(WAVE_PHASE_NAMES),
  pilotProvinces: z.array(z.number().int()),
  benefits: z.array(z.string()),
  changed: chainPlace.omit({ logIndex: true }).nullable(),
}).meta({ id: "Wave" });

export const deadLetter = z.object({
  id: z.number().int(),
  source: z.string(),
  recordKey: z.string(),
  kind: z.string(),
  errorName: z.string().nullable(),
  errorDetail: z.string().nullable(),
  attempts: z.number().int(),
}).meta({ id: "DeadLetter" });

export const sourceLag = z.object({
  source: z.string(),
  url: z.string(),
  cursor: z.number().int().meta({ description: "The last feed event the oracle has taken in" }),
  newEvents: z.number().int().nullable()
    .meta({ description: "Events the feed has after the cursor (counted up to 1000); null when the feed does not answer" }),
}).meta({ id: "SourceLag" });
