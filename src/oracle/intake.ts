// Validates one feed event and turns it into an outbox item: the exact FactRegistry call the
// relayer will send. A record that fails validation becomes a dead letter with the reason, so
// nothing is silently dropped and nothing invalid reaches the chain.
import { id, type Interface } from "ethers";
import { z } from "zod/v4";
import { PaChainError, ValidationError } from "../errors.ts";
import { benefitByCode, type Catalog } from "../domain/catalog.ts";
import { formatIsoDate } from "../domain/dates.ts";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import { dateFields, FACT_KIND_NAMES, FACT_KINDS, recordSchema, type FactKind } from "../domain/facts.ts";
import { formatIstatCode, parseIstatMunicipalityCode } from "../domain/istat.ts";
import { onChainAssessmentId } from "../chain/signing.ts";
import type { Application, NewItem, RelayerName } from "./store.ts";
import type { PseudonymVault } from "./vault.ts";

const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex string");
const signature = z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte hex signature");
const ymd = z.number().int().min(0).max(21991231);

// Each kind's record schema, derived from its declaration (src/domain/facts.ts).
const RECORD_SCHEMAS = Object.fromEntries(FACT_KIND_NAMES.map((kind) => [kind, recordSchema(kind)])) as Record<FactKind, ReturnType<typeof recordSchema>>;

const factEvent = z.object({
  cursor: z.number().int().nonnegative(),
  kind: z.enum(FACT_KIND_NAMES),
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

/** A refused event; the message starts with the offending field ("record.subject: …"). */
class IntakeRefusal extends ValidationError {
  constructor(message: string) {
    super(/^([\w.]+):/.exec(message)?.[1] ?? "event", message);
  }
}

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
    if (FACT_KINDS[event.kind].hasSubject) {
      if (event.fiscalCode === undefined) throw new IntakeRefusal("fiscalCode: missing");
      // The certifier signed the pseudonym; the oracle checks it is this person's, then keeps the link.
      const pseudonym = vault.remember(parseFiscalCode(event.fiscalCode));
      if (pseudonym.toLowerCase() !== String(fields.subject).toLowerCase()) {
        throw new IntakeRefusal("record.subject: is not the pseudonym of the fiscal code");
      }
    }
    const spec = FACT_KINDS[event.kind];
    if (spec.signatures === "members" && event.signatures.length < 2) {
      throw new IntakeRefusal("signatures: an assessment needs at least two commission members");
    }
    const args = spec.signatures === "members" ? [fields, event.signatures] : [fields, event.signatures[0]];
    // An assessment is known by its on-chain id, bound to its commission (as FactRegistry keys it),
    // so one commission's verbale number never collides with another's.
    const id = event.kind === "assessment"
      ? onChainAssessmentId(fields.commissionId as number, String(fields.assessmentId))
      : String(fields[spec.idField]);
    return {
      source,
      recordKey: `${event.kind}:${id}`,
      kind: "fact",
      relayer,
      payload: factsInterface.encodeFunctionData(spec.function, args),
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
        if (!(error instanceof PaChainError)) throw error;
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
  for (const { name, optional } of dateFields(kind)) {
    if (!optional || fields[name] !== 0) formatIsoDate(fields[name] as number, `record.${name}`);
  }
}

function checkIstat(code: number): void {
  parseIstatMunicipalityCode(String(code).padStart(6, "0"), "record.residence");
  formatIstatCode(code);
}
