// The chain boundary for errors: revert data from the PA Chain contracts becomes custom error names
// and arguments (a dead letter says "FactRegistryUnauthorisedCertifier(0x…, 7)", not a hex blob),
// and a revert a caller can cause becomes a domain error by name (PaChainError), so no layer above
// handles ethers' CALL_EXCEPTION.
import { Interface, type ErrorFragment } from "ethers";
import { PaChainError, ValidationError } from "../errors.ts";
import { readAbi } from "./artifacts.ts";

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

/** The revert data of a failed call or transaction (ethers' CALL_EXCEPTION); undefined for any other error. */
export function revertData(error: unknown): string | undefined {
  const e = error as { code?: string; data?: unknown; info?: { error?: { data?: unknown } } };
  if (e?.code !== "CALL_EXCEPTION") return undefined;
  const data = e.data ?? e.info?.error?.data;
  return typeof data === "string" ? data : "0x";
}

/** A contract refused the call; `revert` names its custom error. */
export class ChainRevert extends PaChainError {
  readonly revert: DecodedError;

  constructor(revert: DecodedError, cause?: unknown) {
    super("CHAIN_REVERTED", `the contracts refused: ${revert.detail}`, { status: 502, cause });
    this.revert = revert;
  }
}

/** Reverts with a meaning for the caller, by custom error name; any other is a ChainRevert. */
const DOMAIN_ERRORS: Record<string, (revert: DecodedError, cause: unknown) => PaChainError> = {
  EnforcedPause: (_r, cause) => new PaChainError("UNAVAILABLE", "the contracts are paused", { status: 503, retryable: true, cause }),
  BenefitLedgerInvalidDate: (r, cause) => new ValidationError("date", `date: the contracts refuse it (${r.detail})`, { code: "INVALID_DATE", cause }),
  BenefitLedgerInvalidPeriod: (r, cause) => new ValidationError("period", `period: the contracts refuse it (${r.detail})`, { code: "INVALID_PERIOD", cause }),
  BenefitLedgerUnknownBenefit: (r, cause) => new ValidationError("benefit", `benefit: not in the catalog on chain (${r.detail})`, { code: "UNKNOWN_BENEFIT", cause }),
  BenefitCatalogUnknownBenefit: (r, cause) => new ValidationError("benefit", `benefit: not in the catalog on chain (${r.detail})`, { code: "UNKNOWN_BENEFIT", cause }),
};

/** Turns a contract revert into a domain error by name; other errors pass through unchanged. */
export function createRevertTranslator(decode = createErrorDecoder()): (error: unknown) => unknown {
  return (error) => {
    const data = revertData(error);
    if (data === undefined) return error;
    const revert = decode(data);
    return DOMAIN_ERRORS[revert.name]?.(revert, error) ?? new ChainRevert(revert, error);
  };
}
