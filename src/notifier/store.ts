// The notifier's durable state in one SQLite file (node:sqlite, PACHAIN_HOME/notifier/notices.sqlite):
// how far it followed the index, what it last knew of each person's entitlements, and the notice
// outbox. A notice's key names the (person, change) it is about and is UNIQUE, so the same change
// noticed twice (a re-read range, a restart) is one notice; a notice is marked "sending" before
// the IO call and settled after, so after a crash it is sent again with the same idempotency key
// and IO answers with the first message. Pseudonyms only: no fiscal code is ever stored here.
import { join, resolve } from "node:path";
import { openDurableSqlite } from "../node/durable-sqlite.ts";

export type NoticeKind =
  | "ENTITLED_UNCLAIMED"
  | "CLAIM_GRANTED"
  | "CLAIM_REFUSED"
  | "PAYMENT_MADE"
  | "BENEFIT_STOPPED"
  | "REVIEW_SOON"
  | "AGE_LIMIT_SOON"
  | "HOSPITAL_SUSPENSION_SOON"
  | "INCOME_NEAR_LIMIT";

/**
 * pending: to send (again, after `nextAttemptAt`); sending: marked before the IO call;
 * delivered: IO accepted it; not_delivered: the person is not on IO or blocked the service;
 * failed: IO refused it for good (a bad request), kept for an operator.
 */
export type NoticeStatus = "pending" | "sending" | "delivered" | "not_delivered" | "failed";

export interface Notice {
  id: number;
  /** (person, change): e.g. entitled:<subject>:<benefit>:<assessment>. */
  key: string;
  subject: string;
  kind: NoticeKind;
  benefit: string | null;
  /** What the message says, without personal data beyond the pseudonym's own facts (JSON). */
  params: Record<string, unknown>;
  status: NoticeStatus;
  attempts: number;
  nextAttemptAt: number;
  messageId: string | null;
  language: string | null;
  detail: string | null;
  createdAt: number;
  sentAt: number | null;
}

export interface NewNotice {
  key: string;
  subject: string;
  kind: NoticeKind;
  benefit: string | null;
  params: Record<string, unknown>;
}

export interface Snapshot {
  eligible: boolean;
  reason: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (subject TEXT NOT NULL, benefit TEXT NOT NULL, eligible INTEGER NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (subject, benefit));
CREATE TABLE IF NOT EXISTS notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_key TEXT NOT NULL UNIQUE,
  subject TEXT NOT NULL,
  kind TEXT NOT NULL,
  benefit TEXT,
  params TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  message_id TEXT,
  language TEXT,
  detail TEXT,
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notices_subject ON notices (subject, id);
CREATE INDEX IF NOT EXISTS notices_due ON notices (status, next_attempt_at);
`;

type Row = Record<string, unknown>;

export function noticeStorePath(config: { PACHAIN_HOME: string }): string {
  return join(resolve(config.PACHAIN_HOME), "notifier", "notices.sqlite");
}

function toNotice(row: Row): Notice {
  return {
    id: Number(row.id),
    key: String(row.notice_key),
    subject: String(row.subject),
    kind: row.kind as NoticeKind,
    benefit: (row.benefit as string | null) ?? null,
    params: JSON.parse(String(row.params)) as Record<string, unknown>,
    status: row.status as NoticeStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    messageId: (row.message_id as string | null) ?? null,
    language: (row.language as string | null) ?? null,
    detail: (row.detail as string | null) ?? null,
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
  };
}

export interface NoticeStore {
  transaction<T>(work: () => T): T;
  getState(name: string): string | undefined;
  setState(name: string, value: string): void;
  snapshot(subject: string, benefit: string): Snapshot | undefined;
  setSnapshot(subject: string, benefit: string, snapshot: Snapshot): void;
  /** Subjects the notifier has seen, for the daily predictive sweep. */
  knownSubjects(): string[];
  /** Adds notices; a key already known is left as it is. Returns how many were new. */
  enqueue(notices: readonly NewNotice[]): number;
  /** Pending notices due at `now`, and every "sending" one (a crash between mark and settle), oldest first. */
  due(now: number, limit: number): Notice[];
  markSending(id: number, language: string): void;
  markDelivered(id: number, messageId: string): void;
  /** Back to pending, to be tried again at `nextAttemptAt`. */
  defer(id: number, nextAttemptAt: number, detail: string): void;
  markNotDelivered(id: number, detail: string): void;
  markFailed(id: number, detail: string): void;
  noticesOf(subject: string, limit: number): Notice[];
  byKey(key: string): Notice | undefined;
  counts(): Record<NoticeStatus, number>;
  close(): void;
}

export function openNoticeStore(path: string): NoticeStore {
  const { db, transaction } = openDurableSqlite(path, SCHEMA);
  const now = () => Date.now();
  const insert = db.prepare(
    `INSERT OR IGNORE INTO notices (notice_key, subject, kind, benefit, params, status, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
  );
  const update = (sql: string, ...args: Array<string | number | null>) => db.prepare(`UPDATE notices SET ${sql}, updated_at = ? WHERE id = ?`).run(...args.slice(0, -1), now(), args.at(-1)!);

