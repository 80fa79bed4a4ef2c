// Turns drafts into feed events: the subject pseudonym, signedAt and the certifier's EIP-712
// signature(s), made with src/chain/signing.ts so they are exactly what FactRegistry verifies.
import type { TypedDataDomain, Wallet } from "ethers";
import { FACT_TYPES, signAssessment, signFact, type FactRecords, type FactType } from "../chain/signing.ts";
import { pseudonymise } from "../domain/pseudonym.ts";
import { FACT_TYPE_OF_KIND, type Draft, type FactEvent, type SourceEvent } from "./events.ts";
import type { Uncursored } from "./feed.ts";

export interface CertifyContext {
  domain: TypedDataDomain;
  /** Demo organisation slug → its signing keys (organisationKeys()). */
  keys: ReadonlyMap<string, readonly Wallet[]>;
  /** Consortium HMAC key: subject = pseudonymise(fiscalCode, key). */
  pseudonymKey: string;
  /** Unix milliseconds; signedAt is its second. */
  now: () => number;
}

function signersOf(ctx: CertifyContext, slug: string, indexes: readonly number[]): Wallet[] {
  const keys = ctx.keys.get(slug);
  if (keys === undefined) throw new Error(`simulators: this source holds no keys of ${slug}`);
  return indexes.map((i) => {
    const key = keys[i];
    if (key === undefined) throw new Error(`simulators: ${slug} has no key #${i}`);
    return key;
  });
}

export async function certify(draft: Draft, ctx: CertifyContext): Promise<Uncursored<SourceEvent>> {
  const now = ctx.now();
  const issuedAt = new Date(now).toISOString();
  if (draft.kind === "application") return { ...draft, issuedAt };

  const type: FactType = FACT_TYPE_OF_KIND[draft.kind];
  const signedAt = Math.floor(now / 1000);
  // Revocations name an assessment, not a person: they carry no subject.
  const record: Record<string, string | number | bigint> = { ...draft.fields, signedAt };
  if (draft.kind !== "revocation") record.subject = pseudonymise(draft.fiscalCode, ctx.pseudonymKey);
  const signers = signersOf(ctx, draft.certifier.slug, draft.certifier.keys);
  const signatures =
    type === "AssessmentRecord"
      ? await signAssessment(signers, ctx.domain, record as unknown as FactRecords["AssessmentRecord"])
      : [await signFact(signers[0]!, ctx.domain, type, record as unknown as FactRecords[typeof type])];

  const event: Uncursored<FactEvent> = {
    kind: draft.kind,
    sourceId: draft.sourceId,
    fiscalCode: draft.fiscalCode,
    record: toWire(type, record),
    signatures,
    ...(draft.person ? { person: draft.person } : {}),
    issuedAt,
  };
  return event;
}

/** The record on the wire: the type's fields in struct order, bigint (amountCents) as a decimal string. */
function toWire(type: FactType, record: Record<string, string | number | bigint>): Record<string, string | number> {
  return Object.fromEntries(
    FACT_TYPES[type].map(({ name }) => {
      const value = record[name];
      if (value === undefined) throw new Error(`simulators: ${type} draft lacks ${name}`);
      return [name, typeof value === "bigint" ? value.toString() : value];
    }),
  );
}
