// The oracle's port for the read API: the few things the API may ask of an oracle (submit a signed
// record, follow it, list and re-drive dead letters, see the lag) and nothing else: no outbox
// rows, no key formats, no pseudonym vault. Two implementations: in process, over the oracle's
// intake and store (npm start, tests), and over HTTP, for an oracle that runs in its own process on
// its organisation's machine (gateway-server.ts serves it). The API imports this module only.
import type { Interface } from "ethers";
import { PaChainError, ValidationError, type ErrorCode, type ValidationCode } from "../errors.ts";
import type { ClaimStatus, ClaimView, OracleClaims } from "./claims.ts";

export type { ClaimStatus, ClaimView };
import type { Intake } from "./intake.ts";
import type { ItemStatus, OracleStore, OutboxItem } from "./store.ts";

/** Where a submitted record is on its way to the chain. */
export type SubmissionState = "queued" | "sent" | "recorded" | "refused";

export interface Submission {
  kind: "assessment" | "application" | "revocation";
  /** The on-chain id: the assessment id, the application id, or the revocation id. */
  id: string;
  state: SubmissionState;
  /** Why it was refused: the error's name (a contract's custom error, or the intake's code) and its detail; null unless refused. */
  reason: { name: string; detail: string } | null;
  /** The organisation that certified the record (an assessment's or a revocation's commission); null when none. */
  organisation: number | null;
}

/** An assessment as the commission's members signed it (docs/feeds.md). */
export interface SignedAssessment {
  sourceId: string;
  fiscalCode: string;
  record: Record<string, unknown>;
  signatures: string[];
}

/** A revocation as the commission's members signed it (EIP-712 RevocationRecord) with their signatures. */
export interface SignedRevocation {
  record: Record<string, unknown>;
  signatures: string[];
}

/** A request for a benefit, as a source system (or, later, a citizen's claim) sends it. */
export interface ApplicationRequest {
  applicationId: string;
  fiscalCode: string;
  benefit: string;
  /** YYYYMMDD */
  date: number;
}

export interface DeadLetter {
  id: number;
  source: string;
  recordKey: string;
  kind: string;
  errorName: string | null;
  errorDetail: string | null;
  attempts: number;
}

export interface SourceLag {
  source: string;
  url: string;
  /** The last feed position the oracle has stored. */
  cursor: number;
  /** Events the feed has after the cursor (up to 1000); null when the feed does not answer. */
  newEvents: number | null;
}

export interface ClaimStatusEntry {
  benefit: string;
  status: ClaimStatus;
  applicationId: string;
}

export type OutboxCounts = Record<ItemStatus, number>;

export interface OracleGateway {
  /**
   * Validates a commission's signed assessment and queues it. The same submission again answers
   * its status (created false); other content under the same id is a CONFLICT (409), a record of
   * another commission FORBIDDEN (403), an invalid one a ValidationError naming the field.
   */
  submitAssessment(commissionId: number, signed: SignedAssessment): Promise<{ created: boolean; submission: Submission }>;
  /** Validates and receives an application through `channel` (e.g. a claim desk); INPS's oracle decides it. */
  submitApplication(channel: string, application: ApplicationRequest): Promise<{ created: boolean; submission: Submission }>;
  /**
   * Validates and queues a commission's signed revocation of `assessmentId` (the caller checked the
   * assessment is the commission's). The same revocation again (even signed at another time) answers
   * its status; another reason for the same assessment is a CONFLICT (409).
   */
  submitRevocation(commissionId: number, assessmentId: string, signed: SignedRevocation): Promise<{ created: boolean; submission: Submission }>;
  /** A citizen's one-click claim (src/oracle/claims.ts), decided at `date` (YYYYMMDD); the same claim while pending or granted. 503 when this oracle takes no claims. */
  submitClaim(subject: string, benefit: string, date: number): Promise<{ created: boolean; claim: ClaimView }>;
  /** Every application of a person (claims and the INPS feed's), oldest first. */
  claimsOf(subject: string): Promise<ClaimView[]>;
  /** Per benefit, where the person's latest application stands. */
  claimStatus(subject: string): Promise<ClaimStatusEntry[]>;
  /** Where a submitted record is; null when this oracle never saw it. */
  submission(kind: Submission["kind"], id: string): Promise<Submission | null>;
  /** A commission's assessments not recorded yet: queued, then sent, then refused. */
  waitingAssessments(commissionId: number): Promise<Submission[]>;
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /** Puts dead letters back in the queue (all of them when `ids` is omitted); returns how many. */
  redrive(ids?: readonly number[]): Promise<number>;
  /** How far behind the oracle is: each source feed, and its outbox. */
  lag(): Promise<{ sources: SourceLag[]; outbox: OutboxCounts }>;
}

