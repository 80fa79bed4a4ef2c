// The notifier: follows PA Chain's events through the index and sends one IO message per change
// in a person's situation. Two loops:
// - watch: every new range of indexed blocks → the people it touched → for each, the contracts'
//   own answers (BenefitLedger.entitlements at today and at +30/+60/+90 days; no copy of the
//   rules here) compared with what the notifier last knew → notices, keyed by (person, change),
//   into the durable outbox together with the new snapshot and, last, the new cursor;
// - send: due notices → IO profile (only people whose profile lets INPS write get a message) →
//   marked "sending" with its idempotency key → IO → delivered; IO busy or down: deferred with
//   backoff. A crash between mark and settle sends again with the same key: IO answers with
//   the first message, so a change is one message.
// The notifier sees fiscal codes only through `people` (the oracle's vault), at send time, and
// never logs one.
import { createHash } from "node:crypto";
import { addDaysYmd, daysBetweenYmd as daysBetween } from "../domain/dates.ts";
import type { Catalog } from "../domain/catalog.ts";
import type { IndexerStore } from "../indexer/store.ts";
import type { Logger } from "../logger.ts";
import { runStepLoop } from "../node/step-loop.ts";
import { IoUnavailable, type IoClient } from "./io-client.ts";
import { languageOf, render } from "./messages.ts";
import type { NotifierMetrics } from "./metrics.ts";
import type { NewNotice, Notice, NoticeStore } from "./store.ts";

export const POLL_INTERVAL_MS = 1000;
const SEND_BATCH = 64;
const SEND_CONCURRENCY = 8;
const EVALUATE_CONCURRENCY = 16;
const MAX_BACKOFF_MS = 5 * 60_000;
/** The watch and send loops back off at most this long after a failed round (IO down). */
const LOOP_MAX_BACKOFF_MS = 30_000;
/** Predictive horizons, in days: the contracts are asked about these future dates. */
export const HORIZONS = [30, 60, 90] as const;
const REVIEW_WITHIN_DAYS = 60;
const HOSPITAL_WITHIN_DAYS = 30;
/** An income at or above this share of the year's limit is "near the limit" (per mille). */
const INCOME_NEAR_PER_MILLE = 900n;

/** One benefit's answer of BenefitLedger.entitlements(subject, date). */
export interface Answer {
  benefit: string;
  monetary: boolean;
  eligible: boolean;
  reason: string;
  assessmentId: string;
  /** euro cents */
  monthlyAmountCents: number;
  /** YYYYMMDD, 0 when none */
  reviewDate: number;
}

/** The contracts' answers for a person at a date (the only source of "entitled or not"). */
export type EntitlementsAt = (subject: string, date: number) => Promise<Answer[]>;

/** The notifier's narrow access to the oracle: a person's fiscal code (to message them) and claims. */
export interface PeopleAccess {
  fiscalCodeOf(subject: string): string | undefined;
  claimsOf(subject: string): Map<string, { status: string }>;
}

export interface Notifier {
  start(): void;
  stop(): Promise<void>;
  /** One watch step and one send step now (tests, and the loops' body). */
  watchOnce(): Promise<number>;
  sendOnce(): Promise<number>;
  /** Resolves once the index is followed to its end and no notice waits (a deferred one counts as waiting). */
  idle(timeoutMs?: number): Promise<void>;
}

type Row = Record<string, unknown>;

