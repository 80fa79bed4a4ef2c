// The oracle's durable state in one SQLite file (node:sqlite): feed cursors, the outbox of
// everything to write on chain (facts, decisions, payments, in arrival order), dead letters, the
// encrypted pseudonym vault, applications and granted entitlements. Every multi-row change is one
// transaction, so a crash at any point leaves either all of it or none of it.
import { DatabaseSync } from "node:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** Which relayer account sends an item: one per certifying organisation kind. */
export type RelayerName = "civil" | "health" | "inps";
/** How the relayer sends an item: a FactRegistry record call, an INPS decision, an INPS payment. */
export type ItemKind = "fact" | "decision" | "payment";
export type ItemStatus = "pending" | "sent" | "done" | "dead";

export interface OutboxItem {
  id: number;
  source: string;
  /** Unique per record: a retry or a re-read feed never adds the same item twice. */
  recordKey: string;
  kind: ItemKind;
  relayer: RelayerName;
  /** fact: FactRegistry calldata (hex); decision and payment: JSON of the call's arguments. */
  payload: string;
  status: ItemStatus;
  attempts: number;
  txHash: string | null;
  errorName: string | null;
  errorDetail: string | null;
  /** JSON of what the chain answered (decision outcome, payment outcome). */
  outcome: string | null;
}

export interface NewItem {
  source: string;
  recordKey: string;
  kind: ItemKind;
  relayer: RelayerName;
  payload: string;
  /** Set when the item is refused before reaching the chain (validation). */
  dead?: { errorName: string; errorDetail: string };
}

