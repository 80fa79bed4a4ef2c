// The credential issuer's durable records: which credential holds which index of which status
// list (and for whom: the on-chain pseudonym, never a fiscal code), the status each index has, and
// every status list published with the transaction that anchored it. Like the access log, its own
// database through the indexer's SQL port (SQLite or PostgreSQL), never the index (rebuilt from
// the chain). The anchoring follows the oracle's outbox: a list is stored with its transaction hash
// BEFORE the transaction is broadcast and settled from the receipt, so a crash in between is found
// and settled on the next start.
import type { SqlDatabase } from "../../indexer/store.ts";

export interface IssuedCredential {
  listId: number;
  idx: number;
  /** The person's on-chain pseudonym. */
  subject: string;
  /** Catalog benefit code (EU_DISABILITY_CARD for the card). */
  benefit: string;
  configuration: string;
  /** unix seconds */
  issuedAt: number;
  expiresAt: number;
  /** STATUS value (0 valid, 1 invalid, 2 suspended) as last published. */
  status: number;
}

export interface PublishedList {
  listId: number;
  version: number;
  jwt: string;
  /** 0x SHA-256 of `jwt`. */
  listHash: string;
  /** unix seconds: the list's `iat`. */
  issuedAt: number;
  txHash: string;
  /** null until the receipt is seen. */
  block: number | null;
  state: "sent" | "anchored" | "failed";
}

export interface CredentialStore {
  /** Stores a credential at a free index of the list, chosen at random among the free ones. */
  allocate(entry: Omit<IssuedCredential, "idx" | "status">, capacity: number, random: (n: number) => number): Promise<IssuedCredential>;
  /** Every credential of a list whose status may still change (not INVALID). */
  live(listId: number): Promise<IssuedCredential[]>;
  /** The statuses of a list's indices that are not VALID. */
  nonValid(listId: number): Promise<Array<{ idx: number; status: number }>>;
  setStatuses(listId: number, changes: ReadonlyArray<{ idx: number; status: number }>): Promise<void>;
  byIndex(listId: number, idx: number): Promise<IssuedCredential | undefined>;
  /** Before broadcast: the signed list and the hash of the transaction that will anchor it. */
  listSent(list: Omit<PublishedList, "block" | "state">): Promise<void>;
  listSettled(listId: number, version: number, outcome: { block: number } | "failed"): Promise<void>;
  /** The latest anchored list, or undefined before the first. */
  latestAnchored(listId: number): Promise<PublishedList | undefined>;
  /** Lists sent but not settled (after a crash). */
  unsettled(listId: number): Promise<PublishedList[]>;
  /** The highest version number used for the list, whatever its state (0 before the first). */
  lastVersion(listId: number): Promise<number>;
  close(): Promise<void>;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS issued_credentials (
    list_id INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    subject TEXT NOT NULL,
    benefit TEXT NOT NULL,
    configuration TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    status INTEGER NOT NULL,
    PRIMARY KEY (list_id, idx)
  )`,
  `CREATE TABLE IF NOT EXISTS status_lists (
    list_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    jwt TEXT NOT NULL,
    list_hash TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    tx_hash TEXT NOT NULL,
    block BIGINT,
    state TEXT NOT NULL,
    PRIMARY KEY (list_id, version)
  )`,
];

const credentialOf = (r: Record<string, unknown>): IssuedCredential => ({
  listId: Number(r.list_id), idx: Number(r.idx), subject: String(r.subject), benefit: String(r.benefit), configuration: String(r.configuration),
  issuedAt: Number(r.issued_at), expiresAt: Number(r.expires_at), status: Number(r.status),
});
const listOf = (r: Record<string, unknown>): PublishedList => ({
  listId: Number(r.list_id), version: Number(r.version), jwt: String(r.jwt), listHash: String(r.list_hash), issuedAt: Number(r.issued_at),
  txHash: String(r.tx_hash), block: r.block === null || r.block === undefined ? null : Number(r.block), state: String(r.state) as PublishedList["state"],
});

export async function createCredentialStore(db: SqlDatabase): Promise<CredentialStore> {
  for (const statement of SCHEMA) await db.run(statement);
  return {
    async allocate(entry, capacity, random) {
      return db.transaction(async (session) => {
        const used = new Set((await session.all("SELECT idx FROM issued_credentials WHERE list_id = ?", [entry.listId])).map((r) => Number(r.idx)));
        if (used.size >= capacity) throw new Error(`status list ${entry.listId} is full (${capacity} credentials)`);
        let idx = random(capacity);
        while (used.has(idx)) idx = (idx + 1) % capacity;
        await session.run(
          "INSERT INTO issued_credentials (list_id, idx, subject, benefit, configuration, issued_at, expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
          [entry.listId, idx, entry.subject, entry.benefit, entry.configuration, entry.issuedAt, entry.expiresAt],
        );
        return { ...entry, idx, status: 0 };
      });
    },
    async live(listId) {
      return (await db.all("SELECT * FROM issued_credentials WHERE list_id = ? AND status <> 1 ORDER BY idx", [listId])).map(credentialOf);
    },
    async nonValid(listId) {
      return (await db.all("SELECT idx, status FROM issued_credentials WHERE list_id = ? AND status <> 0", [listId]))
        .map((r) => ({ idx: Number(r.idx), status: Number(r.status) }));
    },
    async setStatuses(listId, changes) {
      await db.transaction(async (session) => {
        for (const c of changes) await session.run("UPDATE issued_credentials SET status = ? WHERE list_id = ? AND idx = ?", [c.status, listId, c.idx]);
      });
    },
    async byIndex(listId, idx) {
      const [row] = await db.all("SELECT * FROM issued_credentials WHERE list_id = ? AND idx = ?", [listId, idx]);
      return row ? credentialOf(row) : undefined;
    },
    async listSent(list) {
      await db.run(
        "INSERT INTO status_lists (list_id, version, jwt, list_hash, issued_at, tx_hash, block, state) VALUES (?, ?, ?, ?, ?, ?, NULL, 'sent')",
        [list.listId, list.version, list.jwt, list.listHash, list.issuedAt, list.txHash],
      );
    },
    async listSettled(listId, version, outcome) {
      if (outcome === "failed") await db.run("UPDATE status_lists SET state = 'failed' WHERE list_id = ? AND version = ?", [listId, version]);
      else await db.run("UPDATE status_lists SET state = 'anchored', block = ? WHERE list_id = ? AND version = ?", [outcome.block, listId, version]);
    },
    async latestAnchored(listId) {
      const [row] = await db.all("SELECT * FROM status_lists WHERE list_id = ? AND state = 'anchored' ORDER BY version DESC LIMIT 1", [listId]);
      return row ? listOf(row) : undefined;
    },
    async unsettled(listId) {
      return (await db.all("SELECT * FROM status_lists WHERE list_id = ? AND state = 'sent' ORDER BY version", [listId])).map(listOf);
    },
    async lastVersion(listId) {
      const [row] = await db.all("SELECT MAX(version) AS v FROM status_lists WHERE list_id = ?", [listId]);
      return row?.v === null || row?.v === undefined ? 0 : Number(row.v);
    },
    close: () => db.close(),
  };
}
