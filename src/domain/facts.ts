// The six kinds of certified fact, each declared once: its fields (the EIP-712 struct the certifier
// signs, in the contract's order), what each field may hold, the FactRegistry function that records
// it, the event that says it was recorded and how the indexer stores that event. The EIP-712 types
// (src/chain/signing.ts), the oracle's validation (src/oracle/intake.ts) and the indexer's fact
// rows (src/indexer/rows.ts) are derived from this table; test/domain/facts.test.ts checks it
// against the compiled contracts (function ABI, event names and arguments, EIP-712 type hashes).
// A new kind starts here (docs/architecture.md).
import { z } from "zod/v4";

/** What a field holds: its Solidity type, and the range the oracle accepts before anything is sent. */
export type FieldKind =
  | { type: "bytes32" }
  /** YYYYMMDD, a real calendar date; `optional`: 0 means "none". */
  | { type: "date"; optional?: boolean }
  /** unix seconds (uint64 on chain, bounded to 2^40 here). */
  | { type: "unixSeconds" }
  /** A small unsigned number with its own upper bound (codes, percentages, ISTAT codes). */
  | { type: "uint"; bits: 8 | 16 | 32; max: number }
  /** YYYY */
  | { type: "year" }
  /** euro cents as a decimal string (uint64 on chain; JSON numbers cannot hold every uint64). */
  | { type: "cents" };

export interface FactField {
  name: string;
  kind: FieldKind;
}

export interface FactKindSpec {
  /** The EIP-712 struct and Solidity record type. */
  record: string;
  fields: readonly FactField[];
  /** The field that is the record's on-chain idempotency key. */
  idField: "recordId" | "assessmentId";
  /** Whether the person is named (subject): every kind but the revocation, which names an assessment. */
  hasSubject: boolean;
  /** FactRegistry function that records it; assessments take the members' signatures, the others one. */
  function: string;
  signatures: "one" | "members";
  /** FactRegistry event emitted when it is recorded. */
  event: string;
  /**
   * How the indexer stores the event (src/indexer/rows.ts): the event argument that names the
   * certifying organisation (null: the event names none, the store finds it from the signer), and
   * each kind-specific `facts` column with the event argument it comes from and how it is read.
   */
  row: {
    recordIdArg: string;
    orgArg: string | null;
    columns: Readonly<Record<string, readonly [arg: string, as: ColumnValue]>>;
  };
}

/** How an event argument becomes a column: a number, a text, euro cents (BIGINT) or a boolean. */
export type ColumnValue = "num" | "str" | "cents" | "bool";

const f = (name: string, kind: FieldKind): FactField => ({ name, kind });
const bytes32 = (name: string) => f(name, { type: "bytes32" });
const date = (name: string, optional = false) => f(name, { type: "date", optional });
const signedAt = f("signedAt", { type: "unixSeconds" });

