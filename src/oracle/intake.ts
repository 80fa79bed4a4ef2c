// Validates one feed event and turns it into an outbox item: the exact FactRegistry call the
// relayer will send. A record that fails validation becomes a dead letter with the reason, so
// nothing is silently dropped and nothing invalid reaches the chain.
import { id, type Interface } from "ethers";
import { z } from "zod";
import { PaChainError } from "../errors.ts";
import { benefitByCode, type Catalog } from "../domain/catalog.ts";
import { formatIsoDate } from "../domain/dates.ts";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import { formatIstatCode, parseIstatMunicipalityCode } from "../domain/istat.ts";
import { onChainAssessmentId } from "../chain/signing.ts";
import type { Application, NewItem, RelayerName } from "./store.ts";
import type { PseudonymVault } from "./vault.ts";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string");
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte hex signature");
const uint = (max: number) => z.number().int().min(0).max(max);
const ymd = uint(21991231);
const unixSeconds = uint(2 ** 40);

const RECORD_SCHEMAS = {
  civil: z.object({ recordId: bytes32, subject: bytes32, birthDate: ymd, residence: uint(111999), signedAt: unixSeconds }).strict(),
  death: z.object({ recordId: bytes32, subject: bytes32, deathDate: ymd, signedAt: unixSeconds }).strict(),
  assessment: z.object({
    assessmentId: bytes32, subject: bytes32, commissionId: uint(2 ** 32 - 1), category: uint(4), percentage: uint(100),
    flags: uint(31), effectiveDate: ymd, reviewDate: ymd, reportHash: bytes32, signedAt: unixSeconds,
  }).strict(),
  revocation: z.object({ recordId: bytes32, assessmentId: bytes32, reason: uint(255), signedAt: unixSeconds }).strict(),
  income: z.object({
    recordId: bytes32, subject: bytes32, year: z.number().int().min(1900).max(2199),
    amountCents: z.string().regex(/^\d{1,19}$/, "must be a decimal string of euro cents"), signedAt: unixSeconds,
  }).strict(),
  hospitalStay: z.object({ recordId: bytes32, subject: bytes32, admission: ymd, discharge: ymd, signedAt: unixSeconds }).strict(),
} as const;

type FactKind = keyof typeof RECORD_SCHEMAS;

const FUNCTION_OF: Record<FactKind, string> = {
  civil: "recordCivil",
  death: "recordDeath",
  assessment: "recordAssessment",
  revocation: "recordRevocation",
  income: "recordIncome",
  hospitalStay: "recordHospitalStay",
};

const factEvent = z.object({
  cursor: z.number().int().nonnegative(),
  kind: z.enum(["civil", "death", "assessment", "revocation", "income", "hospitalStay"]),
  sourceId: z.string().min(1).max(200),
  fiscalCode: z.string().optional(),
  record: z.record(z.string(), z.unknown()),
  signatures: z.array(signature).min(1).max(16),
  issuedAt: z.string().optional(),
});

const applicationEvent = z.object({
  cursor: z.number().int().nonnegative(),
  kind: z.literal("application"),
  applicationId: bytes32,
  fiscalCode: z.string(),
  benefit: z.string(),
  date: ymd,
});

export type IntakeResult =
  | { type: "item"; item: NewItem }
  | { type: "application"; application: Omit<Application, "status" | "eligible" | "reason"> };

export interface Intake {
  accept(source: string, relayer: RelayerName, event: unknown): IntakeResult;
}

class IntakeRefusal extends Error {}

