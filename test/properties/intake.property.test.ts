// Property tests of the oracle's intake (src/oracle/intake.ts) with fast-check: whatever a source
// system sends, accept() never throws; a valid event becomes exactly the FactRegistry call it
// describes; anything malformed (wrong types, out-of-range numbers, impossible dates, invalid
// fiscal codes, ISTAT codes that cannot exist, injection strings, oversized fields) becomes a dead
// letter whose reason names the offending field. A real vault over a real outbox store.
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Interface, hexlify, randomBytes } from "ethers";
import { readAbi } from "../../src/chain/artifacts.ts";
import { loadCatalog } from "../../src/domain/catalog.ts";
import { createIntake, type Intake } from "../../src/oracle/intake.ts";
import { openOracleStore, type OracleStore } from "../../src/oracle/store.ts";
import { createPseudonymVault, type PseudonymVault } from "../../src/oracle/vault.ts";
import { arbitraryFiscalCode, injectionString, impossibleDate, invalidFiscalCode, NUM_RUNS } from "./arbitraries.ts";

const FACTS = new Interface(readAbi("FactRegistry"));
const KINDS = ["civil", "death", "assessment", "revocation", "income", "hospitalStay"] as const;
type Kind = (typeof KINDS)[number];

const bytes32 = () => hexlify(randomBytes(32));
const signature = () => hexlify(randomBytes(65));

/** A valid event of `kind` for the person `fiscalCode`, as a source system's feed carries it. */
function validEvent(kind: Kind, fiscalCode: string, vault: PseudonymVault, cursor: number): Record<string, unknown> {
  const subject = vault.pseudonymOf(fiscalCode);
  const signedAt = 1_781_481_600;
  const records: Record<Kind, Record<string, unknown>> = {
    civil: { recordId: bytes32(), subject, birthDate: 19700510, residence: 58091, signedAt },
    death: { recordId: bytes32(), subject, deathDate: 20260101, signedAt },
    assessment: {
      assessmentId: bytes32(), subject, commissionId: 5, category: 1, percentage: 100, flags: 1,
      effectiveDate: 20240101, reviewDate: 0, reportHash: bytes32(), signedAt,
    },
    revocation: { recordId: bytes32(), assessmentId: bytes32(), reason: 1, signedAt },
    income: { recordId: bytes32(), subject, year: 2025, amountCents: "1000000", signedAt },
    hospitalStay: { recordId: bytes32(), subject, admission: 20260101, discharge: 0, signedAt },
  };
  return {
    cursor, kind, sourceId: `SRC-${cursor}`, fiscalCode: kind === "revocation" ? undefined : fiscalCode,
    record: records[kind], signatures: kind === "assessment" ? [signature(), signature()] : [signature()],
  };
}

/** Numeric date fields of each record kind, and its other numeric fields with their largest valid value. */
const DATE_FIELDS: Record<Kind, string[]> = {
  civil: ["birthDate"], death: ["deathDate"], assessment: ["effectiveDate", "reviewDate"], revocation: [], income: [], hospitalStay: ["admission", "discharge"],
};
const NUMBER_FIELDS: Record<Kind, Array<[string, number]>> = {
  civil: [["residence", 111999], ["signedAt", 2 ** 40]],
  death: [["signedAt", 2 ** 40]],
  assessment: [["commissionId", 2 ** 32 - 1], ["category", 4], ["percentage", 100], ["flags", 31], ["signedAt", 2 ** 40]],
  revocation: [["reason", 255], ["signedAt", 2 ** 40]],
  income: [["year", 2199], ["signedAt", 2 ** 40]],
  hospitalStay: [["signedAt", 2 ** 40]],
};

