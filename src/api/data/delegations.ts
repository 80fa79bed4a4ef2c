// Delegations a person gives a patronato, and the claims a patronato filed under them. Durable and
// auditable: who granted it, when it was confirmed, when and by whom it was revoked stay for the
// retention period after it ended (then `purgeEnded` deletes the row and its claims). Keyed by the
// person's pseudonym; the fiscal code is kept only while the delegation can still be used (the
// desk needs it to name the person) and blanked once it ends.
// Nothing here goes on chain. The same SQL port as the access log, so SQLite and PostgreSQL serve.
import { randomUUID } from "node:crypto";
import type { SqlDatabase, SqlRow } from "../../indexer/store.ts";

export const SCOPES = ["READ_STATUS", "SUBMIT_APPLICATIONS"] as const;
export type Scope = (typeof SCOPES)[number];

/** What is stored; EXPIRED is not a stored state but follows from `until` and today. */
export type StoredStatus = "PENDING" | "ACTIVE" | "REVOKED";

export interface DelegationRow {
  id: string;
  /** The person's pseudonym (the on-chain subject). */
  subject: string;
  /** Upper-cased; null once the delegation has ended (revoked or expired). */
  fiscalCode: string | null;
  patronatoId: number;
  scopes: Scope[];
  /** YYYYMMDD: the last day the delegation may be used. */
  until: number;
  status: StoredStatus;
  grantedBy: "citizen" | "patronato";
  /** The operator who registered it, for a delegation registered by the patronato. */
  operator: string | null;
  /** 0x + sha256 of the mandate the person signed, for a delegation registered by the patronato. */
  mandateHash: string | null;
  /** unix milliseconds */
  createdAt: number;
  confirmedAt: number | null;
  revokedAt: number | null;
  revokedBy: "citizen" | "patronato" | null;
}

export interface DelegatedClaim {
  applicationId: string;
  delegationId: string;
  subject: string;
  patronatoId: number;
  operator: string;
  benefit: string;
  /** unix milliseconds */
  at: number;
}

