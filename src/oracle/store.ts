// The oracle's durable state in one SQLite file (node:sqlite): feed cursors, the outbox of
// everything to write on chain (facts, decisions, payments, in arrival order), dead letters, the
// encrypted pseudonym vault, applications and granted entitlements. Every multi-row change is one
// transaction, so a crash at any point leaves either all of it or none of it. One file, three parts
// with their own modules: the outbox (outbox.ts), the vault's links (pseudonym-links.ts) and the
// applications (applications.ts); this module opens the file and holds what spans them (feed
// pages, payroll runs, the replay reset) and the cursors and heartbeats.
import { createApplications, type Applications } from "./applications.ts";
import { createOutbox, toItem, type Outbox } from "./outbox.ts";
import { createPseudonymLinks, type PseudonymLinks } from "./pseudonym-links.ts";
import { openDurableSqlite } from "../node/durable-sqlite.ts";

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
-- Transactions an item went out in before it was put back to pending (believed lost, reverted):
-- if one of them was mined after all, its events are the item's outcome, not the resend's refusal.
CREATE TABLE IF NOT EXISTS outbox_earlier_sends (item_id INTEGER NOT NULL, tx_hash TEXT NOT NULL, PRIMARY KEY (item_id, tx_hash)) WITHOUT ROWID;
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

export type Row = Record<string, unknown>;

export interface OracleStore extends Outbox, PseudonymLinks, Applications {
  /** Runs `work` in one transaction (nested calls join the outer one): one fsync for many rows. */
  transaction<T>(work: () => T): T;
  cursor(source: string): number;
  /** Every source's cursor (the last feed event taken in). */
  cursors(): Array<{ source: string; cursor: number }>;
  /** Stores a page of a feed and moves the source's cursor, atomically. Returns how many were new. */
  ingest(source: string, nextCursor: number, items: readonly NewItem[], applications: readonly Omit<Application, "status" | "eligible" | "reason">[]): number;
  /** Every item back to pending, for replay onto a fresh chain. */
  resetForReplay(): number;
  /** Records a new payroll run for `period` with its payment items, atomically; returns the run number. */
  startPayrollRun(period: number, items: (run: number) => NewItem[]): { run: number; orders: number };
  payrollItems(period: number, run: number): OutboxItem[];
  beat(name: string): void;
  lastBeat(name: string): number | undefined;
  close(): void;
}

export function openOracleStore(path: string): OracleStore {
  const { db, transaction } = openDurableSqlite(path, SCHEMA);
  const now = () => Date.now();
  const { insertAll, ...outbox } = createOutbox(db, transaction, now);
  const { insertApplications, ...applications } = createApplications(db, transaction);

  return {
    ...outbox,
    ...createPseudonymLinks(db),
    ...applications,
    transaction,
    cursors() {
      return (db.prepare("SELECT source, cursor FROM cursors ORDER BY source").all() as Row[]).map((row) => ({ source: String(row.source), cursor: Number(row.cursor) }));
    },
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
    resetForReplay() {
      return transaction(() => {
        // Applications whose decision is in the outbox are decided again by the replay itself.
        db.prepare(`UPDATE applications SET eligible = NULL, reason = NULL, status = CASE
          WHEN application_id IN (SELECT substr(record_key, 10) FROM outbox WHERE kind = 'decision') THEN 'queued' ELSE 'received' END`).run();
        db.prepare("DELETE FROM entitlements").run();
        // Transactions of the old chain: none of them can have paid anything on the fresh one.
        db.prepare("DELETE FROM outbox_earlier_sends").run();
        return Number(db.prepare("UPDATE outbox SET status = 'pending', tx_hash = NULL, outcome = NULL, updated_at = ? WHERE status IN ('sent','done')").run(now()).changes);
      });
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
