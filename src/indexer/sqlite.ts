// The SqlDatabase port on node:sqlite: one file, WAL (readers do not block the writer), prepared
// statements cached by text. synchronous = NORMAL: in WAL mode a crash of the process loses
// nothing committed and a power cut can only lose the last transactions, never split one — and
// the index is rebuilt from the chain anyway, from the checkpoint that went with those rows.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { createSqlIndexerStore, type IndexerStore, type SqlDatabase, type SqlSession, type SqlValue } from "./store.ts";

export function openSqliteDatabase(path: string): SqlDatabase {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -65536;");
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  const session: SqlSession = {
    async run(sql, params: readonly SqlValue[] = []) {
      return Number(prepare(sql).run(...params).changes);
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).all(...params) as T[];
    },
  };
  // One connection: a statement issued while a transaction awaits would join it, so every call waits its turn.
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => undefined);
    return result;
  };
  return {
    run: (sql, params) => exclusive(() => session.run(sql, params)),
    all: <T>(sql: string, params?: readonly SqlValue[]) => exclusive(() => session.all<T>(sql, params)),
    transaction: (work) =>
      exclusive(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await work(session);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      }),
    close: () =>
      exclusive(async () => {
        statements.clear();
        if (db.isOpen) db.close();
      }),
  };
}

/** The indexer's store in one SQLite file (created with its schema if missing). */
export function openSqliteIndexerStore(path: string): Promise<IndexerStore> {
  return createSqlIndexerStore(openSqliteDatabase(path));
}
