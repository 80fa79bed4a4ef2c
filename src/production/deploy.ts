// The production deployment path, shared by `npm run deploy:contracts` and `npm run
// deploy:consortium`: transaction keys from the environment or Hardhat's keystore, the chain id
// checked against the consortium's, Ignition parameters from a file, free-gas transactions, and
// the consortium (organisations, signing keys, oracle roles) applied from a file, re-runnably.
// Only standard eth_* methods reach the node, so the same commands work on Besu and on Hardhat.
import { existsSync, readFileSync } from "node:fs";
import { getAddress, JsonRpcProvider, Wallet, type ContractTransactionResponse, type Provider, type TransactionRequest } from "ethers";
import { z } from "zod";
import { DEV_KEYS } from "../config.ts";
import type { PAChainContracts } from "../chain/contracts.ts";
import { ORG_KIND, registerOrganisation, type OrgKindName } from "../chain/consortium.ts";
import type { WaveParameters } from "../chain/deploy.ts";
import { ROLE, type RoleName } from "../chain/roles.ts";
import type { ConsortiumRecord } from "../demo/consortium.ts";
import { ValidationError, chainError } from "../errors.ts";
import type { Logger } from "../logger.ts";

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

/**
 * A transaction key by its variable name: the environment first, else Hardhat's keystore
 * (`npx hardhat keystore set NAME`, which asks for the keystore's password). Hardhat's public
 * development keys are refused: on a consortium chain they would be anyone's.
 */
export async function resolveKey(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let value = env[name];
  if (value === undefined || value === "") {
    const [{ default: hre }, { configVariable }] = await Promise.all([import("hardhat"), import("hardhat/config")]);
    try {
      value = await hre.hooks.runHandlerChain("configurationVariables", "fetchValue", [configVariable(name)], async () => {
        throw new Error("not in the keystore");
      });
    } catch (error) {
      throw new ValidationError(name, `${name} is not set: export it or store it with \`npx hardhat keystore set ${name}\``, { cause: error });
    }
  }
  if (!PRIVATE_KEY.test(value)) throw new ValidationError(name, `${name} must be a 0x-prefixed 32-byte hex private key`);
  if ((DEV_KEYS as readonly string[]).includes(value.toLowerCase())) {
    throw new ValidationError(name, `${name} is one of Hardhat's public development keys: use the organisation's own key`);
  }
  return value;
}

/** Refuses a node that is not on the consortium's chain (PACHAIN_CHAIN_ID, from the genesis). */
export async function checkChainId(provider: JsonRpcProvider, expected: number | undefined): Promise<number> {
  const actual = Number(await provider.send("eth_chainId", []));
  if (expected !== undefined && actual !== expected) {
    throw new ValidationError("PACHAIN_CHAIN_ID", `the node at PACHAIN_RPC_URL is on chain ${actual}, not the consortium's chain ${expected}`);
  }
  return actual;
}

const waveParameters = z.object({
  PAChain: z
    .object({
      wave1Phase: z.number().int().min(0).max(2).optional(),
      wave2Phase: z.number().int().min(0).max(2).optional(),
      wave3Phase: z.number().int().min(0).max(2).optional(),
      wave1PilotProvinces: z.array(z.number().int().min(1).max(111)).optional(),
      wave2PilotProvinces: z.array(z.number().int().min(1).max(111)).optional(),
      wave3PilotProvinces: z.array(z.number().int().min(1).max(111)).optional(),
    })
    .strict(),
});

