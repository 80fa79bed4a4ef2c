import { expect } from "chai";
import { hexlify, Indexed, Interface, type ParamType } from "ethers";
import { readAbi } from "../../src/chain/artifacts.ts";
import { AbiDecodingError, decodeEventArgs } from "../../src/indexer/abi.ts";
import { createEventDecoder, UNKNOWN_EVENT, type Json, type RpcLog } from "../../src/indexer/events.ts";

const CONTRACTS = ["PAAccessManager", "OrganisationRegistry", "FactRegistry", "BenefitCatalog", "BenefitLedger"];
const SAMPLES_PER_EVENT = 25;

/** xorshift32: the same "random" values on every run, so a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
  const int = (below: number) => Math.floor(next() * below);
  const bytes = (n: number) => {
    // Edge values as often as random ones: all zeros, all ones.
    const pick = int(4);
    return hexlify(Uint8Array.from({ length: n }, () => (pick === 0 ? 0 : pick === 1 ? 255 : int(256))));
  };
  const value = (type: ParamType): unknown => {
    if (type.isArray()) return Array.from({ length: type.arrayLength === -1 ? int(4) : type.arrayLength }, () => value(type.arrayChildren));
    if (type.isTuple()) return type.components.map(value);
    const base = type.baseType;
    if (base === "address") return bytes(20);
    if (base === "bool") return int(2) === 1;
    if (base === "string") return ["", "INPS", "Comune di Forlì", "ASL Roma 1 — Commissione ✓", "x".repeat(int(90))][int(5)];
    if (base === "bytes") return bytes(int(70));
    if (base.startsWith("uint")) return BigInt(bytes(Number(base.slice(4)) / 8));
    if (base.startsWith("int")) return BigInt.asIntN(Number(base.slice(3)), BigInt(bytes(Number(base.slice(3)) / 8)));
    if (base.startsWith("bytes")) return bytes(Number(base.slice(5)));
    throw new Error(`no generator for ${type.type}`);
  };
  return { value };
}

/** ethers' decoding in the indexer's JSON shape: the reference the decoder must match. */
function referenceJson(value: unknown, type: ParamType): Json {
  if (value instanceof Indexed) return value.hash;
  if (type.isArray()) return (value as unknown[]).map((item) => referenceJson(item, type.arrayChildren));
  if (type.isTuple()) return Object.fromEntries(type.components.map((c, i) => [c.name || `field${i}`, referenceJson((value as unknown[])[i], c)]));
  if (typeof value === "bigint") return value.toString();
  return value as Json;
}

describe("event decoding", function () {
  it("decodes every event of the five contracts as ethers does, on random and edge values", function () {
    const random = generator(20260101);
    let checked = 0;
    for (const contract of CONTRACTS) {
      const iface = new Interface(readAbi(contract));
      iface.forEachEvent((fragment) => {
        for (let i = 0; i < SAMPLES_PER_EVENT; i++) {
          const values = fragment.inputs.map((input) => random.value(input));
          const { topics, data } = iface.encodeEventLog(fragment, values);
          const parsed = iface.parseLog({ topics, data })!;
          const expected = Object.fromEntries(fragment.inputs.map((input, j) => [input.name || `arg${j}`, referenceJson(parsed.args[j], input)]));
          expect(decodeEventArgs(fragment.inputs, topics.slice(1), data), `${contract}.${fragment.name} ${JSON.stringify(values, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`)
            .to.deep.equal(expected);
          checked += 1;
        }
      });
    }
    expect(checked).to.be.greaterThan(30 * SAMPLES_PER_EVENT);
  });

  it("refuses a log whose topics or data do not fit the event", function () {
    const iface = new Interface(readAbi("BenefitLedger"));
    const fragment = iface.getEvent("PaymentRecorded")!;
    const { topics, data } = iface.encodeEventLog(fragment, [`0x${"11".repeat(32)}`, `0x${"22".repeat(32)}`, 202611, 33315]);
    expect(() => decodeEventArgs(fragment.inputs, topics.slice(1, 3), data)).to.throw(AbiDecodingError, "2 topics for 3 indexed arguments");
    expect(() => decodeEventArgs(fragment.inputs, topics.slice(1), data.slice(0, 40))).to.throw(AbiDecodingError, /a word was expected at byte 0/);
  });

  it("keeps a log it cannot decode, raw, under UnknownEvent", function () {
    const addresses = {
      manager: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
      organisations: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
      facts: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
      catalog: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0fC9",
      ledger: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
    };
    const log: RpcLog = {
      address: addresses.ledger.toLowerCase(), topics: [`0x${"ab".repeat(32)}`], data: "0x",
      blockNumber: "0x10", blockHash: `0x${"01".repeat(32)}`, transactionHash: `0x${"02".repeat(32)}`, transactionIndex: "0x0", logIndex: "0x3",
    };
    expect(createEventDecoder(addresses).decode(log, 1_790_000_000)).to.deep.equal({
      blockNumber: 16, blockHash: log.blockHash, blockTime: 1_790_000_000, txHash: log.transactionHash, txIndex: 0, logIndex: 3,
      contract: "BenefitLedger", address: addresses.ledger, event: UNKNOWN_EVENT,
      args: { topics: log.topics, data: "0x", error: "no event of the ABI has this signature" },
    });
  });
});
