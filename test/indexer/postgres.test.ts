import { expect } from "chai";
import { describeDatabaseUrl, IndexerDatabaseUnreachable, openPostgresIndexerStore, toPostgresPlaceholders } from "../../src/indexer/postgres.ts";
import { openIndexerStore } from "../../src/indexer/wiring.ts";
import { loadConfig } from "../../src/config.ts";
import { freePort } from "../oracle/harness.ts";

describe("indexer store on PostgreSQL: the port", function () {
  it("numbers ? placeholders $1… in order, leaving string literals, quoted names and comments alone", function () {
    expect(toPostgresPlaceholders("SELECT * FROM events WHERE subject = ? AND period IN (?, ?) LIMIT ?"))
      .to.equal("SELECT * FROM events WHERE subject = $1 AND period IN ($2, $3) LIMIT $4");
    expect(toPostgresPlaceholders(`SELECT '?' AS "who?", x -- why?\n FROM t /* ? */ WHERE a = ? AND b = 'it''s ?'`))
      .to.equal(`SELECT '?' AS "who?", x -- why?\n FROM t /* ? */ WHERE a = $1 AND b = 'it''s ?'`);
  });

  it("describes a database URL by user, host, port and database, never the password", function () {
    expect(describeDatabaseUrl("postgres://pachain:s3cret@db.inps.example:6543/index?sslmode=require")).to.equal("pachain@db.inps.example:6543/index");
    expect(describeDatabaseUrl("postgresql://db.example/index")).to.equal("db.example:5432/index");
  });

  it("fails with a message naming the host (not the password) when the database does not answer", async function () {
    const port = await freePort();
    const url = `postgres://pachain:s3cret@127.0.0.1:${port}/index`;
    const error = await openIndexerStore(loadConfig({ DATABASE_URL: url })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerDatabaseUnreachable);
    expect((error as Error).message).to.match(new RegExp(`^cannot connect to the indexer's PostgreSQL database at pachain@127\\.0\\.0\\.1:${port}/index: .*ECONNREFUSED`));
    expect((error as Error).message).not.to.include("s3cret");
    expect(await openPostgresIndexerStore(url).catch((e: unknown) => (e as Error).name)).to.equal("IndexerDatabaseUnreachable");
  });
});
