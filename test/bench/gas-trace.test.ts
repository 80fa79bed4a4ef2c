import { expect } from "chai";
import { summariseProfile } from "../../scripts/bench/api.ts";
import { attribute, KINDS, weighted, type GasBreakdown, type StructLog } from "../../scripts/bench/gas-trace.ts";

// The benchmark's gas attribution (where a payment's or a record's gas goes) on a hand-made trace
// whose every cost is known: each instruction's own cost counted once, a call's overhead without
// what its callee spent, precompiles and storage told apart.

const LEDGER = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const REGISTRY = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";
const names = new Map([[LEDGER, "BenefitLedger"], [REGISTRY, "FactRegistry"]]);

/** A trace from (op, own cost, depth, stack) rows: gas left is computed as a node reports it. */
function trace(rows: Array<[op: string, cost: number, depth: number, stack?: string[]]>, start = 1_000_000): StructLog[] {
  const logs: StructLog[] = [];
  const gasAt: number[] = [];
  gasAt[1] = start;
  for (const [op, cost, depth, stack] of rows) {
    if (gasAt[depth] === undefined) gasAt[depth] = gasAt[depth - 1];
    logs.push({ op, gas: gasAt[depth], gasCost: cost, depth, stack });
    gasAt[depth] -= cost;
  }
  return logs;
}

describe("benchmark gas attribution (scripts/bench/gas-trace.ts)", function () {
  it("counts each instruction once, a call's overhead apart from its callee, and names the code that ran", function () {
    // Depth 1 (the ledger): PUSH, cold SLOAD, STATICCALL into the registry (overhead 2,600) whose
    // callee reads a cold slot and returns, ecrecover (3,100 with the call), a LOG, a new slot.
    const rows: Array<[string, number, number, string[]?]> = [
      ["PUSH1", 3, 1],
      ["SLOAD", 2100, 1],
      ["STATICCALL", 0, 1, ["0x0", "0x1000", REGISTRY, "0x5000"]],
      ["PUSH1", 3, 2],
      ["SLOAD", 2100, 2],
      ["KECCAK256", 42, 2],
      ["RETURN", 0, 2],
    ];
    const logs = trace(rows);
    // After the callee returns, the caller has lost the call's overhead plus what the callee used.
    const afterCall = logs[2].gas - 2600 - (3 + 2100 + 42);
    const tail: StructLog[] = [
      { op: "STATICCALL", gas: afterCall, gasCost: 0, depth: 1, stack: ["0x0", "0x80", "0x1", "0x3000"] },
      { op: "LOG4", gas: afterCall - 3100, gasCost: 1875, depth: 1 },
      { op: "SSTORE", gas: afterCall - 3100 - 1875, gasCost: 22100, depth: 1 },
      { op: "STOP", gas: afterCall - 3100 - 1875 - 22100, gasCost: 0, depth: 1 },
    ];
    const { byKind, byContract, executed } = attribute([...logs, ...tail], LEDGER, names);
    expect(executed).to.equal(3 + 2100 + 2600 + 3 + 2100 + 42 + 3100 + 1875 + 22100);
    expect(byKind.get(KINDS.coldRead)).to.equal(4200);
    expect(byKind.get(KINDS.call)).to.equal(2600);
    expect(byKind.get(KINDS.ecrecover)).to.equal(3100);
    expect(byKind.get(KINDS.event)).to.equal(1875);
    expect(byKind.get(KINDS.newSlot)).to.equal(22100);
    expect(byKind.get(KINDS.hash)).to.equal(42);
    expect(byContract.get("FactRegistry")).to.equal(3 + 2100 + 42);
    expect(byContract.get("BenefitLedger")).to.equal(executed - (3 + 2100 + 42));
  });

  it("weights per-unit breakdowns by the units each stands for", function () {
    const b = (gas: number): GasBreakdown => ({ units: 1, gasUsed: gas, perUnit: [{ kind: KINDS.newSlot, gas }], perUnitByContract: [{ contract: "FactRegistry", gas }], stepsPerUnit: 10 });
    const mix = weighted([{ breakdown: b(30_000), weight: 3 }, { breakdown: b(90_000), weight: 1 }])!;
    expect(mix.perUnit).to.deep.equal([{ kind: KINDS.newSlot, gas: 45_000 }]);
    expect(weighted([])).to.equal(undefined);
  });

  it("groups a CPU profile's samples by package, PA Chain folder and Node's HTTP, as percentages", function () {
    const node = (id: number, functionName: string, url: string, hitCount: number) => ({ id, callFrame: { functionName, url }, hitCount });
    const shares = summariseProfile({
      nodes: [
        node(1, "(idle)", "", 50),
        node(2, "handle", "file:///x/node_modules/express/lib/router.js", 20),
        node(3, "jwtVerify", "file:///x/node_modules/jose/dist/verify.js", 10),
        node(4, "entitlements", "file:///x/src/api/services/entitlements.ts", 10),
        node(5, "write", "node:_http_outgoing", 10),
      ],
    });
    expect(shares).to.deep.equal([
      { part: "idle (waiting for requests or the node)", percent: 50 },
      { part: "package express", percent: 20 },
      { part: "package jose", percent: 10 },
      { part: "PA Chain src/api", percent: 10 },
      { part: "Node.js HTTP server and sockets", percent: 10 },
    ]);
  });
});