  return {
    transaction,
    getState(name) {
      const row = db.prepare("SELECT value FROM state WHERE name = ?").get(name) as Row | undefined;
      return row ? String(row.value) : undefined;
    },
    setState(name, value) {
      db.prepare("INSERT INTO state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value").run(name, value);
    },
    snapshot(subject, benefit) {
      const row = db.prepare("SELECT eligible, reason FROM snapshots WHERE subject = ? AND benefit = ?").get(subject, benefit) as Row | undefined;
      return row ? { eligible: Number(row.eligible) === 1, reason: String(row.reason) } : undefined;
    },
    setSnapshot(subject, benefit, s) {
      db.prepare("INSERT INTO snapshots (subject, benefit, eligible, reason) VALUES (?, ?, ?, ?) ON CONFLICT (subject, benefit) DO UPDATE SET eligible = excluded.eligible, reason = excluded.reason")
        .run(subject, benefit, s.eligible ? 1 : 0, s.reason);
    },
    knownSubjects() {
      return (db.prepare("SELECT DISTINCT subject FROM snapshots").all() as Row[]).map((r) => String(r.subject));
    },
    enqueue(notices) {
      return transaction(() => {
        let added = 0;
        for (const n of notices) {
          const t = now();
          added += Number(insert.run(n.key, n.subject, n.kind, n.benefit, JSON.stringify(n.params), t, t, t).changes);
        }
        return added;
      });
    },
    due(at, limit) {
      return (db.prepare("SELECT * FROM notices WHERE status = 'sending' OR (status = 'pending' AND next_attempt_at <= ?) ORDER BY id LIMIT ?").all(at, limit) as Row[]).map(toNotice);
    },
    markSending(id, language) {
      update("status = 'sending', attempts = attempts + 1, language = ?", language, id);
    },
    markDelivered(id, messageId) {
      update("status = 'delivered', message_id = ?, detail = NULL, sent_at = ?", messageId, now(), id);
    },
    defer(id, nextAttemptAt, detail) {
      update("status = 'pending', attempts = attempts + 1, next_attempt_at = ?, detail = ?", nextAttemptAt, detail, id);
    },
    markNotDelivered(id, detail) {
      update("status = 'not_delivered', detail = ?", detail, id);
    },
    markFailed(id, detail) {
      update("status = 'failed', detail = ?", detail, id);
    },
    noticesOf(subject, limit) {
      return (db.prepare("SELECT * FROM notices WHERE subject = ? ORDER BY id DESC LIMIT ?").all(subject, limit) as Row[]).map(toNotice);
    },
    byKey(key) {
      const row = db.prepare("SELECT * FROM notices WHERE notice_key = ?").get(key) as Row | undefined;
      return row ? toNotice(row) : undefined;
    },
    counts() {
      const counts: Record<NoticeStatus, number> = { pending: 0, sending: 0, delivered: 0, not_delivered: 0, failed: 0 };
      for (const row of db.prepare("SELECT status, COUNT(*) AS n FROM notices GROUP BY status").all() as Row[]) counts[row.status as NoticeStatus] = Number(row.n);
      return counts;
    },
    close() {
      db.close();
    },
  };
}
