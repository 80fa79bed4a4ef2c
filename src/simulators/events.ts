// What each source system publishes, as drafts: the record to certify and who certifies it.
// Signing (certify.ts) later adds the subject pseudonym, signedAt and the signatures. The wire
// format is documented in docs/feeds.md; the record fields are exactly those of
// src/chain/signing.ts, so the oracle can pass them to the contracts unchanged.
import { id } from "ethers";
import { onChainAssessmentId, type FactType } from "../chain/signing.ts";
import { DEMO_ORGANISATIONS } from "../demo/consortium.ts";
import { municipalityByIstat } from "./identity.ts";
import type { Assessment, CommissionSlug, Person, Population } from "./person.ts";
import type { Random } from "./random.ts";

export const SOURCES = ["comune", "asl", "inps"] as const;
export type SourceName = (typeof SOURCES)[number];

export const FACT_KINDS = ["civil", "death", "assessment", "revocation", "income", "hospitalStay"] as const;
export type FactKind = (typeof FACT_KINDS)[number];
export type EventKind = FactKind | "application";

/** The EIP-712 record type of each kind of fact event. */
export const FACT_TYPE_OF_KIND: Record<FactKind, FactType> = {
  civil: "CivilRecord",
  death: "DeathRecord",
  assessment: "AssessmentRecord",
  revocation: "RevocationRecord",
  income: "IncomeRecord",
  hospitalStay: "HospitalStayRecord",
};

/** A signed fact on the wire: the record as the contract takes it, numbers as JSON numbers. */
export interface FactEvent {
  cursor: number;
  kind: FactKind;
  /** The source system's own record id; recordId / assessmentId is keccak256 of it. */
  sourceId: string;
  /** In clear: the feed is an authenticated e-service between public bodies. */
  fiscalCode: string;
  /** EIP-712 record fields; bytes32 as 0x hex, amountCents as a decimal string. */
  record: Record<string, string | number>;
  /** One signature; for assessments two or more, by ascending signer address. */
  signatures: string[];
  /** Assessments only: the person as the commission's register names them (its list shows the initials). */
  person?: { name: string; surname: string };
  /** ISO-8601 */
  issuedAt: string;
}

/** An application (domanda) to be decided: not a certified fact, so unsigned. */
export interface ApplicationEvent {
  cursor: number;
  kind: "application";
  sourceId: string;
  /** keccak256 of sourceId: the decision's on-chain idempotency key. */
  applicationId: string;
  fiscalCode: string;
  /** Benefit code of the catalog (benefitId = keccak256 of it). */
  benefit: string;
  /** YYYYMMDD the application is decided on. */
  date: number;
  issuedAt: string;
}

export type SourceEvent = FactEvent | ApplicationEvent;

/** Which demo organisations' keys each source system holds. */
export const SOURCE_ORGANISATIONS: Record<SourceName, readonly string[]> = {
  comune: DEMO_ORGANISATIONS.filter((o) => o.kind === "MUNICIPALITY").map((o) => o.slug),
  asl: ["asl-roma-1", "asl-roma-1-cml", "ats-milano", "ats-milano-cml"],
  inps: ["inps", "inps-cml-roma"],
};

export interface Certifier {
  /** Demo organisation slug. */
  slug: string;
  /** Indexes into the organisation's keys: one, or two or more commission members. */
  keys: number[];
}

export interface FactDraft {
  kind: FactKind;
  sourceId: string;
  fiscalCode: string;
  /** Record fields except `subject` and `signedAt`, which certify.ts adds. */
  fields: Record<string, string | number | bigint>;
  /** The person's name, published beside the record (assessments: the commission's register). */
  person?: { name: string; surname: string };
  certifier: Certifier;
}

export type ApplicationDraft = Omit<ApplicationEvent, "cursor" | "issuedAt">;
export type Draft = FactDraft | ApplicationDraft;

/** Opaque on-chain id of a source record: never derived from the person. */
export const recordIdOf = (sourceId: string): string => id(sourceId);

export function keyCount(slug: string): number {
  const org = DEMO_ORGANISATIONS.find((o) => o.slug === slug);
  if (org === undefined) throw new Error(`simulators: unknown demo organisation ${slug}`);
  return org.keys;
}

