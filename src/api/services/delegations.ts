// Patronati: the delegations a person gives them, and the one gate every patronato access goes
// through. A delegation is given by the person (live at once) or registered by the patronato with
// the person's signed mandate (pending until the person confirms); it is live from then until its
// `until` day included, unless revoked. Every read or action of a patronato operator is checked
// against the store at that moment (never a cached answer: a revocation stops access at once) and
// written to the person's access log, with the patronato's name and the operator, before the answer.
import { benefitByCode, type Catalog } from "../../domain/catalog.ts";
import { addDaysYmd, daysInMonth, formatIsoDate } from "../../domain/dates.ts";
import { PaChainError, ValidationError, type ErrorCode } from "../../errors.ts";
import type { Principal } from "../auth.ts";
import type { AccessLog } from "../data/access-log.ts";
import type { DelegatedClaim, DelegationRow, DelegationStore, Scope } from "../data/delegations.ts";
import type { Patronato, PatronatoDirectory } from "../data/directory.ts";

/** Two years, as the API's access log: together they are the audit trail of who acted for a person. */
export const DEFAULT_RETENTION_DAYS = 730;
const DAY_MS = 86_400_000;

/** The longest a delegation may last, and its default. */
export const MAX_DELEGATION_MONTHS = 12;

export type DelegationStatus = "PENDING" | "ACTIVE" | "EXPIRED" | "REVOKED";

/** The same calendar day `months` later (the month's last day when it has fewer days), YYYYMMDD. */
export function addMonthsYmd(ymd: number, months: number): number {
  const total = Math.floor(ymd / 10000) * 12 + (Math.floor(ymd / 100) % 100) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  return year * 10000 + month * 100 + Math.min(ymd % 100, daysInMonth(year, month));
}

export function statusOf(row: Pick<DelegationRow, "status" | "until">, today: number): DelegationStatus {
  if (row.status === "REVOKED") return "REVOKED";
  return row.until < today ? "EXPIRED" : row.status;
}

const refuse = (code: ErrorCode, message: string) => new PaChainError(code, message, { status: 403 });

