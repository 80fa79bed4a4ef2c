// The access log under a flood of public proof verifications, on both stores (SQLite and
// PostgreSQL): a person pages through every staff read with a cursor, and 1,000 verifications of
// one proof are one counted row beside the reads, never pushing an auditor's read out of view.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { createAccessLog, type AccessLog } from "../../src/api/data/access-log.ts";
import { ValidationError } from "../../src/errors.ts";
import { openPostgresDatabase } from "../../src/indexer/postgres.ts";
import { openSqliteDatabase } from "../../src/indexer/sqlite.ts";
import { requirePostgres, startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { testClock } from "../support/clock.ts";

const PERSON = `0x${"aa".repeat(32)}`;
const OTHER = `0x${"bb".repeat(32)}`;

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`access log (${kind}): paged fully, verifications apart`, function () {
    this.timeout(120_000);
    let log: AccessLog;
    let dir: string | undefined;
    let postgres: TestPostgres | undefined;

    before(async function () {
      if (kind === "postgres") {
        if (!requirePostgres("access log")) this.skip();
        postgres = await startTestPostgres();
        log = await createAccessLog(await openPostgresDatabase(await postgres.createDatabase(), { poolSize: 2 }));
      } else {
        dir = mkdtempSync(join(tmpdir(), "pachain-access-"));
        log = await createAccessLog(openSqliteDatabase(join(dir, "access.sqlite")));
      }
    });
    after(async function () {
      await log?.close();
      await postgres?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("keeps an auditor's read in view after 1,000 verifications of one proof, which count as one row", async function () {
      const t0 = testClock.nowMs();
      await log.record([{ at: t0, actorRole: "auditor", actor: "RSSMRA85T10A562S", subject: PERSON, purpose: "Verifica pagamenti", action: "history", requestId: "r-audit" }]);
      for (let i = 1; i <= 1000; i++) {
        await log.recordVerification({ subject: PERSON, proofId: "proof-1", benefit: "EU_DISABILITY_CARD", at: t0 + i, verdict: i === 1000 ? "revoked" : "valid" });
      }
      await log.recordVerification({ subject: PERSON, proofId: "proof-2", benefit: "EU_DISABILITY_CARD", at: t0 + 2000, verdict: "valid" });
      const first = await log.entriesFor(PERSON, 1);
      expect(first.entries.map((e) => [e.actorRole, e.requestId])).to.deep.equal([["auditor", "r-audit"]]);
      expect(first.next).to.equal(null);
      const verifications = await log.verificationsFor(PERSON, 10);
      expect(verifications.map((v) => [v.proofId, v.count, v.lastVerdict, v.firstAt - t0, v.lastAt - t0])).to.deep.equal([
        ["proof-2", 1, "valid", 2000, 2000],
        ["proof-1", 1000, "revoked", 1, 1000],
      ]);
      expect(await log.verificationsFor(OTHER, 10)).to.deep.equal([]);
    });

    it("pages every read with a cursor, newest first, none twice and none lost, even with reads arriving meanwhile", async function () {
      const t0 = testClock.nowMs();
      // 25 reads, some at the same millisecond (the cursor breaks ties by entry id).
      await log.record(Array.from({ length: 25 }, (_, i) => ({
        at: t0 + Math.floor(i / 3), actorRole: "operator", actor: "RSSMRA85T10A562S", subject: OTHER, purpose: `read ${i}`, action: "history", requestId: `r${i}`,
      })));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await log.entriesFor(OTHER, 4, cursor);
        seen.push(...page.entries.map((e) => e.requestId));
        if (pages === 1) await log.record([{ at: t0 + 100, actorRole: "auditor", actor: "X", subject: OTHER, purpose: "newer", action: "history", requestId: "late" }]);
        cursor = page.next ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).to.equal(7);
      expect(seen).to.have.length(25);
      expect(new Set(seen).size).to.equal(25);
      expect(seen.at(-1)).to.match(/^r[012]$/);
      // The read that arrived meanwhile is on top of a fresh first page.
      expect((await log.entriesFor(OTHER, 1)).entries[0].requestId).to.equal("late");
    });

    it("refuses a cursor it did not give", async function () {
      for (const bad of ["nonsense", Buffer.from("1:'; DROP TABLE person_reads").toString("base64url")]) {
        let error: unknown;
        try {
          await log.entriesFor(PERSON, 10, bad);
        } catch (e) {
          error = e;
        }
        expect(error).to.be.instanceOf(ValidationError);
      }
    });
  });
}
