// Who consulted whose data: every read of a person's data by an auditor or an operator is written
// here BEFORE the answer leaves, so no read goes unlogged. The person sees their own entries.
// Kept apart from the index (which is rebuilt from the chain and may be reset) in its own
// database, through the same SQL port as the indexer, so SQLite and PostgreSQL both serve.
//
// Public proof verifications are kept apart from staff reads, one row per proof with its count:
// anyone may verify a proof any number of times, and 1,000 verifications must neither push an
// auditor's read out of the person's view nor grow the log by 1,000 rows. Staff reads are paged
// fully with a cursor, newest first.
import { randomUUID } from "node:crypto";
import { ValidationError } from "../../errors.ts";
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

/** Every public verification of one proof, summed up. */
export interface ProofVerifications {
  /** The proof's id (its jti). */
  proofId: string;
  benefit: string;
  /** unix milliseconds of the first and the latest verification */
  firstAt: number;
  lastAt: number;
  count: number;
  /** The latest verdict: valid, revoked, expired, invalid. */
  lastVerdict: string;
}

export interface AccessPage {
  entries: AccessEntry[];
  /** The cursor of the next (older) page; null on the last page. */
  next: string | null;
}

export interface AccessLog {
  /** Staff reads (and any read by a token holder). */
  record(entries: readonly AccessEntry[]): Promise<void>;
  /** One public verification of a proof of `subject`'s. */
  recordVerification(v: { subject: string; proofId: string; benefit: string; at: number; verdict: string }): Promise<void>;
  /** Reads of a person's data, newest first, `limit` at a time from `cursor` (undefined: the newest). */
  entriesFor(subject: string, limit: number, cursor?: string): Promise<AccessPage>;
  /** The person's proofs that were verified, most recently verified first. */
  verificationsFor(subject: string, limit: number): Promise<ProofVerifications[]>;
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
  `CREATE TABLE IF NOT EXISTS proof_verifications (
    subject TEXT NOT NULL,
    proof_id TEXT NOT NULL,
    benefit TEXT NOT NULL,
    first_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    count BIGINT NOT NULL,
    last_verdict TEXT NOT NULL,
    PRIMARY KEY (subject, proof_id)
  )`,
  "CREATE INDEX IF NOT EXISTS proof_verifications_subject ON proof_verifications (subject, last_at)",
];

/** Logs written before verifications had their own table kept them among the reads: not shown as reads. */
const VERIFIER_ROLE = "verifier";

const encodeCursor = (at: number, entryId: string) => Buffer.from(`${at}:${entryId}`).toString("base64url");
function decodeCursor(cursor: string): { at: number; entryId: string } {
  const match = /^(\d{1,16}):([0-9a-f-]{36})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw new ValidationError("cursor", "cursor: not a cursor this API gave");
  return { at: Number(match[1]), entryId: match[2] };
}

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
    async recordVerification(v) {
      await db.run(
        `INSERT INTO proof_verifications (subject, proof_id, benefit, first_at, last_at, count, last_verdict) VALUES (?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT (subject, proof_id) DO UPDATE SET last_at = excluded.last_at, count = proof_verifications.count + 1, last_verdict = excluded.last_verdict`,
        [v.subject, v.proofId, v.benefit, v.at, v.at, v.verdict],
      );
    },
    async entriesFor(subject, limit, cursor) {
      // Keyset paging on (at DESC, entry_id ASC): stable while new reads arrive at the top.
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const rows = await db.all(
        `SELECT entry_id, request_id, subject, at, actor_role, actor, purpose, action FROM person_reads
         WHERE subject = ? AND actor_role <> ?${after ? " AND (at < ? OR (at = ? AND entry_id > ?))" : ""}
         ORDER BY at DESC, entry_id LIMIT ?`,
        [subject, VERIFIER_ROLE, ...(after ? [after.at, after.at, after.entryId] : []), limit + 1],
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        entries: page.map((r) => ({
          at: Number(r.at), actorRole: String(r.actor_role), actor: String(r.actor), subject: String(r.subject),
          purpose: String(r.purpose), action: String(r.action), requestId: String(r.request_id),
        })),
        next: rows.length > limit && last ? encodeCursor(Number(last.at), String(last.entry_id)) : null,
      };
    },
    async verificationsFor(subject, limit) {
      const rows = await db.all(
        "SELECT proof_id, benefit, first_at, last_at, count, last_verdict FROM proof_verifications WHERE subject = ? ORDER BY last_at DESC, proof_id LIMIT ?",
        [subject, limit],
      );
      return rows.map((r) => ({
        proofId: String(r.proof_id), benefit: String(r.benefit), firstAt: Number(r.first_at), lastAt: Number(r.last_at),
        count: Number(r.count), lastVerdict: String(r.last_verdict),
      }));
    },
    close: () => db.close(),
  };
}
