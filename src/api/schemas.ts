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
  claim: z.object({
    status: z.enum(["NOT_CLAIMED", "PENDING", "GRANTED", "REFUSED"]),
    applicationId: hex32.optional(),
  }).optional().meta({ description: "Where the person's latest application of this benefit stands (citizen's own view)" }),
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
  about: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/).meta({
    description: "The date the item speaks of (YYYY-MM-DD, YYYY-MM for a month's payment, YYYY for a year's income), which can be long before it was recorded (place.time)",
    examples: ["2026-04-06"],
  }),
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

const paidCount = z.object({ payments: z.number().int(), amountCents: cents });
export const forecastMonth = z.object({
  period: z.string().regex(/^\d{4}-\d{2}$/),
  benefits: z.array(z.object({
    benefit: z.string(),
    forecast: paidCount.meta({ description: "Payments the contracts back on the month's first day, for people INPS has granted the benefit" }),
    actual: paidCount.nullable().meta({ description: "What was paid for the month (null before its payroll)" }),
  })),
  forecastCents: cents,
  actualCents: cents.nullable(),
}).meta({ id: "ForecastMonth" });

export const outboxStatus = z.enum(["queued", "sent", "recorded", "refused"]);

export const assessmentStatus = z.object({
  assessmentId: hex32,
  status: outboxStatus,
  reason: z.string().nullable().meta({ description: "Why it was refused (the chain's or the intake's reason)" }),
  place: chainPlace.nullable(),
}).meta({ id: "AssessmentStatus" });

export const revocationReason = z.enum(["APPEAL_UPHELD", "CLERICAL_ERROR", "FRAUD", "OTHER"])
  .meta({ description: "Why the commission revokes: appeal upheld, clerical error, fraud, other (RevocationRecord.reason 1-4)" });

export const assessmentListItem = assessmentStatus.extend({
  sourceId: z.string().nullable().meta({ description: "The verbale number in the commission's own system (null when its register does not know it)" }),
  initials: z.string().nullable().meta({ description: "The person's initials from the commission's register, never the fiscal code" }),
  effectiveDate: isoDate.nullable(),
  reviewDate: isoDate.nullable(),
  category: z.string().nullable(),
  percentage: z.number().int().nullable(),
  flags: z.array(z.string()),
  revocation: z.object({ reason: revocationReason, place: chainPlace }).nullable(),
}).meta({ id: "AssessmentListItem" });

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

export const claimStatusName = z.enum(["PENDING", "GRANTED", "REFUSED"]);

export const claimAccepted = z.object({
  id: hex32.meta({ description: "The application's id on chain" }),
  status: claimStatusName,
}).meta({ id: "ClaimAccepted" });

export const application = z.object({
  id: hex32,
  benefit: z.string(),
  status: claimStatusName,
  date: isoDate.meta({ description: "The date the entitlement is decided at" }),
  decision: z.object({
    eligible: z.boolean(),
    reason,
    explanation: z.object({ it: z.string(), en: z.string() }),
    block: z.number().int().nullable(),
    txHash: hex32.nullable(),
  }).nullable(),
}).meta({ id: "Application" });

export const notice = z.object({
  id: z.number().int(),
  kind: z.string(),
  benefit: z.string().nullable(),
  channel: z.literal("IO"),
  status: z.enum(["pending", "sending", "delivered", "not_delivered", "failed"]),
  detail: z.string().nullable().meta({ description: "Why it was not delivered (not on IO, service blocked) or failed" }),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
}).meta({ id: "Notice" });

// ── patronati (docs/patronati.md) ────────────────────────────────────────────────────────────
export const scopeName = z.enum(["READ_STATUS", "SUBMIT_APPLICATIONS"])
  .meta({ description: "READ_STATUS: entitlements, payments, history, applications; SUBMIT_APPLICATIONS: claims for the person" });

export const organisationEntry = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string().meta({ description: "MUNICIPALITY, ASL, INPS, MEDICAL_COMMISSION or PATRONATO" }),
  onChain: z.boolean().meta({ description: "Registered in the on-chain OrganisationRegistry (always true: patronati are registered there too, their operators kept off chain)" }),
}).meta({ id: "Organisation" });

export const delegation = z.object({
  id: z.string(),
  patronato: z.object({ id: z.number().int(), name: z.string() }),
  scopes: z.array(scopeName),
  until: isoDate.meta({ description: "The last day the delegation may be used" }),
  status: z.enum(["PENDING", "ACTIVE", "EXPIRED", "REVOKED"]),
  grantedBy: z.enum(["citizen", "patronato"]).meta({ description: "Given by the person, or registered by the patronato with the person's signed mandate" }),
  operator: z.string().nullable().meta({ description: "The operator who registered it with the mandate" }),
  mandateHash: hex32.nullable().meta({ description: "sha256 of the signed mandate document (which stays with the patronato)" }),
  createdAt: z.string(),
  confirmedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.enum(["citizen", "patronato"]).nullable(),
  claims: z.array(z.object({ applicationId: hex32, benefit: z.string(), operator: z.string(), at: z.string(), status: claimStatusName.nullable().optional() }))
    .meta({ description: "Claims the patronato filed for the person under this delegation" }),
}).meta({ id: "Delegation" });

export const representedPerson = z.object({
  fiscalCode: z.string(),
  delegationId: z.string(),
  scopes: z.array(scopeName),
  until: isoDate,
  status: z.enum(["PENDING", "ACTIVE"]),
  grantedBy: z.enum(["citizen", "patronato"]),
  since: z.string(),
}).meta({ id: "RepresentedPerson" });

export const representedApplication = application.extend({
  submittedBy: z.object({ patronato: z.string(), operator: z.string(), at: z.string() }).nullable()
    .meta({ description: "The patronato and operator that filed it, when a patronato did" }),
}).meta({ id: "RepresentedApplication" });
