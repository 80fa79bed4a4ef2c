// Demo mode only: signs an assessment with the demo commission members' keys (PACHAIN_HOME/keys),
// standing in for the members' own signing devices, so a person can try the commission's flow.
import { join } from "node:path";
import { id, type Wallet } from "ethers";
import { factDomain, signFact } from "../chain/signing.ts";
import { nowSeconds, type Clock } from "../clock.ts";
import type { Deployment } from "../chain/deploy.ts";
import { loadConsortium, organisationKeys } from "../demo/consortium.ts";
import { PaChainError } from "../errors.ts";
import { signCommissionAssessment } from "../oracle/commission.ts";

export type DemoSigner = (commissionId: number, input: unknown) => Promise<{
  submission: { sourceId: string; fiscalCode: string; record: Record<string, unknown>; signatures: string[] };
  reportSalt: string;
}>;

export function createDemoSigner(options: { home: string; deployment: Deployment; pseudonymKey: string; clock: Clock }): DemoSigner {
  const { home, deployment, pseudonymKey, clock } = options;
  return async (commissionId, input) => {
    const org = loadConsortium(join(home, "consortium.json")).organisations
      .find((o) => o.orgId === commissionId && o.kind === "MEDICAL_COMMISSION");
    if (!org) throw new PaChainError("NOT_FOUND", `no demo medical commission with id ${commissionId}`, { status: 404 });
    const members = organisationKeys(join(home, "keys"), { slug: org.slug, keys: 0 });
    const signed = await signCommissionAssessment(
      { ...(input as Record<string, unknown>), commissionId },
      { members, domain: factDomain(deployment.chainId, deployment.addresses.facts), pseudonymKey, nowSeconds: nowSeconds(clock) },
    );
    const { sourceId, fiscalCode, record, signatures } = signed.event;
    return { submission: { sourceId, fiscalCode, record: { ...record }, signatures }, reportSalt: signed.reportSalt };
  };
}

export type DemoRevocationSigner = (commissionId: number, assessmentId: string, reasonCode: number) => Promise<{
  record: { recordId: string; assessmentId: string; reason: number; signedAt: number };
  signatures: string[];
}>;

/**
 * Demo mode only: a member of the commission signs the revocation of one of its assessments
 * (EIP-712 RevocationRecord; the chain needs one member's signature). One revocation per
 * assessment: its record id is derived from the assessment id, so a retry is the same record.
 */
export function createDemoRevocationSigner(options: { home: string; deployment: Deployment; clock: Clock }): DemoRevocationSigner {
  const { home, deployment, clock } = options;
  return async (commissionId, assessmentId, reasonCode) => {
    const org = loadConsortium(join(home, "consortium.json")).organisations
      .find((o) => o.orgId === commissionId && o.kind === "MEDICAL_COMMISSION");
    if (!org) throw new PaChainError("NOT_FOUND", `no demo medical commission with id ${commissionId}`, { status: 404 });
    const [member] = organisationKeys(join(home, "keys"), { slug: org.slug, keys: 0 });
    const record = { recordId: id(`revocation:${assessmentId.toLowerCase()}`), assessmentId, reason: reasonCode, signedAt: nowSeconds(clock) };
    const signature = await signFact(member as Wallet, factDomain(deployment.chainId, deployment.addresses.facts), "RevocationRecord", record as never);
    return { record, signatures: [signature] };
  };
}
