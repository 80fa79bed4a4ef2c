// The demo consortium of the embedded chain: INPS, two health authorities with their medical
// commissions, and eight municipalities, each signing with its own keys; and the relayer accounts
// of the three oracles. Three patronati are registered on chain too (kind PATRONATO, no signing
// key: a patronato certifies nothing); their operators, personal data, stay in the directory file
// off chain. In production each organisation brings its own keys (docs/operations.md).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseEther, Wallet, type Signer } from "ethers";
import { addSigners, grantRoles, registerOrganisation, type OrgKindName } from "../chain/consortium.ts";
import type { PAChainContracts } from "../chain/contracts.ts";
import { CREDENTIAL_ROLE } from "../chain/roles.ts";
import { DEV_KEYS } from "../config.ts";
import type { Logger } from "../logger.ts";
import { misconfigured } from "../errors.ts";

export interface DemoOrganisation {
  /** Stable name of the organisation's key file. */
  slug: string;
  kind: OrgKindName;
  code: number;
  /** Slug of the parent (commissions only). */
  parent?: string;
  name: string;
  /** How many signing keys: commissions need at least two members. */
  keys: number;
}

export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  { slug: "inps", kind: "INPS", code: 0, name: "INPS - Istituto Nazionale Previdenza Sociale", keys: 1 },
  { slug: "inps-cml-roma", kind: "MEDICAL_COMMISSION", code: 0, parent: "inps", name: "INPS - Commissione medica Roma", keys: 3 },
  { slug: "asl-roma-1", kind: "ASL", code: 120201, name: "ASL Roma 1", keys: 1 },
  { slug: "asl-roma-1-cml", kind: "MEDICAL_COMMISSION", code: 0, parent: "asl-roma-1", name: "ASL Roma 1 - Commissione medico-legale", keys: 3 },
  { slug: "ats-milano", kind: "ASL", code: 30321, name: "ATS Milano Città Metropolitana", keys: 1 },
  { slug: "ats-milano-cml", kind: "MEDICAL_COMMISSION", code: 0, parent: "ats-milano", name: "ATS Milano - Commissione medico-legale", keys: 3 },
  { slug: "comune-roma", kind: "MUNICIPALITY", code: 58091, name: "Comune di Roma", keys: 1 },
  { slug: "comune-milano", kind: "MUNICIPALITY", code: 15146, name: "Comune di Milano", keys: 1 },
  { slug: "comune-napoli", kind: "MUNICIPALITY", code: 63049, name: "Comune di Napoli", keys: 1 },
  { slug: "comune-torino", kind: "MUNICIPALITY", code: 1272, name: "Comune di Torino", keys: 1 },
  { slug: "comune-brescia", kind: "MUNICIPALITY", code: 17029, name: "Comune di Brescia", keys: 1 },
  { slug: "comune-firenze", kind: "MUNICIPALITY", code: 48017, name: "Comune di Firenze", keys: 1 },
  { slug: "comune-palermo", kind: "MUNICIPALITY", code: 82053, name: "Comune di Palermo", keys: 1 },
  { slug: "comune-bologna", kind: "MUNICIPALITY", code: 37006, name: "Comune di Bologna", keys: 1 },
];

/**
 * A patronato (or another accredited intermediary) of the consortium's directory, with the
 * operators who may act for it. The patronato is a PATRONATO organisation on chain; its operators'
 * identities are kept off chain, in the consortium file (docs/patronati.md).
 */
export interface DemoPatronato {
  slug: string;
  name: string;
  /** The operators' identities (fiscal code, as their SPID/CIE tokens name them) and names. */
  operators: ReadonlyArray<{ fiscalCode: string; name: string }>;
}

export const DEMO_PATRONATI: readonly DemoPatronato[] = [
  {
    slug: "patronato-inca-roma", name: "Patronato INCA CGIL - Roma",
    operators: [{ fiscalCode: "VRDLGU70A01H501O", name: "Luigi Verdi" }, { fiscalCode: "BNCGNN75B42H501E", name: "Giovanna Bianchi" }],
  },
  {
    slug: "patronato-inas-milano", name: "Patronato INAS CISL - Milano",
    operators: [{ fiscalCode: "RSSPLA80C03F205H", name: "Paolo Rossi" }, { fiscalCode: "FRRNNA82D44F205F", name: "Anna Ferrari" }],
  },
  {
    slug: "patronato-acli-napoli", name: "Patronato ACLI - Napoli",
    operators: [{ fiscalCode: "CLMMRC78E05F839V", name: "Marco Colombo" }, { fiscalCode: "GLLSRA90H50F839S", name: "Sara Galli" }],
  },
];

/** Demo waves: wave 1 live, wave 2 piloting in five provinces, wave 3 piloting in Rome only. */
export const DEMO_WAVES = [
  { wave: 1, phase: 2, provinces: [] },
  { wave: 2, phase: 1, provinces: [15, 17, 48, 58, 63] },
  { wave: 3, phase: 1, provinces: [58] },
] as const;

