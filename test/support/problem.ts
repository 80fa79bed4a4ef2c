// The error of a read API answer, whatever its wire shape: the read API's errors move to RFC 9457
// problem details (top-level `code`, `field`, `detail`), and tests written before and after read
// them the same way through this one function.
export interface Problem {
  code: string;
  field?: string;
  /** The human-readable explanation. */
  detail: string;
}

export function problemOf(body: unknown): Problem {
  const b = body as { error?: { code: string; field?: string; message: string }; code?: string; field?: string; detail?: string };
  if (b?.error) return { code: b.error.code, field: b.error.field, detail: b.error.message };
  return { code: b.code ?? "", field: b.field, detail: b.detail ?? "" };
}