/** Two or three distinct members, as a real commission sitting would sign. */
export function commissionMembers(random: Random, slug: string): number[] {
  const all = random.shuffle(Array.from({ length: keyCount(slug) }, (_, i) => i));
  return all.slice(0, random.chance(0.3) ? Math.min(3, all.length) : 2).sort((a, b) => a - b);
}

export function isAslCommission(slug: CommissionSlug): boolean {
  return slug !== "inps-cml-roma";
}

export function civilDraft(person: Person, sourceId: string, residence: number): FactDraft {
  return {
    kind: "civil", sourceId, fiscalCode: person.fiscalCode,
    fields: { recordId: recordIdOf(sourceId), birthDate: person.birthDate, residence },
    certifier: { slug: municipalityByIstat(residence).slug, keys: [0] }, // only the municipality of residence may
  };
}

export function deathDraft(person: Person, sourceId: string, date: number, residence: number): FactDraft {
  return {
    kind: "death", sourceId, fiscalCode: person.fiscalCode,
    fields: { recordId: recordIdOf(sourceId), deathDate: date },
    certifier: { slug: municipalityByIstat(residence).slug, keys: [0] },
  };
}

export function assessmentDraft(person: Person, a: Omit<Assessment, "revocation">, commissionId: number, random: Random): FactDraft {
  return {
    kind: "assessment", sourceId: a.sourceId, fiscalCode: person.fiscalCode,
    person: { name: person.name, surname: person.surname },
    fields: {
      assessmentId: recordIdOf(a.sourceId), commissionId, category: a.category, percentage: a.percentage,
      flags: a.flags, effectiveDate: a.effectiveDate, reviewDate: a.reviewDate, reportHash: a.reportHash,
    },
    certifier: { slug: a.commission, keys: commissionMembers(random, a.commission) },
  };
}

function revocationDraft(person: Person, a: Assessment, commissionId: number, random: Random): FactDraft {
  const r = a.revocation!;
  // An ASL commission revokes its own assessment (one member signs); INPS revokes its commission's.
  const certifier = isAslCommission(a.commission)
    ? { slug: a.commission, keys: [random.int(0, keyCount(a.commission) - 1)] }
    : { slug: "inps", keys: [0] };
  return {
    kind: "revocation", sourceId: r.sourceId, fiscalCode: person.fiscalCode,
    // The revoked assessment is named by its on-chain id, bound to the commission that issued it.
    fields: { recordId: recordIdOf(r.sourceId), assessmentId: onChainAssessmentId(commissionId, recordIdOf(a.sourceId)), reason: r.reason },
    certifier,
  };
}

export function stayDraft(person: Person, sourceId: string, asl: string, admission: number, discharge: number): FactDraft {
  return {
    kind: "hospitalStay", sourceId, fiscalCode: person.fiscalCode,
    fields: { recordId: recordIdOf(sourceId), admission, discharge },
    certifier: { slug: asl, keys: [0] },
  };
}

export function incomeDraft(person: Person, sourceId: string, year: number, amountCents: bigint): FactDraft {
  return {
    kind: "income", sourceId, fiscalCode: person.fiscalCode,
    fields: { recordId: recordIdOf(sourceId), year, amountCents },
    certifier: { slug: "inps", keys: [0] },
  };
}

interface Dated {
  date: number;
  draft: Draft;
}

/** Stable sort by date: the same date keeps generation order (an admission before its discharge). */
const byDate = (items: Dated[]): Draft[] => items.sort((a, b) => a.date - b.date).map((i) => i.draft);

/**
 * The day (YYYYMMDD) a source system publishes a draft when it happens: the day the fact speaks of
 * (a residence change, a death, an assessment's effective date, a revocation, an admission or a
 * discharge, an application, the start of a residence); an income of year Y once the year is over
 * (15 January of Y+1).
 * The demo's history (src/demo/history.ts) records each fact on or after this day.
 */
const peopleByCode = new WeakMap<Population, Map<string, Person>>();
function personOf(population: Population, fiscalCode: string): Person | undefined {
  let index = peopleByCode.get(population);
  if (index === undefined) peopleByCode.set(population, (index = new Map(population.people.map((p) => [p.fiscalCode, p]))));
  return index.get(fiscalCode);
}

