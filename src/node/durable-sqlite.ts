// A SQLite file for a durable local store (the oracle's outbox, the notifier's notices): write-ahead
// log, every commit synced to disk (a crash loses nothing that was acknowledged), a busy timeout
// for a second process reading it, and transactions that nest (an inner one joins the outer).
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface DurableSqlite {
  db: DatabaseSync;
  /** Runs `work` in one IMMEDIATE transaction (or inside the one already open). */
  transaction<T>(work: () => T): T;
}

export function openDurableSqlite(path: string, schema: string): DurableSqlite {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
  db.exec(schema);
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
  return { db, transaction };
}
