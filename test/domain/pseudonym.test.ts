import { expect } from "chai";
import { ValidationError } from "../../src/errors.ts";
import { pseudonymise } from "../../src/domain/pseudonym.ts";

const KEY_HEX = `0x${"11".repeat(32)}`;
const KEY_BYTES = new Uint8Array(32).fill(0x11);
// HMAC-SHA256(0x11 × 32, code), computed independently with Python's hmac module.
const EXPECTED = "0x48fd7aba6c303e330cfe31919a1a282abba419934eee84d1f3b9464c791ac73d";
const EXPECTED_OMOCODIA = "0x9864a0309ba142c4ba0c144d8187e89817a85def54c1e8f6d1ad217508107430";

function expectKeyRefused(key: Uint8Array | string, message: string): void {
  expect(() => pseudonymise("RSSMRA85T10A562S", key))
    .to.throw(ValidationError, message)
    .that.includes({ code: "INVALID_PSEUDONYM_KEY", field: "key" });
}

describe("pseudonym", () => {
  it("is HMAC-SHA256 of the fiscal code under the consortium key, as 0x hex", () => {
    expect(pseudonymise("RSSMRA85T10A562S", KEY_HEX)).to.equal(EXPECTED);
  });

  it("gives the same pseudonym for a key as bytes or as hex", () => {
    expect(pseudonymise("RSSMRA85T10A562S", KEY_BYTES)).to.equal(EXPECTED);
  });

  it("upper-cases and trims the code first, so spelling does not split a person", () => {
    expect(pseudonymise(" rssmra85t10a562s ", KEY_HEX)).to.equal(EXPECTED);
  });

  it("gives a different pseudonym under a different key", () => {
    expect(pseudonymise("RSSMRA85T10A562S", `0x${"22".repeat(32)}`)).not.to.equal(EXPECTED);
  });

  it("hashes an omocodia variant as its own string", () => {
    expect(pseudonymise("RSSMRA85T10A56NH", KEY_HEX)).to.equal(EXPECTED_OMOCODIA);
  });

  it("accepts a key longer than 32 bytes", () => {
    expect(pseudonymise("RSSMRA85T10A562S", `0x${"ab".repeat(64)}`)).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("refuses an invalid fiscal code before hashing anything", () => {
    expect(() => pseudonymise("RSSMRA85T10A562X", KEY_HEX))
      .to.throw(ValidationError, "check character expected S, got X")
      .that.includes({ code: "INVALID_FISCAL_CODE" });
  });

  it("refuses a key shorter than 32 bytes, as hex or bytes", () => {
    expectKeyRefused(`0x${"11".repeat(31)}`, "key: must be at least 32 bytes, got 31");
    expectKeyRefused(new Uint8Array(16), "key: must be at least 32 bytes, got 16");
  });

  for (const [what, key] of [
    ["without 0x", "11".repeat(32)],
    ["with an odd number of digits", `0x${"1".repeat(65)}`],
    ["with a non-hex digit", `0x${"1".repeat(63)}g`],
  ] as const) {
    it(`refuses a hex key ${what}`, () => {
      expectKeyRefused(key, "key: expected 0x-prefixed hex with an even number of digits");
    });
  }
});
