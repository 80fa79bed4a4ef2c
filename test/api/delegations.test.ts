// Delegations to patronati and their gate, over a real store (SQLite, and PostgreSQL when there is
// one) with a manual clock: who may do what, when a delegation stops (revoked, expired), and that
// every allowed access is in the person's log before the answer. The same flows over a real node
// are in patronati.test.ts.
import { expect } from "chai";
import { manualClock } from "../../src/clock.ts";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { pseudonymise } from "../../src/domain/pseudonym.ts";
import { PaChainError } from "../../src/errors.ts";
import { createAccessLog, type AccessLog } from "../../src/api/data/access-log.ts";
import { createDelegationStore, type DelegationStore } from "../../src/api/data/delegations.ts";
import { createPatronatoDirectory } from "../../src/api/data/directory.ts";
import { openPostgresDatabase } from "../../src/indexer/postgres.ts";
import { openSqliteDatabase } from "../../src/indexer/sqlite.ts";
import type { SqlDatabase } from "../../src/indexer/store.ts";
import { addMonthsYmd, createDelegationService, DEFAULT_RETENTION_DAYS } from "../../src/api/services/delegations.ts";
import { addDaysYmd, daysBetweenYmd } from "../../src/domain/dates.ts";
import { requirePostgres, startTestPostgres, type TestPostgres } from "../support/postgres.ts";
import { testClock } from "../support/clock.ts";
import { todayOf } from "../../src/clock.ts";
import { DEMO_PATRONATI } from "../../src/demo/consortium.ts";

const KEY = `0x${"42".repeat(32)}`;
const PERSON = "RSSMRA85T10A562S";
const OTHER = "BNCGNN75B42H501E";
const DAY_MS = 86_400_000;
const PATRONATI = DEMO_PATRONATI.map((p, i) => ({ id: 20 + i, slug: p.slug, name: p.name, operators: p.operators }));
const directory = createPatronatoDirectory(PATRONATI);
const [INCA, INAS] = PATRONATI;
const operatorOf = (p: typeof INCA, i = 0) => ({ role: "patronato" as const, fiscalCode: p.operators[i].fiscalCode, organisation: p.id });
const citizen = (fiscalCode: string) => ({ role: "citizen" as const, fiscalCode });

/** The refusal's code, or "ALLOWED". */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "ALLOWED";
  } catch (error) {
    if (error instanceof PaChainError) return `${error.status} ${error.code}`;
    throw error;
  }
}

