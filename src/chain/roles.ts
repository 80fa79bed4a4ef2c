// AccessManager role ids; mirrors contracts/access/Roles.sol (checked by test/chain/permissions.test.ts).
export const ROLE = {
  ADMIN: 0n,
  GOVERNANCE: 1n,
  REGISTRAR: 2n,
  CIVIL_RELAYER: 3n,
  HEALTH_RELAYER: 4n,
  INCOME_RELAYER: 5n,
  INPS_DECIDER: 6n,
  INPS_PAYER: 7n,
  GUARDIAN: 8n,
  RELAYER: 9n,
} as const;

export type RoleName = keyof typeof ROLE;

/** The roles whose holders relay signed records; each also needs RELAYER to send a batch of them. */
const RECORD_RELAYERS: ReadonlySet<RoleName> = new Set(["CIVIL_RELAYER", "HEALTH_RELAYER", "INCOME_RELAYER"]);

/**
 * What granting `role` really grants: a record relayer also gets RELAYER, the one role
 * `FactRegistry.recordBatch` is wired to (an AccessManager function has a single role, and a
 * batch mixes kinds), so that no account outside the relayers can send a batch.
 */
export function rolesGranted(role: RoleName): RoleName[] {
  return RECORD_RELAYERS.has(role) ? [role, "RELAYER"] : [role];
}

export type PAChainContractName = "OrganisationRegistry" | "FactRegistry" | "BenefitCatalog" | "BenefitLedger";

/** Which role may call which restricted function: the whole permission table of the consortium. */
export const PERMISSIONS: ReadonlyArray<{ contract: PAChainContractName; role: RoleName; functions: readonly string[] }> = [
  { contract: "OrganisationRegistry", role: "REGISTRAR", functions: ["registerOrganisation", "setOrganisationActive", "addSigner", "retireSigner"] },
  { contract: "FactRegistry", role: "CIVIL_RELAYER", functions: ["recordCivil", "recordDeath"] },
  { contract: "FactRegistry", role: "HEALTH_RELAYER", functions: ["recordAssessment", "recordRevocation", "recordHospitalStay"] },
  { contract: "FactRegistry", role: "INCOME_RELAYER", functions: ["recordIncome"] },
  { contract: "FactRegistry", role: "RELAYER", functions: ["recordBatch"] },
  { contract: "FactRegistry", role: "GUARDIAN", functions: ["pause", "unpause"] },
  { contract: "BenefitCatalog", role: "GOVERNANCE", functions: ["defineBenefit", "setYearTerms", "setWavePhase"] },
  { contract: "BenefitLedger", role: "INPS_DECIDER", functions: ["recordDecision", "recordDecisions"] },
  { contract: "BenefitLedger", role: "INPS_PAYER", functions: ["recordPayment", "recordPayments", "recordPaymentRuns"] },
  { contract: "BenefitLedger", role: "GUARDIAN", functions: ["pause", "unpause"] },
];

// ---------------------------------------------------------------- credentials (issue 17)
// Kept as their own block (ids from 16 up) so the consortium's operational roles above can change
// without touching them. The credential issuer (the read API) anchors each status list it
// publishes; contracts/credentials/StatusListAnchor.sol.
export const CREDENTIAL_ROLE = {
  CREDENTIAL_ISSUER: 16n,
} as const;

export type CredentialRoleName = keyof typeof CREDENTIAL_ROLE;

export const CREDENTIAL_PERMISSIONS: ReadonlyArray<{ contract: "StatusListAnchor"; role: CredentialRoleName; functions: readonly string[] }> = [
  { contract: "StatusListAnchor", role: "CREDENTIAL_ISSUER", functions: ["anchor"] },
];
