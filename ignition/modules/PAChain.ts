// Deploys the whole PA Chain system, wires every restricted function to its role, and seeds the
// benefit catalog and the wave phases from the project's rule table (data/benefit-rules.json).
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { loadCatalog, ruleOf, WAVE_PHASE } from "../../src/domain/catalog.ts";
import { selectorsOf } from "../../src/chain/artifacts.ts";
import { CREDENTIAL_PERMISSIONS, CREDENTIAL_ROLE, PERMISSIONS, ROLE } from "../../src/chain/roles.ts";

const WAVES = [1, 2, 3] as const;

export default buildModule("PAChain", (m) => {
  const deployer = m.getAccount(0);
  // Phase codes at deployment, per wave (src/domain/catalog.ts WAVE_PHASE): LIVE by default;
  // PILOT needs `waveNPilotProvinces` (3-digit ISTAT province numbers).
  const wavePhases = WAVES.map((wave) => m.getParameter<number>(`wave${wave}Phase`, WAVE_PHASE.LIVE));
  const pilotProvinces = WAVES.map((wave) => m.getParameter<number[]>(`wave${wave}PilotProvinces`, []));

  const manager = m.contract("PAAccessManager", [deployer]);
  const organisations = m.contract("OrganisationRegistry", [manager]);
  const facts = m.contract("FactRegistry", [manager, organisations]);
  const catalog = m.contract("BenefitCatalog", [manager]);
  const ledger = m.contract("BenefitLedger", [manager, facts, catalog]);
  const targets = { OrganisationRegistry: organisations, FactRegistry: facts, BenefitCatalog: catalog, BenefitLedger: ledger };

  const wiring = PERMISSIONS.map(({ contract, role, functions }) =>
    m.call(manager, "setTargetFunctionRole", [targets[contract], selectorsOf(contract, functions), ROLE[role]], {
      id: `permit_${contract}_${role}`,
    }),
  );
  // The deployer starts as the consortium's bootstrap governance; docs/operations.md hands it over.
  const bootstrapRoles = (["GOVERNANCE", "REGISTRAR", "GUARDIAN"] as const).map((role) =>
    m.call(manager, "grantRole", [ROLE[role], deployer, 0], { id: `grant_${role}_deployer` }),
  );
  // Credentials (issue 17): the status lists' anchor, wired from its own permission block.
  const statusListAnchor = m.contract("StatusListAnchor", [manager]);
  const credentialWiring = CREDENTIAL_PERMISSIONS.map(({ contract, role, functions }) =>
    m.call(manager, "setTargetFunctionRole", [statusListAnchor, selectorsOf(contract, functions), CREDENTIAL_ROLE[role]], {
      id: `permit_${contract}_${role}`,
    }),
  );
  const ready = [...wiring, ...bootstrapRoles, ...credentialWiring];

  for (const benefit of loadCatalog().benefits) {
    const defined = m.call(catalog, "defineBenefit", [benefit.code, ruleOf(benefit)], { id: `define_${benefit.code}`, after: ready });
    for (const year of benefit.years) {
      m.call(catalog, "setYearTerms", [benefit.id, year.year, year.monthlyAmountCents, year.incomeLimitCents], {
        id: `terms_${benefit.code}_${year.year}`,
        after: [defined],
      });
    }
  }
  WAVES.forEach((wave, i) => {
    m.call(catalog, "setWavePhase", [wave, wavePhases[i], pilotProvinces[i]], { id: `wave${wave}`, after: ready });
  });

  return { manager, organisations, facts, catalog, ledger, statusListAnchor };
});
