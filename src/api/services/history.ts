// A person's timeline from the index: every certified fact (with the certifying organisation and
// the keys that signed it), every decision with its reason, every payment and refused payment,
// each with its block, transaction and time, in chain order. Optionally cut at a past time.
import { categoryName, maskToFlags, type Catalog, type ReasonName } from "../../domain/catalog.ts";
import { formatIsoDate, formatPeriod } from "../../domain/dates.ts";
import type { ChainPlace, FactItem, IndexReader } from "../data/index-reader.ts";
import { narrate, type Text } from "./plain-language.ts";

export interface TimelineItem {
  type: "fact" | "decision" | "payment" | "refusal";
  kind: string;
  place: { block: number; txHash: string; logIndex: number; time: string };
  certifiedBy?: { orgId: number | null; name: string | null; signers: string[] };
  signedAt?: string;
  benefit?: string;
  details: Record<string, string | number | boolean | null>;
  /** The date the item speaks of (YYYY-MM-DD, YYYY-MM or YYYY), not the day it was recorded. */
  about: string;
  text: Text;
}

export const placeOf = (p: ChainPlace) => ({ block: p.block, txHash: p.txHash, logIndex: p.logIndex, time: new Date(p.time * 1000).toISOString() });
const isoOrNull = (ymd: number | null) => (ymd ? formatIsoDate(ymd) : null);
/** The day a record was signed: what a certificate without a date of its own speaks of. */
const signedDay = (f: FactItem) => new Date(f.signedAt * 1000).toISOString().slice(0, 10);

/** Benefit codes by on-chain id (lower-case hex). */
export function benefitCodes(catalog: Catalog): (benefitId: string) => string {
  const codes = new Map(catalog.benefits.map((b) => [b.id.toLowerCase(), b.code]));
  return (benefitId) => codes.get(benefitId.toLowerCase()) ?? benefitId;
}

function factItem(f: FactItem): TimelineItem {
  const org = f.orgName ?? (f.orgId === null ? "unknown organisation" : `organisation ${f.orgId}`);
  const base = {
    type: "fact" as const,
    kind: f.kind,
    place: placeOf(f),
    certifiedBy: { orgId: f.orgId, name: f.orgName, signers: f.signers },
    signedAt: new Date(f.signedAt * 1000).toISOString(),
  };
  switch (f.kind) {
    case "civil":
      return { ...base, details: { recordId: f.recordId, birthDate: isoOrNull(f.birthDate), residence: String(f.residence).padStart(6, "0") }, about: signedDay(f),
        text: narrate({ type: "fact", kind: "civil", org, birthDate: f.birthDate ?? 0, residence: f.residence ?? 0 }) };
    case "death":
      return { ...base, details: { recordId: f.recordId, deathDate: isoOrNull(f.deathDate) }, about: isoOrNull(f.deathDate) ?? signedDay(f),
        text: narrate({ type: "fact", kind: "death", org, deathDate: f.deathDate ?? 0 }) };
    case "assessment": {
      const category = categoryName(f.category ?? 0);
      return {
        ...base,
        details: {
          assessmentId: f.recordId, category, percentage: f.percentage, flags: maskToFlags(f.flags ?? 0).join(","),
          effectiveDate: isoOrNull(f.effectiveDate), reviewDate: isoOrNull(f.reviewDate), reportHash: f.reportHash,
        },
        about: isoOrNull(f.effectiveDate) ?? signedDay(f),
        text: narrate({ type: "fact", kind: "assessment", org, category, percentage: f.percentage ?? 0, effectiveDate: f.effectiveDate ?? 0, reviewDate: f.reviewDate || null }),
      };
    }
    case "revocation":
      return { ...base, details: { recordId: f.recordId, assessmentId: f.assessmentId, reason: f.revocationReason }, about: signedDay(f),
        text: narrate({ type: "fact", kind: "revocation", org, reason: f.revocationReason }) };
    case "income":
      return { ...base, details: { recordId: f.recordId, year: f.year, amountCents: f.amountCents }, about: f.year ? String(f.year) : signedDay(f),
        text: narrate({ type: "fact", kind: "income", org, year: f.year ?? 0, amountCents: f.amountCents }) };
    case "hospitalStay":
      return { ...base, details: { recordId: f.recordId, admission: isoOrNull(f.admission), discharge: isoOrNull(f.discharge) }, about: isoOrNull(f.admission) ?? signedDay(f),
        text: narrate({ type: "fact", kind: "hospitalStay", org, admission: f.admission ?? 0, discharge: f.discharge || null }) };
  }
}

export async function timelineOf(deps: { reader: IndexReader; catalog: Catalog }, subject: string, until?: number): Promise<TimelineItem[]> {
  const { reader } = deps;
  const code = benefitCodes(deps.catalog);
  const thirteenPayments = new Set(deps.catalog.benefits.filter((b) => b.paymentsPerYear === 13).map((b) => b.code));
  const thirteenth = (benefit: string) => thirteenPayments.has(benefit);
  const [facts, decisions, payments, refusals] = await Promise.all([
    reader.facts(subject, until),
    reader.decisions(subject, until),
    reader.payments({ subject, until, limit: 100_000 }),
    reader.refusals(subject, until),
  ]);
  const items: Array<TimelineItem & { order: [number, number] }> = [
    ...facts.map((f) => ({ ...factItem(f), order: [f.block, f.logIndex] as [number, number] })),
    ...decisions.map((d) => ({
      type: "decision" as const, kind: "decision", place: placeOf(d), benefit: code(d.benefitId), order: [d.block, d.logIndex] as [number, number],
      details: {
        applicationId: d.applicationId, date: formatIsoDate(d.date), eligible: d.eligible, reason: d.reasonName,
        monthlyAmountCents: d.monthlyAmountCents, assessmentId: /^0x0+$/.test(d.assessmentId) ? null : d.assessmentId,
      },
      about: formatIsoDate(d.date),
      text: narrate({ type: "decision", benefit: code(d.benefitId), eligible: d.eligible, reason: d.reasonName as ReasonName, date: d.date }),
    })),
    ...payments.map((p) => ({
      type: "payment" as const, kind: "payment", place: placeOf(p), benefit: code(p.benefitId), order: [p.block, p.logIndex] as [number, number],
      details: { period: formatPeriod(p.period), amountCents: p.amountCents },
      about: formatPeriod(p.period),
      text: narrate({ type: "payment", benefit: code(p.benefitId), period: p.period, amountCents: p.amountCents, thirteenth: thirteenth(code(p.benefitId)) }),
    })),
    ...refusals.map((r) => ({
      type: "refusal" as const, kind: "refusal", place: placeOf(r), benefit: code(r.benefitId), order: [r.block, r.logIndex] as [number, number],
      details: { period: formatPeriod(r.period), reason: r.reasonName },
      about: formatPeriod(r.period),
      text: narrate({ type: "refusal", benefit: code(r.benefitId), period: r.period, reason: r.reasonName as ReasonName }),
    })),
  ];
  items.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  return items.map(({ order: _order, ...item }) => item);
}
