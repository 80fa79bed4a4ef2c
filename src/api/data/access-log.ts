// Who consulted whose data: every read of a person's data by an auditor or an operator is written
// here BEFORE the answer leaves, so no read goes unlogged. The person sees their own entries.
// Kept apart from the index (which is rebuilt from the chain and may be reset) in its own
// database, through the same SQL port as the indexer, so SQLite and PostgreSQL both serve.
import { randomUUID } from "node:crypto";
import type { SqlDatabase } from "../../indexer/store.ts";

export interface AccessEntry {
  /** unix milliseconds */
  at: number;
  actorRole: string;
  /** The staff member's identity (fiscal code from the token). */
  actor: string;
  /** The person's pseudonym (the on-chain subject); never the fiscal code. */
  subject: string;
  purpose: string;
  /** What was read, e.g. "history", "entitlements". */
  action: string;
  requestId: string;
}

export interface AccessLog {
  record(entries: readonly AccessEntry[]): Promise<void>;
  entriesFor(subject: string, limit: number): Promise<AccessEntry[]>;
  close(): Promise<void>;
}

// entry_id is made here, never taken from the client: a reused request id cannot hide a read.
const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS person_reads (
    entry_id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_role TEXT NOT NULL,
    actor TEXT NOT NULL,
    purpose TEXT NOT NULL,
    action TEXT NOT NULL
  )`,
  "CREATE INDEX IF NOT EXISTS person_reads_subject ON person_reads (subject, at)",
];

export async function createAccessLog(db: SqlDatabase): Promise<AccessLog> {
  for (const statement of SCHEMA) await db.run(statement);
  return {
    async record(entries) {
      await db.transaction(async (session) => {
        for (const e of entries) {
          await session.run(
            "INSERT INTO person_reads (entry_id, request_id, subject, at, actor_role, actor, purpose, action) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [randomUUID(), e.requestId, e.subject, e.at, e.actorRole, e.actor, e.purpose, e.action],
          );
        }
      });
    },
    async entriesFor(subject, limit) {
      const rows = await db.all(
        "SELECT request_id, subject, at, actor_role, actor, purpose, action FROM person_reads WHERE subject = ? ORDER BY at DESC, entry_id LIMIT ?",
        [subject, limit],
      );
      return rows.map((r) => ({
        at: Number(r.at), actorRole: String(r.actor_role), actor: String(r.actor), subject: String(r.subject),
        purpose: String(r.purpose), action: String(r.action), requestId: String(r.request_id),
      }));
    },
    close: () => db.close(),
  };
}
