// A person's data as the routes reach it. The only place a fiscal code becomes a pseudonym and the
// only writer of the access log: every read of a person by staff is written to the log, with its
// stated purpose, before anything of the person is answered. Routes never see the pseudonymiser,
// the log or the index, so a new route cannot read a person and forget the entry (the law asks for
// it, and the person sees it under GET /v1/me/access-log).
import { formatIsoDate, unixSecondsFromIsoDate } from "../../domain/dates.ts";
import { PaChainError } from "../../errors.ts";
import type { Principal } from "../auth.ts";
import type { AccessLog } from "../data/access-log.ts";
import type { IndexReader } from "../data/index-reader.ts";
import type { EntitlementView } from "./entitlements.ts";
import type { TimelineItem } from "./history.ts";

const SECONDS_PER_DAY = 86_400;

/** Who reads a person's data, why, and in which request (the access-log entry's fields). */
export interface StaffRead {
  who: Principal;
  purpose: string;
  requestId: string;
}

/** End of a day (YYYYMMDD) in unix seconds (UTC, the chain's calendar). */
const endOfDay = (day: number) => unixSecondsFromIsoDate(formatIsoDate(day), "asOf") + SECONDS_PER_DAY - 1;

export function createPeopleService(deps: {
  reader: Pick<IndexReader, "payments" | "lastBlockAtOrBefore">;
  accessLog: AccessLog;
  /** Turns a fiscal code into the on-chain pseudonym (HMAC under the consortium's key). */
  pseudonymOf(fiscalCode: string): string;
  timelineOf(subject: string, until?: number): Promise<TimelineItem[]>;
  entitlementsOn(subject: string, date: number, block?: number): Promise<EntitlementView[]>;
  nowMs(): number;
}) {
  const { reader, accessLog, pseudonymOf, timelineOf, entitlementsOn, nowMs } = deps;

  const logRead = (read: StaffRead, subject: string, action: string) =>
    accessLog.record([{ at: nowMs(), actorRole: read.who.role, actor: read.who.fiscalCode, subject, purpose: read.purpose, action, requestId: read.requestId }]);

  /** Logs the read, then returns the person's pseudonym. */
  const readPerson = async (read: StaffRead, fiscalCode: string, action: string) => {
    const subject = pseudonymOf(fiscalCode);
    await logRead(read, subject, action);
    return subject;
  };

  return {
    /** The signed-in person's own pseudonym: a person reading their own data is not logged. */
    self: (who: Principal) => pseudonymOf(who.fiscalCode),

    /** Staff: a person's full timeline, optionally as the chain was at the end of `asOf` (YYYYMMDD). */
    async history(read: StaffRead, fiscalCode: string, asOf?: number) {
      const subject = await readPerson(read, fiscalCode, "history");
      const items = await timelineOf(subject, asOf === undefined ? undefined : endOfDay(asOf));
      return { subject, asOf: asOf === undefined ? null : formatIsoDate(asOf), items };
    },

    /** Staff: a person's entitlements at `date`, on the current chain state or as of a past date. */
    async entitlements(read: StaffRead, fiscalCode: string, date: number, asOf?: number) {
      const subject = await readPerson(read, fiscalCode, "entitlements");
      if (asOf === undefined) return { date: formatIsoDate(date), entitlements: await entitlementsOn(subject, date) };
      const block = await reader.lastBlockAtOrBefore(endOfDay(asOf));
      if (block === undefined) throw new PaChainError("NOT_FOUND", `nothing was recorded on chain by ${formatIsoDate(asOf)}`, { status: 404 });
      return {
        date: formatIsoDate(date),
        asOf: { date: formatIsoDate(asOf), block },
        entitlements: await entitlementsOn(subject, date, block),
      };
    },

    /** Staff: the timeline of the person a payment (its place on chain, `block-logIndex`) went to; logged against that person. */
    async paymentHistory(read: StaffRead, paymentId: string) {
      const [block, logIndex] = paymentId.split("-").map(Number);
      // The row right after the place before this one: the payment itself, if there is one there.
      const after = logIndex > 0 ? { block, logIndex: logIndex - 1 } : { block: block - 1, logIndex: Number.MAX_SAFE_INTEGER };
      const [payment] = await reader.payments({ after, limit: 1 });
      if (!payment || payment.block !== block || payment.logIndex !== logIndex) {
        throw new PaChainError("NOT_FOUND", `no payment at ${paymentId}`, { status: 404 });
      }
      await logRead(read, payment.subject, "payment-trace");
      return { subject: payment.subject, asOf: null, items: await timelineOf(payment.subject), payment: { block, logIndex } };
    },

    /** The signed-in person's access log: staff reads newest first (paged), and their proofs' verifications. */
    async accessLogOf(who: Principal, limit: number, cursor?: string) {
      const subject = pseudonymOf(who.fiscalCode);
      const [page, verifications] = await Promise.all([accessLog.entriesFor(subject, limit, cursor), accessLog.verificationsFor(subject, limit)]);
      return {
        entries: page.entries.map((e) => ({
          at: new Date(e.at).toISOString(), role: e.actorRole, actor: e.actor, purpose: e.purpose, action: e.action, requestId: e.requestId,
        })),
        next: page.next,
        verifications: verifications.map((v) => ({
          proofId: v.proofId, benefit: v.benefit, firstAt: new Date(v.firstAt).toISOString(), lastAt: new Date(v.lastAt).toISOString(), count: v.count, lastVerdict: v.lastVerdict,
        })),
      };
    },

    /**
     * A verification of one of the person's proofs, shown to them apart from staff reads (one row per
     * credential with its count): anyone may verify a presentation any number of times without
     * pushing a staff read out of view.
     */
    recordVerification: (v: { subject: string; proofId: string; benefit: string; verdict: string }) =>
      accessLog.recordVerification({ ...v, at: nowMs() }),
  };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
