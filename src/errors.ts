// The one error family for every PA Chain service and script. Callers branch on `code`
// (a closed union, so a typo is a compile error), HTTP layers map `status` directly, and
// retry loops look only at `retryable`. New codes are added to `ErrorCode` here, nowhere else.

/** Codes of input that is malformed or names something unknown: always HTTP 400, never retried. */
export type ValidationCode =
  | "VALIDATION_FAILED"
  | "INVALID_FISCAL_CODE"
  | "INVALID_PSEUDONYM_KEY"
  | "INVALID_DATE"
  | "INVALID_PERIOD"
  | "INVALID_ISTAT_CODE"
  | "INVALID_CATALOG"
  | "UNKNOWN_BENEFIT";

export type ErrorCode =
  | ValidationCode
  // HTTP-facing refusals of the read API.
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "RATE_LIMITED"
  | "CONFLICT"
  // ModI integrity of a write (Agid-JWT-Signature): missing, malformed, not matching the body,
  // signed by a key not registered for the sender, or expired.
  | "INTEGRITY_REQUIRED"
  | "INTEGRITY_INVALID"
  // A patronato's access to a person refused, and why (docs/patronati.md): HTTP 403.
  | "NO_DELEGATION"
  | "DELEGATION_PENDING"
  | "DELEGATION_EXPIRED"
  | "DELEGATION_REVOKED"
  | "SCOPE_MISSING"
  // A part the request needs (chain node, index, oracle) is not there or not ready: retry later.
  | "UNAVAILABLE"
  // IO (the citizens' app) is busy or down: retried with backoff.
  | "IO_UNAVAILABLE"
  // The rule table file could not be read at all (missing, unreadable, not JSON): a deployment fault.
  | "CATALOG_UNREADABLE"
  // The chain node answered a JSON-RPC call with an error.
  | "CHAIN_RPC_ERROR"
  // A contract refused a call or a transaction (the custom error's name is in the message).
  | "CHAIN_REVERTED"
  // Event data that does not decode with the contract's ABI: a node or contract mismatch.
  | "ABI_DECODING_FAILED"
  // The index moved under this indexer: another indexer writes to the same store.
  | "INDEX_CONFLICT"
  // A setting, a secret or a record file the process needs is missing or malformed: fix and restart.
  | "MISCONFIGURED";

export interface PaChainErrorOptions {
  /** HTTP status a route answers with. */
  status: number;
  /** True when the same request may succeed later unchanged (node down, nonce race). */
  retryable?: boolean;
  cause?: unknown;
}

export class PaChainError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: PaChainErrorOptions) {
    super(message, { cause: options.cause });
    // Subclasses get their own name in stack traces and logs without repeating this line.
    this.name = new.target.name;
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Input refused before anything is recorded. `field` is the path of the offending value as
 * the caller named it (e.g. `facts[3].effectiveDate`), so a message can point at the entry.
 */
export class ValidationError extends PaChainError {
  declare readonly code: ValidationCode;
  readonly field: string;

  constructor(field: string, message: string, options: { code?: ValidationCode; cause?: unknown } = {}) {
    super(options.code ?? "VALIDATION_FAILED", message, { status: 400, retryable: false, cause: options.cause });
    this.field = field;
  }
}

/** A setting, secret or record file is missing or malformed: the process cannot run until it is fixed. */
export function misconfigured(message: string, cause?: unknown): PaChainError {
  return new PaChainError("MISCONFIGURED", message, { status: 500, cause });
}

/** The chain node or a contract answered with an error (retryable when the node may answer later). */
export function chainError(code: "CHAIN_RPC_ERROR" | "CHAIN_REVERTED" | "ABI_DECODING_FAILED", message: string, retryable = false): PaChainError {
  return new PaChainError(code, message, { status: 502, retryable });
}
