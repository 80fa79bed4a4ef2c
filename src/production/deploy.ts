// The production deployment path, shared by `npm run deploy:contracts` and `npm run
// deploy:consortium`: transaction keys from the environment or Hardhat's keystore, the chain id
// checked against the consortium's, Ignition parameters from a file, free-gas transactions, and
// the consortium (organisations, signing keys, oracle roles) applied from a file, re-runnably.
// Only standard eth_* methods reach the node, so the same commands work on Besu and on Hardhat.
import { existsSync, readFileSync } from "node:fs";
import {
  getAddress, HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet, type Provider, type Signer, type TransactionRequest, type TransactionResponse,
} from "ethers";
import { z } from "zod/v4";
import { DEV_KEYS } from "../config.ts";
import { parseFiscalCode } from "../domain/fiscal-code.ts";
import type { PAChainContracts } from "../chain/contracts.ts";
import { ORG_KIND, registerOrganisation, type OrganisationSpec, type OrgKindName } from "../chain/consortium.ts";
import type { WaveParameters } from "../chain/deploy.ts";
import { ROLE, rolesGranted, type RoleName } from "../chain/roles.ts";
import type { ConsortiumRecord } from "../demo/consortium.ts";
import { ValidationError, chainError } from "../errors.ts";
import type { Logger } from "../logger.ts";

const PRIVATE_KEY = /^0x[0-9a-fA-F]{64}$/;

/** Hardhat's default mnemonic: its accounts' keys are published, so on a consortium chain they are anyone's. */
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
/** Accounts #0–#19 of the default mnemonic: what `hardhat node` funds and unlocks. */
export const HARDHAT_DEV_ACCOUNT_COUNT = 20;