export function publicationDay(draft: Draft, population: Population): number {
  if (draft.kind === "application") return draft.date;
  const f = draft.fields;
  switch (draft.kind) {
    case "civil": {
      return personOf(population, draft.fiscalCode)?.residences.find((r) => r.sourceId === draft.sourceId)?.since ?? 0;
    }
    case "death":
      return Number(f.deathDate);
    case "assessment":
      return Number(f.effectiveDate);
    case "revocation": {
      return personOf(population, draft.fiscalCode)?.assessments.find((a) => a.revocation?.sourceId === draft.sourceId)?.revocation?.date ?? 0;
    }
    case "income":
      return (Number(f.year) + 1) * 10_000 + 115;
    case "hospitalStay":
      return Number(f.discharge) > 0 ? Number(f.discharge) : Number(f.admission);
  }
}

function comuneDrafts(population: Population): Draft[] {
  // ANPR first publishes every resident (its initial load), then changes and deaths as they happened.
  const initial = population.people
    .filter((p) => p.residences.length > 0)
    .map((p) => civilDraft(p, p.residences[0]!.sourceId, p.residences[0]!.municipality));
  const changes: Dated[] = [];
  for (const p of population.people) {
    for (const r of p.residences.slice(1)) changes.push({ date: r.since, draft: civilDraft(p, r.sourceId, r.municipality) });
    if (p.death) {
      const residence = p.residences[p.residences.length - 1]!.municipality;
      changes.push({ date: p.death.date, draft: deathDraft(p, p.death.sourceId, p.death.date, residence) });
    }
  }
  return [...initial, ...byDate(changes)];
}

function assessmentItems(population: Population, fromAsl: boolean, orgId: (slug: string) => number, random: Random): Dated[] {
  const items: Dated[] = [];
  for (const p of population.people) {
    for (const a of p.assessments) {
      if (isAslCommission(a.commission) !== fromAsl) continue;
      items.push({ date: a.effectiveDate, draft: assessmentDraft(p, a, orgId(a.commission), random) });
      if (a.revocation) items.push({ date: a.revocation.date, draft: revocationDraft(p, a, orgId(a.commission), random) });
    }
  }
  return items;
}

function aslDrafts(population: Population, orgId: (slug: string) => number, random: Random): Draft[] {
  const items = assessmentItems(population, true, orgId, random);
  for (const p of population.people) {
    for (const s of p.stays) {
      // The admission is published open; the discharge is a new record for the same admission.
      items.push({ date: s.admission, draft: stayDraft(p, s.admissionSourceId, s.asl, s.admission, 0) });
      if (s.discharge) {
        items.push({ date: s.discharge.date, draft: stayDraft(p, s.discharge.sourceId, s.asl, s.admission, s.discharge.date) });
      }
    }
  }
  return byDate(items);
}

function inpsDrafts(population: Population, orgId: (slug: string) => number, random: Random): Draft[] {
  const assessments = byDate(assessmentItems(population, false, orgId, random));
  const incomes = byDate(
    population.people.flatMap((p) => p.incomes.map((i) => ({ date: i.year, draft: incomeDraft(p, i.sourceId, i.year, i.amountCents) }))),
  );
  // Applications last: by then INPS's own facts about the applicant are published.
  const applications = byDate(
    population.people.flatMap((p) =>
      p.applications.map((a) => ({
        date: a.date,
        draft: { kind: "application" as const, sourceId: a.sourceId, applicationId: a.applicationId, fiscalCode: a.fiscalCode, benefit: a.benefit, date: a.date },
      })),
    ),
  );
  return [...assessments, ...incomes, ...applications];
}

/**
 * The source's initial feed, in publication order. `orgId` maps a commission's slug to its
 * on-chain organisation id (consortium.json); `random` only chooses which members sign.
 */
export function initialDrafts(source: SourceName, population: Population, orgId: (slug: string) => number, random: Random): Draft[] {
  switch (source) {
    case "comune":
      return comuneDrafts(population);
    case "asl":
      return aslDrafts(population, orgId, random);
    case "inps":
      return inpsDrafts(population, orgId, random);
  }
}