export const FACT_KINDS = {
  civil: {
    record: "CivilRecord",
    fields: [bytes32("recordId"), bytes32("subject"), date("birthDate"), f("residence", { type: "uint", bits: 32, max: 111999 }), signedAt],
    idField: "recordId", hasSubject: true, function: "recordCivil", signatures: "one", event: "CivilRecordRecorded",
    row: { recordIdArg: "recordId", orgArg: "municipalityId", columns: { birthDate: ["birthDate", "num"], residence: ["newResidence", "num"], oldResidence: ["oldResidence", "num"] } },
  },
  death: {
    record: "DeathRecord",
    fields: [bytes32("recordId"), bytes32("subject"), date("deathDate"), signedAt],
    idField: "recordId", hasSubject: true, function: "recordDeath", signatures: "one", event: "DeathRecorded",
    row: { recordIdArg: "recordId", orgArg: "municipalityId", columns: { deathDate: ["newDeathDate", "num"], oldDeathDate: ["oldDeathDate", "num"] } },
  },
  assessment: {
    record: "AssessmentRecord",
    fields: [
      bytes32("assessmentId"), bytes32("subject"), f("commissionId", { type: "uint", bits: 32, max: 2 ** 32 - 1 }),
      f("category", { type: "uint", bits: 8, max: 4 }), f("percentage", { type: "uint", bits: 8, max: 100 }),
      f("flags", { type: "uint", bits: 8, max: 31 }), date("effectiveDate"), date("reviewDate", true), bytes32("reportHash"), signedAt,
    ],
    idField: "assessmentId", hasSubject: true, function: "recordAssessment", signatures: "members", event: "AssessmentRecorded",
    row: {
      recordIdArg: "assessmentId", orgArg: "commissionId",
      columns: {
        assessmentId: ["assessmentId", "str"], category: ["category", "num"], percentage: ["percentage", "num"], flags: ["flags", "num"],
        effectiveDate: ["effectiveDate", "num"], reviewDate: ["reviewDate", "num"], reportHash: ["reportHash", "str"],
      },
    },
  },
  revocation: {
    record: "RevocationRecord",
    fields: [bytes32("recordId"), bytes32("assessmentId"), f("reason", { type: "uint", bits: 8, max: 255 }), signedAt],
    idField: "recordId", hasSubject: false, function: "recordRevocation", signatures: "one", event: "AssessmentRevoked",
    row: { recordIdArg: "recordId", orgArg: "orgId", columns: { assessmentId: ["assessmentId", "str"], revocationReason: ["reason", "num"] } },
  },
  income: {
    record: "IncomeRecord",
    fields: [bytes32("recordId"), bytes32("subject"), f("year", { type: "year" }), f("amountCents", { type: "cents" }), signedAt],
    idField: "recordId", hasSubject: true, function: "recordIncome", signatures: "one", event: "IncomeRecorded",
    row: {
      recordIdArg: "recordId", orgArg: null,
      columns: { year: ["year", "num"], amountCents: ["newAmountCents", "cents"], oldAmountCents: ["oldAmountCents", "cents"], replaced: ["replaced", "bool"] },
    },
  },
  hospitalStay: {
    record: "HospitalStayRecord",
    fields: [bytes32("recordId"), bytes32("subject"), date("admission"), date("discharge", true), signedAt],
    idField: "recordId", hasSubject: true, function: "recordHospitalStay", signatures: "one", event: "HospitalStayRecorded",
    row: { recordIdArg: "recordId", orgArg: "aslId", columns: { admission: ["admission", "num"], discharge: ["newDischarge", "num"], oldDischarge: ["oldDischarge", "num"] } },
  },
} as const satisfies Record<string, FactKindSpec>;

export type FactKind = keyof typeof FACT_KINDS;
export const FACT_KIND_NAMES = Object.keys(FACT_KINDS) as [FactKind, ...FactKind[]];

/** The kind a FactRegistry event records, by event name. */
export const FACT_KIND_OF_EVENT: ReadonlyMap<string, FactKind> = new Map(FACT_KIND_NAMES.map((kind) => [FACT_KINDS[kind].event, kind]));

/** The field's Solidity type, as in the struct and the EIP-712 type string. */
export function solidityType(kind: FieldKind): string {
  switch (kind.type) {
    case "bytes32": return "bytes32";
    case "date": return "uint32";
    case "unixSeconds": case "cents": return "uint64";
    case "year": return "uint16";
    case "uint": return `uint${kind.bits}`;
  }
}

/** The EIP-712 type fields of a kind (ethers' TypedDataField list), in the contract's order. */
export function typedDataFields(kind: FactKind): Array<{ name: string; type: string }> {
  return FACT_KINDS[kind].fields.map((field) => ({ name: field.name, type: solidityType(field.kind) }));
}

/** The EIP-712 type string the contract hashes, e.g. "DeathRecord(bytes32 recordId,…)". */
export function typeString(kind: FactKind): string {
  return `${FACT_KINDS[kind].record}(${typedDataFields(kind).map((t) => `${t.type} ${t.name}`).join(",")})`;
}

const uintSchema = (max: number) => z.number().int().min(0).max(max);
const YMD_MAX = 21991231;

/** The zod schema of one field, as the oracle accepts it from a source system. */
export function fieldSchema(kind: FieldKind): z.ZodTypeAny {
  switch (kind.type) {
    case "bytes32": return z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string");
    case "date": return uintSchema(YMD_MAX);
    case "unixSeconds": return uintSchema(2 ** 40);
    case "uint": return uintSchema(kind.max);
    case "year": return z.number().int().min(1900).max(2199);
    case "cents": return z.string().regex(/^\d{1,19}$/, "must be a decimal string of euro cents");
  }
}

/** The record's schema (strict: an unknown field is refused), derived from the fields. */
export function recordSchema(kind: FactKind) {
  return z.object(Object.fromEntries(FACT_KINDS[kind].fields.map((field) => [field.name, fieldSchema(field.kind)]))).strict();
}

/** The kind's date fields; the optional ones may be 0 ("none"). */
export function dateFields(kind: FactKind): Array<{ name: string; optional: boolean }> {
  return FACT_KINDS[kind].fields.flatMap((field) => (field.kind.type === "date" ? [{ name: field.name, optional: field.kind.optional === true }] : []));
}