/** The wave phases of an Ignition parameters file (ignition/parameters/*.json). */
export function loadWaveParameters(file: string): WaveParameters[] {
  if (!existsSync(file)) throw new ValidationError("--parameters", `no Ignition parameters file at ${file}`);
  const parsed = waveParameters.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError("--parameters", `${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  const p = parsed.data.PAChain;
  return ([1, 2, 3] as const).map((wave) => ({
    wave,
    phase: p[`wave${wave}Phase`] ?? 2,
    provinces: p[`wave${wave}PilotProvinces`] ?? [],
  }));
}

/**
 * A wallet whose transactions carry a fixed legacy gas price (0 on a free-gas network), so it never
 * asks the node for fee data it would then have to pay.
 */
export class FixedGasPriceWallet extends Wallet {
  readonly #gasPrice: bigint;

  constructor(privateKey: string, provider: Provider, gasPrice: bigint) {
    super(privateKey, provider);
    this.#gasPrice = gasPrice;
  }

  override populateTransaction(tx: TransactionRequest) {
    return super.populateTransaction({ ...tx, type: 0, gasPrice: this.#gasPrice, maxFeePerGas: undefined, maxPriorityFeePerGas: undefined });
  }
}

const address = z.string().refine((a) => /^0x[0-9a-fA-F]{40}$/.test(a), "must be a 0x-prefixed 20-byte address").transform((a) => getAddress(a));
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and dashes");

const consortiumFile = z
  .object({
    organisations: z.array(
      z.object({
        slug,
        kind: z.enum(Object.keys(ORG_KIND).filter((k) => k !== "NONE") as [OrgKindName, ...OrgKindName[]]),
        code: z.number().int().min(0).max(2 ** 32 - 1),
        parent: slug.optional(),
        name: z.string().min(1).max(200),
        /** Public addresses of the organisation's signing keys (members' keys for a commission). */
        signers: z.array(address).default([]),
      }).strict(),
    ),
    oracles: z.array(
      z.object({
        /** Which organisation runs this oracle (a label for people; the roles decide what it may do). */
        organisation: z.string().min(1),
        account: address,
        roles: z.array(z.enum(Object.keys(ROLE) as [RoleName, ...RoleName[]])).min(1),
      }).strict(),
    ).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const slugs = new Set<string>();
    file.organisations.forEach((org, i) => {
      if (slugs.has(org.slug)) ctx.addIssue({ code: "custom", path: ["organisations", i, "slug"], message: `"${org.slug}" appears twice` });
      if (org.kind === "MEDICAL_COMMISSION" && (!org.parent || !slugs.has(org.parent))) {
        ctx.addIssue({ code: "custom", path: ["organisations", i, "parent"], message: "a medical commission needs the slug of an ASL or INPS listed before it" });
      }
      slugs.add(org.slug);
    });
    file.oracles.forEach((oracle, i) => {
      if (oracle.roles.some((r) => r === "ADMIN" || r === "GOVERNANCE" || r === "REGISTRAR")) {
        ctx.addIssue({ code: "custom", path: ["oracles", i, "roles"], message: "an oracle account never holds a governance role" });
      }
    });
  });

export type ConsortiumFile = z.infer<typeof consortiumFile>;

export function parseConsortiumFile(file: string): ConsortiumFile {
  if (!existsSync(file)) throw new ValidationError("FILE", `no consortium file at ${file}`);
  const parsed = consortiumFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(issue.path.join("."), `${file}: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Applies the consortium file from an account holding ADMIN and REGISTRAR: grants each oracle its
 * roles, registers each organisation not yet in `record` and adds each signing key not yet on chain.
 * What is already there is skipped, so an organisation is added by editing the file and re-running.
 * Grants and keys go out back to back and are awaited together (a QBFT block each would be slow);
 * registrations one by one, since a commission needs its parent's id.
 */
export async function applyConsortium(
  contracts: PAChainContracts,
  spec: ConsortiumFile,
  record: ConsortiumRecord,
  logger: Logger,
): Promise<{ record: ConsortiumRecord; transactions: number }> {
  const sent: ContractTransactionResponse[] = [];
  for (const oracle of spec.oracles) {
    for (const role of oracle.roles) {
      const [member] = await contracts.manager.hasRole(ROLE[role], oracle.account);
      if (member) continue;
      sent.push(await contracts.manager.grantRole(ROLE[role], oracle.account, 0));
      logger.info({ organisation: oracle.organisation, account: oracle.account, role }, "granting role");
    }
  }
  const organisations = [...record.organisations];
  let registrations = 0;
  for (const org of spec.organisations) {
    let known = organisations.find((o) => o.slug === org.slug);
    if (!known) {
      const parentId = org.parent ? organisations.find((o) => o.slug === org.parent)!.orgId : 0;
      const orgId = await registerOrganisation(contracts, { kind: org.kind, code: org.code, parentId, name: org.name });
      registrations += 1;
      known = { slug: org.slug, orgId, kind: org.kind, code: org.code, name: org.name, parent: org.parent };
      organisations.push(known);
      logger.info({ slug: org.slug, orgId }, "organisation registered");
    }
    for (const signer of org.signers) {
      const key = await contracts.organisations.signerKey(signer);
      if (Number(key.orgId) === known.orgId) continue;
      if (Number(key.orgId) !== 0) {
        throw new ValidationError(`organisations.${org.slug}.signers`, `${signer} already belongs to organisation ${key.orgId}: a key belongs to one organisation for ever`);
      }
      sent.push(await contracts.organisations.addSigner(known.orgId, signer));
      logger.info({ slug: org.slug, signer }, "adding signing key");
    }
  }
  for (const tx of sent) {
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw chainError("CHAIN_REVERTED", `transaction failed: ${tx.hash}`);
  }
  return { record: { organisations }, transactions: sent.length + registrations };
}
