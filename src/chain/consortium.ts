// Governance steps that set up a consortium on a deployed PA Chain: who relays for whom (roles)
// and which organisations and keys certify facts. Used by the embedded demo, the conformance
// runner and the tests; in production the same calls go through governance (docs/operations.md).
import type { ContractTransactionResponse } from "ethers";
import type { PAChainContracts } from "./contracts.ts";
import { ROLE, rolesGranted, type RoleName } from "./roles.ts";
import { chainError } from "../errors.ts";

/** OrgKind in contracts/types/PATypes.sol. */
export const ORG_KIND = { NONE: 0, MUNICIPALITY: 1, ASL: 2, INPS: 3, MEDICAL_COMMISSION: 4, PATRONATO: 5 } as const;
export type OrgKindName = keyof typeof ORG_KIND;

export interface OrganisationSpec {
  kind: OrgKindName;
  /** ISTAT municipality code for municipalities, regional code for ASLs, a patronato's recognition number (or 0), 0 otherwise. */
  code: number;
  /** The ASL or INPS organisation of a medical commission, 0 otherwise. */
  parentId: number;
  name: string;
}

async function mined(tx: Promise<ContractTransactionResponse>) {
  const receipt = await (await tx).wait();
  if (!receipt || receipt.status !== 1) throw chainError("CHAIN_REVERTED", `transaction failed: ${receipt?.hash}`);
  return receipt;
}

/**
 * Grants each role to each account (from an account holding the AccessManager's admin role); a
 * record relayer role brings RELAYER with it (`rolesGranted`).
 */
export async function grantRoles(
  contracts: Pick<PAChainContracts, "manager">,
  grants: ReadonlyArray<readonly [RoleName, string]>,
): Promise<void> {
  const granted = new Set<string>();
  for (const [role, account] of grants) {
    for (const r of rolesGranted(role)) {
      if (granted.has(`${r}:${account}`)) continue;
      granted.add(`${r}:${account}`);
      await mined(contracts.manager.grantRole(ROLE[r], account, 0));
    }
  }
}

/** Registers an organisation (from a REGISTRAR) and returns its on-chain id. */
export async function registerOrganisation(
  contracts: Pick<PAChainContracts, "organisations">,
  spec: OrganisationSpec,
): Promise<number> {
  const { organisations } = contracts;
  const receipt = await mined(
    organisations.registerOrganisation(ORG_KIND[spec.kind], spec.code, spec.parentId, spec.name),
  );
  for (const log of receipt.logs) {
    const parsed = organisations.interface.parseLog(log);
    if (parsed?.name === "OrganisationRegistered") return Number(parsed.args.orgId);
  }
  throw new Error(`no OrganisationRegistered event for ${spec.name}`);
}

/** Adds signing keys to an organisation (from a REGISTRAR). */
export async function addSigners(
  contracts: Pick<PAChainContracts, "organisations">,
  orgId: number,
  signers: readonly string[],
): Promise<void> {
  for (const signer of signers) await mined(contracts.organisations.addSigner(orgId, signer));
}