describe("oracle intake: properties over arbitrary input (fast-check)", function () {
  this.timeout(120_000);
  let dir: string;
  let store: OracleStore;
  let vault: PseudonymVault;
  let intake: Intake;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), "pachain-props-"));
    store = openOracleStore(join(dir, "oracle.sqlite"));
    vault = createPseudonymVault({ store, pseudonymKey: hexlify(randomBytes(32)), vaultKey: hexlify(randomBytes(32)) });
    intake = createIntake({ factsInterface: FACTS, vault, catalog: loadCatalog() });
  });

  after(function () {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The dead letter of an event, or a failure naming what came out instead. */
  const refusal = (event: unknown) => {
    const result = intake.accept("props", "civil", event);
    if (result.type !== "item" || !result.item.dead) throw new Error(`accepted: ${JSON.stringify(event)?.slice(0, 300)}`);
    return result.item;
  };

  /** Whatever the feeds send, a dead letter or an item, never an exception (which would stall the feed's page). */
  const neverThrows = (event: unknown) => {
    const result = intake.accept("props", "civil", event);
    if (result.type === "item" && result.item.dead) {
      expect(result.item.dead.errorName).to.match(/^[A-Z_]+$/);
      expect(result.item.dead.errorDetail).to.be.a("string").and.not.equal("");
      expect(result.item.payload.length).to.be.at.most(4000);
    }
  };
  const isApplication = (event: unknown) => (event as { kind?: unknown } | null)?.kind === "application";

  it("never throws on any JSON value, and anything it does not turn into a call is a dead letter with a reason", function () {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.anything(), fc.record({ kind: fc.constantFrom(...KINDS), record: fc.anything() })).filter((e) => !isApplication(e)),
        neverThrows,
      ),
      { numRuns: NUM_RUNS * 4 },
    );
  });

  // A malformed application once threw a raw ZodError out of accept(): a poison page the INPS
  // feed retried for ever, blocking every decision. It must be a dead letter naming the field.
  it("never throws on a malformed application event either (it is a dead letter naming the field)", function () {
    fc.assert(
      fc.property(
        fc.record({ kind: fc.constant("application"), cursor: fc.anything(), applicationId: fc.anything(), fiscalCode: fc.anything(), benefit: fc.anything(), date: fc.anything() }, { requiredKeys: ["kind"] }),
        neverThrows,
      ),
      { numRuns: NUM_RUNS },
    );
  });

  // A record nested 5,000 deep made JSON.stringify of the dead letter throw a RangeError out of
  // accept(): a 500 from the commission route, and a feed stalled at that event for ever.
  it("turns a record nested 5,000 deep into a dead letter, with the same key when the page is re-read", function () {
    let nested: unknown = [];
    for (let i = 0; i < 5000; i++) nested = { a: nested };
    for (const kind of ["assessment", "civil"] as const) {
      const event = { cursor: 7, kind, sourceId: "DEEP-1", fiscalCode: "RSSMRA85T10A562S", record: nested, signatures: [signature()] };
      const first = refusal(event);
      expect(first.dead!.errorName).to.equal("VALIDATION_FAILED");
      expect(first.payload.length).to.be.at.most(4000);
      expect(first.payload).to.contain("nested too deep");
      expect(refusal(event).recordKey).to.equal(first.recordKey);
    }
  });

  it("turns every valid event into exactly the FactRegistry call it describes", function () {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), arbitraryFiscalCode(), fc.nat(1_000_000), (kind, fiscalCode, cursor) => {
        const event = validEvent(kind, fiscalCode, vault, cursor);
        const result = intake.accept("props", "civil", event);
        expect(result.type).to.equal("item");
        if (result.type !== "item") return;
        expect(result.item.dead, JSON.stringify(result.item.dead)).to.equal(undefined);
        const call = FACTS.parseTransaction({ data: result.item.payload })!;
        const record = event.record as Record<string, unknown>;
        expect(call.args[0].toObject()).to.deep.equal(Object.fromEntries(Object.entries(record).map(([k, v]) => [k, typeof v === "string" && !v.startsWith("0x") ? BigInt(v) : typeof v === "number" ? BigInt(v) : v])));
        if (kind !== "revocation") expect(vault.reveal(String(record.subject))).to.equal(fiscalCode.toUpperCase());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses an invalid fiscal code, naming the field", function () {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS.filter((k) => k !== "revocation")), invalidFiscalCode(), (kind, bad) => {
        const event = { ...validEvent(kind, "RSSMRA85T10A562S", vault, 1), fiscalCode: bad };
        const item = refusal(event);
        expect(item.dead!.errorDetail).to.match(/^fiscalCode/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses a record whose subject is not the pseudonym of the fiscal code", function () {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS.filter((k) => k !== "revocation")), arbitraryFiscalCode(), arbitraryFiscalCode(), (kind, a, b) => {
        fc.pre(a.toUpperCase() !== b.toUpperCase());
        const event = validEvent(kind, a, vault, 1);
        expect(refusal({ ...event, fiscalCode: b }).dead!.errorDetail).to.equal("record.subject: is not the pseudonym of the fiscal code");
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses impossible dates in every date field, naming it", function () {
    const withDates = KINDS.filter((k) => DATE_FIELDS[k].length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...withDates), fc.nat(), impossibleDate(), (kind, i, date) => {
        const field = DATE_FIELDS[kind][i % DATE_FIELDS[kind].length];
        // 0 means "none" for a review or discharge date; every other impossible date is refused.
        fc.pre(!(date === 0 && (field === "reviewDate" || field === "discharge")));
        const event = validEvent(kind, "RSSMRA85T10A562S", vault, 1);
        (event.record as Record<string, unknown>)[field] = date;
        expect(refusal(event).dead!.errorDetail).to.match(new RegExp(`^record\\.${field}:`));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses residences that are not ISTAT municipality codes (province 000 or above 111, municipality 000)", function () {
    const notIstat = fc.oneof(
      fc.integer({ min: 0, max: 999 }), // province 000
      fc.integer({ min: 1, max: 111 }).map((p) => p * 1000), // municipality 000
      fc.integer({ min: 112_000, max: 2 ** 31 }), // province above 111
      fc.integer({ min: -(2 ** 31), max: -1 }),
    );
    fc.assert(
      fc.property(notIstat, (residence) => {
        const event = validEvent("civil", "RSSMRA85T10A562S", vault, 1);
        (event.record as Record<string, unknown>).residence = residence;
        expect(refusal(event).dead!.errorDetail).to.match(/^record\.residence:/);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses wrong types and out-of-range numbers in every field of every record, naming the field", function () {
    const wrongValue = fc.oneof(
      fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { maxLength: 3 }),
      fc.double({ noInteger: true, noNaN: true }), fc.integer({ max: -1 }), injectionString(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.nat(), wrongValue, fc.boolean(), (kind, i, value, tooLarge) => {
        const event = validEvent(kind, "RSSMRA85T10A562S", vault, 1);
        const record = event.record as Record<string, unknown>;
        const fields = Object.keys(record);
        const field = fields[i % fields.length];
        const numeric = NUMBER_FIELDS[kind].find(([f]) => f === field);
        record[field] = tooLarge && numeric ? numeric[1] + 1 : value;
        // A string of decimal digits is a valid income amount; anything else here is not valid.
        fc.pre(!(field === "amountCents" && typeof record[field] === "string" && /^\d{1,19}$/.test(record[field] as string)));
        expect(refusal(event).dead!.errorDetail).to.match(new RegExp(`^record\\.${field}:`));
      }),
      { numRuns: NUM_RUNS * 2 },
    );
  });

  it("refuses unknown, missing and oversized envelope fields: kind, sourceId, signatures, extra record fields", function () {
    const mutations: Array<[string, (e: Record<string, unknown>) => void, RegExp]> = [
      ["kind", (e) => (e.kind = "pension"), /^kind:/],
      ["sourceId empty", (e) => (e.sourceId = ""), /^sourceId:/],
      ["sourceId oversized", (e) => (e.sourceId = "x".repeat(201)), /^sourceId:/],
      ["no signatures", (e) => (e.signatures = []), /^signatures:/],
      ["17 signatures", (e) => (e.signatures = Array.from({ length: 17 }, signature)), /^signatures:/],
      ["short signature", (e) => (e.signatures = ["0x1234"]), /^signatures\.0:/],
      ["extra record field", (e) => ((e.record as Record<string, unknown>).name = "Mario Rossi"), /^record\.: Unrecognized key/],
      ["record not an object", (e) => (e.record = "civil"), /^record:/],
      ["cursor negative", (e) => (e.cursor = -1), /^cursor:/],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.constantFrom(...mutations), (kind, [, mutate, expected]) => {
        const event = validEvent(kind, "RSSMRA85T10A562S", vault, 1);
        mutate(event);
        expect(refusal(event).dead!.errorDetail).to.match(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("keeps injection strings inert: refused as values, stored only as the truncated JSON of the event", function () {
    fc.assert(
      fc.property(injectionString(), fc.constantFrom("sourceId", "fiscalCode", "kind"), (text, field) => {
        const event = { ...validEvent("civil", "RSSMRA85T10A562S", vault, 1), [field]: text };
        const result = intake.accept("props", "civil", event);
        if (field === "sourceId" && text.length >= 1 && text.length <= 200) {
          // A source's own record number is opaque text: accepted as is, and it never reaches the chain.
          expect(result.type === "item" && !result.item.dead).to.equal(true);
          return;
        }
        const item = refusal(event);
        expect(item.payload).to.equal(JSON.stringify(event).slice(0, 4000));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("refuses an application with an unknown benefit, an impossible date or an invalid fiscal code (well-typed)", function () {
    const application = (over: Record<string, unknown>) => ({
      cursor: 1, kind: "application", applicationId: bytes32(), fiscalCode: "RSSMRA85T10A562S", benefit: "INV_PENSIONE_INABILITA", date: 20260601, ...over,
    });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }).filter((b) => !loadCatalog().benefits.some((x) => x.code === b)).map((benefit) => ({ benefit })),
          // Wrongly typed values are covered by the malformed-application property above.
          impossibleDate().filter((d) => d !== 0 && d <= 21991231).map((date) => ({ date })),
          invalidFiscalCode().filter((c) => typeof c === "string").map((fiscalCode) => ({ fiscalCode })),
          injectionString().map((benefit) => ({ benefit })),
        ),
        (over) => {
          const item = refusal(application(over));
          expect(item.dead!.errorDetail).to.match(new RegExp(`^${Object.keys(over)[0]}`));
        },
      ),
      { numRuns: NUM_RUNS },
    );
    // The same application with valid values is accepted, so the refusals above are about the values.
    expect(intake.accept("props", "inps", application({})).type).to.equal("application");
  });

  it("is deterministic for the same refused event: the same dead-letter key, so a re-read page adds nothing", function () {
    fc.assert(
      fc.property(fc.jsonValue(), (event) => {
        const a = intake.accept("props", "civil", event);
        const b = intake.accept("props", "civil", event);
        if (a.type === "item" && a.item.dead) expect(b.type === "item" && b.item.recordKey).to.equal(a.item.recordKey);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

