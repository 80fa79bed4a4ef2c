// What each event means for the read API's tables: the keys of the generic `events` row, and the
// rows derived from it (payments, refusals, decisions, certified facts, and the current state of
// organisations, signing keys, benefits and waves). Pure functions of an IndexedEvent, so the same
// code indexes a new event and rebuilds the state tables after a rewind.
import { REASONS, WAVE_PHASE_NAMES, type StoredBenefit } from "../domain/catalog.ts";
import { FACT_KIND_OF_EVENT, FACT_KINDS, type ColumnValue, type FactKind, type FactKindSpec } from "../domain/facts.ts";
import type { IndexedEvent, Json, JsonObject } from "./events.ts";

/** The columns of `events` that consumers filter on; null when the event has no such argument. */
export interface EventKeys {
  subject: string | null;
  benefitId: string | null;
  /** YYYYMM */
  period: number | null;
  applicationId: string | null;
  /** The record's idempotency key: `recordId`, or the `assessmentId` of an assessment. */
  recordId: string | null;
}

export type { FactKind };

/** A certified record as recorded by FactRegistry. Kind-specific fields are null for other kinds. */
export interface FactRow {
  kind: FactKind;
  /** recordId, or assessmentId for an assessment */
  recordId: string;
  subject: string;
  /** The certifying organisation; null for income (no org id in the event: the store finds it from the signer). */
  orgId: number | null;
  signers: string[];
  /** unix seconds, as declared by the signer */
  signedAt: number;
  /** assessment: its id; revocation: the revoked assessment */
  assessmentId: string | null;
  birthDate: number | null;
  residence: number | null;
  oldResidence: number | null;
  deathDate: number | null;
  oldDeathDate: number | null;
  category: number | null;
  percentage: number | null;
  flags: number | null;
  effectiveDate: number | null;
  reviewDate: number | null;
  reportHash: string | null;
  revocationReason: number | null;
  year: number | null;
  /** euro cents */
  amountCents: bigint | null;
  oldAmountCents: bigint | null;
  replaced: boolean | null;
  admission: number | null;
  discharge: number | null;
  oldDischarge: number | null;
}

/** A stored benefit as the index keeps it: the packed requirements (uint256) as a decimal string. */
export type BenefitRule = Omit<StoredBenefit, "code" | "requirements"> & { requirements: string };

/** Rows derived from one event. `payments` … `facts` are append-only logs; the rest is current state. */
export type DerivedRow =
  | { table: "payments"; subject: string; benefitId: string; period: number; amountCents: bigint | null }
  | { table: "payment_refusals"; subject: string; benefitId: string; period: number; reason: number; reasonName: string }
  | {
      table: "decisions";
      applicationId: string;
      subject: string;
      benefitId: string;
      date: number;
      eligible: boolean;
      reason: number;
      reasonName: string;
      monthlyAmountCents: bigint | null;
      assessmentId: string;
    }
  | { table: "facts"; fact: FactRow }
  | { table: "organisations"; type: "registered"; orgId: number; kind: number; kindName: string; code: number; parentId: number; name: string }
  | { table: "organisations"; type: "activeChanged"; orgId: number; active: boolean }
  | { table: "signers"; type: "added"; address: string; orgId: number }
  | { table: "signers"; type: "retired"; address: string; retiredAt: number }
  | { table: "benefits"; benefitId: string; code: string; rule: BenefitRule }
  | { table: "benefit_terms"; benefitId: string; year: number; set: boolean; monthlyAmountCents: bigint | null; incomeLimitCents: bigint | null }
  | { table: "waves"; wave: number; phase: number; phaseName: string; pilotProvinces: number[] };

/** Tables that hold one row per event, deleted by block on a rewind. */
export const LOG_TABLES = ["events", "payments", "payment_refusals", "decisions", "facts"] as const;
/** Tables that hold current state, rebuilt from `events` on a rewind. */
export const STATE_TABLES = ["organisations", "signers", "benefits", "benefit_terms", "waves"] as const;
export type IndexerTable = (typeof LOG_TABLES)[number] | (typeof STATE_TABLES)[number];
/** Contracts whose events feed the state tables. */
export const STATE_CONTRACTS = ["OrganisationRegistry", "BenefitCatalog"] as const;

const ORG_KIND_NAMES = ["NONE", "MUNICIPALITY", "ASL", "INPS", "MEDICAL_COMMISSION", "PATRONATO"] as const;
const INT64_MAX = (1n << 63n) - 1n;

const str = (value: Json | undefined): string => String(value);
const num = (value: Json | undefined): number => Number(value);
const bool = (value: Json | undefined): boolean => value === true;
const field = (value: Json | undefined, name: string): Json | undefined => (value as JsonObject | undefined)?.[name];

/**
 * Euro cents for a BIGINT column. uint64 can exceed a signed 64-bit integer (92 quadrillion euro):
 * such a value is NULL in the derived column, and exact in `events.args`.
 */
function cents(value: Json | undefined): bigint | null {
  const amount = BigInt(str(value));
  return amount > INT64_MAX ? null : amount;
}

/** Name of a code in a closed list; a code the list does not know (a newer contract) is kept visible. */
function nameOf(names: readonly string[], code: number): string {
  return names[code] ?? `UNKNOWN_${code}`;
}

const NO_FACT_FIELDS = {
  assessmentId: null, birthDate: null, residence: null, oldResidence: null, deathDate: null, oldDeathDate: null,
  category: null, percentage: null, flags: null, effectiveDate: null, reviewDate: null, reportHash: null,
  revocationReason: null, year: null, amountCents: null, oldAmountCents: null, replaced: null,
  admission: null, discharge: null, oldDischarge: null,
} as const;

