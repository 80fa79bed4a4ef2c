// Translates revert data from the PA Chain contracts into custom error names and arguments, so a
// dead letter says "FactRegistryUnauthorisedCertifier(0x…, 7)", not a hex blob.
import { Interface, type ErrorFragment } from "ethers";
import { readAbi } from "../chain/artifacts.ts";

export interface DecodedError {
  name: string;
  /** Name and arguments, e.g. FactRegistryAlreadyRecorded(0xab…) */
  detail: string;
}

const CONTRACTS = ["FactRegistry", "OrganisationRegistry", "BenefitLedger", "BenefitCatalog", "PAAccessManager"];

export function createErrorDecoder(): (data: string | null | undefined) => DecodedError {
  const seen = new Set<string>();
  const fragments: ErrorFragment[] = [];
  for (const name of CONTRACTS) {
    new Interface(readAbi(name)).forEachError((fragment) => {
      if (!seen.has(fragment.selector)) {
        seen.add(fragment.selector);
        fragments.push(fragment);
      }
    });
  }
  const iface = new Interface(fragments);
  return (data) => {
    if (!data || data === "0x") return { name: "Reverted", detail: "reverted without a reason" };
    try {
      const parsed = iface.parseError(data);
      if (parsed) {
        const args = parsed.args.map((a) => (typeof a === "bigint" ? a.toString() : String(a)));
        return { name: parsed.name, detail: `${parsed.name}(${args.join(", ")})` };
      }
    } catch {
      // fall through: not one of ours
    }
    return { name: "UnknownError", detail: data.slice(0, 138) };
  };
}
