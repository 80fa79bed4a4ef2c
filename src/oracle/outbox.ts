// The outbox table of the oracle's store: every record to write on chain, in arrival order, unique
// by record key, moving pending → sent (with its transaction hash) → done, or dead with the reason.
import type { DatabaseSync } from "node:sqlite";
import type { ItemKind, ItemStatus, NewItem, OutboxItem, RelayerName, Row } from "./store.ts";

export function toItem(row: Row): OutboxItem {
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

export interface Outbox {
  enqueue(items: readonly NewItem[]): number;
  /** Pending items of a relayer in arrival order, optionally only those that arrived before `beforeId`. */
  nextPending(relayer: RelayerName, limit: number, beforeId?: number): OutboxItem[];
  /** The oldest pending item of all relayers. */
  oldestPending(): OutboxItem | undefined;
  markSent(ids: readonly number[], txHash: string): void;
  markDone(id: number, outcome?: unknown): void;
  markDead(id: number, errorName: string, errorDetail: string): void;
  /** Back to pending (its transaction lost or reverted); the transaction's hash is kept as an earlier send. */
  markPending(ids: readonly number[]): void;
  /** Hashes of the transactions an item was sent in before its current one (see markPending). */
  earlierSends(id: number): string[];
  sentItems(relayer: RelayerName): OutboxItem[];
  item(id: number): OutboxItem | undefined;
  itemByKey(recordKey: string): OutboxItem | undefined;
  items(filter: { status?: ItemStatus; kind?: ItemKind }, limit?: number): OutboxItem[];
  counts(): Record<ItemStatus, number>;
  pendingCount(kind?: ItemKind): number;
  /** Dead letters by source and reason (the error's name), for the operators' gauges. */
  deadLetterCounts(): Array<{ source: string; reason: string; count: number }>;
  /** Puts dead letters back in the queue; all of them when `ids` is omitted. Returns how many. */
  redrive(ids?: readonly number[]): number;
}

/** The outbox over `db`; `insertAll` is for the store's own multi-table transactions (feed pages, payroll runs). */
export function createOutbox(db: DatabaseSync, transaction: <T>(work: () => T) => T, now: () => number): Outbox & { insertAll(items: readonly NewItem[]): number } {
  const insertItem = db.prepare(
    `INSERT OR IGNORE INTO outbox (source, record_key, kind, relayer, payload, status, error_name, error_detail, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Statements run once per item are prepared once: preparing costs more than running them.
  const updateSent = db.prepare("UPDATE outbox SET status = 'sent', tx_hash = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?");
  const updateDone = db.prepare("UPDATE outbox SET status = 'done', outcome = ?, error_name = NULL, error_detail = NULL, updated_at = ? WHERE id = ?");
  const updateDead = db.prepare("UPDATE outbox SET status = 'dead', error_name = ?, error_detail = ?, updated_at = ? WHERE id = ?");
  const updatePending = db.prepare("UPDATE outbox SET status = 'pending', tx_hash = NULL, updated_at = ? WHERE id = ?");
  const keepEarlierSend = db.prepare("INSERT OR IGNORE INTO outbox_earlier_sends (item_id, tx_hash) SELECT id, tx_hash FROM outbox WHERE id = ? AND tx_hash IS NOT NULL");
  const selectEarlierSends = db.prepare("SELECT tx_hash FROM outbox_earlier_sends WHERE item_id = ?");
  const selectPending = db.prepare("SELECT * FROM outbox WHERE relayer = ? AND status = 'pending' AND id < ? ORDER BY id LIMIT ?");
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
    insertAll,
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
        for (const id of ids) {
          keepEarlierSend.run(id);
          updatePending.run(now(), id);
        }
      });
    },
    earlierSends(id) {
      return (selectEarlierSends.all(id) as Row[]).map((row) => String(row.tx_hash));
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
  };
}