export function createDelegationService(deps: {
  store: DelegationStore;
  directory: PatronatoDirectory;
  accessLog: AccessLog;
  catalog: Catalog;
  pseudonymOf(fiscalCode: string): string;
  today(): number;
  nowMs(): number;
  /** How long an ended delegation is kept for the audit (PACHAIN_API_DELEGATIONS_RETENTION_DAYS). */
  retentionDays?: number;
}) {
  const { store, directory, accessLog, pseudonymOf, today, nowMs } = deps;

  const patronatoOf = async (id: number): Promise<Patronato> => {
    const p = await directory.get(id);
    if (!p) throw new ValidationError("patronato", `patronato: ${id} is not a patronato of the directory (GET /v1/organisations?kind=PATRONATO)`);
    return p;
  };

  /**
   * The patronato an operator's token acts for; 403 unless its `org` is an active PATRONATO on chain
   * and the directory lists the operator.
   */
  async function deskOf(who: Principal): Promise<Patronato> {
    const p = who.organisation === undefined ? undefined : await directory.get(who.organisation);
    if (!p) throw new PaChainError("FORBIDDEN", `organisation ${who.organisation} is not a patronato registered on chain`, { status: 403 });
    if (!p.operators.some((o) => o.fiscalCode === who.fiscalCode)) {
      throw new PaChainError("FORBIDDEN", `you are not an operator of ${p.name}`, { status: 403 });
    }
    return p;
  }

  /** The last usable day: given, or 12 months from today; never past 12 months nor before today. */
  function untilOf(asked: number | undefined): number {
    const now = today();
    const latest = addMonthsYmd(now, MAX_DELEGATION_MONTHS);
    if (asked === undefined) return latest;
    if (asked < now) throw new ValidationError("until", `until: ${formatIsoDate(asked)} is in the past`);
    if (asked > latest) throw new ValidationError("until", `until: a delegation lasts at most ${MAX_DELEGATION_MONTHS} months (until ${formatIsoDate(latest)} at the latest)`);
    return asked;
  }

  const uniqueScopes = (scopes: readonly Scope[]): Scope[] => [...new Set(scopes)].sort() as Scope[];

  /** One pending or active delegation per person and patronato: a second one is a conflict. */
  async function refuseSecond(subject: string, patronato: Patronato): Promise<void> {
    const live = (await store.between(subject, patronato.id)).find((d) => ["PENDING", "ACTIVE"].includes(statusOf(d, today())));
    if (live) {
      throw new PaChainError("CONFLICT", `there is already a ${statusOf(live, today()).toLowerCase()} delegation ${live.id} to ${patronato.name}: revoke or confirm it`, { status: 409 });
    }
  }

  function view(row: DelegationRow, claims: readonly DelegatedClaim[] = []) {
    const name = directory.nameOf(row.patronatoId);
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: row.id,
      patronato: { id: row.patronatoId, name: name ?? `#${row.patronatoId}` },
      scopes: row.scopes,
      until: formatIsoDate(row.until),
      status: statusOf(row, today()),
      grantedBy: row.grantedBy,
      operator: row.operator,
      mandateHash: row.mandateHash,
      createdAt: iso(row.createdAt)!,
      confirmedAt: iso(row.confirmedAt),
      revokedAt: iso(row.revokedAt),
      revokedBy: row.revokedBy,
      claims: claims.filter((c) => c.delegationId === row.id).map((c) => ({
        applicationId: c.applicationId, benefit: c.benefit, operator: c.operator, at: new Date(c.at).toISOString(),
      })),
    };
  }

  const ownDelegation = async (subject: string, id: string) => {
    const row = await store.get(id);
    // Another person's delegation is reported as unknown, so ids cannot be probed.
    if (!row || row.subject !== subject) throw new PaChainError("NOT_FOUND", `no delegation ${id} of yours`, { status: 404 });
    return row;
  };

  /**
   * The gate of every patronato access to a person: the live delegation that allows it, or a 403
   * naming why not. Then the access is written to the person's log before anything is answered.
   */
  async function access(who: Principal, fiscalCode: string, allowed: readonly Scope[], action: string, requestId: string) {
    const patronato = await deskOf(who);
    const subject = pseudonymOf(fiscalCode);
    const now = today();
    const rows = await store.between(subject, patronato.id);
    if (rows.length === 0) throw refuse("NO_DELEGATION", `this person has not delegated ${patronato.name}`);
    const active = rows.find((d) => statusOf(d, now) === "ACTIVE");
    if (active) {
      if (!active.scopes.some((s) => allowed.includes(s))) {
        throw refuse("SCOPE_MISSING", `the delegation does not include ${allowed.join(" or ")} (it allows ${active.scopes.join(", ")})`);
      }
      const purpose = `${patronato.name} (delega ${active.id.slice(0, 8)})`;
      await accessLog.record([{ at: nowMs(), actorRole: "patronato", actor: who.fiscalCode, subject, purpose, action, requestId }]);
      return { subject, delegation: active, patronato };
    }
    if (rows.some((d) => statusOf(d, now) === "PENDING")) {
      throw refuse("DELEGATION_PENDING", "the delegation registered with the mandate waits for the person's confirmation");
    }
    const latest = rows[0]!;
    if (statusOf(latest, now) === "REVOKED") {
      throw refuse("DELEGATION_REVOKED", `the person revoked the delegation on ${new Date(latest.revokedAt!).toISOString().slice(0, 10)}`);
    }
    throw refuse("DELEGATION_EXPIRED", `the delegation expired after ${formatIsoDate(latest.until)}`);
  }

  return {
    deskOf,
    access,

    /** The person delegates a patronato: live at once. */
    async grant(citizen: Principal, body: { patronato: number; scopes: Scope[]; until?: number }) {
      const patronato = await patronatoOf(body.patronato);
      const subject = pseudonymOf(citizen.fiscalCode);
      const until = untilOf(body.until);
      await refuseSecond(subject, patronato);
      const at = nowMs();
      const row = await store.insert({
        subject, fiscalCode: citizen.fiscalCode, patronatoId: patronato.id, scopes: uniqueScopes(body.scopes), until, status: "ACTIVE",
        grantedBy: "citizen", operator: null, mandateHash: null, createdAt: at, confirmedAt: at, revokedAt: null, revokedBy: null,
      });
      return view(row);
    },

    /** The patronato registers a delegation with the person's signed mandate: pending until confirmed. */
    async register(who: Principal, body: { fiscalCode: string; scopes: Scope[]; until?: number; mandateHash: string }, requestId: string) {
      const patronato = await deskOf(who);
      const subject = pseudonymOf(body.fiscalCode);
      const until = untilOf(body.until);
      await refuseSecond(subject, patronato);
      const at = nowMs();
      // The person sees the registration in their log at once, before confirming anything.
      await accessLog.record([{
        at, actorRole: "patronato", actor: who.fiscalCode, subject, purpose: `${patronato.name} (mandato ${body.mandateHash.slice(0, 10)})`,
        action: "delegation-registered", requestId,
      }]);
      const row = await store.insert({
        subject, fiscalCode: body.fiscalCode, patronatoId: patronato.id, scopes: uniqueScopes(body.scopes), until, status: "PENDING",
        grantedBy: "patronato", operator: who.fiscalCode, mandateHash: body.mandateHash.toLowerCase(), createdAt: at,
        confirmedAt: null, revokedAt: null, revokedBy: null,
      });
      return view(row);
    },

    /** A person's delegations, every state, newest first, with the claims filed under each. */
    async mine(citizen: Principal) {
      const subject = pseudonymOf(citizen.fiscalCode);
      const [rows, claims] = await Promise.all([store.ofSubject(subject), store.claimsOf(subject)]);
      return rows.map((r) => view(r, claims));
    },

    /** The person revokes (or refuses, while pending): access stops at once. Revoking again answers the same. */
    async revoke(citizen: Principal, id: string) {
      const subject = pseudonymOf(citizen.fiscalCode);
      const row = await ownDelegation(subject, id);
      const revoked = statusOf(row, today()) === "EXPIRED" ? undefined : await store.revoke(id, nowMs(), "citizen");
      return view(revoked ?? (await store.get(id))!, await store.claimsOf(subject));
    },

    /** The person confirms a delegation the patronato registered with their mandate. */
    async confirm(citizen: Principal, id: string) {
      const subject = pseudonymOf(citizen.fiscalCode);
      const row = await ownDelegation(subject, id);
      const status = statusOf(row, today());
      if (status === "ACTIVE") return view(row);
      if (status !== "PENDING") throw new PaChainError("CONFLICT", `the delegation is ${status.toLowerCase()}: it cannot be confirmed`, { status: 409 });
      return view((await store.confirm(id, nowMs())) ?? (await store.get(id))!);
    },

    /** The people who delegated the operator's patronato (pending and active), newest first. */
    async represented(who: Principal) {
      const patronato = await deskOf(who);
      const now = today();
      // Ended delegations no longer need the person's fiscal code.
      await store.forgetEnded(now);
      const rows = (await store.liveOf(patronato.id, now)).filter((r) => r.fiscalCode !== null);
      return {
        patronato: { id: patronato.id, name: patronato.name },
        people: rows.map((r) => ({
          fiscalCode: r.fiscalCode!,
          delegationId: r.id,
          scopes: r.scopes,
          until: formatIsoDate(r.until),
          status: statusOf(r, now) as "PENDING" | "ACTIVE",
          grantedBy: r.grantedBy,
          since: new Date(r.createdAt).toISOString(),
        })),
      };
    },

    /**
     * The retention job: deletes the delegations (and the claims filed under them) that ended more
     * than the retention period ago: revoked then, or whose last usable day was before then.
     * Returns how many delegations.
     */
    async purgeEnded(): Promise<number> {
      const days = deps.retentionDays ?? DEFAULT_RETENTION_DAYS;
      // An expired delegation ends the day after `until`: kept while that day is within the period.
      return store.purgeEnded({ revokedBefore: nowMs() - days * DAY_MS, untilBefore: addDaysYmd(today(), -days) });
    },

    /** Checks the benefit before the access is logged, so a typo leaves no "application" entry. */
    checkBenefit: (benefit: string) => benefitByCode(deps.catalog, benefit),

    recordClaim: (claim: DelegatedClaim) => store.recordClaim(claim),
    claimsOf: (subject: string) => store.claimsOf(subject),
    patronatoName: (id: number) => directory.nameOf(id) ?? `#${id}`,
    /** The patronati on chain, for a citizen's choice (GET /v1/organisations?kind=PATRONATO). */
    directory: () => directory.list(),
  };
}

export type DelegationService = ReturnType<typeof createDelegationService>;
