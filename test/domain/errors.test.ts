import { expect } from "chai";
import { PaChainError, ValidationError } from "../../src/errors.ts";

describe("errors", () => {
  describe("PaChainError", () => {
    it("carries code, status, retryable and cause", () => {
      const cause = new Error("socket hang up");
      const error = new PaChainError("CATALOG_UNREADABLE", "cannot read", { status: 503, retryable: true, cause });
      expect(error).to.be.instanceOf(Error);
      expect(error.message).to.equal("cannot read");
      expect(error.code).to.equal("CATALOG_UNREADABLE");
      expect(error.status).to.equal(503);
      expect(error.retryable).to.equal(true);
      expect(error.cause).to.equal(cause);
      expect(error.name).to.equal("PaChainError");
    });

    it("is not retryable unless said so", () => {
      expect(new PaChainError("CATALOG_UNREADABLE", "x", { status: 500 }).retryable).to.equal(false);
    });
  });

  describe("ValidationError", () => {
    it("is a non-retryable 400 PaChainError with VALIDATION_FAILED by default", () => {
      const error = new ValidationError("facts[2].date", "facts[2].date: bad");
      expect(error).to.be.instanceOf(PaChainError);
      expect(error.name).to.equal("ValidationError");
      expect(error.status).to.equal(400);
      expect(error.retryable).to.equal(false);
      expect(error.code).to.equal("VALIDATION_FAILED");
      expect(error.field).to.equal("facts[2].date");
      expect(error.message).to.equal("facts[2].date: bad");
      expect(error.cause).to.equal(undefined);
    });

    it("keeps a specific code and a cause when given", () => {
      const cause = new Error("inner");
      const error = new ValidationError("fiscalCode", "nope", { code: "INVALID_FISCAL_CODE", cause });
      expect(error.code).to.equal("INVALID_FISCAL_CODE");
      expect(error.cause).to.equal(cause);
      expect(error.status).to.equal(400);
    });
  });
});
