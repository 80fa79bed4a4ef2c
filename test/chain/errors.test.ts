// Contract reverts become domain errors by name at the chain boundary (src/chain/errors.ts).
import { expect } from "chai";
import { Interface, ZeroHash } from "ethers";
import { readAbi } from "../../src/chain/artifacts.ts";
import { ChainRevert, createRevertTranslator } from "../../src/chain/errors.ts";
import { PaChainError, ValidationError } from "../../src/errors.ts";

describe("chain errors: reverts translated by name", function () {
  const ledger = new Interface(readAbi("BenefitLedger"));
  const facts = new Interface(readAbi("FactRegistry"));
  const translate = createRevertTranslator();
  // The shape ethers gives a reverted eth_call.
  const reverted = (data: string) => Object.assign(new Error("execution reverted"), { code: "CALL_EXCEPTION", data });

  it("turns a refused date into a 400 naming the field, and paused contracts into a retryable 503", function () {
    const date = translate(reverted(ledger.encodeErrorResult("BenefitLedgerInvalidDate", [20260230])));
    expect(date).to.be.instanceOf(ValidationError).and.include({ code: "INVALID_DATE", field: "date", status: 400 });
    const paused = translate(reverted(facts.encodeErrorResult("EnforcedPause", [])));
    expect(paused).to.be.instanceOf(PaChainError).and.include({ code: "UNAVAILABLE", status: 503, retryable: true });
  });

  it("names any other custom error, and leaves errors that are not reverts alone", function () {
    const other = translate(reverted(ledger.encodeErrorResult("BenefitLedgerAlreadyDecided", [ZeroHash])));
    expect(other).to.be.instanceOf(ChainRevert).and.include({ code: "CHAIN_REVERTED" });
    expect((other as ChainRevert).revert.name).to.equal("BenefitLedgerAlreadyDecided");
    const network = new Error("connect ECONNREFUSED");
    expect(translate(network)).to.equal(network);
  });
});