export interface Application {
  applicationId: string;
  subject: string;
  benefit: string;
  date: number;
  status: "received" | "queued" | "decided";
  eligible: boolean | null;
  reason: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cursors (source TEXT PRIMARY KEY, cursor INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  record_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  relayer TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  tx_hash TEXT,
  error_name TEXT,
  error_detail TEXT,
  outcome TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_relayer_status ON outbox (relayer, status, id);
CREATE INDEX IF NOT EXISTS outbox_status ON outbox (status);
CREATE TABLE IF NOT EXISTS pseudonyms (pseudonym TEXT PRIMARY KEY, iv BLOB NOT NULL, ciphertext BLOB NOT NULL, tag BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS applications (
  application_id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  benefit TEXT NOT NULL,
  date INTEGER NOT NULL,
  status TEXT NOT NULL,
  eligible INTEGER,
  reason TEXT
);
CREATE INDEX IF NOT EXISTS applications_subject ON applications (subject, benefit);
CREATE TABLE IF NOT EXISTS payroll_runs (period INTEGER NOT NULL, run INTEGER NOT NULL, started_at INTEGER NOT NULL, orders INTEGER NOT NULL, PRIMARY KEY (period, run));
CREATE TABLE IF NOT EXISTS heartbeats (name TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS entitlements (subject TEXT NOT NULL, benefit TEXT NOT NULL, application_id TEXT NOT NULL, PRIMARY KEY (subject, benefit));
`;

type Row = Record<string, unknown>;

function toItem(row: Row): OutboxItem {
  return {
    id: Number(row.id),
    source: String(row.source),
    recordKey: String(row.record_key),
    kind: row.kind as ItemKind,
    relayer: row.relayer as RelayerName,
    payload: String(row.payload),
    status: row.status as ItemStatus,
    attempts: Number(row.attempts),
    txHash: (row.tx_hash as string | null) ?? null,
    errorName: (row.error_name as string | null) ?? null,
    errorDetail: (row.error_detail as string | null) ?? null,
    outcome: (row.outcome as string | null) ?? null,
  };
}

function toApplication(row: Row): Application {
  return {
    applicationId: String(row.application_id),
    subject: String(row.subject),
    benefit: String(row.benefit),
    date: Number(row.date),
    status: row.status as Application["status"],
    eligible: row.eligible === null ? null : Number(row.eligible) === 1,
    reason: (row.reason as string | null) ?? null,
  };
}

export interface OracleStore {
  /** Runs `work` in one transaction (nested calls join the outer one): one fsync for many rows. */
  transaction<T>(work: () => T): T;
  cursor(source: string): number;
  /** Stores a page of a feed and moves the source's cursor, atomically. Returns how many were new. */
  ingest(source: string, nextCursor: number, items: readonly NewItem[], applications: readonly Omit<Application, "status" | "eligible" | "reason">[]): number;
  enqueue(items: readonly NewItem[]): number;
  /** Pending items of a relayer in arrival order, optionally only those that arrived before `beforeId`. */
  nextPending(relayer: RelayerName, limit: number, beforeId?: number): OutboxItem[];
  /** The oldest pending item of all relayers. */
  oldestPending(): OutboxItem | undefined;
  markSent(ids: readonly number[], txHash: string): void;
  markDone(id: number, outcome?: unknown): void;
  markDead(id: number, errorName: string, errorDetail: string): void;
  markPending(ids: readonly number[]): void;
  sentItems(relayer: RelayerName): OutboxItem[];
  item(id: number): OutboxItem | undefined;
  itemByKey(recordKey: string): OutboxItem | undefined;
  items(filter: { status?: ItemStatus; kind?: ItemKind }, limit?: number): OutboxItem[];
  counts(): Record<ItemStatus, number>;
  /** Dead letters by source and reason (the error's name), for the operators' gauges. */
  deadLetterCounts(): Array<{ source: string; reason: string; count: number }>;
  /** Every source's cursor (the last feed event taken in). */
  cursors(): Array<{ source: string; cursor: number }>;
  pendingCount(kind?: ItemKind): number;
  /** Puts dead letters back in the queue; all of them when `ids` is omitted. Returns how many. */
  redrive(ids?: readonly number[]): number;
  /** Every item back to pending, for replay onto a fresh chain. */
  resetForReplay(): number;
  saveLink(pseudonym: string, iv: Buffer, ciphertext: Buffer, tag: Buffer): void;
  link(pseudonym: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } | undefined;
  eraseLink(pseudonym: string): boolean;
  applications(status?: Application["status"]): Application[];
  /** A person's applications (INPS feed and one-click claims), oldest first. */
  applicationsOf(subject: string): Application[];
  application(applicationId: string): Application | undefined;
  /** Adds applications to decide (status "received"); an id already known is left as it is. Returns how many were new. */
  addApplications(applications: readonly Omit<Application, "status" | "eligible" | "reason">[]): number;
  setApplicationStatus(applicationId: string, status: Application["status"]): void;
  recordDecision(applicationId: string, eligible: boolean, reason: string): void;
  grantedEntitlements(benefits: readonly string[]): Array<{ subject: string; benefit: string }>;
  /** Records a new payroll run for `period` with its payment items, atomically; returns the run number. */
  startPayrollRun(period: number, items: (run: number) => NewItem[]): { run: number; orders: number };
  payrollItems(period: number, run: number): OutboxItem[];
  beat(name: string): void;
  lastBeat(name: string): number | undefined;
  close(): void;
}

export function openOracleStore(path: string): OracleStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
  db.exec(SCHEMA);
  const now = () => Date.now();

  const insertItem = db.prepare(
    `INSERT OR IGNORE INTO outbox (source, record_key, kind, relayer, payload, status, error_name, error_detail, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Statements run once per item are prepared once: preparing costs more than running them.
  const updateSent = db.prepare("UPDATE outbox SET status = 'sent', tx_hash = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?");
  const updateDone = db.prepare("UPDATE outbox SET status = 'done', outcome = ?, error_name = NULL, error_detail = NULL, updated_at = ? WHERE id = ?");
  const updateDead = db.prepare("UPDATE outbox SET status = 'dead', error_name = ?, error_detail = ?, updated_at = ? WHERE id = ?");
  const updatePending = db.prepare("UPDATE outbox SET status = 'pending', tx_hash = NULL, updated_at = ? WHERE id = ?");
  const selectPending = db.prepare("SELECT * FROM outbox WHERE relayer = ? AND status = 'pending' AND id < ? ORDER BY id LIMIT ?");
  let depth = 0;
  const transaction = <T>(work: () => T): T => {
    if (depth > 0) return work();
    db.exec("BEGIN IMMEDIATE");
    depth += 1;
    try {
      const result = work();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    } finally {
      depth -= 1;
    }
  };
  const insertApplications = (applications: readonly Omit<Application, "status" | "eligible" | "reason">[]) => {
    const insertApplication = db.prepare(
      "INSERT OR IGNORE INTO applications (application_id, subject, benefit, date, status) VALUES (?, ?, ?, ?, 'received')",
    );
    let added = 0;
    for (const a of applications) added += Number(insertApplication.run(a.applicationId, a.subject, a.benefit, a.date).changes);
    return added;
  };
  const insertAll = (items: readonly NewItem[]) => {
    let added = 0;
    for (const item of items) {
      const t = now();
      const result = insertItem.run(
        item.source, item.recordKey, item.kind, item.relayer, item.payload,
        item.dead ? "dead" : "pending", item.dead?.errorName ?? null, item.dead?.errorDetail ?? null, t, t,
      );
      added += Number(result.changes);
    }
    return added;
  };

  return {
    transaction,
    cursor(source) {
      const row = db.prepare("SELECT cursor FROM cursors WHERE source = ?").get(source) as Row | undefined;
      return row ? Number(row.cursor) : 0;
    },
    ingest(source, nextCursor, items, applications) {
      return transaction(() => {
        const added = insertAll(items);
        insertApplications(applications);
        db.prepare(
          "INSERT INTO cursors (source, cursor, updated_at) VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        ).run(source, nextCursor, now());
        return added;
      });
    },
    enqueue(items) {
      return transaction(() => insertAll(items));
    },
    nextPending(relayer, limit, beforeId = Number.MAX_SAFE_INTEGER) {
      return (selectPending.all(relayer, beforeId, limit) as Row[]).map(toItem);
    },
    oldestPending() {
      const row = db.prepare("SELECT * FROM outbox WHERE status = 'pending' ORDER BY id LIMIT 1").get() as Row | undefined;
      return row ? toItem(row) : undefined;
    },
    markSent(ids, txHash) {
      transaction(() => {
        for (const id of ids) updateSent.run(txHash, now(), id);
      });
    },
    markDone(id, outcome) {
      updateDone.run(outcome === undefined ? null : JSON.stringify(outcome), now(), id);
    },
    markDead(id, errorName, errorDetail) {
      updateDead.run(errorName, errorDetail, now(), id);
    },
    markPending(ids) {
      transaction(() => {
        for (const id of ids) updatePending.run(now(), id);
      });
    },
    sentItems(relayer) {
      return (db.prepare("SELECT * FROM outbox WHERE relayer = ? AND status = 'sent' ORDER BY id").all(relayer) as Row[]).map(toItem);
    },
    item(id) {
      const row = db.prepare("SELECT * FROM outbox WHERE id = ?").get(id) as Row | undefined;
      return row ? toItem(row) : undefined;
    },
    itemByKey(recordKey) {
      const row = db.prepare("SELECT * FROM outbox WHERE record_key = ?").get(recordKey) as Row | undefined;
      return row ? toItem(row) : undefined;
    },
    items(filter, limit = 1000) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.status) (where.push("status = ?"), args.push(filter.status));
      if (filter.kind) (where.push("kind = ?"), args.push(filter.kind));
      const sql = `SELECT * FROM outbox ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id LIMIT ?`;
      return (db.prepare(sql).all(...args, limit) as Row[]).map(toItem);
    },
    counts() {
      const counts: Record<ItemStatus, number> = { pending: 0, sent: 0, done: 0, dead: 0 };
      for (const row of db.prepare("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status").all() as Row[]) {
        counts[row.status as ItemStatus] = Number(row.n);
      }
      return counts;
    },
    deadLetterCounts() {
      return (db.prepare("SELECT source, COALESCE(error_name, 'UNKNOWN') AS reason, COUNT(*) AS n FROM outbox WHERE status = 'dead' GROUP BY source, reason").all() as Row[])
        .map((row) => ({ source: String(row.source), reason: String(row.reason), count: Number(row.n) }));
    },
    cursors() {
      return (db.prepare("SELECT source, cursor FROM cursors ORDER BY source").all() as Row[]).map((row) => ({ source: String(row.source), cursor: Number(row.cursor) }));
    },
    pendingCount(kind) {
      const row = kind
        ? db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending','sent') AND kind = ?").get(kind)
        : db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status IN ('pending','sent')").get();
      return Number((row as Row).n);
    },
    redrive(ids) {
      return transaction(() => {
        if (!ids) return Number(db.prepare("UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'dead'").run(now()).changes);
        let changed = 0;
        const stmt = db.prepare("UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'dead' AND id = ?");
        for (const id of ids) changed += Number(stmt.run(now(), id).changes);
        return changed;
      });
    },
    resetForReplay() {
      return transaction(() => {
        // Applications whose decision is in the outbox are decided again by the replay itself.
        db.prepare(`UPDATE applications SET eligible = NULL, reason = NULL, status = CASE
          WHEN application_id IN (SELECT substr(record_key, 10) FROM outbox WHERE kind = 'decision') THEN 'queued' ELSE 'received' END`).run();
        db.prepare("DELETE FROM entitlements").run();
        return Number(db.prepare("UPDATE outbox SET status = 'pending', tx_hash = NULL, outcome = NULL, updated_at = ? WHERE status IN ('sent','done')").run(now()).changes);
      });
    },
    saveLink(pseudonym, iv, ciphertext, tag) {
      db.prepare("INSERT OR REPLACE INTO pseudonyms (pseudonym, iv, ciphertext, tag) VALUES (?, ?, ?, ?)").run(pseudonym, iv, ciphertext, tag);
    },
    link(pseudonym) {
      const row = db.prepare("SELECT iv, ciphertext, tag FROM pseudonyms WHERE pseudonym = ?").get(pseudonym) as Row | undefined;
      if (!row) return undefined;
      return { iv: Buffer.from(row.iv as Uint8Array), ciphertext: Buffer.from(row.ciphertext as Uint8Array), tag: Buffer.from(row.tag as Uint8Array) };
    },
    eraseLink(pseudonym) {
      return Number(db.prepare("DELETE FROM pseudonyms WHERE pseudonym = ?").run(pseudonym).changes) > 0;
    },
    applications(status) {
      const rows = status
        ? db.prepare("SELECT * FROM applications WHERE status = ? ORDER BY rowid").all(status)
        : db.prepare("SELECT * FROM applications ORDER BY rowid").all();
      return (rows as Row[]).map(toApplication);
    },
    applicationsOf(subject) {
      return (db.prepare("SELECT * FROM applications WHERE subject = ? ORDER BY rowid").all(subject) as Row[]).map(toApplication);
    },
    application(applicationId) {
      const row = db.prepare("SELECT * FROM applications WHERE application_id = ?").get(applicationId) as Row | undefined;
      return row ? toApplication(row) : undefined;
    },
    addApplications(applications) {
      return transaction(() => insertApplications(applications));
    },
    setApplicationStatus(applicationId, status) {
      // Never moves a decided application back.
      db.prepare("UPDATE applications SET status = ? WHERE application_id = ? AND status != 'decided'").run(status, applicationId);
    },
    recordDecision(applicationId, eligible, reason) {
      transaction(() => {
        db.prepare("UPDATE applications SET status = 'decided', eligible = ?, reason = ? WHERE application_id = ?")
          .run(eligible ? 1 : 0, reason, applicationId);
        if (eligible) {
          const application = db.prepare("SELECT subject, benefit FROM applications WHERE application_id = ?").get(applicationId) as Row;
          db.prepare("INSERT OR IGNORE INTO entitlements (subject, benefit, application_id) VALUES (?, ?, ?)")
            .run(String(application.subject), String(application.benefit), applicationId);
        }
      });
    },
    grantedEntitlements(benefits) {
      if (benefits.length === 0) return [];
      const placeholders = benefits.map(() => "?").join(",");
      return (db.prepare(`SELECT subject, benefit FROM entitlements WHERE benefit IN (${placeholders}) ORDER BY benefit, subject`).all(...benefits) as Row[])
        .map((row) => ({ subject: String(row.subject), benefit: String(row.benefit) }));
    },
    startPayrollRun(period, itemsFor) {
      return transaction(() => {
        const row = db.prepare("SELECT COALESCE(MAX(run), 0) AS last FROM payroll_runs WHERE period = ?").get(period) as Row;
        const run = Number(row.last) + 1;
        const items = itemsFor(run);
        insertAll(items);
        db.prepare("INSERT INTO payroll_runs (period, run, started_at, orders) VALUES (?, ?, ?, ?)").run(period, run, now(), items.length);
        return { run, orders: items.length };
      });
    },
    payrollItems(period, run) {
      return (db.prepare("SELECT * FROM outbox WHERE kind = 'payment' AND record_key LIKE ? ORDER BY id").all(`payment:${period}:r${run}:%`) as Row[]).map(toItem);
    },
    beat(name) {
      db.prepare("INSERT INTO heartbeats (name, at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET at = excluded.at").run(name, now());
    },
    lastBeat(name) {
      const row = db.prepare("SELECT at FROM heartbeats WHERE name = ?").get(name) as Row | undefined;
      return row ? Number(row.at) : undefined;
    },
    close() {
      db.close();
    },
  };
}