let devWallets: ReadonlyArray<{ address: string; privateKey: string }> | undefined;
/** The public development accounts: DEV_KEYS and accounts #0–#19 of Hardhat's default mnemonic. */
export function hardhatDevAccounts(): ReadonlyArray<{ address: string; privateKey: string }> {
  devWallets ??= (() => {
    const mnemonic = Mnemonic.fromPhrase(HARDHAT_MNEMONIC);
    const derived = Array.from({ length: HARDHAT_DEV_ACCOUNT_COUNT }, (_, i) => HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${i}`));
    const all = [...DEV_KEYS.map((k) => new Wallet(k)), ...derived];
    return [...new Map(all.map((w) => [w.address, { address: w.address, privateKey: w.privateKey.toLowerCase() }])).values()];
  })();
  return devWallets;
}

export const isDevKey = (privateKey: string) => hardhatDevAccounts().some((w) => w.privateKey === privateKey.toLowerCase());
export const isDevAccount = (address: string) => hardhatDevAccounts().some((w) => w.address.toLowerCase() === address.toLowerCase());

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
  if (isDevKey(value)) {
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
        // Patronati have their own section (they bring operators, not signing keys).
        kind: z.enum(Object.keys(ORG_KIND).filter((k) => k !== "NONE" && k !== "PATRONATO") as [OrgKindName, ...OrgKindName[]]),
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
    /**
     * Patronati: registered on chain as PATRONATO organisations (no signing key: a patronato
     * certifies no fact); their operators' identities are personal data and never go on chain,
     * only into $PACHAIN_HOME/consortium.json, which the read API reads.
     */
    patronati: z.array(
      z.object({
        slug,
        name: z.string().min(1).max(200),
        /** The patronato's recognition number at the Ministry of Labour, or 0. */
        code: z.number().int().min(0).max(2 ** 32 - 1).default(0),
        operators: z.array(z.object({
          fiscalCode: z.string().transform((v, ctx) => {
            try {
              return parseFiscalCode(v, "fiscalCode");
            } catch (error) {
              ctx.addIssue({ code: "custom", message: (error as Error).message });
              return z.NEVER;
            }
          }),
          name: z.string().min(1).max(200),
        }).strict()).default([]),
      }).strict(),
    ).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const slugs = new Set<string>();
    file.patronati.forEach((p, i) => {
      if (file.organisations.some((o) => o.slug === p.slug) || file.patronati.findIndex((q) => q.slug === p.slug) !== i) {
        ctx.addIssue({ code: "custom", path: ["patronati", i, "slug"], message: `"${p.slug}" appears twice` });
      }
    });
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
    // A role or a signing key on a published development key would be anyone's.
    const devMessage = (a: string) => `${a} is one of Hardhat's public development accounts: use the organisation's own key`;
    file.oracles.forEach((oracle, i) => {
      if (isDevAccount(oracle.account)) ctx.addIssue({ code: "custom", path: ["oracles", i, "account"], message: devMessage(oracle.account) });
    });
    file.organisations.forEach((org, i) => {
      org.signers.forEach((signer, j) => {
        if (isDevAccount(signer)) ctx.addIssue({ code: "custom", path: ["organisations", i, "signers", j], message: devMessage(signer) });
      });
    });
  });

type ParsedConsortium = z.infer<typeof consortiumFile>;
/** A consortium file as parsed (files and callers written before patronati may omit them). */
export type ConsortiumFile = Omit<ParsedConsortium, "patronati"> & Partial<Pick<ParsedConsortium, "patronati">>;

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
 *
 * Once ADMIN sits behind an execution delay (ensureAdminDelay), a role grant is first scheduled on
 * the AccessManager and executed by a later run once the delay has passed: every organisation sees
 * the pending grant on chain (OperationScheduled) and has the delay to object or cancel it.
 */
export async function applyConsortium(
  contracts: PAChainContracts,
  spec: ConsortiumFile,
  record: ConsortiumRecord,
  logger: Logger,
): Promise<{ record: ConsortiumRecord; transactions: number; scheduled: number; pending: number }> {
  const sent: TransactionResponse[] = [];
  const admin = await (contracts.manager.runner as Signer).getAddress();
  const [, adminDelay] = await contracts.manager.hasRole(ROLE.ADMIN, admin);
  const [, registrarDelay] = await contracts.manager.hasRole(ROLE.REGISTRAR, admin);
  const managerAddress = await contracts.manager.getAddress();
  const organisationsAddress = await contracts.organisations.getAddress();
  let scheduled = 0;
  let pending = 0;
  /** Counts and logs a delayed call's step; returns its transaction, if one went out. */
  const track = (step: DelayedStep, fields: Record<string, unknown>, what: string, delay: bigint) => {
    if (step.state === "scheduled") scheduled += 1;
    if (step.state === "pending") pending += 1;
    const message = { sent: what, scheduled: `${what}: scheduled (execution delay)`, pending: `${what}: waits for its execution delay` }[step.state];
    logger.info({ ...fields, delaySeconds: Number(delay), executableAt: step.executableAt }, message);
    if (step.tx) sent.push(step.tx);
    return step.tx;
  };
  for (const oracle of spec.oracles) {
    for (const role of new Set(oracle.roles.flatMap(rolesGranted))) {
      const [member] = await contracts.manager.hasRole(ROLE[role], oracle.account);
      if (member) continue;
      const data = contracts.manager.interface.encodeFunctionData("grantRole", [ROLE[role], oracle.account, 0]);
      const step = await throughDelay(contracts, admin, managerAddress, data, adminDelay);
      track(step, { organisation: oracle.organisation, account: oracle.account, role }, "granting role", adminDelay);
    }
  }
  /** Registers an organisation at once, or through REGISTRAR's delay: undefined until a later run executes it. */
  const register = async (slug: string, organisation: OrganisationSpec): Promise<number | undefined> => {
    if (registrarDelay === 0n) return registerOrganisation(contracts, organisation);
    const data = contracts.organisations.interface.encodeFunctionData("registerOrganisation", [ORG_KIND[organisation.kind], organisation.code, organisation.parentId, organisation.name]);
    const step = await throughDelay(contracts, admin, organisationsAddress, data, registrarDelay);
    track(step, { slug }, "registering organisation", registrarDelay);
    // Executed now (its delay passed): the new id is in the receipt; scheduled or waiting: a later run.
    const receipt = step.state === "sent" ? await step.tx!.wait() : null;
    for (const log of receipt?.logs ?? []) {
      const parsed = log.address === organisationsAddress ? contracts.organisations.interface.parseLog(log) : null;
      if (parsed?.name === "OrganisationRegistered") return Number(parsed.args.orgId);
    }
    return undefined;
  };
  const organisations = [...record.organisations];
  let registrations = 0;
  for (const org of spec.organisations) {
    let known = organisations.find((o) => o.slug === org.slug);
    if (!known) {
      const parent = org.parent ? organisations.find((o) => o.slug === org.parent) : undefined;
      // A commission whose parent waits for REGISTRAR's delay is registered by a later run.
      if (org.parent && !parent) {
        pending += 1;
        continue;
      }
      const orgId = await register(org.slug, { kind: org.kind, code: org.code, parentId: parent?.orgId ?? 0, name: org.name });
      if (orgId === undefined) continue;
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
      const data = contracts.organisations.interface.encodeFunctionData("addSigner", [known.orgId, signer]);
      track(await throughDelay(contracts, admin, organisationsAddress, data, registrarDelay), { slug: org.slug, signer }, "adding signing key", registrarDelay);
    }
  }
  // Patronati after the organisations: registered once (by slug), operators rewritten every run
  // (the file is where they change; they never go on chain).
  const patronati = [...(record.patronati ?? [])];
  for (const p of spec.patronati ?? []) {
    let known = organisations.find((o) => o.slug === p.slug);
    if (!known) {
      const orgId = await register(p.slug, { kind: "PATRONATO", code: p.code, parentId: 0, name: p.name });
      if (orgId === undefined) continue;
      registrations += 1;
      known = { slug: p.slug, orgId, kind: "PATRONATO", code: p.code, name: p.name };
      organisations.push(known);
      logger.info({ slug: p.slug, orgId }, "patronato registered");
    }
    const entry = { slug: p.slug, id: known.orgId, name: p.name, operators: p.operators.map((o) => ({ ...o })) };
    const at = patronati.findIndex((q) => q.slug === p.slug);
    if (at >= 0) patronati[at] = entry;
    else patronati.push(entry);
  }
  for (const tx of sent) {
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw chainError("CHAIN_REVERTED", `transaction failed: ${tx.hash}`);
  }
  // A registration executed after its delay is one of `sent` already.
  const direct = registrarDelay === 0n ? registrations : 0;
  return { record: { organisations, patronati }, transactions: sent.length + direct, scheduled, pending };
}

/** What became of a restricted call made through an execution delay (throughDelay). */
export interface DelayedStep {
  state: "sent" | "scheduled" | "pending";
  tx?: TransactionResponse;
  /** Unix seconds from which a scheduled call can be executed. */
  executableAt?: number;
}

/**
 * A restricted call to `target` from `caller`, whose role there has execution delay `delay`:
 * sent at once without a delay; otherwise scheduled on the AccessManager (an `OperationScheduled`
 * event every organisation sees, cancellable with AccessManager.cancel until then), and
 * executed by a later run once the delay has passed. Re-runnable: an operation already scheduled
 * is not scheduled again.
 */
export async function throughDelay(contracts: Pick<PAChainContracts, "manager">, caller: string, target: string, data: string, delay: bigint): Promise<DelayedStep> {
  const { manager } = contracts;
  const signer = manager.runner as Signer;
  if (delay === 0n) return { state: "sent", tx: await signer.sendTransaction({ to: target, data }) };
  // unix seconds; 0 when never scheduled (or expired)
  const when = await manager.getSchedule(await manager.hashOperation(caller, target, data));
  const now = BigInt((await signer.provider!.getBlock("latest"))!.timestamp);
  if (when === 0n) return { state: "scheduled", tx: await manager.schedule(target, data, 0), executableAt: Number(now + delay) };
  if (when <= now) return { state: "sent", tx: await manager.execute(target, data) };
  return { state: "pending", executableAt: Number(when) };
}

/**
 * The production delays of the governance roles other than ADMIN (docs/security.md, "Governance
 * delays"), for the governance account running this (the one that holds them after deployment):
 * - GOVERNANCE (benefit terms, wave phases) and REGISTRAR (organisations, signing keys) act only
 *   after their execution delay, so every organisation sees a change scheduled before it applies;
 * - GUARDIAN keeps no delay: pausing the registry and the ledger stays immediate (the one power to
 *   use at once, in an incident); unpausing moves to GOVERNANCE, so it waits GOVERNANCE's delay
 *   and a stolen guardian key can stop the chain but never restart it after an incident pause.
 * Raises a delay (never lowers one: lowering is itself a scheduled ADMIN operation). Run before
 * ensureAdminDelay, while ADMIN acts at once; afterwards the same steps are scheduled through
 * ADMIN's delay. Returns the transactions sent. The demo never calls it: its roles keep zero delay.
 */
export async function ensureGovernanceDelays(
  contracts: PAChainContracts,
  delays: { governance: number; registrar: number },
  logger: Logger,
): Promise<number> {
  const { manager } = contracts;
  const admin = await (manager.runner as Signer).getAddress();
  const [, adminDelay] = await manager.hasRole(ROLE.ADMIN, admin);
  const managerAddress = await manager.getAddress();
  const operations: Array<{ data: string; fields: Record<string, unknown>; what: string }> = [];
  for (const [role, seconds] of [["GOVERNANCE", delays.governance], ["REGISTRAR", delays.registrar]] as const) {
    const [member, current] = await manager.hasRole(ROLE[role], admin);
    if (!member || current >= BigInt(seconds)) continue;
    operations.push({ data: manager.interface.encodeFunctionData("grantRole", [ROLE[role], admin, seconds]), fields: { role, delaySeconds: seconds }, what: "governance role delay set" });
  }
  for (const target of [contracts.facts, contracts.ledger]) {
    const address = await target.getAddress();
    const selector = target.interface.getFunction("unpause")!.selector;
    if ((await manager.getTargetFunctionRole(address, selector)) === ROLE.GOVERNANCE) continue;
    operations.push({ data: manager.interface.encodeFunctionData("setTargetFunctionRole", [address, [selector], ROLE.GOVERNANCE]), fields: { target: address }, what: "unpause moved to GOVERNANCE" });
  }
  const sent: TransactionResponse[] = [];
  for (const { data, fields, what } of operations) {
    const step = await throughDelay(contracts, admin, managerAddress, data, adminDelay);
    logger.info({ ...fields, state: step.state, executableAt: step.executableAt }, what);
    if (step.tx) sent.push(step.tx);
  }
  for (const tx of sent) {
    const receipt = await tx.wait();
    if (!receipt || receipt.status !== 1) throw chainError("CHAIN_REVERTED", `transaction failed: ${tx.hash}`);
  }
  return sent.length;
}

/**
 * Puts the ADMIN role of `admin` (the governance account running this) behind an AccessManager
 * execution delay: from then on every ADMIN action (granting or revoking a role, rewiring a
 * function) is scheduled, visible on chain, and executable only after `delaySeconds`. Raising the
 * delay takes effect at once; lowering or changing a non-zero delay is itself an ADMIN action, so
 * it is left to a scheduled operation (docs/operations.md). The demo keeps ADMIN at zero delay.
 * Returns the transactions sent (0 or 1).
 */
export async function ensureAdminDelay(contracts: PAChainContracts, delaySeconds: number, logger: Logger): Promise<number> {
  const admin = await (contracts.manager.runner as Signer).getAddress();
  const [member, current] = await contracts.manager.hasRole(ROLE.ADMIN, admin);
  if (!member) throw new ValidationError("PACHAIN_DEPLOYER_KEY", `${admin} does not hold ADMIN`);
  if (current === BigInt(delaySeconds)) return 0;
  if (current !== 0n) {
    logger.warn({ current: Number(current), wanted: delaySeconds }, "ADMIN already has another delay: change it through a scheduled operation");
    return 0;
  }
  const receipt = await (await contracts.manager.grantRole(ROLE.ADMIN, admin, delaySeconds)).wait();
  if (!receipt || receipt.status !== 1) throw new Error("setting the ADMIN delay failed");
  logger.info({ admin, delaySeconds }, "ADMIN now acts only after its execution delay");
  return 1;
}