export function createNotifier(options: {
  store: NoticeStore;
  index: Pick<IndexerStore, "query">;
  entitlementsAt: EntitlementsAt;
  people: PeopleAccess;
  io: IoClient;
  catalog: Catalog;
  /** Today, YYYYMMDD (src/clock.ts). */
  today: () => number;
  claimUrl: string;
  logger: Logger;
  metrics?: NotifierMetrics;
  pollIntervalMs?: number;
}): Notifier {
  const { store, index, entitlementsAt, people, io, catalog, today, claimUrl, metrics } = options;
  const logger = options.logger.child({ module: "notifier" });
  const pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const codeOfId = new Map(catalog.benefits.map((b) => [b.id.toLowerCase(), b]));
  const benefitOf = new Map(catalog.benefits.map((b) => [b.code, b]));
  let running = false;
  const loops: Promise<void>[] = [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const num = (v: unknown) => Number(v);
  const cursor = () => Number(store.getState("block") ?? -1);

  async function lastIndexedBlock(): Promise<number> {
    const [row] = await index.query<Row>("SELECT MAX(block_number) AS b FROM events");
    return row?.b === null || row?.b === undefined ? -1 : num(row.b);
  }

  /** The first date in (from, to] the benefit is not due, by bisection over the contracts' answers. */
  async function firstNotDue(subject: string, benefit: string, from: number, to: number): Promise<{ date: number; reason: string }> {
    let lo = 0; // days after `from` still due
    let hi = daysBetween(from, to); // days after `from` not due
    let reason = "";
    for (const a of await entitlementsAt(subject, to)) if (a.benefit === benefit) reason = a.reason;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      const answer = (await entitlementsAt(subject, addDaysYmd(from, mid))).find((a) => a.benefit === benefit);
      if (answer?.eligible) lo = mid;
      else (hi = mid), (reason = answer?.reason ?? reason);
    }
    return { date: addDaysYmd(from, hi), reason };
  }

  async function latestIncome(subject: string): Promise<{ year: number; amountCents: bigint } | undefined> {
    const [row] = await index.query<Row>(
      "SELECT year, amount_cents FROM facts WHERE subject = ? AND kind = 'income' ORDER BY block_number DESC, log_index DESC LIMIT 1", [subject]);
    return row && row.amount_cents !== null ? { year: num(row.year), amountCents: BigInt(String(row.amount_cents)) } : undefined;
  }

  /** What changed for one person, from the contracts' answers: notices and the new snapshot. */
  async function evaluate(subject: string, block: number): Promise<{ notices: NewNotice[]; snapshot: Answer[] }> {
    const day = today();
    const now = await entitlementsAt(subject, day);
    const claims = people.claimsOf(subject);
    const notices: NewNotice[] = [];
    for (const a of now) {
      const claim = claims.get(a.benefit)?.status ?? "NOT_CLAIMED";
      const before = store.snapshot(subject, a.benefit);
      const base = { subject, benefit: a.benefit };
      const params = { monetary: a.monetary };
      // Never claimed, or refused before and due now (the key names the assessment it rests on).
      if (a.eligible && (claim === "NOT_CLAIMED" || claim === "REFUSED")) {
        notices.push({ ...base, key: `entitled:${subject}:${a.benefit}:${a.assessmentId}`, kind: "ENTITLED_UNCLAIMED", params });
      }
      if (claim !== "GRANTED") continue;
      if (before?.eligible && !a.eligible) {
        notices.push({ ...base, key: `stopped:${subject}:${a.benefit}:${block}`, kind: "BENEFIT_STOPPED", params: { ...params, reason: a.reason } });
      }
      if (!a.eligible) continue;
      if (a.reviewDate !== 0 && a.reviewDate >= day && a.reviewDate <= addDaysYmd(day, REVIEW_WITHIN_DAYS)) {
        // One notice per assessment and review date, whatever the number of benefits resting on it.
        notices.push({ subject, benefit: null, key: `review:${subject}:${a.assessmentId}:${a.reviewDate}`, kind: "REVIEW_SOON", params: { reviewDate: a.reviewDate } });
      }
      const benefit = benefitOf.get(a.benefit);
      if (benefit?.hasIncomeLimit) {
        const income = await latestIncome(subject);
        const limit = benefit.years.find((y) => y.year === income?.year)?.incomeLimitCents ?? 0n;
        if (income && limit > 0n && income.amountCents <= limit && income.amountCents * 1000n >= limit * INCOME_NEAR_PER_MILLE) {
          notices.push({ ...base, key: `income:${subject}:${a.benefit}:${income.year}`, kind: "INCOME_NEAR_LIMIT", params: { ...params, year: income.year } });
        }
      }
    }
    // Predictive: ask the contracts about the future; a benefit due today and not at a horizon ends
    // or pauses in between, and the bisection finds the day and the chain's reason.
    const granted = now.filter((a) => a.eligible && claims.get(a.benefit)?.status === "GRANTED");
    if (granted.length > 0) {
      let previous = day;
      const pending = new Set(granted.map((a) => a.benefit));
      for (const h of HORIZONS) {
        if (pending.size === 0) break;
        const date = addDaysYmd(day, h);
        for (const a of await entitlementsAt(subject, date)) {
          if (!pending.has(a.benefit) || a.eligible) continue;
          pending.delete(a.benefit);
          const end = await firstNotDue(subject, a.benefit, previous, date);
          const params = { monetary: a.monetary, from: end.date };
          if (end.reason === "AGE_OUT_OF_RANGE") {
            notices.push({ subject, benefit: a.benefit, key: `age:${subject}:${a.benefit}:${end.date}`, kind: "AGE_LIMIT_SOON", params });
          } else if (end.reason === "HOSPITALISED" && daysBetween(day, end.date) <= HOSPITAL_WITHIN_DAYS) {
            notices.push({ subject, benefit: a.benefit, key: `hospital:${subject}:${a.benefit}:${end.date}`, kind: "HOSPITAL_SUSPENSION_SOON", params });
          }
        }
        previous = date;
      }
    }
    return { notices, snapshot: now };
  }

  async function evaluateAll(subjects: readonly string[], block: number): Promise<number> {
    let added = 0;
    for (let at = 0; at < subjects.length; at += EVALUATE_CONCURRENCY) {
      const chunk = subjects.slice(at, at + EVALUATE_CONCURRENCY);
      const results = await Promise.all(chunk.map(async (subject) => ({ subject, ...(await evaluate(subject, block)) })));
      // Notices and the snapshot they were computed against move together.
      added += store.transaction(() => {
        let n = 0;
        for (const r of results) {
          n += store.enqueue(r.notices);
          for (const a of r.snapshot) store.setSnapshot(r.subject, a.benefit, { eligible: a.eligible, reason: a.reason });
        }
        return n;
      });
    }
    return added;
  }

  /**
   * A rebuilt index (the embedded chain replayed on restart, a reorg, another chain) numbers its
   * blocks anew: the notifier reads it again from the start. Every notice key names its change,
   * not a block, so what was already noticed is not noticed twice.
   */
  async function followRebuiltIndex(to: number): Promise<void> {
    const [row] = await index.query<Row>("SELECT genesis_hash, deployment_block FROM indexer_state WHERE id = 1");
    const identity = row ? `${String(row.genesis_hash)}:${String(row.deployment_block)}` : "";
    const known = store.getState("index");
    if (known !== identity || to < cursor()) {
      if (known !== undefined) logger.info({ fromBlock: 0 }, "index rebuilt: following it again from the start");
      store.transaction(() => {
        store.setState("index", identity);
        store.setState("block", "-1");
      });
    }
  }

  async function watchOnce(): Promise<number> {
    const to = await lastIndexedBlock();
    await followRebuiltIndex(to);
    const from = cursor();
    let added = 0;
    if (to > from) {
      const range = [from, to];
      const decisions = await index.query<Row>(
        "SELECT application_id, subject, benefit_id, date, eligible, reason_name, monthly_amount_cents FROM decisions WHERE block_number > ? AND block_number <= ?", range);
      const payments = await index.query<Row>(
        "SELECT subject, benefit_id, period, amount_cents FROM payments WHERE block_number > ? AND block_number <= ?", range);
      const events: NewNotice[] = [];
      for (const d of decisions) {
        const benefit = codeOfId.get(String(d.benefit_id).toLowerCase());
        if (!benefit) continue;
        const granted = num(d.eligible) === 1;
        events.push({
          key: `decision:${String(d.application_id)}`, subject: String(d.subject), benefit: benefit.code,
          kind: granted ? "CLAIM_GRANTED" : "CLAIM_REFUSED",
          params: {
            monetary: benefit.monetary, date: num(d.date), reason: String(d.reason_name),
            monthlyAmountCents: d.monthly_amount_cents === null ? 0 : num(d.monthly_amount_cents),
            // Tells two decisions apart without naming the benefit (the page shows it by this id).
            reference: String(d.application_id).slice(0, 10),
          },
        });
      }
      for (const p of payments) {
        const benefit = codeOfId.get(String(p.benefit_id).toLowerCase());
        if (!benefit) continue;
        const period = num(p.period);
        events.push({
          key: `payment:${String(p.subject)}:${benefit.code}:${period}`, subject: String(p.subject), benefit: benefit.code, kind: "PAYMENT_MADE",
          params: { monetary: true, period, amountCents: p.amount_cents === null ? 0 : num(p.amount_cents), thirteenth: period % 100 === 12 && benefit.paymentsPerYear === 13 },
        });
      }
      added += store.enqueue(events);
      const touched = await index.query<Row>(
        `SELECT DISTINCT subject FROM events WHERE block_number > ? AND block_number <= ? AND subject IS NOT NULL
         UNION SELECT DISTINCT subject FROM facts WHERE block_number > ? AND block_number <= ?`, [...range, ...range]);
      added += await evaluateAll(touched.map((r) => String(r.subject)), to);
      store.transaction(() => {
        store.setState("block", String(to));
        // The first range is everyone seen so far, just evaluated: today's sweep is done.
        if (from < 0) store.setState("sweepDay", String(today()));
      });
      logger.info({ fromBlock: from + 1, toBlock: to, people: touched.length, notices: added }, "index range followed");
    }
    // Once a day, everyone known again: predictive notices move with the date, not with events.
    const day = String(today());
    if (store.getState("sweepDay") !== day) {
      const known = store.knownSubjects();
      if (known.length > 0) added += await evaluateAll(known, to);
      store.setState("sweepDay", day);
      if (known.length > 0) logger.info({ people: known.length, notices: added }, "daily predictive sweep done");
    }
    return added;
  }

  function backoffMs(attempts: number, retryAfterMs?: number): number {
    return Math.max(retryAfterMs ?? 0, Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS));
  }

  async function sendOne(notice: Notice): Promise<void> {
    const fiscalCode = people.fiscalCodeOf(notice.subject);
    if (!fiscalCode) {
      store.markNotDelivered(notice.id, "no link to a person (erased)");
      metrics?.notDelivered.inc({ kind: notice.kind, why: "erased" });
      return;
    }
    try {
      const profile = await io.profile(fiscalCode);
      if (profile.type === "refused") {
        store.markFailed(notice.id, `IO refused the profile request (${profile.status}): ${profile.detail}`);
        metrics?.failed.inc({ kind: notice.kind });
        logger.error({ notice: notice.id, kind: notice.kind, status: profile.status }, "profile request refused by IO");
        return;
      }
      if (profile.type === "absent" || !profile.senderAllowed) {
        const why = profile.type === "absent" ? "not_on_io" : "blocked";
        store.markNotDelivered(notice.id, why === "not_on_io" ? "not on IO" : "the person does not allow INPS to write on IO");
        metrics?.notDelivered.inc({ kind: notice.kind, why });
        return;
      }
      const language = languageOf(profile.preferredLanguages);
      // Marked before the call: after a crash here the same key goes out again, and IO answers
      // with the message it already has.
      store.markSending(notice.id, language);
      const answer = await io.send(fiscalCode, render(notice, language, claimUrl), idempotencyKey(notice));
      if (answer.type === "sent") {
        store.markDelivered(notice.id, answer.id);
        metrics?.sent.inc({ kind: notice.kind });
      } else if (answer.status === 403 || answer.status === 404) {
        store.markNotDelivered(notice.id, answer.detail || `IO answered ${answer.status}`);
        metrics?.notDelivered.inc({ kind: notice.kind, why: answer.status === 404 ? "not_on_io" : "blocked" });
      } else {
        store.markFailed(notice.id, `IO answered ${answer.status}: ${answer.detail}`);
        metrics?.failed.inc({ kind: notice.kind });
        logger.error({ notice: notice.id, kind: notice.kind, status: answer.status, detail: answer.detail }, "notice refused by IO");
      }
    } catch (error) {
      if (!(error instanceof IoUnavailable)) throw error;
      store.defer(notice.id, Date.now() + backoffMs(notice.attempts + 1, error.retryAfterMs), error.message);
      metrics?.deferred.inc({ kind: notice.kind });
      throw error;
    }
  }

  async function sendOnce(): Promise<number> {
    const due = store.due(Date.now(), SEND_BATCH);
    let sent = 0;
    let unavailable: IoUnavailable | undefined;
    for (let at = 0; at < due.length && !unavailable; at += SEND_CONCURRENCY) {
      const results = await Promise.allSettled(due.slice(at, at + SEND_CONCURRENCY).map(sendOne));
      for (const r of results) {
        if (r.status === "fulfilled") sent += 1;
        else if (r.reason instanceof IoUnavailable) unavailable = r.reason;
        else throw r.reason;
      }
    }
    metrics?.pending.set(store.counts().pending);
    // IO busy or down: the round stops (the notices hit wait their own backoff). Only a round that
    // got nothing through backs the loop off: a busy IO that still takes most calls is not down.
    if (unavailable && sent === 0) throw unavailable;
    return sent;
  }

  // A round that did nothing waits the poll interval; a failed one backs off (src/node/step-loop.ts).
  const loop = (name: string, step: () => Promise<number>) => runStepLoop({
    name, step: async () => ((await step()) === 0 ? pollIntervalMs : 0), running: () => running, logger,
    isTransient: (error) => error instanceof IoUnavailable, maxBackoffMs: LOOP_MAX_BACKOFF_MS,
  });


  return {
    start() {
      if (running) return;
      running = true;
      loops.push(loop("watch", watchOnce), loop("send", sendOnce));
      logger.info("notifier started");
    },
    async stop() {
      running = false;
      await Promise.all(loops.splice(0));
      logger.info("notifier stopped");
    },
    watchOnce,
    sendOnce,
    async idle(timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const c = store.counts();
        if (cursor() >= (await lastIndexedBlock()) && c.pending === 0 && c.sending === 0) return;
        await sleep(200);
      }
      throw new Error(`notifier not idle after ${timeoutMs / 1000} s: ${JSON.stringify(store.counts())}`);
    },
  };
}

/** IO's idempotency key of a notice: derived from its (person, change) key, without the pseudonym itself. */
export function idempotencyKey(notice: Pick<Notice, "key">): string {
  return `pachain-${createHashHex(notice.key).slice(0, 40)}`;
}

const createHashHex = (text: string) => createHash("sha256").update(text).digest("hex");
