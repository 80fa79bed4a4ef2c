// The notifier's client of IO's Services API: the only code that talks to IO. Outcomes are typed;
// what is worth retrying (429, 5xx, IO unreachable) is a thrown IoUnavailable, so the sender
// backs off and tries again, and everything else is a final answer.
import { PaChainError } from "../errors.ts";
import type { IoContent } from "./messages.ts";

const TIMEOUT_MS = 10_000;

export class IoUnavailable extends PaChainError {
  /** IO's Retry-After, in milliseconds, when it gave one. */
  readonly retryAfterMs: number | undefined;
  constructor(detail: string, retryAfterMs?: number) {
    super("IO_UNAVAILABLE", detail, { status: 503, retryable: true });
    this.retryAfterMs = retryAfterMs;
  }
}

export type ProfileAnswer =
  | { type: "profile"; senderAllowed: boolean; preferredLanguages: string[] }
  | { type: "absent" }
  /** A bad request or a wrong subscription key: final, kept for an operator. */
  | { type: "refused"; status: number; detail: string };

export type SendAnswer =
  | { type: "sent"; id: string }
  /** IO will not take it: the profile is gone or blocks the service (403/404), or a bad request (400/401). */
  | { type: "refused"; status: number; detail: string };

export interface IoClient {
  profile(fiscalCode: string): Promise<ProfileAnswer>;
  send(fiscalCode: string, content: IoContent, idempotencyKey: string): Promise<SendAnswer>;
}

export function createIoClient(options: { baseUrl: string; subscriptionKey: string }): IoClient {
  const base = options.baseUrl.replace(/\/$/, "");
  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "ocp-apim-subscription-key": options.subscriptionKey, ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new IoUnavailable(`IO unreachable: ${(error as Error).message}`);
    }
    const json = await res.json().catch(() => null);
    if (res.status === 429 || res.status >= 500) {
      const retryAfter = Number(res.headers.get("retry-after"));
      throw new IoUnavailable(`IO answered ${res.status}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }
    return { status: res.status, json };
  }
  const detailOf = (json: unknown) => String((json as { detail?: unknown; title?: unknown } | null)?.detail ?? (json as { title?: unknown } | null)?.title ?? "");
  return {
    async profile(fiscalCode) {
      const { status, json } = await post("/api/v1/profiles", { fiscal_code: fiscalCode });
      if (status === 404) return { type: "absent" };
      if (status !== 200) return { type: "refused", status, detail: detailOf(json) };
      const p = json as { sender_allowed?: unknown; preferred_languages?: unknown };
      return {
        type: "profile",
        senderAllowed: p.sender_allowed === true,
        preferredLanguages: Array.isArray(p.preferred_languages) ? p.preferred_languages.map(String) : [],
      };
    },
    async send(fiscalCode, content, idempotencyKey) {
      const { status, json } = await post("/api/v1/messages", { fiscal_code: fiscalCode, content }, { "idempotency-key": idempotencyKey });
      if (status === 201) return { type: "sent", id: String((json as { id?: unknown }).id) };
      return { type: "refused", status, detail: detailOf(json) };
    },
  };
}
