// Demo mode only: signs an assessment with the demo commission members' keys (PACHAIN_HOME/keys),
// standing in for the members' own signing devices, so a person can try the commission's flow.
import { join } from "node:path";
import { factDomain } from "../chain/signing.ts";
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
