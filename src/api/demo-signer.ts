// Demo mode only: signs an assessment with the demo commission members' keys (PACHAIN_HOME/keys),
// standing in for the members' own signing devices, so a person can try the commission's flow; and
// signs the submission's body as the commission's submitting system would (ModI Agid-JWT-Signature).
import { join } from "node:path";
import { id, type Wallet } from "ethers";
import { factDomain, signFact } from "../chain/signing.ts";
import { nowSeconds, type Clock } from "../clock.ts";
import type { Deployment } from "../chain/deploy.ts";
import { loadConsortium, organisationKeys } from "../demo/consortium.ts";
import { PaChainError } from "../errors.ts";
import { signCommissionAssessment } from "../chain/commission-assessment.ts";
import { demoIntegrityKey, INTEGRITY_HEADER, signIntegrity } from "./integrity.ts";

export type DemoSigner = (commissionId: number, input: unknown) => Promise<{
  submission: { sourceId: string; fiscalCode: string; record: Record<string, unknown>; signatures: string[] };
  reportSalt: string;
  /** The ModI integrity header for POST /v1/assessments with `submission` as its body (JSON.stringify of it). */
  integrity: { header: string; value: string };
}>;

export function createDemoSigner(options: { home: string; deployment: Deployment; pseudonymKey: string; clock: Clock; integrityKeysDir: string }): DemoSigner {
  const { home, deployment, pseudonymKey, clock, integrityKeysDir } = options;
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
    const submission = { sourceId, fiscalCode, record: { ...record }, signatures };
    // The commission's submitting system signs the body it will send (demo: a demo system key per commission).
    const systemKey = await demoIntegrityKey(home, integrityKeysDir, commissionId);
    const value = await signIntegrity(JSON.stringify(submission), systemKey, nowSeconds(clock));
    return { submission, reportSalt: signed.reportSalt, integrity: { header: INTEGRITY_HEADER, value } };
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
