import { expect } from "chai";
import { createLogRange, isRangeTooLarge } from "../../src/indexer/indexer.ts";
import { JsonRpcError } from "../../src/indexer/rpc.ts";

/** How a JSON-RPC error reaches the indexer through ethers: the node's error under `error`. */
const rpcError = (code: number, message: string) => Object.assign(new Error("could not coalesce error"), { code: "UNKNOWN_ERROR", error: { code, message } });

describe("indexer: log ranges the node refuses", function () {
  it("recognises each node's and provider's way of saying the range is too large", function () {
    const tooLarge = [
      rpcError(-32005, "query returned more than 10000 results"), // geth, Infura
      rpcError(-32602, "Requested range exceeds maximum RPC range limit"), // Besu
      rpcError(-32602, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range"), // Alchemy
      rpcError(-32000, "query exceeds max results 20000"), // Erigon
      rpcError(-32000, "block range is too wide"), // Ankr
      rpcError(-32614, "eth_getLogs is limited to a 10,000 range"), // QuickNode
      rpcError(-32005, "limit exceeded"),
      Object.assign(new Error("request timeout (code=TIMEOUT, version=6.17.0)"), { code: "TIMEOUT" }),
      // The same, through the indexer's own JSON-RPC client.
      new JsonRpcError("eth_getLogs", { code: -32005, message: "query returned more than 10000 results" }),
      new JsonRpcError("eth_getLogs", { code: -32602, message: "Requested range exceeds maximum RPC range limit" }),
      new Error("request timeout after 120000 ms (eth_getLogs)"),
    ];
    expect(tooLarge.map(isRangeTooLarge)).to.deep.equal(tooLarge.map(() => true));
  });

  it("does not mistake an unreachable node or a bad request for a range too large", function () {
    const others = [
      new Error("connect ECONNREFUSED 127.0.0.1:8545"),
      Object.assign(new Error("read ETIMEDOUT"), { code: "ETIMEDOUT" }),
      rpcError(-32000, "header not found"),
      rpcError(-32602, "invalid params"),
      new JsonRpcError("eth_getLogs", { code: -32000, message: "header not found" }),
      undefined,
      "a string",
    ];
    expect(others.map(isRangeTooLarge)).to.deep.equal(others.map(() => false));
  });

  it("halves the range on each refusal and doubles it back after five reads in a row, never above the maximum", function () {
    const range = createLogRange(2000);
    expect(range.blocks).to.equal(2000);
    expect(range.refused(101, 2100)).to.equal(1100);
    expect(range.blocks).to.equal(1000);
    expect(range.refused(101, 1100)).to.equal(600);
    for (let i = 0; i < 4; i++) range.succeeded();
    expect(range.blocks, "four reads are not enough").to.equal(500);
    range.succeeded();
    expect(range.blocks).to.equal(1000);
    for (let i = 0; i < 5; i++) range.succeeded();
    expect(range.blocks).to.equal(2000);
    for (let i = 0; i < 5; i++) range.succeeded();
    expect(range.blocks, "never above the maximum").to.equal(2000);
    expect(range.refused(7, 7)).to.equal(7);
    expect(range.blocks, "one block is the smallest range").to.equal(1);
  });
});
