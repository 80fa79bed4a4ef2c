import { expect } from "chai";
import { ValidationError } from "../../src/errors.ts";
import { isValidFiscalCode, makeFiscalCode, parseFiscalCode } from "../../src/domain/fiscal-code.ts";

const VALID = [
  "RSSMRA85T10A562S",
  "VRDGPP50C15F205J",
  "BNCLRA70A41H501B",
  "NRILCU58M62L219Y",
  "GLLNNA91D50C351I",
  "SLVPLA60H22H703S",
  "CNTNDR95R01A794I",
];

// Omocodia variants derived by hand from the official tables:
// RSSMRA85T10A562S with position 15 ("2") replaced by "N" → check character H;
// BNCLRA70A41H501B with all seven digit positions replaced (7→T, 0→L, 4→Q, 1→M, 5→R, 0→L, 1→M) → L.
const OMOCODIA_ONE = "RSSMRA85T10A56NH";
const OMOCODIA_ALL = "BNCLRATLAQMHRLML";

function expectInvalid(input: unknown, message: string | RegExp, field = "fiscalCode"): void {
  expect(() => parseFiscalCode(input, field))
    .to.throw(ValidationError, message)
    .that.includes({ code: "INVALID_FISCAL_CODE", field, status: 400 });
}

describe("fiscal-code", () => {
  describe("parseFiscalCode", () => {
    for (const code of VALID) {
      it(`accepts the valid code ${code}`, () => {
        expect(parseFiscalCode(code)).to.equal(code);
      });
    }

    it("returns the code trimmed and upper-cased", () => {
      expect(parseFiscalCode("  rssmra85t10a562s\n")).to.equal("RSSMRA85T10A562S");
    });

    it("accepts an omocodia variant with one digit replaced", () => {
      expect(parseFiscalCode(OMOCODIA_ONE)).to.equal(OMOCODIA_ONE);
    });

    it("accepts an omocodia variant with every digit replaced", () => {
      expect(parseFiscalCode(OMOCODIA_ALL)).to.equal(OMOCODIA_ALL);
    });

    it("refuses an omocodia variant whose check character was not recomputed", () => {
      expectInvalid("RSSMRA85T10A56NS", "check character expected H, got S");
    });

    it("refuses a wrong check character, saying which was expected", () => {
      expectInvalid("RSSMRA85T10A562X", "fiscalCode: invalid fiscal code: check character expected S, got X");
    });

    it("refuses a code of the wrong length, saying both lengths", () => {
      expectInvalid("RSSMRA85T10A562", "must be 16 characters, got 15");
      expectInvalid("RSSMRA85T10A562SS", "must be 16 characters, got 17");
    });

    it("refuses a non-string input", () => {
      expectInvalid(12345, "expected a string, got number");
    });

    it("refuses a digit where a letter belongs, naming the position", () => {
      expectInvalid("R5SMRA85T10A562S", 'character at position 2 is "5", expected a letter A-Z');
    });

    it("refuses a letter that is not an omocodia letter where a digit belongs", () => {
      expectInvalid("RSSMRA8AT10A562S", 'character at position 8 is "A", expected a digit or one of LMNPQRSTUV');
    });

    it("refuses a space inside the code", () => {
      expectInvalid("RSSMRA85T10 562S", 'character at position 12 is " ", expected a letter A-Z');
    });

    it("refuses a month letter outside ABCDEHLMPRST", () => {
      expectInvalid("RSSMRA85F10A562S", 'month letter "F" (position 9) is not one of ABCDEHLMPRST');
    });

    for (const [code, day] of [
      ["RSSMRA85T00A562S", "00"],
      ["RSSMRA85T32A562S", "32"],
      ["RSSMRA85T40A562S", "40"],
      ["RSSMRA85T72A562S", "72"],
      ["RSSMRA85D31A562S", "31"], // 31 April
      ["RSSMRA85B30A562S", "30"], // 30 February
      ["RSSMRA85B70A562S", "70"], // 30 February, woman
    ] as const) {
      it(`refuses day ${day} for the month of ${code}`, () => {
        expectInvalid(code, new RegExp(`day ${Number(day)} \\(positions 10-11\\) is not a day of month`));
      });
    }

    it("uses the caller's field name in the error", () => {
      expectInvalid("RSSMRA85T10A562X", /^persons\.anna: invalid fiscal code/, "persons.anna");
    });

    it("does not repeat the code in its messages, which end up in logs", () => {
      try {
        parseFiscalCode("RSSMRA85T10A562X");
        expect.fail("should have thrown");
      } catch (error) {
        expect((error as Error).message).not.to.include("RSSMRA85T10A562");
      }
    });
  });

  describe("isValidFiscalCode", () => {
    it("is true for a valid or omocodia code and false otherwise", () => {
      expect(isValidFiscalCode("VRDGPP50C15F205J")).to.equal(true);
      expect(isValidFiscalCode(OMOCODIA_ALL)).to.equal(true);
      expect(isValidFiscalCode("VRDGPP50C15F205K")).to.equal(false);
      expect(isValidFiscalCode(undefined)).to.equal(false);
    });
  });

  describe("makeFiscalCode", () => {
    it("rebuilds known codes from their parts", () => {
      expect(makeFiscalCode({ surname3: "RSS", name3: "MRA", birthDate: "1985-12-10", female: false, placeCode: "A562" })).to.equal(
        "RSSMRA85T10A562S",
      );
      expect(makeFiscalCode({ surname3: "bnc", name3: "lra", birthDate: "1970-01-01", female: true, placeCode: "h501" })).to.equal(
        "BNCLRA70A41H501B",
      );
    });

    it("builds a valid code for a woman born on 29 February", () => {
      const code = makeFiscalCode({ surname3: "FRR", name3: "GLI", birthDate: "2000-02-29", female: true, placeCode: "F205" });
      expect(code.slice(6, 11)).to.equal("00B69");
      expect(isValidFiscalCode(code)).to.equal(true);
    });

    const good = { surname3: "RSS", name3: "MRA", birthDate: "1985-12-10", female: false, placeCode: "A562" };
    for (const [field, value, message] of [
      ["surname3", "RS", "surname3: expected 3 letters"],
      ["name3", "MR4", "name3: expected 3 letters"],
      ["placeCode", "H50", "placeCode: expected a letter and 3 digits"],
      ["birthDate", "1985-02-30", "birthDate: 1985-02-30 is not a calendar date"],
    ] as const) {
      it(`refuses an invalid ${field}, naming it`, () => {
        expect(() => makeFiscalCode({ ...good, [field]: value }))
          .to.throw(ValidationError, message)
          .that.includes({ field });
      });
    }
  });
});
