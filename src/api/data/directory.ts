// The consortium's directory of patronati (and other accredited intermediaries): which patronati
// exist, and which operators act for them. Which patronati exist is the chain's answer: an active
// organisation of kind PATRONATO in the OrganisationRegistry, read from the index's organisation
// rows and, for an id the index does not have yet, from the registry contract itself. Who their
// operators are is personal data (fiscal codes), so it never goes on chain: it is read once at
// start-up from PACHAIN_HOME/consortium.json, written by the deployment (docs/patronati.md).
import { existsSync } from "node:fs";
import { ORG_KIND } from "../../chain/consortium.ts";
import type { PAChainContracts } from "../../chain/contracts.ts";
import { loadConsortium } from "../../demo/consortium.ts";
import type { IndexReader } from "./index-reader.ts";

export interface Patronato {
  id: number;
  slug: string;
  name: string;
  /** Upper-cased fiscal codes of the operators who may act for it, with their names. */
  operators: ReadonlyArray<{ fiscalCode: string; name: string }>;
}

/** The on-chain side: the active PATRONATO organisations of the registry. */
export interface PatronatoChain {
  /** Active patronati registered on chain, by id. */
  patronati(): Promise<Array<{ id: number; name: string }>>;
  /** Whether `id` is an active PATRONATO organisation on chain. */
  isPatronato(id: number): Promise<boolean>;
}

export interface PatronatoDirectory {
  /** The patronati a citizen may choose: those on chain, with the name the chain gives them. */
  list(): Promise<ReadonlyArray<{ id: number; name: string }>>;
  /** The patronato `id` with its operators, when it is an active PATRONATO on chain. */
  get(id: number): Promise<Patronato | undefined>;
  /** The name of a patronato the directory ever listed (for the history of a delegation). */
  nameOf(id: number): string | undefined;
}

/**
 * The chain's patronati: the index's organisation rows; an id the index does not have (the index
 * lags, or was rebuilt) is asked of the registry contract, and when the index has no patronato at
 * all the file's patronati are each checked on the contract (the registry keeps no names: the
 * file's name stands in then).
 */
export function createPatronatoChain(deps: {
  reader: Pick<IndexReader, "organisations">;
  registry: Pick<PAChainContracts["organisations"], "organisation">;
  /** The consortium file's patronati, for the contract fallback. */
  known: ReadonlyArray<{ id: number; name: string }>;
}): PatronatoChain {
  const onContract = async (id: number) => {
    const org = await deps.registry.organisation(id);
    return Number(org.kind) === ORG_KIND.PATRONATO && org.active;
  };
  return {
    async patronati() {
      const indexed = await deps.reader.organisations("PATRONATO");
      if (indexed.length > 0) return indexed.map((o) => ({ id: o.orgId, name: o.name }));
      const checked = await Promise.all(deps.known.map(async (p) => ((await onContract(p.id)) ? p : undefined)));
      return checked.filter((p) => p !== undefined).map((p) => ({ id: p.id, name: p.name }));
    },
    async isPatronato(id) {
      if ((await deps.reader.organisations("PATRONATO")).some((o) => o.orgId === id)) return true;
      return onContract(id);
    },
  };
}

/**
 * The directory: `patronati` (the consortium file's, with their operators) as far as `chain`
 * registers them. Without `chain` (a unit test of the gate) the file's list is taken as is.
 */
export function createPatronatoDirectory(patronati: readonly Patronato[], chain?: PatronatoChain): PatronatoDirectory {
  const byId = new Map(patronati.map((p) => [p.id, p]));
  return {
    async list() {
      return chain ? chain.patronati() : patronati.map((p) => ({ id: p.id, name: p.name }));
    },
    async get(id) {
      if (chain && !(await chain.isPatronato(id))) return undefined;
      // On chain but absent from the file: a patronato without operators (nobody may use its desk yet).
      return byId.get(id) ?? (chain ? { id, slug: `org-${id}`, name: (await chain.patronati()).find((p) => p.id === id)?.name ?? `#${id}`, operators: [] } : undefined);
    },
    nameOf: (id) => byId.get(id)?.name,
  };
}

/** The consortium file's patronati with their operators; none when the file or its patronati are absent. */
export function loadPatronati(file: string): Patronato[] {
  const record = existsSync(file) ? loadConsortium(file) : { organisations: [], patronati: [] };
  return (record.patronati ?? []).map((p) => ({
    id: p.id, slug: p.slug, name: p.name,
    operators: p.operators.map((o) => ({ fiscalCode: o.fiscalCode.toUpperCase(), name: o.name })),
  }));
}

/** The directory of a consortium file, checked against the chain when `chain` is given. */
export function loadPatronatoDirectory(file: string, chain?: (known: readonly Patronato[]) => PatronatoChain): PatronatoDirectory {
  const patronati = loadPatronati(file);
  return createPatronatoDirectory(patronati, chain?.(patronati));
}
