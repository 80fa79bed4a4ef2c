// The two stores the indexer suites run against: SQLite (a file in a temp directory) and
// PostgreSQL (a database per store name on the server of test/support/postgres.ts). A suite
// calls setUp() in `before` and tearDown() in `after`; open(name) twice gives the same index.
import { mkdtempSync, rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPostgresIndexerStore } from "../../src/indexer/postgres.ts";
import { openSqliteIndexerStore } from "../../src/indexer/sqlite.ts";
import type { IndexerStore } from "../../src/indexer/store.ts";
import { requirePostgres, startTestPostgres, type TestPostgres } from "../support/postgres.ts";

export interface StoreBackend {
  name: "SQLite" | "PostgreSQL";
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** The index called `name` (created on first use). */
  open(name: string): Promise<IndexerStore>;
  /** The environment that points the indexer command at the index called `name`. */
  storeEnv(name: string): Promise<Record<string, string>>;
  /** Raw SQL on the index called `name`, behind the store's back. */
  exec(name: string, sql: string): Promise<void>;
  /** The PostgreSQL server (PostgreSQL backend only). */
  postgres?: TestPostgres;
}

export function sqliteBackend(): StoreBackend {
  let dir: string;
  const file = (name: string) => join(dir, `${name}.sqlite`);
  return {
    name: "SQLite",
    async setUp() {
      dir = mkdtempSync(join(tmpdir(), "pachain-index-"));
    },
    async tearDown() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
    open: (name) => openSqliteIndexerStore(file(name)),
    storeEnv: async (name) => ({ PACHAIN_INDEXER_SQLITE_FILE: file(name) }),
    async exec(name, sql) {
      const raw = new DatabaseSync(file(name));
      raw.exec(sql);
      raw.close();
    },
  };
}

export function postgresBackend(): StoreBackend {
  const urls = new Map<string, string>();
  const url = async (name: string) => {
    let found = urls.get(name);
    if (!found) urls.set(name, (found = await backend.postgres!.createDatabase()));
    return found;
  };
  const backend: StoreBackend = {
    name: "PostgreSQL",
    async setUp() {
      backend.postgres = await startTestPostgres();
    },
    async tearDown() {
      await backend.postgres?.stop();
      urls.clear();
    },
    async open(name) {
      return openPostgresIndexerStore(await url(name));
    },
    storeEnv: async (name) => ({ DATABASE_URL: await url(name) }),
    async exec(name, sql) {
      await backend.postgres!.exec(urls.get(name)!, sql);
    },
  };
  return backend;
}

/** SQLite always; PostgreSQL when it is available (a loud skip otherwise, a failure under CI=true). */
export function storeBackends(suite: string): StoreBackend[] {
  return requirePostgres(suite) ? [sqliteBackend(), postgresBackend()] : [sqliteBackend()];
}
