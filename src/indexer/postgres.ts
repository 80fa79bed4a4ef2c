// The SqlDatabase port on PostgreSQL (package `pg`): a pool of connections; a transaction runs on
// one checked-out client. The store's SQL is written once with `?` placeholders (store.ts,
// schema.ts, the read API's queries); here each statement text is rewritten to `$1, $2, …` once
// and cached. Results are converted so a row reads exactly as it does from SQLite: BIGINT and
// NUMERIC (COUNT, SUM) come back as numbers, booleans (`a = b` in a SELECT list) as 1/0 — the read
// API runs the same queries on both stores and must get the same rows.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { createSqlIndexerStore, DuplicateRows, type IndexerStore, type SqlDatabase, type SqlSession, type SqlValue } from "./store.ts";
import { PaChainError } from "../errors.ts";

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const BOOL_OID = 16;
/** Connections in the pool: one writer (the indexer) and a few concurrent read API queries. */
const POOL_SIZE = 8;
const CONNECT_TIMEOUT_MS = 10_000;
/** Statement texts whose `$n` form is remembered (the store's and the API's are a few hundred at most). */
const REWRITE_CACHE_MAX = 2000;
/** Any constant: the key of the advisory lock that serialises schema creation between processes. */
const SCHEMA_LOCK_KEY = 4_242_001;

/** The database named by DATABASE_URL did not answer or refused the connection (the message names the host, never the password). */
export class IndexerDatabaseUnreachable extends PaChainError {
  constructor(where: string, cause: unknown) {
    super("UNAVAILABLE", `cannot connect to the indexer's PostgreSQL database at ${where}: ${(cause as Error)?.message ?? String(cause)}`, {
      status: 503, retryable: true, cause,
    });
  }
}

/** user@host:port/database of a postgres:// URL: what an operator needs to find the database, without the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    const host = u.hostname || new URLSearchParams(u.search).get("host") || "localhost";
    return `${user}${host}:${u.port || "5432"}${u.pathname || "/"}`;
  } catch {
    return "(an unparseable DATABASE_URL)";
  }
}

/**
 * A whole number from int8 or numeric text: a number when it is exact as one (every block, time
 * and cents value here is), else the exact decimal string (SQLite's driver would throw instead).
 * A numeric with a fraction (AVG) becomes a float, as SQLite's REAL.
 */
function parseNumber(text: string): number | string {
  const value = Number(text);
  if (Number.isSafeInteger(value) || !Number.isInteger(value)) return value;
  return text;
}

const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return parseNumber;
    if (oid === BOOL_OID) return (text: string) => (text === "t" ? 1 : 0);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const rewritten = new Map<string, string>();

/**
 * `?` → `$1, $2, …` outside string literals, quoted identifiers and comments. PostgreSQL's own
 * `?`-operators (jsonb) are not used by this project's SQL.
 */
export function toPostgresPlaceholders(sql: string): string {
  let cached = rewritten.get(sql);
  if (cached !== undefined) return cached;
  let out = "";
  let n = 0;
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += `$${(n += 1)}`;
    } else {
      out += c;
    }
  }
  if (rewritten.size >= REWRITE_CACHE_MAX) rewritten.clear();
  rewritten.set(sql, out);
  return out;
}

/** pg binds a JS bigint by its own rules (version-dependent): give PostgreSQL the decimal text, which it casts to BIGINT. */
function bindable(params: readonly SqlValue[]): Array<string | number | null> {
  return params.map((p) => (typeof p === "bigint" ? p.toString() : p));
}

/** PostgreSQL's unique_violation. */
const UNIQUE_VIOLATION = "23505";
/** Rows per chunk written to a COPY stream (each chunk one string). */
const COPY_CHUNK_ROWS = 500;

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value in COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyField(value: SqlValue): string {
  if (value === null) return "\\N";
  if (typeof value !== "string") return String(value);
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]) : value;
}

function* copyText(rows: readonly SqlValue[][]): Generator<string> {
  for (let at = 0; at < rows.length; at += COPY_CHUNK_ROWS) {
    let chunk = "";
    for (const row of rows.slice(at, at + COPY_CHUNK_ROWS)) chunk += `${row.map(copyField).join("\t")}\n`;
    yield chunk;
  }
}

function sessionOn(client: pg.Pool | pg.PoolClient): SqlSession {
  return {
    async run(sql, params = []) {
      const result = await client.query(toPostgresPlaceholders(sql), bindable(params));
      return result.rowCount ?? 0;
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      const result = await client.query(toPostgresPlaceholders(sql), bindable(params));
      return result.rows as T[];
    },
  };
}

/** Opens a pool on `url` and checks that the database answers (IndexerDatabaseUnreachable otherwise). */
export async function openPostgresDatabase(url: string, options: { poolSize?: number } = {}): Promise<SqlDatabase> {
  const where = describeDatabaseUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, types });
  // An idle client whose server went away emits 'error' on the pool: without a listener that would
  // crash the process; the next query gets a fresh connection and the indexer's retry covers the rest.
  pool.on("error", () => undefined);
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new IndexerDatabaseUnreachable(where, error);
  }
  const direct = sessionOn(pool);
  // Like SQLite's single connection, transactions are serialised: the store's writes are one
  // indexer's batches, and two at once would only conflict on the checkpoint row.
  let tail: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
  return {
    run: direct.run,
    all: direct.all,
    transaction: (work) =>
      serialised(async () => {
        const client = await pool.connect();
        // Set when the connection itself failed (the server restarted): it is then dropped, not pooled.
        let broken: Error | undefined;
        // A checked-out client whose server goes away emits 'error' besides failing its query; the pool
        // listens only to idle clients, so without this listener that event would crash the process.
        const onError = (error: Error) => void (broken ??= error);
        client.on("error", onError);
        try {
          await client.query("BEGIN");
          const result = await work({
            ...sessionOn(client),
            // COPY … FROM STDIN: the rows as one text stream, parsed by the server without a bound
            // parameter or a statement per row (the backfill's bulk path, see store.ts).
            async copy(table, columns, rows) {
              if (rows.length === 0) return;
              try {
                await pipeline(Readable.from(copyText(rows)), client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`)));
              } catch (error) {
                if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DuplicateRows(table, error);
                throw error;
              }
            },
          });
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
          throw error;
        } finally {
          client.removeListener("error", onError);
          client.release(broken);
        }
      }),
    async close() {
      await tail;
      await pool.end();
    },
  };
}

/**
 * The indexer's store in a PostgreSQL database (its tables created if missing). Schema creation
 * holds an advisory lock, so two processes starting together do not race on CREATE … IF NOT EXISTS.
 */
export async function openPostgresIndexerStore(url: string): Promise<IndexerStore> {
  return createSqlIndexerStore(await openPostgresDatabase(url), { schemaLock: `SELECT pg_advisory_xact_lock(${SCHEMA_LOCK_KEY})` });
}