for (const kind of ["sqlite", "postgres"] as const) {
  describe(`delegations to patronati (${kind} store)`, function () {
    this.timeout(60_000);
    let postgres: TestPostgres | undefined;
    let store: DelegationStore;
    let accessLog: AccessLog;
    const clock = manualClock(testClock.nowMs());
    const service = (retentionDays?: number) => createDelegationService({
      store, directory, accessLog, catalog: loadCatalog(),
      pseudonymOf: (fc) => pseudonymise(fc, KEY), today: () => todayOf(clock), nowMs: () => clock.nowMs(), retentionDays,
    });
    const open = async (): Promise<SqlDatabase> => {
      if (kind === "sqlite") return openSqliteDatabase(":memory:");
      postgres ??= await startTestPostgres();
      return openPostgresDatabase(await postgres.createDatabase(), { poolSize: 2 });
    };

    before(async function () {
      if (kind === "postgres" && !requirePostgres("delegations over PostgreSQL")) this.skip();
    });
    beforeEach(async function () {
      clock.set(testClock.nowMs());
      store = await createDelegationStore(await open());
      accessLog = await createAccessLog(await open());
    });
    afterEach(async function () {
      await store?.close();
      await accessLog?.close();
    });
    after(async function () {
      await postgres?.stop();
    });

    it("refuses a patronato without a delegation (NO_DELEGATION) and an operator the directory does not list (FORBIDDEN)", async function () {
      const s = service();
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["READ_STATUS"], "entitlements", "r1"))).to.equal("403 NO_DELEGATION");
      expect(await outcome(s.access({ ...operatorOf(INCA), fiscalCode: INAS.operators[0].fiscalCode }, PERSON, ["READ_STATUS"], "x", "r"))).to.equal("403 FORBIDDEN");
      expect(await outcome(s.access({ ...operatorOf(INCA), organisation: 999 }, PERSON, ["READ_STATUS"], "x", "r"))).to.equal("403 FORBIDDEN");
      expect((await accessLog.entriesFor(pseudonymise(PERSON, KEY), 10)).entries).to.deep.equal([]);
    });

    it("allows what the delegation's scopes allow, logs each access first with the patronato and the operator, and no other patronato", async function () {
      const s = service();
      const granted = await s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["READ_STATUS"] });
      expect(granted).to.deep.include({ status: "ACTIVE", grantedBy: "citizen", scopes: ["READ_STATUS"], patronato: { id: INCA.id, name: INCA.name } });
      const latest = addMonthsYmd(todayOf(clock), 12);
      expect(granted.until.replaceAll("-", "")).to.equal(String(latest));
      expect(await outcome(s.access(operatorOf(INCA, 1), PERSON, ["READ_STATUS"], "entitlements", "r2"))).to.equal("ALLOWED");
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["SUBMIT_APPLICATIONS"], "application X", "r3"))).to.equal("403 SCOPE_MISSING");
      expect(await outcome(s.access(operatorOf(INAS), PERSON, ["READ_STATUS"], "entitlements", "r4"))).to.equal("403 NO_DELEGATION");
      const { entries: log } = await accessLog.entriesFor(pseudonymise(PERSON, KEY), 10);
      expect(log.map((e) => ({ role: e.actorRole, actor: e.actor, action: e.action, requestId: e.requestId }))).to.deep.equal([
        { role: "patronato", actor: INCA.operators[1].fiscalCode, action: "entitlements", requestId: "r2" },
      ]);
      expect(log[0].purpose).to.contain(INCA.name);
      expect((await s.represented(operatorOf(INCA))).people.map((p) => p.fiscalCode)).to.deep.equal([PERSON]);
      expect((await s.represented(operatorOf(INAS))).people).to.deep.equal([]);
    });

    it("refuses a second live delegation to the same patronato, and an until in the past or beyond 12 months", async function () {
      const s = service();
      await s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["READ_STATUS"] });
      expect(await outcome(s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["READ_STATUS"] }))).to.equal("409 CONFLICT");
      const today = todayOf(clock);
      expect(await outcome(s.grant(citizen(PERSON), { patronato: INAS.id, scopes: ["READ_STATUS"], until: addMonthsYmd(today, 12) + 1 }))).to.equal("400 VALIDATION_FAILED");
      expect(await outcome(s.grant(citizen(PERSON), { patronato: INAS.id, scopes: ["READ_STATUS"], until: today - 1 }))).to.equal("400 VALIDATION_FAILED");
      expect(await outcome(s.grant(citizen(PERSON), { patronato: 999, scopes: ["READ_STATUS"] }))).to.equal("400 VALIDATION_FAILED");
      expect(await outcome(s.grant(citizen(PERSON), { patronato: INAS.id, scopes: ["READ_STATUS"], until: addMonthsYmd(today, 12) }))).to.equal("ALLOWED");
    });

    it("stops at once on revocation (DELEGATION_REVOKED), forgets the fiscal code, and keeps who revoked and when", async function () {
      const s = service();
      const { id } = await s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["READ_STATUS", "SUBMIT_APPLICATIONS"] });
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["READ_STATUS"], "history", "a"))).to.equal("ALLOWED");
      expect(await outcome(s.revoke(citizen(OTHER), id))).to.equal("404 NOT_FOUND");
      clock.advance(60_000);
      const revoked = await s.revoke(citizen(PERSON), id);
      expect(revoked).to.deep.include({ status: "REVOKED", revokedBy: "citizen", revokedAt: new Date(clock.nowMs()).toISOString() });
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["READ_STATUS"], "history", "b"))).to.equal("403 DELEGATION_REVOKED");
      expect((await s.represented(operatorOf(INCA))).people).to.deep.equal([]);
      expect((await store.get(id))!.fiscalCode).to.equal(null);
      clock.advance(60_000);
      expect((await s.revoke(citizen(PERSON), id)).revokedAt, "revoking again changes nothing").to.equal(revoked.revokedAt);
      // A new delegation after a revocation is a new, live one.
      await s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["READ_STATUS"] });
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["READ_STATUS"], "history", "c"))).to.equal("ALLOWED");
      expect((await s.mine(citizen(PERSON))).map((d) => d.status)).to.deep.equal(["ACTIVE", "REVOKED"]);
    });

    it("expires by itself after its until day (DELEGATION_EXPIRED), on the clock's date", async function () {
      const s = service();
      const today = todayOf(clock);
      const until = addMonthsYmd(today, 1);
      await s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["READ_STATUS"], until });
      const days = Math.round((Date.UTC(Math.floor(until / 10000), (Math.floor(until / 100) % 100) - 1, until % 100) - Date.UTC(Math.floor(today / 10000), (Math.floor(today / 100) % 100) - 1, today % 100)) / DAY_MS);
      clock.advance(days * DAY_MS);
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["READ_STATUS"], "payments", "last-day"))).to.equal("ALLOWED");
      clock.advance(DAY_MS);
      expect(await outcome(s.access(operatorOf(INCA), PERSON, ["READ_STATUS"], "payments", "day-after"))).to.equal("403 DELEGATION_EXPIRED");
      expect((await s.mine(citizen(PERSON)))[0].status).to.equal("EXPIRED");
      expect((await s.represented(operatorOf(INCA))).people).to.deep.equal([]);
      expect((await store.ofSubject(pseudonymise(PERSON, KEY)))[0].fiscalCode, "an ended delegation forgets the fiscal code").to.equal(null);
      expect(await outcome(s.confirm(citizen(PERSON), (await s.mine(citizen(PERSON)))[0].id))).to.equal("409 CONFLICT");
    });

    it("the retention job deletes a delegation and its claims only once it ended more than the retention period ago", async function () {
      const RETENTION = 30;
      const s = service(RETENTION);
      const person = pseudonymise(PERSON, KEY);
      const other = pseudonymise(OTHER, KEY);
      const claim = (delegationId: string, subject: string, applicationId: string) =>
        store.recordClaim({ applicationId, delegationId, subject, patronatoId: INCA.id, operator: INCA.operators[0].fiscalCode, benefit: "EU_DISABILITY_CARD", at: clock.nowMs() });
      const start = todayOf(clock);
      // Revoked today; expiring in 10 days; pending (never confirmed) until 20 days; active for 12 months.
      const revoked = await s.grant(citizen(PERSON), { patronato: INCA.id, scopes: ["SUBMIT_APPLICATIONS"] });
      await claim(revoked.id, person, "0xaa");
      await s.revoke(citizen(PERSON), revoked.id);
      const expiring = await s.grant(citizen(PERSON), { patronato: INAS.id, scopes: ["READ_STATUS"], until: addDaysYmd(start, 10) });
      const pending = await s.register(operatorOf(INCA), { fiscalCode: OTHER, scopes: ["READ_STATUS"], until: addDaysYmd(start, 20), mandateHash: `0x${"cd".repeat(32)}` }, "reg");
      const active = await s.grant(citizen(OTHER), { patronato: INAS.id, scopes: ["SUBMIT_APPLICATIONS"] });
      await claim(active.id, other, "0xbb");
      const ids = async () => [...(await store.ofSubject(person)), ...(await store.ofSubject(other))].map((d) => d.id).sort();
      const base = clock.nowMs(); // the manual clock has not moved: the revocation's time
      const at = (ymd: number) => clock.set(base + daysBetweenYmd(start, ymd) * DAY_MS);

      // The default keeps everything for two years.
      expect(DEFAULT_RETENTION_DAYS).to.equal(730);
      at(addDaysYmd(start, 400));
      expect(await service().purgeEnded(), "default retention").to.equal(0);

      at(addDaysYmd(start, RETENTION));
      expect(await s.purgeEnded(), "revoked exactly the retention period ago: kept").to.equal(0);
      clock.advance(DAY_MS);
      expect(await s.purgeEnded(), "revoked longer ago").to.equal(1);
      expect(await store.get(revoked.id)).to.equal(undefined);
      expect((await store.claimsOf(person)).map((c) => c.applicationId), "its claims go with it").to.deep.equal([]);

      at(addDaysYmd(start, 10 + RETENTION));
      expect(await s.purgeEnded(), "ended the day after its until: still within the period").to.equal(0);
      at(addDaysYmd(start, 10 + RETENTION + 1));
      expect(await s.purgeEnded()).to.equal(1);
      expect(await store.get(expiring.id)).to.equal(undefined);

      at(addDaysYmd(start, 20 + RETENTION + 1));
      expect(await s.purgeEnded(), "a pending one that expired unconfirmed").to.equal(1);
      expect(await store.get(pending.id)).to.equal(undefined);
      // The live delegation and its claims stay (so would any ended within the period).
      expect(await ids()).to.deep.equal([active.id]);
      expect((await store.claimsOf(other)).map((c) => c.applicationId)).to.deep.equal(["0xbb"]);
      expect(await s.purgeEnded(), "idempotent").to.equal(0);
    });

    it("a delegation registered by the patronato with the signed mandate waits for the person's confirmation", async function () {
      const s = service();
      const mandateHash = `0x${"ab".repeat(32)}`;
      const pending = await s.register(operatorOf(INAS), { fiscalCode: OTHER, scopes: ["SUBMIT_APPLICATIONS"], mandateHash }, "reg-1");
      expect(pending).to.deep.include({ status: "PENDING", grantedBy: "patronato", operator: INAS.operators[0].fiscalCode, mandateHash, confirmedAt: null });
      expect(await outcome(s.access(operatorOf(INAS), OTHER, ["SUBMIT_APPLICATIONS"], "application X", "r"))).to.equal("403 DELEGATION_PENDING");
      expect((await s.represented(operatorOf(INAS))).people[0]).to.deep.include({ fiscalCode: OTHER, status: "PENDING" });
      const { entries: log } = await accessLog.entriesFor(pseudonymise(OTHER, KEY), 10);
      expect(log.map((e) => [e.action, e.actor, e.requestId])).to.deep.equal([["delegation-registered", INAS.operators[0].fiscalCode, "reg-1"]]);
      expect(await outcome(s.confirm(citizen(PERSON), pending.id))).to.equal("404 NOT_FOUND");
      const confirmed = await s.confirm(citizen(OTHER), pending.id);
      expect(confirmed.status).to.equal("ACTIVE");
      expect(confirmed.confirmedAt).to.be.a("string");
      expect(await outcome(s.access(operatorOf(INAS), OTHER, ["SUBMIT_APPLICATIONS"], "application X", "r"))).to.equal("ALLOWED");
      expect(await outcome(s.access(operatorOf(INAS), OTHER, ["READ_STATUS"], "history", "r"))).to.equal("403 SCOPE_MISSING");
    });
  });
}

describe("addMonthsYmd", function () {
  it("keeps the day, or takes the month's last day when it has fewer", function () {
    expect(addMonthsYmd(20261204, 12)).to.equal(20271204);
    expect(addMonthsYmd(20280229, 12)).to.equal(20290228);
    expect(addMonthsYmd(20270131, 1)).to.equal(20270228);
    expect(addMonthsYmd(20271115, 3)).to.equal(20280215);
  });
});
