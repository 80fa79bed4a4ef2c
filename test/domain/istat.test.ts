import { expect } from "chai";
import { ValidationError } from "../../src/errors.ts";
import { formatIstatCode, parseIstatMunicipalityCode, parseProvinceCode, provinceOf } from "../../src/domain/istat.ts";

function expectInvalid(fn: () => unknown, field: string, message: string | RegExp): void {
  expect(fn).to.throw(ValidationError, message).that.includes({ code: "INVALID_ISTAT_CODE", field });
}

describe("istat", () => {
  describe("parseIstatMunicipalityCode", () => {
    it("returns the number of a 6-digit code, dropping leading zeros", () => {
      expect(parseIstatMunicipalityCode("058091", "residence")).to.equal(58091);
      expect(parseIstatMunicipalityCode("001272", "residence")).to.equal(1272);
    });

    it("accepts the highest province, 111", () => {
      expect(parseIstatMunicipalityCode("111001", "residence")).to.equal(111001);
    });

    for (const bad of ["58091", "0580910", "05809a", " 058091", 58091, null]) {
      it(`refuses ${JSON.stringify(bad)}, which is not 6 digits as a string`, () => {
        expectInvalid(() => parseIstatMunicipalityCode(bad, "facts[0].residence"), "facts[0].residence", /^facts\[0\]\.residence: expected an ISTAT municipality code as a string of exactly 6 digits/);
      });
    }

    it("refuses province 000 and provinces above 111", () => {
      expectInvalid(() => parseIstatMunicipalityCode("000123", "residence"), "residence", "residence: province 000 is outside 001-111");
      expectInvalid(() => parseIstatMunicipalityCode("112001", "residence"), "residence", "residence: province 112 is outside 001-111");
    });

    it("refuses municipality number 000", () => {
      expectInvalid(() => parseIstatMunicipalityCode("058000", "residence"), "residence", "municipality number 000 does not exist");
    });
  });

  describe("formatIstatCode", () => {
    it("zero-pads to 6 digits", () => {
      expect(formatIstatCode(58091)).to.equal("058091");
      expect(formatIstatCode(1001)).to.equal("001001");
    });

    for (const bad of [999, 112001, 58091.5]) {
      it(`refuses ${bad}, which is no municipality code`, () => {
        expectInvalid(() => formatIstatCode(bad), "code", `${bad} is not an ISTAT municipality code`);
      });
    }
  });

  describe("provinceOf", () => {
    it("is the first three digits of the code", () => {
      expect(provinceOf(58091)).to.equal(58);
      expect(provinceOf(1999)).to.equal(1);
      expect(provinceOf(111001)).to.equal(111);
    });
  });

  describe("parseProvinceCode", () => {
    it("returns the number of a 3-digit code", () => {
      expect(parseProvinceCode("058", "waves.2.provinces[0]")).to.equal(58);
    });

    for (const bad of ["58", "0580", 58]) {
      it(`refuses ${JSON.stringify(bad)}, which is not 3 digits as a string`, () => {
        expectInvalid(() => parseProvinceCode(bad, "provinces[1]"), "provinces[1]", /expected an ISTAT province code as a string of exactly 3 digits/);
      });
    }

    it("refuses 000 and codes above 111", () => {
      expectInvalid(() => parseProvinceCode("000", "p"), "p", "p: province 000 is outside 001-111");
      expectInvalid(() => parseProvinceCode("112", "p"), "p", "p: province 112 is outside 001-111");
    });
  });
});