export interface DelegationStore {
  insert(row: Omit<DelegationRow, "id">): Promise<DelegationRow>;
  get(id: string): Promise<DelegationRow | undefined>;
  /** Every delegation of a person, newest first. */
  ofSubject(subject: string): Promise<DelegationRow[]>;
  /** A person's delegations to one patronato, newest first. */
  between(subject: string, patronatoId: number): Promise<DelegationRow[]>;
  /** A patronato's pending and active delegations not ended by `today` (YYYYMMDD), newest first. */
  liveOf(patronatoId: number, today: number): Promise<DelegationRow[]>;
  confirm(id: string, at: number): Promise<DelegationRow | undefined>;
  /** Revokes a pending or active delegation and blanks its fiscal code; undefined if it was not. */
  revoke(id: string, at: number, by: "citizen" | "patronato"): Promise<DelegationRow | undefined>;
  /** Blanks the fiscal code of delegations that ended before `today`; returns how many. */
  forgetEnded(today: number): Promise<number>;
  /**
   * Deletes, with the claims filed under them, the delegations that ended before the retention
   * cut-off: revoked before `revokedBefore` (unix ms), or not revoked and last usable before
   * `untilBefore` (YYYYMMDD). Returns how many delegations.
   */
  purgeEnded(cutoff: { revokedBefore: number; untilBefore: number }): Promise<number>;
  recordClaim(claim: DelegatedClaim): Promise<void>;
  claimsOf(subject: string): Promise<DelegatedClaim[]>;
  close(): Promise<void>;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS delegations (
    delegation_id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    fiscal_code TEXT,
    patronato_id INTEGER NOT NULL,
    scopes TEXT NOT NULL,
    until_date INTEGER NOT NULL,
    status TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    operator TEXT,
    mandate_hash TEXT,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    revoked_at BIGINT,
    revoked_by TEXT
  )`,
  "CREATE INDEX IF NOT EXISTS delegations_subject ON delegations (subject, patronato_id)",
  "CREATE INDEX IF NOT EXISTS delegations_patronato ON delegations (patronato_id, status)",
  `CREATE TABLE IF NOT EXISTS delegated_claims (
    application_id TEXT NOT NULL,
    delegation_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    patronato_id INTEGER NOT NULL,
    operator TEXT NOT NULL,
    benefit TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (application_id, delegation_id)
  )`,
  "CREATE INDEX IF NOT EXISTS delegated_claims_subject ON delegated_claims (subject)",
];

const COLUMNS = "delegation_id, subject, fiscal_code, patronato_id, scopes, until_date, status, granted_by, operator, mandate_hash, created_at, confirmed_at, revoked_at, revoked_by";
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function rowOf(r: SqlRow): DelegationRow {
  return {
    id: String(r.delegation_id),
    subject: String(r.subject),
    fiscalCode: r.fiscal_code === null ? null : String(r.fiscal_code),
    patronatoId: Number(r.patronato_id),
    scopes: String(r.scopes).split(",").filter(Boolean) as Scope[],
    until: Number(r.until_date),
    status: String(r.status) as StoredStatus,
    grantedBy: String(r.granted_by) as DelegationRow["grantedBy"],
    operator: r.operator === null ? null : String(r.operator),
    mandateHash: r.mandate_hash === null ? null : String(r.mandate_hash),
    createdAt: Number(r.created_at),
    confirmedAt: num(r.confirmed_at),
    revokedAt: num(r.revoked_at),
    revokedBy: r.revoked_by === null ? null : (String(r.revoked_by) as DelegationRow["revokedBy"]),
  };
}

export async function createDelegationStore(db: SqlDatabase): Promise<DelegationStore> {
  for (const statement of SCHEMA) await db.run(statement);
  const get = async (id: string) => {
    const [row] = await db.all(`SELECT ${COLUMNS} FROM delegations WHERE delegation_id = ?`, [id]);
    return row ? rowOf(row) : undefined;
  };
  return {
    async insert(row) {
      // The id is made here, never taken from the client.
      const id = randomUUID();
      await db.run(
        `INSERT INTO delegations (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, row.subject, row.fiscalCode, row.patronatoId, row.scopes.join(","), row.until, row.status, row.grantedBy,
          row.operator, row.mandateHash, row.createdAt, row.confirmedAt, row.revokedAt, row.revokedBy],
      );
      return (await get(id))!;
    },
    get,
    async ofSubject(subject) {
      return (await db.all(`SELECT ${COLUMNS} FROM delegations WHERE subject = ? ORDER BY created_at DESC, delegation_id`, [subject])).map(rowOf);
    },
    async between(subject, patronatoId) {
      return (await db.all(
        `SELECT ${COLUMNS} FROM delegations WHERE subject = ? AND patronato_id = ? ORDER BY created_at DESC, delegation_id`, [subject, patronatoId],
      )).map(rowOf);
    },
    async liveOf(patronatoId, today) {
      return (await db.all(
        `SELECT ${COLUMNS} FROM delegations WHERE patronato_id = ? AND status IN ('PENDING', 'ACTIVE') AND until_date >= ? ORDER BY created_at DESC, delegation_id`,
        [patronatoId, today],
      )).map(rowOf);
    },
    async confirm(id, at) {
      const changed = await db.run("UPDATE delegations SET status = 'ACTIVE', confirmed_at = ? WHERE delegation_id = ? AND status = 'PENDING'", [at, id]);
      return changed === 1 ? get(id) : undefined;
    },
    async revoke(id, at, by) {
      const changed = await db.run(
        "UPDATE delegations SET status = 'REVOKED', revoked_at = ?, revoked_by = ?, fiscal_code = NULL WHERE delegation_id = ? AND status IN ('PENDING', 'ACTIVE')",
        [at, by, id],
      );
      return changed === 1 ? get(id) : undefined;
    },
    forgetEnded: (today) => db.run("UPDATE delegations SET fiscal_code = NULL WHERE until_date < ? AND fiscal_code IS NOT NULL", [today]),
    purgeEnded: ({ revokedBefore, untilBefore }) => db.transaction(async (tx) => {
      const ended = "(status = 'REVOKED' AND revoked_at < ?) OR (status <> 'REVOKED' AND until_date < ?)";
      await tx.run(`DELETE FROM delegated_claims WHERE delegation_id IN (SELECT delegation_id FROM delegations WHERE ${ended})`, [revokedBefore, untilBefore]);
      return tx.run(`DELETE FROM delegations WHERE ${ended}`, [revokedBefore, untilBefore]);
    }),
    async recordClaim(c) {
      await db.run(
        `INSERT INTO delegated_claims (application_id, delegation_id, subject, patronato_id, operator, benefit, at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (application_id, delegation_id) DO NOTHING`,
        [c.applicationId, c.delegationId, c.subject, c.patronatoId, c.operator, c.benefit, c.at],
      );
    },
    async claimsOf(subject) {
      const rows = await db.all("SELECT application_id, delegation_id, subject, patronato_id, operator, benefit, at FROM delegated_claims WHERE subject = ? ORDER BY at", [subject]);
      return rows.map((r) => ({
        applicationId: String(r.application_id), delegationId: String(r.delegation_id), subject: String(r.subject),
        patronatoId: Number(r.patronato_id), operator: String(r.operator), benefit: String(r.benefit), at: Number(r.at),
      }));
    },
    close: () => db.close(),
  };
}