const FEED_TIMEOUT_MS = 2000;
const FEED_COUNT_LIMIT = 1000;
/** How many waiting items of each state a commission's list shows. */
const WAITING_LIMIT = 10_000;

/** The intake's outbox key of a record (`assessment:0x…`): known here and in the intake only. */
const keyOf = (kind: Submission["kind"], id: string) => `${kind === "application" ? "decision" : kind}:${id}`;
const sourceOfCommission = (commissionId: number) => `commission-${commissionId}`;
const commissionOfSource = (source: string): number | null => {
  const match = /^commission-(\d+)$/.exec(source);
  return match ? Number(match[1]) : null;
};
const fieldOf = (detail: string) => /^([\w.]+):/.exec(detail)?.[1] ?? "body";

const refusal = (item: OutboxItem): Submission["reason"] =>
  item.status === "dead" ? { name: item.errorName ?? "REFUSED", detail: item.errorDetail ?? "" } : null;

function stateOf(status: ItemStatus | undefined): SubmissionState {
  return status === "dead" ? "refused" : status === "sent" ? "sent" : status === "done" ? "recorded" : "queued";
}

/** The gateway over this process's oracle: its intake validates, its store keeps the outbox. */
export function createLocalOracleGateway(deps: {
  intake: Intake;
  store: OracleStore;
  factsInterface: Interface;
  /** The feeds the oracle reads, for the lag view. */
  sources: ReadonlyArray<{ source: string; url: string }>;
  /** Citizens' one-click claims (INPS's oracle); absent: claims answer 503. */
  claims?: OracleClaims;
}): OracleGateway {
  const { intake, store, factsInterface, sources } = deps;
  const claims = () => {
    if (!deps.claims) throw new PaChainError("UNAVAILABLE", "this oracle takes no claims: claims are not possible here", { status: 503 });
    return deps.claims;
  };

  const commissionOf = (item: OutboxItem): number => {
    const [record] = factsInterface.decodeFunctionData("recordAssessment", item.payload);
    return Number(record.commissionId);
  };
  const assessment = (item: OutboxItem): Submission => ({
    kind: "assessment",
    id: item.recordKey.slice("assessment:".length),
    state: stateOf(item.status),
    reason: refusal(item),
    organisation: commissionOf(item),
  });
  const revocation = (item: OutboxItem): Submission => ({
    kind: "revocation",
    id: item.recordKey.slice("revocation:".length),
    state: stateOf(item.status),
    reason: refusal(item),
    organisation: commissionOfSource(item.source),
  });
  const application = (applicationId: string): Submission | null => {
    const row = store.application(applicationId);
    if (!row) return null;
    const decision = store.itemByKey(keyOf("application", applicationId));
    const state = row.status === "decided" ? "recorded" : decision ? stateOf(decision.status) : "queued";
    return { kind: "application", id: applicationId, state, reason: decision ? refusal(decision) : null, organisation: null };
  };

  return {
    async submitAssessment(commissionId, signed) {
      if (Number(signed.record.commissionId) !== commissionId) {
        throw new PaChainError("FORBIDDEN", `record.commissionId ${String(signed.record.commissionId)} is not your commission (${commissionId})`, { status: 403 });
      }
      const accepted = intake.accept(sourceOfCommission(commissionId), "health", { cursor: 0, kind: "assessment", ...signed });
      if (accepted.type !== "item") throw new ValidationError("kind", "kind: not an assessment");
      const { item } = accepted;
      if (item.dead) {
        const field = /^([\w.]+):/.exec(item.dead.errorDetail)?.[1] ?? "body";
        throw new ValidationError(field, item.dead.errorDetail);
      }
      const existing = store.itemByKey(item.recordKey);
      if (existing) {
        if (existing.payload !== item.payload) {
          throw new PaChainError("CONFLICT", `assessment ${item.recordKey.slice("assessment:".length)} was already submitted with other content`, { status: 409 });
        }
        return { created: false, submission: assessment(existing) };
      }
      store.enqueue([item]);
      return { created: true, submission: assessment(store.itemByKey(item.recordKey)!) };
    },

    async submitRevocation(commissionId, assessmentId, signed) {
      const accepted = intake.accept(sourceOfCommission(commissionId), "health", { cursor: 0, kind: "revocation", sourceId: `REV-${assessmentId}`, ...signed });
      if (accepted.type !== "item") throw new ValidationError("kind", "kind: not a revocation");
      const { item } = accepted;
      if (item.dead) throw new ValidationError(fieldOf(item.dead.errorDetail), item.dead.errorDetail);
      const existing = store.itemByKey(item.recordKey);
      if (existing) {
        // The same revocation signed again later (another signedAt) is the same revocation; another reason is not.
        const reasonOf = (payload: string) => Number(factsInterface.decodeFunctionData("recordRevocation", payload)[0].reason);
        if (existing.payload !== item.payload && reasonOf(existing.payload) !== reasonOf(item.payload)) {
          throw new PaChainError("CONFLICT", `assessment ${assessmentId} was already revoked for another reason`, { status: 409 });
        }
        return { created: false, submission: revocation(existing) };
      }
      store.enqueue([item]);
      return { created: true, submission: revocation(store.itemByKey(item.recordKey)!) };
    },

    async submitClaim(subject, benefit, date) {
      return claims().submit(subject, benefit, date);
    },

    async claimsOf(subject) {
      return claims().list(subject);
    },

    async claimStatus(subject) {
      return [...claims().status(subject)].map(([benefit, { status, applicationId }]) => ({ benefit, status, applicationId }));
    },

    async submitApplication(channel, request) {
      const accepted = intake.accept(channel, "inps", { cursor: 0, kind: "application", ...request });
      if (accepted.type !== "application") {
        const detail = accepted.item.dead?.errorDetail ?? "kind: not an application";
        throw new ValidationError(/^([\w.]+):/.exec(detail)?.[1] ?? "body", detail);
      }
      const existing = store.application(request.applicationId);
      if (existing) {
        const { subject, benefit, date } = accepted.application;
        if (existing.subject !== subject || existing.benefit !== benefit || existing.date !== date) {
          throw new PaChainError("CONFLICT", `application ${request.applicationId} was already submitted with other content`, { status: 409 });
        }
        return { created: false, submission: application(request.applicationId)! };
      }
      store.addApplications([accepted.application]);
      return { created: true, submission: application(request.applicationId)! };
    },

    async submission(kind, id) {
      if (kind === "application") return application(id);
      const item = store.itemByKey(keyOf(kind, id));
      return item ? (kind === "revocation" ? revocation(item) : assessment(item)) : null;
    },

    async waitingAssessments(commissionId) {
      const source = sourceOfCommission(commissionId);
      return (["pending", "sent", "dead"] as const)
        .flatMap((status) => store.items({ status, kind: "fact" }, WAITING_LIMIT).filter((i) => i.source === source && i.recordKey.startsWith("assessment:")))
        .map(assessment);
    },

    async deadLetters(limit) {
      return store.items({ status: "dead" }, limit).map((i) => ({
        id: i.id, source: i.source, recordKey: i.recordKey, kind: i.kind, errorName: i.errorName, errorDetail: i.errorDetail, attempts: i.attempts,
      }));
    },

    async redrive(ids) {
      return store.redrive(ids);
    },

    async lag() {
      const feeds = await Promise.all(
        sources.map(async ({ source, url }) => {
          const cursor = store.cursor(source);
          let newEvents: number | null = null;
          try {
            const response = await fetch(`${url}/v1/events?after=${cursor}&limit=${FEED_COUNT_LIMIT}`, { signal: AbortSignal.timeout(FEED_TIMEOUT_MS) });
            if (response.ok) newEvents = ((await response.json()) as { events: unknown[] }).events.length;
          } catch {
            // The feed does not answer: shown as null, not as an error of the lag view.
          }
          return { source, url, cursor, newEvents };
        }),
      );
      return { sources: feeds, outbox: store.counts() };
    },
  };
}