export function createIntake(options: { factsInterface: Interface; vault: PseudonymVault; catalog: Catalog }): Intake {
  const { factsInterface, vault, catalog } = options;

  function factItem(source: string, relayer: RelayerName, event: z.infer<typeof factEvent>): NewItem {
    const record = RECORD_SCHEMAS[event.kind].safeParse(event.record);
    if (!record.success) {
      const issue = record.error.issues[0];
      throw new IntakeRefusal(`record.${issue.path.join(".")}: ${issue.message}`);
    }
    const fields = record.data as Record<string, unknown>;
    checkDates(event.kind, fields);
    if (event.kind === "civil") checkIstat(fields.residence as number);
    if (event.kind !== "revocation") {
      if (event.fiscalCode === undefined) throw new IntakeRefusal("fiscalCode: missing");
      // The certifier signed the pseudonym; the oracle checks it is this person's, then keeps the link.
      const pseudonym = vault.remember(parseFiscalCode(event.fiscalCode));
      if (pseudonym.toLowerCase() !== String(fields.subject).toLowerCase()) {
        throw new IntakeRefusal("record.subject: is not the pseudonym of the fiscal code");
      }
    }
    if (event.kind === "assessment" && event.signatures.length < 2) {
      throw new IntakeRefusal("signatures: an assessment needs at least two commission members");
    }
    const args = event.kind === "assessment" ? [fields, event.signatures] : [fields, event.signatures[0]];
    // An assessment is known by its on-chain id, bound to its commission (as FactRegistry keys it),
    // so one commission's verbale number never collides with another's.
    const id = event.kind === "assessment"
      ? onChainAssessmentId(fields.commissionId as number, String(fields.assessmentId))
      : String(fields.recordId);
    return {
      source,
      recordKey: `${event.kind}:${id}`,
      kind: "fact",
      relayer,
      payload: factsInterface.encodeFunctionData(FUNCTION_OF[event.kind], args),
    };
  }

  return {
    accept(source, relayer, event) {
      const cursor = typeof (event as { cursor?: unknown })?.cursor === "number" ? (event as { cursor: number }).cursor : -1;
      try {
        if ((event as { kind?: unknown })?.kind === "application") {
          const parsed = applicationEvent.safeParse(event);
          if (!parsed.success) {
            const issue = parsed.error.issues[0];
            throw new IntakeRefusal(`${issue.path.join(".") || "event"}: ${issue.message}`);
          }
          const a = parsed.data;
          benefitByCode(catalog, a.benefit);
          formatIsoDate(a.date, "date");
          return {
            type: "application",
            application: { applicationId: a.applicationId, subject: vault.remember(parseFiscalCode(a.fiscalCode)), benefit: a.benefit, date: a.date },
          };
        }
        const parsed = factEvent.safeParse(event);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new IntakeRefusal(`${issue.path.join(".") || "event"}: ${issue.message}`);
        }
        return { type: "item", item: factItem(source, relayer, parsed.data) };
      } catch (error) {
        if (!(error instanceof IntakeRefusal || error instanceof PaChainError)) throw error;
        const code = error instanceof PaChainError ? error.code : "VALIDATION_FAILED";
        const text = eventText(event);
        return {
          type: "item",
          item: {
            source,
            // Cursor plus content hash: unique per refused event, stable when a page is re-read.
            recordKey: `${source}:refused:${cursor}:${id(text).slice(2, 18)}`,
            kind: "fact",
            relayer,
            payload: text.slice(0, 4000),
            dead: { errorName: code, errorDetail: error.message },
          },
        };
      }
    },
  };
}

const MAX_DEAD_LETTER_DEPTH = 32;

/**
 * The refused event as JSON for its dead letter. An event nested thousands deep makes
 * JSON.stringify throw a RangeError, which would stall the feed at that event: beyond
 * MAX_DEAD_LETTER_DEPTH it is cut, so the dead letter still says what arrived.
 */
function eventText(event: unknown): string {
  try {
    return JSON.stringify(event ?? null);
  } catch {
    const cut = (value: unknown, depth: number): unknown => {
      if (typeof value === "bigint") return value.toString();
      if (typeof value !== "object" || value === null) return value;
      if (depth >= MAX_DEAD_LETTER_DEPTH) return "[nested too deep]";
      if (Array.isArray(value)) return value.map((v) => cut(v, depth + 1));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cut(v, depth + 1)]));
    };
    return JSON.stringify(cut(event ?? null, 0));
  }
}

function checkDates(kind: FactKind, fields: Record<string, unknown>): void {
  const required: Record<FactKind, string[]> = {
    civil: ["birthDate"], death: ["deathDate"], assessment: ["effectiveDate"], revocation: [], income: [], hospitalStay: ["admission"],
  };
  const optional: Record<FactKind, string[]> = {
    civil: [], death: [], assessment: ["reviewDate"], revocation: [], income: [], hospitalStay: ["discharge"],
  };
  for (const field of required[kind]) formatIsoDate(fields[field] as number, `record.${field}`);
  for (const field of optional[kind]) if (fields[field] !== 0) formatIsoDate(fields[field] as number, `record.${field}`);
}

function checkIstat(code: number): void {
  parseIstatMunicipalityCode(String(code).padStart(6, "0"), "record.residence");
  formatIstatCode(code);
}
