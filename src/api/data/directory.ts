// The consortium's directory of patronati (and other accredited intermediaries): who they are and
// which operators act for them. Off chain for now, read from PACHAIN_HOME/consortium.json, because
// the on-chain OrganisationRegistry's kinds are fixed and a PATRONATO kind is a contract change
// (docs/patronati.md). Read once at start-up: the directory is part of the deployment.
import { existsSync } from "node:fs";
import { loadConsortium } from "../../demo/consortium.ts";

export interface Patronato {
  id: number;
  slug: string;
  name: string;
  /** Upper-cased fiscal codes of the operators who may act for it, with their names. */
  operators: ReadonlyArray<{ fiscalCode: string; name: string }>;
}

export interface PatronatoDirectory {
  list(): readonly Patronato[];
  get(id: number): Patronato | undefined;
}

export function createPatronatoDirectory(patronati: readonly Patronato[]): PatronatoDirectory {
  const byId = new Map(patronati.map((p) => [p.id, p]));
  return { list: () => patronati, get: (id) => byId.get(id) };
}

/** The directory of a consortium file; empty when the file or its patronati are absent. */
export function loadPatronatoDirectory(file: string): PatronatoDirectory {
  const record = existsSync(file) ? loadConsortium(file) : { organisations: [], patronati: [] };
  return createPatronatoDirectory((record.patronati ?? []).map((p) => ({
    id: p.id, slug: p.slug, name: p.name,
    operators: p.operators.map((o) => ({ fiscalCode: o.fiscalCode.toUpperCase(), name: o.name })),
  })));
}
