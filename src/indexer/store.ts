// The indexer's store: every write the indexer makes, as portable SQL over a small database port
// (`SqlDatabase`). SQLite (node:sqlite, ./sqlite.ts) implements the port today; a PostgreSQL
// implementation (package `pg`) only has to implement the port too — run, all, transaction with
// `?` placeholders rewritten to `$1…` — and reuses these statements unchanged (docs/indexer.md).
import type { DeploymentAddresses } from "../chain/contracts.ts";
import type { IndexedEvent } from "./events.ts";
import { deriveRows, eventKeys, LOG_TABLES, STATE_CONTRACTS, STATE_TABLES, type DerivedRow, type IndexerTable } from "./rows.ts";
import { SCHEMA, SCHEMA_VERSION } from "./schema.ts";
import { PaChainError, misconfigured } from "../errors.ts";

export type SqlValue = string | number | bigint | null;
export type SqlRow = Record<string, unknown>;

export interface SqlSession {
  /** Runs one statement; returns how many rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  all<T = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /**
   * Where the database has a bulk path (PostgreSQL's COPY … FROM STDIN, inside a transaction):
   * appends `rows` to `table`. There is no ON CONFLICT: a row whose key is already stored fails
   * the whole copy with DuplicateRows (the store then takes the INSERT path for that batch).
   */
  copy?(table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void>;
}

/** A bulk copy met a key that is already stored (PostgreSQL's unique_violation). */
export class DuplicateRows extends PaChainError {
  constructor(table: string, cause: unknown) {
    super("INDEX_CONFLICT", `a row copied into ${table} is already stored`, { status: 500, cause });
  }
}

export interface SqlDatabase extends SqlSession {
  /** Runs `work` in one transaction: all of its statements or none. Calls are serialised. */
  transaction<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A block the index has reached: its number and hash (the hash detects reorgs and resets). */
export interface Checkpoint {
  block: number;
  hash: string;
}

/** Which chain and deployment the stored rows describe. */
export interface IndexedChain {
  chainId: number;
  /** Hash of block 0: another one means the chain was reset and the rows are stale. */
  genesisHash: string;
  addresses: DeploymentAddresses;
  deploymentBlock: number;
}

export interface IndexState extends IndexedChain {
  /** The last block whose events are all stored. */
  checkpoint: Checkpoint;
}

export class IndexerStoreConflict extends PaChainError {
  constructor(expected: Checkpoint) {
    super("INDEX_CONFLICT", `the index moved past block ${expected.block} under this indexer: is another indexer writing to the same store?`, { status: 500 });
  }
}

export interface IndexerStore {
  /** Undefined for an empty store. */
  state(): Promise<IndexState | undefined>;
  /** Deletes every row and starts an index of `chain` at `start` (the block before its deployment). */
  reset(chain: IndexedChain, start: Checkpoint): Promise<void>;
  /**
   * Stores events (in chain order) with their derived rows and moves the checkpoint from `from` to
   * `to`, in one transaction. An event already stored (same tx hash and log index) is skipped with
   * its derived rows. Throws IndexerStoreConflict when the stored checkpoint is not `from`.
   * Returns how many events were new.
   */
  append(events: readonly IndexedEvent[], from: Checkpoint, to: Checkpoint): Promise<number>;
  /** Distinct blocks with stored events at or below `block`, newest first, with their stored hashes. */
  eventBlocks(atOrBelow: number, limit: number): Promise<Checkpoint[]>;
  /** Deletes everything above `to.block`, rebuilds the state tables and sets the checkpoint to `to`. */
  rewind(to: Checkpoint): Promise<void>;
  /**
   * Drops the tables' secondary indexes: a fresh index's backfill inserts faster without them
   * and builds each once at the end (buildIndexes), sorted, instead of row by row. Queries stay
   * correct meanwhile, only slower; a store opened again recreates any that are missing.
   */
  deferIndexes(): Promise<void>;
  /** Creates the secondary indexes that are missing. */
  buildIndexes(): Promise<void>;
  counts(): Promise<Record<IndexerTable, number>>;
  /** A read query with `?` placeholders, for the read API's data layer. */
  query<T = SqlRow>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  close(): Promise<void>;
}

const ALL_TABLES: readonly IndexerTable[] = [...LOG_TABLES, ...STATE_TABLES];
/** The schema's secondary indexes (name and CREATE statement); primary keys stay, they make appends idempotent. */
const SECONDARY_INDEXES = SCHEMA.flatMap((sql) => {
  const name = /^CREATE INDEX IF NOT EXISTS (\w+)/.exec(sql)?.[1];
  return name ? [{ name, sql }] : [];
});
const flag = (value: boolean | null): number | null => (value === null ? null : value ? 1 : 0);

/**
 * An INSERT of many rows in one statement: `head VALUES (row), (row), … tail`. One statement per
 * table and batch instead of one per event is what makes a backfill fast on both stores (on
 * PostgreSQL each statement is also a network round trip).
 */
interface BulkInsert {
  head: string;
  row: string;
  tail: string;
  /** Statement texts by row count. */
  texts: Map<number, string>;
  /** The table and its columns, for a bulk copy (read from `head`). */
  table: string;
  columns: string[];
}

function bulkInsert(head: string, row: string, tail: string): BulkInsert {
  const [, table, columns] = /INSERT INTO (\w+) \(([^)]*)\)/.exec(head)!;
  return { head, row, tail, texts: new Map(), table, columns: columns.split(",").map((c) => c.trim()) };
}

/**
 * Batches of fewer events take the INSERT path even where COPY exists: a copy costs a savepoint
 * and a round trip per table, more than one multi-row INSERT of a few rows (the live indexer
 * appends a block or two at a time; a backfill appends thousands).
 */
const COPY_MIN_EVENTS = 64;
/** The facts row's parameters: [7] the organisation id (null for income), [8] the signer whose organisation stands in for it. */
const FACT_ORG = 7;
const FACT_SIGNER = 8;

/**
 * Most rows in one statement. Below it, a batch is cut into power-of-two chunks, so a handful of
 * statement texts (each prepared once on SQLite) cover every batch size; 256 rows × 31 columns
 * (facts) stays far below SQLite's 32,766 and PostgreSQL's 65,535 parameters.
 */
const MAX_ROWS_PER_STATEMENT = 256;

function chunkSizes(rows: number): number[] {
  const sizes: number[] = [];
  for (; rows >= MAX_ROWS_PER_STATEMENT; rows -= MAX_ROWS_PER_STATEMENT) sizes.push(MAX_ROWS_PER_STATEMENT);
  for (let size = MAX_ROWS_PER_STATEMENT / 2; size >= 1; size /= 2) if (rows >= size) (sizes.push(size), (rows -= size));
  return sizes;
}

/** Runs `insert` over `rows` in chunks; `each` gets every chunk's statement and flattened parameters. */
async function forEachChunk<T>(insert: BulkInsert, rows: readonly SqlValue[][], each: (sql: string, params: SqlValue[]) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let at = 0;
  for (const size of chunkSizes(rows.length)) {
    let sql = insert.texts.get(size);
    if (sql === undefined) insert.texts.set(size, (sql = `${insert.head} VALUES ${new Array<string>(size).fill(insert.row).join(", ")} ${insert.tail}`));
    const params: SqlValue[] = [];
    for (let i = at; i < at + size; i += 1) for (const value of rows[i]) params.push(value);
    results.push(await each(sql, params));
    at += size;
  }
  return results;
}

const INSERT_EVENTS = bulkInsert(
  `INSERT INTO events (tx_hash, log_index, block_number, block_hash, block_time, tx_index, contract, address, event, args,
  subject, benefit_id, period, application_id, record_id)`,
  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  // RETURNING names the events that were new: an event already stored is skipped with its derived rows.
  "ON CONFLICT (tx_hash, log_index) DO NOTHING RETURNING tx_hash, log_index",
);

type LogTable = "payments" | "payment_refusals" | "decisions" | "facts";

const LOG_INSERTS: Record<LogTable, BulkInsert> = {
  payments: bulkInsert(
    "INSERT INTO payments (tx_hash, log_index, block_number, block_time, subject, benefit_id, period, amount_cents)",
    "(?, ?, ?, ?, ?, ?, ?, ?)",
    "ON CONFLICT (tx_hash, log_index) DO NOTHING",
  ),
  payment_refusals: bulkInsert(
    "INSERT INTO payment_refusals (tx_hash, log_index, block_number, block_time, subject, benefit_id, period, reason, reason_name)",
    "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "ON CONFLICT (tx_hash, log_index) DO NOTHING",
  ),
  decisions: bulkInsert(
    `INSERT INTO decisions (tx_hash, log_index, block_number, block_time, application_id, subject, benefit_id, date, eligible, reason,
       reason_name, monthly_amount_cents, assessment_id)`,
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "ON CONFLICT (tx_hash, log_index) DO NOTHING",
  ),
  facts: bulkInsert(
    `INSERT INTO facts (tx_hash, log_index, block_number, block_time, kind, record_id, subject, org_id, signers, signed_at,
       assessment_id, birth_date, residence, old_residence, death_date, old_death_date, category, percentage, flags,
       effective_date, review_date, report_hash, revocation_reason, year, amount_cents, old_amount_cents, replaced,
       admission, discharge, old_discharge)`,
    // Income events carry no organisation id: the certifier is the organisation of the signing key.
    `(?, ?, ?, ?, ?, ?, ?, COALESCE(?, (SELECT org_id FROM signers WHERE address = ?)), ?, ?,
       ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    "ON CONFLICT (tx_hash, log_index) DO NOTHING",
  ),
};

/** The parameters of a derived row of a log table (one row per event, appended), or undefined for a state table. */
function logRow(row: DerivedRow, e: IndexedEvent): [LogTable, SqlValue[]] | undefined {
  switch (row.table) {
    case "payments":
      return ["payments", [e.txHash, e.logIndex, e.blockNumber, e.blockTime, row.subject, row.benefitId, row.period, row.amountCents]];
    case "payment_refusals":
      return ["payment_refusals", [e.txHash, e.logIndex, e.blockNumber, e.blockTime, row.subject, row.benefitId, row.period, row.reason, row.reasonName]];
    case "decisions":
      return ["decisions", [e.txHash, e.logIndex, e.blockNumber, e.blockTime, row.applicationId, row.subject, row.benefitId, row.date,
        flag(row.eligible), row.reason, row.reasonName, row.monthlyAmountCents, row.assessmentId]];
    case "facts": {
      const f = row.fact;
      return ["facts", [e.txHash, e.logIndex, e.blockNumber, e.blockTime, f.kind, f.recordId, f.subject, f.orgId, f.signers[0] ?? null,
        JSON.stringify(f.signers), f.signedAt, f.assessmentId, f.birthDate, f.residence, f.oldResidence, f.deathDate, f.oldDeathDate,
        f.category, f.percentage, f.flags, f.effectiveDate, f.reviewDate, f.reportHash, f.revocationReason, f.year, f.amountCents,
        f.oldAmountCents, flag(f.replaced), f.admission, f.discharge, f.oldDischarge]];
    }
    default:
      return undefined;
  }
}

/** The statement and parameters that apply one derived row of a state table (current values, upserted in chain order). */
function stateStatement(row: DerivedRow, e: IndexedEvent): [string, SqlValue[]] {
  switch (row.table) {
    case "organisations":
      if (row.type === "registered") {
        return [
          `INSERT INTO organisations (org_id, kind, kind_name, code, parent_id, name, active, registered_block, registered_tx, registered_time, updated_block)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
           ON CONFLICT (org_id) DO UPDATE SET kind = excluded.kind, kind_name = excluded.kind_name, code = excluded.code,
             parent_id = excluded.parent_id, name = excluded.name, active = 1, registered_block = excluded.registered_block,
             registered_tx = excluded.registered_tx, registered_time = excluded.registered_time, updated_block = excluded.updated_block`,
          [row.orgId, row.kind, row.kindName, row.code, row.parentId, row.name, e.blockNumber, e.txHash, e.blockTime, e.blockNumber],
        ];
      }
      return ["UPDATE organisations SET active = ?, updated_block = ? WHERE org_id = ?", [flag(row.active), e.blockNumber, row.orgId]];
    case "signers":
      if (row.type === "added") {
        return [
          `INSERT INTO signers (address, org_id, added_block, added_tx, added_time) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (address) DO UPDATE SET org_id = excluded.org_id, added_block = excluded.added_block,
             added_tx = excluded.added_tx, added_time = excluded.added_time, retired_at = NULL, retired_block = NULL`,
          [row.address, row.orgId, e.blockNumber, e.txHash, e.blockTime],
        ];
      }
      return ["UPDATE signers SET retired_at = ?, retired_block = ? WHERE address = ?", [row.retiredAt, e.blockNumber, row.address]];
    case "benefits": {
      const r = row.rule;
      return [
        `INSERT INTO benefits (benefit_id, code, wave, monetary, payments_per_year, min_age, max_age_exclusive,
           suspended_by_long_hospital_stay, has_income_limit, requirement_count, requirements, defined_block, defined_tx, defined_time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (benefit_id) DO UPDATE SET code = excluded.code, wave = excluded.wave, monetary = excluded.monetary,
           payments_per_year = excluded.payments_per_year, min_age = excluded.min_age, max_age_exclusive = excluded.max_age_exclusive,
           suspended_by_long_hospital_stay = excluded.suspended_by_long_hospital_stay, has_income_limit = excluded.has_income_limit,
           requirement_count = excluded.requirement_count, requirements = excluded.requirements,
           defined_block = excluded.defined_block, defined_tx = excluded.defined_tx, defined_time = excluded.defined_time`,
        [row.benefitId, row.code, r.wave, flag(r.monetary), r.paymentsPerYear, r.minAge, r.maxAgeExclusive,
          flag(r.suspendedByLongHospitalStay), flag(r.hasIncomeLimit), r.requirementCount, r.requirements, e.blockNumber, e.txHash, e.blockTime],
      ];
    }
    case "benefit_terms":
      return [
        `INSERT INTO benefit_terms (benefit_id, year, is_set, monthly_amount_cents, income_limit_cents, set_block, set_tx, set_time)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (benefit_id, year) DO UPDATE SET is_set = excluded.is_set, monthly_amount_cents = excluded.monthly_amount_cents,
           income_limit_cents = excluded.income_limit_cents, set_block = excluded.set_block, set_tx = excluded.set_tx, set_time = excluded.set_time`,
        [row.benefitId, row.year, flag(row.set), row.monthlyAmountCents, row.incomeLimitCents, e.blockNumber, e.txHash, e.blockTime],
      ];
    case "waves":
      return [
        `INSERT INTO waves (wave, phase, phase_name, pilot_provinces, changed_block, changed_tx, changed_time) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (wave) DO UPDATE SET phase = excluded.phase, phase_name = excluded.phase_name, pilot_provinces = excluded.pilot_provinces,
           changed_block = excluded.changed_block, changed_tx = excluded.changed_tx, changed_time = excluded.changed_time`,
        [row.wave, row.phase, row.phaseName, JSON.stringify(row.pilotProvinces), e.blockNumber, e.txHash, e.blockTime],
      ];
    default:
      throw new Error(`${row.table} is a log table, not a state table`);
  }
}

function eventParams(e: IndexedEvent): SqlValue[] {
  const k = eventKeys(e);
  return [e.txHash, e.logIndex, e.blockNumber, e.blockHash, e.blockTime, e.txIndex, e.contract, e.address, e.event,
    JSON.stringify(e.args), k.subject, k.benefitId, k.period, k.applicationId, k.recordId];
}

function eventOfRow(row: SqlRow): IndexedEvent {
  return {
    blockNumber: Number(row.block_number),
    blockHash: String(row.block_hash),
    blockTime: Number(row.block_time),
    txHash: String(row.tx_hash),
    txIndex: Number(row.tx_index),
    logIndex: Number(row.log_index),
    contract: row.contract as IndexedEvent["contract"],
    address: String(row.address),
    event: String(row.event),
    args: JSON.parse(String(row.args)),
  };
}

/** The IndexerStore over any SqlDatabase: creates the schema, then every read and write in portable SQL. */
export async function createSqlIndexerStore(
  db: SqlDatabase,
  options: {
    /** A statement run first in the schema transaction that waits for other processes creating it (PostgreSQL: an advisory lock). */
    schemaLock?: string;
  } = {},
): Promise<IndexerStore> {
  await db.transaction(async (s) => {
    if (options.schemaLock) await s.all(options.schemaLock);
    for (const statement of SCHEMA) await s.run(statement);
  });
  const [stored] = await db.all<SqlRow>("SELECT schema_version FROM indexer_state WHERE id = 1");
  if (stored && Number(stored.schema_version) !== SCHEMA_VERSION) {
    await db.close();
    throw misconfigured(`the index has schema version ${stored.schema_version}, this code writes ${SCHEMA_VERSION}: `
      + "drop the index (delete the SQLite file, or its tables) and it is rebuilt from the chain");
  }

  /** The facts' rows as COPY takes them: the organisation of the signing key resolved here, as the INSERT's subquery does. */
  const factsForCopy = async (s: SqlSession, rows: SqlValue[][]): Promise<SqlValue[][]> => {
    const signers = [...new Set(rows.filter((r) => r[FACT_ORG] === null && r[FACT_SIGNER] !== null).map((r) => r[FACT_SIGNER]))];
    const orgOf = new Map<unknown, SqlValue>();
    for (let at = 0; at < signers.length; at += MAX_ROWS_PER_STATEMENT) {
      const some = signers.slice(at, at + MAX_ROWS_PER_STATEMENT);
      const found = await s.all<SqlRow>(`SELECT address, org_id FROM signers WHERE address IN (${some.map(() => "?").join(", ")})`, some);
      for (const row of found) orgOf.set(row.address, row.org_id as SqlValue);
    }
    return rows.map((r) => [...r.slice(0, FACT_ORG), r[FACT_ORG] ?? orgOf.get(r[FACT_SIGNER]) ?? null, ...r.slice(FACT_SIGNER + 1)]);
  };

  /**
   * Applies the derived rows of `events` (in chain order): log tables in bulk (COPY when `copy`,
   * else multi-row INSERTs), state tables one upsert at a time.
   */
  const applyDerived = async (s: SqlSession, events: Iterable<IndexedEvent>, copy = false) => {
    const pending: Record<LogTable, SqlValue[][]> = { payments: [], payment_refusals: [], decisions: [], facts: [] };
    const flush = async (table: LogTable) => {
      const insert = LOG_INSERTS[table];
      if (copy && s.copy) await s.copy(insert.table, insert.columns, table === "facts" ? await factsForCopy(s, pending[table]) : pending[table]);
      else await forEachChunk(insert, pending[table], (sql, params) => s.run(sql, params));
      pending[table] = [];
    };
    for (const e of events) {
      for (const row of deriveRows(e)) {
        const log = logRow(row, e);
        if (log) {
          pending[log[0]].push(log[1]);
          continue;
        }
        // A fact finds its certifier among the signing keys as they are at the fact: store the facts before a key changes.
        if (row.table === "signers" && pending.facts.length > 0) await flush("facts");
        const [sql, params] = stateStatement(row, e);
        await s.run(sql, params);
      }
    }
    for (const table of Object.keys(pending) as LogTable[]) if (pending[table].length > 0) await flush(table);
  };

  /** Stores `events` and their derived rows in the open transaction `s`; returns how many were new. */
  const appendRows = async (s: SqlSession, events: readonly IndexedEvent[]): Promise<number> => {
    if (s.copy && events.length >= COPY_MIN_EVENTS) {
      // A backfill's batch is new events: COPY them. A batch that overlaps what is stored (which
      // the checkpoint should prevent) fails the copy and is undone to the savepoint, then takes
      // the INSERT path, which skips the stored events: the same rows either way.
      await s.run("SAVEPOINT bulk_copy");
      try {
        await s.copy(INSERT_EVENTS.table, INSERT_EVENTS.columns, events.map(eventParams));
        await applyDerived(s, events, true);
        await s.run("RELEASE SAVEPOINT bulk_copy");
        return events.length;
      } catch (error) {
        if (!(error instanceof DuplicateRows)) throw error;
        await s.run("ROLLBACK TO SAVEPOINT bulk_copy");
      }
    }
    const inserted = (await forEachChunk(INSERT_EVENTS, events.map(eventParams), (sql, params) => s.all<SqlRow>(sql, params))).flat();
    let fresh: readonly IndexedEvent[] = events;
    if (inserted.length !== events.length) {
      const keys = new Set(inserted.map((row) => `${row.tx_hash}:${row.log_index}`));
      fresh = events.filter((e) => keys.delete(`${e.txHash}:${e.logIndex}`));
    }
    await applyDerived(s, fresh);
    return fresh.length;
  };

  return {
    async state() {
      const [row] = await db.all<SqlRow>("SELECT * FROM indexer_state WHERE id = 1");
      if (!row) return undefined;
      return {
        chainId: Number(row.chain_id),
        genesisHash: String(row.genesis_hash),
        addresses: JSON.parse(String(row.addresses)) as DeploymentAddresses,
        deploymentBlock: Number(row.deployment_block),
        checkpoint: { block: Number(row.indexed_block), hash: String(row.indexed_hash) },
      };
    },

    async reset(chain, start) {
      await db.transaction(async (s) => {
        for (const table of ALL_TABLES) await s.run(`DELETE FROM ${table}`);
        await s.run("DELETE FROM indexer_state");
        await s.run(
          `INSERT INTO indexer_state (id, schema_version, chain_id, genesis_hash, addresses, deployment_block, indexed_block, indexed_hash, updated_at)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [SCHEMA_VERSION, chain.chainId, chain.genesisHash, JSON.stringify(chain.addresses), chain.deploymentBlock, start.block, start.hash, Date.now()],
        );
      });
    },

    async append(events, from, to) {
      return db.transaction(async (s) => {
        const added = await appendRows(s, events);
        const moved = await s.run(
          "UPDATE indexer_state SET indexed_block = ?, indexed_hash = ?, updated_at = ? WHERE id = 1 AND indexed_block = ? AND indexed_hash = ?",
          [to.block, to.hash, Date.now(), from.block, from.hash],
        );
        if (moved !== 1) throw new IndexerStoreConflict(from);
        return added;
      });
    },

    async eventBlocks(atOrBelow, limit) {
      const rows = await db.all<SqlRow>(
        "SELECT DISTINCT block_number, block_hash FROM events WHERE block_number <= ? ORDER BY block_number DESC LIMIT ?",
        [atOrBelow, limit],
      );
      return rows.map((row) => ({ block: Number(row.block_number), hash: String(row.block_hash) }));
    },

    async rewind(to) {
      await db.transaction(async (s) => {
        for (const table of LOG_TABLES) await s.run(`DELETE FROM ${table} WHERE block_number > ?`, [to.block]);
        // State tables are a function of the remaining events: replay them.
        for (const table of STATE_TABLES) await s.run(`DELETE FROM ${table}`);
        const placeholders = STATE_CONTRACTS.map(() => "?").join(", ");
        const rows = await s.all<SqlRow>(`SELECT * FROM events WHERE contract IN (${placeholders}) ORDER BY block_number, log_index`, [...STATE_CONTRACTS]);
        await applyDerived(s, rows.map(eventOfRow));
        await s.run("UPDATE indexer_state SET indexed_block = ?, indexed_hash = ?, updated_at = ? WHERE id = 1", [to.block, to.hash, Date.now()]);
      });
    },

    async deferIndexes() {
      await db.transaction(async (s) => {
        for (const index of SECONDARY_INDEXES) await s.run(`DROP INDEX IF EXISTS ${index.name}`);
      });
    },

    async buildIndexes() {
      await db.transaction(async (s) => {
        for (const index of SECONDARY_INDEXES) await s.run(index.sql);
      });
    },

    async counts() {
      const counts = {} as Record<IndexerTable, number>;
      for (const table of ALL_TABLES) {
        const [row] = await db.all<SqlRow>(`SELECT COUNT(*) AS n FROM ${table}`);
        counts[table] = Number(row.n);
      }
      return counts;
    },

    query(sql, params) {
      return db.all(sql, params);
    },

    close() {
      return db.close();
    },
  };
}