export interface RegisteredOrganisation extends DemoOrganisation {
  orgId: number;
  signers: Wallet[];
}

/**
 * The organisation's signing keys, created on first use and kept in `keysDir` (mode 0600), so the
 * source simulators and a restarted chain use the same keys.
 */
export function organisationKeys(keysDir: string, org: Pick<DemoOrganisation, "slug" | "keys">): Wallet[] {
  const file = join(keysDir, `${org.slug}.json`);
  if (!existsSync(file)) {
    mkdirSync(keysDir, { recursive: true, mode: 0o700 });
    const keys = Array.from({ length: org.keys }, () => Wallet.createRandom().privateKey);
    writeFileSync(file, `${JSON.stringify({ slug: org.slug, privateKeys: keys }, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const { privateKeys } = JSON.parse(readFileSync(file, "utf8")) as { privateKeys: string[] };
  return privateKeys.map((key) => new Wallet(key));
}

export interface RelayerAddresses {
  civil: string;
  health: string;
  inps: string;
  /** The read API's account that anchors credential status lists (default: the 5th development key, PACHAIN_CREDENTIAL_ANCHOR_KEY's default). */
  credentialIssuer?: string;
}

/** Grants the oracles' relayer accounts their roles and registers every demo organisation and key. */
export async function setUpDemoConsortium(
  contracts: PAChainContracts,
  relayers: RelayerAddresses,
  keysDir: string,
  logger: Logger,
): Promise<RegisteredOrganisation[]> {
  await grantRoles(contracts, [
    ["CIVIL_RELAYER", relayers.civil],
    ["HEALTH_RELAYER", relayers.health],
    // INPS relays its own commissions' assessments and its revocations, incomes, decisions, payments.
    ["HEALTH_RELAYER", relayers.inps],
    ["INCOME_RELAYER", relayers.inps],
    ["INPS_DECIDER", relayers.inps],
    ["INPS_PAYER", relayers.inps],
  ]);
  const issuer = relayers.credentialIssuer ?? new Wallet(DEV_KEYS[4]).address;
  await (await contracts.manager.grantRole(CREDENTIAL_ROLE.CREDENTIAL_ISSUER, issuer, 0)).wait();
  // The embedded chain funds only the deployer and the relayers: the anchoring account gets gas money.
  const funder = contracts.manager.runner as Signer;
  if ((await funder.provider!.getBalance(issuer)) === 0n) await (await funder.sendTransaction({ to: issuer, value: parseEther("100") })).wait();
  const registered: RegisteredOrganisation[] = [];
  for (const org of DEMO_ORGANISATIONS) {
    const parentId = org.parent ? registered.find((r) => r.slug === org.parent)!.orgId : 0;
    const orgId = await registerOrganisation(contracts, { kind: org.kind, code: org.code, parentId, name: org.name });
    const signers = organisationKeys(keysDir, org);
    await addSigners(contracts, orgId, signers.map((s) => s.address));
    registered.push({ ...org, orgId, signers });
  }
  // The patronati right after, in order: saveConsortium gives them the ids that follow.
  const firstPatronatoId = Math.max(0, ...registered.map((r) => r.orgId)) + 1;
  for (const [i, patronato] of DEMO_PATRONATI.entries()) {
    const orgId = await registerOrganisation(contracts, { kind: "PATRONATO", code: 0, parentId: 0, name: patronato.name });
    if (orgId !== firstPatronatoId + i) throw new Error(`patronato ${patronato.slug} registered as ${orgId}, expected ${firstPatronatoId + i}`);
  }
  logger.info({ organisations: registered.length, patronati: DEMO_PATRONATI.length }, "demo consortium registered");
  return registered;
}

/** What a source system needs to know about the consortium: each organisation's on-chain id. */
export interface ConsortiumRecord {
  organisations: Array<{ slug: string; orgId: number; kind: OrgKindName; code: number; name: string; parent?: string }>;
  /**
   * The patronati: `id` is their on-chain organisation id (kind PATRONATO); their operators
   * (personal data) are kept only here, off chain. Absent in files written before patronati.
   */
  patronati?: Array<{ slug: string; id: number; name: string; operators: Array<{ fiscalCode: string; name: string }> }>;
}

export function saveConsortium(file: string, registered: readonly RegisteredOrganisation[], patronati: readonly DemoPatronato[] = DEMO_PATRONATI): void {
  const firstId = Math.max(0, ...registered.map((r) => r.orgId)) + 1;
  const record: ConsortiumRecord = {
    organisations: registered.map(({ slug, orgId, kind, code, name, parent }) => ({ slug, orgId, kind, code, name, parent })),
    patronati: patronati.map((p, i) => ({ slug: p.slug, id: firstId + i, name: p.name, operators: p.operators.map((o) => ({ ...o })) })),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
}

export function loadConsortium(file: string): ConsortiumRecord {
  if (!existsSync(file)) throw misconfigured(`no consortium record at ${file}: start PA Chain first (npm start)`);
  return JSON.parse(readFileSync(file, "utf8")) as ConsortiumRecord;
}
