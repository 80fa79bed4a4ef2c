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
  | "CATALOG_UNREADABLE";

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