const GATEWAY_TIMEOUT_MS = 10_000;

/** The error an oracle gateway answers with over HTTP (gateway-server.ts writes it). */
export interface GatewayErrorBody {
  error: { code: string; message: string; status: number; retryable: boolean; field?: string };
}

/** The gateway of an oracle in another process, over HTTP with the shared secret. */
export function createHttpOracleGateway(options: { url: string; secret: string }): OracleGateway {
  const base = options.url.replace(/\/+$/, "");
  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.secret}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new PaChainError("UNAVAILABLE", "the oracle does not answer", { status: 503, retryable: true, cause });
    }
    const answer = (await response.json().catch(() => undefined)) as T | GatewayErrorBody | undefined;
    if (response.ok && answer !== undefined) return answer as T;
    const error = (answer as GatewayErrorBody | undefined)?.error;
    if (!error) throw new PaChainError("UNAVAILABLE", `the oracle answered ${response.status}`, { status: 503, retryable: true });
    if (error.field !== undefined) throw new ValidationError(error.field, error.message, { code: error.code as ValidationCode });
    // The API's own credentials are its problem, not the caller's: a refused secret is a 503 here.
    if (response.status === 401) throw new PaChainError("UNAVAILABLE", "the oracle refused this API's gateway secret", { status: 503 });
    throw new PaChainError(error.code as ErrorCode, error.message, { status: error.status, retryable: error.retryable });
  }
  const enc = encodeURIComponent;
  return {
    submitAssessment: (commissionId, signed) => call("POST", `/v1/commissions/${commissionId}/assessments`, signed),
    submitApplication: (channel, application) => call("POST", `/v1/channels/${enc(channel)}/applications`, application),
    submitRevocation: (commissionId, assessmentId, signed) =>
      call("POST", `/v1/commissions/${commissionId}/assessments/${enc(assessmentId)}/revocation`, signed),
    submitClaim: (subject, benefit, date) => call("POST", `/v1/claims/${enc(subject)}`, { benefit, date }),
    claimsOf: async (subject) => (await call<{ claims: ClaimView[] }>("GET", `/v1/claims/${enc(subject)}`)).claims,
    claimStatus: async (subject) => (await call<{ status: ClaimStatusEntry[] }>("GET", `/v1/claims/${enc(subject)}/status`)).status,
    submission: async (kind, id) => (await call<{ submission: Submission | null }>("GET", `/v1/submissions/${enc(kind)}/${enc(id)}`)).submission,
    waitingAssessments: async (commissionId) =>
      (await call<{ submissions: Submission[] }>("GET", `/v1/commissions/${commissionId}/waiting`)).submissions,
    deadLetters: async (limit) => (await call<{ deadLetters: DeadLetter[] }>("GET", `/v1/dead-letters?limit=${limit}`)).deadLetters,
    redrive: async (ids) => (await call<{ redriven: number }>("POST", "/v1/dead-letters/redrive", ids === undefined ? {} : { ids })).redriven,
    lag: () => call("GET", "/v1/lag"),
  };
}