const READ: Record<ColumnValue, (value: Json | undefined) => unknown> = { num, str, cents, bool };

/** The `facts` row of a FactRegistry event of `kind`, by the kind's declared row mapping. */
function factRow(kind: FactKind, a: JsonObject): DerivedRow {
  const row: FactKindSpec["row"] = FACT_KINDS[kind].row;
  const columns = Object.fromEntries(Object.entries(row.columns).map(([column, [arg, as]]) => [column, READ[as](a[arg])]));
  return {
    table: "facts",
    fact: {
      ...NO_FACT_FIELDS,
      kind,
      recordId: str(a[row.recordIdArg]),
      subject: str(a.subject),
      orgId: row.orgArg === null ? null : num(a[row.orgArg]),
      signers: Array.isArray(a.signers) ? a.signers.map(str) : [str(a.signer)],
      signedAt: num(a.signedAt),
      ...(columns as Partial<FactRow>),
    },
  };
}

/** The kind-specific columns of `facts`: what a kind's row mapping may name. */
export const FACT_COLUMNS: readonly string[] = Object.keys(NO_FACT_FIELDS);

export function eventKeys(event: IndexedEvent): EventKeys {
  const a = event.args;
  const text = (name: string) => (typeof a[name] === "string" ? (a[name] as string) : null);
  return {
    subject: text("subject"),
    benefitId: text("benefitId"),
    period: text("period") === null ? null : Number(a.period),
    applicationId: text("applicationId"),
    recordId: text("recordId") ?? (event.event === "AssessmentRecorded" ? text("assessmentId") : null),
  };
}

export function deriveRows(event: IndexedEvent): DerivedRow[] {
  const a = event.args;
  // A certified fact: its columns come from the kind's declaration (src/domain/facts.ts).
  const factKind = event.contract === "FactRegistry" ? FACT_KIND_OF_EVENT.get(event.event) : undefined;
  if (factKind) return [factRow(factKind, a)];
  switch (`${event.contract}.${event.event}`) {
    case "BenefitLedger.PaymentRecorded":
      return [{ table: "payments", subject: str(a.subject), benefitId: str(a.benefitId), period: num(a.period), amountCents: cents(a.amountCents) }];
    case "BenefitLedger.PaymentRefused":
      return [{
        table: "payment_refusals", subject: str(a.subject), benefitId: str(a.benefitId), period: num(a.period),
        reason: num(a.reason), reasonName: nameOf(REASONS, num(a.reason)),
      }];
    case "BenefitLedger.ApplicationDecided":
      return [{
        table: "decisions", applicationId: str(a.applicationId), subject: str(a.subject), benefitId: str(a.benefitId),
        date: num(a.date), eligible: bool(a.eligible), reason: num(a.reason), reasonName: nameOf(REASONS, num(a.reason)),
        monthlyAmountCents: cents(a.monthlyAmountCents), assessmentId: str(a.assessmentId),
      }];
    case "OrganisationRegistry.OrganisationRegistered":
      return [{
        table: "organisations", type: "registered", orgId: num(a.orgId), kind: num(a.kind), kindName: nameOf(ORG_KIND_NAMES, num(a.kind)),
        code: num(a.code), parentId: num(a.parentId), name: str(a.name),
      }];
    case "OrganisationRegistry.OrganisationActiveChanged":
      return [{ table: "organisations", type: "activeChanged", orgId: num(a.orgId), active: bool(a.newActive) }];
    case "OrganisationRegistry.SignerAdded":
      return [{ table: "signers", type: "added", address: str(a.signer), orgId: num(a.orgId) }];
    case "OrganisationRegistry.SignerRetired":
      return [{ table: "signers", type: "retired", address: str(a.signer), retiredAt: num(a.retiredAt) }];
    case "BenefitCatalog.BenefitDefined": {
      const rule = a.newRule;
      return [{
        table: "benefits", benefitId: str(a.benefitId), code: str(a.code),
        rule: {
          wave: num(field(rule, "wave")), monetary: bool(field(rule, "monetary")), paymentsPerYear: num(field(rule, "paymentsPerYear")),
          minAge: num(field(rule, "minAge")), maxAgeExclusive: num(field(rule, "maxAgeExclusive")),
          suspendedByLongHospitalStay: bool(field(rule, "suspendedByLongHospitalStay")), hasIncomeLimit: bool(field(rule, "hasIncomeLimit")),
          requirementCount: num(field(rule, "requirementCount")), requirements: str(field(rule, "requirements")),
        },
      }];
    }
    case "BenefitCatalog.YearTermsSet":
      return [{
        table: "benefit_terms", benefitId: str(a.benefitId), year: num(a.year), set: bool(field(a.newTerms, "set")),
        monthlyAmountCents: cents(field(a.newTerms, "monthlyAmountCents")), incomeLimitCents: cents(field(a.newTerms, "incomeLimitCents")),
      }];
    case "BenefitCatalog.WavePhaseChanged":
      return [{
        table: "waves", wave: num(a.wave), phase: num(a.newPhase), phaseName: nameOf(WAVE_PHASE_NAMES, num(a.newPhase)),
        pilotProvinces: (a.pilotProvinces as Json[]).map(num),
      }];
    default:
      // Access-manager, pause and authority events, refused batch items: in `events` only.
      return [];
  }
}
