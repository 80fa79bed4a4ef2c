// EIP-712 signing of certified facts, exactly as FactRegistry verifies them. Source systems sign
// with their organisation's keys; the relayer only carries the signature, so it cannot forge.
import { AbiCoder, keccak256, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";
import { FACT_KIND_NAMES, FACT_KINDS, typedDataFields, type FactKind } from "../domain/facts.ts";

export const FACT_DOMAIN_NAME = "PA Chain Facts";
export const FACT_DOMAIN_VERSION = "1";

/** The record types FactRegistry verifies, by EIP-712 struct name. */
export type FactType = (typeof FACT_KINDS)[FactKind]["record"];

/** EIP-712 types derived from the fact kinds (src/domain/facts.ts): field order is the contract's. */
export const FACT_TYPES = Object.fromEntries(
  FACT_KIND_NAMES.map((kind) => [FACT_KINDS[kind].record, typedDataFields(kind)]),
) as Record<FactType, TypedDataField[]>;

type Hex = string;
export interface CivilRecord { recordId: Hex; subject: Hex; birthDate: number; residence: number; signedAt: number }
export interface DeathRecord { recordId: Hex; subject: Hex; deathDate: number; signedAt: number }
export interface AssessmentRecord {
  assessmentId: Hex; subject: Hex; commissionId: number; category: number; percentage: number; flags: number;
  effectiveDate: number; reviewDate: number; reportHash: Hex; signedAt: number;
}
export interface RevocationRecord { recordId: Hex; assessmentId: Hex; reason: number; signedAt: number }
export interface IncomeRecord { recordId: Hex; subject: Hex; year: number; amountCents: bigint | number; signedAt: number }
export interface HospitalStayRecord { recordId: Hex; subject: Hex; admission: number; discharge: number; signedAt: number }

export interface FactRecords {
  CivilRecord: CivilRecord;
  DeathRecord: DeathRecord;
  AssessmentRecord: AssessmentRecord;
  RevocationRecord: RevocationRecord;
  IncomeRecord: IncomeRecord;
  HospitalStayRecord: HospitalStayRecord;
}

/**
 * The on-chain id of a commission's assessment, as FactRegistry.assessmentKey derives it: the
 * commission's own id bound to the commission, so two commissions' verbale numbers never collide.
 * Events, revocations, snapshots and the API name an assessment by it.
 */
export function onChainAssessmentId(commissionId: number | bigint, assessmentId: string): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(["uint32", "bytes32"], [commissionId, assessmentId]));
}

/** The EIP-712 domain binds every signature to one chain and one FactRegistry (no cross-deployment replay). */
export function factDomain(chainId: bigint | number, factRegistry: string): TypedDataDomain {
  return { name: FACT_DOMAIN_NAME, version: FACT_DOMAIN_VERSION, chainId, verifyingContract: factRegistry };
}

export async function signFact<T extends FactType>(
  signer: Signer,
  domain: TypedDataDomain,
  type: T,
  record: FactRecords[T],
): Promise<string> {
  return signer.signTypedData(domain, { [type]: [...FACT_TYPES[type]] }, record as unknown as Record<string, unknown>);
}

/**
 * Commission members' signatures on an assessment, ordered by ascending signer address as the
 * contract requires (that order is how it refuses a member signing twice).
 */
export async function signAssessment(
  members: readonly Signer[],
  domain: TypedDataDomain,
  record: AssessmentRecord,
): Promise<string[]> {
  const signed = await Promise.all(
    members.map(async (member) => ({
      address: BigInt(await member.getAddress()),
      signature: await signFact(member, domain, "AssessmentRecord", record),
    })),
  );
  signed.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return signed.map((s) => s.signature);
}
